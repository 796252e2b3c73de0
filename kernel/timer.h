/*
 * timer.h - the periodic tick.
 *
 * Layer: kernel/. The tick is programmed through SBI set_timer, which
 * takes an absolute value of the `time` CSR; its rate (timebase) comes
 * from the device tree: 10 MHz on QEMU virt, 1 MHz on sifive_u.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100

void timer_init(uint64_t timebase_hz);  /* boot hart: rate, first tick, STIE */
void timer_init_hart(void);             /* another hart: its first tick, STIE */
void timer_tick(void);                  /* from the trap handler */
uint64_t timer_ticks(void);            /* this hart's ticks */
uint64_t timer_timebase(void);
uint64_t timer_next_deadline(void);     /* this hart's, in `time` units */

#endif
