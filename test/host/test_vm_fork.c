/*
 * test_vm_fork.c - host unit tests of fork's bookkeeping (vm/space.c):
 * the copy-on-write clone with shared level-0 tables, unsharing, unmap
 * over shared tables, teardown, reference counts, out of memory.
 *
 * Layer: test/ (host only). The "RAM" is a malloc'd window managed by
 * the real frame table (vm/frame.c); page tables are built with the real
 * sv39/ library over it, so these are the same code paths the VM server
 * runs, minus the system calls. store() below resolves a store with the
 * VM server's own fault path (vm/fault.c, fault_fast.c, fault_apply.c),
 * so the random test at the end runs fork, store (by either path),
 * unmap and exit in any order and checks every space's contents and
 * every count after each; and every store checks that its fault
 * flushed each translation it took away (tlb_check).
 */
#include <stdlib.h>
#include <string.h>

#include "calf/abi.h"
#include "lib/scause.h"
#include "sv39/sv39.h"
#include "test/host/check.h"
#include "test/host/frame_fixture.h"
#include "test/host/fixture.h"
#include "vm/fault.h"
#include "vm/fault_policy.h"
#include "vm/frame.h"
#include "vm/process.h"
#include "vm/space.h"
#include "vm/trace.h"
#include "vm/vm.h"

#define MAX_FRAMES 1024
#define RW (SV39_PTE_U | SV39_PTE_R | SV39_PTE_W)
#define RX (SV39_PTE_U | SV39_PTE_R | SV39_PTE_X)
#define L0_SPAN (512ull * FRAME_SIZE)   /* what one level-0 table maps */

static uint8_t *window;
struct frame_table vm_frames;   /* the VM server's, as fault_apply.c uses it */
static struct sv39_mem mem;

/* A window of nframes frames, managed as one range, or (split > 0) as
 * a first range of `split` frames and a second of the rest: frames of
 * the first range are not in the largest one, so they take the frame
 * table's general paths (frame_ref, frame_refcount's search). */
static int setup_split(unsigned nframes, unsigned split)
{
	return frame_fixture(&vm_frames, &mem, &window, nframes, split);
}

static int setup(unsigned nframes)
{
	return setup_split(nframes, 0);
}

/* Map a fresh frame at va holding `byte` everywhere. */
static int map_page(struct sv39_space *s, uint64_t va, uint64_t flags, uint8_t byte)
{
	uint64_t pa = frame_alloc(&vm_frames);

	if (pa == FRAME_NONE)
		return -1;
	memset(frame_ptr(&vm_frames, pa), byte, FRAME_SIZE);
	return sv39_map(s, va, pa, SV39_LEVEL_4K, flags);
}

static sv39_pte_t pte_at(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t pte = 0;

	sv39_lookup(s, va, &pte, NULL);
	return pte;
}

/* The level-1 entry over va (0 if none). */
static sv39_pte_t l1_entry(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t *e = sv39_walk(s, va, SV39_LEVEL_2M, false, NULL);

	return e ? *e : 0;
}

/* The level-0 table over va (0 if none). */
static uint64_t l0_table(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t e = l1_entry(s, va);

	return (e & SV39_PTE_V) ? sv39_pte_pa(e) : 0;
}

/* The byte at va as s sees it: 0 where nothing is mapped (anonymous
 * memory reads zero). */
static uint8_t load(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t pte = pte_at(s, va);

	if (!(pte & SV39_PTE_V))
		return 0;
	return ((uint8_t *)frame_ptr(&vm_frames, sv39_pte_pa(pte)))[va & (FRAME_SIZE - 1)];
}

/*
 * ---- TLB flushes: what a fault takes away, it flushes ----
 * A hart may hold in its TLB any valid entry it walked through: a leaf,
 * or a pointer to a table (privileged spec 4.3.2). A fault that changes
 * such an entry so that using the old one would be wrong - a leaf now
 * mapping another frame, or with a right less, or gone; a pointer now
 * to another table, or gone - must flush it before it replies, and
 * after the change: until the change is made a hart may load the old
 * entry again. A leaf is flushed by its page or by a whole flush; a
 * pointer only by a whole flush (a flush by address orders only leaf
 * entries, 4.2.1). An entry that was invalid needs no flush: it is not
 * cached, or at worst faults once more, answered FAULT_RETRY, which
 * flushes (fault_apply.h).
 *
 * QEMU cannot catch a missing flush: its sfence.vma empties the whole
 * TLB whatever the address, so any later flush hides a missing one
 * (docs/testing.md). Here it is checked instead: tlb_watch takes every
 * valid entry of a space before a fault; each flush of the fault
 * (uspace_flush's stand-in, below) takes, for each entry it covers,
 * the entry as it is then as the one a hart may still hold; tlb_check,
 * after the fault, finds every entry that differs from what a hart may
 * hold in a way that needs a flush. (fork and munmap flush the whole
 * space in their callers, vm/fork.c and vm/uspace.c, which the host
 * build does not link; the faults' per-page flushes are decided here,
 * in vm/fault.c and vm/fault_apply.c.)
 */
#define TLB_MAX 2048

static struct {
	bool on;
	unsigned n, flushes;
	struct tlb_entry {
		uint64_t va;     /* the first address the entry maps */
		int level;       /* its table's level: 0 for a 4 KiB leaf */
		sv39_pte_t pte;  /* what a hart may hold for it */
	} e[TLB_MAX];
} tlb;

static void tlb_add(uint64_t va, int level, sv39_pte_t pte)
{
	CHECK(tlb.n < TLB_MAX);
	tlb.e[tlb.n++] = (struct tlb_entry){ va, level, pte };
}

