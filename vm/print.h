/*
 * print.h - printf for the VM server.
 *
 * Layer: vm/. The formatting is lib/'s printf engine (lib/fmt.h): the
 * VM server's code calls fmt_snprintf by the names below. vm_printf,
 * the VM server's own front end (vm/console.c), formats into a buffer
 * and writes it with one SYS_CONSOLE_WRITE.
 *
 * Conversions: lib/fmt.h's (%s %c %d %i %u %x %X %p %%, l ll z, width,
 * '0' and '-'). Output is truncated to the buffer, always NUL-terminated
 * when size > 0; the snprintf's return the length the whole output
 * would have had, as C's do.
 */
#ifndef VM_PRINT_H
#define VM_PRINT_H

#include "lib/fmt.h"

#define vm_snprintf fmt_snprintf
#define vm_vsnprintf fmt_vsnprintf

void vm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
