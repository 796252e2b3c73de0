/*
 * child.h - running a piece of a test in a child process, and waiting
 * for it without hanging the suite. Shared by proctests and badcalls.
 *
 * Layer: userland/ (header only). Include after utest.h.
 *
 * Why a child: a check whose correct outcome is "the process dies"
 * (a wild store, SYS_THREAD_EXIT) can only be made from outside the
 * process that dies. The child does the deed; its parent reads the exit
 * status that wait() reports: the child's own exit status, or
 * VM_STATUS_KILLED + a signal number when the VM server killed it
 * (calf/vm_protocol.h).
 *
 * Children use calf_exit(), not exit(): a forked child must not run the
 * parent's atexit work, and every line printed here ends in '\n', so the
 * console buffer is empty whenever we fork (calf_fork does not flush).
 */
#ifndef USERLAND_PROCTESTS_CHILD_H
#define USERLAND_PROCTESTS_CHILD_H

#include <stdio.h>

#include "calf.h"

/* Signal numbers the VM server uses for the processes it kills. */
#define CHILD_SIGILL  4
#define CHILD_SIGTRAP 5
#define CHILD_SIGBUS  7
#define CHILD_SIGKILL 9
#define CHILD_SIGSEGV 11

/* The exit status of a process killed for `sig`. */
#define KILLED_BY(sig) (VM_STATUS_KILLED + (sig))

/* Status of a child whose check failed before it did the deed: above
 * every status the deed itself can give (exit statuses of our children
 * are small, killed ones are 128 + signal < 160). */
#define CHILD_SURVIVED 200

/* Look process pid up with VM_PS (calf_ps_of). Returns 1 and fills
 * *out if it is in the process table (live or zombie), 0 if not. */
static inline int child_ps_find(long pid, struct calf_ps *out)
{
	return calf_ps_of(pid, out) == pid;
}

/* calf_time() ticks in `ms` milliseconds. */
static inline unsigned long child_ticks(unsigned long ms)
{
	return calf_timebase() / 1000 * ms;
}

/*
 * Wait for child pid, but for at most `ms` milliseconds: a child that a
 * bug left blocked for ever must not hang the whole suite. We poll the
 * child's state with VM_PS and give it the CPU (yield) in between; a
 * zombie is then reaped by an ordinary wait. A child still not ended
 * when the time is up is killed and reaped.
 *
 * Returns 0 and the status in *status when the child ended by itself,
 * -1 when it had to be killed (*status then says how it ended after the
 * kill), -2 when pid is not our child at all.
 */
static inline int child_wait_timeout(long pid, unsigned long ms, long *status)
{
	unsigned long start = calf_time(), limit = child_ticks(ms);
	struct calf_ps ps;

	*status = -1;
	for (;;) {
		if (!child_ps_find(pid, &ps) || ps.state == VM_PS_ZOMBIE)
			return calf_wait(pid, status) == pid ? 0 : -2;
		if (calf_time() - start > limit)
			break;
		calf_yield();
	}
	calf_kill(pid);
	if (calf_wait(pid, status) != pid)
		return -2;
	return -1;
}

/* Fork; the child runs fn(arg) and exits with what it returns (or dies
 * trying). Returns the child's pid, or the fork error. */
static inline long child_run(int (*fn)(long), long arg)
{
	long pid = calf_fork();

	if (pid == 0)
		calf_exit(fn(arg));
	return pid;
}

/*
 * Run fn(arg) in a child and check that it ends with status `want`,
 * within `ms` milliseconds. One check named `name`; returns 1 if it
 * passed.
 */
static inline int child_expect(const char *name, int (*fn)(long), long arg, long want,
			       unsigned long ms)
{
	long pid = child_run(fn, arg), status;
	int r;
	char why[96];

	if (pid < 0) {
		snprintf(why, sizeof(why), "fork failed: %ld", pid);
		utest_fail(name, why);
		return 0;
	}
	r = child_wait_timeout(pid, ms, &status);
	if (r == 0 && status == want) {
		utest_ok(name);
		return 1;
	}
	if (r == -1)
		snprintf(why, sizeof(why), "still running after %lu ms: killed", ms);
	else if (r == -2)
		snprintf(why, sizeof(why), "wait failed");
	else
		snprintf(why, sizeof(why), "exit status %ld, want %ld", status, want);
	utest_fail(name, why);
	return 0;
}

#endif
