/*
 * check.h - the tiny test harness shared by every host unit test.
 *
 * Layer: test/ (host only). Built with the host gcc and
 * -fsanitize=address,undefined, so a memory bug in the code under test
 * fails the run even when every CHECK passes.
 *
 * Usage:
 *     TEST(map_then_lookup) { CHECK(x == 1); CHECK_EQ(a, b); }
 *     int main(void) { RUN(map_then_lookup); return check_summary(); }
 *
 * A test stops at its first failed CHECK. check_summary() prints the
 * closing line "N passed, N failed" that every suite in this project ends
 * with, and returns the exit status (0 only if nothing failed).
 */
#ifndef TEST_HOST_CHECK_H
#define TEST_HOST_CHECK_H

#include <stdio.h>
#include <stdint.h>

static int check_passed, check_failed, check_current_failed;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                          \
	do {                                                               \
		check_current_failed = 0;                                  \
		test_##name();                                             \
		if (check_current_failed) {                                \
			check_failed++;                                    \
			printf("FAIL %s\n", #name);                        \
		} else {                                                   \
			check_passed++;                                    \
			printf("ok   %s\n", #name);                        \
		}                                                          \
	} while (0)

/* CHECK in a function that returns a value: the value to return when
 * the check fails follows the condition. */
#define CHECK_OR_RETURN(cond, ...)                                         \
	do {                                                               \
		if (!(cond)) {                                             \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__,    \
			       __LINE__, #cond);                           \
			check_current_failed = 1;                          \
			return __VA_ARGS__;                                \
		}                                                          \
	} while (0)

#define CHECK(cond) CHECK_OR_RETURN(cond)

/* Compare two integers and print both values when they differ. */
#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		unsigned long long check_a_ = (unsigned long long)(a);     \
		unsigned long long check_b_ = (unsigned long long)(b);     \
		if (check_a_ != check_b_) {                                \
			printf("  %s:%d: CHECK_EQ(%s, %s) failed: "        \
			       "0x%llx != 0x%llx\n",                       \
			       __FILE__, __LINE__, #a, #b, check_a_,       \
			       check_b_);                                  \
			check_current_failed = 1;                          \
			return;                                            \
		}                                                          \
	} while (0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
