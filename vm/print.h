/*
 * print.h - a tiny printf for the VM server.
 *
 * Layer: vm/. vm_vsnprintf is pure (host-tested); vm_printf writes the
 * result with SYS_CONSOLE_WRITE. The VM server is freestanding and must
 * not link kernel/printf.c (kernel code) or userland/ (a layer above).
 *
 * Conversions: %s %c %d %i %u %x %p %%, length modifiers l ll z, an
 * optional '0' flag and field width (e.g. %08lx). Output is truncated to
 * the buffer, always NUL-terminated when size > 0.
 */
#ifndef VM_PRINT_H
#define VM_PRINT_H

#include <stdarg.h>
#include <stddef.h>

int vm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vm_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
