/*
 * fmt.c - the printf engine (see fmt.h).
 *
 * Layer: lib/ (pure). One pass over the format; each conversion is
 * first written into a small buffer (at most a sign, "0x" and 22
 * digits), then padded to its width on the way out.
 */
#include <stdint.h>

#include "fmt.h"

struct out {
	fmt_put_fn *put;
	void *arg;
	size_t n;          /* characters produced so far */
};

static void put(struct out *o, char c)
{
	o->put(o->arg, c);
	o->n++;
}

static void put_padded(struct out *o, const char *str, size_t n, int width, int left,
		       char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n > 0 && str[0] == '-') {
		/* Zero padding goes after the sign: -0042, not 00-42. */
		put(o, '-');
		str++;
		n--;
	}
	if (!left)
		while (fill-- > 0)
			put(o, pad);
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t format_unsigned(char *out, unsigned long long v, unsigned base, int upper)
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

size_t fmt_format(fmt_put_fn *put_fn, void *arg, const char *fmt, va_list ap)
{
	struct out o = { put_fn, arg, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
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
				/* Negate in unsigned arithmetic: -LLONG_MIN overflows. */
				u = 0ull - (unsigned long long)d;
			} else {
				u = (unsigned long long)d;
			}
			n += format_unsigned(num + n, u, 10, 0);
			put_padded(&o, num, n, width, left, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			n = format_unsigned(num, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			put_padded(&o, num, n, width, left, pad);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			num[0] = '0';
			num[1] = 'x';
			n = 2 + format_unsigned(num + 2, u, 16, 0);
			put_padded(&o, num, n, width, left, pad);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t len = 0;
			while (str[len])
				len++;
			put_padded(&o, str, len, width, left, ' ');
			break;
		}
		case 'c':
			num[0] = (char)va_arg(ap, int);
			put_padded(&o, num, 1, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			return o.n;
		default:
			/* Unknown conversion: show it rather than guess. */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	return o.n;
}

struct buffer {
	char *buf;
	size_t size, len;
};

static void put_buffer(void *arg, char c)
{
	struct buffer *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { buf, size, 0 };

	fmt_format(put_buffer, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
