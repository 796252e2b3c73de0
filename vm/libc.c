/*
 * libc.c - memcpy, memmove, memset, memcmp, strlen, strcmp.
 *
 * Layer: vm/ (target only). The VM server copies whole pages with
 * frame.c's doubleword loops; these serve structures and strings. memcpy
 * and memset go a doubleword at a time when both ends are aligned (a
 * struct proc is about a kilobyte, copied or cleared on every fork),
 * bytes otherwise. Built with
 * -fno-tree-loop-distribute-patterns so gcc does not turn the loop in
 * memset into a call to memset.
 */
#include "vm/libc.h"

/* A word that may alias anything: memcpy copies objects of any type. */
typedef unsigned long __attribute__((may_alias)) word_t;

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((unsigned long)d | (unsigned long)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
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

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (((unsigned long)d & 7) == 0) {
		unsigned long w = (unsigned char)c * 0x0101010101010101ul;

		for (; n >= 8; n -= 8, d += 8)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
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
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
