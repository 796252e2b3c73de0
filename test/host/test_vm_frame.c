/*
 * test_vm_frame.c - host unit tests of the VM server's frame table.
 *
 * Layer: test/ (host only). The "window" is a malloc'd buffer that
 * pretends to be physical memory at FAKE_PA; ranges are carved out of
 * it, so every frame the table touches is real memory ASan watches.
 */
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "vm/frame.h"

#define FAKE_PA 0x80000000ull
#define FAKE_FRAMES 64

static uint8_t *window;
static struct frame_table ft;

/* A fresh window of FAKE_FRAMES frames filled with junk (as RAM the
 * kernel used before would be), and a table over [first, first+n). */
static int setup(unsigned first, unsigned n)
{
	struct frame_span span = { FAKE_PA + first * FRAME_SIZE, n * FRAME_SIZE };

	free(window);
	window = aligned_alloc(FRAME_SIZE, FAKE_FRAMES * FRAME_SIZE);
	memset(window, 0xa5, FAKE_FRAMES * FRAME_SIZE);
	return frame_table_init(&ft, window, FAKE_PA, &span, 1);
}

static int all_zero(uint64_t pa)
{
	const uint8_t *p = frame_ptr(&ft, pa);

	for (unsigned i = 0; i < FRAME_SIZE; i++)
		if (p[i])
			return 0;
	return 1;
}

TEST(init_counts_and_pins)
{
	CHECK_EQ(setup(0, 16), 0);
	CHECK_EQ(ft.nframes, 16);
	/* one frame of counts, one zero frame */
	CHECK_EQ(ft.nfree, 14);
	CHECK_EQ(frame_refcount(&ft, FAKE_PA), FRAME_PINNED);
	CHECK_EQ(frame_refcount(&ft, ft.zero_pa), FRAME_PINNED);
	CHECK(all_zero(ft.zero_pa));
	CHECK(ft.zero_pa != FAKE_PA);
}

TEST(alloc_is_zeroed_and_counted)
{
	uint64_t pa;

	CHECK_EQ(setup(0, 16), 0);
	pa = frame_alloc(&ft);
	CHECK(pa != FRAME_NONE);
	CHECK(all_zero(pa));           /* the window was full of 0xa5 */
	CHECK_EQ(frame_refcount(&ft, pa), 1);
	CHECK_EQ(ft.nfree, 13);
}

TEST(ref_unref_frees_at_zero)
{
	uint64_t pa;

	CHECK_EQ(setup(0, 16), 0);
	pa = frame_alloc(&ft);
	CHECK_EQ(frame_ref(&ft, pa), 0);
	CHECK_EQ(frame_refcount(&ft, pa), 2);
	CHECK_EQ(frame_unref(&ft, pa), 0);
	CHECK_EQ(frame_refcount(&ft, pa), 1);
	CHECK_EQ(ft.nfree, 13);
	CHECK_EQ(frame_unref(&ft, pa), 0);
	CHECK_EQ(frame_refcount(&ft, pa), 0);
	CHECK_EQ(ft.nfree, 14);
	/* A free frame can be neither referenced nor dropped again. */
	CHECK_EQ(frame_unref(&ft, pa), -1);
	CHECK_EQ(frame_ref(&ft, pa), -1);
	CHECK_EQ(ft.nfree, 14);
}

TEST(reuse_is_zeroed)
{
	uint64_t pa, again;

	CHECK_EQ(setup(0, 16), 0);
	pa = frame_alloc(&ft);
	memset(frame_ptr(&ft, pa), 0x5a, FRAME_SIZE);   /* a secret */
	CHECK_EQ(frame_unref(&ft, pa), 0);
	again = frame_alloc(&ft);
	CHECK_EQ(again, pa);           /* the free list comes first */
	CHECK(all_zero(again));        /* ... but nothing passes through it */
}

TEST(alloc_copy_copies)
{
	uint64_t a, b;

	CHECK_EQ(setup(0, 16), 0);
	a = frame_alloc(&ft);
	for (unsigned i = 0; i < FRAME_SIZE; i++)
		((uint8_t *)frame_ptr(&ft, a))[i] = (uint8_t)i;
	b = frame_alloc_copy(&ft, a);
	CHECK(b != FRAME_NONE && b != a);
	CHECK(memcmp(frame_ptr(&ft, a), frame_ptr(&ft, b), FRAME_SIZE) == 0);
	CHECK_EQ(frame_refcount(&ft, b), 1);
}

