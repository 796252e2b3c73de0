/*
 * console_input.h - keyboard input from the UART, by interrupt.
 *
 * Layer: kernel/. Bytes arriving on the console UART raise an interrupt
 * through the PLIC; the handler moves them into a small ring buffer and
 * wakes the threads waiting in SYS_CONSOLE_READ. A reader that finds the
 * buffer empty sleeps; when woken, its system call simply runs again
 * (its pc is set back to the ecall), so copying into its buffer goes
 * through the normal checked path, pager included.
 */
#ifndef KERNEL_CONSOLE_INPUT_H
#define KERNEL_CONSOLE_INPUT_H

#include "kernel/thread.h"
#include "platform/board.h"

/* Route the UART's interrupt to this hart. Without a PLIC (or without an
 * S-mode context for this hart) input falls back to polling:
 * SYS_CONSOLE_READ then returns 0 when nothing waits. */
void console_input_init(const struct board *b, unsigned long hartid);
void console_input_irq(void);              /* S-mode external interrupt */
long sys_console_read(struct thread *t);

#endif
