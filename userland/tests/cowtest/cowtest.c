/*
 * cowtest - test suite for copy-on-write fork, the kernel's writes into
 * copy-on-write pages included (docs/architecture.md, Copy-on-write;
 * Fork, exec, exit, wait; Checked user copies).
 *
 * Layer: userland/.
 *
 * Checks:
 *   1. fork while holding more than half of free memory. A fork that
 *      copied memory would need as many free frames as we hold, and we
 *      hold more than are left, so the fork can only succeed if it
 *      shares the frames. The child verifies every page and exits; the
 *      parent checks its data and that every frame the child used came
 *      back, then forks again with the same memory held (which works
 *      only if the first child's frames did come back).
 *   2. three writers on the same inherited buffer: parent and two
 *      children each write their own pattern into the first half of
 *      every page, yielding in between so the writes interleave, then
 *      check they see only their own pattern there and the inherited
 *      pattern in the second half. Repeated a few rounds.
 *   3. the kernel writing into a COW page: SYS_BOOTINFO with its output
 *      buffer in a page shared copy-on-write. The kernel may not write
 *      through the read-only PTE (docs/architecture.md, Checked user
 *      copies); it must send the fault to the VM server, which copies the
 *      page. Done once by the parent (the child then checks that its copy
 *      was not touched) and once by a child (the parent checks its copy).
 *   4. copies into read-only or unmapped memory fail with -CALF_EFAULT
 *      and change nothing (SYS_BOOTINFO into our own text and rodata).
 * The suite ends with utest_end: every frame must be back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define WORDS (PAGE / sizeof(uint64_t))

/* ---- helpers ---- */

/* The word a page holds at index w in round/owner `tag`: different for
 * every page, word and tag, so a page mapped at the wrong place, a
 * stale copy, or another process's data all show up as a mismatch. */
static uint64_t pattern(uint64_t tag, uint64_t page, uint64_t w)
{
	uint64_t x = (tag + 1) * 0x9e3779b97f4a7c15ull ^ (page << 20) ^ w;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static uint64_t *map_pages(unsigned long n)
{
	long a = calf_mmap(n * PAGE);

	return a < 0 ? NULL : (uint64_t *)a;
}

static uint64_t *page_at(uint64_t *buf, unsigned long i)
{
	return buf + i * WORDS;
}

/*
 * Touch the stack and print once before the starting frame count is
 * taken. The stack grows on demand and never shrinks; without this,
 * the first deep call after utest_begin would take a frame for good and
 * look like a leak at utest_end.
 */
static void __attribute__((noinline)) warm_up(void)
{
	volatile char pad[32 * 1024];

	for (unsigned long i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
	printf("cowtest: warming up\n");
}

/* ---- 1. fork with more than half of free memory ---- */

/* Page i of the big buffer is stamped in its first and last word only:
 * writing whole pages would make the test slow at 2 GiB, and a page
 * that is shared, copied or mapped wrongly shows in its stamps. */
static int big_pages_ok(uint64_t *buf, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uint64_t *p = page_at(buf, i);

		if (p[0] != pattern(1, i, 0) || p[WORDS - 1] != pattern(1, i, WORDS - 1))
			return 0;
	}
	return 1;
}

/*
 * Hold n > free/2 written pages and fork, twice. The first fork shows
 * that fork shares instead of copying; after the child has exited, the
 * free frames must be exactly what they were before the fork (the
 * child's page tables and stack copies came back), and the second fork,
 * with the same memory still held, must succeed again. The buffer is
 * written only once: zero-filling half of a 2 GiB machine is what
 * makes this test slow, the forks themselves are cheap.
 */
static void test_fork_more_than_half(void)
{
	char name[64];
	unsigned long free0 = utest_free_frames(), free1, n;
	uint64_t *buf;
	long pid;

	/* Hold half of the free frames plus 64; the rest pays for the page
	 * tables (parent's and child's, about n/512 each) and stacks. */
	n = free0 / 2 + 64;
	buf = map_pages(n);
	UCHECK("big_mmap", buf != NULL);
	if (buf == NULL)
		return;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t *p = page_at(buf, i);

		p[0] = pattern(1, i, 0);
		p[WORDS - 1] = pattern(1, i, WORDS - 1);
	}
	free1 = utest_free_frames();
	printf("     %lu pages written, %lu frames still free\n", n, free1);
	/* The premise: fewer frames are free than we hold, so copying them
	 * all could not work. */
	UCHECK("big_holds_more_than_free", n > free1);

	for (int round = 1; round <= 2; round++) {
		calf_console_flush();
		pid = calf_fork();
		if (pid == 0)
			calf_child_exit(big_pages_ok(buf, n) ? 0 : 1);
		snprintf(name, sizeof(name), "big%d_fork_succeeds", round);
		UCHECK(name, pid > 0);
		if (pid > 0) {
			snprintf(name, sizeof(name), "big%d_child_sees_all_pages", round);
			UCHECK_EQ(name, calf_reap(pid), 0);
		}
		snprintf(name, sizeof(name), "big%d_parent_data_intact", round);
		UCHECK(name, big_pages_ok(buf, n));
		snprintf(name, sizeof(name), "big%d_child_frames_back", round);
		UCHECK_EQ(name, utest_free_frames(), free1);
	}
	calf_munmap((unsigned long)buf, n * PAGE);
	UCHECK_EQ("big_frames_back_after_munmap", utest_free_frames(), free0);
}

