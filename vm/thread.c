/*
 * thread.c - the threads of a process (see thread.h).
 *
 * Layer: vm/ (target only). Records come from a free list and hang off
 * their process; the tid hash of process.h holds the running ones.
 */
#include "vm/thread.h"
#include "calf/syscall.h"
#include "calf/vm_protocol.h"
#include "lib/string.h"
#include "vm/uspace.h"
#include "vm/vm.h"

static struct vm_thread records[VM_MAX_THREADS];
static struct vm_thread *free_records;

struct tid_slot proc_tid_hash[PROC_TID_HASH];

static struct tid_slot *slot_of(long tid)
{
	return &proc_tid_hash[(unsigned long)tid % PROC_TID_HASH];
}

/* The newest thread in a bucket wins it; an older one still running is
 * found by proc_by_tid_slow. */
static void hash_add(long tid, struct proc *p)
{
	slot_of(tid)->tid = tid;
	slot_of(tid)->p = p;
}

static void hash_remove(long tid)
{
	if (slot_of(tid)->tid == tid) {
		slot_of(tid)->tid = 0;
		slot_of(tid)->p = NULL;
	}
}

struct proc *proc_by_tid_slow(long tid)
{
	for (struct proc *p = proc_next_live(0); p; p = proc_next_live(p->pid))
		for (struct vm_thread *t = p->threads; t; t = t->next)
			if (t->tid == tid && t->running)
				return p;
	return NULL;
}

void thread_init(void)
{
	for (unsigned i = VM_MAX_THREADS; i-- > 0;) {
		records[i].next = free_records;
		free_records = &records[i];
	}
}

struct vm_thread *thread_add(struct proc *p, long tid)
{
	struct vm_thread *t = free_records;

	if (!t)
		return NULL;
	free_records = t->next;
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->p = p;
	t->running = true;
	t->joiner = -1;
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	p->nrecords++;
	hash_add(tid, p);
	return t;
}

