/*
 * sv39.c - single-address Sv39 operations: create a space, walk, map,
 * unmap, look up, change protection.
 *
 * Layer: sv39/ (pure C: no CSRs, no libc; memory only through the
 * struct sv39_mem callbacks). Range operations (map_range, clone_cow,
 * unmap_range, destroy, for_each_leaf) live in sv39_range.c.
 *
 * Every walk here is the software twin of the hardware walk in privileged
 * spec 4.3.2: start at the root (level 2), index with VPN[level], stop at
 * the first leaf.
 */
#include "sv39.h"

/* Bits a leaf may carry; everything else in the low 10 bits is 0 anyway. */
#define LEAF_ALLOWED (SV39_PTE_V | SV39_PTE_R | SV39_PTE_W | SV39_PTE_X | SV39_PTE_U | \
		      SV39_PTE_G | SV39_PTE_A | SV39_PTE_D | SV39_PTE_COW | SV39_PTE_RSW1)

const char *sv39_strerror(int err)
{
	switch (err) {
	case SV39_OK:
		return "ok";
	case SV39_ENOMEM:
		return "out of page-table memory";
	case SV39_EINVAL:
		return "invalid argument";
	case SV39_EEXIST:
		return "already mapped";
	case SV39_ENOENT:
		return "not mapped";
	default:
		return "unknown sv39 error";
	}
}

int sv39_space_init(struct sv39_space *s, const struct sv39_mem *mem)
{
	s->mem = mem;
	s->root_pa = mem->table_alloc(mem->ctx);
	return s->root_pa ? SV39_OK : SV39_ENOMEM;
}

int sv39_check_leaf_flags(uint64_t flags)
{
	if (flags & ~LEAF_ALLOWED)
		return SV39_EINVAL;
	if (!(flags & SV39_PTE_RWX))
		return SV39_EINVAL;	/* that would be a pointer to a table */
	if ((flags & SV39_PTE_W) && !(flags & SV39_PTE_R))
		return SV39_EINVAL;	/* reserved encoding, 4.3.1 */
	if ((flags & SV39_PTE_W) && (flags & SV39_PTE_X))
		return SV39_EINVAL;	/* W^X: this kernel never maps both */
	if ((flags & SV39_PTE_W) && (flags & SV39_PTE_COW))
		return SV39_EINVAL;	/* a COW page is read-only until its fault */
	return SV39_OK;
}

sv39_pte_t *sv39_walk(struct sv39_space *s, uint64_t va, int level, bool alloc, int *err)
{
	int e;
	sv39_pte_t *t;

	if (!sv39_va_canonical(va) || level < 0 || level >= SV39_LEVELS) {
		e = SV39_EINVAL;
		goto fail;
	}
	t = sv39_table(s, s->root_pa);
	for (int l = SV39_LEVELS - 1; l > level; l--) {
		sv39_pte_t *slot = &t[sv39_vpn(va, l)];
		uint64_t pa;

		if (sv39_pte_valid(*slot)) {
			if (sv39_pte_is_leaf(*slot)) {
				e = SV39_EEXIST;
				goto fail;
			}
			t = sv39_table(s, sv39_pte_pa(*slot));
			continue;
		}
		if (!alloc) {
			e = SV39_ENOENT;
			goto fail;
		}
		pa = s->mem->table_alloc(s->mem->ctx);
		if (!pa) {
			e = SV39_ENOMEM;
			goto fail;
		}
		/* The frame is already zero, so linking it is the only
		 * store a hardware walker could see half done. */
		*slot = sv39_pte_make(pa, SV39_PTE_V);
		t = sv39_table(s, pa);
	}
	return &t[sv39_vpn(va, level)];
fail:
	if (err)
		*err = e;
	return NULL;
}

/*
 * The slot holding the leaf that covers va, and its level; NULL if none.
 * A non-leaf at level 0 is malformed (4.3.2 step 4: the hardware raises a
 * page fault), so it counts as unmapped.
 */
static sv39_pte_t *find_leaf(const struct sv39_space *s, uint64_t va, int *level)
{
	sv39_pte_t *t = sv39_table(s, s->root_pa);

	for (int l = SV39_LEVELS - 1; l >= 0; l--) {
		sv39_pte_t *slot = &t[sv39_vpn(va, l)];

		if (!sv39_pte_valid(*slot))
			return NULL;
		if (sv39_pte_is_leaf(*slot)) {
			*level = l;
			return slot;
		}
		if (l == 0)
			return NULL;
		t = sv39_table(s, sv39_pte_pa(*slot));
	}
	return NULL;
}

