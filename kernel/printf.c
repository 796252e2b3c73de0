/*
 * printf.c - the kernel's printf, over the platform console.
 *
 * Layer: kernel/. One formatter serves both the console and string
 * buffers, through an output callback.
 */
#include <stdint.h>

#include "kernel/printf.h"
#include "platform/console.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size, len;
};

static void put_console(struct sink *s, char c)
{
	(void)s;
	console_putc(c);
}

static void put_buffer(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width,
		       int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n > 0 && str[0] == '-') {
		/* Zero padding goes after the sign: -0042, not 00-42. */
		s->put(s, '-');
		str++;
		n--;
	}
	if (!left)
		while (fill-- > 0)
			s->put(s, pad);
	for (size_t i = 0; i < n; i++)
		s->put(s, str[i]);
	if (left)
		while (fill-- > 0)
			s->put(s, ' ');
}

static size_t format_unsigned(char *out, unsigned long long v, unsigned base,
			      int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n)
		out[i++] = tmp[--n];
	return i;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		int left = 0, width = 0, lng = 0;
		char pad = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}

		char num[32];
		size_t n;
		unsigned long long u;
		long long d;

		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng ? va_arg(ap, long long) : va_arg(ap, int);
			n = 0;
			if (d < 0) {
				num[n++] = '-';
				u = 0ull - (unsigned long long)d;
			} else {
				u = (unsigned long long)d;
			}
			n += format_unsigned(num + n, u, 10, 0);
			put_padded(s, num, n, width, left, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			n = format_unsigned(num, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			put_padded(s, num, n, width, left, pad);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			num[0] = '0';
			num[1] = 'x';
			n = 2 + format_unsigned(num + 2, u, 16, 0);
			put_padded(s, num, n, width, left, pad);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t len = 0;
			while (str[len])
				len++;
			put_padded(s, str, len, width, left, ' ');
			break;
		}
		case 'c':
			num[0] = (char)va_arg(ap, int);
			put_padded(s, num, 1, width, left, ' ');
			break;
		case '%':
			s->put(s, '%');
			break;
		case '\0':
			return;
		default:
			/* Unknown conversion: show it rather than guess. */
			s->put(s, '%');
			s->put(s, *fmt);
			break;
		}
	}
}

void kvprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console };
	format(&s, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct sink s = { .put = put_buffer, .buf = buf, .size = size };
	va_list ap;
	va_start(ap, fmt);
	format(&s, fmt, ap);
	va_end(ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}
