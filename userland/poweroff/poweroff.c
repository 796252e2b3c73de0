/*
 * poweroff - switch the machine off.
 *
 * Layer: userland/.
 *
 * Asks the VM server (VM_POWEROFF), which holds the right to the
 * kernel's SYS_POWEROFF. `poweroff --failure` reports a failure to the
 * firmware instead of success.
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"

int main(int argc, char **argv)
{
	int failure = argc > 1 && strcmp(argv[1], "--failure") == 0;
	long r;

	calf_usage(argc, argv, "[--failure]", "switch the machine off\n"
		   "--failure   report failure (QEMU exits with a non-zero status)");
	/* A typo must not switch the machine off. */
	if (argc > 2 || (argc == 2 && !failure))
		return calf_usage_error();
	printf("poweroff: switching the machine off\n");
	fflush(stdout);
	r = calf_poweroff(failure);
	printf("poweroff: the VM server refused: error %ld\n", -r);
	return 1;
}
