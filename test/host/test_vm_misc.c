/*
 * test_vm_misc.c - host unit tests of the VM server's small pure parts:
 * its command-line reading (init= and the words after --) and the
 * registers fork and ps leave a caller (reply.c). Its printf is lib/'s
 * (test_fmt.c).
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "test/host/check.h"
#include "vm/cmdline.h"
#include "vm/reply.h"

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

/* ---- what a returning request leaves in the caller's registers ---- */

TEST(child_regs_look_like_a_returned_call)
{
	struct calf_regs r;

	for (int i = 0; i < 32; i++)
		r.x[i] = 100 + (unsigned long)i;
	r.pc = 0x10104;
	reply_fork_child_regs(&r);
	for (int i = 10; i <= 16; i++)
		CHECK_EQ(r.x[i], 0);
	CHECK_EQ(r.x[17], 117);   /* a7 stays */
	CHECK_EQ(r.x[2], 102);    /* sp */
	CHECK_EQ(r.x[9], 109);
	CHECK_EQ(r.pc, 0x10104);
}

TEST(ps_name_packing)
{
	unsigned long w[2];

	reply_pack_name("sh", w);
	CHECK_EQ(w[0], 's' | ('h' << 8));
	CHECK_EQ(w[1], 0);
	reply_pack_name("abcdefghijklmnopqrstuvwxyz", w);
	CHECK_EQ(w[0] & 0xff, 'a');
	CHECK_EQ(w[1] >> 56, 'p');
}

int main(void)
{
	RUN(cmdline_default_init);
	RUN(cmdline_init_and_args);
	RUN(cmdline_named_init_and_spaces);
	RUN(cmdline_refuses);
	RUN(child_regs_look_like_a_returned_call);
	RUN(ps_name_packing);
	return check_summary();
}
