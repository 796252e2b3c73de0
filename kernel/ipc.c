/*
 * ipc.c - synchronous IPC over endpoints.
 *
 * Layer: kernel/.
 *
 * A message is six words (MR0..MR5, in a1..a6) and a badge. Delivery
 * writes them straight into the receiver's saved registers: a0 = badge,
 * a1..a6 = message, a7 = the sender's thread id.
 *
 * SYS_CALL and SYS_REPLY_RECV first try their fast paths in assembly
 * (ipc_fastpath.S), which do the common case - the partner already
 * waiting - without entering C; everything they decline comes here. The
 * paths here are direct too: when a call finds its receiver waiting,
 * the caller blocks and the hart goes straight to the receiver
 * (sched_switch_to) - no run-queue round trip; the reply half of
 * reply_recv does the same in the other direction. The scheduler still
 * checks priorities before returning to user mode.
 *
 * The fast paths do not save an IPC caller's a0-a7: whoever answers the
 * caller (do_reply, the aborts below) writes its a0..a6 before it runs.
 */
#include "kernel/asm_offsets.h"     /* checks the fast path's offsets */
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

static inline void deliver(struct thread *to, uint64_t badge, const uint64_t *msg,
			   uint64_t sender_tid)
{
	uint64_t *r = to->ctx.regs;
	r[REG_A0] = badge;
	r[REG_A1] = msg[0];
	r[REG_A2] = msg[1];
	r[REG_A3] = msg[2];
	r[REG_A4] = msg[3];
	r[REG_A5] = msg[4];
	r[REG_A6] = msg[5];
	r[REG_A7] = sender_tid;
}

/* A plain send was taken: its sender goes on, with 0. The kernel's own
 * sender (ipc_send_from_kernel, tid 0) never runs: it is only free to
 * send again. */
static void send_taken(struct thread *s)
{
	if (s->tid == 0) {
		s->state = THREAD_FREE;
		return;
	}
	s->ctx.regs[REG_A0] = 0;
	sched_make_runnable(s);
}

static void block_current(struct thread *t)
{
	struct cpu *c = cpu_self();
	if (c->current == t)
		c->current = NULL;
}

/* t sends (or calls) ep. Returns true if the message was delivered now. */
static bool do_send(struct thread *t, struct endpoint *ep, uint64_t badge,
		    const uint64_t *msg, bool is_call, enum fault_kind why)
{
	struct thread *r = tq_pop(&ep->receivers);

	if (r) {
		r->blocked_on = NULL;
		deliver(r, badge, msg, t->tid);
		if (is_call) {
			t->state = THREAD_BLOCKED_REPLY;
			t->reply_partner = r;
			t->fault = why;
			r->last_caller = t;
			block_current(t);
			sched_switch_to(r);          /* fast path */
		} else {
			/* A send wants no answer: SYS_REPLY now answers nobody
			 * (not an older caller the receiver put off). */
			r->last_caller = NULL;
			sched_make_runnable(r);
		}
		return true;
	}
	t->state = THREAD_BLOCKED_SEND;
	t->blocked_on = ep;
	t->is_call = is_call;
	t->fault = why;
	t->msg_badge = badge;
	for (int i = 0; i < CALF_MSG_WORDS; i++)
		t->msg[i] = msg[i];
	tq_push(&ep->senders, t);
	block_current(t);
	return false;
}

/* t receives from ep: the message lands in t's registers now, or t waits. */
static void do_recv(struct thread *t, struct endpoint *ep)
{
	struct thread *s = tq_pop(&ep->senders);

	if (s) {
		s->blocked_on = NULL;
		deliver(t, s->msg_badge, s->msg, s->tid);
		if (s->is_call) {
			s->state = THREAD_BLOCKED_REPLY;
			s->reply_partner = t;
			t->last_caller = s;
		} else {
			t->last_caller = NULL;       /* a send wants no answer */
			send_taken(s);
		}
		return;
	}
	t->state = THREAD_BLOCKED_RECV;
	t->blocked_on = ep;
	tq_push(&ep->receivers, t);
	block_current(t);
}

/* The pager's answer to a fault: CALF_FAULT_MR_REPLY says what to do
 * (calf/abi.h). */
static void apply_fault_reply(struct thread *target, uint64_t action)
{
	enum fault_kind why = target->fault;

	target->fault = FAULT_NONE;
	if (action == CALF_FAULT_RESUME && why != FAULT_EXIT) {
		/* Retry: sepc still points at the faulting instruction, or at
		 * the ecall whose copy routine needed the page. */
		sched_make_runnable(target);
	} else if (why == FAULT_EXIT) {
		thread_kill(target);        /* it asked to end: any answer ends it */
	} else if (action == CALF_FAULT_EFAULT && why == FAULT_KERNEL_COPY) {
		target->ctx.regs[REG_A0] = (uint64_t)-CALF_EFAULT;
		target->ctx.sepc += 4;       /* past the ecall */
		sched_make_runnable(target);
	} else {
		thread_kill(target);
	}
}

/* t answers target with msg. Fails unless target waits for t.
 * Returns 1 when target is ready to run but left off the run queue
 * (only when queue is false and it was a plain call: the caller switches
 * to it directly), 0 when it was queued or the fault reply was applied,
 * or -CALF_ENOREPLY. */
