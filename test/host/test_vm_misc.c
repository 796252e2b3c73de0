/*
 * test_vm_misc.c - host unit tests of the VM server's command-line
 * reading (init= and the words after --). Its printf is lib/'s
 * (test_fmt.c).
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "test/host/check.h"
#include "vm/cmdline.h"

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

int main(void)
{
	RUN(cmdline_default_init);
	RUN(cmdline_init_and_args);
	RUN(cmdline_named_init_and_spaces);
	RUN(cmdline_refuses);
	return check_summary();
}
