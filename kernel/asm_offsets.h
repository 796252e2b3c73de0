/*
 * asm_offsets.h - the structure offsets the IPC fast path (ipc_fastpath.S)
 * uses, written out as numbers, and checked.
 *
 * Layer: kernel/. Assembly cannot read C structures, so the fast path
 * names each field it touches by its byte offset. The numbers are written
 * here by hand so a reader sees them; included from C (ipc.c), the same
 * file checks every one against the real structure at compile time, so a
 * field added to struct thread fails the build here instead of corrupting
 * a thread at run time. Offsets into struct user_context (CTX_*) are in
 * trap.h.
 */
#ifndef KERNEL_ASM_OFFSETS_H
#define KERNEL_ASM_OFFSETS_H

/* struct thread (thread.h) */
#define TH_TID           288
#define TH_STATE         296
#define TH_PRIORITY      300
#define TH_AS            312
#define TH_Q_NEXT        336
#define TH_Q_PREV        344
#define TH_QUEUE         352
#define TH_BLOCKED_ON    360
#define TH_REPLY_PARTNER 432
#define TH_LAST_CALLER   440
#define TH_FAULT         448
#define TH_DYING         452
#define TH_DYING_ACK     456

/* enum thread_state and enum fault_kind values */
#define THREAD_RUNNABLE_V      1
#define THREAD_BLOCKED_RECV_V  3
#define THREAD_BLOCKED_REPLY_V 4
#define FAULT_NONE_V           0
#define FAULT_EXIT_V           3

/* struct aspace (aspace.h) and its handle table */
#define AS_ASID_GENERATION 40
#define AS_SATP            48
#define AS_TLB_STALE       56
#define AS_HANDLES         72
#define HANDLE_SIZE        24     /* index * 24 = (index * 3) << 3 */
#define HANDLE_EP          0
#define HANDLE_BADGE       8
#define HANDLE_CAN_RECV    16

/* struct endpoint (endpoint.h) */
#define EP_SENDERS_HEAD    8
#define EP_RECEIVERS       24     /* the struct thread_queue */
#define EP_RECEIVERS_HEAD  24
#define EP_RECEIVERS_TAIL  32

/* struct cpu (thread.h); the fast path finds it through CTX_CPU */
#define CPU_CURRENT        0
#define CPU_MASK           24

#ifndef __ASSEMBLER__
#include <stddef.h>

#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

#define ASM_OFFSET(type, field, value) \
	_Static_assert(offsetof(type, field) == (value), #type "." #field)

ASM_OFFSET(struct thread, tid, TH_TID);
ASM_OFFSET(struct thread, state, TH_STATE);
ASM_OFFSET(struct thread, priority, TH_PRIORITY);
ASM_OFFSET(struct thread, as, TH_AS);
ASM_OFFSET(struct thread, q_next, TH_Q_NEXT);
ASM_OFFSET(struct thread, q_prev, TH_Q_PREV);
ASM_OFFSET(struct thread, queue, TH_QUEUE);
ASM_OFFSET(struct thread, blocked_on, TH_BLOCKED_ON);
ASM_OFFSET(struct thread, reply_partner, TH_REPLY_PARTNER);
ASM_OFFSET(struct thread, last_caller, TH_LAST_CALLER);
ASM_OFFSET(struct thread, fault, TH_FAULT);
ASM_OFFSET(struct thread, dying, TH_DYING);
ASM_OFFSET(struct thread, dying_ack, TH_DYING_ACK);
_Static_assert(sizeof(((struct thread *)0)->state) == 4, "state is a word (lw/sw)");
_Static_assert(sizeof(((struct thread *)0)->priority) == 4, "priority is a word");
_Static_assert(sizeof(((struct thread *)0)->fault) == 4, "fault is a word");
_Static_assert(THREAD_RUNNABLE == THREAD_RUNNABLE_V, "THREAD_RUNNABLE");
_Static_assert(THREAD_BLOCKED_RECV == THREAD_BLOCKED_RECV_V, "THREAD_BLOCKED_RECV");
_Static_assert(THREAD_BLOCKED_REPLY == THREAD_BLOCKED_REPLY_V, "THREAD_BLOCKED_REPLY");
_Static_assert(FAULT_NONE == FAULT_NONE_V, "FAULT_NONE");
_Static_assert(FAULT_EXIT == FAULT_EXIT_V, "FAULT_EXIT");
_Static_assert(sizeof(((struct thread *)0)->dying) == 4, "dying is a word");
_Static_assert(sizeof(((struct thread *)0)->dying_ack) == 4, "dying_ack is a word");

ASM_OFFSET(struct aspace, asid_generation, AS_ASID_GENERATION);
ASM_OFFSET(struct aspace, satp, AS_SATP);
ASM_OFFSET(struct aspace, tlb_stale, AS_TLB_STALE);
ASM_OFFSET(struct aspace, handles, AS_HANDLES);
_Static_assert(sizeof(struct handle) == HANDLE_SIZE, "struct handle size");
ASM_OFFSET(struct handle, ep, HANDLE_EP);
ASM_OFFSET(struct handle, badge, HANDLE_BADGE);
ASM_OFFSET(struct handle, can_recv, HANDLE_CAN_RECV);
_Static_assert(sizeof(((struct handle *)0)->can_recv) == 1, "can_recv is a byte (lbu)");

ASM_OFFSET(struct endpoint, senders.head, EP_SENDERS_HEAD);
ASM_OFFSET(struct endpoint, receivers, EP_RECEIVERS);
ASM_OFFSET(struct endpoint, receivers.head, EP_RECEIVERS_HEAD);
ASM_OFFSET(struct endpoint, receivers.tail, EP_RECEIVERS_TAIL);

ASM_OFFSET(struct cpu, current, CPU_CURRENT);
ASM_OFFSET(struct cpu, mask, CPU_MASK);
_Static_assert((sizeof(struct cpu) & (sizeof(struct cpu) - 1)) == 0,
	       "struct cpu: a power of two, so cpus[id] is a shift");
_Static_assert(sizeof(sched_queued) == 4, "sched_queued is 32 bits (lw)");
_Static_assert(sizeof(asid_generation_now) == 8, "asid_generation_now is 64 bits (ld)");
#endif

#endif
