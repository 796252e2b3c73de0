/*
 * mergetest - same-page merging: what merges, what never does, and
 * that merged pages come apart without losing a byte.
 *
 * Layer: userland/ (a test suite; usertests runs it). The suite calls
 * VM_MERGE_SCAN itself (the merged daemon does it in the background),
 * so every count is exact.
 *
 *  1. identical pages across 2, 3 and 64 processes merge to one frame
 *     each: (n - 1) x pages frames come back, counted by free frames
 *     and the merge counters
 *  2. a page differing in one byte never merges
 *  3. a store after a merge: the writer gets a copy, every other sharer
 *     keeps its contents
 *  4. pages of zeros merge into the zero frame
 *  5. only advised memory merges; off breaks every merge of the range
 *  6. bad advice gets errors
 *  7. processes, and threads of one process, storing while scans run
 *     lose nothing
 *  8. exit and munmap of merged pages return every frame (the closing
 *     check of every suite)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define WORDS (PAGE / 8)
#define KEY 0x3e75e57ul

static unsigned long free_frames(void)
{
	return calf_stat(VM_STAT_FREE_FRAMES);
}

/* Scan until two full scans in a row merge nothing more. */
static unsigned long scan_all(void)
{
	unsigned long total = 0, merged, quiet = 0, scans = calf_stat(VM_STAT_MERGE_SCANS);

	while (quiet < 2) {
		calf_merge_scan(512, 0, &merged);
		total += merged;
		if (calf_stat(VM_STAT_MERGE_SCANS) != scans) {
			scans = calf_stat(VM_STAT_MERGE_SCANS);
			quiet = merged ? 0 : quiet + 1;
		}
	}
	return total;
}

/* n pages, page i filled with pattern(tag, i), advised; NULL if not. */
static volatile uint64_t *pages(unsigned long n, uint64_t tag, bool advise)
{
	volatile uint64_t *mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return NULL;
	for (unsigned long w = 0; w < n * WORDS; w++)
		mem[w] = tag * 1000003 + w / WORDS + 1;
	if (advise && calf_merge_advise((unsigned long)mem, n * PAGE, 1) != 0)
		return NULL;
	return mem;
}

/* Pages [from, n) of mem hold what pages() wrote? */
static bool intact_from(volatile uint64_t *mem, unsigned long from, unsigned long n, uint64_t tag)
{
	for (unsigned long w = from * WORDS; w < n * WORDS; w += 61)
		if (mem[w] != tag * 1000003 + w / WORDS + 1)
			return false;
	return true;
}

static bool intact(volatile uint64_t *mem, unsigned long n, uint64_t tag)
{
	return intact_from(mem, 0, n, tag);
}

/* A child that holds its own copy of the pages while the parent scans:
 * ready, then, told so, checks and exits (status 0 if intact). */
static void __attribute__((noreturn)) holder(unsigned long n, uint64_t tag, bool write_one)
{
	volatile uint64_t *mem = pages(n, tag, true);
	long ep = calf_rendezvous(KEY);
	struct calf_msg m = { { mem ? 0ul : 1ul } };
	bool ok;

	if (ep < 0)
		calf_child_exit(3);
	calf_call(ep, &m);   /* ready (or not) */
	if (!mem)
		calf_child_exit(2);
	if (write_one && m.mr[0] == 1) {
		mem[0] = 0x5ca1ab1e;   /* a store into a merged page */
		ok = mem[0] == 0x5ca1ab1e && intact_from(mem, 1, n, tag);
		m.mr[0] = ok ? 0 : 1;
		calf_call(ep, &m);
	} else {
		ok = intact(mem, n, tag);
	}
	calf_child_exit(ok && intact_from(mem, 1, n, tag) ? 0 : 1);
}

/* nproc processes (this one and nproc - 1 children) hold the same n
 * pages; scan; (nproc - 1) x n frames must come back. */
