/*
 * space.c - whole-address-space operations (see space.h).
 *
 * Layer: vm/ (pure, host-tested by test_vm_fork.c).
 */
#include "vm/space.h"
#include "vm/space_tables.h"

void *space_table_ptr(void *ctx, uint64_t pa)
{
	return frame_ptr(ctx, pa);
}

uint64_t space_table_alloc(void *ctx)
{
	struct frame_table *ft = ctx;
	uint64_t pa = frame_alloc(ft);

	/* sv39 takes 0 as "no memory"; FRAME_NONE is ours for that (no
	 * frame at physical address 0 is ever managed: frame_table_init). */
	if (pa == FRAME_NONE)
		return 0;
	/* A table sv39/ builds: we do not see what it writes into it, so
	 * every run may be non-zero. The first fork narrows the mask. */
	*frame_runs(ft, pa) = ~0ull;
	return pa;
}

void space_table_free(void *ctx, uint64_t pa)
{
	frame_unref(ctx, pa);
}

/*
 * fork and exit walk the tables themselves rather than through
 * sv39_clone_cow / sv39_space_destroy, which are general (any range, any
 * leaf size, a callback per leaf) and too slow per page for fork with
 * memory resident (docs/performance.md, "What is left"). fork is in
 * space_share.c (or, without the sharedpt lab, space_pages.c); here is
 * what every space needs whichever fork made it: the tables' run masks
 * (space_tables.h), mapping, teardown, and taking back shared tables
 * before an unmap.
 *
 * Teardown zeroes every entry it visits, so a table leaves all zero and
 * goes to the frame table's clean list: the next fork takes it without
 * zeroing it again.
 */
void space_mark_path(struct sv39_space *s, uint64_t va)
{
	struct frame_table *ft = s->mem->ctx;
	uint64_t tpa = s->root_pa;

	for (int l = SV39_LEVEL_1G; l >= SV39_LEVEL_4K; l--) {
		sv39_pte_t *t = frame_ptr(ft, tpa);
		unsigned i = sv39_vpn(va, l);

		if (!t[i])
			return;
		*frame_runs(ft, tpa) |= 1ull << (i / RUN);
		if (!sv39_pte_valid(t[i]) || sv39_pte_is_leaf(t[i]))
			return;
		tpa = sv39_pte_pa(t[i]);
	}
}

int space_map(struct sv39_space *s, uint64_t va, uint64_t pa, uint64_t flags)
{
	int err;

	if (space_cow_table_entry(s, va))
		return SV39_EINVAL;   /* a shared table: space_unshare first */
	err = sv39_map(s, va, pa, SV39_LEVEL_4K, flags);

	/* Even on failure: sv39_map may have linked a new table. */
	space_mark_path(s, va);
	return err;
}

/* One user less; at 0 the frame goes back to the free list. */
static inline void drop(struct frame_table *ft, const struct counts *k, sv39_pte_t pte)
{
	uint64_t i = (pte >> SV39_PTE_PPN_SHIFT) - k->base_ppn;

	if (i < k->n) {
		uint32_t c = k->ref[i];

		if (c - 2 < FRAME_PINNED - 2) {   /* 2 <= c < pinned: still shared */
			k->ref[i] = c - 1;
			return;
		}
	}
	frame_unref(ft, sv39_pte_pa(pte));
}

/* The general case of a level-0 entry in teardown, out of line. */
static __attribute__((noinline)) void drop_slow(struct frame_table *ft, sv39_pte_t pte)
{
	if (sv39_pte_is_leaf(pte))
		frame_unref(ft, sv39_pte_pa(pte));
}

