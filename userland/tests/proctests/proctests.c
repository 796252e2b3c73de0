/*
 * proctests - the process life cycle under load.
 *
 * Layer: userland/.
 *
 *   proctests [PERCENT]
 *
 * runs every group below; PERCENT (default 100) scales the round counts
 * of the load groups, for a quicker run ("proctests 10").
 *
 *   exit      exit statuses 0..255 reach wait() unchanged (100 rounds)
 *   orphans   a parent dies while its child lives on: the child's
 *             parent becomes init (pid 1), both as getppid() and as
 *             VM_PS shows it, and init reaps it (800 rounds)
 *   pairs     two children exit at the same moment (1,000 rounds)
 *   sbrk      growth past memory fails with -CALF_ENOMEM and leaks
 *             nothing; the break shrinks to zero and to the middle of a
 *             page, and memory above it is gone
 *   kill      kill() ends a running process and blocked ones
 *   faults    the accesses that must kill: kernel memory, addresses at
 *             and above the top of user space, the stack guard page,
 *             stores to text and read-only data
 *
 * Every check that needs a process to die runs in a child (child.h).
 * The suite ends with the free-frames check of utest.h: all the memory
 * the children used must be back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"
#include "utest.h"
#include "child.h"

#define PAGE 4096ul

/* Round counts at PERCENT = 100 (the default), scaled by the argument. */
#define EXIT_ROUNDS   100
#define ORPHAN_ROUNDS 800
#define PAIR_ROUNDS   1000

/* The rendezvous key of the orphans' reports (see test_orphans). The
 * VM server has few keys (vm/rendezvous.c) and never frees one: this
 * suite uses just this one. */
#define PROCTESTS_KEY 0x70c7e575ul

static int percent = 100;

static long scaled(long rounds)
{
	long n = rounds * percent / 100;

	return n > 0 ? n : 1;
}

/* Processes in the system when the suite started (init, our parents,
 * us): what VM_STAT_PROCS must come back to once init has reaped every
 * orphan. */
static unsigned long procs_at_start;

static uintptr_t current_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

/* Record the first failure of a many-round check, with its details;
 * the check itself is reported once, after the rounds. */
static char first_failure[160];
static int round_failures;

static void round_fail(const char *fmt, long a, long b, long c)
{
	if (round_failures++ == 0)
		snprintf(first_failure, sizeof(first_failure), fmt, a, b, c);
}

static void rounds_check(const char *name)
{
	if (round_failures == 0) {
		utest_ok(name);
	} else {
		char why[224];

		snprintf(why, sizeof(why), "%d rounds failed; first: %s", round_failures,
			 first_failure);
		utest_fail(name, why);
	}
	round_failures = 0;
}

/* ---- exit: statuses 0..255 ---- */

static int exit_with(long status)
{
	return (int)status;
}

/*
 * Round r starts children with statuses r, r + 100 and r + 200 (those
 * up to 255), so 100 rounds cover 0..255 once each. The last child is
 * waited for by pid, the others with wait(-1), so both lookups are
 * used; each child's status must come back with its own pid.
 */
static void test_exit_statuses(void)
{
	long rounds = scaled(EXIT_ROUNDS);

	for (long r = 0; r < rounds; r++) {
		long pids[3], want[3], n = 0, status, got;

		for (long s = r; s <= 255 && n < 3; s += 100) {
			pids[n] = child_run(exit_with, s);
			want[n] = s;
			if (pids[n] < 0) {
				round_fail("round %ld: fork failed: %ld", r, pids[n], 0);
				break;
			}
			n++;
		}
		if (n == 0)
			continue;
		got = calf_wait(pids[n - 1], &status);
		if (got != pids[n - 1] || status != want[n - 1])
			round_fail("wait(pid) gave pid %ld status %ld, want status %ld", got, status,
				   want[n - 1]);
		for (long k = 0; k + 1 < n; k++) {
			long j;

			got = calf_wait(-1, &status);
			for (j = 0; j + 1 < n && pids[j] != got; j++)
				;
			if (j + 1 == n || status != want[j])
				round_fail("wait(-1) gave pid %ld status %ld (round %ld)", got, status,
					   r);
		}
	}
	rounds_check("exit_status_seen_by_wait");
	UCHECK_EQ("no_children_left", calf_wait(-1, &(long){ 0 }), -CALF_ESRCH);
}