/* Every valid entry of the table at pa (of `level`, mapping from base). */
static void tlb_add_table(uint64_t pa, int level, uint64_t base)
{
	const sv39_pte_t *t = frame_ptr(&vm_frames, pa);
	unsigned n = level == SV39_LEVEL_1G ? SV39_ROOT_KERNEL_FIRST : SV39_ENTRIES;

	for (unsigned i = 0; i < n && !check_current_failed; i++) {
		uint64_t va = base + (uint64_t)i * sv39_level_size(level);

		if (!sv39_pte_valid(t[i]))
			continue;
		tlb_add(va, level, t[i]);
		if (!sv39_pte_is_leaf(t[i]) && level > SV39_LEVEL_4K)
			tlb_add_table(sv39_pte_pa(t[i]), level - 1, va);
	}
}

static void tlb_watch(struct sv39_space *s)
{
	tlb.n = 0;
	tlb.flushes = 0;
	tlb.on = true;
	tlb_add_table(s->root_pa, SV39_LEVEL_1G, 0);
}

/* The entry of s at (va, level) now; 0 if the walk does not reach it. */
static sv39_pte_t tlb_now(struct sv39_space *s, const struct tlb_entry *e)
{
	sv39_pte_t *slot = sv39_walk(s, e->va, e->level, false, NULL);

	return slot ? *slot : 0;
}

/* Whether a hart holding `held` must forget it, the entry being `now`. */
static bool tlb_stale(sv39_pte_t held, sv39_pte_t now)
{
	const uint64_t rights = SV39_PTE_R | SV39_PTE_W | SV39_PTE_X | SV39_PTE_U;

	if (!sv39_pte_valid(held))
		return false;
	if (!sv39_pte_valid(now) || sv39_pte_is_leaf(held) != sv39_pte_is_leaf(now) ||
	    sv39_pte_pa(held) != sv39_pte_pa(now))
		return true;
	return sv39_pte_is_leaf(held) && (held & rights & ~now) != 0;
}

/* A flush of [va, va + len) of s (len 0: all of it), as uspace_flush
 * asks for: what a hart may hold for each entry it covers is now the
 * entry as it is. */
static void tlb_flushed(struct sv39_space *s, uint64_t va, uint64_t len)
{
	if (!tlb.on)
		return;
	tlb.flushes++;
	for (unsigned i = 0; i < tlb.n; i++) {
		struct tlb_entry *e = &tlb.e[i];
		bool covered = len == 0 ||
			(sv39_pte_is_leaf(e->pte) && e->va < va + len &&
			 va < e->va + sv39_level_size(e->level));

		if (covered)
			e->pte = tlb_now(s, e);
	}
}

/* After the fault: nothing a hart may hold is stale. */
static void tlb_check(struct sv39_space *s)
{
	unsigned stale = 0;

	tlb.on = false;
	for (unsigned i = 0; i < tlb.n; i++) {
		const struct tlb_entry *e = &tlb.e[i];
		sv39_pte_t now = tlb_now(s, e);

		if (!tlb_stale(e->pte, now))
			continue;
		if (stale++ < 4)
			printf("  the %s at 0x%llx (level %d) changed, 0x%llx -> 0x%llx, and was not "
			       "flushed after the change (%u flushes)\n",
			       sv39_pte_is_leaf(e->pte) ? "leaf" : "table pointer",
			       (unsigned long long)e->va, e->level, (unsigned long long)e->pte,
			       (unsigned long long)now, tlb.flushes);
	}
	CHECK_EQ(stale, 0);
}

/*
 * ---- the fault path itself ----
 * vm/fault.c (the reference path), vm/fault_fast.c (its shortcut) and
 * vm/fault_apply.c run here as in the VM server; what they would ask of
 * the rest of it (the process table, killing, TLB flushes, the console)
 * is stubbed below. A store to a test space s is a fault message from a
 * process whose one region covers all user space and whose space is s.
 */
struct vm_stats vm_stats;
struct tid_slot proc_tid_hash[PROC_TID_HASH];
static struct proc fault_proc;   /* the process of the store being resolved */
#define FAULT_TID 7              /* ... and its one thread */
static unsigned kills, flushes;

struct proc *proc_by_tid_slow(long tid)
{
	return tid == FAULT_TID && fault_proc.state == PROC_LIVE ? &fault_proc : NULL;
}

void proc_kill(struct proc *p, int signal, const char *why)
{
	(void)p;
	(void)signal;
	(void)why;
	kills++;
}

void uspace_flush(struct proc *p, uint64_t va, uint64_t len)
{
	flushes++;
	tlb_flushed(&p->space, va, len);
}

void vm_printf(const char *fmt, ...)
{
	(void)fmt;
}

/* The fault trace (vm/trace.c prints through the console): off here,
 * as the VM server starts. */
bool trace_on;

void trace_fault(const struct proc *p, const struct fault_msg *f, struct fault_decision d,
		 bool table_copied)
{
	(void)p;
	(void)f;
	(void)d;
	(void)table_copied;
}

enum fault_path { BY_REFERENCE, BY_SHORTCUT };

/*
 * A store of `byte` at va in s, resolved by the VM server's fault path:
 * the reference path alone, or the shortcut first (as the server built
 * with FASTPATH=1 does). 0, or -1 when the process was killed for want
 * of a frame (s then sees what it saw before). *fast (if not NULL) says
 * whether the shortcut resolved it.
 */
