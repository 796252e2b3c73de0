/*
 * zerotest - test suite for zero pages (docs/architecture.md, Zero pages).
 *
 * Layer: userland/.
 *
 * Checks:
 *   1. untouched anonymous memory (mmap, and sbrk) reads as zero and
 *      costs no frame: once the page tables for the range exist, reading
 *      every page leaves free frames exactly unchanged; zero_maps moves
 *      by one per page and zero_fills not at all.
 *   2. the zero frame is never writable: a store to a page that was read
 *      (mapped to the zero frame) gets a private zeroed frame, and the
 *      other pages - of the same mapping, of a fresh one, of a child's
 *      inherited one - still read zero. The same holds when the kernel,
 *      not the program, writes (SYS_BOOTINFO into a zero-mapped page).
 *   3. a freed frame never carries another process's data: a child
 *      fills many pages with a non-zero pattern and exits; the parent
 *      then maps fresh memory of the same size, writes one byte per page
 *      to get frames, and checks every other byte reads zero. The
 *      child's data frames go back to the VM server's free list (its
 *      page tables, which are empty, may go to a separate clean list);
 *      after the few clean frames, the parent's first stores take frames
 *      off that free list, most recently freed first - the child's - so
 *      the parent does get the child's dirty frames and frame_alloc
 *      must have zeroed them (vm/frame.c).
 * The suite ends with utest_end: every frame must be back.
 */
#include <stdint.h>
#include <stdio.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define WORDS (PAGE / sizeof(uint64_t))
#define PT_SPAN (512ul * PAGE)   /* what one leaf page table maps: 2 MiB */

static void stats(unsigned long s[VM_STAT_COUNT])
{
	calf_stats(s, VM_STAT_COUNT);
}

/* Touch the stack and print once before the starting frame count is
 * taken (the stack never shrinks: a first deep call later would take a
 * frame for good and look like a leak). */
static void __attribute__((noinline)) warm_up(void)
{
	volatile char pad[32 * 1024];

	for (unsigned long i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
	printf("zerotest: warming up\n");
}

/* OR of every word of [p, p + len): 0 if and only if all bytes are zero. */
static uint64_t or_all(const volatile uint64_t *p, unsigned long len)
{
	uint64_t acc = 0;

	for (unsigned long w = 0; w < len / 8; w++)
		acc |= p[w];
	return acc;
}

/*
 * The reading half of check 1, for n pages at p (page aligned). First
 * read one byte in each 2 MiB span, so every page table the range needs
 * exists; then read every byte of every page. The second pass may map
 * only the zero frame: free frames must not move at all.
 */
static void check_reads_are_free(const char *what, volatile uint64_t *p, unsigned long n)
{
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT], s2[VM_STAT_COUNT];
	char name[64];
	uint64_t acc = 0;

	stats(s0);
	for (unsigned long off = 0; off < n * PAGE; off += PT_SPAN)
		acc |= p[off / 8];
	/* and the last page, whose span the loop may have missed */
	acc |= p[(n * PAGE - 8) / 8];
	stats(s1);
	acc |= or_all(p, n * PAGE);
	stats(s2);
	snprintf(name, sizeof(name), "%s_reads_zero", what);
	UCHECK_EQ(name, acc, 0);
	snprintf(name, sizeof(name), "%s_read_costs_no_frame", what);
	UCHECK_EQ(name, s2[VM_STAT_FREE_FRAMES], s1[VM_STAT_FREE_FRAMES]);
	/* One zero map per page read (first pass and second together). */
	snprintf(name, sizeof(name), "%s_zero_maps_one_per_page", what);
	UCHECK_EQ(name, s2[VM_STAT_ZERO_MAPS] - s0[VM_STAT_ZERO_MAPS], n);
	snprintf(name, sizeof(name), "%s_no_zero_fill", what);
	UCHECK_EQ(name, s2[VM_STAT_ZERO_FILLS] - s0[VM_STAT_ZERO_FILLS], 0);
	printf("     %s: %lu pages read, page tables took %ld frames\n", what, n,
	       (long)s0[VM_STAT_FREE_FRAMES] - (long)s1[VM_STAT_FREE_FRAMES]);
}

/* ---- 1. untouched memory reads zero, for free ---- */

#define READ_PAGES 1024   /* 4 MiB: spans at least two leaf tables */

static void test_mmap_reads_zero(void)
{
	long a = calf_mmap(READ_PAGES * PAGE);

	UCHECK("mmap_4m", a > 0);
	if (a <= 0)
		return;
	check_reads_are_free("mmap", (volatile uint64_t *)a, READ_PAGES);
	UCHECK_EQ("mmap_munmap", calf_munmap((unsigned long)a, READ_PAGES * PAGE), 0);
}

static void test_sbrk_reads_zero(void)
{
	long old = calf_sbrk(READ_PAGES * PAGE + PAGE);
	unsigned long first;

	UCHECK("sbrk_4m", old > 0);
	if (old <= 0)
		return;
	/* The old break need not be page aligned: test the whole pages
	 * above it (bytes above a break were never part of the heap, so
	 * the partial page reads zero there too). */
	first = ((unsigned long)old + PAGE - 1) & ~(PAGE - 1);
	UCHECK_EQ("sbrk_partial_page_zero",
		  or_all((volatile uint64_t *)((old + 7) & ~7l), first - ((old + 7) & ~7l)), 0);
	check_reads_are_free("sbrk", (volatile uint64_t *)first, READ_PAGES);
	/* Give it back (the shrink unmaps the pages and frees the tables). */
	UCHECK_EQ("sbrk_shrink", calf_sbrk(-(long)(READ_PAGES * PAGE + PAGE)),
		  old + (long)(READ_PAGES * PAGE + PAGE));
}

