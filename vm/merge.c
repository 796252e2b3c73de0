/*
 * merge.c - same-page merging (see merge.h).
 *
 * Layer: vm/ (host-tested by test_vm_merge.c).
 */
#include "vm/merge.h"
#include "calf/abi.h"
#include "vm/space.h"
#include "vm/uspace.h"
#include "vm/vm.h"

#define WORDS (SV39_PAGE_SIZE / 8)

/* One page per hash value: a direct-mapped table (a new page with the
 * same slot evicts the old one; the scanner finds it again next time). */
#define TABLE_SIZE 4096
struct entry {
	uint64_t hash;
	long pid;              /* 0: empty */
	uint64_t va;
};
static struct entry table[TABLE_SIZE];

struct merge_stats merge_stats;

/* Where the scan goes on: the process, and the address in it. */
static long cursor_pid;
static uint64_t cursor_va;
static unsigned long unshared_this_scan, scanned_this_scan;

uint64_t merge_hash(const uint64_t *page)
{
	/* FNV-1a over the words: cheap, and a change of one bit anywhere
	 * changes the result. Never trusted alone: a match is compared. */
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < WORDS; i++)
		h = (h ^ page[i]) * 0x100000001b3ull;
	/* A multiply carries only upwards: the low bits of h depend on the
	 * low bits of the words alone. Mix the high ones down (MurmurHash3's
	 * finaliser), since the table is indexed by the low bits. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* The hash of a page of zeros (the zero frame's). */
static uint64_t zero_hash(void)
{
	static uint64_t h;
	static bool known;

	if (!known) {
		h = merge_hash(frame_ptr(&vm_frames, vm_frames.zero_pa));
		known = true;
	}
	return h;
}