struct vm_thread *thread_of(struct proc *p, long tid)
{
	for (struct vm_thread *t = p->threads; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* Unlink t from its process and give the record back. */
static void record_free(struct vm_thread *t)
{
	struct vm_thread **link = &t->p->threads;

	while (*link != t)
		link = &(*link)->next;
	*link = t->next;
	t->p->nrecords--;
	t->tid = 0;
	t->next = free_records;
	free_records = t;
}

void thread_forget_all(struct proc *p)
{
	while (p->threads) {
		if (p->threads->running)
			hash_remove(p->threads->tid);
		record_free(p->threads);
	}
	p->nthreads = 0;
}

long thread_create(struct proc *p, uint64_t pc, uint64_t a0, uint64_t a1, uint64_t stack_size)
{
	static struct calf_regs regs;   /* static: the kernel copies from it */
	struct vm_thread *t;
	uint64_t top;
	long tid;
	int err;

	if (stack_size == 0)
		stack_size = VM_THREAD_STACK_DEFAULT;
	if (stack_size > VM_THREAD_STACK_MAX)
		return -CALF_EINVAL;
	stack_size = (stack_size + SV39_PAGE_SIZE - 1) & ~(SV39_PAGE_SIZE - 1);
	if (p->nrecords >= VM_THREADS_PER_PROC || !free_records)
		return -CALF_EAGAIN;
	err = region_add_thread_stack(&p->regions, stack_size, &top);
	if (err)
		return err;
	/* Suspended, so that its registers are all set before it runs. */
	tid = calf_sys_thread_create(p->aspace, pc, top, VM_EP,
				     CALF_PRIO_DEFAULT | CALF_THREAD_SUSPENDED, a0);
	if (tid < 0) {
		region_remove_thread_stack(&p->regions, top);
		return -CALF_EAGAIN;   /* the kernel's thread table is full */
	}
	/* Every register but these is 0: the entry code sets gp and tp. */
	memset(&regs, 0, sizeof(regs));
	regs.pc = pc;
	regs.x[2] = top;    /* sp */
	regs.x[10] = a0;
	regs.x[11] = a1;
	t = calf_thread_set_regs(tid, &regs) < 0 ? NULL : thread_add(p, tid);
	if (!t) {
		calf_thread_kill(tid);
		region_remove_thread_stack(&p->regions, top);
		return -CALF_EAGAIN;
	}
	t->stack_top = top;
	vm_stats.threads++;
	calf_thread_start(tid);
	return tid;
}

/* The stack of an ended thread: its pages and its regions. An unmap
 * can need a frame (a page table shared with a fork is copied before it
 * changes, space.h); without one the stack stays mapped, harmless and
 * returned with everything else when the process ends. */
static void release_stack(struct vm_thread *t)
{
	struct proc *p = t->p;
	const struct region *r;

	if (!t->stack_top)
		return;
	r = region_find(&p->regions, t->stack_top - 1);
	if (!r || r->kind != REGION_THREAD_STACK)
		return;
	/* The guard page below holds no pages: unmap the stack only. */
	if (uspace_unmap_range(p, r->start, r->end) == 0)
		region_remove_thread_stack(&p->regions, t->stack_top);
	t->stack_top = 0;
}

/* Whether thread tid of p waits, through a chain of held joins, for
 * caller: then caller joining tid would hold both for ever. (x waits
 * for y when y's record names x as its joiner.) */
static bool joins_reach(const struct proc *p, long tid, long caller)
{
	for (unsigned steps = 0; steps < VM_THREADS_PER_PROC; steps++) {
		const struct vm_thread *r = p->threads;

		while (r && r->joiner != tid)
			r = r->next;
		if (!r)
			return false;   /* tid is not held in a join */
		if (r->tid == caller)
			return true;
		tid = r->tid;
	}
	return false;
}

long thread_join(struct proc *p, long caller, long tid, long *status)
{
	struct vm_thread *t = thread_of(p, tid);

	if (!t)
		return -CALF_ESRCH;
	if (tid == caller || t->joiner >= 0)
		return -CALF_EINVAL;
	if (t->running) {
		if (joins_reach(p, tid, caller))
			return -CALF_EDEADLK;
		t->joiner = caller;
		return -CALF_EBUSY;
	}
	*status = t->status;
	record_free(t);
	return 0;
}

bool thread_exited(long tid, long status)
{
	struct proc *p = proc_by_tid(tid);
	struct vm_thread *t = p ? thread_of(p, tid) : NULL;

	if (!t)
		return true;   /* not ours: let the kernel end it */
	if (p->nthreads == 1) {
		/* The last one: the process has exited. */
		proc_exit(p, status & 0xff);
		return false;
	}
	hash_remove(tid);
	t->running = false;
	t->status = status;
	p->nthreads--;
	/* Nothing runs on the stack any more: the thread is blocked in this
	 * very message, and the kernel ends it when we reply. */
	release_stack(t);
	if (t->joiner >= 0) {
		struct calf_msg m = { { 0 } };

		m.mr[1] = (unsigned long)status;
		calf_reply_to((unsigned long)t->joiner, &m);
		record_free(t);
	}
	return true;
}

void thread_hold_wait(struct proc *parent, long tid, long pid)
{
	struct vm_thread *t = thread_of(parent, tid);

	if (t) {
		t->waiting = true;
		t->wait_pid = pid;
	}
}

bool thread_any_waiting(const struct proc *p)
{
	for (const struct vm_thread *t = p->threads; t; t = t->next)
		if (t->waiting)
			return true;
	return false;
}

void thread_wake_waiters(struct proc *parent)
{
	if (!parent || parent->state != PROC_LIVE)
		return;
	for (struct vm_thread *t = parent->threads; t; t = t->next) {
		struct calf_msg m = { { 0 } };
		long status = 0, pid;

		if (!t->waiting)
			continue;
		pid = proc_wait(parent, t->wait_pid, &status);
		if (pid == -CALF_EBUSY)
			continue;   /* not a child this thread waits for */
		/* A reaped pid, or -ESRCH if its last candidate child is gone. */
		m.mr[0] = (unsigned long)pid;
		m.mr[1] = (unsigned long)status;
		calf_reply_to((unsigned long)t->tid, &m);
		t->waiting = false;
	}
}
