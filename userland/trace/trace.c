/*
 * trace - switch the VM server's fault trace on or off.
 *
 * Layer: userland/.
 *
 *   trace on [PID]   one console line per fault (of process PID, or of
 *                    every process): the process, the access, the
 *                    address, the pc, and what the VM server decided -
 *                    zero map, zero fill, COW copy, COW reuse, a shared
 *                    page table copied first, retry, kill
 *   trace off
 *
 * The lines come from the VM server itself (vm/trace.c), at most 64 a
 * second; a fork bomb's faults beyond that are counted, not printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"

int main(int argc, char **argv)
{
	long pid = 0, r;
	int on;

	calf_usage(argc, argv, "on [PID] | off",
		   "switch the VM server's fault trace on or off\n"
		   "on prints one line per page fault (of process PID alone, if given)\n"
		   "with the VM server's decision; off stops it");
	if (argc == 2 && !strcmp(argv[1], "off"))
		on = 0;
	else if ((argc == 2 || argc == 3) && !strcmp(argv[1], "on"))
		on = 1;
	else
		return calf_usage_error();
	if (argc == 3) {
		char *end;

		pid = strtol(argv[2], &end, 10);
		if (*end || pid <= 0)
			return calf_usage_error();
	}
	r = calf_trace(on, pid);
	if (r == -CALF_ESRCH) {
		printf("trace: no such process: %ld\n", pid);
		return 1;
	}
	if (r < 0) {
		printf("trace: the VM server refused: error %ld\n", -r);
		return 1;
	}
	if (on)
		printf("trace: on, for %s\n", pid ? argv[2] : "every process");
	else
		printf("trace: off\n");
	return 0;
}
