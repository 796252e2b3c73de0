/*
 * string.h - the few memory and string routines the kernel and the VM
 * server use.
 *
 * Layer: lib/ (pure). Both are freestanding, without a libc; gcc may
 * also emit calls to memcpy/memset for structure copies, so these exact
 * names must exist. User programs have picolibc's instead.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);

/* 4 KiB, page aligned: unrolled 8-byte stores, faster than memset. */
void page_zero(void *page);
void page_copy(void *dst, const void *src);

#endif
