/*
 * ipc.h - synchronous message passing: send, receive, call, reply.
 *
 * Layer: kernel/. Messages are six words in registers (MR0..MR5 in
 * a1..a6) plus the badge of the sender's handle. Nothing is buffered in
 * the kernel: a sender waits until a receiver is there, and vice versa.
 * The common cases of call and reply_recv take the fast paths of
 * ipc_fastpath.S when it is built in (FASTPATH=1); everything else, and
 * everything when FASTPATH=0, comes here.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/endpoint.h"
#include "kernel/thread.h"

/* Return value of a system call that has already arranged what the
 * thread sees (it blocked, or its registers were written). Not an error
 * code (those are small), and one instruction to load. */
#define SYSCALL_DONE (-2000l)

long sys_send(struct thread *t);
long sys_recv(struct thread *t);
long sys_call(struct thread *t);
long sys_reply(struct thread *t);
long sys_reply_to(struct thread *t);
long sys_reply_recv(struct thread *t);

/* Make t call ep with a message the kernel composed (a fault). */
void ipc_call_kernel_msg(struct thread *t, struct endpoint *ep, uint64_t badge,
			 const uint64_t msg[CALF_MSG_WORDS], enum fault_kind why);

/*
 * A message from the kernel itself, sent on behalf of no thread: an
 * interrupt handler cannot block (console_input.c tells the VM server of
 * the interrupt character this way). `from` is a thread object of the
 * caller's own, with tid 0, that never runs: the message goes to a
 * receiver waiting on ep now, with badge 0 and sender tid 0, or waits in
 * ep's queue as a blocked sender's would, until the next receive. While
 * it waits, further messages from `from` are dropped: one is enough.
 */
void ipc_send_from_kernel(struct thread *from, struct endpoint *ep,
			  const uint64_t msg[CALF_MSG_WORDS]);

/* Threads waiting for t's reply, or blocked on ep, are told their
 * partner is gone: their call returns -CALF_EINTR (a fault is fatal). */
void ipc_abort_callers_of(struct thread *t);
void ipc_abort_waiters(struct endpoint *ep);

#endif
