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
	t->state = THREAD_RUNNABLE;
	cpu_self()->current = t;
}
/* Leave the kernel: pick a thread (idling with wfi until one is
 * runnable), activate its address space, return to it in U-mode. */
void sched_return_to_user(void) __attribute__((noreturn));

/* trap_entry.S: restore a user context and sret. */
void user_return(struct user_context *ctx) __attribute__((noreturn));

#endif
