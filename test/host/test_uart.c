/*
 * test_uart.c - host unit test for the 16550 driver (platform/uart_ns16550a.c).
 *
 * Layer: test/ (host only). The driver runs against a fake register
 * block in memory, filled with a marker byte, for each reg-shift and
 * reg-io-width a board's tree may give (QEMU virt: 0/1; DesignWare APB
 * UART and PolarFire MMUART: 2/4; others 1/2, 2/1, 2/2). Each access
 * must land at register << reg-shift and be exactly reg-io-width bytes
 * wide: the bytes after it keep the marker, the value sits little-endian
 * in the low bytes.
 */
#include <string.h>

#include "test/host/check.h"
#include "platform/uart.h"

#define MARK 0xa5
enum { THR = 0, IER = 1, FCR = 2, LSR = 5 };

static union { uint8_t b[256]; uint64_t align; } regs;

static struct uart fake(uint32_t shift, uint32_t width)
{
	struct uart u = { .base = regs.b, .reg_shift = shift, .reg_io_width = width };

	memset(regs.b, MARK, sizeof(regs.b));
	return u;
}

/* The bytes of register `reg` as the driver left them: `value` in the
 * low `width` bytes, the marker after them up to the next register. */
static int reg_is(const struct uart *u, int reg, uint32_t value)
{
	uint32_t off = (uint32_t)reg << u->reg_shift, stride = 1u << u->reg_shift, i;

	for (i = 0; i < u->reg_io_width; i++)
		if (regs.b[off + i] != (uint8_t)(value >> (8 * i)))
			return 0;
	for (; i < stride; i++)
		if (regs.b[off + i] != MARK)
			return 0;
	return 1;
}

static void set_lsr(const struct uart *u, uint8_t v)
{
	uint32_t off = (uint32_t)LSR << u->reg_shift, i;

	regs.b[off] = v;
	for (i = 1; i < u->reg_io_width; i++)
		regs.b[off + i] = 0;
}

static const struct { uint32_t shift, width; } layouts[] = {
	{ 0, 1 }, { 1, 2 }, { 2, 4 }, { 2, 1 }, { 2, 2 },
};

TEST(init_writes_ier_and_fcr_at_width)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct uart u = fake(layouts[i].shift, layouts[i].width);

		uart_ns16550a_driver.init(&u);
		CHECK(reg_is(&u, IER, 0));
		CHECK(reg_is(&u, FCR, 0x07));
		CHECK(regs.b[(uint32_t)THR << u.reg_shift] == MARK);	/* untouched */
	}
}

TEST(putc_writes_thr_at_width)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct uart u = fake(layouts[i].shift, layouts[i].width);

		set_lsr(&u, 0x20);	/* THR empty */
		uart_ns16550a_driver.putc(&u, 'A');
		CHECK(reg_is(&u, THR, 'A'));
	}
}

TEST(getc_and_rx_ready_read_lsr_and_rbr)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct uart u = fake(layouts[i].shift, layouts[i].width);

		set_lsr(&u, 0x20);	/* no data */
		CHECK_EQ(uart_ns16550a_driver.rx_ready(&u), 0);
		CHECK_EQ(uart_ns16550a_driver.getc(&u), -1);
		set_lsr(&u, 0x21);	/* data ready */
		regs.b[0] = 'z';
		CHECK_EQ(uart_ns16550a_driver.rx_ready(&u), 1);
		CHECK_EQ(uart_ns16550a_driver.getc(&u), 'z');
	}
}

TEST(rx_irq_enable_sets_ier_bit0)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct uart u = fake(layouts[i].shift, layouts[i].width);

		uart_ns16550a_driver.rx_irq_enable(&u);
		CHECK(reg_is(&u, IER, 0x01));
	}
}

int main(void)
{
	RUN(init_writes_ier_and_fcr_at_width);
	RUN(putc_writes_thr_at_width);
	RUN(getc_and_rx_ready_read_lsr_and_rbr);
	RUN(rx_irq_enable_sets_ier_bit0);
	return check_summary();
}
