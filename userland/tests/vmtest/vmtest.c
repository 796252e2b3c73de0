/*
 * vmtest - integration test of the VM server: fork, copy-on-write, zero
 * pages, exec, kill, mmap, running out of memory (also while a fault
 * unshares a page table).
 *
 * Layer: userland/. Forks itself and execs itself (`vmtest --args-check
 * ...`, a mode for the exec test).
 *
 * Each check prints "ok   NAME" or "FAIL NAME: why"; the last line is
 * "vmtest: N passed, N failed" and the exit status is 0 only if nothing
 * failed. Frame counts come from VM_STATS (the VM server's free_frames,
 * cow_copies, ...), read before and after the operation under test. The
 * counters are global, but nothing else runs while vmtest does (init
 * only waits), so a difference is vmtest's own doing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul


static void stats(unsigned long s[VM_STAT_COUNT])
{
	calf_stats(s, VM_STAT_COUNT);
}

/* Let the other processes run until they block or use their turn. */
static void let_others_run(int times)
{
	for (int i = 0; i < times; i++)
		calf_yield();
}

/* A heap buffer of n pages, every page written (its own frame). */
static volatile char *written_pages(unsigned long n, char fill)
{
	volatile char *p = malloc(n * PAGE);

	if (p != NULL)
		for (unsigned long i = 0; i < n; i++)
			p[i * PAGE] = fill;
	return p;
}

/* ---- fork ---- */

static volatile long shared_before_fork = 1;
static volatile long written_by_parent;

static void test_fork_isolation(void)
{
	long pid, status, me = calf_getpid();

	shared_before_fork = 1;
	written_by_parent = 0;
	pid = calf_fork();
	if (pid == 0) {
		int bad = 0;

		if (calf_getppid() != me)
			bad |= 1;
		shared_before_fork = 2;          /* the parent must not see this */
		let_others_run(5);               /* the parent writes meanwhile */
		if (written_by_parent != 0)
			bad |= 2;
		if (shared_before_fork != 2)
			bad |= 4;
		calf_child_exit(bad);
	}
	if (pid < 0) {
		utest_fail_got("fork", "fork failed", pid, 1);
		return;
	}
	utest_ok("fork");
	written_by_parent = 7;                   /* the child must not see this */
	status = calf_reap(pid);
	if (status == 0)
		utest_ok("fork_child_sees_its_own_writes_only");
	else if (status > 0 && status < 8)
		utest_fail_got("fork_child_sees_its_own_writes_only",
		     (status & 1) ? "getppid wrong in child" :
		     (status & 2) ? "child saw the parent's write" : "child lost its write",
		     status, 0);
	else
		utest_fail_got("fork_child_sees_its_own_writes_only", "child status", status, 0);
	utest_expect("fork_parent_does_not_see_child_write", shared_before_fork, 1);
	utest_expect("fork_parent_keeps_its_write", written_by_parent, 7);
}

/* A child of a process with n resident pages costs page tables only:
 * the child reads the free frames as its first act and reports the
 * difference (in frames) as its exit status. */
static void test_fork_cost(void)
{
	const unsigned long n = 1024;            /* 4 MiB, written */
	volatile char *buf = written_pages(n, 'p');
	unsigned long before[VM_STAT_COUNT];
	long pid, cost;

	if (buf == NULL) {
		utest_fail_got("fork_costs_page_tables_only", "malloc 4 MiB failed", 0, 1);
		return;
	}
	stats(before);
	pid = calf_fork();
	if (pid == 0) {
		long used = (long)before[VM_STAT_FREE_FRAMES] -
			    (long)calf_stat(VM_STAT_FREE_FRAMES);

		calf_child_exit(used < 0 ? 0 : used > 255 ? 255 : used);
	}
	if (pid < 0) {
		utest_fail_got("fork_costs_page_tables_only", "fork failed", pid, 1);
		free((void *)buf);
		return;
	}
	cost = calf_reap(pid);
	/* page tables for 4 MiB of heap, text, data and stack: about a
	 * dozen; a copying fork would need over 1024 */
	printf("     fork with %lu pages resident used %ld frames\n", n, cost);
	if (cost >= 0 && cost < 64)
		utest_ok("fork_costs_page_tables_only");
	else
		utest_fail_got("fork_costs_page_tables_only", "frames used by fork", cost, 64);
	free((void *)buf);
}

