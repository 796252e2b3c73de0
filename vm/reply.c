/*
 * reply.c - the fork child's registers and VM_PS's packed name (see
 * reply.h).
 *
 * Layer: vm/ (pure).
 */
#include "vm/reply.h"

void reply_fork_child_regs(struct calf_regs *r)
{
	/* a0 = x10 .. a6 = x16: the status and MR0..MR5 of a reply whose
	 * MR0 (fork's result) is 0. */
	for (int i = 10; i <= 16; i++)
		r->x[i] = 0;
}

void reply_pack_name(const char *name, unsigned long out[2])
{
	unsigned char b[16] = { 0 };

	for (unsigned i = 0; i < sizeof(b) && name[i]; i++)
		b[i] = (unsigned char)name[i];
	out[0] = out[1] = 0;
	for (unsigned i = 0; i < 8; i++) {
		out[0] |= (unsigned long)b[i] << (8 * i);
		out[1] |= (unsigned long)b[8 + i] << (8 * i);
	}
}
