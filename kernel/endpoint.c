/*
 * endpoint.c - endpoints, thread queues and handle tables.
 *
 * Layer: kernel/. Fixed tables, no heap. A handle is a slot in an address
 * space's table naming an endpoint and carrying a badge: the number a
 * receiver sees, so a server can tell its clients apart.
 */
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "lib/string.h"

static struct endpoint endpoints[MAX_ENDPOINTS];

struct thread *tq_pop(struct thread_queue *q)
{
	struct thread *t = q->head;
	if (t)
		tq_remove(t);
	return t;
}

void tq_remove(struct thread *t)
{
	struct thread_queue *q = t->queue;

	if (!q)
		return;
	if (t->q_prev)
		t->q_prev->q_next = t->q_next;
	else
		q->head = t->q_next;
	if (t->q_next)
		t->q_next->q_prev = t->q_prev;
	else
		q->tail = t->q_prev;
	t->q_next = t->q_prev = NULL;
	t->queue = NULL;
}

struct endpoint *endpoint_create(void)
{
	for (int i = 0; i < MAX_ENDPOINTS; i++) {
		if (!endpoints[i].used) {
			memset(&endpoints[i], 0, sizeof(endpoints[i]));
			endpoints[i].used = true;
			return &endpoints[i];
		}
	}
	return NULL;
}

void endpoint_ref(struct endpoint *ep)
{
	ep->refs++;
}

void endpoint_unref(struct endpoint *ep)
{
	if (--ep->refs > 0)
		return;
	/* Nobody can name it any more: whoever still waits on it would
	 * wait forever. */
	ipc_abort_waiters(ep);
	ep->used = false;
}

long handle_install(struct aspace *as, struct endpoint *ep, uint64_t badge, bool can_recv)
{
	for (int h = 0; h < CALF_MAX_HANDLES; h++) {
		if (!as->handles[h].ep) {
			as->handles[h].ep = ep;
			as->handles[h].badge = badge;
			as->handles[h].can_recv = can_recv;
			endpoint_ref(ep);
			return h;
		}
	}
	return -CALF_ENOMEM;
}

struct handle *handle_lookup(struct aspace *as, uint64_t h)
{
	if (h >= CALF_MAX_HANDLES || !as->handles[h].ep)
		return NULL;
	return &as->handles[h];
}

void handle_close(struct aspace *as, uint64_t h)
{
	struct handle *hd = handle_lookup(as, h);
	if (!hd)
		return;
	struct endpoint *ep = hd->ep;
	hd->ep = NULL;
	endpoint_unref(ep);
}
