/*
 * merged - the same-page merging daemon, and its switch.
 *
 * Layer: userland/.
 *
 *   merged            the daemon: scan BUDGET advised pages, sleep,
 *                     again; while merging is off it waits inside the VM
 *                     server (VM_MERGE_SCAN with VM_MERGE_WAIT) and costs
 *                     nothing. The shell's init starts one.
 *   merged on | off   switch merging on or off (VM_MERGE_CTL)
 *   merged status     on or off, and the counters
 *
 * The VM server has the mechanism (vm/merge.c: hash, compare, remap);
 * when to scan and how much is this program's choice: 256 pages every
 * 100 ms, about a megabyte a second. Merging is off at boot unless the
 * kernel command line says merge=on. Only memory a program advised
 * (madvise(MADV_MERGEABLE), calf_merge_advise) is ever merged:
 * docs/architecture.md, Same-page merging, says why, and when not to.
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"

#define BUDGET 256          /* pages per scan */
#define INTERVAL 10         /* ticks between scans: 100 ms */

static void status(void)
{
	unsigned long v[VM_STAT_COUNT];
	long on = calf_merge_ctl(2);

	calf_stats(v, VM_STAT_COUNT);
	printf("merged: merging is %s\n", on == 1 ? "on" : on == 0 ? "off" : "unknown");
	printf("  frames holding merged contents %lu, mappings they save %lu\n",
	       v[VM_STAT_MERGE_SHARED], v[VM_STAT_MERGE_SHARING]);
	printf("  pages merged %lu (%lu of them into the zero frame), looked at %lu, "
	       "full scans %lu\n", v[VM_STAT_MERGE_MERGED] + v[VM_STAT_MERGE_ZERO],
	       v[VM_STAT_MERGE_ZERO], v[VM_STAT_MERGE_SCANNED], v[VM_STAT_MERGE_SCANS]);
	printf("  the scans took %lu instructions (%lu a page)\n", v[VM_STAT_MERGE_COST],
	       v[VM_STAT_MERGE_SCANNED] ? v[VM_STAT_MERGE_COST] / v[VM_STAT_MERGE_SCANNED] : 0);
}

static int run_daemon(void)
{
	for (;;) {
		unsigned long merged;

		long r = calf_merge_scan(BUDGET, VM_MERGE_WAIT, &merged);

		if (r == -CALF_EBUSY) {
			printf("merged: another merge daemon runs already (init starts one)\n");
			return 1;
		}
		if (r < 0)
			return 1;
		calf_sleep(INTERVAL);
	}
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[on | off | status]",
		   "the same-page merging daemon, and its switch\n"
		   "(none)   run as the daemon (init starts it): scans while merging is on\n"
		   "on, off  switch merging on or off\n"
		   "status   whether it is on, and the merging counters");
	if (argc == 1)
		return run_daemon();
	if (argc == 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
		long r = calf_merge_ctl(!strcmp(argv[1], "on"));

		printf("merged: merging is %s\n", r == 1 ? "on" : "off");
		return r < 0;
	}
	if (argc == 2 && !strcmp(argv[1], "status")) {
		status();
		return 0;
	}
	return calf_usage_error();
}