/* While the child shares the pages (count 2), the parent's stores copy;
 * after the child has gone (count 1), they only make the page writable. */
static void test_cow_copy_and_reuse(void)
{
	const unsigned long n = 16;
	volatile char *buf = written_pages(n, 'a');
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT];
	long pid, copies, reuses;

	if (buf == NULL) {
		utest_fail_got("cow_copy", "malloc failed", 0, 1);
		return;
	}
	/* child 1 blocks: while it lives, every page has count 2 */
	pid = calf_fork();
	if (pid == 0)
		calf_block_forever();
	let_others_run(3);
	stats(s0);
	for (unsigned long i = 0; i < n / 2; i++)
		buf[i * PAGE] = 'b';
	stats(s1);
	copies = (long)(s1[VM_STAT_COW_COPIES] - s0[VM_STAT_COW_COPIES]);
	if (copies == (long)n / 2)
		utest_ok("cow_copy_when_shared");
	else
		utest_fail_got("cow_copy_when_shared", "cow_copies moved by", copies, (long)n / 2);
	utest_expect("cow_kill_blocked_child", calf_kill(pid), 0);
	utest_expect("cow_killed_status", calf_reap(pid), VM_STATUS_KILLED + 9);

	/* the child is gone: the other half of the pages have count 1 */
	stats(s0);
	for (unsigned long i = n / 2; i < n; i++)
		buf[i * PAGE] = 'c';
	stats(s1);
	copies = (long)(s1[VM_STAT_COW_COPIES] - s0[VM_STAT_COW_COPIES]);
	reuses = (long)(s1[VM_STAT_COW_REUSES] - s0[VM_STAT_COW_REUSES]);
	if (copies == 0 && reuses == (long)n / 2)
		utest_ok("cow_count_1_reuses_no_copy");
	else if (copies != 0)
		utest_fail_got("cow_count_1_reuses_no_copy", "cow_copies moved by", copies, 0);
	else
		utest_fail_got("cow_count_1_reuses_no_copy", "cow_reuses moved by", reuses, (long)n / 2);
	if (buf[0] == 'b' && buf[(n - 1) * PAGE] == 'c' && buf[PAGE] == 'b')
		utest_ok("cow_data_intact");
	else
		utest_fail_got("cow_data_intact", "buffer", buf[0], 'b');
	free((void *)buf);
}

/* Children that write come and go; afterwards every frame is back. */
static void test_frames_return(void)
{
	const unsigned long n = 64;
	volatile char *buf = written_pages(n, 'x');
	unsigned long before, after;
	long pids[4], st;
	int bad = 0;

	if (buf == NULL) {
		utest_fail_got("frames_return_after_children_exit", "malloc failed", 0, 1);
		return;
	}
	before = calf_stat(VM_STAT_FREE_FRAMES);
	for (int i = 0; i < 4; i++) {
		pids[i] = calf_fork();
		if (pids[i] == 0) {
			for (unsigned long k = 0; k < n; k++)
				buf[k * PAGE] = (char)('0' + i);
			/* and some fresh memory of its own */
			volatile char *more = written_pages(32, 'm');

			calf_child_exit(more == NULL);
		}
	}
	for (int i = 0; i < 4; i++) {
		if (pids[i] < 0) {
			bad = 1;
			continue;
		}
		st = calf_reap(pids[i]);
		if (st != 0)
			bad = 1;
	}
	after = calf_stat(VM_STAT_FREE_FRAMES);
	if (bad)
		utest_fail_got("frames_return_after_children_exit", "a child failed", bad, 0);
	else if (after == before)
		utest_ok("frames_return_after_children_exit");
	else
		utest_fail_got("frames_return_after_children_exit", "free frames (before = want)",
		     (long)after, (long)before);
	utest_expect("frames_parent_data_intact", buf[0] == 'x' && buf[(n - 1) * PAGE] == 'x', 1);
	free((void *)buf);
}

