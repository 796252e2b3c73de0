/*
 * test_vm_merge.c - host unit tests of same-page merging (vm/merge.c):
 * the hash, what merges and what never does, the counts, the advice.
 *
 * Layer: test/ (host only). Processes are struct procs over spaces built
 * with the real frame table and sv39/ in a malloc'd "RAM"; the process
 * table and the TLB flush are stubbed here (the VM server's are target
 * code).
 */
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "test/host/frame_fixture.h"
#include "vm/frame.h"
#include "vm/merge.h"
#include "vm/process.h"
#include "vm/space.h"
#include "vm/uspace.h"
#include "vm/vm.h"

#define FRAMES 256
#define PAGE SV39_PAGE_SIZE
#define WORDS (PAGE / 8)
#define BASE 0x1000000000ull      /* an mmap region in each process */
#define NPROC 4

struct frame_table vm_frames;
struct vm_stats vm_stats;
static uint8_t *window;
static struct sv39_mem mem;
static struct proc procs[NPROC];
static unsigned flushes;
static uint64_t base_free;   /* free frames before any process */

/* ---- what the VM server would supply ---- */

struct proc *proc_live_by_pid(long pid)
{
	for (unsigned i = 0; i < NPROC; i++)
		if (procs[i].state == PROC_LIVE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

struct proc *proc_next_live(long after)
{
	struct proc *best = NULL;

	for (unsigned i = 0; i < NPROC; i++)
		if (procs[i].state == PROC_LIVE && procs[i].pid > after &&
		    (!best || procs[i].pid < best->pid))
			best = &procs[i];
	return best;
}

void vm_printf(const char *fmt, ...)
{
	(void)fmt;
}

void uspace_flush(struct proc *p, uint64_t va, uint64_t len)
{
	(void)p;
	(void)va;
	(void)len;
	flushes++;
}

/* ---- fixtures ---- */

static void setup(unsigned nproc)
{
	frame_fixture(&vm_frames, &mem, &window, FRAMES, 0);
	base_free = vm_frames.nfree;
	merge_reset();
	memset(procs, 0, sizeof(procs));
	for (unsigned i = 0; i < nproc; i++) {
		struct proc *p = &procs[i];

		p->state = PROC_LIVE;
		p->pid = 10 + i;
		sv39_space_init(&p->space, &mem);
		region_set_init(&p->regions);
		region_add(&p->regions, BASE, BASE + 64 * PAGE, REGION_R | REGION_W, REGION_MMAP);
		region_add(&p->regions, 0x10000, 0x11000, REGION_R | REGION_X, REGION_ELF);
	}
	flushes = 0;
}

static void teardown(void)
{
	for (unsigned i = 0; i < NPROC; i++)
		if (procs[i].state == PROC_LIVE)
			space_destroy(&procs[i].space);
}

/* A writable page of p at va with every word `fill` (0: all zero). */
static uint64_t *page_of(struct proc *p, uint64_t va, uint64_t fill)
{
	uint64_t pa = frame_alloc(&vm_frames);
	uint64_t *w = frame_ptr(&vm_frames, pa);

	for (unsigned i = 0; i < WORDS; i++)
		w[i] = fill;
	space_map(&p->space, va, pa, SV39_PTE_U | SV39_PTE_R | SV39_PTE_W);
	return w;
}

static sv39_pte_t pte_at(struct proc *p, uint64_t va)
{
	sv39_pte_t pte = 0;

	sv39_lookup(&p->space, va, &pte, NULL);
	return pte;
}

static unsigned long scan(unsigned long budget)
{
	unsigned long merged;

	merge_scan(budget, &merged);
	return merged;
}

/* ---- the tests ---- */

TEST(hash_sees_every_word_and_spreads)
{
	static uint64_t a[WORDS], b[WORDS];
	unsigned seen[256] = { 0 }, distinct = 0;

	for (unsigned i = 0; i < WORDS; i++)
		a[i] = b[i] = i * 7;
	CHECK_EQ(merge_hash(a), merge_hash(b));
	for (unsigned w = 0; w < WORDS; w += 37) {
		b[w] ^= 1ull << (w % 64);
		CHECK(merge_hash(a) != merge_hash(b));
		b[w] = a[w];
	}
	/* Pages that differ only a little land in many table slots: the
	 * table is indexed by the hash's low bits. */
	for (unsigned k = 0; k < 256; k++) {
		for (unsigned i = 0; i < WORDS; i++)
			a[i] = k + 1;
		seen[merge_hash(a) & 255]++;
	}
	for (unsigned k = 0; k < 256; k++)
		distinct += seen[k] != 0;
	CHECK(distinct > 128);
}

TEST(identical_pages_of_two_processes_merge)
{
	uint64_t free0;
	sv39_pte_t a, b;

	setup(2);
	CHECK_EQ(merge_advise(&procs[0], BASE, 4 * PAGE, 1), 0);
	CHECK_EQ(merge_advise(&procs[1], BASE, 4 * PAGE, 1), 0);
	for (unsigned i = 0; i < 4; i++) {
		page_of(&procs[0], BASE + i * PAGE, 100 + i);
		page_of(&procs[1], BASE + i * PAGE, 100 + i);
	}
	free0 = vm_frames.nfree;
	CHECK_EQ(scan(8), 4);
	CHECK_EQ(vm_frames.nfree - free0, 4);   /* one frame per page back */
	for (unsigned i = 0; i < 4; i++) {
		a = pte_at(&procs[0], BASE + i * PAGE);
		b = pte_at(&procs[1], BASE + i * PAGE);
		CHECK_EQ(sv39_pte_pa(a), sv39_pte_pa(b));
		CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(a)), 2);
		CHECK(!(a & SV39_PTE_W) && (a & SV39_PTE_COW));   /* both read-only */
		CHECK(!(b & SV39_PTE_W) && (b & SV39_PTE_COW));
	}
	CHECK(flushes >= 8);   /* every page protected before its compare */
	/* Once merged, nothing more to do. */
	CHECK_EQ(scan(64), 0);
	teardown();
	CHECK_EQ(vm_frames.nfree, base_free);   /* every frame back */
}

