/*
 * fault.c - a fault message, from facts to page tables: the reference
 * path (see fault.h).
 *
 * Layer: vm/ (host-tested by test_vm_fork.c, which stubs the process
 * table, killing and TLB flushes). This is the VM server's half of a page
 * fault's round trip: the kernel turned the trap into a call from the
 * faulting thread to us; our reply resumes it. Every fault can be
 * resolved here alone (build with FASTPATH=0 and every fault is); with
 * the shortcut built in, fault_fast.c takes the common faults first and
 * comes here, having changed nothing, for anything else.
 */
#include "vm/fault.h"
#include "vm/fault_apply.h"
#include "vm/fault_policy.h"
#include "vm/print.h"
#include "vm/process.h"
#include "vm/space.h"
#include "vm/trace.h"
#include "vm/uspace.h"
#include "vm/vm.h"

/* Whether carrying out action a writes into the page's level-0 table. */
static bool writes_table(enum fault_action a)
{
	return a != FAULT_RETRY && a != FAULT_DENY;
}

/* The page's leaf slot in p (NULL: no level-0 table holds it), and in
 * *shared the level-1 entry above it if that table is shared with a
 * fork (space.h). Outside every region (r NULL) the tables are not
 * looked at: above SV39_USER_TOP the walk would reach the kernel's. */
static sv39_pte_t *find_slot(struct proc *p, const struct region *r, uint64_t page,
			     sv39_pte_t **shared)
{
	*shared = NULL;
	return r ? space_leaf(&vm_frames, &p->space, page, shared) : NULL;
}

static bool reply(struct calf_msg *m, unsigned long answer)
{
	m->mr[CALF_FAULT_MR_REPLY] = answer;
	return true;
}

/* A fault we cannot resolve: the process is killed (no reply: its thread
 * is gone), or, when the kernel's copy routine touched the page for a
 * system call, the call fails with EFAULT and the process lives. */
static bool refuse(struct calf_msg *m, struct proc *p, const struct fault_msg *f,
		   const struct fault_facts *facts, enum fault_reason why)
{
	char msg[160];

	vm_stats.refused++;
	if (fault_deny_reply(f->by_kernel) == CALF_FAULT_EFAULT)
		return reply(m, CALF_FAULT_EFAULT);
	fault_describe(msg, sizeof(msg), facts, why, f->addr, f->pc, f->scause);
	proc_kill(p, fault_kill_signal(why, f->scause), msg);
	return false;
}

/* The page tables could not be changed (err): out of frames, or, in a
 * lab's student tree, code not written yet (-CALF_ENOSYS, lab.h). Only
 * this process pays; the system stays up. */
static bool cannot_resolve(struct proc *p, const struct fault_msg *f, int err)
{
	char msg[160];

	if (err == -CALF_ENOSYS) {
		vm_stats.refused++;
		vm_snprintf(msg, sizeof(msg), "the fault at 0x%lx, pc 0x%lx, needs a lab's code",
			    (unsigned long)f->addr, (unsigned long)f->pc);
		proc_kill(p, 11, msg);
		return false;
	}
	vm_stats.oom_kills++;
	vm_snprintf(msg, sizeof(msg), "out of memory at 0x%lx, pc 0x%lx", (unsigned long)f->addr,
		    (unsigned long)f->pc);
	proc_kill(p, 9, msg);   /* SIGKILL, as an OOM killer reports */
	return false;
}

/* The reference path: every fault can be resolved here alone. */
bool fault_resolve(struct calf_msg *m)
{
	const struct fault_msg f = fault_msg_decode(m);
	const struct region *r = NULL;
	struct fault_decision d;
	struct fault_facts facts;
	sv39_pte_t *slot, *shared;
	struct proc *p;
	uint64_t page = f.addr & ~(SV39_PAGE_SIZE - 1);
	bool table_copied = false;
	int err;

	/* 1. Whose fault, and in which region. */
	p = proc_by_tid(f.tid);
	if (!p) {
		/* A thread we did not start, or one of a process we are
		 * tearing down: nothing to resolve. */
		vm_printf("vm: fault from unknown thread %ld at 0x%lx, pc 0x%lx\n", f.tid,
			  (unsigned long)f.addr, (unsigned long)f.pc);
		vm_stats.refused++;
		return reply(m, CALF_FAULT_KILL);
	}
	if (f.access != CALF_FAULT_OTHER && f.addr < SV39_USER_TOP)
		r = region_find(&p->regions, f.addr);

	/* 2. The facts: what the page table holds for the page now. */
	slot = find_slot(p, r, page, &shared);
	facts = fault_facts_at(slot, f.access, r);

	/* 3. The decision. */
	d = fault_decide(&facts);

	/* A level-0 table shared with a fork is made p's own before
	 * anything writes into it. The copy took a reference to each of
	 * its frames (a count of 1 may be 2 now): look again. */
	if (shared && writes_table(d.action)) {
		int moved = space_unshare(&p->space, shared);

		if (moved < 0)
			return cannot_resolve(p, &f, moved);
		/* A level-1 entry changed: a flush by address would cover
		 * only leaf entries (privileged spec 4.2.1), so flush the
		 * whole address space. */
		if (moved) {
			uspace_flush(p, 0, 0);
			vm_stats.table_copies++;
			table_copied = true;
		}
		slot = find_slot(p, r, page, &shared);
		facts = fault_facts_at(slot, f.access, r);
		d = fault_decide(&facts);
	}

	if (trace_on)
		trace_fault(p, &f, d, table_copied);

	/* 4. Apply it, or refuse. */
	if (d.action == FAULT_DENY)
		return refuse(m, p, &f, &facts, d.reason);
	err = fault_apply(p, slot, page, facts.pte, d);
	if (err < 0)
		return cannot_resolve(p, &f, err);
	return reply(m, CALF_FAULT_RESUME);
}
