/*
 * sv39_range.c - Sv39 operations over ranges of addresses: map_range,
 * clone_cow (fork), unmap_range, destroy, for_each_leaf, and sharing the
 * kernel half.
 *
 * Layer: sv39/ (pure C: no CSRs, no libc; memory only through the
 * struct sv39_mem callbacks).
 *
 * All range walks go through walk_table(), which descends only into valid
 * table pointers that overlap the range. So the cost follows the page
 * tables, not the size of the range: an empty 1 GiB region costs one PTE
 * read at the root, however many pages it could hold (fork costs what
 * the page tables cost: docs/architecture.md, Fork, exec, exit, wait).
 *
 * Inside a walk, addresses are "linear": the 39-bit index va & (2^39 - 1).
 * It grows with va across both halves (lower half 0..2^38, upper half
 * 2^38..2^39), and root entry i covers linear [i GiB, (i+1) GiB).
 */
#include "sv39.h"

#define LIN_USER_TOP SV39_USER_TOP	/* the lower half ends at the same place */

/* A range bound as a linear address; see "Range bounds" in sv39.h. */
static uint64_t bound_lin(uint64_t va)
{
	if (va < SV39_USER_TOP)
		return va;
	if (va >= SV39_KERNEL_BASE)
		return va - SV39_KERNEL_BASE + LIN_USER_TOP;
	return LIN_USER_TOP;	/* the non-canonical hole */
}

static uint64_t bound_hi_lin(uint64_t va)
{
	return va == 0 ? SV39_VA_SPAN : bound_lin(va);
}

/* Back from linear to a canonical va: sign-extend bit 38 (4.4.1). */
static uint64_t lin_va(uint64_t lin)
{
	return lin < LIN_USER_TOP ? lin : lin - LIN_USER_TOP + SV39_KERNEL_BASE;
}

struct walker {
	struct sv39_space *s;
	uint64_t lo, hi;	/* linear range [lo, hi), lo < hi */
	bool inside_only;	/* visit only leaves lying wholly inside */
	bool prune;		/* free tables left empty */
	int (*leaf)(struct walker *w, sv39_pte_t *slot, uint64_t va, int level);
	/* what the operations below need */
	struct sv39_space *dst;
	void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte);
	void (*on_share)(void *arg, uint64_t pa);
	int (*fn)(void *arg, uint64_t va, sv39_pte_t pte, int level);
	void *arg;
};

/*
 * Set every field, one by one: a designated initializer would zero the
 * struct first, and GCC may do that with a call to memset, which a
 * freestanding kernel need not have (-Os does it).
 */
static void walker_init(struct walker *w, struct sv39_space *s, uint64_t lo, uint64_t hi,
			int (*leaf)(struct walker *, sv39_pte_t *, uint64_t, int))
{
	w->s = s;
	w->lo = lo;
	w->hi = hi;
	w->inside_only = true;
	w->prune = false;
	w->leaf = leaf;
	w->dst = NULL;
	w->on_leaf = NULL;
	w->on_share = NULL;
	w->fn = NULL;
	w->arg = NULL;
}

static bool table_empty(const sv39_pte_t *t)
{
	for (int i = 0; i < SV39_ENTRIES; i++)
		if (sv39_pte_valid(t[i]))
			return false;
	return true;
}

/*
 * Visit the entries of the table at table_pa (of `level`, covering linear
 * addresses from base) that overlap the walker's range, in ascending
 * order. With prune, a child table left with no valid entry is unlinked
 * and freed -- unless it hangs off an upper-half root entry, which every
 * space shares. Stops at the first non-zero return of w->leaf.
 */
