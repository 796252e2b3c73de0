/*
 * endpoint.h - IPC endpoints and the per-address-space handles naming them.
 *
 * Layer: kernel/. An endpoint is a rendezvous point with two queues: the
 * threads waiting to send to it and the threads waiting to receive from
 * it. At most one of the two queues is non-empty at any time.
 */
#ifndef KERNEL_ENDPOINT_H
#define KERNEL_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/aspace.h"
#include "kernel/thread.h"

#define MAX_ENDPOINTS 256

struct thread_queue {
	struct thread *head, *tail;
};

struct endpoint {
	bool used;
	int refs;                       /* handles + pager references */
	struct thread_queue senders;
	struct thread_queue receivers;
};

/* Append t to q (inline: the IPC fast path uses it). */
static inline void tq_push(struct thread_queue *q, struct thread *t)
{
	t->q_next = NULL;
	t->q_prev = q->tail;
	if (q->tail)
		q->tail->q_next = t;
	else
		q->head = t;
	q->tail = t;
	t->queue = q;
}

struct thread *tq_pop(struct thread_queue *q);
void tq_remove(struct thread *t);     /* from whatever queue holds it */
static inline bool tq_empty(const struct thread_queue *q) { return !q->head; }

struct endpoint *endpoint_create(void);     /* refs = 0; NULL if none left */
void endpoint_ref(struct endpoint *ep);
void endpoint_unref(struct endpoint *ep);   /* frees at 0; waiters get -EINTR */

/* Put ep into the lowest free handle slot of as; the slot or -CALF_ENOMEM. */
long handle_install(struct aspace *as, struct endpoint *ep, uint64_t badge, bool can_recv);
/* The handle in slot h, or NULL if h is not a live handle. */
struct handle *handle_lookup(struct aspace *as, uint64_t h);
void handle_close(struct aspace *as, uint64_t h);

#endif
