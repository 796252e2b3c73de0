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
#include "vm/uspace.h"
#include "vm/vm.h"

/* What the page table says about the page, for the policy. */
static void read_pte(struct proc *p, uint64_t page, struct fault_facts *f)
{
	sv39_pte_t pte;
	int level;

	f->mapped = sv39_lookup(&p->space, page, &pte, &level) == SV39_OK;
	f->pte = f->mapped ? pte : 0;
	f->zero_frame = f->mapped && frame_is_zero(&vm_frames, sv39_pte_pa(pte));
	f->refcount = f->mapped ? frame_refcount(&vm_frames, sv39_pte_pa(pte)) : 0;
}

/* Apply d at page. 0, or -CALF_ENOMEM when out of frames. */
static int apply(struct proc *p, uint64_t page, const struct fault_facts *f,
		 const struct fault_decision *d)
{
	uint64_t old = sv39_pte_pa(f->pte), pa;

	switch (d->action) {
	case FAULT_RETRY:
		uspace_flush(p, page, SV39_PAGE_SIZE);
		return 0;
	case FAULT_MAP_ZERO:
		/* The zero frame is pinned: no reference to take. */
		if (uspace_map(p, page, vm_frames.zero_pa, d->pte_flags) != SV39_OK)
			return -CALF_ENOMEM;   /* no frame for a page table */
		vm_stats.zero_maps++;
		return 0;
	case FAULT_MAP_NEW:
		pa = frame_alloc(&vm_frames);
		if (pa == FRAME_NONE)
			return -CALF_ENOMEM;
		if (uspace_map(p, page, pa, d->pte_flags) != SV39_OK) {
			frame_unref(&vm_frames, pa);
			return -CALF_ENOMEM;
		}
		vm_stats.zero_fills++;
		return 0;
	case FAULT_COW_REUSE:
		/* Nobody else maps this frame any more (the others copied or
		 * exited): it is ours, make it writable again. */
		sv39_protect(&p->space, page, SV39_PTE_W, SV39_PTE_COW);
		uspace_flush(p, page, SV39_PAGE_SIZE);
		vm_stats.cow_faults++;
		vm_stats.cow_reuses++;
		return 0;
	case FAULT_COW_ZERO:
	case FAULT_COW_COPY:
		/* A copy of the zero frame is just a zeroed frame. */
		pa = d->action == FAULT_COW_ZERO ? frame_alloc(&vm_frames)
						 : frame_alloc_copy(&vm_frames, old);
		if (pa == FRAME_NONE)
			return -CALF_ENOMEM;
		uspace_replace(p, page, pa, d->pte_flags);
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

bool vm_fault(struct vm_msg *m)
{
	uint64_t addr = m->mr[1], pc = m->mr[3], scause = m->mr[4];
	unsigned access = (unsigned)m->mr[2] & ~CALF_FAULT_KERNEL;
	bool by_kernel = (m->mr[2] & CALF_FAULT_KERNEL) != 0;
	struct proc *p = proc_by_tid((long)m->mr[5]);
	uint64_t page = addr & ~(SV39_PAGE_SIZE - 1);
	struct fault_facts f = { .access = access };
	struct fault_decision d;
	char why[160];

	vm_stats.faults++;
	if (!p) {
		/* A thread we did not start, or one of a process we are
		 * tearing down: nothing to resolve. */
		vm_printf("vm: fault from unknown thread %lu at 0x%lx, pc 0x%lx\n",
			  (unsigned long)m->mr[5], (unsigned long)addr, (unsigned long)pc);
		m->mr[0] = CALF_FAULT_KILL;
		return true;
	}
	/* Look at the page table only inside a region: above SV39_USER_TOP
	 * (a kernel address handed to a system call, say) the walk would
	 * reach the kernel's shared tables, which are not in our window. */
	if (access != CALF_FAULT_OTHER && addr < SV39_USER_TOP)
		f.region = region_find(&p->regions, addr);
	if (f.region)
		read_pte(p, page, &f);
	d = fault_decide(&f);

	if (d.action != FAULT_DENY) {
		if (apply(p, page, &f, &d) == 0) {
			m->mr[0] = CALF_FAULT_RESUME;
			return true;
		}
		/* Out of frames: only this process pays. */
		vm_snprintf(why, sizeof(why), "out of memory at 0x%lx, pc 0x%lx",
			    (unsigned long)addr, (unsigned long)pc);
		proc_kill(p, 9, why);   /* SIGKILL, as an OOM killer reports */
		return false;
	}
	if (fault_deny_reply(by_kernel) == CALF_FAULT_EFAULT) {
		/* The kernel's copy routine touched a bad user pointer on the
		 * process's behalf: the system call fails, the process lives. */
		m->mr[0] = CALF_FAULT_EFAULT;
		return true;
	}
	fault_describe(why, sizeof(why), &f, d.reason, addr, pc, scause);
	proc_kill(p, fault_kill_signal(d.reason, scause), why);
	return false;
}
