/*
 * lottery_test.h - lottery-test=join|park: send a hart to the image
 * entry on purpose while the system runs, and say what became of it.
 *
 * Layer: kernel/. The boot lottery (platform/lottery.h) also lets in a
 * hart that the firmware sends to the image entry unasked, which it
 * does rarely and at random (docs/porting.md, Entry state). This option
 * makes it happen on every boot: smp_gather holds back the highest hart
 * the kernel runs on, and LOTTERY_TEST_DELAY_MS after smp_start a tick
 * sends it to the image entry with SBI HSM hart_start, the device tree
 * in a1, as a firmware that raced would:
 *   join  its gate is open: it must come in as a secondary (smp.c says
 *         so) and take ticks like the other harts;
 *   park  its gate stays shut: it must wait at the image entry, parked.
 * Either way the system must stay up: one banner and no panic
 * (test/qemu_cases.py). A kernel without the lottery clears its own bss
 * on that hart and boots a second time.
 */
#ifndef KERNEL_LOTTERY_TEST_H
#define KERNEL_LOTTERY_TEST_H

#include <stdint.h>

#include "platform/board.h"

/* After the kernel let the other harts in: while user space runs. */
#define LOTTERY_TEST_DELAY_MS 300
/* How long the hart has to come in (or to park) and take its ticks. */
#define LOTTERY_TEST_WATCH_MS 5000

/* smp_gather: with the option, the hart (as a mask) not to send to the
 * image entry now, chosen from `candidates`; 0 without it. */
uint64_t lottery_test_setup(const struct board *b, uint64_t candidates);

/* smp_start: set the tick to send that hart later to the image entry,
 * at kernel_pa; returns the hart (as a mask) to keep out of the gate,
 * for park, or 0. */
uint64_t lottery_test_start(uint64_t kernel_pa);

/* Every tick, on every hart, lock held: nothing to do but when the
 * option is on. */
extern int lottery_test_pending;
void lottery_test_tick_slow(void);
static inline void lottery_test_tick(void)
{
	if (lottery_test_pending)
		lottery_test_tick_slow();
}

#endif
