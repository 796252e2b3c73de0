/*
 * ecall_all.S - one system call with every register chosen by the
 * caller, and every register seen after it: for tests of the ABI promise
 * that the kernel preserves all registers but the results.
 *
 * Layer: userland/lib. C cannot set s0-s11, gp, tp or ra around an ecall,
 * so this does it: calf_ecall_all(regs) loads x1 and x3..x31 from
 * regs->in[n], runs ecall, and stores x1 and x3..x31 into regs->out[n]
 * (struct calf_ecall_regs in ecall_all.h; sp is the one register it
 * cannot hand over). The caller's own callee-saved registers, gp and tp
 * are kept on the stack meanwhile: nothing here calls C or touches
 * memory through gp or tp while they hold test values.
 */
	.section .text.calf_ecall_all
	.globl calf_ecall_all
	.balign 4
calf_ecall_all:                 /* a0 = struct calf_ecall_regs * */
	addi	sp, sp, -144
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 24(sp)
	sd	s1, 32(sp)
	sd	s2, 40(sp)
	sd	s3, 48(sp)
	sd	s4, 56(sp)
	sd	s5, 64(sp)
	sd	s6, 72(sp)
	sd	s7, 80(sp)
	sd	s8, 88(sp)
	sd	s9, 96(sp)
	sd	s10, 104(sp)
	sd	s11, 112(sp)
	sd	a0, 120(sp)             /* regs, for after the ecall */

	.irp r, 1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\r, \r*8(a0)
	.endr
	ld	a0, 10*8(a0)            /* a0 last: it held the pointer */
	ecall

	sd	t0, 128(sp)             /* free t0 to hold the pointer */
	ld	t0, 120(sp)
	.irp r, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\r, (32 + \r)*8(t0)
	.endr
	ld	t1, 128(sp)
	sd	t1, (32 + 5)*8(t0)      /* the t0 seen after the ecall */

	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 24(sp)
	ld	s1, 32(sp)
	ld	s2, 40(sp)
	ld	s3, 48(sp)
	ld	s4, 56(sp)
	ld	s5, 64(sp)
	ld	s6, 72(sp)
	ld	s7, 80(sp)
	ld	s8, 88(sp)
	ld	s9, 96(sp)
	ld	s10, 104(sp)
	ld	s11, 112(sp)
	addi	sp, sp, 144
	ret
