/*
 * vmstat - the VM server's counters.
 *
 * Layer: userland/.
 *
 *   vmstat              one "name value" per counter
 *   vmstat -v           the same, each with a line of what it counts, and
 *                       the sums the counters must make
 *   vmstat -d CMD ARGS  run CMD and print what it changed (counters that
 *                       did not move are left out): the counters are read
 *                       just before CMD starts and just after it ends, so
 *                       vmstat's own start does not show
 *
 * The counters come from VM_STATS (calf/vm_protocol.h says what each
 * counts and how they add up; docs/architecture.md, Measurement). Every
 * fault is counted once by what became of it. Counters this program has
 * no name for (a newer VM server) are printed as counter_N, so nothing
 * is hidden. A frame is 4 KiB.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"

#define MAX_COUNTERS 32

struct counter {
	const char *name, *meaning;
};

static const struct counter counters[] = {
	[VM_STAT_FREE_FRAMES] = { "free_frames", "frames free now (4 KiB each)" },
	[VM_STAT_TOTAL_FRAMES] = { "total_frames", "frames the VM server manages" },
	[VM_STAT_FAULTS] = { "faults", "page faults and other exceptions sent to the VM server" },
	[VM_STAT_ZERO_MAPS] = { "zero_maps", "loads that mapped the shared zero frame: no frame used" },
	[VM_STAT_ZERO_FILLS] = { "zero_fills", "stores that got a zeroed frame of their own" },
	[VM_STAT_COW_FAULTS] = { "cow_faults", "stores to copy-on-write pages: copies + reuses + cow_zero" },
	[VM_STAT_COW_COPIES] = { "cow_copies", "... whose frame was shared: copied" },
	[VM_STAT_COW_REUSES] = { "cow_reuses", "... whose frame had count 1: made writable, no copy" },
	[VM_STAT_FORKS] = { "forks", "successful forks" },
	[VM_STAT_OOM_KILLS] = { "oom_kills", "processes killed by a fault that found no free frame" },
	[VM_STAT_EXECS] = { "execs", "successful execs" },
	[VM_STAT_PROCS] = { "procs", "processes now, running and zombie" },
	[VM_STAT_COW_ZERO] = { "cow_zero", "... over the zero frame: a zeroed frame (also a zero fill)" },
	[VM_STAT_RETRIES] = { "retries", "faults on a page that already allowed the access (stale TLB)" },
	[VM_STAT_REFUSED] = { "refused", "faults refused: the process killed, or its system call EFAULT" },
	[VM_STAT_TABLE_COPIES] = { "table_copies", "page tables shared with a fork, copied for a store" },
	[VM_STAT_MERGE_SHARED] = { "merge_shared", "frames holding merged contents now (merged)" },
	[VM_STAT_MERGE_SHARING] = { "merge_sharing", "... the mappings they save" },
	[VM_STAT_MERGE_UNSHARED] = { "merge_unshared", "advised pages of the last full scan without a twin" },
	[VM_STAT_MERGE_SCANS] = { "merge_scans", "full scans of every advised range" },
	[VM_STAT_MERGE_SCANNED] = { "merge_scanned", "advised pages looked at" },
	[VM_STAT_MERGE_MERGED] = { "merge_merged", "pages merged into a twin's frame" },
	[VM_STAT_MERGE_ZERO] = { "merge_zero", "pages of zeros merged into the zero frame" },
	[VM_STAT_MERGE_COST] = { "merge_cost", "instructions the scans took" },
	[VM_STAT_THREADS] = { "threads", "threads started by calf_thread_create" },
};

#define NAMED (sizeof(counters) / sizeof(counters[0]))
/* A counter added to calf/vm_protocol.h needs its name and meaning here. */
_Static_assert(NAMED == VM_STAT_COUNT, "every VM_STAT_* counter has a name in counters[]");

