/*
 * trap_entry.S - the one stvec entry: save everything, call C, restore.
 *
 * Layer: kernel/. stvec is in direct mode (privileged spec 4.1.2), so
 * every exception and interrupt lands here. The kernel runs with the
 * same satp as the interrupted code (the kernel half is mapped in every
 * address space), so no page-table switch happens.
 *
 * A trap from U-mode takes the big kernel lock (lock.h) first thing,
 * before anything shared is read, and every way back to U-mode drops it
 * after the last store into the thread that entered. So everything from
 * here on - the IPC fast paths, syscall_from_user, exception_from_user -
 * runs with the lock held. A trap from S-mode happens only while idle,
 * without the lock: trap_from_kernel takes it.
 *
 * sscratch tells where the trap came from. While a thread runs in
 * U-mode, sscratch holds its struct user_context (thread.h); while the
 * kernel runs, sscratch is 0. One csrrw swaps it with sp:
 *   - from U-mode: sp = the context to save into, sscratch = user sp;
 *   - from S-mode: sp = 0, so swap back and push a frame on the stack.
 *
 * Call-frame information for gdb (in .debug_frame; the linker script
 * drops .eh_frame), directives only, not one instruction: a trap from
 * S-mode is described like a signal frame, whose caller is the
 * interrupted code at the saved sepc, so a backtrace from
 * trap_from_kernel goes on into, say, sched_idle. A trap from U-mode
 * is the outermost frame (return address undefined): the caller is user
 * code in another address space, and a backtrace from
 * exception_from_user or syscall_from_user ends at its entry here.
 */
#include "calf/abi.h"
#include "kernel/asm_offsets.h"
#include "kernel/asm_regs.h"
#include "kernel/lock.h"
#include "kernel/trap.h"
#include "lib/scause.h"

/* sepc as a DWARF register: 4096 + its CSR number (the RISC-V DWARF
 * numbering), the return-address column of the S-mode trap frame. */
#define CFI_SEPC (4096 + 0x141)

	.cfi_sections .debug_frame
	.section .text
	.balign 4
	.globl trap_vector
trap_vector:
	.cfi_startproc
	.cfi_signal_frame
	.cfi_return_column CFI_SEPC
	.cfi_undefined CFI_SEPC         /* no caller until the frame holds it */
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
	/* The interrupted code: its sp is the frame's end, its pc and ra
	 * are in the frame (s0-s11 are still its own: C preserves them). */
	.cfi_def_cfa sp, TF_SIZE
	.cfi_offset ra, 1*8 - TF_SIZE
	.cfi_offset CFI_SEPC, TF_SEPC - TF_SIZE

	mv	a0, sp
	call	trap_from_kernel

	/* C may have changed sepc (to skip an instruction) or sstatus. */
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	LOAD_REGS sp, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	sp, sp, TF_SIZE
	.cfi_def_cfa sp, 0
	.cfi_undefined CFI_SEPC
	sret
	.cfi_endproc

/*
 * From U-mode. sp = the thread's context, sscratch = its user sp.
 *
 * t0-t6 are stored first: every path below saves them, and they are the
 * scratch registers of the choice between paths and of the IPC fast
 * paths (ipc_fastpath.S), which SYS_CALL and SYS_REPLY_RECV try before
 * anything else.
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
	.cfi_startproc
	.cfi_undefined ra               /* the outermost kernel frame */
	SAVE_REGS sp, 5, 6, 7, 28, 29, 30, 31
	lui	t0, %hi(kernel_lock_word)   /* page-aligned: %lo is 0 */
	amoswap.w.aq t1, t0, (t0)       /* store t0's low word: not 0 */
	bnez	t1, trap_user_wait
trap_user_locked:
	csrr	t0, scause
	li	t1, EXC_ECALL_U
	bne	t0, t1, exception_entry
#if CALF_FASTPATH
	li	t1, SYS_CALL
	beq	a7, t1, ipc_fast_call
	li	t1, SYS_REPLY_RECV
	beq	a7, t1, ipc_fast_reply_recv
#endif

/* A system call the slow way; the IPC fast paths come here when they give
 * up, with t0-t6 saved and every other register as the thread left it. */
	.globl syscall_entry