/* ---- zero pages ---- */

/* 64 MiB, or half the free memory on a small machine (the VM server
 * promises no more than there is), in whole 2 MiB page tables. */
static unsigned long calloc_size(void)
{
	unsigned long half = calf_stat(VM_STAT_FREE_FRAMES) / 2 * PAGE;

	return half >= (64ul << 20) ? 64ul << 20 : half & ~((2ul << 20) - 1);
}

static void test_calloc_zero(void)
{
	const unsigned long size = calloc_size();
	unsigned long s0[VM_STAT_COUNT], s1[VM_STAT_COUNT];
	volatile unsigned char *p;
	unsigned long sum = 0;
	long used, fills, tables = (long)(size >> 21);

	stats(s0);
	p = calloc(1, size);
	if (p == NULL) {
		utest_fail_got("calloc_big_read_uses_no_data_frame", "calloc failed", (long)(size >> 20), 1);
		return;
	}
	for (unsigned long off = 0; off < size; off += PAGE)
		sum += p[off] + p[off + PAGE - 1];
	stats(s1);
	used = (long)s0[VM_STAT_FREE_FRAMES] - (long)s1[VM_STAT_FREE_FRAMES];
	fills = (long)(s1[VM_STAT_ZERO_FILLS] - s0[VM_STAT_ZERO_FILLS]);
	printf("     reading %lu MiB of calloc memory: %ld frames used (page tables), "
	       "%lu zero maps, %ld zero fills\n", size >> 20, used,
	       s1[VM_STAT_ZERO_MAPS] - s0[VM_STAT_ZERO_MAPS], fills);
	utest_expect("calloc_big_reads_zero", (long)sum, 0);
	/* a leaf page table per 2 MiB (32 for 64 MiB), a few more around
	 * them; malloc's own header may take one data page */
	if (fills <= 2 && used <= tables + 8)
		utest_ok("calloc_big_read_uses_no_data_frame");
	else
		utest_fail_got("calloc_big_read_uses_no_data_frame", "frames used", used, tables + 8);
	free((void *)p);
}

static void test_mmap(void)
{
	const unsigned long size = 1ul << 20;
	unsigned long free0, free1, free2;
	volatile char *p;
	long zero = 0;

	free0 = calf_stat(VM_STAT_FREE_FRAMES);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		utest_fail_got("mmap_1m", "mmap failed", -1, 0);
		return;
	}
	utest_ok("mmap_1m");
	for (unsigned long off = 0; off < size; off += PAGE)
		zero |= p[off];
	utest_expect("mmap_reads_zero", zero, 0);
	for (unsigned long off = 0; off < size; off += PAGE)
		p[off] = 1;
	free1 = calf_stat(VM_STAT_FREE_FRAMES);
	if (free0 - free1 >= size / PAGE)
		utest_ok("mmap_writes_take_frames");
	else
		utest_fail_got("mmap_writes_take_frames", "frames used", (long)(free0 - free1),
		     (long)(size / PAGE));
	utest_expect("munmap", munmap((void *)p, size), 0);
	free2 = calf_stat(VM_STAT_FREE_FRAMES);
	if (free1 + size / PAGE <= free2)
		utest_ok("munmap_returns_frames");
	else
		utest_fail_got("munmap_returns_frames", "frames back", (long)(free2 - free1),
		     (long)(size / PAGE));
	utest_expect("munmap_not_mapped_einval", calf_munmap(0x20000000ul, PAGE), -CALF_EINVAL);
	utest_expect("mmap_zero_length_einval", calf_mmap(0), -CALF_EINVAL);
}

