/*
 * thread.c - the thread table: allocate, look up, kill.
 *
 * Layer: kernel/. Threads live in a fixed table (no kernel heap). A
 * thread id is generation << 8 | slot: when a slot is reused its
 * generation moves on, so a stale id never names the new thread.
 */
#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/thread.h"

_Static_assert(MAX_THREADS <= 256, "tid keeps the slot in 8 bits");

struct thread threads[MAX_THREADS];
struct cpu cpus[MAX_HARTS];
static uint64_t generation[MAX_THREADS];

struct thread *thread_alloc(void)
{
	for (int i = 1; i < MAX_THREADS; i++) {
		struct thread *t = &threads[i];
		if (t->state != THREAD_FREE)
			continue;
		memset(t, 0, sizeof(*t));
		generation[i]++;
		t->tid = generation[i] << 8 | (uint64_t)i;
		t->timeslice = 1;
		return t;
	}
	return NULL;
}

struct thread *thread_lookup(uint64_t tid)
{
	uint64_t slot = tid & 0xff;

	if (slot == 0 || slot >= MAX_THREADS)
		return NULL;
	struct thread *t = &threads[slot];
	if (t->state == THREAD_FREE || t->tid != tid)
		return NULL;
	return t;
}

void thread_kill(struct thread *t)
{
	struct cpu *c = cpu_self();

	if (t->state == THREAD_FREE)
		return;
	/* Off whatever queue it waits on: run queue or an endpoint's. */
	if (t->queue)
		tq_remove(t);
	/* It owed replies: those callers must not wait forever. */
	ipc_abort_callers_of(t);
	/* It waited for a reply: its server must not answer a dead thread. */
	if (t->state == THREAD_BLOCKED_REPLY && t->reply_partner &&
	    t->reply_partner->last_caller == t)
		t->reply_partner->last_caller = NULL;
	if (t->pager)
		endpoint_unref(t->pager);
	if (t->as)
		t->as->nthreads--;
	t->state = THREAD_FREE;
	if (c->current == t)
		c->current = NULL;
}
