/*
 * ps - the processes the VM server runs.
 *
 * Layer: userland/.
 *
 * One line per process from VM_PS (calf/vm_protocol.h): pid, parent pid,
 * state, resident pages (pages mapped to a frame, its own or shared
 * copy-on-write with a parent or child; the shared zero page does not
 * count) and name. After a fork, parent and child both count the pages
 * they share, so the column can add up to more than the frames in use.
 */
#include <stdio.h>

#include "calf.h"

static const char *state_name(long state)
{
	switch (state) {
	case VM_PS_RUNNING:
		return "run";
	case VM_PS_WAITING:
		return "wait";
	case VM_PS_ZOMBIE:
		return "zombie";
	default:
		return "?";
	}
}

int main(int argc, char **argv)
{
	struct calf_ps ps;
	long i, r;

	calf_usage(argc, argv, "",
		   "the processes: pid, parent, state, resident pages, name");
	if (argc > 1)
		return calf_usage_error();
	printf("%5s %5s %-7s %8s  %s\n", "PID", "PPID", "STATE", "RESIDENT", "NAME");
	for (i = 0; (r = calf_ps(i, &ps)) >= 0; i++)
		printf("%5ld %5ld %-7s %8lu  %s\n", ps.pid, ps.ppid, state_name(ps.state),
		       ps.resident, ps.name);
	if (r != -CALF_ESRCH) {
		printf("ps: the VM server refused: error %ld\n", -r);
		return 1;
	}
	return 0;
}
