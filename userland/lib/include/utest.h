/*
 * utest.h - the small harness every test suite program uses.
 *
 * Layer: userland/ (header only).
 *
 * A suite prints one line per check - "ok   name" or "FAIL name: why" -
 * and ends with the plain line "<suite>: N passed, N failed" that the
 * test runner reads. Every suite also checks, at its end, that the free
 * frames of the VM server are back to what they were at its start
 * (utest_begin / utest_end), so a leak anywhere fails the suite.
 *
 *     int main(void) {
 *         utest_begin("cowtest");
 *         UCHECK("fork_isolated", a == b);
 *         return utest_end();
 *     }
 */
#ifndef USERLAND_UTEST_H
#define USERLAND_UTEST_H

#include <stdio.h>

#include "calf.h"

/* One count for the whole program, however many of its files check
 * (weak: each file that includes this defines them, the linker keeps
 * one), so a FAIL in any file fails the suite. */
__attribute__((weak)) const char *utest_suite;
__attribute__((weak)) int utest_passed, utest_failed;
__attribute__((weak)) unsigned long utest_free_at_start;

static inline unsigned long utest_free_frames(void)
{
	return calf_stat(VM_STAT_FREE_FRAMES);
}

static inline void utest_ok(const char *name)
{
	utest_passed++;
	printf("ok   %s\n", name);
}

static inline void utest_fail(const char *name, const char *why)
{
	utest_failed++;
	printf("FAIL %s: %s\n", name, why);
}

/* A failure with a reason and the two numbers compared. */
static inline void utest_fail_got(const char *name, const char *why, long got, long want)
{
	utest_failed++;
	printf("FAIL %s: %s (got %ld, want %ld)\n", name, why, got, want);
}

/* A check that a call returned exactly `want`. */
static inline void utest_expect(const char *name, long got, long want)
{
	if (got == want)
		utest_ok(name);
	else
		utest_fail_got(name, "wrong result", got, want);
}

/* A check with a fixed reason. */
#define UCHECK(name, cond)                                                 \
	((cond) ? utest_ok(name) : utest_fail(name, "expected " #cond))

/* Compare numbers and show both on failure. */
#define UCHECK_EQ(name, got, want)                                         \
	do {                                                               \
		long long utest_g_ = (long long)(got);                     \
		long long utest_w_ = (long long)(want);                    \
		if (utest_g_ == utest_w_) {                                \
			utest_ok(name);                                    \
		} else {                                                   \
			char utest_b_[96];                                 \
			snprintf(utest_b_, sizeof(utest_b_),               \
				 "got %lld, want %lld", utest_g_, utest_w_);\
			utest_fail(name, utest_b_);                        \
		}                                                          \
	} while (0)

static inline void utest_begin(const char *suite)
{
	utest_suite = suite;
	utest_passed = utest_failed = 0;
	/* Print once before counting: the first output gives stdio's buffer
	 * page a frame, which must not look like a leak at the end. */
	printf("%s: starting\n", suite);
	fflush(stdout);
	utest_free_at_start = utest_free_frames();
	printf("%s: %lu frames free\n", suite, utest_free_at_start);
}

/* The closing check and line; returns the exit status (0: all passed).
 * Call it after every child has been reaped. */
static inline int utest_end(void)
{
	UCHECK_EQ("free_frames_back_to_start", utest_free_frames(), utest_free_at_start);
	printf("%s: %d passed, %d failed\n", utest_suite, utest_passed, utest_failed);
	return utest_failed ? 1 : 0;
}

#endif