/* ---- 2. three writers on one inherited buffer ---- */

#define TRIO_PAGES 32
#define TRIO_ROUNDS 3
#define TRIO_INHERITED 100   /* tag of the pattern everyone inherits */

/*
 * Writer `who` (0 parent, 1 and 2 children) writes its pattern into the
 * first half of every page, yielding every 4 pages so the three
 * processes' writes interleave, then checks every page: first half its
 * own pattern, second half the inherited one. Returns the number of
 * bad pages.
 */
static long trio_write_and_check(uint64_t *buf, uint64_t who)
{
	long bad = 0;

	for (unsigned long i = 0; i < TRIO_PAGES; i++) {
		uint64_t *p = page_at(buf, i);

		for (unsigned long w = 0; w < WORDS / 2; w++)
			p[w] = pattern(who, i, w);
		if (i % 4 == 3)
			calf_yield();
	}
	for (unsigned long i = 0; i < TRIO_PAGES; i++) {
		uint64_t *p = page_at(buf, i);
		int ok = 1;

		for (unsigned long w = 0; w < WORDS / 2; w++)
			ok &= p[w] == pattern(who, i, w);
		for (unsigned long w = WORDS / 2; w < WORDS; w++)
			ok &= p[w] == pattern(TRIO_INHERITED, i, w);
		bad += !ok;
	}
	return bad;
}

static void test_three_writers(void)
{
	int bad_rounds = 0, bad_children = 0;

	for (int round = 0; round < TRIO_ROUNDS; round++) {
		uint64_t *buf = map_pages(TRIO_PAGES);
		long pids[2], bad;

		if (buf == NULL) {
			bad_rounds++;
			continue;
		}
		for (unsigned long i = 0; i < TRIO_PAGES; i++)
			for (unsigned long w = 0; w < WORDS; w++)
				page_at(buf, i)[w] = pattern(TRIO_INHERITED, i, w);
		calf_console_flush();
		for (int c = 0; c < 2; c++) {
			pids[c] = calf_fork();
			if (pids[c] == 0)
				calf_child_exit(trio_write_and_check(buf, (uint64_t)c + 1));
		}
		/* The parent writes at the same time as its children (its
		 * yields let them run between its pages). */
		bad = trio_write_and_check(buf, 0);
		for (int c = 0; c < 2; c++)
			if (pids[c] < 0 || calf_reap(pids[c]) != 0)
				bad_children++;
		if (bad != 0)
			bad_rounds++;
		/* Check again after both children have written and gone:
		 * their stores must never have reached our frames. */
		if (trio_write_and_check(buf, 0) != 0)
			bad_rounds++;
		calf_munmap((unsigned long)buf, TRIO_PAGES * PAGE);
	}
	UCHECK_EQ("trio_children_see_only_their_writes", bad_children, 0);
	UCHECK_EQ("trio_parent_sees_only_its_writes", bad_rounds, 0);
}

/* ---- 3. the kernel writes into a COW page ---- */

#define KW_KEY 0xc0f7e57ul   /* rendezvous key: parent tells the child "go" */

/* The whole page in the inherited pattern from word `from` on? */
static int page_has_pattern_from(const uint64_t *p, unsigned long from, uint64_t tag)
{
	for (unsigned long w = from; w < WORDS; w++)
		if (p[w] != pattern(tag, 0, w))
			return 0;
	return 1;
}

/* What SYS_BOOTINFO wrote must look like boot information. */
static int bootinfo_sane(const struct calf_bootinfo *bi)
{
	return bi->timebase_hz == calf_timebase() && bi->harts >= 1 &&
	       bi->nranges >= 1 && bi->nranges <= CALF_BOOTINFO_MAX_RANGES &&
	       bi->archive != 0 && bi->archive_size != 0;
}

/* The words after the bootinfo structure: untouched by the kernel. */
#define BI_END_WORD ((sizeof(struct calf_bootinfo) + 7) / 8)

