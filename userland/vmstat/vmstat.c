/*
 * vmstat - the VM server's counters, one "name value" per line.
 *
 * Layer: userland/.
 *
 * The counters come from VM_STATS (calf/vm_protocol.h;
 * docs/architecture.md, Measurement).
 * The VM server says how many it has; counters this program has no name
 * for (a newer VM server) are printed as counter_N, so nothing is hidden.
 * The names past the first eight are #ifdef'd: calf/vm_protocol.h grows.
 * A frame is 4 KiB; free_frames * 4 is the free memory in KiB.
 */
#include <stdio.h>

#include "calf.h"

#define MAX_COUNTERS 32

static const char *const names[] = {
	[VM_STAT_FREE_FRAMES] = "free_frames",
	[VM_STAT_TOTAL_FRAMES] = "total_frames",
	[VM_STAT_FAULTS] = "faults",
	[VM_STAT_ZERO_MAPS] = "zero_maps",
	[VM_STAT_ZERO_FILLS] = "zero_fills",
	[VM_STAT_COW_FAULTS] = "cow_faults",
	[VM_STAT_COW_COPIES] = "cow_copies",
	[VM_STAT_COW_REUSES] = "cow_reuses",
#ifdef VM_STAT_FORKS
	[VM_STAT_FORKS] = "forks",
#endif
#ifdef VM_STAT_EXECS
	[VM_STAT_EXECS] = "execs",
#endif
#ifdef VM_STAT_OOM_KILLS
	[VM_STAT_OOM_KILLS] = "oom_kills",
#endif
#ifdef VM_STAT_PROCS
	[VM_STAT_PROCS] = "procs",
#endif
};

int main(int argc, char **argv)
{
	unsigned long v[MAX_COUNTERS];
	long n;

	calf_usage(argc, argv, "",
		   "the VM server's counters: frames, faults, copies, forks");
	n = calf_stats(v, MAX_COUNTERS);
	if (n < 0) {
		printf("vmstat: the VM server refused: error %ld\n", -n);
		return 1;
	}
	if (n > MAX_COUNTERS)
		n = MAX_COUNTERS;
	for (long i = 0; i < n; i++) {
		if ((unsigned long)i < sizeof(names) / sizeof(names[0]) && names[i] != NULL)
			printf("%s %lu\n", names[i], v[i]);
		else
			printf("counter_%ld %lu\n", i, v[i]);
	}
	return 0;
}
