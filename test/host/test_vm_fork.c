/*
 * test_vm_fork.c - host unit tests of fork's bookkeeping (vm/space.c):
 * the copy-on-write clone, teardown, reference counts, out of memory,
 * the child's registers, and ps's name packing.
 *
 * Layer: test/ (host only). The "RAM" is a malloc'd window managed by
 * the real frame table (vm/frame.c); page tables are built with the real
 * sv39/ library over it, so these are the same code paths the VM server
 * runs, minus the system calls.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/abi.h"
#include "sv39/sv39.h"
#include "test/host/check.h"
#include "vm/fault_policy.h"
#include "vm/frame.h"
#include "vm/space.h"

#define FAKE_PA 0x80000000ull
#define RW (SV39_PTE_U | SV39_PTE_R | SV39_PTE_W)
#define RX (SV39_PTE_U | SV39_PTE_R | SV39_PTE_X)

static uint8_t *window;
static struct frame_table ft;
static struct sv39_mem mem;

static int setup(unsigned nframes)
{
	struct frame_span span = { FAKE_PA, (uint64_t)nframes * FRAME_SIZE };

	free(window);
	window = aligned_alloc(FRAME_SIZE, (size_t)nframes * FRAME_SIZE);
	memset(window, 0xa5, (size_t)nframes * FRAME_SIZE);
	mem.table_ptr = space_table_ptr;
	mem.table_alloc = space_table_alloc;
	mem.table_free = space_table_free;
	mem.ctx = &ft;
	return frame_table_init(&ft, window, FAKE_PA, &span, 1);
}

/* Map a fresh frame at va holding `byte` everywhere. */
static int map_page(struct sv39_space *s, uint64_t va, uint64_t flags, uint8_t byte)
{
	uint64_t pa = frame_alloc(&ft);

	if (pa == FRAME_NONE)
		return -1;
	memset(frame_ptr(&ft, pa), byte, FRAME_SIZE);
	return sv39_map(s, va, pa, SV39_LEVEL_4K, flags);
}

static sv39_pte_t pte_at(struct sv39_space *s, uint64_t va)
{
	sv39_pte_t pte = 0;

	sv39_lookup(s, va, &pte, NULL);
	return pte;
}

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
	return sv39_map(p, 0x3000000, ft.zero_pa, SV39_LEVEL_4K,
			(RW & ~SV39_PTE_W) | SV39_PTE_COW);
}

TEST(fork_shares_every_frame_cow)
{
	struct sv39_space parent, child;
	uint64_t free_before;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	free_before = ft.nfree;
	CHECK_EQ(space_fork(&child, &parent), 0);
	/* Only page tables were allocated: root + L1s + L0s, no data. */
	CHECK(free_before - ft.nfree <= 8);
	CHECK_EQ(space_resident(&child), space_resident(&parent));
	CHECK_EQ(space_resident(&child), 1 + 1 + 6 + 1);

	/* Text: shared as it is, never COW. */
	CHECK_EQ(pte_at(&child, 0x10000), pte_at(&parent, 0x10000));
	CHECK(!(pte_at(&child, 0x10000) & SV39_PTE_COW));
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&child, 0x10000))), 2);
	/* Data, heap, stack: read-only + COW on both sides, count 2. */
	for (uint64_t va = 0x1ff000; va < 0x205000; va += FRAME_SIZE) {
		sv39_pte_t c = pte_at(&child, va);

		CHECK(c & SV39_PTE_COW);
		CHECK(!(c & SV39_PTE_W));
		CHECK_EQ(c, pte_at(&parent, va));
		CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(c)), 2);
	}
	CHECK(pte_at(&parent, 0x3ffeffe000ull) & SV39_PTE_COW);
	/* The zero frame stays pinned. */
	CHECK_EQ(sv39_pte_pa(pte_at(&child, 0x3000000)), ft.zero_pa);
	CHECK_EQ(frame_refcount(&ft, ft.zero_pa), FRAME_PINNED);
	/* The kernel half of the child's root is left to the kernel. */
	for (int i = SV39_ROOT_KERNEL_FIRST; i < SV39_ENTRIES; i++)
		CHECK_EQ(sv39_table(&child, child.root_pa)[i], 0);

	space_destroy(&child);
	CHECK_EQ(child.root_pa, 0);
	CHECK_EQ(ft.nfree, free_before);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&parent, 0x11000))), 1);
	space_destroy(&parent);
}

/* The fault policy after a fork: shared -> copy; after the other side
 * is gone -> count 1 -> reuse. */
TEST(fork_then_policy_copy_then_reuse)
{
	struct sv39_space parent, child;
	struct region data = { 0x11000, 0x12000, REGION_R | REGION_W, REGION_ELF };
	struct fault_facts f = { .access = CALF_FAULT_WRITE, .region = &data, .mapped = true };
	struct fault_decision d;

	CHECK_EQ(setup(256), 0);
	CHECK_EQ(build_parent(&parent), 0);
	CHECK_EQ(space_fork(&child, &parent), 0);
	f.pte = pte_at(&child, 0x11000);
	f.refcount = frame_refcount(&ft, sv39_pte_pa(f.pte));
	d = fault_decide(&f);
	CHECK_EQ(d.action, FAULT_COW_COPY);
	space_destroy(&child);
	f.pte = pte_at(&parent, 0x11000);
	f.refcount = frame_refcount(&ft, sv39_pte_pa(f.pte));
	d = fault_decide(&f);
	CHECK_EQ(d.action, FAULT_COW_REUSE);
	space_destroy(&parent);
}