TEST(different_pages_never_merge_and_keep_w)
{
	uint64_t *b;

	setup(2);
	merge_advise(&procs[0], BASE, PAGE, 1);
	merge_advise(&procs[1], BASE, PAGE, 1);
	page_of(&procs[0], BASE, 7);
	b = page_of(&procs[1], BASE, 7);
	b[WORDS - 1] = 8;   /* one word off: the hash differs */
	CHECK_EQ(scan(8), 0);
	CHECK(pte_at(&procs[0], BASE) & SV39_PTE_W);
	CHECK(pte_at(&procs[1], BASE) & SV39_PTE_W);
	teardown();
}

TEST(unadvised_pages_are_not_scanned)
{
	setup(2);
	merge_advise(&procs[0], BASE, PAGE, 1);
	page_of(&procs[0], BASE, 9);
	page_of(&procs[1], BASE, 9);   /* the same, but not advised */
	CHECK_EQ(scan(8), 0);
	CHECK(pte_at(&procs[1], BASE) & SV39_PTE_W);
	teardown();
}

TEST(zero_pages_go_to_the_zero_frame)
{
	uint64_t free0, z0 = merge_stats.zero;

	setup(1);
	merge_advise(&procs[0], BASE, 3 * PAGE, 1);
	page_of(&procs[0], BASE, 0);
	page_of(&procs[0], BASE + PAGE, 0);
	page_of(&procs[0], BASE + 2 * PAGE, 5);
	free0 = vm_frames.nfree;
	CHECK_EQ(scan(3), 2);
	CHECK_EQ(merge_stats.zero - z0, 2);
	CHECK_EQ(vm_frames.nfree - free0, 2);
	CHECK_EQ(sv39_pte_pa(pte_at(&procs[0], BASE)), vm_frames.zero_pa);
	CHECK(!(pte_at(&procs[0], BASE) & SV39_PTE_W));
	CHECK(pte_at(&procs[0], BASE + 2 * PAGE) & SV39_PTE_W);
	teardown();
}

TEST(a_twin_changed_since_it_was_seen_is_not_merged)
{
	uint64_t *a;

	setup(2);
	merge_advise(&procs[0], BASE, PAGE, 1);
	merge_advise(&procs[1], BASE, PAGE, 1);
	a = page_of(&procs[0], BASE, 3);
	page_of(&procs[1], BASE, 3);
	CHECK_EQ(scan(1), 0);   /* procs[0]'s page recorded */
	a[17] = 4;              /* ... then written */
	CHECK_EQ(scan(1), 0);   /* the twin no longer matches */
	CHECK(pte_at(&procs[0], BASE) & SV39_PTE_W);
	CHECK(pte_at(&procs[1], BASE) & SV39_PTE_W);   /* W given back */
	teardown();
}

