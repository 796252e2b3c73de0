/*
 * lab.c - what a lab's stub says (see lab.h).
 *
 * Layer: vm/ (host-tested through test_vm_fork.c's console stub).
 */
#include "vm/lab.h"
#include "calf/abi.h"
#include "vm/print.h"

long lab_missing(const char *lab, const char *what)
{
	/* Once per place: a loop over pages would say it a thousand times. */
	static const char *said[16];
	unsigned i;

	for (i = 0; i < sizeof(said) / sizeof(said[0]) && said[i]; i++)
		if (said[i] == what)
			return -CALF_ENOSYS;
	if (i < sizeof(said) / sizeof(said[0]))
		said[i] = what;
	vm_printf("vm: lab %s: %s is not written yet (labs/%s/README.md)\n", lab, what, lab);
	return -CALF_ENOSYS;
}