static void test_identical(unsigned nproc, unsigned long n)
{
	char name[64];
	long pids[64], tids[64], ep = calf_rendezvous(KEY), status;
	unsigned long before, after, merged, shared0 = calf_stat(VM_STAT_MERGE_SHARED);
	struct calf_msg m;
	volatile uint64_t *mine;
	unsigned started = 0, ready = 0, good = 0;

	calf_console_flush();
	for (unsigned i = 0; i + 1 < nproc; i++) {
		pids[i] = calf_fork();
		if (pids[i] == 0)
			holder(n, 7, false);
		if (pids[i] > 0)
			started++;
	}
	mine = pages(n, 7, true);
	for (unsigned i = 0; i < started; i++)
		if (calf_recv_from(ep, &m, &tids[i]) >= 0 && m.mr[0] == 0)
			ready++;
	snprintf(name, sizeof(name), "identical_%u_processes_ready", nproc);
	UCHECK(name, mine && started == nproc - 1 && ready == started);
	before = free_frames();
	merged = scan_all();
	after = free_frames();
	snprintf(name, sizeof(name), "identical_%u_processes_merged", nproc);
	UCHECK_EQ(name, merged, (nproc - 1) * n);
	snprintf(name, sizeof(name), "identical_%u_processes_frames_back", nproc);
	/* give or take the stack pages the scans themselves may take */
	UCHECK(name, after - before + 2 >= (nproc - 1) * n && after - before <= (nproc - 1) * n);
	snprintf(name, sizeof(name), "identical_%u_processes_one_frame_per_page", nproc);
	UCHECK_EQ(name, calf_stat(VM_STAT_MERGE_SHARED) - shared0, n);
	for (unsigned i = 0; i < started; i++) {
		m.mr[0] = 0;
		calf_reply_to(tids[i], &m);
	}
	for (unsigned i = 0; i < started; i++) {
		status = -1;
		calf_wait(pids[i], &status);
		good += status == 0;
	}
	snprintf(name, sizeof(name), "identical_%u_processes_contents_kept", nproc);
	UCHECK(name, good == started && mine && intact(mine, n, 7));
	if (mine)
		munmap((void *)mine, n * PAGE);
}