/* Fork again from a child: counts add up, and every teardown order
 * gives every frame back. */
TEST(fork_chain_counts)
{
	struct sv39_space a, b, c;
	uint64_t base;

	CHECK_EQ(setup(256), 0);
	base = ft.nfree;
	CHECK_EQ(build_parent(&a), 0);
	CHECK_EQ(space_fork(&b, &a), 0);
	CHECK_EQ(space_fork(&c, &b), 0);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&c, 0x200000))), 3);
	space_destroy(&b);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&c, 0x200000))), 2);
	space_destroy(&a);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&c, 0x200000))), 1);
	space_destroy(&c);
	CHECK_EQ(ft.nfree, base);
}

/* Out of frames at every possible point of the clone: fork fails with
 * -CALF_ENOMEM and leaks nothing; the parent keeps every page. */
TEST(fork_out_of_memory_leaks_nothing)
{
	struct sv39_space parent, child;
	uint64_t hog[256];

	for (unsigned left = 0; left < 8; left++) {
		unsigned n = 0, res;
		uint64_t before;

		CHECK_EQ(setup(64), 0);
		CHECK_EQ(build_parent(&parent), 0);
		res = (unsigned)space_resident(&parent);
		while (ft.nfree > left)
			hog[n++] = frame_alloc(&ft);
		before = ft.nfree;
		if (space_fork(&child, &parent) == 0) {
			CHECK(left >= 6);   /* enough for every table */
			space_destroy(&child);
		} else {
			CHECK_EQ(child.root_pa, 0);
		}
		CHECK_EQ(ft.nfree, before);
		CHECK_EQ(space_resident(&parent), res);
		CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&parent, 0x10000))), 1);
		while (n)
			frame_unref(&ft, hog[--n]);
		space_destroy(&parent);
	}
}

/* The run masks (space.c) after a fork are exact, so a page mapped
 * later into a table the fork built must be marked (space_map), or the
 * next fork would miss it; torn-down tables come back all zero and
 * frame_alloc hands them out as they are. */
TEST(fork_sees_pages_mapped_after_a_fork)
{
	struct sv39_space a, b, c;
	uint64_t base, pa;

	CHECK_EQ(setup(256), 0);
	base = ft.nfree;
	CHECK_EQ(build_parent(&a), 0);
	CHECK_EQ(space_fork(&b, &a), 0);
	/* Into b's level-0 table of 0x10000, in a run that was empty, and
	 * into a table sv39 must create. */
	pa = frame_alloc(&ft);
	CHECK_EQ(space_map(&b, 0x1f0000, pa, RW), SV39_OK);
	pa = frame_alloc(&ft);
	CHECK_EQ(space_map(&b, 0x7000000, pa, RW), SV39_OK);
	/* And straight into a slot, as the fault path does. */
	{
		sv39_pte_t *slot = sv39_walk(&b, 0x1e0000, SV39_LEVEL_4K, false, NULL);

		CHECK(slot != NULL);
		pa = frame_alloc(&ft);
		*slot = sv39_pte_make(pa, RW | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
		space_mark_slot(&ft, slot);
	}
	CHECK_EQ(space_fork(&c, &b), 0);
	CHECK_EQ(space_resident(&c), space_resident(&b));
	CHECK(pte_at(&c, 0x1f0000) & SV39_PTE_COW);
	CHECK(pte_at(&c, 0x7000000) & SV39_PTE_COW);
	CHECK(pte_at(&c, 0x1e0000) & SV39_PTE_COW);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&c, 0x1e0000))), 2);
	space_destroy(&b);
	space_destroy(&c);
	CHECK_EQ(frame_refcount(&ft, sv39_pte_pa(pte_at(&a, 0x11000))), 1);
	space_destroy(&a);
	CHECK_EQ(ft.nfree, base);
	/* Every frame handed out now is zero: the clean ones (the
	 * torn-down tables) and the rest alike. */
	for (uint64_t p; (p = frame_alloc(&ft)) != FRAME_NONE;) {
		const uint64_t *w = frame_ptr(&ft, p);
		uint64_t or = 0;

		for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
			or |= w[i];
		CHECK_EQ(or, 0);
	}
}

TEST(child_regs_look_like_a_returned_call)
{
	struct calf_regs r;

	for (int i = 0; i < 32; i++)
		r.x[i] = 100 + (unsigned long)i;
	r.pc = 0x10104;
	space_fork_child_regs(&r);
	for (int i = 10; i <= 16; i++)
		CHECK_EQ(r.x[i], 0);
	CHECK_EQ(r.x[17], 117);   /* a7 stays */
	CHECK_EQ(r.x[2], 102);    /* sp */
	CHECK_EQ(r.x[9], 109);
	CHECK_EQ(r.pc, 0x10104);
}

TEST(ps_name_packing)
{
	unsigned long w[2];

	space_pack_name("sh", w);
	CHECK_EQ(w[0], 's' | ('h' << 8));
	CHECK_EQ(w[1], 0);
	space_pack_name("abcdefghijklmnopqrstuvwxyz", w);
	CHECK_EQ(w[0] & 0xff, 'a');
	CHECK_EQ(w[1] >> 56, 'p');
}

int main(void)
{
	RUN(fork_shares_every_frame_cow);
	RUN(fork_then_policy_copy_then_reuse);
	RUN(fork_chain_counts);
	RUN(fork_out_of_memory_leaks_nothing);
	RUN(fork_sees_pages_mapped_after_a_fork);
	RUN(child_regs_look_like_a_returned_call);
	RUN(ps_name_packing);
	free(window);
	return check_summary();
}
