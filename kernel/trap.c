/*
 * trap.c - decide what a trap is and who handles it.
 *
 * Layer: kernel/. scause is decoded by name (privileged spec 4.1.8,
 * table 4.2). From U-mode: an ecall is a system call, an interrupt goes
 * to its handler, and every exception goes to the thread's pager (the
 * kernel has no memory policy of its own). From S-mode only interrupts
 * are expected; anything else is a kernel bug and panics with the frame.
 */
#include <stddef.h>

#include "kernel/console_input.h"
#include "kernel/fault.h"
#include "kernel/lock.h"
#include "kernel/lottery_test.h"
#include "kernel/panic.h"
#include "kernel/power.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/trap.h"

_Static_assert(__builtin_offsetof(struct user_context, sepc) == CTX_SEPC, "CTX_SEPC");
_Static_assert(__builtin_offsetof(struct user_context, kstack_top) == CTX_KSTACK, "CTX_KSTACK");
_Static_assert(__builtin_offsetof(struct user_context, hartid) == CTX_HARTID, "CTX_HARTID");
_Static_assert(__builtin_offsetof(struct user_context, cpu) == CTX_CPU, "CTX_CPU");

_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "TF_SEPC");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "TF_STVAL");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");
_Static_assert(TF_SIZE % 16 == 0, "the stack stays 16-byte aligned");

extern char trap_vector[];

void trap_init(void)
{
	csr_write(stvec, (uint64_t)trap_vector);   /* mode 0: direct */
}

/* Interrupts, from either mode. tf is the kernel frame (from S-mode),
 * or NULL from U-mode. The lock is held. */
static void handle_interrupt(uint64_t scause, struct trap_frame *tf)
{
	switch (scause & ~SCAUSE_INTERRUPT) {
	case IRQ_S_TIMER:
		timer_tick();
		sleep_tick();
		lottery_test_tick();
		sched_tick();
		break;
	case IRQ_S_EXT:
		console_input_irq();
		break;
	case IRQ_S_SOFT:
		/* An IPI (smp.h): it woke this hart from idle, or stopped a
		 * thread being killed, both already done by now. */
		csr_clear(sip, SIE_SSIE);
		if (power_parking)
			power_park_here();   /* the machine is being parked */
		break;
	default:
		if (tf)
			panic_frame(tf, "unexpected interrupt in the kernel");
		panic("unexpected %s from U-mode", scause_name(scause));
	}
}

/* From S-mode, interrupts are open only in the idle loop (and during the
 * boot self-check), where the hart does not hold the lock. */
void trap_from_kernel(struct trap_frame *tf)
{
	if (!(tf->scause & SCAUSE_INTERRUPT))
		panic_frame(tf, "unexpected trap in the kernel");
	kernel_lock();
	handle_interrupt(tf->scause, tf);
	kernel_unlock();
}

/* Any other trap from U-mode: an interrupt, or an exception for the
 * thread's pager. Every register of the thread is saved, and the lock is
 * held (trap_entry.S). A thread killed by another hart while this one
 * waited for the lock comes here too, whatever its trap was. */
struct user_context *exception_from_user(struct user_context *ctx, uint64_t scause,
					 uint64_t stval)
{
	struct thread *t = (struct thread *)ctx;

	if (t->state == THREAD_DEAD)
		thread_reap_dead_current();
	if (scause & SCAUSE_INTERRUPT) {
		handle_interrupt(scause, NULL);
	} else if (t->state != THREAD_FREE) {
		struct user_context *next = fault_from_user(t, scause, stval);
		if (next)
			return next;
	}
	return sched_next_context();
}
