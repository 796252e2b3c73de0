/*
 * fault.c - a fault message, from facts to page tables (see fault.h).
 *
 * Layer: vm/ (target only). This is the VM server's half of a page
 * fault's round trip: the kernel turned the trap into a call from the
 * faulting thread to us (MR1 address, MR2 access, MR3 pc, MR4 scause,
 * MR5 thread id); our reply resumes it.
 */
#include "vm/fault.h"
#include "vm/fault_policy.h"
#include "vm/print.h"
#include "vm/process.h"
#include "vm/space.h"
#include "vm/uspace.h"
#include "vm/vm.h"

/*
 * The slot of the page's leaf, to write into. The VM server maps user
 * memory only with 4 KiB leaves, so the leaf, if any, sits in a level-0
 * table: its slot there, or NULL if a table on the path is missing (or
 * a larger leaf covers the page), or if the level-0 table is marked
 * copy-on-write (shared by fork, space.h: fault_resolve unshares it if
 * the fault writes). apply() then writes the slot directly instead of
 * walking again. The walk is sv39_walk's without allocation, inlined
 * and straight through the window: this is on every fault's path, and
 * the mark costs it nothing (one more bit in the mask it tests anyway).
 */
static inline sv39_pte_t *leaf_slot(const struct proc *p, uint64_t page)
{
	const struct frame_table *ft = &vm_frames;
	sv39_pte_t *t = frame_ptr(ft, p->space.root_pa);

	for (int l = SV39_LEVEL_1G; l > SV39_LEVEL_4K; l--) {
		sv39_pte_t e = t[sv39_vpn(page, l)];

		if ((e & (SV39_PTE_V | SV39_PTE_RWX | SPACE_TABLE_COW)) != SV39_PTE_V)
			return NULL;   /* no table, a larger leaf, a shared table */
		t = frame_ptr(ft, sv39_pte_pa(e));
	}
	return &t[sv39_vpn(page, SV39_LEVEL_4K)];
}

/* What the leaf at slot (NULL: none) says about the page, for the
 * policy. The frame's count is looked up only where the policy needs
 * it: a store to a COW page. */
static inline void slot_facts(const sv39_pte_t *slot, struct fault_facts *f)
{
	const struct frame_table *ft = &vm_frames;
	sv39_pte_t pte;

	if (!slot)
		return;   /* f->mapped stays false */
	pte = *slot;
	f->mapped = sv39_pte_valid(pte);
	f->pte = pte;
	if (f->mapped) {
		uint64_t pa = sv39_pte_pa(pte);

		f->zero_frame = frame_is_zero(ft, pa);
		if (f->access == CALF_FAULT_WRITE && (pte & SV39_PTE_COW) && !f->zero_frame) {
			const uint32_t *c = frame_count_fast(ft, pa);

			f->refcount = c ? *c : frame_refcount(ft, pa);
		}
	}
}