static int walk_table(struct walker *w, uint64_t table_pa, int level, uint64_t base)
{
	sv39_pte_t *t = sv39_table(w->s, table_pa);
	uint64_t size = sv39_level_size(level);
	uint64_t first = w->lo > base ? (w->lo - base) / size : 0;
	uint64_t end = SV39_ENTRIES;
	int r = 0;

	if (w->hi - base < SV39_ENTRIES * size)
		end = (w->hi - base + size - 1) / size;
	for (uint64_t i = first; i < end && r == 0; i++) {
		sv39_pte_t pte = t[i];
		uint64_t ebase = base + i * size;
		uint64_t child;

		if (!sv39_pte_valid(pte))
			continue;
		if (sv39_pte_is_leaf(pte)) {
			if (w->inside_only && (ebase < w->lo || w->hi - ebase < size))
				continue;
			r = w->leaf(w, &t[i], lin_va(ebase), level);
			continue;
		}
		if (level == 0)
			continue;	/* malformed: hardware faults here too */
		child = sv39_pte_pa(pte);
		r = walk_table(w, child, level - 1, ebase);
		if (w->prune && !(level == SV39_LEVEL_1G && i >= SV39_ROOT_KERNEL_FIRST) &&
		    table_empty(sv39_table(w->s, child))) {
			t[i] = 0;
			w->s->mem->table_free(w->s->mem->ctx, child);
		}
	}
	return r;
}

static int walk_range(struct walker *w)
{
	if (w->lo >= w->hi)
		return 0;
	return walk_table(w, w->s->root_pa, SV39_LEVELS - 1, 0);
}

/* ---- unmap_range and destroy ---- */

static int unmap_leaf(struct walker *w, sv39_pte_t *slot, uint64_t va, int level)
{
	(void)level;
	if (w->on_leaf)
		w->on_leaf(w->arg, va, *slot);
	*slot = 0;
	return 0;
}

static void unmap_lin(struct sv39_space *s, uint64_t lo, uint64_t hi,
		      void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte), void *arg)
{
	struct walker w;

	walker_init(&w, s, lo, hi, unmap_leaf);
	w.prune = true;
	w.on_leaf = on_leaf;
	w.arg = arg;
	walk_range(&w);
}

void sv39_unmap_range(struct sv39_space *s, uint64_t va_lo, uint64_t va_hi,
		      void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte), void *arg)
{
	unmap_lin(s, bound_lin(va_lo), bound_hi_lin(va_hi), on_leaf, arg);
}

void sv39_space_destroy(struct sv39_space *s,
			void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte), void *arg)
{
	/* Only the lower half: root entries 256..511 are the kernel's. Every
	 * user table ends up empty, so pruning frees them all. */
	unmap_lin(s, 0, LIN_USER_TOP, on_leaf, arg);
	s->mem->table_free(s->mem->ctx, s->root_pa);
	s->root_pa = 0;
}

void sv39_share_kernel_half(struct sv39_space *dst, const struct sv39_space *kernel)
{
	sv39_pte_t *d = sv39_table(dst, dst->root_pa);
	const sv39_pte_t *k = sv39_table(kernel, kernel->root_pa);

	for (int i = SV39_ROOT_KERNEL_FIRST; i < SV39_ENTRIES; i++)
		d[i] = k[i];
}

/* ---- map_range ---- */

int sv39_map_range(struct sv39_space *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t lin = va & (SV39_VA_SPAN - 1);
	uint64_t half_end = lin < LIN_USER_TOP ? LIN_USER_TOP : SV39_VA_SPAN;
	uint64_t done = 0;
	int err = SV39_OK;

	if (!sv39_va_canonical(va) || ((va | pa | size) & (SV39_PAGE_SIZE - 1)))
		return SV39_EINVAL;
	if (size > half_end - lin || pa >= SV39_PA_LIMIT || size > SV39_PA_LIMIT - pa)
		return SV39_EINVAL;
	if (sv39_check_leaf_flags(flags))
		return SV39_EINVAL;

	while (done < size) {
		int level = SV39_LEVEL_1G;
		uint64_t leaf;

		for (;; level--) {
			leaf = sv39_level_size(level);
			if (level == SV39_LEVEL_4K ||
			    ((((va + done) | (pa + done)) & (leaf - 1)) == 0 && size - done >= leaf))
				break;
		}
		err = sv39_map(s, va + done, pa + done, level, flags);
		if (err) {
			/* Undo. After ENOMEM the failed leaf's range held
			 * nothing (a table on its path was missing), so it is
			 * included to free the tables this call left empty. */
			uint64_t undo_end = done + (err == SV39_ENOMEM ? leaf : 0);

			unmap_lin(s, lin, lin + undo_end, NULL, NULL);
			return err;
		}
		done += leaf;
	}
	return SV39_OK;
}

