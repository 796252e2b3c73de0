/*
 * test_vm_inspect.c - host unit tests of inspect_next_entry, the walk
 * behind VM_PT_ENTRY (vmmap).
 *
 * Layer: test/ (host only). Spaces are built with the real frame table
 * and sv39/ over a malloc'd "RAM", some of them forked (space_fork) so
 * that level-0 tables are shared; the cursor walk must list exactly
 * what a recursive pre-order walk of the tables lists.
 */
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "test/host/frame_fixture.h"
#include "test/host/fixture.h"
#include "vm/frame.h"
#include "vm/inspect.h"
#include "vm/space.h"

#define FRAMES 512
#define MAX_ENTRIES 4096

static uint8_t *window;
static struct frame_table ft;
static struct sv39_mem mem;

struct entry {
	uint64_t va;
	int level;
	sv39_pte_t pte;
};

static struct entry want[MAX_ENTRIES], got[MAX_ENTRIES];

/* The console of the VM server (lab.c's stub messages would go there). */
void vm_printf(const char *fmt, ...)
{
	(void)fmt;
}
static unsigned nwant, ngot;

static void setup(void)
{
	frame_fixture(&ft, &mem, &window, FRAMES, 0);
}

/* The reference: every valid entry of the table at pa (level `level`,
 * mapping from `base`), in pre-order; root entries of the user half. */
static void walk(uint64_t pa, int level, uint64_t base)
{
	const sv39_pte_t *t = frame_ptr(&ft, pa);
	unsigned n = level == SV39_LEVEL_1G ? SV39_ROOT_KERNEL_FIRST : SV39_ENTRIES;

	for (unsigned i = 0; i < n; i++) {
		uint64_t va = base + i * sv39_level_size(level);

		if (!(t[i] & SV39_PTE_V))
			continue;
		if (nwant < MAX_ENTRIES)
			want[nwant++] = (struct entry){ va, level, t[i] };
		if (level > SV39_LEVEL_4K && !(t[i] & SV39_PTE_RWX))
			walk(sv39_pte_pa(t[i]), level - 1, va);
	}
}

/* What the cursor walk lists, one call per entry as VM_PT_ENTRY does. */
static void list(const struct sv39_space *s)
{
	uint64_t va = 0;
	int level = INSPECT_START;
	sv39_pte_t pte;

	ngot = 0;
	while (inspect_next_entry(&ft, s, &va, &level, &pte) && ngot < MAX_ENTRIES)
		got[ngot++] = (struct entry){ va, level, pte };
}

static void check_space(const struct sv39_space *s)
{
	nwant = 0;
	walk(s->root_pa, SV39_LEVEL_1G, 0);
	list(s);
	CHECK_EQ(ngot, nwant);
	for (unsigned i = 0; i < nwant; i++) {
		CHECK_EQ(got[i].va, want[i].va);
		CHECK_EQ(got[i].level, want[i].level);
		CHECK_EQ(got[i].pte, want[i].pte);
	}
}

static uint64_t frame(void)
{
	return frame_alloc(&ft);
}

TEST(empty_space_has_no_entries)
{
	struct sv39_space s;
	uint64_t va = 0;
	int level = INSPECT_START;
	sv39_pte_t pte;

	setup();
	CHECK_EQ(sv39_space_init(&s, &mem), SV39_OK);
	CHECK(!inspect_next_entry(&ft, &s, &va, &level, &pte));
	s.root_pa = 0;   /* no root at all */
	CHECK(!inspect_next_entry(&ft, &s, &va, &level, &pte));
}

