/*
 * ipc_fastpath.S - SYS_CALL and SYS_REPLY_RECV in their common case,
 * from the trap vector straight to the partner thread.
 *
 * Layer: kernel/. Entered from trap_entry.S (trap_user) with:
 *   sp        the entering thread (struct thread; its context is first)
 *   sscratch  the thread's user sp
 *   t0-t6     already saved in the context, free to use
 *   a0        the endpoint handle; a1-a6 the message; a7 the number
 *   every other register as the thread left it.
 *
 * This is the hottest path of a microkernel: a client's call and a
 * server's answer. Each path checks that the common case holds - the
 * partner is already waiting, its ASID is live, nothing of higher
 * priority is queued - using only t0-t6. If anything is unusual it jumps
 * to syscall_entry, the general path, having changed nothing, and C
 * (ipc.c) does the work. Otherwise it does the whole operation here:
 * the message never leaves a1-a6 (the partner gets the registers as
 * they are), no C frame is built, and only what must survive is stored:
 *   - the entering thread's ra, sp, gp, tp and s0-s11 (t0-t6 are stored
 *     already); its a0-a7 are not: it is blocked in an IPC call, and the
 *     kernel writes its a0-a6 (status and reply) before it runs again;
 *   - for the partner, every register but a0-a7 is loaded from its
 *     context; a0 and a7 get the badge / status and the sender's id.
 * The C paths it mirrors are do_send/do_reply/do_recv in ipc.c: the two
 * must change together.
 *
 * The big kernel lock (lock.h) is held on entry (trap_user took it), and
 * stays held when a path gives up: syscall_entry and C expect it. A path
 * that finishes drops it in SWITCH_TO, after its last store into the
 * entering thread.
 *
 * Offsets and constants: asm_offsets.h, checked against the structures
 * at compile time.
 */
#include "calf/abi.h"
#include "kernel/asm_offsets.h"
#include "kernel/asm_regs.h"
#include "kernel/lock.h"
#include "kernel/trap.h"

/* t0 = &as->handles[a0] - AS_HANDLES, for the address space in \as, or
 * off to the slow path if a0 is not a handle number. Uses t1. */
.macro HANDLE_SLOT as
	li	t1, CALF_MAX_HANDLES
	bgeu	a0, t1, syscall_entry
	slli	t0, a0, 1
	add	t0, t0, a0
	slli	t0, t0, 3               /* a0 * HANDLE_SIZE (24) */
	add	t0, t0, \as
.endm

/* Off to the slow path unless the thread \th (its address space in
 * \as) may run at once: its ASID belongs to the current generation and
 * this hart owes it no flush (as->tlb_stale; aspace.c), so satp can be
 * switched to it as it is, and no thread of higher priority is queued
 * (no bit of sched_queued above its own). Leaves this hart's struct cpu
 * in \cpu. Uses t5, t6. */
.macro MAY_RUN_NOW th, as, cpu
	ld	t5, AS_ASID_GENERATION(\as)
	ld	t6, asid_generation_now
	bne	t5, t6, syscall_entry
	ld	\cpu, CTX_CPU(sp)
	ld	t5, AS_TLB_STALE(\as)
	ld	t6, CPU_MASK(\cpu)
	and	t5, t5, t6
	bnez	t5, syscall_entry
	lw	t5, TH_PRIORITY(\th)
	lw	t6, sched_queued
	srlw	t6, t6, t5
	li	t5, 1
	bltu	t5, t6, syscall_entry
.endm

/* Make the thread \th, address space \as, the one this hart (struct cpu
 * \cpu) runs: the hart's current thread, its context's kernel stack, hart
 * id and struct cpu (the trap vector and MAY_RUN_NOW need them), and satp
 * (its ASID is live: no flush). Then store the entering thread's
 * registers that are still live, with its sepc past the ecall, and drop
 * the lock: \th is this hart's current thread, so no other hart writes
 * its context while RETURN_WITH_MESSAGE reads it. Uses t5, t6. */
.macro SWITCH_TO th, as, cpu
	ld	t5, CTX_HARTID(sp)
	ld	t6, CTX_KSTACK(sp)
	sd	t5, CTX_HARTID(\th)
	sd	t6, CTX_KSTACK(\th)
	sd	\cpu, CTX_CPU(\th)
	sd	\th, CPU_CURRENT(\cpu)
	ld	t5, AS_SATP(\as)
	csrr	t6, satp
	beq	t5, t6, 1f
	csrw	satp, t5
1:	SAVE_REGS sp, 1, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	csrr	t5, sscratch
	sd	t5, 2*8(sp)
	csrr	t5, sepc
	addi	t5, t5, 4
	sd	t5, CTX_SEPC(sp)
	KERNEL_UNLOCK t5
.endm

/* Return to U-mode in \th with a0-a7 as they are now: everything else
 * comes from its context, sp last (it holds the pointer until then). */
.macro RETURN_WITH_MESSAGE th
	ld	t5, CTX_SEPC(\th)
	csrw	sepc, t5
	csrw	sscratch, \th
	mv	sp, \th
	LOAD_REGS sp, 1, 3, 4, 5, 6, 7, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	sp, 2*8(sp)
	sret
.endm

	/* Call-frame information for gdb: trap_entry.S's trap from U-mode
	 * goes on here, the outermost kernel frame (return address
	 * undefined), so a backtrace stops here cleanly. Directives only. */
	.cfi_sections .debug_frame
	.section .text
	.balign 4
	.cfi_startproc
	.cfi_undefined ra

