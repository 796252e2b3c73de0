/*
 * test_fmt.c - host unit tests of the printf engine (lib/fmt.c).
 *
 * Layer: test/ (host only). Each conversion against a hand-written
 * answer; then a few thousand random formats (flags, widths, lengths,
 * values) against the host C library's snprintf, which must agree on
 * everything the engine supports; then truncation and the callback.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/fmt.h"
#include "test/host/check.h"
#include "test/host/fixture.h"

static char buf[160];

/* fmt_snprintf must print `want` and return its length. */
#define CHECK_FMT(want, ...)                                               \
	do {                                                               \
		int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);      \
		if (strcmp(buf, (want)) != 0)                              \
			printf("  got \"%s\", want \"%s\"\n", buf, (want));  \
		CHECK(strcmp(buf, (want)) == 0);                           \
		CHECK_EQ(n_, strlen(want));                                \
	} while (0)

TEST(conversions)
{
	const char *volatile nothing = NULL;   /* gcc refuses a literal NULL for %s */

	CHECK_FMT("-5 7 4000000000 beef BEEF 123456789abc -9000000000", "%d %i %u %x %X %lx %ld",
		  -5, 7, 4000000000u, 0xbeef, 0xbeef, 0x123456789abcul, -9000000000l);
	CHECK_FMT("[hi] [z] [%] [(null)]", "[%s] [%c] [%%] [%s]", "hi", 'z', nothing);
	CHECK_FMT("-9223372036854775808 18446744073709551615 0", "%ld %lu %zu", (long)INT64_MIN,
		  (unsigned long)UINT64_MAX, (size_t)0);
	CHECK_FMT("-2147483648 -1", "%d %lld", INT_MIN, -1ll);
	CHECK_FMT("0x1000 0x0", "%p %p", (void *)0x1000, (void *)0);
	CHECK_FMT("", "%s", "");
}

TEST(widths_and_flags)
{
	CHECK_FMT("[00000abc] [   42] [42   ] [-0042] [  -42]", "[%08lx] [%5d] [%-5d] [%05d] [%5d]",
		  0xabcul, 42, 42, -42, -42);
	CHECK_FMT("[  hi] [hi  ] [    x] [x ]", "[%4s] [%-4s] [%5c] [%-2c]", "hi", "hi", 'x', 'x');
	CHECK_FMT("[  0x10] [0x10  ]", "[%6p] [%-6p]", (void *)0x10, (void *)0x10);
	CHECK_FMT("[abcdef]", "[%3s]", "abcdef");     /* width is a minimum */
	CHECK_FMT("[ra   0x0000000000000001]", "[%-4s 0x%016lx]", "ra", 1ul);
}

TEST(odd_formats)
{
	/* Via a variable: gcc checks literal formats. */
	const char *lone = "x%", *flag_only = "y%-", *unknown = "%q|%5y";

	CHECK_FMT("x", lone);
	CHECK_FMT("y", flag_only);
	CHECK_FMT("%q|%y", unknown);
}

/* Random formats the engine supports, against the C library. */
TEST(agrees_with_libc)
{
	static const char *const flags[] = { "", "-", "0", "-0" };
	static const char convs[] = "diuxX";
	uint64_t seed = 0x5eed0f0f7ull;
	char want[160], f[32];

	for (int i = 0; i < 4000; i++) {
		const char *fl = flags[xorshift_next(&seed) % 4];
		unsigned width = xorshift_next(&seed) % 26;
		char conv = convs[xorshift_next(&seed) % 5];
		int lng = xorshift_next(&seed) % 2;
		uint64_t v = (uint64_t)xorshift_next(&seed) << 32 | xorshift_next(&seed);
		int n, m;

		v >>= xorshift_next(&seed) % 64;       /* small values too */
		if (xorshift_next(&seed) % 2)
			v = -v;
		snprintf(f, sizeof(f), "<%%%s%u%s%c>", fl, width, lng ? "l" : "", conv);
		if (lng) {
			n = fmt_snprintf(buf, sizeof(buf), f, (long)v);
			m = snprintf(want, sizeof(want), f, (long)v);
		} else {
			n = fmt_snprintf(buf, sizeof(buf), f, (int)v);
			m = snprintf(want, sizeof(want), f, (int)v);
		}
		if (strcmp(buf, want) != 0 || n != m)
			printf("  format \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n", f, buf, n,
			       want, m);
		CHECK(strcmp(buf, want) == 0);
		CHECK_EQ(n, m);
	}
	for (int i = 0; i < 500; i++) {
		const char *fl = flags[xorshift_next(&seed) % 2];
		unsigned width = xorshift_next(&seed) % 12;
		const char *s = "abcdefgh" + xorshift_next(&seed) % 9;
		int n, m;

		snprintf(f, sizeof(f), "<%%%s%us|%%%s%uc>", fl, width, fl, width);
		n = fmt_snprintf(buf, sizeof(buf), f, s, 'q');
		m = snprintf(want, sizeof(want), f, s, 'q');
		CHECK(strcmp(buf, want) == 0);
		CHECK_EQ(n, m);
	}
}

TEST(truncates)
{
	char small[6];

	CHECK_EQ(fmt_snprintf(small, sizeof(small), "abcdefgh"), 8);   /* what it would have been */
	CHECK(!strcmp(small, "abcde"));
	CHECK_EQ(fmt_snprintf(small, sizeof(small), "%d|%s", -12345, "xyz"), 10);
	CHECK(!strcmp(small, "-1234"));
	CHECK_EQ(fmt_snprintf(small, 1, "abc"), 3);
	CHECK_EQ(small[0], 0);
	small[0] = 'k';
	CHECK_EQ(fmt_snprintf(small, 0, "abc"), 3);                     /* size 0: nothing written */
	CHECK_EQ(small[0], 'k');
}

/* The callback sees every character, in order, and the count is right. */
struct collect {
	char text[64];
	size_t len;
};

static void collect(void *arg, char c)
{
	struct collect *k = arg;

	if (k->len < sizeof(k->text) - 1)
		k->text[k->len++] = c;
}

static size_t call_format(struct collect *k, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_format(collect, k, fmt, ap);
	va_end(ap);
	return n;
}

TEST(callback)
{
	struct collect k = { .len = 0 };

	CHECK_EQ(call_format(&k, "%s=%03u%c", "pid", 7u, '\n'), 8);
	CHECK_EQ(k.len, 8);
	k.text[k.len] = '\0';
	CHECK(!strcmp(k.text, "pid=007\n"));
}

int main(void)
{
	RUN(conversions);
	RUN(widths_and_flags);
	RUN(odd_formats);
	RUN(agrees_with_libc);
	RUN(truncates);
	RUN(callback);
	return check_summary();
}
