/*
 * reply.h - what a caller finds in its registers when a request returns:
 * the small pure pieces of fork and ps.
 *
 * Layer: vm/ (pure: no system calls, host-tested by test_vm_misc.c).
 * fork.c and request.c call these; they live apart from those
 * (target-only) files so that the host tests can check them.
 */
#ifndef VM_REPLY_H
#define VM_REPLY_H

#include "calf/abi.h"

/*
 * The child's registers from the parent's, read while the parent is
 * blocked in its VM_FORK call: the saved a0..a7 hold the call's
 * arguments and pc is already past the ecall, so the child resumes as
 * if the call returned 0 to it: a0 (status) = 0, a1 (MR0, the result)
 * = 0, a2..a6 (MR1..MR5) = 0 as in the parent's reply. a7 stays.
 */
void reply_fork_child_regs(struct calf_regs *r);

/* The first 16 bytes of name, NUL-padded, packed little-endian into two
 * message words (VM_PS MR4, MR5). */
void reply_pack_name(const char *name, unsigned long out[2]);

#endif