/*
 * SYS_CALL: send a1-a6 on the endpoint of handle a0 to the thread
 * waiting there to receive (r), and block until r replies.
 */
	.globl ipc_fast_call
ipc_fast_call:
	ld	t2, TH_AS(sp)
	HANDLE_SLOT t2
	ld	t1, AS_HANDLES+HANDLE_EP(t0)    /* t1 = the endpoint */
	beqz	t1, syscall_entry
	ld	t3, EP_RECEIVERS_HEAD(t1)       /* t3 = r, its first receiver */
	beqz	t3, syscall_entry
	ld	t4, TH_AS(t3)                   /* t4 = r's address space */
	MAY_RUN_NOW t3, t4, t2                /* t2 = this hart's struct cpu */

	/* From here on nothing gives up. Take r off the receive queue. */
	ld	t5, TH_Q_NEXT(t3)
	sd	t5, EP_RECEIVERS_HEAD(t1)
	beqz	t5, 1f
	sd	zero, TH_Q_PREV(t5)
	j	2f
1:	sd	zero, EP_RECEIVERS_TAIL(t1)
2:	sd	zero, TH_Q_NEXT(t3)
	sd	zero, TH_QUEUE(t3)
	sd	zero, TH_BLOCKED_ON(t3)

	/* The caller waits for r's reply; r runs and owes it one. */
	li	t5, THREAD_BLOCKED_REPLY_V
	sw	t5, TH_STATE(sp)
	sd	t3, TH_REPLY_PARTNER(sp)
	sw	zero, TH_FAULT(sp)
	sd	sp, TH_LAST_CALLER(t3)
	li	t5, THREAD_RUNNABLE_V
	sw	t5, TH_STATE(t3)

	/* r receives: a0 = the handle's badge, a1-a6 = the message (as
	 * they are), a7 = the caller's thread id. */
	ld	a0, AS_HANDLES+HANDLE_BADGE(t0)
	ld	a7, TH_TID(sp)
	SWITCH_TO t3, t4, t2
	RETURN_WITH_MESSAGE t3

/*
 * SYS_REPLY_RECV: answer the last caller (c) with a1-a6, then wait on
 * the endpoint of handle a0. The fast case: c waits for exactly this
 * reply and no sender is queued on the endpoint, so this thread blocks
 * and c runs. A pager's "resume" answer to a fault (a1 =
 * CALF_FAULT_RESUME) is fast too: c then gets all of its own registers
 * back and retries the faulting instruction.
 */
	.globl ipc_fast_reply_recv
ipc_fast_reply_recv:
	ld	t2, TH_AS(sp)
	HANDLE_SLOT t2
	ld	t1, AS_HANDLES+HANDLE_EP(t0)    /* t1 = the endpoint */
	beqz	t1, syscall_entry
	lbu	t5, AS_HANDLES+HANDLE_CAN_RECV(t0)
	beqz	t5, syscall_entry               /* no receive right: an error */
	ld	t5, EP_SENDERS_HEAD(t1)
	bnez	t5, syscall_entry               /* a message is waiting */
	ld	t3, TH_LAST_CALLER(sp)          /* t3 = c */
	beqz	t3, syscall_entry
	lw	t5, TH_STATE(t3)
	li	t6, THREAD_BLOCKED_REPLY_V
	bne	t5, t6, syscall_entry
	ld	t5, TH_REPLY_PARTNER(t3)
	bne	t5, sp, syscall_entry           /* c waits for someone else */
	ld	t4, TH_AS(t3)                   /* t4 = c's address space */
	MAY_RUN_NOW t3, t4, t0                /* t0 = this hart's struct cpu */
	lw	t2, TH_FAULT(t3)                /* t2 = why c called */
	beqz	t2, 1f
	li	t5, FAULT_EXIT_V
	beq	t2, t5, syscall_entry           /* it asked to end: C kills it */
	bnez	a1, syscall_entry               /* not CALF_FAULT_RESUME (0) */

1:	/* From here on nothing gives up. c is answered... */
	sd	zero, TH_REPLY_PARTNER(t3)
	sw	zero, TH_FAULT(t3)
	li	t5, THREAD_RUNNABLE_V
	sw	t5, TH_STATE(t3)
	sd	zero, TH_LAST_CALLER(sp)

	/* ...and this thread waits on the endpoint, last in its queue. */
	li	t5, THREAD_BLOCKED_RECV_V
	sw	t5, TH_STATE(sp)
	sd	t1, TH_BLOCKED_ON(sp)
	addi	t5, t1, EP_RECEIVERS
	sd	t5, TH_QUEUE(sp)
	sd	zero, TH_Q_NEXT(sp)
	ld	t5, EP_RECEIVERS_TAIL(t1)
	sd	t5, TH_Q_PREV(sp)
	sd	sp, EP_RECEIVERS_TAIL(t1)
	beqz	t5, 2f
	sd	sp, TH_Q_NEXT(t5)
	j	3f
2:	sd	sp, EP_RECEIVERS_HEAD(t1)
3:	SWITCH_TO t3, t4, t0
	bnez	t2, 4f
	/* c's call returns 0 with the reply in a1-a6; a7 is not defined
	 * after a call: make it 0 rather than this thread's number. */
	li	a0, 0
	li	a7, 0
	RETURN_WITH_MESSAGE t3
4:	/* A resumed fault: c gets every register back, none from here. */
	mv	a0, t3
	j	user_return_ready
	.cfi_endproc
