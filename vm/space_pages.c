/*
 * space_pages.c - fork without shared page tables: every page of the
 * parent shared copy-on-write one by one (space_fork_pages), or copied
 * (space_fork_copy).
 *
 * Layer: vm/ (pure, host-tested by test_vm_fork.c). These are the forks
 * one lab below space_fork's (labs/README.md): without the sharedpt lab,
 * fork is space_fork_pages, which the cow lab writes; without the cow
 * lab, fork is space_fork_copy. Each gives the child the same bytes at
 * the same addresses; they differ in what it costs.
 */
#include "vm/space.h"

/* What a walk over the parent's leaves needs. */
struct fork_walk {
	struct frame_table *ft;
	struct sv39_space *dst, *src;
	int err;
};

static int fork_failed(struct fork_walk *w, struct sv39_space *dst)
{
	space_destroy(dst);   /* what is in dst holds references: all come back */
	dst->root_pa = 0;
	return w->err;
}

static int new_child(struct sv39_space *dst, struct sv39_space *src)
{
	return sv39_space_init(dst, src->mem) == SV39_OK ? 0 : -CALF_ENOMEM;
}

/* ---- copy-on-write, page by page ---- */

/* One leaf of the parent: the child maps the same frame, which gains a
 * reference; if the page is writable, both lose W and get the COW mark,
 * so that the first store of either faults (fault_cow_copy). Read-only
 * pages (text, rodata) are shared as they are. */
static int share_page(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	struct fork_walk *w = arg;

	/* LAB cow: begin */
	uint64_t pa = sv39_pte_pa(pte), flags = sv39_pte_flags(pte);

	if (level != SV39_LEVEL_4K) {
		w->err = -CALF_EINVAL;   /* the VM server maps 4 KiB pages only */
		return 1;
	}
	if (flags & SV39_PTE_W) {
		flags = (flags & ~SV39_PTE_W) | SV39_PTE_COW;
		if (sv39_protect(w->src, va, SV39_PTE_COW, SV39_PTE_W) != SV39_OK) {
			w->err = -CALF_EINVAL;
			return 1;
		}
	}
	if (space_map(w->dst, va, pa, flags) != SV39_OK) {
		w->err = -CALF_ENOMEM;
		return 1;
	}
	frame_ref(w->ft, pa);   /* the zero frame is pinned: no count */
	return 0;
	/* LAB cow: stub
	 * (void)w; (void)va; (void)pte; (void)level;
	 * return 1;
	 * LAB cow: end */
}

int space_fork_pages(struct sv39_space *dst, struct sv39_space *src)
{
	struct fork_walk w = { src->mem->ctx, dst, src, 0 };

	/* LAB cow: begin */
	if (new_child(dst, src))
		return -CALF_ENOMEM;
	sv39_for_each_leaf(src, 0, SV39_USER_TOP, share_page, &w);
	return w.err ? fork_failed(&w, dst) : 0;
	/* LAB cow: stub
	 * (void)w; (void)share_page;
	 * return space_fork_copy(dst, src);
	 * LAB cow: end */
}

/* ---- copied ---- */

/* One leaf of the parent: the child gets a copy of the frame (the zero
 * frame is shared: it is never written), writable where the page may
 * be written. */
static int copy_page(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	struct fork_walk *w = arg;
	uint64_t pa = sv39_pte_pa(pte), flags = sv39_pte_flags(pte), copy;

	if (level != SV39_LEVEL_4K) {
		w->err = -CALF_EINVAL;
		return 1;
	}
	if (frame_is_zero(w->ft, pa)) {
		copy = pa;
	} else {
		copy = frame_alloc_copy(w->ft, pa);
		if (copy == FRAME_NONE) {
			w->err = -CALF_ENOMEM;
			return 1;
		}
		if (flags & SV39_PTE_COW)   /* a private copy: nothing to copy on */
			flags = (flags & ~SV39_PTE_COW) | SV39_PTE_W;
	}
	if (space_map(w->dst, va, copy, flags) != SV39_OK) {
		frame_unref(w->ft, copy);
		w->err = -CALF_ENOMEM;
		return 1;
	}
	return 0;
}

int space_fork_copy(struct sv39_space *dst, struct sv39_space *src)
{
	struct fork_walk w = { src->mem->ctx, dst, src, 0 };

	if (new_child(dst, src))
		return -CALF_ENOMEM;
	sv39_for_each_leaf(src, 0, SV39_USER_TOP, copy_page, &w);
	return w.err ? fork_failed(&w, dst) : 0;
}