/* Pages equal but for one byte, and pages nobody advised. */
static void test_never_merged(void)
{
	volatile uint64_t *a = pages(4, 9, true), *b = pages(4, 9, true);
	volatile uint64_t *c = pages(4, 9, false);
	unsigned long merged;

	if (!a || !b || !c) {
		UCHECK("never_setup", 0);
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		((volatile uint8_t *)b)[i * PAGE + 4095] ^= 1;   /* one byte off */
	merged = scan_all();
	UCHECK_EQ("one_byte_different_never_merges", merged, 0);
	UCHECK("unadvised_copy_never_merges", intact(c, 4, 9));
	munmap((void *)a, 4 * PAGE);
	munmap((void *)b, 4 * PAGE);
	munmap((void *)c, 4 * PAGE);
}

/* Two processes merged; the child writes one page. */
static void test_store_after_merge(void)
{
	long ep = calf_rendezvous(KEY), pid, tid, status = -1;
	volatile uint64_t *mine;
	unsigned long merged, f0, copies;
	struct calf_msg m;

	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		holder(8, 11, true);
	mine = pages(8, 11, true);
	if (pid < 0 || !mine || calf_recv_from(ep, &m, &tid) < 0 || m.mr[0] != 0) {
		UCHECK("store_setup", 0);
		return;
	}
	merged = scan_all();
	UCHECK_EQ("store_pages_merged", merged, 8);
	f0 = free_frames();
	copies = calf_stat(VM_STAT_COW_COPIES);
	m.mr[0] = 1;
	calf_reply_to(tid, &m);   /* the child writes page 0 */
	calf_recv_from(ep, &m, &tid);
	UCHECK_EQ("store_writer_sees_its_write_rest_intact", m.mr[0], 0);
	UCHECK_EQ("store_was_one_cow_copy", calf_stat(VM_STAT_COW_COPIES) - copies, 1);
	UCHECK_EQ("store_took_one_frame", f0 - free_frames(), 1);
	UCHECK("store_others_unchanged", intact(mine, 8, 11));
	m.mr[0] = 0;
	calf_reply_to(tid, &m);
	calf_wait(pid, &status);
	UCHECK_EQ("store_child_ok", status, 0);
	munmap((void *)mine, 8 * PAGE);
}

static void test_zero_pages(void)
{
	volatile uint64_t *mem = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long f0, zero0;

	if (mem == MAP_FAILED) {
		UCHECK("zero_setup", 0);
		return;
	}
	for (unsigned long i = 0; i < 8; i++)
		mem[i * WORDS + 3] = 1;   /* a frame each */
	for (unsigned long i = 0; i < 8; i++)
		mem[i * WORDS + 3] = 0;   /* all zero again */
	calf_merge_advise((unsigned long)mem, 8 * PAGE, 1);
	f0 = free_frames();
	zero0 = calf_stat(VM_STAT_MERGE_ZERO);
	scan_all();
	UCHECK_EQ("zero_pages_merged_into_the_zero_frame", calf_stat(VM_STAT_MERGE_ZERO) - zero0, 8);
	UCHECK("zero_pages_frames_back", free_frames() - f0 + 2 >= 8 && free_frames() - f0 <= 8);
	mem[2 * WORDS] = 42;   /* a store: a zeroed frame again */
	UCHECK("zero_page_store_after_merge", mem[2 * WORDS] == 42 && mem[3 * WORDS] == 0);
	munmap((void *)mem, 8 * PAGE);
}

/* Advice off gives every merged page of the range its own frame. */
static void test_advice_off(void)
{
	volatile uint64_t *a = pages(6, 13, true), *b = pages(6, 13, true);
	unsigned long f0;

	if (!a || !b) {
		UCHECK("off_setup", 0);
		return;
	}
	UCHECK_EQ("off_merged", scan_all(), 6);
	f0 = free_frames();
	UCHECK_EQ("off_accepted", calf_merge_advise((unsigned long)b, 6 * PAGE, 0), 0);
	UCHECK_EQ("off_copies_every_merged_page", f0 - free_frames(), 6);
	UCHECK("off_contents_kept", intact(a, 6, 13) && intact(b, 6, 13));
	b[0] = 1;   /* its own frame now: no fault, and a unchanged */
	UCHECK("off_pages_private", intact(a, 6, 13));
	UCHECK_EQ("off_not_advised_twice", calf_merge_advise((unsigned long)b, 6 * PAGE, 0),
		  -CALF_EINVAL);
	munmap((void *)a, 6 * PAGE);
	munmap((void *)b, 6 * PAGE);
}

static void test_bad_advice(void)
{
	volatile uint64_t *a = pages(2, 17, false), *x[9];
	unsigned long base = (unsigned long)a;
	long r[9];

	UCHECK_EQ("bad_unaligned", calf_merge_advise(base + 8, PAGE, 1), -CALF_EINVAL);
	UCHECK_EQ("bad_length_0", calf_merge_advise(base, 0, 1), -CALF_EINVAL);
	UCHECK_EQ("bad_past_the_region", calf_merge_advise(base, 64 * PAGE, 1), -CALF_EINVAL);
	UCHECK_EQ("bad_text", calf_merge_advise(0x10000, PAGE, 1), -CALF_EINVAL);
	UCHECK_EQ("bad_switch", calf_merge_advise(base, PAGE, 2), -CALF_EINVAL);
	UCHECK_EQ("bad_off_never_advised", calf_merge_advise(base, PAGE, 0), -CALF_EINVAL);
	/* Eight ranges a process, no more. */
	for (int i = 0; i < 9; i++) {
		x[i] = pages(1, 18 + (uint64_t)i, false);
		r[i] = x[i] ? calf_merge_advise((unsigned long)x[i], PAGE, 1) : 1;
	}
	UCHECK("bad_eight_ranges_taken", !r[0] && !r[1] && !r[2] && !r[3] && !r[4] && !r[5] &&
	       !r[6] && !r[7]);
	UCHECK_EQ("bad_ninth_range", r[8], -CALF_ENOMEM);
	for (int i = 0; i < 9; i++)
		if (x[i])
			munmap((void *)x[i], PAGE);
	munmap((void *)a, 2 * PAGE);   /* the advice goes with the pages */
}

/* The scan request is bounded (the VM server answers nothing else
 * while it scans), and there is one waiting scan at a time. */
static void test_scan_limits(void)
{
	volatile uint64_t *a = pages(1, 41, true);
	unsigned long merged;
	long pid, r, status = -1;

	/* One advised page and a budget of 2^40: the scan goes round it
	 * VM_MERGE_SCAN_MAX times, then answers. */
	r = calf_merge_scan(1ul << 40, 0, &merged);
	UCHECK("scan_budget_cut_to_max", r > 0 && r <= VM_MERGE_SCAN_MAX);
	if (a)
		munmap((void *)a, PAGE);
	if (calf_merge_ctl(2) != 0) {
		printf("mergetest: merging is on: the waiting-scan check needs it off, skipped\n");
		return;
	}
	/* A child waits for merging to come on (or finds the merge daemon
	 * waiting already): either way a second waiting scan is refused. */
	pid = calf_fork();
	if (pid == 0)
		calf_exit(calf_merge_scan(16, VM_MERGE_WAIT, &merged) == -CALF_EBUSY ? 3 : 1);
	calf_sleep(5);   /* it is held in the VM server by now */
	UCHECK_EQ("second_waiting_scan_ebusy", calf_merge_scan(16, VM_MERGE_WAIT, &merged),
		  -CALF_EBUSY);
	calf_kill(pid);
	calf_wait(pid, &status);
}

/* Four children store into advised pages while the parent scans: at
 * the end every child's pages hold exactly what it stored last. */
static void test_stores_during_scans(void)
{
	long pids[4], status;
	unsigned good = 0;

	calf_console_flush();
	for (int i = 0; i < 4; i++) {
		pids[i] = calf_fork();
		if (pids[i] == 0) {
			volatile uint64_t *mem = pages(8, 21, true);
			bool ok = mem != NULL;

			for (uint64_t round = 1; ok && round <= 300; round++) {
				for (unsigned long p = 0; p < 8; p++)
					mem[p * WORDS + round % WORDS] = round;
				for (unsigned long p = 0; p < 8; p++)
					ok &= mem[p * WORDS + round % WORDS] == round;
				if (round % 50 == 0)   /* identical again: merge bait */
					for (unsigned long w = 0; w < 8 * WORDS; w++)
						mem[w] = 21 * 1000003 + w / WORDS + 1;
			}
			calf_child_exit(ok && intact(mem, 8, 21) ? 0 : 1);
		}
	}
	for (int k = 0; k < 40; k++) {
		unsigned long merged;

		calf_merge_scan(64, 0, &merged);
	}
	for (int i = 0; i < 4; i++) {
		status = -1;
		calf_wait(pids[i], &status);
		good += status == 0;
	}
	UCHECK_EQ("stores_during_scans_lose_nothing", good, 4);
}

/* The same with four threads of this process, on other harts when there
 * are: a merge write-protects a page and flushes every hart before it
 * compares, so a store racing with the scan faults and lands in the
 * page's own copy; none is lost. */
static volatile uint64_t *thread_mem[4];

static long stores_while_scanned(void *arg)
{
	volatile uint64_t *mem = thread_mem[(long)arg];
	bool ok = true;

	for (uint64_t round = 1; ok && round <= 300; round++) {
		for (unsigned long p = 0; p < 8; p++)
			mem[p * WORDS + round % WORDS] = round;
		for (unsigned long p = 0; p < 8; p++)
			ok &= mem[p * WORDS + round % WORDS] == round;
		if (round % 50 == 0)
			for (unsigned long w = 0; w < 8 * WORDS; w++)
				mem[w] = 21 * 1000003 + w / WORDS + 1;
	}
	return ok && intact(mem, 8, 21) ? 0 : 1;
}

static void test_threads_store_during_scans(void)
{
	long tids[4], status;
	unsigned good = 0, made = 0;
	unsigned long merged, total = 0;

	for (long i = 0; i < 4; i++) {
		thread_mem[i] = pages(8, 21, true);   /* identical: merge bait */
		tids[i] = thread_mem[i] ? calf_thread_create(stores_while_scanned, (void *)i) : -1;
		made += tids[i] > 0;
	}
	for (int k = 0; k < 40; k++) {
		calf_merge_scan(64, 0, &merged);
		total += merged;
	}
	for (int i = 0; i < 4; i++) {
		status = -1;
		if (tids[i] > 0)
			calf_thread_join(tids[i], &status);
		good += status == 0;
	}
	UCHECK_EQ("threads_store_during_scans_lose_nothing", good, 4);
	printf("     (%u threads, %lu pages merged while they stored)\n", made, total);
	for (int i = 0; i < 4; i++)
		if (thread_mem[i])
			munmap((void *)thread_mem[i], 8 * PAGE);
}

/* The child of test_out_of_memory: 16 pages of one content, merged into
 * one frame; then every free frame used up; then a store into a merged
 * page, which needs a frame for its copy. Exits 1 or 2 if it could not
 * set that up, 3 if the store went through. */
static void __attribute__((noreturn)) merged_then_exhausted(void)
{
	volatile uint64_t *mem = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long f, pages;
	volatile char *p;
	long a;

	if (mem == MAP_FAILED)
		calf_child_exit(1);
	for (unsigned long w = 0; w < 16 * WORDS; w++)
		mem[w] = 0x600d + w % WORDS;   /* every page the same */
	calf_merge_advise((unsigned long)mem, 16 * PAGE, 1);
	if (scan_all() != 15)
		calf_child_exit(1);
	pages = free_frames() - 1;   /* mmap promises less than is free */
	a = calf_mmap(pages * PAGE);
	if (a < 0)
		calf_child_exit(2);
	p = (volatile char *)a;
	for (unsigned long i = 0; i < pages; i += 512)   /* the page tables first */
		(void)p[i * PAGE];
	(void)p[(pages - 1) * PAGE];
	f = free_frames();
	for (unsigned long i = 0; i < pages && f > 0; i++) {
		p[i * PAGE] = 1;
		if (--f < 8)
			f = free_frames();
	}
	if (f != 0)
		calf_child_exit(2);
	mem[3 * WORDS] = 1;   /* a merged page: its copy finds no frame */
	calf_child_exit(3);
}

/* Filling memory takes a fault per frame: larger machines leave this to
 * the smaller ones (usertests runs at 128 MiB too). */
#define OOM_TEST_MAX_FRAMES 70000ul

/* Out of frames when a store must unmerge: only that process dies,
 * killed for want of memory, and every frame comes back. */
static void test_out_of_memory(void)
{
	unsigned long before = free_frames(), kills = calf_stat(VM_STAT_OOM_KILLS);
	long pid;

	if (calf_stat(VM_STAT_TOTAL_FRAMES) > OOM_TEST_MAX_FRAMES) {
		printf("     oom_unmerging: skipped, more than %lu frames\n", OOM_TEST_MAX_FRAMES);
		return;
	}
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		merged_then_exhausted();
	UCHECK_EQ("oom_unmerging_kills_only_the_writer", calf_reap(pid), VM_STATUS_KILLED + 9);
	UCHECK_EQ("oom_unmerging_is_an_oom_kill", calf_stat(VM_STAT_OOM_KILLS) - kills, 1);
	UCHECK_EQ("oom_unmerging_frames_back", free_frames(), before);
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "",
		   "same-page merging: what merges, what never, and coming apart");
	utest_begin("mergetest");
	test_identical(2, 16);
	test_identical(3, 16);
	test_identical(64, 4);
	test_never_merged();
	test_store_after_merge();
	test_zero_pages();
	test_advice_off();
	test_bad_advice();
	test_scan_limits();
	test_stores_during_scans();
	test_threads_store_during_scans();
	test_out_of_memory();
	return utest_end();
}