/* ---- clone_cow ---- */

static int clone_leaf(struct walker *w, sv39_pte_t *slot, uint64_t va, int level)
{
	sv39_pte_t pte = *slot;
	sv39_pte_t *d;
	int err;

	if (!(pte & SV39_PTE_U))
		return 0;	/* kernel or supervisor-only mapping: not the child's */
	if (pte & SV39_PTE_W)
		pte = (pte & ~SV39_PTE_W) | SV39_PTE_COW;
	d = sv39_walk(w->dst, va, level, true, &err);
	if (!d)
		return err;
	if (sv39_pte_valid(*d))
		return SV39_EEXIST;
	*d = pte;
	*slot = pte;	/* only now: a failed clone leaves this leaf writable */
	if (w->on_share)
		w->on_share(w->arg, sv39_pte_pa(pte));
	return 0;
}

/* SV39_EINVAL if a leaf covers va but starts below lo or ends above hi. */
static int check_straddle(const struct sv39_space *s, uint64_t va, uint64_t lo, uint64_t hi)
{
	sv39_pte_t pte;
	int level;

	if (sv39_lookup(s, va, &pte, &level) == SV39_OK) {
		uint64_t size = sv39_level_size(level);
		uint64_t start = va & ~(size - 1);

		if (start < lo || hi - start < size)
			return SV39_EINVAL;
	}
	return SV39_OK;
}

int sv39_clone_cow(struct sv39_space *dst, struct sv39_space *src, uint64_t va_lo, uint64_t va_hi,
		   void (*on_share)(void *arg, uint64_t pa), void *arg)
{
	struct walker w;

	if (va_hi > SV39_USER_TOP || ((va_lo | va_hi) & (SV39_PAGE_SIZE - 1)))
		return SV39_EINVAL;
	if (dst == src || dst->root_pa == src->root_pa)
		return SV39_EINVAL;
	if (va_lo >= va_hi)
		return SV39_OK;
	/* A leaf can straddle a bound only at its two ends; refuse before
	 * anything changes rather than clone half a superpage. */
	if (check_straddle(src, va_lo, va_lo, va_hi) ||
	    check_straddle(src, va_hi - 1, va_lo, va_hi))
		return SV39_EINVAL;

	walker_init(&w, src, va_lo, va_hi, clone_leaf);
	w.dst = dst;
	w.on_share = on_share;
	w.arg = arg;
	return walk_range(&w);
}

/* ---- for_each_leaf ---- */

static int visit_leaf(struct walker *w, sv39_pte_t *slot, uint64_t va, int level)
{
	return w->fn(w->arg, va, *slot, level);
}

int sv39_for_each_leaf(const struct sv39_space *s, uint64_t va_lo, uint64_t va_hi,
		       int (*fn)(void *arg, uint64_t va, sv39_pte_t pte, int level), void *arg)
{
	struct walker w;

	/* The cast is safe: without prune, and with visit_leaf, the walker
	 * writes nothing. */
	walker_init(&w, (struct sv39_space *)s, bound_lin(va_lo), bound_hi_lin(va_hi), visit_leaf);
	w.inside_only = false;
	w.fn = fn;
	w.arg = arg;
	return walk_range(&w);
}
