/*
 * console.c - route console bytes to the right UART driver.
 *
 * Layer: platform/. The driver is chosen by the device tree (struct
 * board), never by the build: one kernel image serves every board.
 */
#include "platform/console.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"
#include "platform/uart.h"

static const struct uart_driver *driver;
static struct uart uart;

int console_use_uart(const struct board *b)
{
	const struct uart_driver *d;

	switch (b->uart.kind) {
	case BOARD_UART_NS16550A: d = &uart_ns16550a_driver; break;
	case BOARD_UART_SIFIVE:   d = &uart_sifive_driver; break;
	default: return -1;
	}
	uart.base = phys_to_virt(b->uart.base);
	uart.reg_shift = b->uart.reg_shift;
	uart.reg_io_width = b->uart.reg_io_width ? b->uart.reg_io_width : 1;
	if (d == &uart_sifive_driver)
		uart.reg_io_width = 4;
	d->init(&uart);
	driver = d;
	return 0;
}

void console_use_firmware(void)
{
	if (sbi_have_console())
		driver = 0;
}

const char *console_name(void)
{
	return driver ? driver->compatible : "sbi-legacy";
}

static void put_raw(char c)
{
	if (driver)
		driver->putc(&uart, c);
	else
		sbi_console_putchar(c);
}

void console_putc(char c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

void console_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		console_putc(s[i]);
}

int console_rx_ready(void)
{
	return driver ? driver->rx_ready(&uart) : 0;
}

int console_getc(void)
{
	if (driver)
		return driver->getc(&uart);
	return sbi_console_getchar();
}

void console_rx_irq_enable(void)
{
	if (driver && driver->rx_irq_enable)
		driver->rx_irq_enable(&uart);
}
