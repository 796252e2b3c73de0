/*
 * asm_regs.h - assembler macros that store and load numbered registers.
 *
 * Layer: kernel/. For the assembly files that save and restore user
 * registers (trap_entry.S, ipc_fastpath.S). Include only from assembly.
 */
#ifndef KERNEL_ASM_REGS_H
#define KERNEL_ASM_REGS_H

/* Store (SAVE_REGS) or load (LOAD_REGS) registers x<n>, for each n listed,
 * at offset n*8 from \base: the layout of struct trap_frame and of
 * struct user_context alike (regs[n] holds xn). */
.macro SAVE_REGS base, regs:vararg
	.irp r, \regs
	sd	x\r, \r*8(\base)
	.endr
.endm

.macro LOAD_REGS base, regs:vararg
	.irp r, \regs
	ld	x\r, \r*8(\base)
	.endr
.endm

/* Store gp and s0-s11 (x3, x8, x9, x18-x27) into the user context at
 * \ctx: the registers kernel C code never changes (gp is fixed by the
 * ABI; the kernel does not use it). */
.macro SAVE_CALLEE_SAVED ctx
	SAVE_REGS \ctx, 3, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
.endm

#endif
