/*
 * ipc_fastpath.h - the IPC fast paths, inlined into syscall_from_user.
 *
 * Layer: kernel/. Included by syscall.c only. They are in a header so
 * the compiler can fold them into the system-call entry: no calls, no
 * second function prologue on the hottest path of the kernel.
 */
#ifndef KERNEL_IPC_FASTPATH_H
#define KERNEL_IPC_FASTPATH_H

#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/thread.h"

/*
 * The fast paths. syscall_from_user tries these before the general
 * dispatcher. Each checks that the common case holds - the partner is
 * already waiting, it has a live ASID, nothing of higher priority is
 * queued, no fault is involved - and then does the whole call with no
 * run-queue work and no function calls, returning the partner's context
 * for trap_entry.S to restore. The six message words are not copied
 * here: trap_entry.S loads them into the partner's a1..a6 straight from
 * the sender's saved registers (ctx.msg_from), so the partner's saved
 * a1..a6 are stale until it next enters the kernel, which saves them
 * again. Anything unusual returns NULL and the general path (sys_call,
 * sys_reply_recv) handles it the slow way.
 */
static inline struct user_context *switch_fast(struct cpu *c, struct thread *to,
					      struct thread *msg_from)
{
	uint64_t cur;

	to->state = THREAD_RUNNABLE;
	c->current = to;
	__asm__ volatile("csrr %0, satp" : "=r"(cur));
	if (cur != to->as->satp)
		__asm__ volatile("csrw satp, %0" ::"r"(to->as->satp) : "memory");
	to->ctx.kstack_top = c->kstack_top;
	to->ctx.hartid = c->hartid;
	to->ctx.msg_from = &msg_from->ctx;
	return &to->ctx;
}

static inline bool may_run_now(const struct thread *to, uint32_t queued)
{
	return to->as->asid_generation == asid_generation_now &&
	       (queued >> to->priority) <= 1;
}

#define SLOW_PATH NULL

/* Take r, the head of ep's receive queue, off it. */
static inline void take_receiver(struct endpoint *ep, struct thread *r)
{
	ep->receivers.head = r->q_next;
	if (r->q_next)
		r->q_next->q_prev = NULL;
	else
		ep->receivers.tail = NULL;
	r->q_next = NULL;
	r->queue = NULL;
	r->blocked_on = NULL;
}

static inline struct user_context *ipc_fastpath_call(struct thread *t, uint32_t queued)
{
	uint64_t h = t->ctx.regs[REG_A0];
	if (h >= CALF_MAX_HANDLES)
		return SLOW_PATH;
	struct handle *hd = &t->as->handles[h];
	struct endpoint *ep = hd->ep;
	if (!ep)
		return SLOW_PATH;
	struct thread *r = ep->receivers.head;
	if (!r || !may_run_now(r, queued))
		return SLOW_PATH;

	take_receiver(ep, r);

	r->ctx.regs[REG_A0] = hd->badge;
	r->ctx.regs[REG_A7] = t->tid;
	t->state = THREAD_BLOCKED_REPLY;
	t->reply_partner = r;
	t->fault = FAULT_NONE;
	r->last_caller = t;
	return switch_fast(cpu_self(), r, t);
}

static inline struct user_context *ipc_fastpath_reply_recv(struct thread *t, uint32_t queued)
{
	uint64_t h = t->ctx.regs[REG_A0];
	if (h >= CALF_MAX_HANDLES)
		return SLOW_PATH;
	struct endpoint *ep = t->as->handles[h].ep;
	struct thread *caller = t->last_caller;
	if (!ep || !t->as->handles[h].can_recv || !caller || ep->senders.head ||
	    caller->state != THREAD_BLOCKED_REPLY || caller->reply_partner != t ||
	    !may_run_now(caller, queued))
		return SLOW_PATH;

	bool resume_fault = false;
	if (caller->fault != FAULT_NONE) {
		/* A pager answering a fault: only "resume" is common enough
		 * to be here. The faulting thread gets no message: it runs
		 * its instruction (or system call) again, all registers as
		 * they were. */
		if (t->ctx.regs[REG_A1] != CALF_FAULT_RESUME || caller->fault == FAULT_EXIT)
			return SLOW_PATH;
		caller->fault = FAULT_NONE;
		resume_fault = true;
	} else {
		/* Reply: the caller's call returns 0 with the message. */
		caller->ctx.regs[REG_A0] = 0;
	}
	caller->reply_partner = NULL;
	t->last_caller = NULL;

	/* Receive: nobody is sending, so t waits on ep. */
	t->state = THREAD_BLOCKED_RECV;
	t->blocked_on = ep;
	tq_push(&ep->receivers, t);
	struct user_context *next = switch_fast(cpu_self(), caller, t);
	if (resume_fault)
		caller->ctx.msg_from = NULL;   /* restore everything, no message */
	return next;
}

/* A user thread faulted and its pager is waiting: deliver the fault
 * message (composed by the kernel, so it is written into the pager's
 * registers) and switch straight to the pager. */
static inline struct user_context *ipc_fastpath_fault(struct thread *t,
						      const uint64_t msg[CALF_MSG_WORDS],
						      uint32_t queued)
{
	struct endpoint *ep = t->pager;
	struct thread *r = ep ? ep->receivers.head : NULL;

	if (!r || !may_run_now(r, queued))
		return SLOW_PATH;
	take_receiver(ep, r);
	uint64_t *regs = r->ctx.regs;
	regs[REG_A0] = t->pager_badge;
	for (int i = 0; i < CALF_MSG_WORDS; i++)
		regs[REG_A1 + i] = msg[i];
	regs[REG_A7] = t->tid;
	t->state = THREAD_BLOCKED_REPLY;
	t->reply_partner = r;
	t->fault = FAULT_USER;
	r->last_caller = t;
	struct user_context *next = switch_fast(cpu_self(), r, t);
	r->ctx.msg_from = NULL;           /* the message is in r's registers */
	return next;
}

#endif