/* ---- 2. the zero frame is never written ---- */

static void test_zero_frame_read_only(void)
{
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT];
	volatile uint64_t *p;
	long a = calf_mmap(4 * PAGE), b, pid, r;

	UCHECK("zro_mmap", a > 0);
	if (a <= 0)
		return;
	p = (volatile uint64_t *)a;
	/* Read all four pages: each now maps the one shared zero frame. */
	UCHECK_EQ("zro_reads_zero", or_all(p, 4 * PAGE), 0);

	/* A store to page 1 after the read: the VM server must give the
	 * page a zeroed frame of its own (one zero fill, one frame). */
	stats(s0);
	p[WORDS * 1 + 3] = 0x1234;
	stats(s1);
	UCHECK_EQ("zro_write_after_read_one_zero_fill",
		  s1[VM_STAT_ZERO_FILLS] - s0[VM_STAT_ZERO_FILLS], 1);
	UCHECK_EQ("zro_write_after_read_one_frame",
		  s0[VM_STAT_FREE_FRAMES] - s1[VM_STAT_FREE_FRAMES], 1);
	UCHECK("zro_private_page_has_write_and_zeros",
	       p[WORDS * 1 + 3] == 0x1234 && or_all(p + WORDS, 3 * 8) == 0 &&
	       or_all(p + WORDS + 4, PAGE - 4 * 8) == 0);
	/* Had the store gone to the zero frame, pages 0, 2 and 3 (which
	 * map it) would now show 0x1234. */
	UCHECK("zro_other_pages_still_zero",
	       or_all(p, PAGE) == 0 && or_all(p + 2 * WORDS, 2 * PAGE) == 0);

	/* The kernel writes into a zero-mapped page (page 2): it must go
	 * through the VM server too, never into the zero frame. */
	r = calf_bootinfo((struct calf_bootinfo *)(a + 2 * PAGE));
	UCHECK_EQ("zro_kernel_write_into_zero_page", r, 0);
	UCHECK("zro_kernel_write_landed",
	       ((struct calf_bootinfo *)(a + 2 * PAGE))->timebase_hz == calf_timebase());
	UCHECK("zro_after_kernel_write_others_zero",
	       or_all(p, PAGE) == 0 && or_all(p + 3 * WORDS, PAGE) == 0);

	/* A fresh mapping reads zero as well (it maps the same zero frame). */
	b = calf_mmap(PAGE);
	UCHECK("zro_fresh_mapping_zero", b > 0 && or_all((volatile uint64_t *)b, PAGE) == 0);
	if (b > 0)
		calf_munmap((unsigned long)b, PAGE);

	/* Across fork: the child inherits page 3 mapped to the zero frame
	 * and writes it; the parent's page 3 must still read zero. */
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		long bad = or_all(p + 3 * WORDS, PAGE) != 0;

		p[3 * WORDS] = 0x5678;
		bad |= (p[3 * WORDS] != 0x5678) << 1;
		bad |= (or_all(p + 3 * WORDS + 1, PAGE - 8) != 0) << 2;
		calf_child_exit(bad);
	}
	UCHECK("zro_fork", pid > 0);
	if (pid > 0)
		UCHECK_EQ("zro_child_zero_then_private_write", calf_reap(pid), 0);
	UCHECK_EQ("zro_parent_page_still_zero_after_child_write", or_all(p + 3 * WORDS, PAGE), 0);
	calf_munmap((unsigned long)a, 4 * PAGE);
}

/* ---- 3. a reused frame carries no old data ---- */

#define REUSE_PAGES 2048   /* 8 MiB */

static void test_no_data_from_freed_frames(void)
{
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT];
	long pid, a, dirty = 0;

	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		/* Fill REUSE_PAGES fresh pages, every word non-zero, and
		 * exit: the frames go back to the free pool still full. */
		long c = calf_mmap(REUSE_PAGES * PAGE);

		if (c <= 0)
			calf_child_exit(1);
		for (unsigned long w = 0; w < REUSE_PAGES * WORDS; w++)
			((volatile uint64_t *)c)[w] = 0xa5a5a5a5a5a5a5a5ull ^ w;
		calf_child_exit(0);
	}
	UCHECK("reuse_fork", pid > 0);
	if (pid <= 0)
		return;
	UCHECK_EQ("reuse_child_filled_pages", calf_reap(pid), 0);

	a = calf_mmap(REUSE_PAGES * PAGE);
	UCHECK("reuse_mmap", a > 0);
	if (a <= 0)
		return;
	/* One store per page: each takes a frame (a zero fill). Byte 0 is
	 * ours; every other byte must be zero, whoever had the frame. */
	stats(s0);
	for (unsigned long i = 0; i < REUSE_PAGES; i++)
		((volatile uint8_t *)a)[i * PAGE] = 1;
	stats(s1);
	UCHECK_EQ("reuse_every_page_took_a_frame",
		  s1[VM_STAT_ZERO_FILLS] - s0[VM_STAT_ZERO_FILLS], REUSE_PAGES);
	for (unsigned long i = 0; i < REUSE_PAGES; i++) {
		volatile uint64_t *pg = (volatile uint64_t *)(a + i * PAGE);

		if ((pg[0] & ~0xfful) != 0 || or_all(pg + 1, PAGE - 8) != 0)
			dirty++;
	}
	UCHECK_EQ("reuse_pages_with_old_data", dirty, 0);
	calf_munmap((unsigned long)a, REUSE_PAGES * PAGE);
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "",
		   "zero pages: read as zero, cost nothing, never leak data");
	warm_up();
	utest_begin("zerotest");
	test_mmap_reads_zero();
	test_sbrk_reads_zero();
	test_zero_frame_read_only();
	test_no_data_from_freed_frames();
	return utest_end();
}
