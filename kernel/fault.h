/*
 * fault.h - exceptions taken in U-mode.
 *
 * Layer: kernel/. The kernel holds no memory policy: a page fault (or
 * any other exception) of a user thread becomes a fault message to the
 * thread's pager (calf/abi.h, CALF_FAULT_MR_*). A thread without a pager is
 * killed with a message naming the fault, the address and the pc.
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <stdint.h>

#include "kernel/thread.h"

/* Forward the exception (or kill). Returns the context to run next when
 * it could switch straight to a waiting pager, else NULL (the caller
 * asks the scheduler). */
struct user_context *fault_from_user(struct thread *t, uint64_t scause, uint64_t stval);

#endif