static int store_by(struct sv39_space *s, uint64_t va, uint8_t byte, enum fault_path path,
		    bool *fast)
{
	struct calf_msg m = { .mr = {
		[CALF_FAULT_MR_LABEL] = CALF_LABEL_FAULT,
		[CALF_FAULT_MR_ADDR] = va,
		[CALF_FAULT_MR_ACCESS] = CALF_FAULT_WRITE,
		[CALF_FAULT_MR_PC] = 0x10000,
		[CALF_FAULT_MR_CAUSE] = EXC_STORE_PAGE_FAULT,
		[CALF_FAULT_MR_TID] = FAULT_TID,
	} };
	unsigned killed = kills;
	bool resolved;
	sv39_pte_t pte;

	memset(&fault_proc, 0, sizeof(fault_proc));
	fault_proc.state = PROC_LIVE;
	fault_proc.aspace = -1;
	fault_proc.space = *s;
	region_set_init(&fault_proc.regions);
	CHECK_OR_RETURN(region_add(&fault_proc.regions, 0, SV39_USER_TOP, REGION_R | REGION_W,
				   REGION_MMAP) == 0, -2);
	proc_tid_hash[FAULT_TID % PROC_TID_HASH].tid = FAULT_TID;
	proc_tid_hash[FAULT_TID % PROC_TID_HASH].p = &fault_proc;
	if (fast)
		*fast = false;
	if (path == BY_SHORTCUT && fault_fast(&m) == 0) {
		resolved = true;
		m.mr[CALF_FAULT_MR_REPLY] = CALF_FAULT_RESUME;
		if (fast)
			*fast = true;
	} else {
		resolved = fault_resolve(&m);
	}
	proc_tid_hash[FAULT_TID % PROC_TID_HASH] = (struct tid_slot){ 0, NULL };
	CHECK_OR_RETURN(fault_proc.space.root_pa == s->root_pa, -2);
	if (!resolved) {
		CHECK_OR_RETURN(kills == killed + 1, -2);   /* out of memory: killed, no reply */
		return -1;
	}
	CHECK_OR_RETURN(m.mr[CALF_FAULT_MR_REPLY] == CALF_FAULT_RESUME, -2);
	CHECK_OR_RETURN(kills == killed, -2);
	/* The store can go ahead now: the page is writable, in a table of
	 * s's own. */
	CHECK_OR_RETURN(sv39_lookup(s, va, &pte, NULL) == SV39_OK, -2);
	CHECK_OR_RETURN((pte & SV39_PTE_W) && !(pte & SV39_PTE_COW), -2);
	CHECK_OR_RETURN(space_cow_table_entry(s, va) == NULL, -2);
	((uint8_t *)frame_ptr(&vm_frames, sv39_pte_pa(pte)))[va & (FRAME_SIZE - 1)] = byte;
	return 0;
}

/* store_by, and then: the fault flushed every translation it took away
 * (tlb_watch and tlb_check, above). */
static int store_flushed(struct sv39_space *s, uint64_t va, uint8_t byte, enum fault_path path,
			 bool *fast)
{
	int r;

	tlb_watch(s);
	r = store_by(s, va, byte, path, fast);
	tlb_check(s);
	return check_current_failed ? -2 : r;
}

static int store(struct sv39_space *s, uint64_t va, uint8_t byte)
{
	return store_flushed(s, va, byte, BY_REFERENCE, NULL);
}

static void unref_leaf(void *arg, uint64_t va, sv39_pte_t pte)
{
	(void)arg;
	(void)va;
	frame_unref(&vm_frames, sv39_pte_pa(pte));
}

/* munmap's page-table half, as vm/uspace.c does it. */
static int unmap(struct sv39_space *s, uint64_t lo, uint64_t hi)
{
	int r = space_prepare_unmap(s, lo, hi);

	if (r < 0)
		return r;
	sv39_unmap_range(s, lo, hi, unref_leaf, NULL);
	return r;
}

/* ---- the invariants of space.h, checked by a walk of every space ---- */

static uint32_t want[MAX_FRAMES];
static uint8_t seen[MAX_FRAMES];

static unsigned frame_no(uint64_t pa)
{
	return (unsigned)((pa - FAKE_PA) / FRAME_SIZE);
}

/* Count what one level-0 table at pa holds (once, however many spaces
 * share it); a marked table holds no writable leaf. */
static void count_l0(uint64_t pa, bool marked)
{
	const sv39_pte_t *t = frame_ptr(&vm_frames, pa);

	for (unsigned k = 0; k < SV39_ENTRIES; k++) {
		if (!(t[k] & SV39_PTE_V))
			continue;
		CHECK(sv39_pte_is_leaf(t[k]) && (t[k] & SV39_PTE_U));
		CHECK(!(marked && (t[k] & SV39_PTE_W)));
		if (!seen[frame_no(pa)] && !frame_is_zero(&vm_frames, sv39_pte_pa(t[k])))
			want[frame_no(sv39_pte_pa(t[k]))]++;
	}
	seen[frame_no(pa)] = 1;
}

static void count_space(const struct sv39_space *s)
{
	const sv39_pte_t *root = frame_ptr(&vm_frames, s->root_pa);

	want[frame_no(s->root_pa)]++;
	for (unsigned i = 0; i < SV39_ROOT_KERNEL_FIRST; i++) {
		const sv39_pte_t *l1;

		if (!(root[i] & SV39_PTE_V))
			continue;
		CHECK(!sv39_pte_is_leaf(root[i]) && !(root[i] & SPACE_TABLE_COW));
		want[frame_no(sv39_pte_pa(root[i]))]++;
		l1 = frame_ptr(&vm_frames, sv39_pte_pa(root[i]));
		for (unsigned j = 0; j < SV39_ENTRIES; j++) {
			if (!(l1[j] & SV39_PTE_V))
				continue;
			CHECK(!sv39_pte_is_leaf(l1[j]));
			want[frame_no(sv39_pte_pa(l1[j]))]++;
			count_l0(sv39_pte_pa(l1[j]), (l1[j] & SPACE_TABLE_COW) != 0);
			if (check_current_failed)
				return;
		}
	}
}