/* A 4 KiB leaf as sv39_map builds it (A and D preset: sv39.h). */
static inline sv39_pte_t leaf(uint64_t pa, uint64_t flags)
{
	return sv39_pte_make(pa, flags | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
}

/* Install a leaf where nothing was mapped: straight into the slot when
 * its table exists (marking its run, space.h), else through space_map,
 * which builds the tables.
 * No TLB flush: the hart may hold the old "invalid" at most, and a fault
 * on that stale entry finds the page mapped and is answered FAULT_RETRY,
 * which flushes (privileged spec 4.2.1 allows either behaviour). */
static int install(struct proc *p, sv39_pte_t *slot, uint64_t page, uint64_t pa, uint64_t flags)
{
	if (slot) {
		*slot = leaf(pa, flags);
		space_mark_slot(&vm_frames, slot);
		return 0;
	}
	return space_map(&p->space, page, pa, flags) == SV39_OK ? 0 : -CALF_ENOMEM;
}

/* Apply d at page. 0, or -CALF_ENOMEM when out of frames. */
static inline int apply(struct proc *p, sv39_pte_t *slot, uint64_t page, const struct fault_facts *f,
		 const struct fault_decision *d)
{
	uint64_t old = sv39_pte_pa(f->pte), pa;

	switch (d->action) {
	case FAULT_RETRY:
		uspace_flush(p, page, SV39_PAGE_SIZE);
		return 0;
	case FAULT_MAP_ZERO:
		/* The zero frame is pinned: no reference to take. */
		if (install(p, slot, page, vm_frames.zero_pa, d->pte_flags))
			return -CALF_ENOMEM;   /* no frame for a page table */
		vm_stats.zero_maps++;
		return 0;
	case FAULT_MAP_NEW:
		pa = frame_alloc(&vm_frames);
		if (pa == FRAME_NONE)
			return -CALF_ENOMEM;
		if (install(p, slot, page, pa, d->pte_flags)) {
			frame_unref(&vm_frames, pa);
			return -CALF_ENOMEM;
		}
		vm_stats.zero_fills++;
		return 0;
	case FAULT_COW_REUSE:
		/* Nobody else maps this frame any more (the others copied or
		 * exited): it is ours, make it writable again. Only rights
		 * are added, so no flush (as in install()). */
		*slot = (f->pte | SV39_PTE_W) & ~SV39_PTE_COW;
		vm_stats.cow_faults++;
		vm_stats.cow_reuses++;
		return 0;
	case FAULT_COW_ZERO:
	case FAULT_COW_COPY:
		/* A copy of the zero frame is just a zeroed frame: no read
		 * of zeros. */
		pa = d->action == FAULT_COW_ZERO ? frame_alloc(&vm_frames)
						 : frame_alloc_copy(&vm_frames, old);
		if (pa == FRAME_NONE)
			return -CALF_ENOMEM;
		/* A valid leaf changes frame: every hart must forget the
		 * old translation, or it would go on reading the old frame. */
		*slot = leaf(pa, d->pte_flags);
		uspace_flush(p, page, SV39_PAGE_SIZE);
		frame_unref(&vm_frames, old);   /* no-op for the zero frame */
		vm_stats.cow_faults++;
		if (d->action == FAULT_COW_ZERO)
			vm_stats.zero_fills++;
		else
			vm_stats.cow_copies++;
		return 0;
	case FAULT_DENY:
		break;
	}
	return 0;
}

/* The slow ends of a fault, out of line so that the common path does
 * not pay for their stack buffer and saved registers. */
static __attribute__((noinline)) bool fault_refused(struct vm_msg *m, struct proc *p,
						    struct fault_facts facts,
						    struct fault_decision decision)
{
	/* By value: the fast path's facts never have their address taken,
	 * so they can stay in registers. */
	const struct fault_facts *f = &facts;
	const struct fault_decision *d = &decision;
	uint64_t addr = m->mr[1], pc = m->mr[3], scause = m->mr[4];
	char why[160];

	if (!p) {
		/* A thread we did not start, or one of a process we are
		 * tearing down: nothing to resolve. */
		vm_printf("vm: fault from unknown thread %lu at 0x%lx, pc 0x%lx\n",
			  (unsigned long)m->mr[5], (unsigned long)addr, (unsigned long)pc);
		m->mr[0] = CALF_FAULT_KILL;
		return true;
	}
	if (d->action != FAULT_DENY) {
		/* Out of frames: only this process pays; the system stays
		 * up. */
		vm_stats.oom_kills++;
		vm_snprintf(why, sizeof(why), "out of memory at 0x%lx, pc 0x%lx",
			    (unsigned long)addr, (unsigned long)pc);
		proc_kill(p, 9, why);   /* SIGKILL, as an OOM killer reports */
		return false;
	}
	if (fault_deny_reply((m->mr[2] & CALF_FAULT_KERNEL) != 0) == CALF_FAULT_EFAULT) {
		/* The kernel's copy routine touched a bad user pointer on the
		 * process's behalf: the system call fails, the process lives. */
		m->mr[0] = CALF_FAULT_EFAULT;
		return true;
	}
	fault_describe(why, sizeof(why), f, d->reason, addr, pc, scause);
	proc_kill(p, fault_kill_signal(d->reason, scause), why);
	return false;
}

/*
 * The slot of a page whose level-0 table is marked copy-on-write (e is
 * its level-1 entry; space.h). If the fault will write into the table
 * (any action but a retry or a refusal), it is made p's own first
 * (space_unshare), and the slot is in that; else the slot in the shared
 * table, only to read. NULL: no frame left for the copy. Out of line:
 * rare (the first write into 2 MiB after a fork), and it keeps the
 * policy's second copy out of fault_resolve.
 */
static __attribute__((noinline)) sv39_pte_t *shared_table_slot(struct proc *p,
							       const struct region *r,
							       unsigned access, sv39_pte_t *e,
							       uint64_t page)
{
	sv39_pte_t *slot = frame_ptr(&vm_frames, sv39_pte_pa(*e));
	struct fault_facts f = { .access = access, .region = r };
	enum fault_action a;
	int moved;

	slot += sv39_vpn(page, SV39_LEVEL_4K);
	slot_facts(slot, &f);
	a = fault_decide(&f).action;
	if (a == FAULT_DENY || a == FAULT_RETRY)
		return slot;
	moved = space_unshare(&p->space, e);
	if (moved < 0)
		return NULL;
	/* A level-1 entry changed: a flush by address would cover only
	 * leaf entries (privileged spec 4.2.1), so flush p's whole ASID. */
	if (moved)
		uspace_flush(p, 0, 0);
	return leaf_slot(p, page);
}

/* The general path, once the process p, the region r holding the
 * address (NULL: none, or not looked for) and the leaf's slot (NULL:
 * none) are known: the facts, the policy, apply, or refuse. Out of line,
 * so that its saved registers and the facts in memory are not paid by
 * the fast path (vm_fault). */
static __attribute__((noinline)) bool fault_resolve(struct vm_msg *m, struct proc *p,
						    const struct region *r, sv39_pte_t *slot,
						    uint64_t page)
{
	struct fault_facts f = { .access = (unsigned)m->mr[2] & ~CALF_FAULT_KERNEL, .region = r };
	struct fault_decision d;

	vm_stats.faults++;
	if (!slot && r) {
		/* No table, or a shared one. Then the facts come from the
		 * slot shared_table_slot gives, after any copy (which took
		 * a reference to each frame: a count of 1 may be 2 now); a
		 * slot left in the shared table only serves a retry or a
		 * refusal, which write nothing. */
		sv39_pte_t *e = space_cow_table_entry(&p->space, page);

		if (e && !(slot = shared_table_slot(p, r, f.access, e, page))) {
			/* Out of memory: any action but FAULT_DENY says so. */
			const struct fault_decision oom = { FAULT_MAP_NEW, FAULT_OK, 0 };

			return fault_refused(m, p, f, oom);
		}
	}
	slot_facts(slot, &f);
	d = fault_decide_inline(&f);
	if (d.action != FAULT_DENY && apply(p, slot, page, &f, &d) == 0) {
		m->mr[0] = CALF_FAULT_RESUME;
		return true;
	}
	return fault_refused(m, p, f, d);
}

/* Every fault the fast path does not take from the start: find the
 * process, the region and the slot the general way. */
static __attribute__((noinline)) bool vm_fault_general(struct vm_msg *m)
{
	uint64_t addr = m->mr[1];
	unsigned access = (unsigned)m->mr[2] & ~CALF_FAULT_KERNEL;
	struct proc *p = proc_by_tid((long)m->mr[5]);
	uint64_t page = addr & ~(SV39_PAGE_SIZE - 1);
	const struct region *r = NULL;

	if (!p) {
		struct fault_facts f = { .access = access };
		struct fault_decision d = { FAULT_DENY, FAULT_OK, 0 };

		vm_stats.faults++;
		return fault_refused(m, p, f, d);
	}
	/* Look at the page table only inside a region: above SV39_USER_TOP
	 * (a kernel address handed to a system call, say) the walk would
	 * reach the kernel's shared tables, which are not in our window. */
	if (access != CALF_FAULT_OTHER && addr < SV39_USER_TOP)
		r = region_find(&p->regions, addr);
	return fault_resolve(m, p, r, r ? leaf_slot(p, page) : NULL, page);
}

/*
 * The copy half of the fast path (count > 1): a new frame with a copy of
 * the page, mapped with the region's rights; one TLB invalidation (the
 * leaf changes frame); one reference less on the old frame. Out of line:
 * its calls need saved registers, the reuse case does not. Out of frames,
 * nothing has changed yet: the general path decides again and kills.
 */
static __attribute__((noinline)) bool fault_fast_copy(struct vm_msg *m, struct proc *p,
						      sv39_pte_t *slot, uint64_t page,
						      uint64_t old, uint32_t *count, uint64_t flags)
{
	uint64_t pa = frame_alloc_copy(&vm_frames, old);
	uint32_t n;

	if (pa == FRAME_NONE)
		return vm_fault_general(m);
	*slot = leaf(pa, flags);
	uspace_flush(p, page, SV39_PAGE_SIZE);
	/* frame_unref, without its search: the count is > 1 here but for
	 * a frame in a state the VM server never builds (free, pinned),
	 * which frame_unref handles. */
	n = *count;
	if (n >= 2 && n != FRAME_PINNED)
		*count = n - 1;
	else
		frame_unref(&vm_frames, old);
	vm_stats.faults++;
	vm_stats.cow_faults++;
	vm_stats.cow_copies++;
	m->mr[0] = CALF_FAULT_RESUME;
	return true;
}

/*
 * A fault message. First the fast path for the two common cases, a store
 * to a COW page over a frame other than the zero frame (count 1: set W,
 * clear COW; else copy), decided from the PTE directly and in registers
 * (fault_fast_cow_store, checked against fault_decide on the host). It
 * looks only where the lookups are O(1) (the tid hash, the region hint,
 * a level-0 leaf, a frame of the largest range); anything else, or any
 * doubt, goes to vm_fault_general, which decides everything.
 */
bool vm_fault(struct vm_msg *m)
{
	const struct frame_table *ft = &vm_frames;
	uint64_t addr = m->mr[1], page, pa;
	unsigned access = (unsigned)m->mr[2] & ~CALF_FAULT_KERNEL;
	long tid = (long)m->mr[5];
	struct proc *p = proc_tid_hash[(unsigned long)tid % PROC_TID_HASH];
	const struct region *r;
	sv39_pte_t *slot, pte;
	uint32_t *count;

	if (!p || p->tid != tid || p->state != PROC_LIVE || addr >= SV39_USER_TOP ||
	    access == CALF_FAULT_OTHER)
		return vm_fault_general(m);
	r = &p->regions.r[p->regions.hint];
	if (p->regions.hint >= p->regions.n || addr - r->start >= r->end - r->start)
		return vm_fault_general(m);
	page = addr & ~(SV39_PAGE_SIZE - 1);
	slot = leaf_slot(p, page);
	if (!slot)
		return fault_resolve(m, p, r, slot, page);
	pte = *slot;
	if (!fault_fast_cow_store(access, r, pte))
		return fault_resolve(m, p, r, slot, page);
	pa = sv39_pte_pa(pte);
	count = frame_count_fast(ft, pa);
	if (frame_is_zero(ft, pa) || !count)
		return fault_resolve(m, p, r, slot, page);
	if (*count != 1)
		return fault_fast_copy(m, p, slot, page, pa, count,
				       fault_region_pte_flags_inline(r));
	/* Count 1: nobody else maps the frame, it is ours. Only rights
	 * are added, so no flush (as in install()). */
	*slot = (pte | SV39_PTE_W) & ~SV39_PTE_COW;
	vm_stats.faults++;
	vm_stats.cow_faults++;
	vm_stats.cow_reuses++;
	m->mr[0] = CALF_FAULT_RESUME;
	return true;
}
