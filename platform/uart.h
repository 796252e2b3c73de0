/*
 * uart.h - the interface every serial driver offers the console.
 *
 * Layer: platform/. A driver is picked by the device tree's compatible
 * string (see console.c); nothing above platform/ knows which one runs.
 */
#ifndef PLATFORM_UART_H
#define PLATFORM_UART_H

#include <stdint.h>

struct uart {
	volatile uint8_t *base;   /* mapped register block */
	uint32_t reg_shift;       /* register n is at base + (n << reg_shift) */
	uint32_t reg_io_width;    /* access width in bytes: 1, 2 or 4 */
};

struct uart_driver {
	const char *compatible;   /* device tree compatible string */
	void (*init)(struct uart *u);
	void (*putc)(struct uart *u, char c);  /* waits for room */
	int (*getc)(struct uart *u);           /* a byte, or -1 if none waits */
	int (*rx_ready)(struct uart *u);       /* a byte waits (it stays there) */
	void (*rx_irq_enable)(struct uart *u); /* interrupt when a byte arrives */
};

extern const struct uart_driver uart_ns16550a_driver;
extern const struct uart_driver uart_sifive_driver;

#endif
