/*
 * space_share.c - fork with shared page tables: the child gets a root
 * and level-1 tables of its own and shares the parent's level-0 tables
 * copy-on-write (space_fork); the first write into a shared table makes
 * it the writer's own (space_unshare). space.h has the rules.
 *
 * Layer: vm/ (pure, host-tested by test_vm_fork.c). This file is the
 * sharedpt lab's solution (labs/sharedpt/README.md): without it, fork
 * shares pages one by one (space_pages.c).
 *
 * Level-0 tables are not even copied at fork but shared, so fork and
 * exit touch one count per level-0 table and the per-page work moves to
 * the first write into each shared 2 MiB, paid only where a process
 * writes after a fork. What each space sees is the same as after
 * sv39_clone_cow (test_vm_fork.c checks it). docs/performance.md has the
 * figures.
 */
#include "vm/space.h"
#include "vm/lab.h"
#include "vm/space_tables.h"

/* LAB sharedpt: begin */
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
/* LAB sharedpt: stub
 * // No shared page tables yet: the child gets level-0 tables of its
 * // own, every page shared one by one (space_pages.c).
 * int space_fork(struct sv39_space *dst, struct sv39_space *src)
 * {
 * 	return space_fork_pages(dst, src);
 * }
 *
 * // Nothing is shared, so nothing should come here: but say so.
 * int space_unshare(struct sv39_space *s, sv39_pte_t *e)
 * {
 * 	(void)s;
 * 	(void)e;
 * 	return (int)lab_missing("sharedpt", "space_unshare");
 * }
 * LAB sharedpt: end */