/* ---- orphans ---- */

#define ORPHAN_REPORT 0x0c0ffeeul

/*
 * The orphan. Its parent exits at once; once getppid() says init has
 * adopted it, it calls the suite (pid 1's child is still alive while it
 * waits for our reply, so the suite can look at it with VM_PS), then
 * exits. Init reaps it.
 */
static int orphan(long old_parent)
{
	struct calf_msg m;
	long ep, r;

	for (int i = 0; i < 10000 && calf_getppid() == old_parent; i++)
		calf_yield();
	ep = calf_rendezvous(PROCTESTS_KEY);
	if (ep < 0)
		return 2;
	memset(&m, 0, sizeof(m));
	m.mr[0] = ORPHAN_REPORT;
	m.mr[1] = (unsigned long)calf_getppid();
	m.mr[2] = (unsigned long)calf_getpid();
	m.mr[3] = (unsigned long)old_parent;
	r = calf_call(ep, &m);
	return r == 0 ? 0 : 3;
}

/* The short-lived parent: starts the orphan and dies before it. */
static int orphan_parent(long unused)
{
	(void)unused;
	return child_run(orphan, calf_getpid()) > 0 ? 0 : 1;
}

/* Wait until VM_STAT_PROCS is back to `want` (init reaps orphans when
 * it gets the CPU), for at most ms milliseconds. Returns the count. */
static unsigned long procs_settle(unsigned long want, unsigned long ms)
{
	unsigned long t0 = calf_time(), n;

	while ((n = calf_stat(VM_STAT_PROCS)) != want && calf_time() - t0 < child_ticks(ms))
		calf_yield();
	return n;
}

static void test_orphans(void)
{
	long rounds = scaled(ORPHAN_ROUNDS), ep = calf_rendezvous(PROCTESTS_KEY);
	int fail_getppid = 0, fail_ps = 0;

	if (ep < 0) {
		UCHECK_EQ("orphan_rendezvous", ep, 0);
		return;
	}
	for (long r = 0; r < rounds; r++) {
		struct calf_msg m;
		struct calf_ps ps;
		long parent = child_run(orphan_parent, 0), status = -1, got, badge;

		got = calf_wait(parent, &status);
		if (parent < 0 || got != parent || status != 0) {
			round_fail("round %ld: parent %ld ended with status %ld", r, parent, status);
			continue;   /* no orphan: nobody will report */
		}
		/* The parent is gone: the orphan reports, and waits in its
		 * call for our reply. */
		badge = calf_recv(ep, &m);
		if (badge < 0 || m.mr[0] != ORPHAN_REPORT) {
			round_fail("round %ld: receive gave %ld, label %lx", r, badge, (long)m.mr[0]);
			continue;
		}
		if (m.mr[1] != 1 && fail_getppid++ == 0)
			printf("  orphan %ld: getppid() = %ld, want 1 (old parent %ld)\n",
			       (long)m.mr[2], (long)m.mr[1], (long)m.mr[3]);
		if ((!child_ps_find((long)m.mr[2], &ps) || ps.ppid != 1 ||
		     ps.state != VM_PS_RUNNING) && fail_ps++ == 0)
			printf("  orphan %ld: VM_PS parent %ld state %ld, want 1 and running\n",
			       (long)m.mr[2], ps.ppid, ps.state);
		memset(&m, 0, sizeof(m));
		calf_reply(&m);   /* the orphan exits, and init reaps it */
	}
	rounds_check("orphan_parents_die_first");
	UCHECK_EQ("orphan_getppid_is_init", fail_getppid, 0);
	UCHECK_EQ("orphan_ps_parent_is_init", fail_ps, 0);
	UCHECK_EQ("orphans_reaped_by_init", procs_settle(procs_at_start, 5000), procs_at_start);
	calf_handle_close(ep);
}