static long do_reply(struct thread *t, struct thread *target, const uint64_t *msg,
		     bool queue)
{
	if (!target || target->state != THREAD_BLOCKED_REPLY ||
	    target->reply_partner != t)
		return -CALF_ENOREPLY;
	if (t->last_caller == target)
		t->last_caller = NULL;
	target->reply_partner = NULL;
	if (target->fault != FAULT_NONE) {
		apply_fault_reply(target, msg[0]);
		return 0;
	}
	uint64_t *r = target->ctx.regs;
	r[REG_A0] = 0;
	r[REG_A1] = msg[0];
	r[REG_A2] = msg[1];
	r[REG_A3] = msg[2];
	r[REG_A4] = msg[3];
	r[REG_A5] = msg[4];
	r[REG_A6] = msg[5];
	if (!queue) {
		target->state = THREAD_RUNNABLE;
		return 1;
	}
	sched_make_runnable(target);
	return 0;
}

/* The endpoint t may receive on through its handle in a0: NULL and
 * *err = -CALF_EBADF (no such handle) or -CALF_EPERM (no receive right). */
static struct endpoint *recv_endpoint_arg(struct thread *t, long *err)
{
	struct handle *h = handle_lookup(t->as, t->ctx.regs[REG_A0]);
	if (!h) {
		*err = -CALF_EBADF;
		return NULL;
	}
	if (!h->can_recv) {
		*err = -CALF_EPERM;
		return NULL;
	}
	return h->ep;
}

long sys_send(struct thread *t)
{
	struct handle *h = handle_lookup(t->as, t->ctx.regs[REG_A0]);
	if (!h)
		return -CALF_EBADF;
	if (do_send(t, h->ep, h->badge, &t->ctx.regs[REG_A1], false, FAULT_NONE))
		return 0;
	return SYSCALL_DONE;        /* a0 = 0 is written when it is taken */
}

long sys_call(struct thread *t)
{
	struct handle *h = handle_lookup(t->as, t->ctx.regs[REG_A0]);
	if (!h)
		return -CALF_EBADF;
	do_send(t, h->ep, h->badge, &t->ctx.regs[REG_A1], true, FAULT_NONE);
	return SYSCALL_DONE;        /* the reply writes a0..a6 */
}

long sys_recv(struct thread *t)
{
	long err = -CALF_EBADF;
	struct endpoint *ep = recv_endpoint_arg(t, &err);
	if (!ep)
		return err;
	do_recv(t, ep);
	return SYSCALL_DONE;
}

long sys_reply(struct thread *t)
{
	return do_reply(t, t->last_caller, &t->ctx.regs[REG_A1], true);
}

long sys_reply_to(struct thread *t)
{
	return do_reply(t, thread_lookup(t->ctx.regs[REG_A0]), &t->ctx.regs[REG_A1], true);
}

long sys_reply_recv(struct thread *t)
{
	long err = -CALF_EBADF;
	struct endpoint *ep = recv_endpoint_arg(t, &err);
	if (!ep)
		return err;                /* checked before anything happens */

	struct thread *caller = t->last_caller;
	bool ready = caller && do_reply(t, caller, &t->ctx.regs[REG_A1], false) == 1;
	do_recv(t, ep);
	if (ready) {
		/* Fast path: t now waits, so go straight to the caller. If a
		 * message was already queued, t goes on and the caller waits
		 * its turn. */
		if (cpu_self()->current == NULL)
			sched_switch_to(caller);
		else
			sched_make_runnable(caller);
	}
	return SYSCALL_DONE;
}

void ipc_call_kernel_msg(struct thread *t, struct endpoint *ep, uint64_t badge,
			 const uint64_t msg[CALF_MSG_WORDS], enum fault_kind why)
{
	do_send(t, ep, badge, msg, true, why);
}

void ipc_send_from_kernel(struct thread *from, struct endpoint *ep,
			  const uint64_t msg[CALF_MSG_WORDS])
{
	if (from->state == THREAD_BLOCKED_SEND)
		return;                     /* the last one still waits */
	do_send(from, ep, 0, msg, false, FAULT_NONE);
}

void ipc_abort_callers_of(struct thread *t)
{
	for (int i = 1; i < MAX_THREADS; i++) {
		struct thread *c = &threads[i];
		if (c->state != THREAD_BLOCKED_REPLY || c->reply_partner != t)
			continue;
		c->reply_partner = NULL;
		if (c->fault != FAULT_NONE) {
			/* Its pager went away with the fault unresolved. */
			thread_kill(c);
			continue;
		}
		c->ctx.regs[REG_A0] = (uint64_t)-CALF_EINTR;
		sched_make_runnable(c);
	}
}

void ipc_abort_waiters(struct endpoint *ep)
{
	struct thread *w;

	while ((w = tq_pop(&ep->senders)) || (w = tq_pop(&ep->receivers))) {
		w->blocked_on = NULL;
		if (w->tid == 0) {
			w->state = THREAD_FREE;      /* the kernel's own sender */
			continue;
		}
		if (w->fault != FAULT_NONE) {
			thread_kill(w);
			continue;
		}
		w->ctx.regs[REG_A0] = (uint64_t)-CALF_EINTR;
		sched_make_runnable(w);
	}
}