TEST(pre_order_over_a_small_process)
{
	struct sv39_space s;

	setup();
	CHECK_EQ(sv39_space_init(&s, &mem), SV39_OK);
	/* text, data, a heap across a 2 MiB edge, a stack near the top */
	CHECK_EQ(space_map(&s, 0x10000, frame(), SV39_PTE_U | SV39_PTE_R | SV39_PTE_X), SV39_OK);
	CHECK_EQ(space_map(&s, 0x11000, frame(), SV39_PTE_U | SV39_PTE_R | SV39_PTE_W), SV39_OK);
	CHECK_EQ(space_map(&s, 0x1ff000, frame(), SV39_PTE_U | SV39_PTE_R | SV39_PTE_W), SV39_OK);
	CHECK_EQ(space_map(&s, 0x200000, ft.zero_pa, SV39_PTE_U | SV39_PTE_R | SV39_PTE_COW),
		 SV39_OK);
	CHECK_EQ(space_map(&s, 0x3ffeff000, frame(), SV39_PTE_U | SV39_PTE_R | SV39_PTE_W),
		 SV39_OK);
	check_space(&s);
	/* root entry 0, its level-1 table's entries 0 and 1, their leaves,
	 * then the stack's three entries: 1 + (1 + 3) + (1 + 1) + 3 */
	CHECK_EQ(ngot, 10);
	CHECK_EQ(got[0].level, SV39_LEVEL_1G);
	CHECK_EQ(got[1].level, SV39_LEVEL_2M);
	CHECK_EQ(got[2].va, 0x10000);
	CHECK_EQ(got[ngot - 1].va, 0x3ffeff000);
}

/* Random spaces, some of them forks (shared, marked level-0 tables):
 * the cursor walk lists every entry the tables hold, in order. */
TEST(random_spaces_and_forks)
{
	uint64_t seed = 0x5eed0fca1full;

	for (unsigned round = 0; round < 40; round++) {
		struct sv39_space s, child;
		unsigned pages = 1 + (unsigned)(xorshift_next(&seed) % 60);

		setup();
		CHECK_EQ(sv39_space_init(&s, &mem), SV39_OK);
		for (unsigned i = 0; i < pages; i++) {
			uint64_t va = (xorshift_next(&seed) % (SV39_USER_TOP >> 12)) << 12;
			uint64_t pa = (xorshift_next(&seed) & 3) ? frame() : ft.zero_pa;
			uint64_t flags = pa == ft.zero_pa ? SV39_PTE_U | SV39_PTE_R
							   : SV39_PTE_U | SV39_PTE_R | SV39_PTE_W;

			if (i % 7 == 0)   /* some neighbours, to fill tables */
				va = 0x400000 + (uint64_t)i * 0x1000;
			if (space_map(&s, va, pa, flags) != SV39_OK && pa != ft.zero_pa)
				frame_unref(&ft, pa);   /* taken already */
		}
		check_space(&s);
		if (round & 1) {
			CHECK_EQ(space_fork(&child, &s), 0);
			check_space(&child);
			check_space(&s);
			space_destroy(&child);
		}
		space_destroy(&s);
	}
}

/* A cursor whose entry went away (the space changed between two
 * requests) goes on with what follows its address. */
TEST(stale_cursor_goes_on)
{
	struct sv39_space s;
	uint64_t va;
	int level;
	sv39_pte_t pte;

	setup();
	CHECK_EQ(sv39_space_init(&s, &mem), SV39_OK);
	CHECK_EQ(space_map(&s, 0x10000, frame(), SV39_PTE_U | SV39_PTE_R), SV39_OK);
	CHECK_EQ(space_map(&s, 0x20000, frame(), SV39_PTE_U | SV39_PTE_R), SV39_OK);
	va = 0x10000;
	level = SV39_LEVEL_4K;
	CHECK_EQ(sv39_unmap(&s, 0x10000, NULL), SV39_OK);
	CHECK(inspect_next_entry(&ft, &s, &va, &level, &pte));
	CHECK_EQ(va, 0x20000);
	CHECK_EQ(level, SV39_LEVEL_4K);
	/* and after the last one: nothing */
	CHECK(!inspect_next_entry(&ft, &s, &va, &level, &pte));
}

int main(void)
{
	RUN(empty_space_has_no_entries);
	RUN_LAB(pgtbl, pre_order_over_a_small_process);
	RUN_LAB(pgtbl, random_spaces_and_forks);
	RUN_LAB(pgtbl, stale_cursor_goes_on);
	return check_summary();
}
