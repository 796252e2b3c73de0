/*
 * fmt.h - the one printf engine: the kernel's kprintf, the VM server's
 * vm_printf and every snprintf in both sit on it.
 *
 * Layer: lib/ (pure: no CSRs, no libc; host-tested by test_fmt.c). The
 * engine turns a format and its arguments into characters and hands
 * each to an output callback; where they go (the console, a buffer, a
 * system call) is the caller's business, so each layer keeps only a thin
 * front end of its own (kernel/printf.c, vm/console.c).
 *
 * Conversions: %d %i %u %x %X %p %s %c %%; the length modifiers l, ll
 * and z; a field width; the flags '0' (zero padding, after a '-' sign)
 * and '-' (left-justify). Enough for tables of registers and counters,
 * and nothing that needs floats. An unknown conversion is printed as it
 * stands ("%q"); a lone '%' at the end prints nothing.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Where the characters go: called once per character, in order. */
typedef void fmt_put_fn(void *arg, char c);

/* Format with put(arg, c); returns the number of characters produced. */
size_t fmt_format(fmt_put_fn *put, void *arg, const char *fmt, va_list ap);

/*
 * As C's vsnprintf and snprintf: at most size - 1 characters into buf,
 * always NUL-terminated when size > 0; returns the length the whole
 * output would have had (>= size means it was cut short).
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