/* ---- two children exit at the same moment ---- */

/*
 * Both children are forked before either runs (the fork returns to the
 * parent, the child waits on the run queue), then the parent blocks in
 * wait: the two run and exit back to back, the second while the VM
 * server is still answering the parent's wait for the first. Half the
 * rounds reap with wait(-1) twice, half by pid in the opposite order.
 */
static void test_pairs(void)
{
	long rounds = scaled(PAIR_ROUNDS);

	for (long r = 0; r < rounds; r++) {
		long sa = r & 255, sb = (r * 7 + 1) & 255, status_a = -1, status_b = -1;
		long a = child_run(exit_with, sa), b = child_run(exit_with, sb), g1, g2, s1, s2;

		if (a < 0 || b < 0) {
			round_fail("round %ld: fork gave %ld, %ld", r, a, b);
			if (a > 0)
				calf_wait(a, &s1);
			if (b > 0)
				calf_wait(b, &s1);
			continue;
		}
		if (r & 1) {
			g2 = calf_wait(b, &s2);
			g1 = calf_wait(a, &s1);
			status_a = g1 == a ? s1 : -1;
			status_b = g2 == b ? s2 : -1;
		} else {
			g1 = calf_wait(-1, &s1);
			g2 = calf_wait(-1, &s2);
			status_a = g1 == a ? s1 : g2 == a ? s2 : -1;
			status_b = g1 == b ? s1 : g2 == b ? s2 : -1;
		}
		if (status_a != sa || status_b != sb)
			round_fail("round %ld: statuses %ld and %ld (want r & 255, (7r + 1) & 255)",
				   r, status_a, status_b);
	}
	rounds_check("two_children_exit_together");
	UCHECK_EQ("no_children_left_after_pairs", calf_wait(-1, &(long){ 0 }), -CALF_ESRCH);
}

/* ---- sbrk ---- */

extern char _end[];   /* user.ld: the end of .bss, page aligned: where the heap starts */

static uintptr_t heap_start(void)
{
	return ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
}

/* Requests that cannot be met fail with -CALF_ENOMEM, move nothing
 * and use no frame. */
static void test_sbrk_refused(void)
{
	unsigned long free0 = utest_free_frames(), total = calf_stat(VM_STAT_TOTAL_FRAMES);
	long brk0 = calf_sbrk(0);

	UCHECK_EQ("sbrk_more_than_free", calf_sbrk((long)(free0 * PAGE)), -CALF_ENOMEM);
	UCHECK_EQ("sbrk_more_than_ram", calf_sbrk((long)((total + 1) * PAGE)), -CALF_ENOMEM);
	UCHECK_EQ("sbrk_long_max", calf_sbrk(0x7fffffffffffffffl), -CALF_ENOMEM);
	UCHECK_EQ("sbrk_past_user_space", calf_sbrk(0x4000000000l), -CALF_ENOMEM);
	UCHECK_EQ("sbrk_refused_break_unmoved", calf_sbrk(0), brk0);
	UCHECK_EQ("sbrk_refused_no_frame_used", utest_free_frames(), free0);
}

/*
 * Fill memory through the break, storing into every page (so each takes
 * a frame), until memory is as good as full or the heap reaches its
 * limit (256 MiB, vm/spawn.c; with much memory it comes first). Each
 * step asks for at most a quarter of what is free, so the page tables
 * always find a frame too and the VM server never has to kill us for
 * want of one; a step refused with -CALF_ENOMEM is tried again at half
 * the size, down to one page. Then growth past the memory that is left,
 * and past all memory, must be -CALF_ENOMEM. Exit codes: 0 all well,
 * 1 a step failed with another error, 2 and 3 the final requests were
 * granted. The child's exit gives everything back, which the
 * free-frames check at the end verifies.
 */