/* A table with more than one share is marked in every space. */
static void check_marks(const struct sv39_space *s)
{
	const sv39_pte_t *root = frame_ptr(&vm_frames, s->root_pa);

	for (unsigned i = 0; i < SV39_ROOT_KERNEL_FIRST; i++) {
		const sv39_pte_t *l1;

		if (!(root[i] & SV39_PTE_V))
			continue;
		l1 = frame_ptr(&vm_frames, sv39_pte_pa(root[i]));
		for (unsigned j = 0; j < SV39_ENTRIES; j++)
			if ((l1[j] & SV39_PTE_V) && frame_refcount(&vm_frames, sv39_pte_pa(l1[j])) > 1)
				CHECK(l1[j] & SPACE_TABLE_COW);
	}
}

/* Every count in the frame table is what the spaces (and `held` frames
 * the test holds) imply, and nfree agrees. */
static void check_counts(struct sv39_space *sp, unsigned n, const uint64_t *held, unsigned nheld)
{
	uint64_t used = 0, pinned = 0;

	memset(want, 0, sizeof(want));
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < n; i++)
		if (sp[i].root_pa) {
			count_space(&sp[i]);
			if (check_current_failed)
				return;
			check_marks(&sp[i]);
			if (check_current_failed)
				return;
		}
	for (unsigned i = 0; i < nheld; i++)
		want[frame_no(held[i])]++;
	for (unsigned f = 0; f < MAX_FRAMES; f++) {
		uint32_t c = frame_refcount(&vm_frames, FAKE_PA + f * FRAME_SIZE);

		if (c == FRAME_PINNED) {
			pinned++;
			continue;
		}
		CHECK_EQ(c, want[f]);
		used += c != 0;
	}
	CHECK_EQ(vm_frames.nfree, vm_frames.nframes - pinned - used);
}

/* ---- fork ---- */

/* A small process: text, data, a heap run crossing a 2 MiB boundary, a
 * stack page high up, and a zero-frame read mapping. */
static int build_parent(struct sv39_space *p)
{
	if (sv39_space_init(p, &mem) != SV39_OK)
		return -1;
	if (map_page(p, 0x10000, RX, 0x11) || map_page(p, 0x11000, RW, 0x22))
		return -1;
	for (uint64_t va = 0x1ff000; va < 0x205000; va += FRAME_SIZE)
		if (map_page(p, va, RW, 0x33))
			return -1;
	if (map_page(p, 0x3ffeffe000ull, RW, 0x44))
		return -1;
	return sv39_map(p, 0x3000000, vm_frames.zero_pa, SV39_LEVEL_4K,
			(RW & ~SV39_PTE_W) | SV39_PTE_COW);
}

/* The level-0 tables of build_parent: 0x0, 0x200000, 0x3000000, stack. */
static const uint64_t parent_tables[] = { 0x10000, 0x200000, 0x3000000, 0x3ffeffe000ull };
#define NTABLES (sizeof(parent_tables) / sizeof(parent_tables[0]))

TEST(fork_shares_level0_tables)
{
	struct sv39_space parent, child;
	uint64_t free_before;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	free_before = vm_frames.nfree;
	CHECK_EQ(space_fork(&child, &parent), 0);
	/* A root and two level-1 tables (GiB 0 and the stack's GiB); the
	 * four level-0 tables are shared, not copied. */
	CHECK_EQ(free_before - vm_frames.nfree, 3);
	for (unsigned i = 0; i < NTABLES; i++) {
		uint64_t va = parent_tables[i];

		CHECK(l0_table(&child, va) != 0);
		CHECK_EQ(l0_table(&child, va), l0_table(&parent, va));
		CHECK(l1_entry(&child, va) & SPACE_TABLE_COW);
		CHECK(l1_entry(&parent, va) & SPACE_TABLE_COW);
		CHECK_EQ(frame_refcount(&vm_frames, l0_table(&child, va)), 2);
	}
	CHECK_EQ(space_resident(&child), space_resident(&parent));
	CHECK_EQ(space_resident(&child), 1 + 1 + 6 + 1);

	/* Text: as it was, never COW; data, heap, stack: read-only + COW,
	 * A and D still set. Each frame keeps one reference: the table's. */
	CHECK(!(pte_at(&child, 0x10000) & SV39_PTE_COW));
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&child, 0x10000))), 1);
	for (uint64_t va = 0x1ff000; va < 0x205000; va += FRAME_SIZE) {
		sv39_pte_t c = pte_at(&child, va);

		CHECK(c & SV39_PTE_COW);
		CHECK(!(c & SV39_PTE_W));
		CHECK_EQ(c & (SV39_PTE_A | SV39_PTE_D), SV39_PTE_A | SV39_PTE_D);
		CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(c)), 1);
	}
	CHECK(pte_at(&parent, 0x3ffeffe000ull) & SV39_PTE_COW);
	CHECK_EQ(sv39_pte_pa(pte_at(&child, 0x3000000)), vm_frames.zero_pa);
	CHECK_EQ(frame_refcount(&vm_frames, vm_frames.zero_pa), FRAME_PINNED);
	/* The kernel half of the child's root is left to the kernel. */
	for (int i = SV39_ROOT_KERNEL_FIRST; i < SV39_ENTRIES; i++)
		CHECK_EQ(sv39_table(&child, child.root_pa)[i], 0);
	{
		struct sv39_space both[2] = { parent, child };

		check_counts(both, 2, NULL, 0);
		if (check_current_failed)
			return;
	}

	/* The child's exit drops one share of each table, nothing else. */
	space_destroy(&child);
	CHECK_EQ(child.root_pa, 0);
	CHECK_EQ(vm_frames.nfree, free_before);
	for (unsigned i = 0; i < NTABLES; i++)
		CHECK_EQ(frame_refcount(&vm_frames, l0_table(&parent, parent_tables[i])), 1);
	check_counts(&parent, 1, NULL, 0);
	space_destroy(&parent);
}

