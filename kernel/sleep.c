/*
 * sleep.c - SYS_SLEEP: a thread that waits for time to pass.
 *
 * Layer: kernel/. A sleeping thread is on no queue; the tick of each
 * hart looks for threads whose time has come, and only when there are
 * sleepers at all, so a system where nobody sleeps pays one test per
 * tick. Sleepers are few (daemons, demos), the thread table is small
 * (MAX_THREADS), and a scan keeps this file short: no timer wheel.
 */
#include "kernel/ipc.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

static unsigned sleepers;

long sys_sleep(struct thread *t)
{
	uint64_t ticks = t->ctx.regs[REG_A0];

	if (ticks > SLEEP_MAX_TICKS)
		return -CALF_EINVAL;
	if (ticks == 0) {
		sched_yield();
		return 0;
	}
	t->wake_time = rdtime() + ticks * (timer_timebase() / TIMER_HZ);
	t->state = THREAD_SLEEPING;
	t->ctx.regs[REG_A0] = 0;    /* its result, when it runs again */
	sleepers++;
	if (cpu_self()->current == t)
		cpu_self()->current = NULL;
	return SYSCALL_DONE;
}

void sleep_tick(void)
{
	uint64_t now;

	if (!sleepers)
		return;
	now = rdtime();
	for (int i = 1; i < MAX_THREADS; i++) {
		struct thread *t = &threads[i];

		if (t->state == THREAD_SLEEPING && t->wake_time <= now) {
			sleepers--;
			sched_make_runnable(t);
		}
	}
}

void sleep_forget(struct thread *t)
{
	if (t->state == THREAD_SLEEPING)
		sleepers--;
}
