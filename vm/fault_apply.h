/*
 * fault_apply.h - the page-table changes a fault decision asks for, one
 * small helper each, and the facts the decision is made from.
 *
 * Layer: vm/ (target only). Both fault paths, the reference one
 * (fault.c) and its shortcut (fault_fast.c), gather the facts with
 * fault_facts_at and change page tables with fault_apply: these helpers
 * are the only code that maps the zero frame, fills a zeroed frame,
 * reuses or copies a copy-on-write page for a fault.
 *
 * No helper flushes for a change that only adds rights or fills an
 * invalid slot: the hart may hold the old entry at most, and a fault on
 * that stale entry finds the page already allowed and is answered
 * FAULT_RETRY, which flushes (privileged spec 4.2.1 allows either
 * behaviour). A valid leaf that changes frame is flushed at once.
 */
#ifndef VM_FAULT_APPLY_H
#define VM_FAULT_APPLY_H

#include <stdint.h>

#include "calf/abi.h"
#include "sv39/sv39.h"
#include "vm/fault_policy.h"
#include "vm/frame.h"
#include "vm/lab.h"
#include "vm/process.h"
#include "vm/vm.h"

/* What the leaf in slot (NULL: there is no level-0 table for the page)
 * says about the page, for an access of kind `access` in region r. The
 * zero frame's count is not looked up: it is pinned, never counted. */
static inline struct fault_facts fault_facts_at(const sv39_pte_t *slot, unsigned access,
						const struct region *r)
{
	struct fault_facts f = { .access = access, .region = r };

	if (slot && sv39_pte_valid(*slot)) {
		uint64_t pa = sv39_pte_pa(*slot);

		f.mapped = true;
		f.pte = *slot;
		f.zero_frame = frame_is_zero(&vm_frames, pa);
		if (!f.zero_frame)
			f.refcount = frame_refcount(&vm_frames, pa);
	}
	return f;
}

/* FAULT_RETRY: the page already allows the access; the hart used a
 * stale TLB entry. Flush it. Returns 0. */
int fault_retry(struct proc *p, uint64_t page);

/* FAULT_MAP_ZERO: map the shared zero frame (pinned: no reference to
 * take) with flags (never W). 0, or -CALF_ENOMEM: no frame for a page
 * table. */
int fault_map_zero(struct proc *p, sv39_pte_t *slot, uint64_t page, uint64_t flags);

/* FAULT_MAP_NEW and FAULT_COW_ZERO: a fresh zeroed frame with flags, in
 * place of nothing (old 0) or of the zero frame (old, a valid leaf).
 * 0, or -CALF_ENOMEM with nothing changed. */
int fault_zero_fill(struct proc *p, sv39_pte_t *slot, uint64_t page, sv39_pte_t old,
		    uint64_t flags);

/* FAULT_COW_COPY: the shared frame of the COW leaf old copied into a
 * frame of p's own, mapped with flags; one reference less on the
 * original. 0, or -CALF_ENOMEM with nothing changed. */
int fault_cow_copy(struct proc *p, sv39_pte_t *slot, uint64_t page, sv39_pte_t old,
		   uint64_t flags);

/* FAULT_COW_REUSE: nobody else maps the frame of the COW leaf old any
 * more (the others copied or exited): it is p's, make it writable
 * again. Only rights are added: no flush. Returns 0. */
static inline int fault_cow_reuse(sv39_pte_t *slot, sv39_pte_t old)
{
	/* LAB reuse: begin */
	*slot = (old | SV39_PTE_W) & ~SV39_PTE_COW;
	vm_stats.cow_faults++;
	vm_stats.cow_reuses++;
	return 0;
	/* LAB reuse: stub
	 * (void)slot; (void)old;
	 * return (int)lab_missing("reuse", "fault_cow_reuse");
	 * LAB reuse: end */
}

/*
 * Carry out d (any action but FAULT_DENY) for the page of p whose leaf
 * slot is slot (NULL: no level-0 table yet; then only the actions that
 * install a leaf where there was none come here), where the leaf was
 * old (0 if none) when d was decided. 0, or -CALF_ENOMEM with nothing
 * changed. Every case ends in its helper (a tail call: the shortcut
 * needs no stack frame for it).
 */
static inline int fault_apply(struct proc *p, sv39_pte_t *slot, uint64_t page, sv39_pte_t old,
			      struct fault_decision d)
{
	switch (d.action) {
	case FAULT_RETRY:
		return fault_retry(p, page);
	case FAULT_MAP_ZERO:
		return fault_map_zero(p, slot, page, d.pte_flags);
	case FAULT_MAP_NEW:
	case FAULT_COW_ZERO:
		return fault_zero_fill(p, slot, page, old, d.pte_flags);
	case FAULT_COW_REUSE:
		return fault_cow_reuse(slot, old);
	case FAULT_COW_COPY:
		return fault_cow_copy(p, slot, page, old, d.pte_flags);
	case FAULT_DENY:
		break;
	}
	return -CALF_EINVAL;   /* a refusal is the caller's, not a change */
}

#endif
