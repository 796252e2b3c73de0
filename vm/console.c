/*
 * console.c - vm_printf: format, then one SYS_CONSOLE_WRITE per message,
 * so lines from the VM server do not interleave with others mid-line.
 *
 * Layer: vm/ (target only).
 */
#include "vm/print.h"
#include "calf/syscall.h"

void vm_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;   /* cut short */
	calf_console_write(buf, (unsigned long)n);
}
