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
 * What the page table says about the page, for the policy. The VM server
 * maps user memory only with 4 KiB leaves, so the leaf, if any, sits in
 * a level-0 table: *slot is its slot there (NULL if a table on the path
 * is missing, or a larger leaf covers the page), which apply() then
 * writes directly instead of walking again. The walk is sv39_walk's
 * without allocation, inlined and straight through the window: this is
 * on every fault's path. The frame's count is looked up only where the
 * policy needs it: a store to a COW page.
 */
static inline sv39_pte_t *read_pte(struct proc *p, uint64_t page, struct fault_facts *f)
{
	const struct frame_table *ft = &vm_frames;
	sv39_pte_t *t = frame_ptr(ft, p->space.root_pa), *slot, pte;

	for (int l = SV39_LEVEL_1G; l > SV39_LEVEL_4K; l--) {
		sv39_pte_t e = t[sv39_vpn(page, l)];

		if ((e & (SV39_PTE_V | SV39_PTE_RWX)) != SV39_PTE_V) {
			f->mapped = false;   /* no table, or a larger leaf */
			return NULL;
		}
		t = frame_ptr(ft, sv39_pte_pa(e));
	}
	slot = &t[sv39_vpn(page, SV39_LEVEL_4K)];
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
	return slot;
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

bool vm_fault(struct vm_msg *m)
{
	uint64_t addr = m->mr[1];
	unsigned access = (unsigned)m->mr[2] & ~CALF_FAULT_KERNEL;
	struct proc *p = proc_by_tid((long)m->mr[5]);
	uint64_t page = addr & ~(SV39_PAGE_SIZE - 1);
	struct fault_facts f = { .access = access };
	struct fault_decision d = { FAULT_DENY, FAULT_OK, 0 };
	sv39_pte_t *slot = NULL;

	vm_stats.faults++;
	if (!p)
		return fault_refused(m, p, f, d);
	/* Look at the page table only inside a region: above SV39_USER_TOP
	 * (a kernel address handed to a system call, say) the walk would
	 * reach the kernel's shared tables, which are not in our window. */
	if (access != CALF_FAULT_OTHER && addr < SV39_USER_TOP)
		f.region = region_find(&p->regions, addr);
	if (f.region)
		slot = read_pte(p, page, &f);
	d = fault_decide_inline(&f);
	if (d.action != FAULT_DENY && apply(p, slot, page, &f, &d) == 0) {
		m->mr[0] = CALF_FAULT_RESUME;
		return true;
	}
	return fault_refused(m, p, f, d);
}
