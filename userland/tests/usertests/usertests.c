/*
 * usertests - every test suite in one go, as `make test` runs them.
 *
 * Layer: userland/. Starts the suites from the boot archive.
 *
 *   usertests [NAME...]
 *
 * runs the suites named, or all of them, one after another: each in a
 * child made by fork and exec, so a suite starts exactly as it would
 * from the shell. For each it prints
 *     usertests: NAME ok
 *     usertests: NAME FAILED (status N)
 * (status 127: no such program in the boot archive: a missing suite is
 * a failure, not a skip), then the closing line of utest.h, which counts
 * one check per suite plus the free-frames check over the whole run:
 * every frame any suite used, directly or through its children, must be
 * back when the last one has ended.
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "utest.h"

/* The VM-server suites first, then the abuse suites, then the older
 * integration tests. */
static const char *const suites[] = {
	"cowtest", "forkstress", "forkbomb", "zerotest", "badcalls", "proctests",
	"ktest", "vmtest", "maptest", "mergetest", "threadtest",
};

/* The status a shell gives a command it cannot find. */
#define STATUS_NOT_FOUND 127

/* Run one suite, with no arguments, and report it. */
static void run_suite(const char *name)
{
	const char *argv[] = { name, NULL };
	unsigned long free0 = utest_free_frames(), free1;
	unsigned long procs0 = calf_stat(VM_STAT_PROCS), t0;
	long pid, status = -1;

	pid = calf_fork();
	if (pid == 0) {
		long err = calf_exec(argv);   /* returns only on failure */

		printf("usertests: cannot start %s: error %ld\n", name, -err);
		calf_exit(err == -CALF_ENOENT ? STATUS_NOT_FOUND : 126);
	}
	if (pid < 0) {
		printf("usertests: %s FAILED (fork: error %ld)\n", name, -pid);
		utest_failed++;
		return;
	}
	if (calf_wait(pid, &status) != pid)
		status = -1;
	if (status == 0) {
		printf("usertests: %s ok\n", name);
		utest_passed++;
	} else {
		printf("usertests: %s FAILED (status %ld)\n", name, status);
		utest_failed++;
	}
	/* A suite may leave orphans that end a little later (init reaps
	 * them): let them, for up to 5 seconds, before counting frames. */
	t0 = calf_time();
	while (calf_stat(VM_STAT_PROCS) != procs0 && calf_time() - t0 < 5 * calf_timebase())
		calf_yield();
	if (calf_stat(VM_STAT_PROCS) != procs0)
		printf("usertests: after %s, %lu processes instead of %lu\n", name,
		       calf_stat(VM_STAT_PROCS), procs0);
	/* The suite checks its own frames; this says which suite it was when
	 * the whole run's check (utest_end) fails. */
	free1 = utest_free_frames();
	if (free1 != free0)
		printf("usertests: after %s, %ld frames fewer free\n", name,
		       (long)free0 - (long)free1);
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[SUITE...]",
		   "every test suite in one go, as make test runs them");
	/* Printed before utest_begin counts the free frames: the first
	 * line gives the console buffer its frame. */
	printf("usertests: %d suites\n", argc > 1 ? argc - 1 : (int)(sizeof(suites) /
								    sizeof(suites[0])));
	utest_begin("usertests");
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_suite(argv[i]);
	} else {
		for (unsigned i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
			run_suite(suites[i]);
	}
	return utest_end();
}
