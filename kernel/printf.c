/*
 * printf.c - the kernel's printf, over the platform console.
 *
 * Layer: kernel/. The printf engine is lib/'s (lib/fmt.h): this file
 * only says where the characters go, the console.
 */
#include <stddef.h>

#include "kernel/console_input.h"
#include "kernel/printf.h"
#include "lib/fmt.h"
#include "platform/console.h"

static void put_console(void *arg, char c)
{
	(void)arg;
	console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	console_end_user_line();    /* not run on from a program's prompt */
	fmt_format(put_console, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
