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
 * with (", N skipped" after it if RUN_LAB skipped any), and returns the
 * exit status (0 only if nothing failed).
 *
 * One test alone: CHECK_ONLY names it (or several, separated by commas
 * or spaces), and the binary runs only those:
 *     CHECK_ONLY=fork_sees_what_sv39_clone_cow_builds build/host/test_vm_fork
 * A name that matches no test fails the run, so a typo cannot pass.
 *
 * Labs (labs/README.md): a test that fails while a lab's solution is
 * stubbed is run with RUN_LAB(lab, name) instead of RUN(name), naming
 * that lab (of several, the latest). `grep -rn 'RUN_LAB(cow' test/host`
 * lists a lab's tests. In a student tree (`make lab` wrote .calf-lab)
 * the build defines CHECK_LABS_LATER, the labs after the tree's own
 * (test/host/host.mk asks tools/labs.py): stubbed there and not the
 * student's to write yet. A test of one of them prints "skip NAME:
 * needs lab LAB" and neither passes nor fails; the tests of the
 * student's own lab run (and fail until it is written), and those of
 * the earlier labs too. CHECK_LABS, every lab, catches a misspelt one.
 */
#ifndef TEST_HOST_CHECK_H
#define TEST_HOST_CHECK_H

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHECK_LABS_LATER
#define CHECK_LABS_LATER ""   /* the full tree: every lab solved */
#endif

static int check_passed, check_failed, check_skipped, check_current_failed, check_selected_n;

#define TEST(name) static void test_##name(void)

/* Whether `word` is one of the words of `list` (separated by spaces or
 * commas). */
static inline int check_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ','))
			return 1;
	return 0;
}

/* Whether the test `name` runs: every test, or those CHECK_ONLY names. */
static inline int check_selected(const char *name)
{
	const char *only = getenv("CHECK_ONLY");

	if (only == NULL || *only == '\0')
		return 1;
	if (!check_word_in(only, name))
		return 0;
	check_selected_n++;
	return 1;
}

#define RUN(name)                                                          \
	do {                                                               \
		if (!check_selected(#name))                                \
			break;                                             \
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

/* RUN(name), unless `lab` comes after a student tree's own (see the top). */
#define RUN_LAB(lab, name)                                                 \
	do {                                                               \
		if (!check_selected(#name))                                \
			break;                                             \
		if (check_lab_unknown(#lab)) {                             \
			check_failed++;                                    \
			printf("FAIL %s: RUN_LAB names no lab called %s "  \
			       "(tools/labs.py)\n", #name, #lab);          \
		} else if (check_word_in(CHECK_LABS_LATER, #lab)) {        \
			check_skipped++;                                   \
			printf("skip %s: needs lab %s, a later lab "       \
			       "(stubbed in this tree)\n", #name, #lab);   \
		} else {                                                   \
			RUN(name);                                         \
		}                                                          \
	} while (0)

/* Whether `lab` is not a lab of tools/labs.py (the build names them in
 * CHECK_LABS; a test built without it checks nothing). */
static inline int check_lab_unknown(const char *lab)
{
#ifdef CHECK_LABS
	return !check_word_in(CHECK_LABS, lab);
#else
	(void)lab;
	return 0;
#endif
}

static inline int check_summary(void)
{
	const char *only = getenv("CHECK_ONLY");

	if (only != NULL && *only != '\0' && check_selected_n == 0) {
		printf("FAIL CHECK_ONLY=%s: no test of that name here\n", only);
		check_failed++;
	}
	if (check_skipped)
		printf("%d passed, %d failed, %d skipped\n", check_passed, check_failed,
		       check_skipped);
	else
		printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