static int sbrk_fill(long unused)
{
	unsigned long pages = 0, chunk = ~0ul >> 16, most;
	long r;

	(void)unused;
	for (;;) {
		most = calf_stat(VM_STAT_FREE_FRAMES) / 4;
		if (most < 4)
			break;                  /* memory is full */
		if (chunk > most)
			chunk = most;
		r = calf_sbrk((long)(chunk * PAGE));
		if (r >= 0) {
			for (unsigned long i = 0; i < chunk; i++)
				((volatile char *)r)[i * PAGE] = 1;
			pages += chunk;
			continue;
		}
		if (r != -CALF_ENOMEM)
			return 1;
		if (chunk == 1)
			break;                  /* the heap's limit */
		chunk /= 2;
	}
	printf("  sbrk_fill: stored to %lu heap pages, %lu frames left free\n", pages,
	       calf_stat(VM_STAT_FREE_FRAMES));
	if (calf_sbrk((long)(calf_stat(VM_STAT_FREE_FRAMES) * PAGE)) != -CALF_ENOMEM)
		return 2;
	if (calf_sbrk((long)(calf_stat(VM_STAT_TOTAL_FRAMES) * PAGE)) != -CALF_ENOMEM)
		return 3;
	return 0;
}

/* Touch a heap address the test says is above the break: this must
 * kill us. */
static int touch(uintptr_t addr)
{
	*(volatile char *)addr = 1;
	return CHILD_SURVIVED;
}

/*
 * Shrink the break to zero: grow by 4 pages and write them, give all
 * back (the frames return), then store just above the break. Exit
 * codes 1..4 name the check that failed before the fatal store.
 */
static int sbrk_to_zero(long unused)
{
	uintptr_t base = heap_start();
	long brk = calf_sbrk(0), r;
	unsigned long free0;

	(void)unused;
	r = calf_sbrk(4 * (long)PAGE);
	if (r != brk)
		return 1;
	for (int i = 0; i < 4; i++)
		((volatile char *)r)[i * PAGE] = 1;
	free0 = calf_stat(VM_STAT_FREE_FRAMES);
	/* every byte between the heap's start and the break */
	r = calf_sbrk(-(long)(calf_sbrk(0) - (long)base));
	if (r != brk + 4 * (long)PAGE)
		return 2;
	if (calf_sbrk(0) != (long)base)
		return 3;
	if (calf_stat(VM_STAT_FREE_FRAMES) < free0 + 4)
		return 4;
	/* below zero is refused */
	if (calf_sbrk(-1) != -CALF_EINVAL)
		return 5;
	return touch(base);
}

/*
 * Shrink the break to the middle of a page: the heap is pages 0..2,
 * written; the break goes to page 1 + 2048. Page 0 and the first half
 * of page 1 keep their bytes; page 2 is gone: growing again gives it
 * back as zeros (its old bytes must not come back), and after a second
 * shrink a store to it kills us.
 */
static int sbrk_to_middle(long unused)
{
	uintptr_t base = heap_start();
	volatile char *h;
	long brk;

	(void)unused;
	/* start from an empty heap, so page numbers are the heap's own */
	brk = calf_sbrk(0);
	if (brk != (long)base && calf_sbrk(-(brk - (long)base)) < 0)
		return 1;
	h = (volatile char *)calf_sbrk(3 * (long)PAGE);
	if ((uintptr_t)h != base)
		return 2;
	for (unsigned long i = 0; i < 3 * PAGE; i += 512)
		h[i] = (char)(i / 512 + 1);
	if (calf_sbrk(-(long)(PAGE + PAGE / 2)) != (long)(base + 3 * PAGE))
		return 3;
	if (calf_sbrk(0) != (long)(base + PAGE + PAGE / 2))
		return 4;
	for (unsigned long i = 0; i < PAGE + PAGE / 2; i += 512)
		if (h[i] != (char)(i / 512 + 1))
			return 5;
	/* grow back over page 2: fresh zeros, not the old bytes */
	if (calf_sbrk((long)(PAGE + PAGE / 2)) < 0)
		return 6;
	for (unsigned long i = 2 * PAGE; i < 3 * PAGE; i += 512)
		if (h[i] != 0)
			return 7;
	if (calf_sbrk(-(long)(PAGE + PAGE / 2)) < 0)
		return 8;
	return touch(base + 2 * PAGE);
}