/* What fork builds is what sv39_clone_cow builds, leaf for leaf, and
 * the parent ends the same either way. */
static int collect(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	uint64_t **out = arg;

	*(*out)++ = va;
	*(*out)++ = pte;
	*(*out)++ = (uint64_t)level;
	return 0;
}

static void ref_frame(void *arg, uint64_t pa)
{
	(void)arg;
	frame_ref(&vm_frames, pa);
}

TEST(fork_sees_what_sv39_clone_cow_builds)
{
	static uint64_t a[3 * 64], b[3 * 64], c[3 * 64];
	struct sv39_space parent, twin, child;
	uint64_t *pa = a, *pb = b, *pc = c;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	CHECK_EQ(sv39_space_init(&twin, &mem), SV39_OK);
	CHECK_EQ(sv39_clone_cow(&twin, &parent, 0, SV39_USER_TOP, ref_frame, NULL), SV39_OK);
	sv39_for_each_leaf(&parent, 0, SV39_USER_TOP, collect, &pa);
	CHECK_EQ(space_fork(&child, &parent), 0);
	sv39_for_each_leaf(&twin, 0, SV39_USER_TOP, collect, &pb);
	sv39_for_each_leaf(&child, 0, SV39_USER_TOP, collect, &pc);
	CHECK_EQ(pa - a, pb - b);
	CHECK_EQ(pa - a, pc - c);
	CHECK(memcmp(a, b, (size_t)(pa - a) * sizeof(a[0])) == 0);
	CHECK(memcmp(a, c, (size_t)(pa - a) * sizeof(a[0])) == 0);
	pa = a;
	sv39_for_each_leaf(&parent, 0, SV39_USER_TOP, collect, &pa);
	CHECK(memcmp(a, c, (size_t)(pa - a) * sizeof(a[0])) == 0);
	space_destroy(&twin);
	space_destroy(&child);
	space_destroy(&parent);
}

/* A table already marked is shared without a look inside: fork does no
 * per-page work the second time. (White-box: a writable leaf planted in
 * a marked table, which the VM server never builds, survives the fork.) */
TEST(fork_of_a_marked_table_does_not_look_inside)
{
	struct sv39_space parent, c1, c2;
	sv39_pte_t *slot;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	CHECK_EQ(space_fork(&c1, &parent), 0);
	space_destroy(&c1);
	/* Count 1 again, still marked in the parent. */
	CHECK(l1_entry(&parent, 0x200000) & SPACE_TABLE_COW);
	CHECK_EQ(frame_refcount(&vm_frames, l0_table(&parent, 0x200000)), 1);
	slot = sv39_walk(&parent, 0x200000, SV39_LEVEL_4K, false, NULL);
	CHECK(slot != NULL);
	*slot = (*slot | SV39_PTE_W) & ~SV39_PTE_COW;
	CHECK_EQ(space_fork(&c2, &parent), 0);
	CHECK(pte_at(&parent, 0x200000) & SV39_PTE_W);
	CHECK_EQ(frame_refcount(&vm_frames, l0_table(&parent, 0x200000)), 2);
	*slot = (*slot & ~SV39_PTE_W) | SV39_PTE_COW;
	space_destroy(&c2);
	space_destroy(&parent);
}

/* Unsharing: the writer gets a copy with one more reference to each
 * frame; the last holder just loses the mark. The policy then copies a
 * page while the other side shares it, and reuses it after. */
TEST(unshare_copies_then_policy_copy_then_reuse)
{
	struct sv39_space parent, child;
	uint64_t shared, free_before;
	sv39_pte_t *e;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	CHECK_EQ(space_fork(&child, &parent), 0);
	shared = l0_table(&parent, 0x10000);
	free_before = vm_frames.nfree;

	e = space_cow_table_entry(&child, 0x11000);
	CHECK(e != NULL);
	CHECK_EQ(space_unshare(&child, e), 1);
	CHECK_EQ(free_before - vm_frames.nfree, 1);   /* the copy */
	CHECK(l0_table(&child, 0x11000) != shared);
	CHECK(!(l1_entry(&child, 0x11000) & SPACE_TABLE_COW));
	CHECK_EQ(space_cow_table_entry(&child, 0x11000), NULL);
	CHECK_EQ(frame_refcount(&vm_frames, shared), 1);
	CHECK_EQ(pte_at(&child, 0x11000), pte_at(&parent, 0x11000));
	CHECK_EQ(pte_at(&child, 0x10000), pte_at(&parent, 0x10000));
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&child, 0x11000))), 2);
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&child, 0x10000))), 2);
	{
		struct sv39_space both[2] = { parent, child };

		check_counts(both, 2, NULL, 0);
		if (check_current_failed)
			return;
	}

	/* The child's store copies (count 2); the parent, now the table's
	 * only holder, takes it back without a copy. */
	CHECK_EQ(store(&child, 0x11000, 0x55), 0);
	CHECK_EQ(load(&child, 0x11000), 0x55);
	CHECK_EQ(load(&parent, 0x11000), 0x22);
	e = space_cow_table_entry(&parent, 0x11000);
	CHECK(e != NULL);
	free_before = vm_frames.nfree;
	CHECK_EQ(space_unshare(&parent, e), 0);
	CHECK_EQ(vm_frames.nfree, free_before);
	CHECK_EQ(l0_table(&parent, 0x11000), shared);
	CHECK(!(l1_entry(&parent, 0x11000) & SPACE_TABLE_COW));
	/* Its frame at 0x11000 lost the child's reference: reuse. */
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&parent, 0x11000))), 1);
	CHECK_EQ(store(&parent, 0x11000, 0x66), 0);
	CHECK(pte_at(&parent, 0x11000) & SV39_PTE_W);
	CHECK_EQ(load(&child, 0x11000), 0x55);
	/* Text stays shared by both copies of the table. */
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&parent, 0x10000))), 2);
	space_destroy(&child);
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&parent, 0x10000))), 1);
	check_counts(&parent, 1, NULL, 0);
	space_destroy(&parent);
}