/* The parent's SYS_BOOTINFO into a page its blocked child shares. */
static void test_kernel_writes_cow_in_parent(void)
{
	uint64_t *page = map_pages(1);
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT];
	struct calf_msg go = { { 1 } };
	long pid, ep, r;

	if (page == NULL) {
		UCHECK("kwrite_parent_mmap", 0);
		return;
	}
	for (unsigned long w = 0; w < WORDS; w++)
		page[w] = pattern(7, 0, w);
	ep = calf_rendezvous(KW_KEY);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		struct calf_msg m;
		long cep = calf_rendezvous(KW_KEY);

		/* Blocked here while the parent's kernel call runs, so the
		 * page is shared (count 2) for the whole of it. */
		if (cep < 0 || calf_recv(cep, &m) < 0)
			calf_child_exit(2);
		/* Our copy: the kernel's write went to the parent's new
		 * frame, never to the frame we still hold. */
		calf_child_exit(page_has_pattern_from(page, 0, 7) ? 0 : 1);
	}
	if (pid < 0 || ep < 0) {
		UCHECK("kwrite_parent_fork", 0);
		return;
	}
	for (int i = 0; i < 5; i++)       /* let the child reach calf_recv */
		calf_yield();
	calf_stats(s0, VM_STAT_COUNT);
	calf_stats(s0, VM_STAT_COUNT);    /* once more: this frame's stack is ours now */
	r = calf_bootinfo((struct calf_bootinfo *)page);
	calf_stats(s1, VM_STAT_COUNT);
	UCHECK_EQ("kwrite_parent_bootinfo_into_cow_page", r, 0);
	UCHECK("kwrite_parent_bootinfo_sane", bootinfo_sane((struct calf_bootinfo *)page));
	/* Exactly one copy: the kernel's write became one COW fault that
	 * the VM server resolved by copying the shared page. */
	UCHECK_EQ("kwrite_parent_one_cow_copy",
		  s1[VM_STAT_COW_COPIES] - s0[VM_STAT_COW_COPIES], 1);
	/* The copy carried the rest of the page over. */
	UCHECK("kwrite_parent_rest_of_page_kept", page_has_pattern_from(page, BI_END_WORD, 7));
	calf_send(ep, &go);
	UCHECK_EQ("kwrite_parent_child_copy_intact", calf_reap(pid), 0);
	calf_munmap((unsigned long)page, PAGE);
}

/* A child's SYS_BOOTINFO into a page it shares with its parent. */
static void test_kernel_writes_cow_in_child(void)
{
	uint64_t *page = map_pages(1);
	long pid;

	if (page == NULL) {
		UCHECK("kwrite_child_mmap", 0);
		return;
	}
	for (unsigned long w = 0; w < WORDS; w++)
		page[w] = pattern(8, 0, w);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		long bad = 0;

		if (calf_bootinfo((struct calf_bootinfo *)page) != 0)
			bad |= 1;
		else if (!bootinfo_sane((struct calf_bootinfo *)page))
			bad |= 2;
		if (!page_has_pattern_from(page, BI_END_WORD, 8))
			bad |= 4;
		calf_child_exit(bad);
	}
	UCHECK("kwrite_child_fork", pid > 0);
	if (pid > 0)
		/* status bits: 1 call failed, 2 bad data, 4 rest of page changed */
		UCHECK_EQ("kwrite_child_bootinfo_ok",
			  calf_reap(pid), 0);
	UCHECK("kwrite_child_parent_copy_intact", page_has_pattern_from(page, 0, 8));
	calf_munmap((unsigned long)page, PAGE);
}

/* ---- 4. copies into memory the program may not write ---- */

extern char _start[];                      /* crt0.S: the first byte of text */
static const uint64_t ro_table[128] = { 1, 2, 3, 4 };   /* .rodata, > bootinfo */

static void test_kernel_write_refused(void)
{
	uint64_t text_before[64], ro_before[128];
	volatile const uint64_t *text = (const uint64_t *)_start;
	int text_same = 1, ro_same = 1;

	for (int i = 0; i < 64; i++)
		text_before[i] = text[i];
	memcpy(ro_before, ro_table, sizeof(ro_before));
	/* Text is mapped R-X: the VM server must answer the kernel's write
	 * fault with CALF_FAULT_EFAULT, not map anything writable. */
	UCHECK_EQ("efault_bootinfo_into_text",
		  calf_bootinfo((struct calf_bootinfo *)_start), -CALF_EFAULT);
	UCHECK_EQ("efault_bootinfo_into_rodata",
		  calf_bootinfo((struct calf_bootinfo *)(uintptr_t)ro_table), -CALF_EFAULT);
	/* Below text (user.ld: nothing under 0x10000) and the kernel half. */
	UCHECK_EQ("efault_bootinfo_unmapped",
		  calf_bootinfo((struct calf_bootinfo *)0x1000ul), -CALF_EFAULT);
	UCHECK_EQ("efault_bootinfo_kernel_half",
		  calf_bootinfo((struct calf_bootinfo *)0xffffffc000000000ul), -CALF_EFAULT);
	for (int i = 0; i < 64; i++)
		text_same &= text[i] == text_before[i];
	for (int i = 0; i < 128; i++)
		ro_same &= ((volatile const uint64_t *)ro_table)[i] == ro_before[i];
	UCHECK("efault_text_unchanged", text_same);
	UCHECK("efault_rodata_unchanged", ro_same);
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "",
		   "copy-on-write fork under memory pressure and sharing");
	warm_up();
	utest_begin("cowtest");
	test_fork_more_than_half();
	test_three_writers();
	test_kernel_writes_cow_in_parent();
	test_kernel_writes_cow_in_child();
	test_kernel_write_refused();
	return utest_end();
}
