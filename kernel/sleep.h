/*
 * sleep.h - SYS_SLEEP (sleep.c).
 *
 * Layer: kernel/.
 */
#ifndef KERNEL_SLEEP_H
#define KERNEL_SLEEP_H

#include "kernel/thread.h"

/* An hour of ticks: longer is surely a mistake. */
#define SLEEP_MAX_TICKS (3600ul * TIMER_HZ)

/* SYS_SLEEP(ticks): block the calling thread for at least `ticks`
 * timer ticks (TIMER_HZ a second); 0 just yields. */
long sys_sleep(struct thread *t);

/* From each hart's timer interrupt, lock held: wake the sleepers whose
 * time has come. */
void sleep_tick(void);

/* t is being killed: if it slept, it sleeps no more. */
void sleep_forget(struct thread *t);

#endif
