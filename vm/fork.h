/*
 * fork.h - VM_FORK: a copy-on-write copy of a process.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_FORK_H
#define VM_FORK_H

#include "vm/process.h"

/*
 * Fork parent, whose thread `tid` is blocked in its VM_FORK call: the
 * child gets a copy of that thread only (POSIX), with the whole address
 * space, other threads' stacks included. Returns the child's pid (the
 * child is running, and sees its call return 0), or -CALF_EAGAIN
 * (process or thread table full), -CALF_ENOMEM (no frame for a page
 * table, no kernel object); then nothing of the child is left.
 */
long vm_fork(struct proc *parent, long tid);

#endif
