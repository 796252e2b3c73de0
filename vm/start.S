/*
 * start.S - the VM server's entry point.
 *
 * Layer: vm/ (target only). The kernel starts the thread here with sp
 * already on a stack it set up and a0 = 0. No gp: the linker script
 * defines no __global_pointer$, so the linker never relaxes accesses to
 * be gp-relative and nothing needs it.
 *
 * The return address is undefined here (call-frame information, kept in
 * .debug_frame: vm.ld drops .eh_frame), so gdb's backtrace ends at
 * _start instead of looking for a caller that does not exist.
 */
	.cfi_sections .debug_frame
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	call	vm_main
1:	j	1b		/* vm_main never returns */
	.cfi_endproc
	.size _start, . - _start
