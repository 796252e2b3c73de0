/*
 * sched.c - pick the thread to run, and leave the kernel into it.
 *
 * Layer: kernel/. One run queue per priority and a bitmap of the
 * non-empty ones, shared by every hart (under the big lock); a running
 * thread is on no queue, and is the current thread of exactly one hart.
 * The kernel runs with interrupts off; only the idle loop opens them,
 * waiting in wfi without the lock.
 */
#include "kernel/aspace.h"
#include "kernel/console_input.h"
#include "kernel/endpoint.h"
#include "kernel/lock.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/timer.h"

#define NPRIO (CALF_PRIO_MAX + 1)

static struct thread_queue runq[NPRIO];
uint32_t sched_queued;             /* bit p: runq[p] has threads */
#define nonempty sched_queued

void sched_make_runnable(struct thread *t)
{
	t->state = THREAD_RUNNABLE;
	if (t->queue)
		tq_remove(t);
	tq_push(&runq[t->priority], t);
	nonempty |= 1u << t->priority;
	smp_kick_idle();
}

void sched_remove(struct thread *t)
{
	int p = t->priority;
	tq_remove(t);
	if (tq_empty(&runq[p]))
		nonempty &= ~(1u << p);
}

/* Index of the highest set bit of x (x != 0). RV64IMAC has no clz
 * instruction, and libgcc's __clzdi2 costs more than this search. */
static int top_bit(uint32_t x)
{
	int n = 0;
	if (x >> 16) { n += 16; x >>= 16; }
	if (x >> 8) { n += 8; x >>= 8; }
	if (x >> 4) { n += 4; x >>= 4; }
	if (x >> 2) { n += 2; x >>= 2; }
	if (x >> 1) { n += 1; }
	return n;
}

static struct thread *highest_queued(void)
{
	while (nonempty) {
		int p = top_bit(nonempty);
		if (runq[p].head)
			return runq[p].head;
		/* Emptied behind our back (a killed thread left its queue). */
		nonempty &= ~(1u << p);
	}
	return NULL;
}

void sched_yield(void)
{
	struct cpu *c = cpu_self();
	struct thread *cur = c->current;

	if (!cur)
		return;
	c->current = NULL;
	cur->timeslice = SCHED_TIMESLICE;
	sched_make_runnable(cur);
}

void sched_tick(void)
{
	struct cpu *c = cpu_self();
	struct thread *cur = c->current;

	if (!cur || --cur->timeslice > 0)
		return;
	/* Slice used up: go behind the others of the same priority. */
	sched_yield();
}

/* The thread to run now: the current one unless a queued thread has a
 * higher priority. */
static struct thread *pick(struct cpu *c)
{
	struct thread *best = highest_queued();
	struct thread *cur = c->current;

	if (cur && (!best || cur->priority >= best->priority))
		return cur;
	if (cur) {
		c->current = NULL;
		sched_make_runnable(cur);   /* preempted: back of its queue */
	}
	if (best) {
		sched_remove(best);
		best->timeslice = SCHED_TIMESLICE;
		c->current = best;
	}
	return best;
}

/* The thread t runs next on this hart: load its address space and tell
 * its context which hart it is on. */
static struct user_context *enter(struct cpu *c, struct thread *t)
{
	aspace_activate(t->as);
	t->ctx.kstack_top = c->kstack_top;
	t->ctx.hartid = c->hartid;
	t->ctx.cpu = c;
	return &t->ctx;
}

/* Nothing to run on this hart: wait for work. trap_entry.S calls this
 * once the thread that entered the kernel has every register saved (it
 * may run on another hart while this one sleeps without the lock).
 * Returns, with the lock, the context to run, its address space loaded. */
struct user_context *sched_idle(void)
{
	struct cpu *c = cpu_self();
	struct thread *t;

	while (!(t = pick(c))) {
		/* An idle hart keeps no user page table in satp: that address
		 * space may be destroyed and its tables freed while it sleeps.
		 * wfi wakes up for an interrupt pending and enabled in sie even
		 * with sstatus.SIE off (privileged spec 3.3.3), so a wake-up IPI sent
		 * between the unlock and the wfi is not lost; the interrupt is
		 * taken in the window below (trap_from_kernel). */
		smp_idle_mask |= 1ul << c->hartid;
		csr_write(satp, kernel_satp);
		kernel_unlock();
		wfi();
		intr_on();
		intr_off();
		kernel_lock();
		smp_idle_mask &= ~(1ul << c->hartid);
		console_input_idle();
	}
	return enter(c, t);
}

/* The slow half of sched_next_context (sched.h): the thread that runs
 * next, its address space loaded, or NULL if there is none. */
struct user_context *sched_next_context_slow(struct cpu *c)
{
	struct thread *t = pick(c);

	return t ? enter(c, t) : NULL;
}
