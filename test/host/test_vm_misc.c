/*
 * test_vm_misc.c - host unit tests of the VM server's command-line
 * reading (init= and the words after --) and its tiny printf.
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "test/host/check.h"
#include "vm/cmdline.h"
#include "vm/print.h"

static char block[64];

TEST(cmdline_default_init)
{
	CHECK_EQ(vm_cmdline_init_args("", block, sizeof(block)), 5);
	CHECK(!memcmp(block, "init\0", 5));
	CHECK_EQ(vm_cmdline_init_args("poweroff crash=load", block, sizeof(block)), 5);
	CHECK(!memcmp(block, "init\0", 5));
}

TEST(cmdline_init_and_args)
{
	static const char want[] = "init\0ktest\0--poweroff";   /* + final NUL */

	CHECK_EQ(vm_cmdline_init_args("poweroff init=init -- ktest --poweroff", block,
				      sizeof(block)), sizeof(want));
	CHECK(!memcmp(block, want, sizeof(want)));
}

TEST(cmdline_named_init_and_spaces)
{
	static const char want[] = "sh\0-c\0x";

	CHECK_EQ(vm_cmdline_init_args("  init=sh   --   -c  x  ", block, sizeof(block)),
		 sizeof(want));
	CHECK(!memcmp(block, want, sizeof(want)));
	/* init= after -- is an argument, not the name */
	CHECK_EQ(vm_cmdline_init_args("-- init=sh", block, sizeof(block)), 13);
	CHECK(!memcmp(block, "init\0init=sh\0", 13));
	/* "initx=" is not "init=" */
	CHECK_EQ(vm_cmdline_init_args("initx=sh", block, sizeof(block)), 5);
}

TEST(cmdline_refuses)
{
	CHECK_EQ(vm_cmdline_init_args("init=", block, sizeof(block)), -1);
	CHECK_EQ(vm_cmdline_init_args("init=verylongname", block, 10), -1);
	CHECK_EQ(vm_cmdline_init_args("-- a b c", block, 8), -1);   /* "init\0a\0b\0c\0" is 11 */
	CHECK_EQ(vm_cmdline_init_args("-- a b c", block, 11), 11);
}

TEST(printf_conversions)
{
	char buf[80];

	vm_snprintf(buf, sizeof(buf), "%d %i %u %x %lx %ld", -5, 7, 4000000000u, 0xbeef,
		    0x123456789abcul, -9000000000l);
	CHECK(!strcmp(buf, "-5 7 4000000000 beef 123456789abc -9000000000"));
	vm_snprintf(buf, sizeof(buf), "[%s] [%c] [%%] [%08lx] [%5d]", "hi", 'z', 0xabcul, 42);
	CHECK(!strcmp(buf, "[hi] [z] [%] [00000abc] [   42]"));
	vm_snprintf(buf, sizeof(buf), "%ld %zu", (long)INT64_MIN, (size_t)0);
	CHECK(!strcmp(buf, "-9223372036854775808 0"));
	vm_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
	CHECK(!strcmp(buf, "0x1000"));
}

TEST(printf_truncates)
{
	char buf[6];

	CHECK_EQ(vm_snprintf(buf, sizeof(buf), "abcdefgh"), 5);
	CHECK(!strcmp(buf, "abcde"));
	CHECK_EQ(vm_snprintf(buf, 1, "abc"), 0);
	CHECK_EQ(buf[0], 0);
	{
		/* a lone '%' at the end (via a variable: gcc checks literals) */
		const char *fmt = "x%";

		CHECK_EQ(vm_snprintf(buf, sizeof(buf), fmt), 1);
		CHECK(!strcmp(buf, "x"));
	}
}

int main(void)
{
	RUN(cmdline_default_init);
	RUN(cmdline_init_and_args);
	RUN(cmdline_named_init_and_spaces);
	RUN(cmdline_refuses);
	RUN(printf_conversions);
	RUN(printf_truncates);
	return check_summary();
}
