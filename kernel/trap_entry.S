/*
 * trap_entry.S - the one stvec entry: save everything, call C, restore.
 *
 * Layer: kernel/. stvec is in direct mode (privileged spec 4.1.2), so
 * every exception and interrupt lands here. The kernel runs with the
 * same satp as the interrupted code (the kernel half is mapped in every
 * address space), so no page-table switch happens.
 *
 * sscratch tells where the trap came from. While a thread runs in
 * U-mode, sscratch holds its struct user_context (thread.h); while the
 * kernel runs, sscratch is 0. One csrrw swaps it with sp:
 *   - from U-mode: sp = the context to save into, sscratch = user sp;
 *   - from S-mode: sp = 0, so swap back and push a frame on the stack.
 */
#include "kernel/trap.h"

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

	.section .text
	.balign 4
	.globl trap_vector
trap_vector:
	csrrw	sp, sscratch, sp
	bnez	sp, trap_user
	csrrw	sp, sscratch, sp        /* from S-mode: restore sp, sscratch = 0 */

	addi	sp, sp, -TF_SIZE
	SAVE_REGS sp, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	t0, sp, TF_SIZE         /* sp before the trap */
	sd	t0, 2*8(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)

	mv	a0, sp
	call	trap_from_kernel

	/* C may have changed sepc (to skip an instruction) or sstatus. */
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	LOAD_REGS sp, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	sp, sp, TF_SIZE
	sret

/*
 * From U-mode. sp = the thread's context, sscratch = its user sp.
 *
 * A system call saves only what C may clobber: ra, sp, tp, t0-t6 and
 * a0-a7. gp and the callee-saved s0-s11 stay in their registers - every
 * C function the kernel calls preserves them - so if the same thread
 * resumes they are still right and need no save or restore. Only when
 * another thread runs next does trap_exit store them into the old
 * thread's context. An exception or interrupt saves everything at once
 * (the pager may read the registers).
 *
 * Either way C returns the context to resume in a0; the context of the
 * thread that entered is kept on the kernel stack.
 */
trap_user:
	SAVE_REGS sp, 1, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	csrr	t0, sscratch            /* the user sp */
	sd	t0, 2*8(sp)
	csrw	sscratch, zero          /* now in the kernel */
	csrr	a1, scause
	csrr	t0, sepc
	li	t1, 8                   /* EXC_ECALL_U */
	bne	a1, t1, 1f
	addi	t0, t0, 4               /* a system call returns past its ecall */
	sd	t0, CTX_SEPC(sp)
	mv	a0, sp
	ld	tp, CTX_HARTID(a0)
	ld	sp, CTX_KSTACK(a0)
	addi	sp, sp, -16
	sd	a0, 0(sp)               /* the entering thread's context */
	call	syscall_from_user       /* a0 = context to resume */
	j	trap_exit
1:	sd	t0, CTX_SEPC(sp)
	mv	a0, sp
	ld	tp, CTX_HARTID(a0)
	ld	sp, CTX_KSTACK(a0)
	addi	sp, sp, -16
	sd	a0, 0(sp)
	SAVE_CALLEE_SAVED a0
	csrr	a2, stval
	call	exception_from_user     /* a0 = context to resume */
	/* Every register of the entering thread is saved already: on a
	 * switch there is nothing more to store. */
	ld	t1, 0(sp)
	addi	sp, sp, 16
	beq	a0, t1, trap_exit_same
	ld	a1, CTX_MSGFROM(a0)
	bnez	a1, user_return_message
	j	user_return_ready

trap_exit:
	ld	t1, 0(sp)               /* the thread that entered */
	addi	sp, sp, 16
	bne	a0, t1, 2f
	/* Same thread: gp and s0-s11 are live; restore the rest. */
trap_exit_same:
	csrw	sscratch, a0
	ld	t0, CTX_SEPC(a0)
	csrw	sepc, t0
	/* x10 (a0) last: it holds the pointer until then */
	LOAD_REGS a0, 1, 2, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31, 10
	sret
2:	/* Another thread runs: the one that entered keeps gp, s0-s11. */
	SAVE_CALLEE_SAVED t1
	ld	a1, CTX_MSGFROM(a0)     /* set by an IPC fast path */
	bnez	a1, user_return_message
	j	user_return_ready

/*
 * user_return(ctx): enter U-mode in the thread whose context this is,
 * restoring every register. Interrupts are off in the kernel; sret turns
 * them back on (SPIE) as it drops to U-mode (SPP = 0). A trap from
 * S-mode taken while idle rewrites SPP and SPIE, so set both here.
 */
	.globl user_return
user_return:
	li	t0, 0x100               /* SSTATUS_SPP: return to U-mode */
	csrc	sstatus, t0
	li	t0, 0x20                /* SSTATUS_SPIE: interrupts on after sret */
	csrs	sstatus, t0
	/* After a trap from U-mode, SPP and SPIE are already right (an idle
	 * hart fixes them in sched.c): the exits from traps join here. */
user_return_ready:
	csrw	sscratch, a0
	ld	t0, CTX_SEPC(a0)
	csrw	sepc, t0
	LOAD_REGS a0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x10, 10*8(a0)           /* a0 last: it held the pointer */
	sret

/*
 * user_return_message(ctx, from): like user_return, for the IPC fast
 * paths: the six message registers a1-a6 come straight from the saved
 * registers of the thread that sent them (from = ctx->msg_from), instead
 * of being copied into ctx first. No trap from S-mode happened since the
 * ecall (the fast paths never idle), so sstatus already has SPP = 0 and
 * SPIE = 1.
 */
user_return_message:
	sd	zero, CTX_MSGFROM(a0)
	csrw	sscratch, a0
	ld	t0, CTX_SEPC(a0)
	csrw	sepc, t0
	/* a1-a6 from the sender, x11 (a1) last: it holds the pointer */
	LOAD_REGS a1, 12, 13, 14, 15, 16, 11
	/* the rest from ctx, x10 (a0) last */
	LOAD_REGS a0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 10
	sret
