/*
 * start.S - the VM server's entry point.
 *
 * Layer: vm/ (target only). The kernel starts the thread here with sp
 * already on a stack it set up and a0 = 0. No gp: the linker script
 * defines no __global_pointer$, so the linker never relaxes accesses to
 * be gp-relative and nothing needs it.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	call	vm_main
1:	j	1b		/* vm_main never returns */
