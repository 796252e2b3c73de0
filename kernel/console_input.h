/*
 * console_input.h - the console as user programs see it: keyboard input
 * by interrupt or by polling, the interrupt character, and output that
 * keeps programs apart.
 *
 * Layer: kernel/. Bytes arriving on the console UART raise an interrupt
 * through the PLIC; the handler moves them into a small ring buffer and
 * wakes the threads waiting in SYS_CONSOLE_READ. A reader that finds the
 * buffer empty sleeps; when woken, its system call simply runs again
 * (its pc is set back to the ecall), so copying into its buffer goes
 * through the normal checked path, pager included. Without a working
 * interrupt, the idle loop polls the UART instead (console_input.c).
 *
 * Two things more, mechanism only (docs/architecture.md, The console):
 *   - The interrupt character (Ctrl-C, 0x03) is an input byte like any
 *     other (a line editor uses it). When no thread waits in
 *     SYS_CONSOLE_READ, the program in the foreground, if any, is busy:
 *     the driver then also drops the input typed before it and tells the
 *     VM server (a message with CALF_LABEL_CONSOLE_INTR on its
 *     endpoint), which decides whom that ends. With input by polling it
 *     is only an input byte.
 *   - Output. A write by one program starts on a new line when another
 *     program left the last line unfinished, and a SYS_CONSOLE_READ that
 *     waits, or comes next, returns -CALF_EINTR once when others wrote
 *     since the reader was last told so: a line editor then draws its
 *     line again, below the output. (The reader is the address space
 *     that last read: one at a time, in practice the shell.)
 */
#ifndef KERNEL_CONSOLE_INPUT_H
#define KERNEL_CONSOLE_INPUT_H

#include "kernel/thread.h"
#include "platform/board.h"

/* The byte that interrupts the foreground program: Ctrl-C. */
#define CONSOLE_INTR_CHAR 0x03
/* Where input was lost: calf/abi.h. */
#define CONSOLE_LOST_CHAR CALF_CONSOLE_LOST

/* Route the UART's interrupt to this hart. Without a PLIC (or without an
 * S-mode context for this hart, or an interrupt for the UART) input is
 * polled from the start. */
void console_input_init(const struct board *b, unsigned long hartid);
void console_input_irq(void);              /* S-mode external interrupt */
/* From the idle loop, lock held, on each wake-up: poll the UART for
 * waiting readers, or find that the interrupt does not come. */
void console_input_idle(void);
long sys_console_read(struct thread *t);

/* t's SYS_CONSOLE_WRITE of buf[0..len) (already copied in). */
void console_user_write(struct thread *t, const char *buf, unsigned long len);
/* The kernel is about to print (kprintf): if a program left the line
 * unfinished, start a new one. */
void console_end_user_line(void);

#endif