/* Fork again from a child: a table's shares add up, and every teardown
 * order gives every frame back. */
TEST(fork_chain_counts)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};

	for (unsigned o = 0; o < 6; o++) {
		struct sv39_space s[3];
		uint64_t base, t;

		CHECK_EQ(setup(256), 0);
		base = vm_frames.nfree;
		CHECK_EQ(build_parent(&s[0]), 0);
		CHECK_EQ(space_fork(&s[1], &s[0]), 0);
		CHECK_EQ(space_fork(&s[2], &s[1]), 0);
		t = l0_table(&s[2], 0x200000);
		CHECK_EQ(t, l0_table(&s[0], 0x200000));
		CHECK_EQ(frame_refcount(&vm_frames, t), 3);
		check_counts(s, 3, NULL, 0);
		if (check_current_failed)
			return;
		for (unsigned k = 0; k < 3; k++) {
			space_destroy(&s[orders[o][k]]);
			check_counts(s, 3, NULL, 0);
			if (check_current_failed)
				return;
			if (k < 2)
				CHECK_EQ(frame_refcount(&vm_frames, t), 2 - k);
		}
		CHECK_EQ(vm_frames.nfree, base);
	}
}

/* Out of frames at every possible point of the clone: fork fails with
 * -CALF_ENOMEM and leaks nothing; the parent keeps every page. */
TEST(fork_out_of_memory_leaks_nothing)
{
	struct sv39_space parent, child;
	uint64_t hog[256];

	for (unsigned left = 0; left < 5; left++) {
		unsigned n = 0, res;
		uint64_t before;

		CHECK_EQ(setup(64), 0);
		CHECK_EQ(build_parent(&parent), 0);
		res = (unsigned)space_resident(&parent);
		while (vm_frames.nfree > left)
			hog[n++] = frame_alloc(&vm_frames);
		before = vm_frames.nfree;
		if (space_fork(&child, &parent) == 0) {
			CHECK(left >= 3);   /* a root and two level-1 tables */
			space_destroy(&child);
		} else {
			CHECK_EQ(child.root_pa, 0);
		}
		CHECK_EQ(vm_frames.nfree, before);
		CHECK_EQ(space_resident(&parent), res);
		CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&parent, 0x10000))), 1);
		check_counts(&parent, 1, hog, n);
		if (check_current_failed)
			return;
		while (n)
			frame_unref(&vm_frames, hog[--n]);
		space_destroy(&parent);
	}
}

/* Out of frames while unsharing: -CALF_ENOMEM, and nothing changed. */
TEST(unshare_out_of_memory_changes_nothing)
{
	struct sv39_space parent, child;
	uint64_t hog[256], t;
	unsigned n = 0;
	sv39_pte_t *e, before;

	CHECK_EQ(setup(64), 0);
	CHECK_EQ(build_parent(&parent), 0);
	CHECK_EQ(space_fork(&child, &parent), 0);
	while (vm_frames.nfree > 0)
		hog[n++] = frame_alloc(&vm_frames);
	e = space_cow_table_entry(&child, 0x200000);
	CHECK(e != NULL);
	before = *e;
	t = l0_table(&child, 0x200000);
	CHECK_EQ(space_unshare(&child, e), -CALF_ENOMEM);
	CHECK_EQ(*e, before);
	CHECK_EQ(frame_refcount(&vm_frames, t), 2);
	CHECK_EQ(store(&child, 0x200000, 1), -1);
	CHECK_EQ(load(&child, 0x200000), 0x33);
	/* munmap of part of a shared table needs a copy: it fails the same
	 * way; of a whole one, it needs none and works. */
	CHECK_EQ(unmap(&child, 0x200000, 0x201000), -CALF_ENOMEM);
	CHECK_EQ(load(&child, 0x200000), 0x33);
	{
		struct sv39_space both[2] = { parent, child };

		check_counts(both, 2, hog, n);
		if (check_current_failed)
			return;
		CHECK_EQ(unmap(&child, 0x200000, 0x400000), 1);
		CHECK_EQ(load(&child, 0x200000), 0);
		CHECK_EQ(load(&parent, 0x200000), 0x33);
		CHECK_EQ(frame_refcount(&vm_frames, t), 1);
		both[1] = child;
		check_counts(both, 2, hog, n);
		if (check_current_failed)
			return;
	}
	while (n)
		frame_unref(&vm_frames, hog[--n]);
	space_destroy(&child);
	space_destroy(&parent);
}

/* space_map refuses a shared table (it would write into the other
 * space's view); unshared, the page lands, and the run masks are kept
 * true, so a page mapped after a fork is seen by the next fork.
 * Torn-down tables come back all zero and frame_alloc hands them out as
 * they are. */
