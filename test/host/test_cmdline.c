/*
 * test_cmdline.c - host unit tests of the command-line reader
 * (lib/cmdline.c): the tokenizer and the kernel's option lookups.
 *
 * Layer: test/ (host only). The VM server's init= reading on top of it
 * is test_vm_misc.c's.
 */
#include <string.h>

#include "lib/cmdline.h"
#include "test/host/check.h"

/* The words of s, joined with '|'. */
static const char *words(const char *s)
{
	static char out[128];
	const char *w;
	size_t len, n = 0;

	for (w = cmdline_next(s, &len); len; w = cmdline_next(w + len, &len)) {
		if (n)
			out[n++] = '|';
		memcpy(out + n, w, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

TEST(tokenizer)
{
	size_t len = 99;

	CHECK(!strcmp(words(""), ""));
	CHECK(!strcmp(words("   \t "), ""));
	CHECK(!strcmp(words("one"), "one"));
	CHECK(!strcmp(words("  a  bc\tdef \t g  "), "a|bc|def|g"));
	CHECK(!strcmp(words("init=sh -- -c x"), "init=sh|--|-c|x"));
	cmdline_next("  ", &len);
	CHECK_EQ(len, 0);
}

TEST(word_is)
{
	CHECK(cmdline_word_is("--x", 2, "--"));
	CHECK(!cmdline_word_is("--x", 3, "--"));
	CHECK(!cmdline_word_is("-", 1, "--"));
	CHECK(cmdline_word_is("", 0, ""));
	CHECK(!cmdline_word_is("a", 1, ""));
}

TEST(has)
{
	CHECK(cmdline_has("stop-after-boot", "stop-after-boot"));
	CHECK(cmdline_has("x\tstop-after-boot y", "stop-after-boot"));
	CHECK(!cmdline_has("stop-after-bootx", "stop-after-boot"));
	CHECK(!cmdline_has("xstop-after-boot", "stop-after-boot"));
	CHECK(!cmdline_has("stop-after", "stop-after-boot"));
	CHECK(!cmdline_has("a b", ""));
	CHECK(!cmdline_has("", "a"));
}

TEST(value)
{
	char buf[8];

	CHECK(cmdline_value("a crash=load b", "crash", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "load"));
	CHECK(cmdline_value("crash= b", "crash", buf, sizeof(buf)));   /* empty value */
	CHECK(!strcmp(buf, ""));
	CHECK(cmdline_value("crash=store-text", "crash", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "store-t"));                                /* cut to the buffer */
	CHECK(cmdline_value("crash=a crash=b", "crash", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "a"));                                      /* the first one */
	strcpy(buf, "keep");
	CHECK(!cmdline_value("crash load crashx=1 xcrash=1", "crash", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "keep"));
	CHECK(!cmdline_value("=x", "", buf, sizeof(buf)));
	CHECK(cmdline_value("k=v", "k", buf, 0));                     /* size 0: found, nothing written */
	CHECK(!strcmp(buf, "keep"));
}

TEST(uint)
{
	unsigned long v = 7;

	CHECK(cmdline_uint("asid-bits=2", "asid-bits", &v));
	CHECK_EQ(v, 2);
	CHECK(cmdline_uint("x asid-bits=0 y", "asid-bits", &v));
	CHECK_EQ(v, 0);
	CHECK(cmdline_uint("n=18446744073709551615", "n", &v));
	CHECK_EQ(v, ~0ul);
	v = 7;
	CHECK(!cmdline_uint("n=18446744073709551616", "n", &v));      /* 2^64 */
	CHECK(!cmdline_uint("n=184467440737095516150", "n", &v));     /* longer than any buffer */
	CHECK(!cmdline_uint("n=", "n", &v));
	CHECK(!cmdline_uint("n=12a", "n", &v));
	CHECK(!cmdline_uint("n=-1", "n", &v));
	CHECK(!cmdline_uint("m=1", "n", &v));
	CHECK_EQ(v, 7);
}

int main(void)
{
	RUN(tokenizer);
	RUN(word_is);
	RUN(has);
	RUN(value);
	RUN(uint);
	return check_summary();
}
