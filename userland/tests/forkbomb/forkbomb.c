/*
 * forkbomb - test suite: fork until the system says no, then clean up.
 *
 * Layer: userland/.
 *
 * The parent forks until fork fails; each child blocks at once (in
 * calf_recv on an endpoint of its own that nobody will ever send to), so
 * the children use no CPU and stay alive until killed. fork must fail
 * cleanly - -CALF_EAGAIN (process table full) or -CALF_ENOMEM - and not
 * crash or hang the system. Then the parent kills and reaps every child:
 * each must report VM_STATUS_KILLED + 9, the process count and the free
 * frames must return exactly to where they were, and a second bomb must
 * fork exactly as many children as the first (so nothing was lost, not
 * even a process-table slot). A normal fork afterwards still works.
 *
 * `forkbomb [rounds]` (default 2).
 */
#include <stdio.h>
#include <stdlib.h>

#include "calf.h"
#include "utest.h"

#define MAX_CHILDREN 4096   /* far above any process table we expect */

static long pids[MAX_CHILDREN];

static void __attribute__((noinline)) warm_up(void)
{
	volatile char pad[16 * 1024];

	for (unsigned long i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
	for (unsigned long i = 0; i < MAX_CHILDREN; i += 512)
		pids[i] = 0;                 /* the .bss pages, before counting */
	printf("forkbomb: warming up\n");
}

/* How many of the processes ps lists have `parent` as their parent. */
static long count_children_in_ps(long parent)
{
	struct calf_ps ps;
	long n = 0;

	for (long i = 0; i < 100000 && calf_ps(i, &ps) >= 0; i++)
		n += ps.ppid == parent;
	return n;
}

/* One bomb; returns how many children it forked (or -1). */
static long bomb(int round)
{
	unsigned long free0 = utest_free_frames();
	unsigned long procs0 = calf_stat(VM_STAT_PROCS);
	long me = calf_getpid(), n, r = 0, bad_status = 0;
	char name[64];

	calf_console_flush();
	n = calf_fork_blocked(pids, MAX_CHILDREN, &r);
	printf("     round %d: forked %ld children, then fork returned %ld\n", round, n, r);
	snprintf(name, sizeof(name), "bomb%d_fork_fails_cleanly", round);
	UCHECK(name, r == -CALF_EAGAIN || r == -CALF_ENOMEM);
	snprintf(name, sizeof(name), "bomb%d_forked_some", round);
	UCHECK(name, n > 0);
	/* The system is up and knows about all of them. */
	snprintf(name, sizeof(name), "bomb%d_procs_counted", round);
	UCHECK_EQ(name, calf_stat(VM_STAT_PROCS), procs0 + (unsigned long)n);
	snprintf(name, sizeof(name), "bomb%d_ps_lists_children", round);
	UCHECK_EQ(name, count_children_in_ps(me), n);

	for (long i = 0; i < n; i++) {
		long k = calf_kill(pids[i]);
		long st = calf_reap(pids[i]);

		if (k != 0 || st != VM_STATUS_KILLED + 9)
			bad_status++;
	}
	snprintf(name, sizeof(name), "bomb%d_all_killed_and_reaped", round);
	UCHECK_EQ(name, bad_status, 0);
	/* Nothing left to wait for: every child was reaped. */
	snprintf(name, sizeof(name), "bomb%d_no_child_left", round);
	UCHECK_EQ(name, calf_wait(-1, NULL), -CALF_ESRCH);
	snprintf(name, sizeof(name), "bomb%d_procs_back", round);
	UCHECK_EQ(name, calf_stat(VM_STAT_PROCS), procs0);
	snprintf(name, sizeof(name), "bomb%d_frames_back", round);
	UCHECK_EQ(name, utest_free_frames(), free0);
	return n;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2;
	long first = -1, pid;

	calf_usage(argc, argv, "[ROUNDS]",
		   "fork until memory runs out; everything must come back");
	if (rounds < 1)
		rounds = 1;
	warm_up();
	utest_begin("forkbomb");
	for (int round = 1; round <= rounds; round++) {
		long n = bomb(round);

		if (round == 1)
			first = n;
		else
			UCHECK_EQ("bomb_same_count_as_first_round", n, first);
	}
	/* An ordinary fork still works. */
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_child_exit(7);
	UCHECK_EQ("fork_works_after_bombs", pid > 0 ? calf_reap(pid) : pid, 7);
	return utest_end();
}