TEST(fork_sees_pages_mapped_after_a_fork)
{
	struct sv39_space a, b, c;
	uint64_t base, pa;
	sv39_pte_t *e;

	CHECK_EQ(setup(256), 0);
	base = vm_frames.nfree;
	CHECK_EQ(build_parent(&a), 0);
	CHECK_EQ(space_fork(&b, &a), 0);
	pa = frame_alloc(&vm_frames);
	CHECK_EQ(space_map(&b, 0x1f0000, pa, RW), SV39_EINVAL);
	CHECK_EQ(load(&a, 0x1f0000), 0);
	e = space_cow_table_entry(&b, 0x1f0000);
	CHECK(e != NULL);
	CHECK_EQ(space_unshare(&b, e), 1);
	/* Into b's level-0 table of 0x10000, in a run that was empty, and
	 * into a table sv39 must create. */
	CHECK_EQ(space_map(&b, 0x1f0000, pa, RW), SV39_OK);
	pa = frame_alloc(&vm_frames);
	CHECK_EQ(space_map(&b, 0x7000000, pa, RW), SV39_OK);
	/* And straight into a slot, as the fault path does. */
	{
		sv39_pte_t *slot = sv39_walk(&b, 0x1e0000, SV39_LEVEL_4K, false, NULL);

		CHECK(slot != NULL);
		pa = frame_alloc(&vm_frames);
		*slot = sv39_pte_make(pa, RW | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
		space_mark_slot(&vm_frames, slot);
	}
	CHECK_EQ(load(&a, 0x1e0000), 0);
	CHECK_EQ(space_fork(&c, &b), 0);
	CHECK_EQ(space_resident(&c), space_resident(&b));
	CHECK(pte_at(&c, 0x1f0000) & SV39_PTE_COW);
	CHECK(pte_at(&c, 0x7000000) & SV39_PTE_COW);
	CHECK(pte_at(&c, 0x1e0000) & SV39_PTE_COW);
	CHECK(pte_at(&b, 0x1e0000) & SV39_PTE_COW);
	{
		struct sv39_space all[3] = { a, b, c };

		check_counts(all, 3, NULL, 0);
		if (check_current_failed)
			return;
	}
	space_destroy(&b);
	space_destroy(&c);
	CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(pte_at(&a, 0x11000))), 1);
	space_destroy(&a);
	CHECK_EQ(vm_frames.nfree, base);
	/* Every frame handed out now is zero: the clean ones (the
	 * torn-down tables) and the rest alike. */
	for (uint64_t p; (p = frame_alloc(&vm_frames)) != FRAME_NONE;) {
		const uint64_t *w = frame_ptr(&vm_frames, p);
		uint64_t or = 0;

		for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
			or |= w[i];
		CHECK_EQ(or, 0);
	}
}

/* munmap and sbrk over shared tables: a table the range covers wholly
 * is let go without a copy, one it covers in part is unshared, one no
 * longer shared just loses its mark; the other space sees nothing. */
TEST(unmap_over_shared_tables)
{
	struct sv39_space parent, child;
	uint64_t base, t0, t1, t2;

	CHECK_EQ(setup(512), 0);
	base = vm_frames.nfree;
	CHECK_EQ(sv39_space_init(&parent, &mem), SV39_OK);
	/* Pages in three tables: [2M, 4M), [4M, 6M), [6M, 8M). */
	for (uint64_t va = 0x200000; va < 0x800000; va += 0x40000)
		CHECK_EQ(map_page(&parent, va, RW, (uint8_t)(va >> 18)), SV39_OK);
	CHECK_EQ(space_fork(&child, &parent), 0);
	t0 = l0_table(&child, 0x200000);
	t1 = l0_table(&child, 0x400000);
	t2 = l0_table(&child, 0x600000);

	/* The child drops [3M, 6.5M): part of t0, all of t1, part of t2. */
	CHECK_EQ(unmap(&child, 0x300000, 0x680000), 1);
	CHECK(l0_table(&child, 0x200000) != t0);
	CHECK_EQ(l0_table(&child, 0x400000), 0);   /* let go, then pruned */
	CHECK(l0_table(&child, 0x600000) != t2);
	CHECK_EQ(frame_refcount(&vm_frames, t0), 1);
	CHECK_EQ(frame_refcount(&vm_frames, t1), 1);
	CHECK_EQ(frame_refcount(&vm_frames, t2), 1);
	for (uint64_t va = 0x200000; va < 0x800000; va += 0x40000) {
		bool gone = va >= 0x300000 && va < 0x680000;

		CHECK_EQ(load(&child, va), gone ? 0 : (uint8_t)(va >> 18));
		CHECK_EQ(load(&parent, va), (uint8_t)(va >> 18));
	}
	{
		struct sv39_space both[2] = { parent, child };

		check_counts(both, 2, NULL, 0);
		if (check_current_failed)
			return;
	}
	/* The parent, sole holder of all three now, shrinks [2M, 8M): no
	 * copy, the marks go, sv39/ frees everything. */
	CHECK_EQ(unmap(&parent, 0x200000, 0x800000), 0);
	for (uint64_t va = 0x200000; va < 0x800000; va += 0x40000)
		CHECK_EQ(load(&parent, va), 0);
	{
		struct sv39_space both[2] = { parent, child };

		check_counts(both, 2, NULL, 0);
		if (check_current_failed)
			return;
	}
	/* Bounds in the non-canonical hole and empty ranges do nothing. */
	CHECK_EQ(space_prepare_unmap(&child, 0x400000, 0x400000), 0);
	CHECK_EQ(space_prepare_unmap(&child, SV39_USER_TOP, ~0ull), 0);
	space_destroy(&child);
	space_destroy(&parent);
	CHECK_EQ(vm_frames.nfree, base);
}

/* ---- fork, store, unmap and exit in random order ---- */

#define SPACES 6
#define PAGES 40

/* Pages spread over five level-0 tables under two level-1 tables. */
static uint64_t page_va(unsigned i)
{
	static const uint64_t table[5] = { 0x200000, 0x400000, 0x600000, 0x40000000, 0x40200000 };

	return table[i % 5] + (uint64_t)(i / 5) * 0x21000;
}

/* The fault paths' walk (space_leaf) answers what sv39_walk and
 * space_cow_table_entry answer together. */
static void check_leaf_walk(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t *shared, *slot = space_leaf(&vm_frames, s, va, &shared);

	CHECK(slot == sv39_walk(s, va, SV39_LEVEL_4K, false, NULL));
	CHECK(shared == (slot ? space_cow_table_entry(s, va) : NULL));
}

