/*
 * sched.h - the scheduler: fixed priorities, round robin within each.
 *
 * Layer: kernel/. The highest-priority runnable thread runs; equal
 * priorities take turns every SCHED_TIMESLICE ticks. IPC may hand the
 * hart straight to its partner (sched_switch_to) without touching the
 * queues: that is the fast path.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/aspace.h"
#include "kernel/thread.h"

#define SCHED_TIMESLICE 5        /* ticks: 50 ms at 100 Hz */

void sched_make_runnable(struct thread *t);   /* queue it (state RUNNABLE) */
void sched_remove(struct thread *t);          /* off the run queue */
void sched_tick(void);                        /* from the timer interrupt */
void sched_yield(void);                       /* current goes to the back */
/* Run t next on this hart. The caller has already blocked (or queued)
 * the current thread, and t is on no queue (just taken off an endpoint,
 * or just answered): this is the IPC fast path, so it is two stores. */
static inline void sched_switch_to(struct thread *t)
{
	struct cpu *c = cpu_self();
	t->state = THREAD_RUNNABLE;
	c->current = t;
	t->ctx.kstack_top = c->kstack_top;
	t->ctx.hartid = c->hartid;
	t->ctx.cpu = c;
}
/* Bit p set: a thread of priority p is queued. */
extern uint32_t sched_queued;

/* Leaving the kernel: pick the thread to run, activate its address
 * space, and return its context for trap_entry.S to restore; NULL when
 * nothing is runnable (trap_entry.S then stores the rest of the thread
 * that entered, and calls sched_idle). */
struct user_context *sched_next_context_slow(struct cpu *c);
/* Nothing to run: sleep until there is something (sched.c). */
struct user_context *sched_idle(void);

static inline struct user_context *sched_next_context(void)
{
	struct cpu *c = cpu_self();
	struct thread *t = c->current;

	/* Fast case, every system call that neither blocks nor switches:
	 * the current thread goes on (no queued thread of higher priority:
	 * no bit above its own), its address space is loaded, and its
	 * context already knows this hart. No flush can be owed
	 * (tlb_stale, aspace.c): satp does not change, the TLB entries under
	 * it are this address space's own, and every invalidation of it
	 * while it ran here reached this hart at once. */
	if (t && (sched_queued >> t->priority) <= 1 &&
	    t->as->asid_generation == asid_generation_now) {
		uint64_t cur;
		__asm__ volatile("csrr %0, satp" : "=r"(cur));
		if (cur == t->as->satp)
			return &t->ctx;
	}
	return sched_next_context_slow(c);
}

/* trap_entry.S: restore a user context and sret. */
void user_return(struct user_context *ctx) __attribute__((noreturn));

#endif
