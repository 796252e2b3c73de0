/*
 * console.h - the kernel's console: one byte in, one byte out.
 *
 * Layer: platform/. Until console_use_uart() is called (after the UART's
 * registers are mapped), output goes through the SBI legacy console, so a
 * panic during early boot is still seen.
 */
#ifndef PLATFORM_CONSOLE_H
#define PLATFORM_CONSOLE_H

#include "platform/board.h"

/* Pick the driver for the board's UART; returns 0, or -1 if the UART kind
 * has no driver (then the SBI console stays in use). */
int console_use_uart(const struct board *b);
/* Back to the firmware's console (if it has one): a refused boot says
 * why there, where OpenSBI's own driver is known to work, in case
 * ours does not. */
void console_use_firmware(void);
const char *console_name(void);
void console_putc(char c);   /* "\n" goes out as "\r\n" */
void console_write(const char *s, unsigned long n);
int console_getc(void);      /* a byte, or -1 */
int console_rx_ready(void);  /* a byte waits in the UART, which keeps it */
void console_rx_irq_enable(void);   /* the UART interrupts when a byte arrives */

#endif
