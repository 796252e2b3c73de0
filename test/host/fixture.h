/*
 * fixture.h - what the host tests of binary formats share: reading a
 * fixture file into memory, copying it into a buffer of an exact size
 * (so a sanitizer catches any read past the end), and a seeded
 * pseudo-random generator for the mutation tests.
 *
 * Layer: test/ (host only, header only).
 */
#ifndef TEST_HOST_FIXTURE_H
#define TEST_HOST_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blob {
	uint8_t *data;
	uint64_t size;
};

/* The whole file at path; exits with status 2 if it cannot be read (a
 * missing fixture is a broken checkout, not a failed check). */
static inline struct blob blob_load(const char *path)
{
	struct blob b = { NULL, 0 };
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) <= 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	b.size = (uint64_t)n;
	b.data = malloc(b.size);
	if (b.data == NULL || fread(b.data, 1, b.size, fp) != b.size) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	fclose(fp);
	return b;
}

/* A copy in a buffer of exactly `size` bytes (size may be smaller than
 * b.size: a truncated blob; bytes beyond b.size are zero). */
static inline struct blob blob_copy(struct blob b, uint64_t size)
{
	struct blob c;

	c.size = size;
	c.data = malloc(size ? size : 1);
	if (c.data == NULL)
		exit(2);
	memset(c.data, 0, size ? size : 1);
	memcpy(c.data, b.data, size < b.size ? size : b.size);
	return c;
}

/* xorshift64*: a fixed seed gives the same mutations on every run. */
static inline uint32_t xorshift_next(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (uint32_t)((*state * 0x2545f4914f6cdd1dull) >> 32);
}

#endif
