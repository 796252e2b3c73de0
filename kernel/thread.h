/*
 * thread.h - threads: the unit the kernel schedules.
 *
 * Layer: kernel/. A thread is its saved user registers, a state, a
 * priority, an address space and a pager. Threads have no kernel stack of
 * their own: like seL4, the kernel never blocks inside itself. A system
 * call either finishes or leaves the thread blocked with everything it
 * needs recorded here; then the kernel returns to user mode in whichever
 * thread should run. One kernel stack per hart is enough, and switching
 * threads is choosing which saved frame to return to.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "calf/abi.h"

#define MAX_THREADS 256          /* slot 0 unused: tid 0 is never valid */
/* Hart ids 0..31: cpus[] and the per-hart kernel stacks (smp.c) have
 * a slot for each, and every hart set is a bit mask in a uint64_t
 * (smp_online_mask, an address space's tlb_stale, SBI hart masks with
 * base 0), so the limit can grow to 64 without another change. */
#define MAX_HARTS 32

/* Register numbers, for reading arguments out of a saved frame. */
enum { REG_RA = 1, REG_SP = 2, REG_GP = 3, REG_TP = 4, REG_A0 = 10, REG_A1,
       REG_A2, REG_A3, REG_A4, REG_A5, REG_A6, REG_A7 };

struct cpu;

/*
 * The saved user state. It is the first member of struct thread, and
 * sscratch points at it while the thread runs in U-mode, so the trap
 * vector saves registers straight into the thread (offsets: CTX_* in
 * trap.h). It also carries the per-hart values the vector and the IPC
 * fast path need: the hart's kernel stack, its hart id and its struct
 * cpu - all of the hart the thread runs on (set when it is scheduled).
 */
struct user_context {
	uint64_t regs[32];       /* x0..x31; regs[0] is unused */
	uint64_t sepc;           /* user pc to return to */
	uint64_t kstack_top;     /* this hart's kernel stack */
	uint64_t hartid;         /* this hart's id, for tp in the kernel */
	struct cpu *cpu;         /* this hart's struct cpu */
};

enum thread_state {
	THREAD_FREE = 0,
	THREAD_RUNNABLE,         /* running, or on a run queue */
	THREAD_BLOCKED_SEND,     /* queued on an endpoint to send (or call) */
	THREAD_BLOCKED_RECV,     /* queued on an endpoint to receive */
	THREAD_BLOCKED_REPLY,    /* called; waits for reply_partner to answer */
	THREAD_SUSPENDED,        /* created suspended, not yet started */
	THREAD_BLOCKED_CONSOLE,  /* waits for console input */
	THREAD_SLEEPING,         /* in SYS_SLEEP until wake_time (sleep.c) */
	THREAD_DEAD,             /* killed while it ran on another hart, which
				    frees the slot when it next holds the lock */
};

/* Why a thread is waiting for a reply: a plain call, or a fault the
 * kernel turned into a call to the pager. */
enum fault_kind { FAULT_NONE = 0, FAULT_USER, FAULT_KERNEL_COPY, FAULT_EXIT };

struct aspace;
struct endpoint;

struct thread {
	struct user_context ctx;        /* must stay first */

	uint64_t tid;                   /* generation << 8 | slot */
	enum thread_state state;
	int priority;                   /* CALF_PRIO_MIN..CALF_PRIO_MAX */
	int timeslice;                  /* ticks left before preemption */
	bool vm_right;                  /* may use the privileged calls */
	struct aspace *as;

	/* Where faults go: a call on this endpoint with this badge. */
	struct endpoint *pager;
	uint64_t pager_badge;

	/* Queue links: a thread is on at most one queue (a run queue or
	 * one endpoint's send or receive queue). */
	struct thread *q_next, *q_prev;
	void *queue;                    /* the queue it is on, or NULL */

	/* IPC state. */
	struct endpoint *blocked_on;    /* BLOCKED_SEND/RECV */
	bool is_call;                   /* BLOCKED_SEND: wants a reply */
	uint64_t msg[CALF_MSG_WORDS];   /* BLOCKED_SEND: the message */
	uint64_t msg_badge;
	struct thread *reply_partner;   /* BLOCKED_REPLY: who owes the reply */
	struct thread *last_caller;     /* whom SYS_REPLY answers */
	enum fault_kind fault;          /* BLOCKED_*: sent because of a fault */

	/* Killing a thread that runs on another hart (thread_kill): the
	 * killer, holding the lock, sets dying and waits until that hart
	 * has left the thread's address space and set dying_ack (from its
	 * trap entry, while it waits for the lock: trap_entry.S). */
	volatile int dying, dying_ack;

	uint64_t wake_time;             /* THREAD_SLEEPING: the `time` to wake at */
};

_Static_assert(__builtin_offsetof(struct thread, ctx) == 0, "ctx first");

/* Per-hart state, written by its own hart under the big kernel lock
 * (lock.h), except where a field says otherwise. */
struct cpu {
	struct thread *current;         /* NULL when idle */
	uint64_t kstack_top;
	uint64_t hartid;
	uint64_t mask;                  /* 1 << hartid (aspace tlb_stale) */
	uint64_t next_deadline;         /* timer.c */
	uint64_t ticks;
	uint64_t pad[2];                /* 64 bytes: cpus[id] is a shift */
};

extern struct thread threads[MAX_THREADS];
extern struct cpu cpus[MAX_HARTS];

static inline struct cpu *cpu_self(void)
{
	uint64_t id;
	__asm__ volatile("mv %0, tp" : "=r"(id));
	return &cpus[id];
}

/* A free slot, zeroed, with a fresh tid; NULL if none. */
struct thread *thread_alloc(void);
/* The live thread with this tid, or NULL (stale or bad ids too). */
struct thread *thread_lookup(uint64_t tid);
/* Remove a thread wherever it is blocked and free it. Callers waiting
 * for its reply get -CALF_EINTR. Safe on the current thread. A thread
 * running on another hart is stopped first (an IPI; thread_kill waits
 * until that hart has left its address space) and stays THREAD_DEAD
 * until that hart frees the slot (thread_reap_dead_current). */
void thread_kill(struct thread *t);
/* Is t the current thread of a hart other than this one? */
bool thread_running_elsewhere(const struct thread *t);
/* This hart's current thread was killed by another hart: free it. */
void thread_reap_dead_current(void);

#endif