/* ---- VM_PT_ENTRY: a cursor outside the user half ---- */

/* The kernel half's tables are not the VM server's to read: a cursor
 * there is refused, never walked (a walk would fault the VM server and
 * so stop the machine). The image's root entry is a table, so
 * 0xffffffff80200000 at levels 1 and 0 once reached kernel memory. */
static void test_pt_entry_cursor(void)
{
	static const unsigned long outside[] = {
		0xffffffff80200000ul, 0xffffffc000000000ul, 0x4000000000ul, ~0ul,
	};
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };
	int refused = 0;

	utest_expect("pt_entry_first", calf_pt_entry(0, &e), 1);
	for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		for (int level = 0; level <= 1; level++) {
			struct calf_pt_entry c = { outside[i], level, 0, 0, 0 };

			refused += calf_pt_entry(0, &c) == -CALF_EINVAL;
		}
	utest_expect("pt_entry_kernel_half_cursor_einval", refused, 8);
}

/* ---- exec ---- */

#define ARGS_OK 42

/* `vmtest --args-check one two three`: exit ARGS_OK if argv is exact. */
static int args_check(int argc, char **argv)
{
	return argc == 5 && strcmp(argv[0], "vmtest") == 0 &&
	       strcmp(argv[2], "one") == 0 && strcmp(argv[3], "two") == 0 &&
	       strcmp(argv[4], "three-four") == 0 ? ARGS_OK : 1;
}

static void test_exec(void)
{
	static const char *const args[] = { "vmtest", "--args-check", "one", "two",
					    "three-four", NULL };
	static const char *const missing[] = { "no-such-program", NULL };
	long pid;

	utest_expect("exec_missing_program_enoent", calf_exec(missing), -CALF_ENOENT);
	utest_ok("exec_failure_returns");
	pid = calf_fork();
	if (pid == 0) {
		long r = calf_exec(args);

		printf("vmtest: exec failed: %ld\n", r);
		calf_child_exit(2);
	}
	if (pid < 0) {
		utest_fail_got("exec_with_args", "fork failed", pid, 1);
		return;
	}
	utest_expect("exec_with_args", calf_reap(pid), ARGS_OK);
}

/* ---- kill ---- */

/* The live child of init with the least pid above `after` (an orphan
 * of a process forked at `after`), or -CALF_ESRCH. */
static long orphan_after(long after)
{
	struct calf_ps ps;

	for (long i = 0; calf_ps(i, &ps) >= 0; i++)
		if (ps.pid > after && ps.ppid == 1 && ps.state != VM_PS_ZOMBIE)
			return ps.pid;
	return -CALF_ESRCH;
}

static void test_kill(void)
{
	struct calf_ps ps;
	long pid, gpid;

	pid = calf_fork();
	if (pid == 0)
		for (;;)                 /* running: never blocks */
			__asm__ volatile("" ::: "memory");
	let_others_run(3);
	utest_expect("kill_running_child", calf_kill(pid), 0);
	utest_expect("kill_running_status", calf_reap(pid), VM_STATUS_KILLED + 9);

	pid = calf_fork();
	if (pid == 0)
		calf_block_forever();
	let_others_run(3);
	utest_expect("kill_blocked_child", calf_kill(pid), 0);
	utest_expect("kill_blocked_status", calf_reap(pid), VM_STATUS_KILLED + 9);

	/* blocked in the VM server itself: in wait() for a grandchild that
	 * blocks until it is killed too. (A grandchild that ended by itself
	 * after a while could end first on a busy machine, and the child
	 * with it.) Once the child is gone, the grandchild is init's: found
	 * by ps, killed, and reaped by init. */
	pid = calf_fork();
	if (pid == 0) {
		gpid = calf_fork();
		if (gpid == 0)
			calf_block_forever();
		calf_wait(gpid, NULL);
		calf_child_exit(0);
	}
	for (int i = 0; i < 1000 && !(calf_ps_of(pid, &ps) == pid && ps.state == VM_PS_WAITING);
	     i++)
		let_others_run(1);   /* until it has forked and waits */
	utest_expect("kill_child_in_wait", calf_kill(pid), 0);
	utest_expect("kill_child_in_wait_status", calf_reap(pid), VM_STATUS_KILLED + 9);
	gpid = orphan_after(pid);
	utest_expect("kill_orphaned_grandchild", gpid > 0 ? calf_kill(gpid) : gpid, 0);

	utest_expect("kill_reaped_esrch", calf_kill(pid), -CALF_ESRCH);
	utest_expect("kill_init_eperm", calf_kill(1), -CALF_EPERM);
}

