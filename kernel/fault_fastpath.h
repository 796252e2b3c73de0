/*
 * fault_fastpath.h - the fault fast path, inlined into exception_from_user.
 *
 * Layer: kernel/. Included by fault.c only. It is in a header so the
 * compiler can fold it into the exception entry: no calls, no second
 * function prologue on the path of every page fault.
 */
#ifndef KERNEL_FAULT_FASTPATH_H
#define KERNEL_FAULT_FASTPATH_H

#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/thread.h"

/*
 * The fault fast path. exception_from_user tries it before the general
 * path: when the faulting thread's pager is already waiting, the fault
 * message is written into the pager's registers and the hart switches
 * straight to it, with no run-queue work and no function calls. It
 * returns the pager's context for trap_entry.S to restore, or NULL and
 * the general path (ipc_call_kernel_msg) handles it. SYS_CALL and
 * SYS_REPLY_RECV have their fast paths in assembly (ipc_fastpath.S).
 */
static inline struct user_context *switch_fast(struct cpu *c, struct thread *to)
{
	uint64_t cur;

	to->state = THREAD_RUNNABLE;
	c->current = to;
	__asm__ volatile("csrr %0, satp" : "=r"(cur));
	if (cur != to->as->satp)
		__asm__ volatile("csrw satp, %0" ::"r"(to->as->satp) : "memory");
	to->ctx.kstack_top = c->kstack_top;
	to->ctx.hartid = c->hartid;
	to->ctx.cpu = c;
	return &to->ctx;
}

/* to's ASID is of the current generation, this hart owes it no flush
 * (tlb_stale, aspace.c), and nothing of higher priority is queued:
 * switch_fast may load its satp as it is. */
static inline bool may_run_now(const struct thread *to, uint32_t queued)
{
	return to->as->asid_generation == asid_generation_now &&
	       !(to->as->tlb_stale & cpu_self()->mask) &&
	       (queued >> to->priority) <= 1;
}

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
		return NULL;
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
	return switch_fast(cpu_self(), r);
}

#endif