/*
 * Free the table at pa (of `level`) and every table below it if none of
 * them holds a leaf. Returns whether it did. Subtables found empty before
 * a leaf turns up are freed on the way; that loses no mapping.
 */
static bool free_if_no_leaves(struct sv39_space *s, uint64_t pa, int level)
{
	sv39_pte_t *t = sv39_table(s, pa);

	for (int i = 0; i < SV39_ENTRIES; i++) {
		if (!sv39_pte_valid(t[i]))
			continue;
		if (sv39_pte_is_leaf(t[i]) || level == 0)
			return false;
		if (!free_if_no_leaves(s, sv39_pte_pa(t[i]), level - 1))
			return false;
		t[i] = 0;
	}
	s->mem->table_free(s->mem->ctx, pa);
	return true;
}

int sv39_map(struct sv39_space *s, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	uint64_t size;
	sv39_pte_t *slot;
	int err;

	if (level < 0 || level >= SV39_LEVELS)
		return SV39_EINVAL;
	size = sv39_level_size(level);
	/* 4.3.2 step 6: a misaligned superpage faults; refuse to build one. */
	if (!sv39_va_canonical(va) || (va & (size - 1)) || (pa & (size - 1)) ||
	    pa >= SV39_PA_LIMIT)
		return SV39_EINVAL;
	if (sv39_check_leaf_flags(flags))
		return SV39_EINVAL;

	slot = sv39_walk(s, va, level, true, &err);
	if (!slot)
		return err;
	if (sv39_pte_valid(*slot)) {
		/* A table pointer in the slot: reuse it only if nothing is
		 * mapped below. Tables behind upper-half root entries are the
		 * kernel's shared ones and are never freed. */
		bool shared = level == SV39_LEVEL_1G && sv39_vpn(va, level) >= SV39_ROOT_KERNEL_FIRST;

		if (sv39_pte_is_leaf(*slot) || level == 0 || shared ||
		    !free_if_no_leaves(s, sv39_pte_pa(*slot), level - 1))
			return SV39_EEXIST;
		*slot = 0;
	}
	*slot = sv39_pte_make(pa, flags | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
	return SV39_OK;
}

int sv39_unmap(struct sv39_space *s, uint64_t va, sv39_pte_t *old)
{
	sv39_pte_t *slot;
	int level;

	if (!sv39_va_canonical(va))
		return SV39_EINVAL;
	slot = find_leaf(s, va, &level);
	if (!slot)
		return SV39_ENOENT;
	if (old)
		*old = *slot;
	*slot = 0;
	return SV39_OK;
}

int sv39_lookup(const struct sv39_space *s, uint64_t va, sv39_pte_t *pte, int *level)
{
	sv39_pte_t *slot;
	int l;

	if (!sv39_va_canonical(va))
		return SV39_EINVAL;
	slot = find_leaf(s, va, &l);
	if (!slot)
		return SV39_ENOENT;
	if (pte)
		*pte = *slot;
	if (level)
		*level = l;
	return SV39_OK;
}

int sv39_translate(const struct sv39_space *s, uint64_t va, uint64_t *pa)
{
	sv39_pte_t pte;
	int level, err;

	err = sv39_lookup(s, va, &pte, &level);
	if (err)
		return err;
	/* 4.3.2 step 8: a superpage keeps the low VPN fields of va. */
	if (pa)
		*pa = sv39_pte_pa(pte) | (va & (sv39_level_size(level) - 1));
	return SV39_OK;
}

int sv39_protect(struct sv39_space *s, uint64_t va, uint64_t set, uint64_t clear)
{
	sv39_pte_t *slot, pte;
	int level;

	if (!sv39_va_canonical(va) || ((set | clear) & ~SV39_PTE_FLAGS_MASK) ||
	    (clear & SV39_PTE_V))
		return SV39_EINVAL;
	slot = find_leaf(s, va, &level);
	if (!slot)
		return SV39_ENOENT;
	pte = (*slot | set) & ~clear;
	if (sv39_check_leaf_flags(sv39_pte_flags(pte)))
		return SV39_EINVAL;
	*slot = pte;
	return SV39_OK;
}