/* ---- ps ---- */

static void test_ps(void)
{
	struct calf_ps ps;
	long me = calf_getpid(), i, r;
	int found = 0;

	for (i = 0; (r = calf_ps(i, &ps)) >= 0 && i < 1000; i++)
		if (ps.pid == me && strcmp(ps.name, "vmtest") == 0 &&
		    ps.ppid == calf_getppid() && ps.resident > 0)
			found = 1;
	utest_expect("ps_ends_with_esrch", r, -CALF_ESRCH);
	utest_expect("ps_lists_us", found, 1);
}

/* ---- out of memory ---- */

/* 16 KiB of stack touched now, so that what follows needs no new
 * stack page (which would take a frame). */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char pad[16 * 1024];

	for (unsigned long i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/*
 * The child of test_oom_when_unsharing: use up every free frame, then
 * store into buf, whose page table it shares with its parent since the
 * fork. The store needs a frame for the child's own copy of that table
 * (vm/space.h), and none is left. Exits 1 or 2 if it could not set that
 * up, 3 if the store went through.
 */
static void __attribute__((noreturn)) exhaust_then_store(volatile char *buf)
{
	unsigned long f, pages;
	volatile char *p;
	long a;

	touch_stack();
	pages = calf_stat(VM_STAT_FREE_FRAMES) - 1;   /* mmap promises less than is free */
	a = calf_mmap(pages * PAGE);
	if (a < 0)
		calf_child_exit(1);
	p = (volatile char *)a;
	/* Every page table of the region first (a read maps the zero
	 * frame), so that each store below takes exactly one frame. */
	for (unsigned long i = 0; i < pages; i += 512)
		(void)p[i * PAGE];
	(void)p[(pages - 1) * PAGE];
	f = calf_stat(VM_STAT_FREE_FRAMES);
	for (unsigned long i = 0; i < pages && f > 0; i++) {
		p[i * PAGE] = 1;
		if (--f < 8)
			f = calf_stat(VM_STAT_FREE_FRAMES);
	}
	if (f != 0)
		calf_child_exit(2);
	buf[0] = 'x';
	calf_child_exit(3);
}

/* Filling memory takes a fault per frame: about a second for 256 MiB,
 * ten for 2 GiB. Larger machines (usertests runs vmtest with 2 GiB)
 * leave this test to the smaller ones. */
#define OOM_TEST_MAX_FRAMES 70000ul

/* Out of frames in a fault that must first unshare a page table: only
 * the faulting process dies (killed, with a message), the VM server and
 * the parent, which shares the table, go on, and every frame comes
 * back. */
static void test_oom_when_unsharing(void)
{
	volatile char *buf;
	unsigned long before, kills;
	long pid;

	if (calf_stat(VM_STAT_TOTAL_FRAMES) > OOM_TEST_MAX_FRAMES) {
		printf("     oom_when_unsharing: skipped, more than %lu frames\n",
		       OOM_TEST_MAX_FRAMES);
		return;
	}
	buf = written_pages(16, 'u');
	if (buf == NULL) {
		utest_fail_got("oom_when_unsharing_kills_the_child", "malloc failed", 0, 1);
		return;
	}
	before = calf_stat(VM_STAT_FREE_FRAMES);
	kills = calf_stat(VM_STAT_OOM_KILLS);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		exhaust_then_store(buf);
	if (pid < 0) {
		utest_fail_got("oom_when_unsharing_kills_the_child", "fork failed", pid, 1);
		free((void *)buf);
		return;
	}
	utest_expect("oom_when_unsharing_kills_the_child", calf_reap(pid), VM_STATUS_KILLED + 9);
	utest_expect("oom_when_unsharing_is_an_oom_kill",
	       (long)(calf_stat(VM_STAT_OOM_KILLS) - kills), 1);
	utest_expect("oom_when_unsharing_parent_intact", buf[0] == 'u' && buf[15 * PAGE] == 'u', 1);
	utest_expect("oom_when_unsharing_frames_back", (long)calf_stat(VM_STAT_FREE_FRAMES),
	       (long)before);
	free((void *)buf);
}

static void test_out_of_memory(void)
{
	unsigned long total = calf_stat(VM_STAT_TOTAL_FRAMES);
	long pids[VM_ARGS_MAX / 8];
	long r, n = 0;
	int bad = 0;

	utest_expect("sbrk_too_much_enomem", calf_sbrk((long)((total + 1) * PAGE)), -CALF_ENOMEM);
	utest_expect("sbrk_huge_enomem", calf_sbrk(1l << 40), -CALF_ENOMEM);
	if (malloc(1ul << 36) == NULL)
		utest_ok("malloc_too_much_null");
	else
		utest_fail_got("malloc_too_much_null", "malloc(64 GiB) succeeded", 1, 0);

	/* fork until the process table (or memory) runs out */
	n = calf_fork_blocked(pids, (long)(sizeof(pids) / sizeof(pids[0])), &r);
	printf("     forked %ld children before fork failed with %ld\n", n, r);
	if (r == -CALF_ENOMEM || r == -CALF_EAGAIN)
		utest_ok("fork_until_it_fails");
	else
		utest_fail_got("fork_until_it_fails", "last fork", r, -CALF_EAGAIN);
	for (long i = 0; i < n; i++) {
		if (calf_kill(pids[i]) != 0 || calf_reap(pids[i]) != VM_STATUS_KILLED + 9)
			bad = 1;
	}
	utest_expect("fork_children_killed_and_reaped", bad, 0);
	/* the system is still up: fork works again */
	r = calf_fork();
	if (r == 0)
		calf_child_exit(5);
	utest_expect("fork_works_after_exhaustion", r > 0 ? calf_reap(r) : r, 5);
}

int main(int argc, char **argv)
{
	unsigned long free0, free1;

	calf_usage(argc, argv, "",
		   "the VM server: fork, COW, zero pages, exec, kill, no memory");
	if (argc > 1 && strcmp(argv[1], "--args-check") == 0)
		return args_check(argc, argv);
	printf("vmtest: starting (pid %ld)\n", calf_getpid());
	free0 = calf_stat(VM_STAT_FREE_FRAMES);
	test_fork_isolation();
	test_fork_cost();
	test_cow_copy_and_reuse();
	test_frames_return();
	test_calloc_zero();
	test_mmap();
	test_pt_entry_cursor();
	/* Before test_kill, which leaves a grandchild running for a while
	 * (init reaps it): it would fault while memory is exhausted, and
	 * its exit would move the free frames this test counts. */
	test_oom_when_unsharing();
	test_exec();
	test_kill();
	test_ps();
	test_out_of_memory();
	free1 = calf_stat(VM_STAT_FREE_FRAMES);
	printf("     free frames: %lu at the start, %lu at the end\n", free0, free1);
	utest_ok("system_still_up");
	printf("vmtest: %d passed, %d failed\n", utest_passed, utest_failed);
	return utest_failed ? 1 : 0;
}