static __attribute__((noinline)) void destroy_l0(struct frame_table *ft, uint64_t base_ppn,
						 uint64_t n, uint32_t *ref, sv39_pte_t *t,
						 uint64_t todo)
{
	while (todo) {
		sv39_pte_t *tr = t + lowest_bit(todo) * RUN;

		todo &= todo - 1;
#pragma GCC unroll 8
		for (unsigned j = 0; j < RUN; j++) {
			sv39_pte_t pte = tr[j];
			uint64_t i = (pte >> SV39_PTE_PPN_SHIFT) - base_ppn;

			if (!pte)
				continue;
			tr[j] = 0;
			/* The common case: a leaf whose frame is still shared
			 * (2 <= count < pinned) loses one user. */
			if (__builtin_expect(i < n && (pte & SV39_PTE_V) && (pte & SV39_PTE_RWX), 1)) {
				uint32_t c = ref[i];

				if (__builtin_expect(c - 2 < FRAME_PINNED - 2, 1)) {
					ref[i] = c - 1;
					continue;
				}
			}
			drop_slow(ft, pte);
		}
	}
}

/* One share less of the marked level-0 table at pa: true if other
 * spaces still hold it, false if this was the last share (count 1: the
 * caller tears it down, dropping its leaves, and frees it). */
static bool drop_share(struct frame_table *ft, uint64_t pa)
{
	if (frame_refcount(ft, pa) < 2)
		return false;
	frame_unref(ft, pa);
	return true;
}

/* Drop every leaf in the runs `keep` of the table at pa (of `level`),
 * free every table below it, and zero every entry visited: the table is
 * then all zero in those runs. */
static void destroy_table(struct frame_table *ft, uint64_t pa, int level, uint64_t keep)
{
	uint64_t todo = *frame_runs(ft, pa) & keep;
	sv39_pte_t *t = frame_ptr(ft, pa);
	const struct counts k = counts_of(ft);

	if (level == SV39_LEVEL_4K) {
		destroy_l0(ft, k.base_ppn, k.n, k.ref, t, todo);
		return;
	}
	while (todo) {
		sv39_pte_t *tr = t + lowest_bit(todo) * RUN;

		todo &= todo - 1;
		for (unsigned j = 0; j < RUN; j++) {
			sv39_pte_t pte = tr[j];

			if (!pte)
				continue;
			tr[j] = 0;
			if (!sv39_pte_valid(pte))
				continue;
			if (sv39_pte_is_leaf(pte)) {
				drop(ft, &k, pte);
				continue;
			}
			/* A shared level-0 table: others still map what it
			 * maps, so only its share goes. */
			if ((pte & SPACE_TABLE_COW) && drop_share(ft, sv39_pte_pa(pte)))
				continue;
			destroy_table(ft, sv39_pte_pa(pte), level - 1, ALL_RUNS);
			frame_free_zeroed(ft, sv39_pte_pa(pte));
		}
	}
}

void space_destroy(struct sv39_space *s)
{
	struct frame_table *ft;
	sv39_pte_t *root;

	if (!s->root_pa)
		return;
	ft = s->mem->ctx;
	destroy_table(ft, s->root_pa, SV39_LEVEL_1G, USER_MASK);
	/* The kernel's half (a copy of its root entries; the aspace is
	 * destroyed by now): zeroed too, so the root goes back clean. */
	root = frame_ptr(ft, s->root_pa);
	if (*frame_runs(ft, s->root_pa) & KERNEL_MASK)
		for (unsigned i = SV39_ROOT_KERNEL_FIRST; i < SV39_ENTRIES; i += RUN) {
			root[i] = 0; root[i + 1] = 0; root[i + 2] = 0; root[i + 3] = 0;
			root[i + 4] = 0; root[i + 5] = 0; root[i + 6] = 0; root[i + 7] = 0;
		}
	frame_free_zeroed(ft, s->root_pa);
	s->root_pa = 0;
}

