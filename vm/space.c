/*
 * space.c - whole-address-space operations (see space.h).
 *
 * Layer: vm/ (pure, host-tested by test_vm_fork.c).
 */
#include "vm/space.h"

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
 * memory resident (docs/performance.md, "What is left"). Level-0 tables
 * are not even copied but shared copy-on-write (space.h): fork and exit
 * touch one count per level-0 table, and the per-page work moves to the
 * first write into each shared 2 MiB (space_unshare). What each space
 * sees is the same as after sv39_clone_cow (test_vm_fork.c checks it).
 *
 * Each page table has a run mask (frame.h, ft->runs): bit r set if its
 * entries 8r..8r+7 may be non-zero, so that fork and exit visit only
 * the runs that hold something, not 512 entries of a nearly empty
 * table. The rule that keeps it true: whoever makes an entry non-zero
 * sets its bit (space_mark_slot, space_map); bits are cleared only when
 * a walk sees the whole run zero. Tables sv39/ builds start with every
 * bit set.
 *
 * Teardown zeroes every entry it visits, so a table leaves all zero and
 * goes to the frame table's clean list: the next fork takes it without
 * zeroing it again.
 */

#define RUN 8                                  /* entries per mask bit */
#define USER_RUNS (SV39_ROOT_KERNEL_FIRST / RUN)   /* root runs of the user half */
#define USER_MASK ((1ull << USER_RUNS) - 1)
#define KERNEL_MASK (~USER_MASK)
#define ALL_RUNS (~0ull)

_Static_assert(SV39_PTE_COW == SV39_PTE_W << 6, "W -> COW is a shift by 6");

/* The lowest set bit's number: de Bruijn multiplication (RV64IMAC has
 * no ctz instruction, and libgcc's __ctzdi2 is a call and a loop). */
