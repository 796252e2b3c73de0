/*
 * uspace.c - editing a process's user page tables (see uspace.h).
 *
 * Layer: vm/ (target only).
 */
#include "vm/uspace.h"
#include "lib/string.h"
#include "vm/print.h"
#include "vm/space.h"
#include "calf/syscall.h"
#include "vm/vm.h"

/* Page tables are frames of the frame table (space.c). */
const struct sv39_mem vm_sv39_mem = {
	.table_ptr = space_table_ptr,
	.table_alloc = space_table_alloc,
	.table_free = space_table_free,
	.ctx = &vm_frames,
};

void uspace_flush(struct proc *p, uint64_t va, uint64_t len)
{
	if (p->aspace >= 0)
		calf_tlb_invalidate((unsigned long)p->aspace, va, len);
}

int uspace_map(struct proc *p, uint64_t va, uint64_t pa, uint64_t flags)
{
	int err = space_map(&p->space, va, pa, flags);

	if (err == SV39_OK)
		uspace_flush(p, va, SV39_PAGE_SIZE);
	return err;
}

static void unref_leaf(void *arg, uint64_t va, sv39_pte_t pte)
{
	(void)arg;
	if (frame_unref(&vm_frames, sv39_pte_pa(pte)) != 0)
		vm_printf("vm: bug: leaf at 0x%lx maps frame 0x%lx the table does not count\n",
			  (unsigned long)va, (unsigned long)sv39_pte_pa(pte));
}

int uspace_unmap_range(struct proc *p, uint64_t lo, uint64_t hi)
{
	int err;

	if (lo >= hi)
		return 0;
	err = space_prepare_unmap(&p->space, lo, hi);
	if (err < 0) {
		/* Out of memory for the second of two tables to unshare: the
		 * first was copied already, and its level-1 entry now points
		 * at the copy. The mappings are the same, but a hart may
		 * still hold the entry pointing at the old table, which the
		 * other sharer now owns alone and may change or free: flush
		 * before failing. */
		uspace_flush(p, 0, 0);
		return err;
	}
	sv39_unmap_range(&p->space, lo, hi, unref_leaf, NULL);
	/* The whole ASID, not [lo, hi): besides the leaves, level-1
	 * entries may have changed (a table let go, copied, or freed once
	 * empty), and a flush by address covers only leaf entries
	 * (privileged spec 4.2.1). */
	uspace_flush(p, 0, 0);
	return 0;
}

void uspace_destroy(struct proc *p)
{
	space_destroy(&p->space);
}

int uspace_copy_in(struct proc *p, void *dst, uint64_t uva, size_t len)
{
	uint8_t *d = dst;

	if (uva >= SV39_USER_TOP || len > SV39_USER_TOP - uva)
		return -CALF_EFAULT;
	while (len) {
		uint64_t page = uva & ~(SV39_PAGE_SIZE - 1);
		size_t off = (size_t)(uva - page);
		size_t n = SV39_PAGE_SIZE - off < len ? SV39_PAGE_SIZE - off : len;
		const struct region *r = region_find(&p->regions, uva);
		sv39_pte_t pte;

		/* The process's own view decides: a region it may read. */
		if (!r || !(r->prot & (REGION_R | REGION_W)))
			return -CALF_EFAULT;
		if (sv39_lookup(&p->space, page, &pte, NULL) == SV39_OK)
			memcpy(d, (uint8_t *)frame_ptr(&vm_frames, sv39_pte_pa(pte)) + off, n);
		else
			memset(d, 0, n);   /* anonymous, untouched: zeros */
		d += n;
		uva += n;
		len -= n;
	}
	return 0;
}
