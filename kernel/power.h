/*
 * power.h - switching the machine off, or parking it when the firmware
 * cannot.
 *
 * Layer: kernel/. Every end of the machine goes through power_off: a
 * poweroff asked for by the VM server, a boot the kernel refuses, a
 * panic. The firmware is asked to switch the machine off (SBI SRST);
 * some cannot (QEMU sifive_u and a HiFive Unleashed have no power
 * switch the firmware can drive, only a reset). Then the machine is
 * never rebooted - on a board that reboots, a refused boot would
 * loop - but parked: the console says it is safe to switch off, and
 * every hart stops in a wfi loop with its interrupts off
 * (docs/boards.md, "What each failure prints").
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <stdbool.h>

/* Never returns. `failure` is the reason given to the firmware. */
void power_off(int failure) __attribute__((noreturn));

/* Set once the machine is being parked: a hart that takes an IPI
 * (trap.c) then parks too. */
extern volatile bool power_parking;

/* Park this hart for good: drop the big lock (another hart may be
 * waiting for it on its way to its own park), interrupts off, wfi. */
void power_park_here(void) __attribute__((noreturn));

#endif
