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
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/sleep.h"
#include "lib/string.h"

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
	if (t->state == THREAD_FREE || t->state == THREAD_DEAD || t->tid != tid)
		return NULL;
	return t;
}

/* Both loops below visit the other online harts, not MAX_HARTS slots:
 * every exit kills a thread, and that cost must not grow with the
 * kernel's hart limit (with one hart they visit none). */
bool thread_running_elsewhere(const struct thread *t)
{
	for (uint64_t m = smp_others_mask(); m; m &= m - 1)
		if (cpus[__builtin_ctzl(m)].current == t)
			return true;
	return false;
}

/* t is the current thread of another hart, which runs it in U-mode or
 * is on its way in or out of the kernel (it cannot be inside: this hart
 * holds the lock). Interrupt it, and wait until it has switched to the
 * kernel's page table (trap_entry.S, while it waits for the lock): t's
 * address space may be torn down as soon as this kill returns. */
static void stop_remote(struct thread *t)
{
	for (uint64_t m = smp_others_mask(); m; m &= m - 1) {
		uint64_t h = (uint64_t)__builtin_ctzl(m);
		if (cpus[h].current != t)
			continue;
		t->dying_ack = 0;
		__atomic_store_n(&t->dying, 1, __ATOMIC_RELEASE);
		smp_send_ipi(h);
		while (!__atomic_load_n(&t->dying_ack, __ATOMIC_ACQUIRE))
			;
	}
}

void thread_reap_dead_current(void)
{
	struct cpu *c = cpu_self();

	if (c->current && c->current->state == THREAD_DEAD) {
		c->current->state = THREAD_FREE;
		c->current = NULL;
	}
}

void thread_kill(struct thread *t)
{
	struct cpu *c = cpu_self();
	bool remote;

	if (t->state == THREAD_FREE || t->state == THREAD_DEAD)
		return;
	sleep_forget(t);
	remote = thread_running_elsewhere(t);
	if (remote)
		stop_remote(t);
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
	/* The other hart still has t as its current thread and will store
	 * into its registers once more on its way in: it frees the slot. */
	t->state = remote ? THREAD_DEAD : THREAD_FREE;
	if (c->current == t)
		c->current = NULL;
}
