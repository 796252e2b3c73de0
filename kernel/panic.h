/*
 * panic.h - stop the machine with everything a reader needs to debug it.
 *
 * Layer: kernel/. Both print the message, scause by name, sepc, stval and
 * the registers, then power off through SBI with a failure status (so a
 * test run ends and reports the failure instead of hanging).
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/trap.h"

void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void panic_frame(const struct trap_frame *tf, const char *why)
	__attribute__((noreturn));

/* Kernel invariants: cheap, always on. */
#define KASSERT(cond)                                                      \
	do {                                                               \
		if (!(cond))                                               \
			panic("assertion failed: %s (%s:%d)", #cond,       \
			      __FILE__, __LINE__);                         \
	} while (0)

#endif
