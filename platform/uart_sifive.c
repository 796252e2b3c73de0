/*
 * uart_sifive.c - the SiFive UART ("sifive,uart0") of the FU540/FU740
 * (HiFive Unleashed, HiFive Unmatched, QEMU sifive_u).
 *
 * Layer: platform/. Registers are 32 bits wide (FU540-C000 manual,
 * chapter 13): txdata bit 31 = FIFO full, rxdata bit 31 = FIFO empty.
 * The firmware set the divisor and txctrl.txen; the driver enables the
 * receiver.
 */
#include "platform/uart.h"

enum { REG_TXDATA = 0x00, REG_RXDATA = 0x04, REG_TXCTRL = 0x08,
       REG_RXCTRL = 0x0c, REG_IE = 0x10, REG_IP = 0x14 };
#define IE_RXWM      (1u << 1)   /* receive FIFO above its watermark */
#define IP_RXWM      (1u << 1)   /* the same, pending (whatever ie says) */
#define TXDATA_FULL  (1u << 31)
#define RXDATA_EMPTY (1u << 31)
#define CTRL_ENABLE  (1u << 0)

static volatile uint32_t *reg(struct uart *u, int off)
{
	return (volatile uint32_t *)(u->base + off);
}

static void sifive_init(struct uart *u)
{
	*reg(u, REG_IE) = 0;
	*reg(u, REG_TXCTRL) |= CTRL_ENABLE;
	*reg(u, REG_RXCTRL) |= CTRL_ENABLE;
}

static void sifive_putc(struct uart *u, char c)
{
	while (*reg(u, REG_TXDATA) & TXDATA_FULL)
		;
	*reg(u, REG_TXDATA) = (uint8_t)c;
}

static int sifive_getc(struct uart *u)
{
	/* One read both tests and pops: keep the value. */
	uint32_t v = *reg(u, REG_RXDATA);
	if (v & RXDATA_EMPTY)
		return -1;
	return (int)(v & 0xff);
}

/* ip.rxwm: more bytes wait than rxctrl.rxcnt, which is 0 (a byte
 * waits) once rx_irq_enable ran; reading rxdata would pop the byte. */
static int sifive_rx_ready(struct uart *u)
{
	return (*reg(u, REG_IP) & IP_RXWM) != 0;
}

static void sifive_rx_irq_enable(struct uart *u)
{
	/* rxctrl.rxcnt (bits 18:16) = 0: interrupt as soon as one byte waits. */
	*reg(u, REG_RXCTRL) &= ~(7u << 16);
	*reg(u, REG_IE) = IE_RXWM;
}

const struct uart_driver uart_sifive_driver = {
	.compatible = "sifive,uart0",
	.init = sifive_init,
	.putc = sifive_putc,
	.getc = sifive_getc,
	.rx_ready = sifive_rx_ready,
	.rx_irq_enable = sifive_rx_irq_enable,
};
