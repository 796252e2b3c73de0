/*
 * timer.c - the periodic tick on every hart, through the SBI TIME extension.
 *
 * Layer: kernel/. Each hart has its own deadline (struct cpu). The next
 * deadline is computed from the previous deadline, not from "now", so the
 * tick does not drift when a handler runs late; if the hart fell more
 * than a tick behind, it skips ahead instead of firing a storm of
 * catch-up interrupts.
 */
#include "kernel/riscv.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "platform/sbi.h"

static uint64_t interval;      /* time units per tick */
static uint64_t timebase;

void timer_init(uint64_t timebase_hz)
{
	timebase = timebase_hz;
	interval = timebase_hz / TIMER_HZ;
	if (interval == 0)
		interval = 1;
	timer_init_hart();
}

void timer_init_hart(void)
{
	struct cpu *c = cpu_self();

	c->next_deadline = rdtime() + interval;
	sbi_set_timer(c->next_deadline);
	csr_set(sie, SIE_STIE);
}

void timer_tick(void)
{
	struct cpu *c = cpu_self();
	uint64_t now = rdtime();

	c->ticks++;
	c->next_deadline += interval;
	if (c->next_deadline <= now)
		c->next_deadline = now + interval;
	/* Writing a new deadline also clears the pending STIP. */
	sbi_set_timer(c->next_deadline);
}

uint64_t timer_ticks(void) { return cpu_self()->ticks; }
uint64_t timer_timebase(void) { return timebase; }
uint64_t timer_next_deadline(void) { return cpu_self()->next_deadline; }
