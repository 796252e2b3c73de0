/*
 * fork.h - VM_FORK: a copy-on-write copy of a process.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_FORK_H
#define VM_FORK_H

#include "vm/process.h"

/*
 * Fork parent, which is blocked in its VM_FORK call. Returns the child's
 * pid (the child is running, and sees its call return 0), or
 * -CALF_EAGAIN (process table full), -CALF_ENOMEM (no frame for a page
 * table, no kernel object); then nothing of the child is left.
 */
long vm_fork(struct proc *parent);

#endif