static void test_sbrk(void)
{
	long status;

	test_sbrk_refused();
	if (child_run(sbrk_fill, 0) > 0 && calf_wait(-1, &status) > 0)
		UCHECK_EQ("sbrk_past_memory_enomem", status, 0);
	else
		utest_fail("sbrk_past_memory_enomem", "fork or wait failed");
	child_expect("sbrk_to_zero_then_touch_killed", sbrk_to_zero, 0, KILLED_BY(CHILD_SIGSEGV),
		     5000);
	child_expect("sbrk_to_mid_page_then_touch_killed", sbrk_to_middle, 0,
		     KILLED_BY(CHILD_SIGSEGV), 5000);
}

/* ---- kill ---- */

static int spin(long unused)
{
	volatile unsigned long n = 0;

	(void)unused;
	for (;;)
		n++;
	return CHILD_SURVIVED;
}

static int block_in_recv(long unused)
{
	struct calf_msg m;
	long ep = calf_endpoint_create();

	(void)unused;
	if (ep >= 0)
		calf_recv(ep, &m);   /* nobody ever sends on it */
	return CHILD_SURVIVED;
}

/* Blocks in wait() (a call the VM server holds unanswered) for a child
 * that blocks for ever in receive. */
static int block_in_wait(long unused)
{
	long pid = child_run(block_in_recv, 0), status;

	(void)unused;
	if (pid > 0)
		calf_wait(pid, &status);
	return CHILD_SURVIVED;
}

/* Kill pid and check it ends with VM_STATUS_KILLED + 9. */
static void kill_and_reap(const char *name, long pid)
{
	long status = -1, r = calf_kill(pid);

	if (r != 0) {
		UCHECK_EQ(name, r, 0);
		return;
	}
	r = calf_wait(pid, &status);
	if (r != pid)
		UCHECK_EQ(name, r, pid);
	else
		UCHECK_EQ(name, status, KILLED_BY(CHILD_SIGKILL));
}

/* Find a child of `parent` with VM_PS, giving it time to appear. */
static long find_child_of(long parent)
{
	struct calf_ps ps;

	for (int tries = 0; tries < 100; tries++) {
		for (long i = 0; calf_ps(i, &ps) >= 0; i++)
			if (ps.ppid == parent)
				return ps.pid;
		calf_yield();
	}
	return -1;
}

static void test_kill(void)
{
	struct calf_ps ps = { .state = -1 };
	long pid, grandchild;

	/* running: one yield lets it spin through its time slice */
	pid = child_run(spin, 0);
	calf_yield();
	UCHECK("kill_running_is_running", child_ps_find(pid, &ps) && ps.state == VM_PS_RUNNING);
	kill_and_reap("kill_running", pid);

	pid = child_run(block_in_recv, 0);
	calf_yield();
	kill_and_reap("kill_blocked_in_recv", pid);

	/* blocked in wait: its own child outlives it, becomes init's, and
	 * is killed in turn (init reaps it) */
	pid = child_run(block_in_wait, 0);
	grandchild = find_child_of(pid);
	for (int i = 0; i < 100 && !(child_ps_find(pid, &ps) && ps.state == VM_PS_WAITING); i++)
		calf_yield();
	UCHECK("kill_blocked_in_wait_is_waiting", ps.state == VM_PS_WAITING && grandchild > 0);
	kill_and_reap("kill_blocked_in_wait", pid);
	UCHECK("kill_blocked_in_wait_child_now_inits",
	       child_ps_find(grandchild, &ps) && ps.ppid == 1);
	UCHECK_EQ("kill_orphan_blocked_in_recv", calf_kill(grandchild), 0);
	UCHECK_EQ("killed_orphan_reaped_by_init", procs_settle(procs_at_start, 5000),
		  procs_at_start);

	UCHECK_EQ("kill_no_such_pid", calf_kill(0x7fffffff), -CALF_ESRCH);
	UCHECK_EQ("kill_init_refused", calf_kill(1), -CALF_EPERM);
}

