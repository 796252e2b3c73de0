/*
 * lottery.h - the boot lottery: which hart boots the kernel, and how
 * every other hart that reaches the image entry comes in.
 *
 * Layer: platform/. Firmware enters the kernel at its image entry
 * (_start, platform/entry.S) on one hart. Other harts can arrive there
 * too, at any time: OpenSBI releases before 0.7 send every hart there
 * at boot, and OpenSBI 1.1 can send a hart that is being started there
 * instead of to the address asked for (docs/porting.md, Entry state).
 * Without a lottery such a hart would clear the bss of the live kernel
 * and run kmain a second time.
 *
 * So the first thing a hart does at the image entry is draw: an atomic
 * add on boot_lottery. The hart that finds 0 boots the kernel. Every
 * later one sets its bit in boot_late_harts and waits, asleep and
 * touching nothing else, until the kernel sets that bit in
 * boot_gate_harts; then it goes on as a secondary (secondary_main).
 *
 * The kernel uses the same door for its own secondaries: once it has
 * read the device tree it sends every other hart to the image entry
 * with SBI HSM (smp_gather), where they lose the lottery and wait; when
 * it is ready for them it opens the gate for the harts it runs on
 * (smp_start). So there is one way in, the order in which harts arrive
 * does not matter, and a hart the firmware sends unasked is just one
 * more arrival. A hart whose bit never opens (the kernel does not run
 * on it) waits for ever: parked.
 *
 * The three words are initialized data, not bss: they must keep their
 * value while the winner clears bss, and a late hart may read them
 * before that clear has even begun (kernel.ld checks where they are).
 * A waiting hart sleeps in wfi with only the software interrupt enabled
 * (and interrupts globally off), so an IPI ends its wait without a
 * trap; the kernel sends one after it opens the gate.
 */
#ifndef PLATFORM_LOTTERY_H
#define PLATFORM_LOTTERY_H

#include <stdint.h>

/* Harts that have reached the image entry (entry.S adds 1 each). */
extern uint32_t boot_lottery;
/* Bit h: hart h reached the image entry after the lottery was drawn
 * and waits there (entry.S sets it; a hart id of 64 or more cannot,
 * and parks). */
extern uint64_t boot_late_harts;
/* Bit h: hart h, waiting at the image entry, may go on into the kernel
 * (the kernel sets it, entry.S reads it). */
extern uint64_t boot_gate_harts;

#endif
