/*
 * uart_ns16550a.c - the 16550-compatible UART of QEMU virt (and many SoCs).
 *
 * Layer: platform/. The firmware already set the baud rate (115200 8N1),
 * so the driver only moves bytes: wait for "transmit holding register
 * empty" (LSR bit 5), write THR; a byte waits when LSR bit 0 is set.
 *
 * Register n is at base + (n << reg-shift) and is accessed reg-io-width
 * bytes wide (1, 2 or 4; Linux binding serial/8250.yaml): QEMU virt's
 * is byte-wide and packed, the DesignWare APB UART (snps,dw-apb-uart:
 * StarFive JH7100/JH7110, ESWIN EIC7700) and PolarFire's MMUARTs have
 * 32-bit registers 4 bytes apart. A bus that wants 32-bit accesses may
 * fault or drop a byte access, so the width is obeyed on every access.
 * Nothing here writes LCR, so the DesignWare "busy" interrupt (an LCR
 * write while a byte moves) never fires.
 */
#include "platform/uart.h"

enum { REG_THR = 0, REG_RBR = 0, REG_IER = 1, REG_FCR = 2, REG_LSR = 5 };
#define LSR_DATA_READY (1u << 0)
#define LSR_THR_EMPTY  (1u << 5)

static uint32_t reg_read(struct uart *u, int reg)
{
	volatile uint8_t *p = u->base + ((uintptr_t)reg << u->reg_shift);
	if (u->reg_io_width == 4)
		return *(volatile uint32_t *)p;
	if (u->reg_io_width == 2)
		return *(volatile uint16_t *)p;
	return *p;
}

static void reg_write(struct uart *u, int reg, uint32_t v)
{
	volatile uint8_t *p = u->base + ((uintptr_t)reg << u->reg_shift);
	if (u->reg_io_width == 4)
		*(volatile uint32_t *)p = v;
	else if (u->reg_io_width == 2)
		*(volatile uint16_t *)p = (uint16_t)v;
	else
		*p = (uint8_t)v;
}

static void ns16550a_init(struct uart *u)
{
	reg_write(u, REG_IER, 0);      /* no interrupts until asked */
	reg_write(u, REG_FCR, 0x07);   /* enable and clear both FIFOs */
}

static void ns16550a_putc(struct uart *u, char c)
{
	while (!(reg_read(u, REG_LSR) & LSR_THR_EMPTY))
		;
	reg_write(u, REG_THR, (uint8_t)c);
}

static int ns16550a_rx_ready(struct uart *u)
{
	return (reg_read(u, REG_LSR) & LSR_DATA_READY) != 0;
}

static int ns16550a_getc(struct uart *u)
{
	if (!(reg_read(u, REG_LSR) & LSR_DATA_READY))
		return -1;
	return (int)(reg_read(u, REG_RBR) & 0xff);
}

static void ns16550a_rx_irq_enable(struct uart *u)
{
	reg_write(u, REG_IER, 0x01);   /* "received data available" */
}

const struct uart_driver uart_ns16550a_driver = {
	.compatible = "ns16550a",
	.init = ns16550a_init,
	.putc = ns16550a_putc,
	.getc = ns16550a_getc,
	.rx_ready = ns16550a_rx_ready,
	.rx_irq_enable = ns16550a_rx_irq_enable,
};
