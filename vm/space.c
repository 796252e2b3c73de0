/*
 * space.c - whole-address-space operations (see space.h).
 *
 * Layer: vm/ (pure, host-tested). Calls sv39/ and frame.c only.
 */
#include "vm/space.h"

void *space_table_ptr(void *ctx, uint64_t pa)
{
	return frame_ptr(ctx, pa);
}

uint64_t space_table_alloc(void *ctx)
{
	uint64_t pa = frame_alloc(ctx);

	/* sv39 takes 0 as "no memory"; FRAME_NONE is ours for that (no
	 * frame at physical address 0 is ever managed: frame_table_init). */
	return pa == FRAME_NONE ? 0 : pa;
}

void space_table_free(void *ctx, uint64_t pa)
{
	frame_unref(ctx, pa);
}

/*
 * fork and exit walk the tables themselves rather than through
 * sv39_clone_cow / sv39_space_destroy, for cost: those are general
 * (any range, any leaf size, a callback per leaf, a walk from the root
 * per leaf installed, a scan to see whether a table emptied), which
 * comes to a few hundred instructions per page; fork+exit+wait of a
 * process with 16 MiB resident must stay near 150,000 in all
 * (docs/performance.md). Here a table is visited once, empty runs of 8
 * entries are skipped with one test, and the count of a frame is
 * reached without a search. The result is the same as sv39_clone_cow's
 * (host-tested against it in test_vm_fork.c).
 */

#define RUN 8   /* entries tested at once for "all empty" */

static bool run_empty(const sv39_pte_t *t)
{
	return (t[0] | t[1] | t[2] | t[3] | t[4] | t[5] | t[6] | t[7]) == 0;
}

/*
 * The counts of the largest range, copied into locals once per table:
 * the compiler must assume that a store to a PTE or a count may change
 * the frame table's fields, and would load them again for every page.
 */
struct counts {
	uint64_t base, limit;   /* the largest range: [base, base + limit) */
	uint32_t *ref;          /* its first count */
};

static inline struct counts counts_of(const struct frame_table *ft)
{
	const struct frame_range *r = &ft->range[ft->big];
	struct counts c = { r->base, r->nframes << FRAME_SHIFT, &ft->ref[r->first] };

	return c;
}

/* One more user of the frame a leaf maps (pinned frames: none). */
static inline void share(struct frame_table *ft, const struct counts *k, sv39_pte_t pte)
{
	uint64_t off = sv39_pte_pa(pte) - k->base;

	if (off < k->limit) {
		uint32_t *c = &k->ref[off >> FRAME_SHIFT];

		if (*c != FRAME_PINNED)
			(*c)++;
	} else {
		frame_ref(ft, sv39_pte_pa(pte));
	}
}

/* One user less; at 0 the frame goes back to the free list. */
static inline void drop(struct frame_table *ft, const struct counts *k, sv39_pte_t pte)
{
	uint64_t off = sv39_pte_pa(pte) - k->base;

	if (off < k->limit) {
		uint32_t *c = &k->ref[off >> FRAME_SHIFT];

		if (*c > 1 && *c != FRAME_PINNED) {
			(*c)--;   /* still shared: the common case after a fork */
			return;
		}
	}
	frame_unref(ft, sv39_pte_pa(pte));
}

/* Clone the n first entries of src table s (of `level`) into the empty
 * table d. Leaves: a writable one becomes read-only + COW in both;
 * non-U leaves are not the child's. */