static long read_counters(unsigned long v[MAX_COUNTERS])
{
	long n = calf_stats(v, MAX_COUNTERS);

	if (n < 0) {
		printf("vmstat: the VM server refused: error %ld\n", -n);
		return n;
	}
	return n > MAX_COUNTERS ? MAX_COUNTERS : n;
}

/* The counter's name, padded to a column when a meaning follows. */
static void print_name(long i, bool column)
{
	if ((unsigned long)i < NAMED && counters[i].name)
		printf(column ? "%-14s" : "%s", counters[i].name);
	else
		printf(column ? "counter_%-6ld" : "counter_%ld", i);
}

static void print_meaning(long i)
{
	if ((unsigned long)i < NAMED && counters[i].meaning)
		printf("  %s", counters[i].meaning);
}

/* The sums of calf/vm_protocol.h, checked: true if they hold. */
static bool print_sums(const unsigned long *v, long n)
{
	unsigned long decided, cow;
	bool ok;

	if (n < VM_STAT_COUNT)
		return true;   /* an older VM server: nothing to check */
	decided = v[VM_STAT_ZERO_MAPS] + v[VM_STAT_ZERO_FILLS] + v[VM_STAT_COW_COPIES] +
		  v[VM_STAT_COW_REUSES] + v[VM_STAT_RETRIES] + v[VM_STAT_REFUSED] +
		  v[VM_STAT_OOM_KILLS];
	cow = v[VM_STAT_COW_COPIES] + v[VM_STAT_COW_REUSES] + v[VM_STAT_COW_ZERO];
	ok = decided == v[VM_STAT_FAULTS] && cow == v[VM_STAT_COW_FAULTS];
	printf("faults = zero_maps + zero_fills + cow_copies + cow_reuses + retries + refused"
	       " + oom_kills: %lu = %lu%s\n", v[VM_STAT_FAULTS], decided,
	       decided == v[VM_STAT_FAULTS] ? "" : "  DOES NOT ADD UP");
	printf("cow_faults = cow_copies + cow_reuses + cow_zero: %lu = %lu%s\n",
	       v[VM_STAT_COW_FAULTS], cow, cow == v[VM_STAT_COW_FAULTS] ? "" : "  DOES NOT ADD UP");
	return ok;
}

static int show(bool verbose)
{
	unsigned long v[MAX_COUNTERS];
	long n = read_counters(v);

	if (n < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		print_name(i, verbose);
		printf(" %lu", v[i]);
		if (verbose)
			print_meaning(i);
		printf("\n");
	}
	if (verbose && !print_sums(v, n))
		return 1;
	return 0;
}

/* vmstat -d CMD ARGS: the counters around one run of CMD. */
static int delta(char **cmd)
{
	unsigned long before[MAX_COUNTERS], after[MAX_COUNTERS];
	long n, pid, status = 0;

	n = read_counters(before);
	if (n < 0)
		return 1;
	calf_console_flush();
	pid = calf_spawn((const char *const *)cmd);
	if (pid < 0) {
		printf("vmstat: cannot run %s: error %ld\n", cmd[0], -pid);
		return 1;
	}
	calf_wait(pid, &status);
	if (read_counters(after) < 0)
		return 1;
	printf("vmstat: %s exited with status %ld; it changed:\n", cmd[0], status);
	for (long i = 0; i < n; i++) {
		long d = (long)(after[i] - before[i]);

		if (d == 0 || i == VM_STAT_TOTAL_FRAMES)
			continue;
		print_name(i, true);
		printf(" %+ld", d);
		print_meaning(i);
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[-v] | -d CMD [ARGS...]",
		   "the VM server's counters: frames, faults, copies, forks\n"
		   "-v            with what each counts, and the sums they make\n"
		   "-d CMD ARGS   run CMD and print what it changed");
	if (argc == 1)
		return show(false);
	if (argc == 2 && !strcmp(argv[1], "-v"))
		return show(true);
	if (argc >= 3 && !strcmp(argv[1], "-d"))
		return delta(argv + 2);
	return calf_usage_error();
}
