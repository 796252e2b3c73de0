/*
 * print.h - printf for the VM server.
 *
 * Layer: vm/. The formatting is lib/'s printf engine (lib/fmt.h): the
 * VM server's code calls fmt_snprintf by the name below. vm_printf,
 * the VM server's own front end (vm/console.c), formats into a buffer
 * and writes it with one SYS_CONSOLE_WRITE.
 *
 * Conversions: lib/fmt.h's (%s %c %d %i %u %x %X %p %%, l ll z, width,
 * '0' and '-'). vm_snprintf cuts the output to the buffer, always
 * NUL-terminated when size > 0, and returns the length the whole output
 * would have had, as C's snprintf does.
 */
#ifndef VM_PRINT_H
#define VM_PRINT_H

#include "lib/fmt.h"

#define vm_snprintf fmt_snprintf

void vm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
