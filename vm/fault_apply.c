/*
 * fault_apply.c - the page-table changes of a fault (see fault_apply.h).
 *
 * Layer: vm/ (host-tested by test_vm_fork.c, which supplies its own
 * uspace_flush). May use sv39/, the frame table and space.h.
 */
#include "vm/fault_apply.h"
#include "vm/space.h"
#include "vm/uspace.h"

/* A 4 KiB leaf as sv39_map builds it (A and D preset: sv39.h). */
static inline sv39_pte_t leaf(uint64_t pa, uint64_t flags)
{
	return sv39_pte_make(pa, flags | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
}

/* A leaf where nothing is mapped: straight into the slot when its table
 * exists (marking its run, space.h), else through space_map, which
 * builds the tables. */
static int install(struct proc *p, sv39_pte_t *slot, uint64_t page, uint64_t pa, uint64_t flags)
{
	if (slot) {
		*slot = leaf(pa, flags);
		space_mark_slot(&vm_frames, slot);
		return 0;
	}
	return space_map(&p->space, page, pa, flags) == SV39_OK ? 0 : -CALF_ENOMEM;
}

/* A valid leaf changes frame: every hart must forget the old
 * translation, or it would go on using the old frame. */
static void replace(struct proc *p, sv39_pte_t *slot, uint64_t page, uint64_t pa, uint64_t flags)
{
	*slot = leaf(pa, flags);
	uspace_flush(p, page, SV39_PAGE_SIZE);
}

int fault_retry(struct proc *p, uint64_t page)
{
	uspace_flush(p, page, SV39_PAGE_SIZE);
	vm_stats.retries++;
	return 0;
}

int fault_map_zero(struct proc *p, sv39_pte_t *slot, uint64_t page, uint64_t flags)
{
	/* LAB zero: begin */
	if (install(p, slot, page, vm_frames.zero_pa, flags))
		return -CALF_ENOMEM;
	vm_stats.zero_maps++;
	return 0;
	/* LAB zero: stub
	 * (void)p; (void)slot; (void)page; (void)flags;
	 * return (int)lab_missing("zero", "fault_map_zero");
	 * LAB zero: end */
}

int fault_zero_fill(struct proc *p, sv39_pte_t *slot, uint64_t page, sv39_pte_t old,
		    uint64_t flags)
{
	uint64_t pa = frame_alloc(&vm_frames);

	if (pa == FRAME_NONE)
		return -CALF_ENOMEM;
	if (!sv39_pte_valid(old)) {
		if (install(p, slot, page, pa, flags)) {
			frame_unref(&vm_frames, pa);
			return -CALF_ENOMEM;   /* no frame for a page table */
		}
	} else {
		/* Over the zero frame (pinned: nothing to drop). A store to
		 * it is a COW fault too. */
		replace(p, slot, page, pa, flags);
		vm_stats.cow_faults++;
		vm_stats.cow_zero++;
	}
	vm_stats.zero_fills++;
	return 0;
}

int fault_cow_copy(struct proc *p, sv39_pte_t *slot, uint64_t page, sv39_pte_t old,
		   uint64_t flags)
{
	/* LAB cow: begin */
	uint64_t old_pa = sv39_pte_pa(old);
	uint64_t pa = frame_alloc_copy(&vm_frames, old_pa);

	if (pa == FRAME_NONE)
		return -CALF_ENOMEM;
	replace(p, slot, page, pa, flags);
	frame_unref(&vm_frames, old_pa);
	vm_stats.cow_faults++;
	vm_stats.cow_copies++;
	return 0;
	/* LAB cow: stub
	 * (void)p; (void)slot; (void)page; (void)old; (void)flags;
	 * return (int)lab_missing("cow", "fault_cow_copy");
	 * LAB cow: end */
}