/* A job of four: this process blocked in wait for a child that waits
 * for a grandchild, and a second child; all blocked for ever. */
static int job_of_four(long unused)
{
	long waiter = child_run(block_in_wait, 0), status;

	(void)unused;
	if (waiter < 0 || child_run(block_in_recv, 0) < 0)
		return 1;
	calf_wait(waiter, &status);
	return CHILD_SURVIVED;
}

/* VM_KILL_TREE (the shell's kill %N): the job and all it started end;
 * nothing else does. */
static void test_kill_tree(void)
{
	struct calf_ps ps = { .state = -1 };
	long bystander = child_run(block_in_recv, 0);
	long pid = child_run(job_of_four, 0), status = -1, r;

	/* Started when 5 processes more than at the start are there: the
	 * bystander, the job's head and its three descendants. */
	for (int i = 0; i < 1000 && calf_stat(VM_STAT_PROCS) != procs_at_start + 5; i++)
		calf_yield();
	UCHECK_EQ("kill_tree_job_started", calf_stat(VM_STAT_PROCS), procs_at_start + 5);
	UCHECK_EQ("kill_tree_ends_four", calf_kill_tree(pid), 4);
	r = calf_wait(pid, &status);
	UCHECK("kill_tree_head_killed", r == pid && status == KILLED_BY(CHILD_SIGKILL));
	/* The descendants went to init, which reaps them: only the
	 * bystander is left of what this test started. */
	UCHECK_EQ("kill_tree_descendants_reaped", procs_settle(procs_at_start + 1, 5000),
		  procs_at_start + 1);
	UCHECK("kill_tree_bystander_lives",
	       child_ps_find(bystander, &ps) && ps.state != VM_PS_ZOMBIE);
	kill_and_reap("kill_tree_bystander", bystander);
	UCHECK_EQ("kill_tree_no_such_pid", calf_kill_tree(0x7fffffff), -CALF_ESRCH);
	UCHECK_EQ("kill_tree_init_refused", calf_kill_tree(1), -CALF_EPERM);
}

/* ---- the accesses that must kill ---- */

static int load_from(long addr)
{
	(void)*(volatile unsigned long *)addr;
	return CHILD_SURVIVED;
}

static int store_to(long addr)
{
	*(volatile unsigned long *)addr = 0x5a5a5a5a5a5a5a5aul;
	return CHILD_SURVIVED;
}

/* Recursion without end: 1 KiB of stack per call until the guard page.
 * The limit is never reached; it only keeps the compiler from calling
 * the function endless (-Winfinite-recursion). */
static __attribute__((noinline)) int recurse(long depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth > (1l << 40))
		return 0;
	return recurse(depth + 1) + frame[0];
}

/* One alloca that moves sp from near the stack's top straight into the
 * guard page below its 8 MiB, skipping every stack page between; the
 * store lands in the guard page. */
static int big_alloca(long unused)
{
	uintptr_t guard = VM_USER_STACK_TOP - VM_USER_STACK_MAX - PAGE;
	volatile char *p;

	(void)unused;
	p = __builtin_alloca(current_sp() - (guard + 256));
	if ((uintptr_t)p < guard || (uintptr_t)p >= guard + PAGE)
		return CHILD_SURVIVED + 1;   /* the arithmetic missed the guard page */
	p[0] = 1;
	return CHILD_SURVIVED;
}