static inline unsigned lowest_bit(uint64_t x)
{
	static const uint8_t pos[64] = {
		0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
		62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return pos[((x & -x) * 0x022fdd63cc95386dull) >> 58];
}

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

/*
 * The counts of the largest range, copied into locals once per table:
 * the compiler must assume that a store to a PTE or a count may change
 * the frame table's fields, and would load them again for every page.
 * Indexed by PPN straight from the PTE (bits 53..10; 63..54 are 0 in
 * every PTE we build, and a PTE with any of them set falls out of the
 * range and takes the general path).
 */
struct counts {
	uint64_t base_ppn, n;   /* the largest range: PPNs [base_ppn, base_ppn + n) */
	uint32_t *ref;          /* its first count */
};

static inline struct counts counts_of(const struct frame_table *ft)
{
	struct counts c = { ft->big_base >> FRAME_SHIFT, ft->big_size >> FRAME_SHIFT, ft->big_ref };

	return c;
}

/* One more user of the frame a leaf maps (pinned frames: none). */
static inline void share(struct frame_table *ft, const struct counts *k, sv39_pte_t pte)
{
	uint64_t i = (pte >> SV39_PTE_PPN_SHIFT) - k->base_ppn;

	if (i < k->n) {
		uint32_t c = k->ref[i] + 1;

		if (c != 0)   /* wrapped: FRAME_PINNED, which stays */
			k->ref[i] = c;
	} else {
		frame_ref(ft, sv39_pte_pa(pte));
	}
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

/* A valid U leaf (non-U leaves are not the child's). */
static inline bool user_leaf(sv39_pte_t pte)
{
	return (pte & (SV39_PTE_V | SV39_PTE_U)) == (SV39_PTE_V | SV39_PTE_U) &&
	       (pte & SV39_PTE_RWX);
}

/* Share the leaf *s with *d: a writable one becomes read-only + COW in
 * both (without a branch: W moves to COW's place). */
static inline void clone_leaf(struct frame_table *ft, const struct counts *k, sv39_pte_t *s,
			      sv39_pte_t *d, sv39_pte_t pte)
{
	sv39_pte_t w = pte & SV39_PTE_W;

	pte = (pte ^ w) | (w << 6);
	*s = pte;
	*d = pte;
	share(ft, k, pte);
}

/*
 * The per-page loops, over the runs `todo` of a level-0 table (leaves
 * only). Out of line and with the counts passed as scalars (a struct
 * of three words goes by reference, and is loaded again after every
 * store), so that everything stays in registers; inlined into their
 * callers, gcc spills them.
 *
 * freeze_l0: every writable user leaf of t becomes read-only + COW, what
 * a table must be before fork shares it. Only leaves written since the
 * table was last shared still have W, so a store is rare after the first
 * fork.
 */
static __attribute__((noinline)) void freeze_l0(sv39_pte_t *t, uint64_t todo)
{
	const sv39_pte_t want = SV39_PTE_V | SV39_PTE_U | SV39_PTE_W;

	while (todo) {
		sv39_pte_t *tr = t + lowest_bit(todo) * RUN;

		todo &= todo - 1;
#pragma GCC unroll 8
		for (unsigned j = 0; j < RUN; j++) {
			sv39_pte_t pte = tr[j];

			if (__builtin_expect((pte & want) == want, 0))
				tr[j] = (pte & ~SV39_PTE_W) | SV39_PTE_COW;
		}
	}
}

/* copy_l0: every leaf of the marked (so read-only) table s into the
 * empty table d, one more reference to each frame: unsharing. The copy
 * is exact, as the shared table was what both spaces saw. */
static __attribute__((noinline)) void copy_l0(struct frame_table *ft, uint64_t base_ppn,
					      uint64_t n, uint32_t *ref, const sv39_pte_t *s,
					      sv39_pte_t *d, uint64_t todo)
{
	const struct counts k = { base_ppn, n, ref };

	while (todo) {
		unsigned r = lowest_bit(todo);
		const sv39_pte_t *sr = s + r * RUN;
		sv39_pte_t *dr = d + r * RUN;

		todo &= todo - 1;
		/* By hand: gcc does not unroll this loop (the pragma is not
		 * enough), and a run costs 8 loop steps more than it must. */
#define COPY1(j)                                                                       \
	do {                                                                           \
		sv39_pte_t pte = sr[j];                                                \
		if (pte & SV39_PTE_V) {   /* valid, in a level-0 table: a leaf */    \
			dr[j] = pte;                                                   \
			share(ft, &k, pte);                                            \
		}                                                                      \
	} while (0)
		COPY1(0); COPY1(1); COPY1(2); COPY1(3);
		COPY1(4); COPY1(5); COPY1(6); COPY1(7);
#undef COPY1
	}
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

/* The exact run mask of a table: which runs hold a non-zero entry. */
static uint64_t scan_runs(const sv39_pte_t *t)
{
	uint64_t m = 0;

	for (unsigned r = 0; r < SV39_ENTRIES / RUN; r++) {
		const sv39_pte_t *e = t + r * RUN;

		if (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7])
			m |= 1ull << r;
	}
	return m;
}

/* The run mask of the level-0 table at pa, made exact if sv39/ left it
 * at "everything" (once, by a scan; later it is taken as it is: entries
 * cleared since, by munmap say, only leave it a superset). */
static uint64_t l0_runs(struct frame_table *ft, uint64_t pa)
{
	uint64_t *runs = frame_runs(ft, pa);

	if (*runs == ALL_RUNS)
		*runs = scan_runs(frame_ptr(ft, pa));
	return *runs;
}

/* fork's part for one level-1 entry pte (at *se in the source, *de in
 * the child): the level-0 table it points at gets one more share. If it
 * is not marked yet, its writable leaves are made read-only first and
 * the source's entry is marked; a marked table needs no look inside. */
static void share_table(struct frame_table *ft, const struct counts *k, sv39_pte_t *se,
			sv39_pte_t *de, sv39_pte_t pte)
{
	if (!(pte & SPACE_TABLE_COW)) {
		freeze_l0(frame_ptr(ft, sv39_pte_pa(pte)), l0_runs(ft, sv39_pte_pa(pte)));
		pte |= SPACE_TABLE_COW;
		*se = pte;
	}
	*de = pte;
	share(ft, k, pte);   /* the table's frame: one share more */
}

/* Clone the runs `keep` of the source table at spa (of level 2 or 1)
 * into the empty table at dpa: tables of level 1 are copied, tables of
 * level 0 shared. Both masks end up exact. */
static int clone_table(struct frame_table *ft, uint64_t spa, uint64_t dpa, int level,
		       uint64_t keep)
{
	uint64_t *sruns = frame_runs(ft, spa), *druns = frame_runs(ft, dpa);
	uint64_t todo = *sruns & keep, found = 0;
	sv39_pte_t *s = frame_ptr(ft, spa), *d = frame_ptr(ft, dpa);
	const struct counts k = counts_of(ft);

	/* A superset of what d will hold, in case we fail half way and
	 * it is torn down. */
	*druns = todo;
	while (todo) {
		unsigned r = lowest_bit(todo);
		sv39_pte_t *sr = s + r * RUN, *dr = d + r * RUN, any = 0;

		todo &= todo - 1;
		for (unsigned j = 0; j < RUN; j++) {
			sv39_pte_t pte = sr[j];
			uint64_t pa;
			int err;

			any |= pte;
			if (!sv39_pte_valid(pte))
				continue;
			if (sv39_pte_is_leaf(pte)) {
				if (user_leaf(pte))
					clone_leaf(ft, &k, &sr[j], &dr[j], pte);
				continue;
			}
			if (level == SV39_LEVEL_2M) {
				share_table(ft, &k, &sr[j], &dr[j], pte);
				continue;
			}
			pa = frame_alloc(ft);
			if (pa == FRAME_NONE)
				return -CALF_ENOMEM;
			dr[j] = sv39_pte_make(pa, SV39_PTE_V);
			err = clone_table(ft, sv39_pte_pa(pte), pa, level - 1, ALL_RUNS);
			if (err)
				return err;
		}
		if (any)
			found |= 1ull << r;
	}
	*sruns = found | (*sruns & ~keep);
	*druns = found;
	return 0;
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

int space_fork(struct sv39_space *dst, struct sv39_space *src)
{
	struct frame_table *ft = src->mem->ctx;
	uint64_t root = frame_alloc(ft);
	int err;

	dst->mem = src->mem;
	if (root == FRAME_NONE) {
		dst->root_pa = 0;
		return -CALF_ENOMEM;
	}
	dst->root_pa = root;
	/* Root entries 0..255 only: the upper half is the kernel's, which
	 * SYS_ASPACE_CREATE fills in. No data page is read or copied: the
	 * cost follows the page tables. */
	err = clone_table(ft, src->root_pa, root, SV39_LEVEL_1G, USER_MASK);
	if (err) {
		/* Half built: what is in dst holds references, so tearing it
		 * down the ordinary way gives everything back. */
		space_destroy(dst);
		return err;
	}
	/* The kernel will write the upper half: those runs may be non-zero
	 * from now on. */
	*frame_runs(ft, root) |= KERNEL_MASK;
	return 0;
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

int space_unshare(struct sv39_space *s, sv39_pte_t *e)
{
	struct frame_table *ft = s->mem->ctx;
	const struct counts k = counts_of(ft);
	uint64_t old = sv39_pte_pa(*e), runs, pa;

	if (frame_refcount(ft, old) < 2) {
		/* The others have unshared or exited: ours alone now. */
		*e &= ~SPACE_TABLE_COW;
		return 0;
	}
	pa = frame_alloc(ft);
	if (pa == FRAME_NONE)
		return -CALF_ENOMEM;
	runs = l0_runs(ft, old);
	*frame_runs(ft, pa) = runs;
	copy_l0(ft, k.base_ppn, k.n, k.ref, frame_ptr(ft, old), frame_ptr(ft, pa), runs);
	/* The copy is complete before the entry points at it. */
	*e = sv39_pte_make(pa, SV39_PTE_V);
	frame_unref(ft, old);   /* count >= 2: one share less, never freed here */
	return 1;
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
