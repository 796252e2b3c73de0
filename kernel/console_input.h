/*
 * console_input.h - keyboard input from the UART, by interrupt or by
 * polling.
 *
 * Layer: kernel/. Bytes arriving on the console UART raise an interrupt
 * through the PLIC; the handler moves them into a small ring buffer and
 * wakes the threads waiting in SYS_CONSOLE_READ. A reader that finds the
 * buffer empty sleeps; when woken, its system call simply runs again
 * (its pc is set back to the ecall), so copying into its buffer goes
 * through the normal checked path, pager included. Without a working
 * interrupt, the idle loop polls the UART instead (console_input.c).
 */
#ifndef KERNEL_CONSOLE_INPUT_H
#define KERNEL_CONSOLE_INPUT_H

#include "kernel/thread.h"
#include "platform/board.h"

/* Route the UART's interrupt to this hart. Without a PLIC (or without an
 * S-mode context for this hart, or an interrupt for the UART) input is
 * polled from the start. */
void console_input_init(const struct board *b, unsigned long hartid);
void console_input_irq(void);              /* S-mode external interrupt */
/* From the idle loop, lock held, on each wake-up: poll the UART for
 * waiting readers, or find that the interrupt does not come. */
void console_input_idle(void);
long sys_console_read(struct thread *t);

#endif