syscall_entry:
	SAVE_REGS sp, 1, 4, 10, 11, 12, 13, 14, 15, 16, 17
	csrr	t0, sscratch            /* the user sp */
	sd	t0, 2*8(sp)
	csrw	sscratch, zero          /* now in the kernel */
	csrr	t0, sepc
	addi	t0, t0, 4               /* a system call returns past its ecall */
	sd	t0, CTX_SEPC(sp)
	mv	a0, sp
	ld	tp, CTX_HARTID(a0)
	ld	sp, CTX_KSTACK(a0)
	addi	sp, sp, -16
	sd	a0, 0(sp)               /* the entering thread's context */
	call	syscall_from_user       /* a0 = context to resume */
	j	trap_exit

exception_entry:                        /* t0 = scause */
	SAVE_REGS sp, 1, 4, 10, 11, 12, 13, 14, 15, 16, 17
	SAVE_CALLEE_SAVED sp
	csrr	t1, sscratch
	sd	t1, 2*8(sp)
	csrw	sscratch, zero
	csrr	t1, sepc
	sd	t1, CTX_SEPC(sp)
	mv	a1, t0
	mv	a0, sp
	ld	tp, CTX_HARTID(a0)
	ld	sp, CTX_KSTACK(a0)
	addi	sp, sp, -16
	sd	a0, 0(sp)
	csrr	a2, stval
	call	exception_from_user     /* a0 = context to resume */
	/* Every register of the entering thread is saved already: on a
	 * switch there is nothing more to store. */
	ld	t1, 0(sp)
	addi	sp, sp, 16
	beq	a0, t1, trap_exit_same
	beqz	a0, trap_idle
	KERNEL_UNLOCK t1
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
	/* The thread goes on here, so no other hart touches its context
	 * (thread.c, priv.c): it can be read after the lock is dropped. */
	KERNEL_UNLOCK t0
	/* x10 (a0) last: it holds the pointer until then */
	LOAD_REGS a0, 1, 2, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31, 10
	sret
2:	/* Another thread runs, or none: the one that entered keeps gp and
	 * s0-s11. Store them before the lock goes: then that thread may run
	 * on another hart, or its slot be reused. */
	SAVE_CALLEE_SAVED t1
	beqz	a0, trap_idle
	KERNEL_UNLOCK t1
	j	user_return_ready

/* Nothing to run, and every register of the thread that entered is
 * stored: wait for work without the lock (sched.c), then enter the
 * thread it returns, with the lock. */
trap_idle:
	call	sched_idle
	j	user_return

/*
 * user_return(ctx): drop the lock and enter U-mode in the thread whose
 * context this is, restoring every register. Interrupts are off in the
 * kernel; sret turns them back on (SPIE) as it drops to U-mode (SPP = 0).
 * A trap from S-mode taken while idle rewrites SPP and SPIE, so set both
 * here.
 */
	.globl user_return
user_return:
	KERNEL_UNLOCK t0
	li	t0, 0x100               /* SSTATUS_SPP: return to U-mode */
	csrc	sstatus, t0
	li	t0, 0x20                /* SSTATUS_SPIE: interrupts on after sret */
	csrs	sstatus, t0
	/* After a trap from U-mode, SPP and SPIE are already right: the
	 * exits from traps join here, lock dropped, and so does the IPC fast
	 * path when it resumes a faulted thread. The thread to enter is this
	 * hart's current one: no other hart writes its context. */
	.globl user_return_ready
user_return_ready:
	csrw	sscratch, a0
	ld	t0, CTX_SEPC(a0)
	csrw	sepc, t0
	LOAD_REGS a0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x10, 10*8(a0)           /* a0 last: it held the pointer */
	sret

/*
 * From trap_user: another hart holds the lock. t0 = &kernel_lock_word,
 * sp = the entering thread. Wait, reading the word rather than swapping,
 * and meanwhile answer a kill: the holder may be killing this thread
 * and wait (thread.c, stop_remote) until this hart has left its address
 * space - switch to the kernel's page table, then say so in dying_ack.
 * Once the lock is ours, a killed thread goes the exception way, where
 * exception_from_user frees its slot.
 */
trap_user_wait:
	lw	t1, TH_DYING(sp)
	beqz	t1, 1f
	lw	t1, TH_DYING_ACK(sp)
	bnez	t1, 1f
	ld	t1, kernel_satp
	csrw	satp, t1
	sfence.vma
	li	t1, 1
	fence	rw, w                   /* release: satp is switched */
	sw	t1, TH_DYING_ACK(sp)
1:	lw	t1, 0(t0)
	bnez	t1, trap_user_wait
	amoswap.w.aq t1, t0, (t0)
	bnez	t1, trap_user_wait
	lw	t1, TH_DYING(sp)
	beqz	t1, trap_user_locked
	csrr	t0, scause
	j	exception_entry
	.cfi_endproc