static bool same(const uint64_t *a, const uint64_t *b)
{
	for (unsigned i = 0; i < WORDS; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static bool all_zero(const uint64_t *a)
{
	uint64_t any = 0;

	for (unsigned i = 0; i < WORDS; i++)
		any |= a[i];
	return any == 0;
}

/* ---- advice ---- */

long merge_advise(struct proc *p, uint64_t addr, uint64_t len, unsigned long on)
{
	struct merge_ranges *m = &p->merge;
	const struct region *r = region_find(&p->regions, addr);
	uint64_t end = addr + len;
	unsigned i;

	if (len == 0 || (addr | len) & (SV39_PAGE_SIZE - 1) || end < addr || on > 1)
		return -CALF_EINVAL;
	if (!r || end > r->end || !(r->prot & REGION_W) ||
	    (r->kind != REGION_HEAP && r->kind != REGION_MMAP))
		return -CALF_EINVAL;   /* only anonymous memory */
	for (i = 0; i < m->n; i++)
		if (m->r[i].start == addr && m->r[i].end == end)
			break;
	if (on) {
		if (i < m->n)
			return 0;   /* advised already */
		if (m->n == MERGE_RANGES)
			return -CALF_ENOMEM;
		m->r[m->n].start = addr;
		m->r[m->n].end = end;
		m->n++;
		return 0;
	}
	if (i == m->n)
		return -CALF_EINVAL;   /* not a range advised before */
	{
		/* Off: every page of the range that shares its frame gets a
		 * copy of its own; count first, so that out of memory
		 * changes nothing. */
		uint64_t need = 0, va;
		sv39_pte_t *slot, *shared;

		for (va = addr; va < end; va += SV39_PAGE_SIZE) {
			slot = space_leaf(&vm_frames, &p->space, va, &shared);
			if (slot && !shared && sv39_pte_valid(*slot) &&
			    !frame_is_zero(&vm_frames, sv39_pte_pa(*slot)) &&
			    frame_refcount(&vm_frames, sv39_pte_pa(*slot)) > 1)
				need++;
		}
		if (need >= vm_frames.nfree)
			return -CALF_ENOMEM;
		for (va = addr; va < end; va += SV39_PAGE_SIZE) {
			uint64_t old, pa;

			slot = space_leaf(&vm_frames, &p->space, va, &shared);
			if (!slot || shared || !sv39_pte_valid(*slot))
				continue;
			old = sv39_pte_pa(*slot);
			if (frame_is_zero(&vm_frames, old) || frame_refcount(&vm_frames, old) < 2)
				continue;
			pa = frame_alloc_copy(&vm_frames, old);
			*slot = sv39_pte_make(pa, (sv39_pte_flags(*slot) | SV39_PTE_W) & ~SV39_PTE_COW);
			uspace_flush(p, va, SV39_PAGE_SIZE);
			frame_unref(&vm_frames, old);
		}
	}
	m->r[i] = m->r[--m->n];
	return 0;
}

void merge_forget(struct proc *p, uint64_t lo, uint64_t hi)
{
	struct merge_ranges *m = &p->merge;

	for (unsigned i = 0; i < m->n;) {
		if (m->r[i].start < hi && lo < m->r[i].end)
			m->r[i] = m->r[--m->n];   /* overlaps what went: all of it goes */
		else
			i++;
	}
}

/* ---- the scan ---- */

/* A page the scanner may merge: the slot of its leaf, in a table of its
 * own, over a frame of its own (not the zero frame); else NULL. */
static sv39_pte_t *candidate(struct proc *p, uint64_t va)
{
	sv39_pte_t *shared, *slot = space_leaf(&vm_frames, &p->space, va, &shared);
	uint64_t pa;

	if (!slot || shared || !sv39_pte_valid(*slot))
		return NULL;
	pa = sv39_pte_pa(*slot);
	if (frame_is_zero(&vm_frames, pa) || frame_refcount(&vm_frames, pa) != 1)
		return NULL;
	return slot;
}

/* Make the page read-only (COW: a store will fault) on every hart. True
 * if it was writable: W is owed back if the merge does not happen. */
static bool protect(struct proc *p, sv39_pte_t *slot, uint64_t va)
{
	if (!(*slot & SV39_PTE_W))
		return false;
	*slot = (*slot & ~SV39_PTE_W) | SV39_PTE_COW;
	uspace_flush(p, va, SV39_PAGE_SIZE);
	return true;
}

/* Give back W taken by protect(): only rights are added, no flush. */
static void unprotect(sv39_pte_t *slot, bool was_writable)
{
	if (was_writable)
		*slot = (*slot | SV39_PTE_W) & ~SV39_PTE_COW;
}

/* The page at slot (of p, at va) becomes a mapping of the frame `to`,
 * read-only copy-on-write; its own frame goes back. */
static void remap(struct proc *p, sv39_pte_t *slot, uint64_t va, uint64_t to)
{
	uint64_t old = sv39_pte_pa(*slot);
	uint64_t flags = (sv39_pte_flags(*slot) & ~SV39_PTE_W) | SV39_PTE_COW;

	frame_ref(&vm_frames, to);   /* the zero frame is pinned: no count */
	*slot = sv39_pte_make(to, flags);
	uspace_flush(p, va, SV39_PAGE_SIZE);
	frame_unref(&vm_frames, old);
}

/* One advised page of p at va. True if it was merged. */
static bool scan_page(struct proc *p, uint64_t va)
{
	sv39_pte_t *slot = candidate(p, va), *tslot;
	struct entry *e;
	struct proc *q;
	const uint64_t *mine, *theirs;
	uint64_t h;
	bool mine_w, theirs_w;

	if (!slot)
		return false;
	mine = frame_ptr(&vm_frames, sv39_pte_pa(*slot));
	h = merge_hash(mine);
	if (h == zero_hash() && all_zero(mine)) {
		mine_w = protect(p, slot, va);
		if (!all_zero(mine)) {   /* written before it was protected */
			unprotect(slot, mine_w);
			return false;
		}
		remap(p, slot, va, vm_frames.zero_pa);
		merge_stats.zero++;
		return true;
	}
	e = &table[h & (TABLE_SIZE - 1)];
	q = e->pid ? proc_live_by_pid(e->pid) : NULL;
	tslot = q && e->hash == h && (q != p || e->va != va) ? candidate(q, e->va) : NULL;
	if (!tslot && q && e->hash == h && (q != p || e->va != va)) {
		/* The twin may be merged already (count > 1), still fine to
		 * share, as long as it is read-only everywhere: every
		 * mapping of a frame with count > 1 is. */
		sv39_pte_t *shared, *s = space_leaf(&vm_frames, &q->space, e->va, &shared);

		if (s && !shared && sv39_pte_valid(*s) && !(*s & SV39_PTE_W) &&
		    !frame_is_zero(&vm_frames, sv39_pte_pa(*s)))
			tslot = s;
	}
	if (!tslot) {
		/* No twin known: this page is the one for its hash now. */
		e->hash = h;
		e->pid = p->pid;
		e->va = va;
		unshared_this_scan++;
		return false;
	}
	theirs = frame_ptr(&vm_frames, sv39_pte_pa(*tslot));
	/* Nothing may change either page while they are compared. */
	mine_w = protect(p, slot, va);
	theirs_w = protect(q, tslot, e->va);
	if (mine == theirs || !same(mine, theirs)) {
		unprotect(slot, mine_w);
		unprotect(tslot, theirs_w);
		e->hash = h;          /* the twin changed, or a collision */
		e->pid = p->pid;
		e->va = va;
		unshared_this_scan++;
		return false;
	}
	remap(p, slot, va, sv39_pte_pa(*tslot));
	merge_stats.merged++;
	return true;
}

/* The next advised page from the cursor on, and its process; NULL at
 * the end of the last range of the last process. */
static struct proc *next_page(uint64_t *va)
{
	struct proc *p = cursor_pid ? proc_live_by_pid(cursor_pid) : NULL;

	for (;;) {
		if (p) {
			/* The first advised address at or after the cursor. */
			uint64_t best = ~0ull;

			for (unsigned i = 0; i < p->merge.n; i++) {
				uint64_t s = p->merge.r[i].start, e = p->merge.r[i].end;
				uint64_t at = cursor_va > s ? cursor_va : s;

				if (at < e && at < best)
					best = at;
			}
			if (best != ~0ull) {
				*va = best;
				return p;
			}
		}
		p = proc_next_live(cursor_pid);
		if (!p)
			return NULL;
		cursor_pid = p->pid;
		cursor_va = 0;
	}
}

static inline uint64_t instret(void)
{
#if defined(__riscv)
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

unsigned long merge_scan(unsigned long budget, unsigned long *merged)
{
	uint64_t t0 = instret();
	unsigned long n = 0, m = 0;
	bool wrapped = false;

	while (n < budget) {
		uint64_t va;
		struct proc *p = next_page(&va);

		if (!p) {
			/* Round every range once: start again from the first
			 * process - unless nothing at all is advised. */
			if (scanned_this_scan) {
				merge_stats.full_scans++;
				merge_stats.unshared = unshared_this_scan;
			}
			unshared_this_scan = 0;
			scanned_this_scan = 0;
			cursor_pid = 0;
			cursor_va = 0;
			if (wrapped)
				break;
			wrapped = true;
			continue;
		}
		wrapped = false;
		m += scan_page(p, va);
		cursor_va = va + SV39_PAGE_SIZE;
		scanned_this_scan++;
		n++;
	}
	merge_stats.scanned += n;
	merge_stats.cost += instret() - t0;
	*merged = m;
	return n;
}

void merge_reset(void)
{
	for (unsigned i = 0; i < TABLE_SIZE; i++)
		table[i].pid = 0;
	cursor_pid = 0;
	cursor_va = 0;
	unshared_this_scan = 0;
}

void merge_sharing(unsigned long *shared, unsigned long *sharing)
{
	*shared = *sharing = 0;
	for (unsigned i = 0; i < TABLE_SIZE; i++) {
		struct entry *e = &table[i];
		struct proc *q = e->pid ? proc_live_by_pid(e->pid) : NULL;
		sv39_pte_t *s, *sh;
		uint32_t c;

		if (!q)
			continue;
		s = space_leaf(&vm_frames, &q->space, e->va, &sh);
		if (!s || sh || !sv39_pte_valid(*s) || frame_is_zero(&vm_frames, sv39_pte_pa(*s)))
			continue;
		c = frame_refcount(&vm_frames, sv39_pte_pa(*s));
		if (c >= 2 && c != FRAME_PINNED) {
			(*shared)++;
			*sharing += c - 1;
		}
	}
}