TEST(zero_frame_is_pinned)
{
	CHECK_EQ(setup(0, 16), 0);
	CHECK_EQ(frame_ref(&ft, ft.zero_pa), 0);
	CHECK_EQ(frame_unref(&ft, ft.zero_pa), 0);
	CHECK_EQ(frame_unref(&ft, ft.zero_pa), 0);
	CHECK_EQ(frame_refcount(&ft, ft.zero_pa), FRAME_PINNED);
	CHECK_EQ(ft.nfree, 14);        /* never went to the free list */
	CHECK(frame_is_zero(&ft, ft.zero_pa));
}

TEST(exhaustion_and_recovery)
{
	uint64_t got[16];
	unsigned n = 0;

	CHECK_EQ(setup(0, 16), 0);
	while ((got[n] = frame_alloc(&ft)) != FRAME_NONE) {
		for (unsigned i = 0; i < n; i++)
			CHECK(got[i] != got[n]);   /* never the same frame twice */
		CHECK(got[n] != ft.zero_pa && got[n] != FAKE_PA);
		n++;
		CHECK(n < 16);
	}
	CHECK_EQ(n, 14);
	CHECK_EQ(ft.nfree, 0);
	CHECK_EQ(frame_alloc_copy(&ft, got[0]), FRAME_NONE);
	CHECK_EQ(frame_unref(&ft, got[3]), 0);
	CHECK_EQ(frame_alloc(&ft), got[3]);
	CHECK_EQ(frame_alloc(&ft), FRAME_NONE);
}

TEST(several_ranges)
{
	struct frame_span spans[3] = {
		{ FAKE_PA + 1 * FRAME_SIZE, 1 * FRAME_SIZE },     /* too small for the counts + zero */
		{ FAKE_PA + 10 * FRAME_SIZE + 100, 4 * FRAME_SIZE }, /* unaligned: 3 whole frames */
		{ FAKE_PA + 20 * FRAME_SIZE, 8 * FRAME_SIZE },
	};
	uint64_t pa;
	unsigned n = 0;

	free(window);
	window = aligned_alloc(FRAME_SIZE, FAKE_FRAMES * FRAME_SIZE);
	memset(window, 0xa5, FAKE_FRAMES * FRAME_SIZE);
	CHECK_EQ(frame_table_init(&ft, window, FAKE_PA, spans, 3), 0);
	CHECK_EQ(ft.nframes, 1 + 3 + 8);
	CHECK_EQ(ft.nfree, 12 - 2);
	/* the counts went to the first range that can hold them and more */
	CHECK_EQ(frame_refcount(&ft, FAKE_PA + 11 * FRAME_SIZE), FRAME_PINNED);
	CHECK_EQ(frame_refcount(&ft, FAKE_PA + 10 * FRAME_SIZE), 0);   /* not ours */
	while ((pa = frame_alloc(&ft)) != FRAME_NONE) {
		CHECK(frame_refcount(&ft, pa) == 1);
		CHECK(all_zero(pa));
		n++;
	}
	CHECK_EQ(n, 10);
	CHECK_EQ(frame_unref(&ft, FAKE_PA + 30 * FRAME_SIZE), -1);   /* outside */
	CHECK_EQ(frame_unref(&ft, FAKE_PA + 20 * FRAME_SIZE + 8), -1); /* unaligned */
}

TEST(too_little_memory)
{
	CHECK_EQ(setup(0, 1), -1);   /* counts fit, the zero frame does not */
}

TEST(frame_zero_never_handed_out)
{
	/* sv39 reads a table address of 0 as "no memory": pa 0 is skipped. */
	struct frame_span span = { 0, 8 * FRAME_SIZE };

	free(window);
	window = aligned_alloc(FRAME_SIZE, FAKE_FRAMES * FRAME_SIZE);
	CHECK_EQ(frame_table_init(&ft, window, 0, &span, 1), 0);
	CHECK_EQ(ft.nframes, 7);
	for (uint64_t pa; (pa = frame_alloc(&ft)) != FRAME_NONE;)
		CHECK(pa != 0);
}

int main(void)
{
	RUN(init_counts_and_pins);
	RUN(alloc_is_zeroed_and_counted);
	RUN(ref_unref_frees_at_zero);
	RUN(reuse_is_zeroed);
	RUN(alloc_copy_copies);
	RUN(zero_frame_is_pinned);
	RUN(exhaustion_and_recovery);
	RUN(several_ranges);
	RUN(too_little_memory);
	RUN(frame_zero_never_handed_out);
	free(window);
	return check_summary();
}
