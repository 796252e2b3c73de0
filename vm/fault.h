/*
 * fault.h - the VM server's half of a page fault: a fault message in,
 * a reply (or a killed process) out.
 *
 * Layer: vm/ (target only). fault.c is the reference path, fault_fast.c
 * its shortcut (built when CALF_FASTPATH is 1); both decide with
 * fault_policy.h and change page tables only through fault_apply.h.
 */
#ifndef VM_FAULT_H
#define VM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "calf/abi.h"
#include "calf/syscall.h"
#include "vm/vm.h"

/* A fault message, decoded once (its words: calf/abi.h, CALF_FAULT_MR_*). */
struct fault_msg {
	uint64_t addr;       /* the faulting address (stval) */
	unsigned access;     /* CALF_FAULT_READ, _WRITE, _EXEC or _OTHER */
	bool by_kernel;      /* the kernel's copy routine touched the page, not the thread */
	uint64_t pc;         /* sepc */
	uint64_t scause;
	long tid;            /* the faulting thread */
};

static inline struct fault_msg fault_msg_decode(const struct calf_msg *m)
{
	struct fault_msg f = {
		.addr = m->mr[CALF_FAULT_MR_ADDR],
		.access = (unsigned)m->mr[CALF_FAULT_MR_ACCESS] & ~CALF_FAULT_KERNEL,
		.by_kernel = (m->mr[CALF_FAULT_MR_ACCESS] & CALF_FAULT_KERNEL) != 0,
		.pc = m->mr[CALF_FAULT_MR_PC],
		.scause = m->mr[CALF_FAULT_MR_CAUSE],
		.tid = (long)m->mr[CALF_FAULT_MR_TID],
	};

	return f;
}

/*
 * The two paths of a fault. fault_resolve (fault.c) is the reference
 * path: it can resolve every fault alone. fault_fast (fault_fast.c,
 * built when CALF_FASTPATH is 1) reaches the same decision and the same
 * page-table helpers through O(1) lookups only: 0 when it resolved the
 * fault (the thread may resume), or -1, having changed nothing, for
 * fault_resolve to take it from the start.
 */
bool fault_resolve(struct calf_msg *m);
int fault_fast(const struct calf_msg *m);

/*
 * Handle the fault message m (MR0 = CALF_LABEL_FAULT). Returns true when
 * the faulting thread must get a reply, with m's reply word set to
 * CALF_FAULT_RESUME, CALF_FAULT_EFAULT (the kernel's copy routine hit a
 * bad pointer) or CALF_FAULT_KILL (a thread we do not know). Returns
 * false when the process was killed: its thread went with its address
 * space, so there is no one to reply to. Inline into the server loop:
 * the shortcut costs no call of its own. While the fault trace is on
 * (trace.h), every fault takes the reference path, which reports it.
 */
extern bool trace_on;

static inline bool vm_fault(struct calf_msg *m)
{
	vm_stats.faults++;
#if CALF_FASTPATH
	if (!trace_on && fault_fast(m) == 0) {
		m->mr[CALF_FAULT_MR_REPLY] = CALF_FAULT_RESUME;
		return true;
	}
#endif
	return fault_resolve(m);
}

#endif
