/*
 * libc.h - the few C library functions the freestanding VM server needs.
 *
 * Layer: vm/ (target only; host tests use the host's C library). gcc may
 * emit calls to memcpy and memset by itself (structure copies), so they
 * must exist even where the code never names them.
 */
#ifndef VM_LIBC_H
#define VM_LIBC_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