static int clone_table(const struct sv39_mem *mem, sv39_pte_t *s, sv39_pte_t *d, int level,
		       unsigned n)
{
	struct frame_table *ft = mem->ctx;
	const struct counts k = counts_of(ft);

	for (unsigned i = 0; i < n; i += RUN) {
		if (run_empty(&s[i]))
			continue;
		for (unsigned j = i; j < i + RUN; j++) {
			sv39_pte_t pte = s[j];
			uint64_t pa;
			int err;

			if (!sv39_pte_valid(pte))
				continue;
			if (sv39_pte_is_leaf(pte)) {
				if (!(pte & SV39_PTE_U))
					continue;
				if (pte & SV39_PTE_W) {
					pte = (pte & ~SV39_PTE_W) | SV39_PTE_COW;
					s[j] = pte;
				}
				d[j] = pte;
				share(ft, &k, pte);
				continue;
			}
			if (level == 0)
				continue;   /* malformed; the hardware faults on it too */
			pa = mem->table_alloc(ft);
			if (!pa)
				return -CALF_ENOMEM;
			d[j] = sv39_pte_make(pa, SV39_PTE_V);
			err = clone_table(mem, mem->table_ptr(ft, sv39_pte_pa(pte)),
					  mem->table_ptr(ft, pa), level - 1, SV39_ENTRIES);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Drop every leaf below table t (its n first entries) and free every
 * table below it. Entries are not cleared: the tables go back whole, and
 * frame_alloc zeroes a frame before it is used again. */
static void destroy_table(const struct sv39_mem *mem, sv39_pte_t *t, int level, unsigned n)
{
	struct frame_table *ft = mem->ctx;
	const struct counts k = counts_of(ft);

	for (unsigned i = 0; i < n; i += RUN) {
		if (run_empty(&t[i]))
			continue;
		for (unsigned j = i; j < i + RUN; j++) {
			sv39_pte_t pte = t[j];

			if (!sv39_pte_valid(pte))
				continue;
			if (sv39_pte_is_leaf(pte)) {
				drop(ft, &k, pte);
				continue;
			}
			if (level == 0)
				continue;
			destroy_table(mem, mem->table_ptr(ft, sv39_pte_pa(pte)), level - 1,
				      SV39_ENTRIES);
			mem->table_free(ft, sv39_pte_pa(pte));
		}
	}
}

int space_fork(struct sv39_space *dst, struct sv39_space *src)
{
	const struct sv39_mem *mem = src->mem;
	int err;

	if (sv39_space_init(dst, mem) != SV39_OK) {
		dst->root_pa = 0;
		return -CALF_ENOMEM;
	}
	/* Root entries 0..255 only: the upper half is the kernel's, which
	 * SYS_ASPACE_CREATE fills in. No data page is read or copied: the
	 * cost follows the page tables. */
	err = clone_table(mem, sv39_table(src, src->root_pa), sv39_table(dst, dst->root_pa),
			  SV39_LEVEL_1G, SV39_ROOT_KERNEL_FIRST);
	if (err) {
		/* Half built: what is in dst holds references, so tearing it
		 * down the ordinary way gives everything back. */
		space_destroy(dst);
		return err;
	}
	return 0;
}

void space_destroy(struct sv39_space *s)
{
	if (!s->root_pa)
		return;
	destroy_table(s->mem, sv39_table(s, s->root_pa), SV39_LEVEL_1G, SV39_ROOT_KERNEL_FIRST);
	s->mem->table_free(s->mem->ctx, s->root_pa);
	s->root_pa = 0;
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

void space_fork_child_regs(struct calf_regs *r)
{
	/* a0 = x10 .. a6 = x16: the status and MR0..MR5 of a reply whose
	 * MR0 (fork's result) is 0. */
	for (int i = 10; i <= 16; i++)
		r->x[i] = 0;
}

void space_pack_name(const char *name, unsigned long out[2])
{
	unsigned char b[16] = { 0 };

	for (unsigned i = 0; i < sizeof(b) && name[i]; i++)
		b[i] = (unsigned char)name[i];
	out[0] = out[1] = 0;
	for (unsigned i = 0; i < 8; i++) {
		out[0] |= (unsigned long)b[i] << (8 * i);
		out[1] |= (unsigned long)b[8 + i] << (8 * i);
	}
}