/* One run: a live space `present` with its model, random operations,
 * then every space's pages against the model and every count against
 * the tables, after each step. */
/* The three forks of vm/ (space.h): tables shared, pages shared one by
 * one, pages copied. */
typedef int fork_fn(struct sv39_space *dst, struct sv39_space *src);

static void random_run(unsigned nframes, unsigned split, uint64_t seed, unsigned steps,
		       fork_fn *fork)
{
	static uint8_t model[SPACES][PAGES];
	struct sv39_space s[SPACES];
	uint64_t base;
	unsigned fails = 0, done[4] = { 0 }, shortcut = 0;

	if (check_current_failed)
		return;   /* the test's run before this one failed */
	CHECK_EQ(setup_split(nframes, split), 0);
	base = vm_frames.nfree;
	memset(s, 0, sizeof(s));
	memset(model, 0, sizeof(model));
	CHECK_EQ(sv39_space_init(&s[0], &mem), SV39_OK);
	for (unsigned step = 0; step < steps; step++) {
		unsigned a = xorshift_next(&seed) % SPACES, op = xorshift_next(&seed) % 16;
		unsigned i = xorshift_next(&seed) % PAGES, j = xorshift_next(&seed) % PAGES;

		if (!s[a].root_pa)
			continue;
		if (op < 9) {
			uint8_t byte = (uint8_t)(1 + xorshift_next(&seed) % 255);
			enum fault_path path = (xorshift_next(&seed) & 1) ? BY_SHORTCUT : BY_REFERENCE;
			bool fast;

			done[0]++;
			if (store_flushed(&s[a], page_va(i), byte, path, &fast) == 0)
				model[a][i] = byte;
			else
				fails++;
			shortcut += fast;
			if (check_current_failed) {   /* a flush missing, say */
				printf("  at step %u (a store to space %u)\n", step, a);
				return;
			}
		} else if (op < 12) {
			unsigned b = xorshift_next(&seed) % SPACES;

			if (s[b].root_pa)
				continue;
			done[1]++;
			if (fork(&s[b], &s[a]) == 0)
				memcpy(model[b], model[a], PAGES);
			else
				fails++;
		} else if (op < 15) {
			uint64_t lo = page_va(i < j ? i : j), hi = page_va(i < j ? j : i) + FRAME_SIZE;

			if (op == 14) {   /* whole tables */
				lo &= ~(L0_SPAN - 1);
				hi = (hi + L0_SPAN - 1) & ~(L0_SPAN - 1);
			}
			done[2]++;
			if (unmap(&s[a], lo, hi) >= 0) {
				for (unsigned k = 0; k < PAGES; k++)
					if (page_va(k) >= lo && page_va(k) < hi)
						model[a][k] = 0;
			} else {
				fails++;
			}
		} else if (a != 0) {
			done[3]++;
			space_destroy(&s[a]);
		}
		for (unsigned x = 0; x < SPACES; x++)
			for (unsigned k = 0; s[x].root_pa && k < PAGES; k++) {
				CHECK_EQ(load(&s[x], page_va(k)), model[x][k]);
				check_leaf_walk(&s[x], page_va(k));
				check_leaf_walk(&s[x], page_va(k) + 0x1000);
			}
		check_counts(s, SPACES, NULL, 0);
		if (check_current_failed) {
			printf("  after step %u (op %u on space %u)\n", step, op, a);
			return;
		}
	}
	for (unsigned x = 0; x < SPACES; x++)
		space_destroy(&s[x]);
	CHECK_EQ(vm_frames.nfree, base);
	printf("     %u stores (%u by the shortcut), %u forks, %u unmaps, %u exits; "
	       "%u refused for want of frames\n",
	       done[0], shortcut, done[1], done[2], done[3], fails);
	CHECK(shortcut > 0);   /* both paths were taken */
}

TEST(random_fork_store_unmap_exit)
{
	random_run(MAX_FRAMES, 0, 0x1234567887654321ull, 3000, space_fork);
}

/* Few frames, two ranges: out of memory everywhere, and frames outside
 * the largest range (the frame table's general paths). */
TEST(random_with_few_frames_and_two_ranges)
{
	random_run(80, 24, 0x0badc0ffee15600dull, 3000, space_fork);
}

/* The same with the forks of the labs below sharedpt (space_pages.c):
 * every page shared copy-on-write one by one, or copied. */
TEST(random_with_forks_page_by_page)
{
	random_run(MAX_FRAMES, 0, 0x2468ace013579bdfull, 2000, space_fork_pages);
	random_run(80, 24, 0x1357924680abcdefull, 2000, space_fork_pages);
}

TEST(random_with_forks_that_copy)
{
	random_run(MAX_FRAMES, 0, 0x0fedcba987654321ull, 2000, space_fork_copy);
	random_run(80, 24, 0x55aa55aa12345678ull, 2000, space_fork_copy);
}

int main(void)
{
	RUN_LAB(sharedpt, fork_shares_level0_tables);
	RUN_LAB(cow, fork_sees_what_sv39_clone_cow_builds);
	RUN_LAB(sharedpt, fork_of_a_marked_table_does_not_look_inside);
	RUN_LAB(sharedpt, unshare_copies_then_policy_copy_then_reuse);
	RUN_LAB(sharedpt, fork_chain_counts);
	RUN(fork_out_of_memory_leaks_nothing);
	RUN_LAB(sharedpt, unshare_out_of_memory_changes_nothing);
	RUN_LAB(sharedpt, fork_sees_pages_mapped_after_a_fork);
	RUN_LAB(sharedpt, unmap_over_shared_tables);
	RUN(random_fork_store_unmap_exit);
	RUN(random_with_few_frames_and_two_ranges);
	RUN(random_with_forks_page_by_page);
	RUN(random_with_forks_that_copy);
	free(window);
	return check_summary();
}
