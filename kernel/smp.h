/*
 * smp.h - more than one hart.
 *
 * Layer: kernel/. The boot hart sends the others to the image entry with
 * SBI HSM as soon as it has read the device tree (smp_gather), where
 * they wait, asleep, behind the boot lottery's gate (platform/lottery.h);
 * it lets them in once the kernel is ready (smp_start). Every hart then
 * runs user threads from
 * the shared run queues under the big kernel lock (lock.h). Harts reach
 * each other through SBI: an IPI wakes an idle hart or stops a thread
 * being killed (thread.c), and remote fences do TLB and instruction
 * cache shootdown (aspace.c, priv.c).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>

#include "platform/board.h"

extern uint64_t smp_online_mask;   /* bit h: hart h runs threads */
extern uint64_t smp_idle_mask;     /* bit h: hart h sleeps in sched_idle */
extern uint64_t kernel_satp;       /* satp for the kernel's own page table */
extern uint64_t smp_gathered;      /* bit h: smp_gather sent hart h to the image entry */

/* The harts the kernel runs on, as a mask: those the device tree says
 * are usable (docs/porting.md, Checklist) with an id below MAX_HARTS. */
uint64_t smp_harts_taken(const struct board *b);

/* Send every other usable hart of the board to the image entry, at
 * kernel_pa, with the device tree in a1; there it waits (boot hart, once
 * the device tree is read: the harts then sleep in the kernel's wait,
 * not in the firmware's, which may not sleep: docs/porting.md). */
void smp_gather(const struct board *b, uint64_t kernel_pa, uint64_t dtb_pa);

/* Let in the harts smp_harts_taken names; the others stay parked (boot
 * hart, lock held, the kernel ready for them). */
void smp_start(const struct board *b, uint64_t kernel_pa);

/* A thread became runnable: wake one idle hart, if any. */
static inline void smp_kick_idle(void)
{
	extern void smp_kick_idle_slow(void);
	if (smp_idle_mask)
		smp_kick_idle_slow();
}

/* A supervisor software interrupt to hart h. */
void smp_send_ipi(uint64_t hartid);

/* The other online harts, as an SBI hart mask (base 0). */
uint64_t smp_others_mask(void);

#endif
