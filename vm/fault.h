/*
 * fault.h - resolving a page fault (or killing for another exception).
 *
 * Layer: vm/ (target only). fault_policy.c decides; this file gathers
 * the facts and applies the decision to the page tables.
 */
#ifndef VM_FAULT_H
#define VM_FAULT_H

#include <stdbool.h>

#include "vm/sys.h"

/*
 * Handle the fault message m (MR0 = CALF_LABEL_FAULT, see kernel/abi.h).
 * Returns true when the faulting thread must get a reply, with m->mr[0]
 * set to CALF_FAULT_RESUME, CALF_FAULT_EFAULT (the kernel's copy routine
 * hit a bad pointer) or CALF_FAULT_KILL (a thread we do not know).
 * Returns false when the process was killed: its thread went with its
 * address space, so there is no one to reply to.
 */
bool vm_fault(struct vm_msg *m);

#endif
