/*
 * timer.c - the periodic tick, through the SBI TIME extension.
 *
 * Layer: kernel/. Calls platform/sbi. The next deadline is computed from
 * the previous deadline, not from "now", so the tick does not drift when
 * a handler runs late; if the kernel fell more than a tick behind, it
 * skips ahead instead of firing a storm of catch-up interrupts.
 */
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "platform/sbi.h"

static uint64_t interval;      /* time units per tick */
static uint64_t next_deadline;
static volatile uint64_t ticks;
static uint64_t timebase;

void timer_init(uint64_t timebase_hz)
{
	timebase = timebase_hz;
	interval = timebase_hz / TIMER_HZ;
	if (interval == 0)
		interval = 1;
	next_deadline = rdtime() + interval;
	sbi_set_timer(next_deadline);
	csr_set(sie, SIE_STIE);
}

void timer_tick(void)
{
	uint64_t now = rdtime();

	ticks++;
	next_deadline += interval;
	if (next_deadline <= now)
		next_deadline = now + interval;
	/* Writing a new deadline also clears the pending STIP. */
	sbi_set_timer(next_deadline);
}

uint64_t timer_ticks(void) { return ticks; }
uint64_t timer_timebase(void) { return timebase; }