TEST(advice_is_checked)
{
	setup(1);
	CHECK_EQ(merge_advise(&procs[0], BASE + 8, PAGE, 1), -CALF_EINVAL);
	CHECK_EQ(merge_advise(&procs[0], BASE, 0, 1), -CALF_EINVAL);
	CHECK_EQ(merge_advise(&procs[0], BASE, 65 * PAGE, 1), -CALF_EINVAL);
	CHECK_EQ(merge_advise(&procs[0], 0x10000, PAGE, 1), -CALF_EINVAL);   /* text */
	CHECK_EQ(merge_advise(&procs[0], BASE, PAGE, 2), -CALF_EINVAL);
	CHECK_EQ(merge_advise(&procs[0], BASE, PAGE, 0), -CALF_EINVAL);    /* never advised */
	for (unsigned i = 0; i < MERGE_RANGES; i++)
		CHECK_EQ(merge_advise(&procs[0], BASE + i * PAGE, PAGE, 1), 0);
	CHECK_EQ(merge_advise(&procs[0], BASE + 20 * PAGE, PAGE, 1), -CALF_ENOMEM);
	CHECK_EQ(merge_advise(&procs[0], BASE, PAGE, 1), 0);   /* again: fine */
	merge_forget(&procs[0], BASE, BASE + 4 * PAGE);
	CHECK_EQ(procs[0].merge.n, MERGE_RANGES - 4);
	teardown();
}

TEST(advice_off_gives_every_merged_page_a_frame)
{
	uint64_t free0;

	setup(2);
	merge_advise(&procs[0], BASE, 2 * PAGE, 1);
	merge_advise(&procs[1], BASE, 2 * PAGE, 1);
	for (unsigned i = 0; i < 2; i++) {
		page_of(&procs[0], BASE + i * PAGE, 50 + i);
		page_of(&procs[1], BASE + i * PAGE, 50 + i);
	}
	CHECK_EQ(scan(4), 2);
	free0 = vm_frames.nfree;
	CHECK_EQ(merge_advise(&procs[1], BASE, 2 * PAGE, 0), 0);
	CHECK_EQ(free0 - vm_frames.nfree, 2);
	for (unsigned i = 0; i < 2; i++) {
		sv39_pte_t a = pte_at(&procs[0], BASE + i * PAGE);
		sv39_pte_t b = pte_at(&procs[1], BASE + i * PAGE);
		const uint64_t *bw = frame_ptr(&vm_frames, sv39_pte_pa(b));

		CHECK(sv39_pte_pa(a) != sv39_pte_pa(b));
		CHECK(b & SV39_PTE_W);
		CHECK_EQ(bw[WORDS - 1], 50 + i);
		CHECK_EQ(frame_refcount(&vm_frames, sv39_pte_pa(a)), 1);
	}
	CHECK_EQ(procs[1].merge.n, 0);
	teardown();
}

TEST(counts_of_what_is_merged)
{
	unsigned long shared, sharing;

	setup(3);
	for (unsigned p = 0; p < 3; p++) {
		merge_advise(&procs[p], BASE, 2 * PAGE, 1);
		page_of(&procs[p], BASE, 60);
		page_of(&procs[p], BASE + PAGE, 61);
	}
	CHECK_EQ(scan(6), 4);
	merge_sharing(&shared, &sharing);
	CHECK_EQ(shared, 2);    /* two contents, a frame each */
	CHECK_EQ(sharing, 4);   /* four mappings saved */
	teardown();
}

int main(void)
{
	RUN(hash_sees_every_word_and_spreads);
	RUN(identical_pages_of_two_processes_merge);
	RUN(different_pages_never_merge_and_keep_w);
	RUN(unadvised_pages_are_not_scanned);
	RUN(zero_pages_go_to_the_zero_frame);
	RUN(a_twin_changed_since_it_was_seen_is_not_merged);
	RUN(advice_is_checked);
	RUN(advice_off_gives_every_merged_page_a_frame);
	RUN(counts_of_what_is_merged);
	return check_summary();
}
