/*
 * syscall.h - the system-call table.
 *
 * Layer: kernel/. Numbers and errors are in calf/abi.h; docs/syscalls.md is
 * the prose version. A handler reads its arguments from the thread's
 * saved a0..a6 and returns the value for a0, or SYSCALL_DONE when it has
 * already arranged what the thread sees (it blocked, or IPC wrote its
 * registers).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/thread.h"

typedef long (*syscall_fn)(struct thread *t);


/* Privileged calls (priv.c), for the thread holding the VM right. */
long sys_aspace_create(struct thread *t);
long sys_aspace_destroy(struct thread *t);
long sys_thread_create(struct thread *t);
long sys_thread_kill(struct thread *t);
long sys_thread_get_regs(struct thread *t);
long sys_thread_set_regs(struct thread *t);
long sys_tlb_invalidate(struct thread *t);
long sys_handle_grant(struct thread *t);
long sys_poweroff(struct thread *t);
long sys_fence_i(struct thread *t);
long sys_thread_start(struct thread *t);

#endif