sv39_pte_t *space_cow_table_entry(const struct sv39_space *s, uint64_t va)
{
	const struct frame_table *ft = s->mem->ctx;
	const sv39_pte_t *root = frame_ptr(ft, s->root_pa);
	sv39_pte_t e, *l1;

	if (va >= SV39_USER_TOP)
		return NULL;   /* the kernel's half: not our tables */
	e = root[sv39_vpn(va, SV39_LEVEL_1G)];
	if ((e & (SV39_PTE_V | SV39_PTE_RWX)) != SV39_PTE_V)
		return NULL;
	l1 = frame_ptr(ft, sv39_pte_pa(e));
	l1 += sv39_vpn(va, SV39_LEVEL_2M);
	if ((*l1 & (SV39_PTE_V | SV39_PTE_RWX | SPACE_TABLE_COW)) != (SV39_PTE_V | SPACE_TABLE_COW))
		return NULL;
	return l1;
}

#define L0_SPAN (SV39_PAGE_SIZE * SV39_ENTRIES)   /* what a level-0 table maps */
#define L1_SPAN (L0_SPAN * SV39_ENTRIES)          /* ... and a level-1 table */

/* The marked tables [lo, hi) covers wholly: let go or take back. */
static int let_go_covered(struct sv39_space *s, uint64_t lo, uint64_t hi)
{
	struct frame_table *ft = s->mem->ctx;
	const sv39_pte_t *root = frame_ptr(ft, s->root_pa);
	int moved = 0;

	for (uint64_t g = lo / L1_SPAN; g <= (hi - 1) / L1_SPAN; g++) {
		uint64_t gbase = g * L1_SPAN;
		unsigned first = lo > gbase ? sv39_vpn(lo, SV39_LEVEL_2M) : 0;
		unsigned last = hi - gbase < L1_SPAN ? sv39_vpn(hi - 1, SV39_LEVEL_2M)
						     : SV39_ENTRIES - 1;
		sv39_pte_t *l1;

		if ((root[g] & (SV39_PTE_V | SV39_PTE_RWX)) != SV39_PTE_V)
			continue;
		l1 = frame_ptr(ft, sv39_pte_pa(root[g]));
		for (unsigned j = first; j <= last; j++) {
			uint64_t base = gbase + j * L0_SPAN;
			sv39_pte_t e = l1[j];

			if ((e & (SV39_PTE_V | SV39_PTE_RWX | SPACE_TABLE_COW)) !=
				    (SV39_PTE_V | SPACE_TABLE_COW) ||
			    base < lo || hi - base < L0_SPAN)
				continue;
			if (drop_share(ft, sv39_pte_pa(e))) {
				l1[j] = 0;   /* the run mask may stay a superset */
				moved = 1;
			} else {
				l1[j] = e & ~SPACE_TABLE_COW;   /* sv39/ clears and frees it */
			}
		}
	}
	return moved;
}

int space_prepare_unmap(struct sv39_space *s, uint64_t lo, uint64_t hi)
{
	int moved = 0;

	if (hi > SV39_USER_TOP)
		hi = SV39_USER_TOP;
	if (!s->root_pa || lo >= hi)
		return 0;
	/* First the (at most two) tables the range covers in part: the
	 * only ones that need a frame, so that running out of frames
	 * leaves every mapping as it was. */
	for (int i = 0; i < 2; i++) {
		uint64_t va = i ? hi - 1 : lo, base = va & ~(L0_SPAN - 1);
		sv39_pte_t *e = space_cow_table_entry(s, va);
		int r;

		if (!e || (base >= lo && hi - base >= L0_SPAN))
			continue;
		r = space_unshare(s, e);
		if (r < 0)
			return r;
		moved |= r;
	}
	return moved | let_go_covered(s, lo, hi);
}

struct resident {
	const struct frame_table *ft;
	uint64_t n;
};

static int count_leaf(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	struct resident *r = arg;

	(void)va;
	if (!frame_is_zero(r->ft, sv39_pte_pa(pte)))
		r->n += sv39_level_size(level) / SV39_PAGE_SIZE;
	return 0;
}

uint64_t space_resident(const struct sv39_space *s)
{
	struct resident r = { s->mem->ctx, 0 };

	if (s->root_pa)
		sv39_for_each_leaf(s, 0, SV39_USER_TOP, count_leaf, &r);
	return r.n;
}
