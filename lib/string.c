/*
 * string.c - memory and string routines for the freestanding kernel and
 * VM server.
 *
 * Layer: lib/ (pure: no CSRs, no libc; each user compiles it with its
 * own flags). The kernel and the VM server link this same file. The page
 * routines move 8 bytes at a time and are unrolled because page zeroing
 * and copying are on hot paths.
 */
#include <stdint.h>

#include "string.h"

/* A word that may alias anything: memcpy and memset handle objects of
 * any type, so their word accesses must not break type-based aliasing. */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	/* Whole 8-byte words where alignment allows: thread slots and
	 * register sets are cleared on every fork. */
	if (((uintptr_t)d & 7) == 0) {
		uint64_t w = (unsigned char)c;
		w |= w << 8;
		w |= w << 16;
		w |= w << 32;
		for (; n >= 8; n -= 8, d += 8)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Words when both sides are 8-byte aligned (register sets, page
	 * contents, messages); bytes for the rest. */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0)
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : 0;
}

void page_zero(void *page)
{
	uint64_t *p = page;
	for (int i = 0; i < 512; i += 8) {
		p[i + 0] = 0; p[i + 1] = 0; p[i + 2] = 0; p[i + 3] = 0;
		p[i + 4] = 0; p[i + 5] = 0; p[i + 6] = 0; p[i + 7] = 0;
	}
}

void page_copy(void *dst, const void *src)
{
	uint64_t *d = dst;
	const uint64_t *s = src;
	for (int i = 0; i < 512; i += 8) {
		uint64_t a = s[i + 0], b = s[i + 1], c = s[i + 2], e = s[i + 3];
		uint64_t f = s[i + 4], g = s[i + 5], h = s[i + 6], k = s[i + 7];
		d[i + 0] = a; d[i + 1] = b; d[i + 2] = c; d[i + 3] = e;
		d[i + 4] = f; d[i + 5] = g; d[i + 6] = h; d[i + 7] = k;
	}
}
