/*
 * fault_fast.c - the fault path's shortcut: the reference path's steps
 * (fault.c) reached through O(1) lookups only.
 *
 * Layer: vm/ (built when CALF_FASTPATH is 1; test_vm_fork.c runs it on
 * the host, with the reference path, on random spaces). It decides
 * with the same fault_decide and changes page tables with the same
 * fault_apply helpers as the reference path; only the finding is
 * different. Where a lookup misses it gives up before it has changed
 * anything, and the reference path takes the fault from the start:
 *  - the process: the tid hash (process.h), no scan of the table;
 *  - the region: the one the last fault hit (region.h's hint), no search;
 *  - the leaf: space_leaf (space.h), and it gives up where a table is
 *    missing or shared with a fork;
 *  - a refusal or an out-of-memory: the reference path says why.
 * Everything stays in registers, and every call is a tail call, so it
 * needs no stack frame. docs/performance.md has the figures with and
 * without it.
 */
#include "vm/fault.h"
#include "vm/fault_apply.h"
#include "vm/fault_policy.h"
#include "vm/process.h"
#include "vm/space.h"
#include "vm/vm.h"

int fault_fast(const struct calf_msg *m)
{
	const struct fault_msg f = fault_msg_decode(m);
	const struct tid_slot *s = &proc_tid_hash[(unsigned long)f.tid % PROC_TID_HASH];
	struct proc *p = s->p;
	const struct region *r;
	struct fault_decision d;
	struct fault_facts facts;
	uint64_t page = f.addr & ~(SV39_PAGE_SIZE - 1);
	sv39_pte_t *slot, *shared;

	/* The hash holds running threads of live processes only (an empty
	 * slot has tid 0, which names no thread). */
	if (s->tid != f.tid)
		return -1;
	/* Regions lie below SV39_USER_TOP (region_add), so an address in
	 * one is a user address: the walk stays in the process's tables. */
	r = &p->regions.r[p->regions.hint];
	if (p->regions.hint >= p->regions.n || f.addr - r->start >= r->end - r->start)
		return -1;
	slot = space_leaf(&vm_frames, &p->space, page, &shared);
	if (!slot || shared)
		return -1;
	facts = fault_facts_at(slot, f.access, r);
	d = fault_decide(&facts);
	if (d.action == FAULT_DENY)
		return -1;
	return fault_apply(p, slot, page, facts.pte, d);
}