/* A function whose text the children try to overwrite. */
static __attribute__((noinline)) long text_victim(long x)
{
	return x * 3 + 1;
}

static const unsigned long rodata_victim[4] = { 1, 2, 3, 4 };

static void expect_killed(const char *name, int (*fn)(long), long arg, int sig)
{
	child_expect(name, fn, arg, KILLED_BY(sig), 5000);
}

static void test_faults(void)
{
	uint32_t text0 = *(volatile uint32_t *)(uintptr_t)&text_victim;

	expect_killed("load_kernel_direct_map", load_from, (long)0xffffffc000000000ul,
		      CHILD_SIGSEGV);
	expect_killed("load_kernel_image", load_from, (long)0xffffffff80200000ul, CHILD_SIGSEGV);
	expect_killed("store_kernel_direct_map", store_to, (long)0xffffffc000000000ul,
		      CHILD_SIGSEGV);
	/* 0x4000000000 is the first address past Sv39's lower half: from
	 * there up to the kernel half, nothing is user space */
	expect_killed("load_user_top", load_from, 0x4000000000l, CHILD_SIGSEGV);
	expect_killed("store_user_top", store_to, 0x4000000000l, CHILD_SIGSEGV);
	expect_killed("load_above_user_top", load_from, 0x5000000000l, CHILD_SIGSEGV);
	expect_killed("load_not_canonical_2_39", load_from, 0x8000000000l, CHILD_SIGSEGV);
	expect_killed("load_not_canonical_2_47", load_from, 0x0000800000000000l, CHILD_SIGSEGV);
	expect_killed("load_not_canonical_top_bit", load_from, (long)0x8000000000000000ul,
		      CHILD_SIGSEGV);
	expect_killed("load_last_user_word", load_from, 0x4000000000l - 8, CHILD_SIGSEGV);
	expect_killed("stack_overflow_recursion", recurse, 0, CHILD_SIGSEGV);
	expect_killed("stack_overflow_big_alloca", big_alloca, 0, CHILD_SIGSEGV);
	expect_killed("stack_guard_page_load", load_from,
		      (long)(VM_USER_STACK_TOP - VM_USER_STACK_MAX - PAGE), CHILD_SIGSEGV);
	/* Text and read-only data are read-only for real: a store must kill,
	 * never be resolved as a copy-on-write fault - in a forked child
	 * the text frames are shared with us, and a copy would hide the
	 * store. Ours stay as they were. */
	expect_killed("store_text_killed", store_to, (long)(uintptr_t)&text_victim, CHILD_SIGSEGV);
	expect_killed("store_rodata_killed", store_to, (long)(uintptr_t)rodata_victim,
		      CHILD_SIGSEGV);
	UCHECK_EQ("text_unchanged", *(volatile uint32_t *)(uintptr_t)&text_victim, text0);
	UCHECK_EQ("text_still_runs", text_victim(5), 16);
	UCHECK_EQ("rodata_unchanged", ((volatile const unsigned long *)rodata_victim)[0], 1);
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[PERCENT]",
		   "exit, wait, orphans, kill, sbrk and illegal accesses");
	if (argc > 1)
		percent = atoi(argv[1]) > 0 ? atoi(argv[1]) : 100;
	/* Printed before utest_begin counts the free frames: the first
	 * line gives the console buffer (bss) its frame. */
	printf("proctests: rounds at %d%%\n", percent);
	utest_begin("proctests");
	procs_at_start = calf_stat(VM_STAT_PROCS);

	test_exit_statuses();
	test_orphans();
	test_pairs();
	test_sbrk();
	test_kill();
	test_kill_tree();
	test_faults();
	UCHECK_EQ("processes_back_to_start", procs_settle(procs_at_start, 5000), procs_at_start);
	return utest_end();
}
