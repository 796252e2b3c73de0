/*
 * fuzz_sv39.c - fuzz target: the sv39/ page-table library driven by a
 * sequence of operations read from the fuzz input.
 *
 * Layer: test/ (host only). Built with libFuzzer for `make fuzz` and with
 * test/fuzz/replay.c as main() for `make test` (see fuzz_fdt.c).
 *
 * Two address spaces, A and B, each with its own fake physical pool (as in
 * test/host/test_sv39.c: a malloc'd pool of frames pretending to sit at a
 * physical address, counting live tables, able to fail after K more
 * allocations). Beside each space is a model: the list of leaves it must
 * map (va, level, pte). The input is read as operations:
 *
 *   map, map_range, unmap, protect, clone_cow (A->B or B->A), unmap_range,
 *   lookup/translate, destroy (and re-create), allocator failure on/off
 *
 * with virtual addresses drawn from a few page-table slots on purpose (so
 * that operations collide), and after each one the invariants are checked:
 *  - the library's answer is the one the model predicts (success exactly
 *    when the arguments are legal, nothing overlaps and memory is there;
 *    the exact error where the header promises one);
 *  - every leaf sv39_for_each_leaf reports is in the model and vice versa,
 *    with the same level and PTE; translate agrees at an offset inside it;
 *  - the tables reachable from the root are exactly the pool's live
 *    frames (nothing leaks, nothing is linked twice), non-leaf PTEs are
 *    V only, every leaf has V, A and D, the upper half stays empty;
 *  - callbacks (on_leaf, on_share) are called once per leaf with its PTE;
 *  - after destroy the pool has no live frame at all.
 * A failed check prints what broke and calls abort(). Built with
 * -DFUZZ_TRACE, the state after each operation is printed (stderr).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv39/sv39.h"

#define POOL_FRAMES 512
#define MAX_LEAVES 1024
#define MAX_OPS 400
#define GiB (1ull << 30)

#define FAIL(...)                                                          \
	do {                                                               \
		fprintf(stderr, "fuzz_sv39: line %d: ", __LINE__);         \
		fprintf(stderr, __VA_ARGS__);                              \
		fprintf(stderr, "\n");                                     \
		abort();                                                   \
	} while (0)
#define ENSURE(cond)                                                       \
	do {                                                               \
		if (!(cond))                                               \
			FAIL("invariant %s broken", #cond);                \
	} while (0)

/* ---- fake physical memory, one pool per space ---- */

struct pool {
	uint8_t *mem;
	uint64_t base;
	bool used[POOL_FRAMES];
	int live;
	int fail_after;		/* allocations left before failing; -1: never */
	unsigned next;
};

static unsigned frame_of(struct pool *p, uint64_t pa, const char *what)
{
	if (pa < p->base || pa >= p->base + POOL_FRAMES * SV39_PAGE_SIZE ||
	    (pa & (SV39_PAGE_SIZE - 1)))
		FAIL("%s: pa 0x%llx outside its pool", what, (unsigned long long)pa);
	return (unsigned)((pa - p->base) / SV39_PAGE_SIZE);
}

static void *pool_ptr(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	unsigned f = frame_of(p, pa, "table_ptr");

	if (!p->used[f])
		FAIL("table_ptr on a free frame 0x%llx", (unsigned long long)pa);
	return p->mem + (uint64_t)f * SV39_PAGE_SIZE;
}

static uint64_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;

	if (p->fail_after == 0)
		return 0;
	if (p->fail_after > 0)
		p->fail_after--;
	for (unsigned n = 0; n < POOL_FRAMES; n++) {
		unsigned f = (p->next + n) % POOL_FRAMES;

		if (!p->used[f]) {
			p->used[f] = true;
			p->next = f + 1;
			p->live++;
			memset(p->mem + (uint64_t)f * SV39_PAGE_SIZE, 0, SV39_PAGE_SIZE);
			return p->base + (uint64_t)f * SV39_PAGE_SIZE;
		}
	}
	return 0;
}

static void pool_free(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	unsigned f = frame_of(p, pa, "table_free");

	if (!p->used[f])
		FAIL("double free of 0x%llx", (unsigned long long)pa);
	memset(p->mem + (uint64_t)f * SV39_PAGE_SIZE, 0xa5, SV39_PAGE_SIZE);
	p->used[f] = false;
	p->live--;
}

/* ---- the model ---- */

struct leaf {
	uint64_t va;
	int level;
	sv39_pte_t pte;
};

struct side {
	struct pool pool;
	struct sv39_mem mem;
	struct sv39_space space;
	bool alive;		/* space initialised */
	struct leaf leaves[MAX_LEAVES];
	int n;
};

static struct side sides[2];

static uint64_t lsize(int level)
{
	return sv39_level_size(level);
}

/* Index of the model leaf covering va, or -1. */
static int model_find(const struct side *s, uint64_t va)
{
	for (int i = 0; i < s->n; i++)
		if (va >= s->leaves[i].va && va - s->leaves[i].va < lsize(s->leaves[i].level))
			return i;
	return -1;
}

static bool model_overlaps(const struct side *s, uint64_t va, uint64_t size)
{
	for (int i = 0; i < s->n; i++) {
		uint64_t lo = s->leaves[i].va, hi = lo + lsize(s->leaves[i].level);

		if (lo < va + size && va < hi)
			return true;
	}
	return false;
}

static void model_add(struct side *s, uint64_t va, int level, sv39_pte_t pte)
{
	if (s->n >= MAX_LEAVES)
		FAIL("model full");
	s->leaves[s->n++] = (struct leaf){ va, level, pte };
}

static void model_remove(struct side *s, int i)
{
	s->leaves[i] = s->leaves[--s->n];
}

static int leaf_cmp(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static bool legal_flags(uint64_t f)
{
	if (f & ~SV39_PTE_FLAGS_MASK)
		return false;
	if (!(f & SV39_PTE_RWX))
		return false;
	if ((f & SV39_PTE_W) && !(f & SV39_PTE_R))
		return false;
	if ((f & SV39_PTE_W) && (f & SV39_PTE_X))
		return false;
	if ((f & SV39_PTE_W) && (f & SV39_PTE_COW))
		return false;
	return true;
}

static int free_frames(const struct side *s)
{
	return POOL_FRAMES - s->pool.live;
}

/* Allocation cannot fail: no failure armed and room for `need` tables. */
static bool memory_ok(const struct side *s, int need)
{
	return s->pool.fail_after < 0 && free_frames(s) >= need;
}

/* ---- checking the real tables against the model ---- */

static struct leaf seen[MAX_LEAVES + 1];
static int nseen;

static int collect(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	(void)arg;
	if (nseen > MAX_LEAVES)
		FAIL("more leaves than the model can hold");
	seen[nseen++] = (struct leaf){ va, level, pte };
	return 0;
}

/* Count tables reachable below the table at pa (level `level`); check
 * PTE shapes on the way. */
static int count_tables(struct side *s, uint64_t pa, int level, bool root)
{
	sv39_pte_t *t = sv39_table(&s->space, pa);
	int n = 1;

	for (int i = 0; i < SV39_ENTRIES; i++) {
		sv39_pte_t pte = t[i];

		if (root && i >= SV39_ROOT_KERNEL_FIRST) {
			if (pte != 0)
				FAIL("upper-half root entry %d set: 0x%llx", i, (unsigned long long)pte);
			continue;
		}
		if (!sv39_pte_valid(pte))
			continue;
		if (sv39_pte_is_leaf(pte)) {
			uint64_t need = SV39_PTE_V | SV39_PTE_A | SV39_PTE_D;

			if ((pte & need) != need)
				FAIL("leaf without V/A/D: 0x%llx", (unsigned long long)pte);
			continue;
		}
		if (level == 0)
			FAIL("table pointer at level 0: 0x%llx", (unsigned long long)pte);
		if (sv39_pte_flags(pte) != SV39_PTE_V)
			FAIL("non-leaf PTE with flags 0x%llx", (unsigned long long)sv39_pte_flags(pte));
		n += count_tables(s, sv39_pte_pa(pte), level - 1, false);
	}
	return n;
}

static void check_side(struct side *s)
{
	if (!s->alive) {
		ENSURE(s->n == 0);
		if (s->pool.live != 0)
			FAIL("dead space still holds %d tables", s->pool.live);
		return;
	}
	nseen = 0;
	ENSURE(sv39_for_each_leaf(&s->space, 0, SV39_USER_TOP, collect, NULL) == 0);
	if (nseen != s->n)
		FAIL("space maps %d leaves, model %d", nseen, s->n);
	qsort(s->leaves, (size_t)s->n, sizeof(s->leaves[0]), leaf_cmp);
	for (int i = 0; i < s->n; i++) {
		const struct leaf *m = &s->leaves[i], *r = &seen[i];
		uint64_t off = (m->va * 2654435761u) & (lsize(m->level) - 1);
		uint64_t pa = 0;
		sv39_pte_t pte = 0;
		int level = -1;

		if (m->va != r->va || m->level != r->level || m->pte != r->pte)
			FAIL("leaf %d: model va 0x%llx level %d pte 0x%llx, space va 0x%llx level %d pte 0x%llx",
			     i, (unsigned long long)m->va, m->level, (unsigned long long)m->pte,
			     (unsigned long long)r->va, r->level, (unsigned long long)r->pte);
		ENSURE(sv39_lookup(&s->space, m->va + off, &pte, &level) == SV39_OK);
		ENSURE(pte == m->pte && level == m->level);
		ENSURE(sv39_translate(&s->space, m->va + off, &pa) == SV39_OK);
		ENSURE(pa == sv39_pte_pa(m->pte) + off);
	}
	int tables = count_tables(s, s->space.root_pa, 2, true);

	if (tables != s->pool.live)
		FAIL("%d tables reachable, %d live in the pool (leak)", tables, s->pool.live);
}

/* ---- input ---- */

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t get8(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* A lower-half va from a few slots of each level, so operations collide:
 * root entries 0, 1, 2, 255; level-1 and level-0 entries 0, 1, 2, 511. */
static uint64_t gen_va(uint8_t b)
{
	static const unsigned root[4] = { 0, 1, 2, 255 };
	static const unsigned mid[4] = { 0, 1, 2, 511 };

	return ((uint64_t)root[b & 3] << 30) | ((uint64_t)mid[(b >> 2) & 3] << 21) |
	       ((uint64_t)mid[(b >> 4) & 3] << 12);
}

/* An offset inside a page, or none. */
static uint64_t gen_off(uint8_t b)
{
	return (b >> 6) == 0 ? 0 : ((uint64_t)b * 0x35) & (SV39_PAGE_SIZE - 1);
}

/* Flags: R W X U G COW RSW1, and bit 7 an illegal bit above the PTE flags. */
static uint64_t gen_flags(uint8_t b)
{
	static const uint64_t bit[7] = { SV39_PTE_R, SV39_PTE_W, SV39_PTE_X, SV39_PTE_U,
					 SV39_PTE_G, SV39_PTE_COW, SV39_PTE_RSW1 };
	uint64_t f = 0;

	for (int i = 0; i < 7; i++)
		if (b & (1u << i))
			f |= bit[i];
	if (b & 0x80)
		f |= 1ull << 10;
	return f;
}

/* A physical address aligned to `level` (or deliberately not). */
static uint64_t gen_pa(uint8_t b, int level)
{
	uint64_t pa = (uint64_t)(b & 0x1f) * lsize(level < 0 || level > 2 ? 0 : level);

	switch (b >> 5) {
	case 6: return pa + SV39_PAGE_SIZE;	/* misaligned for 2M/1G */
	case 7: return SV39_PA_LIMIT + pa;	/* beyond 56 bits */
	default: return 0x80000000ull + pa;
	}
}

/* A range bound: a slot va, 0, or the top of the user half. */
static uint64_t gen_bound(uint8_t b, bool hi)
{
	switch (b & 7) {
	case 0: return hi ? SV39_USER_TOP : 0;
	case 1: return hi ? 0 : SV39_PAGE_SIZE;	/* hi 0: 2^64 (unmap_range only) */
	default: return gen_va(b >> 2 | (uint8_t)(b << 6)) + (b & 0x80 ? 0x1000 : 0);
	}
}

/* ---- operations ---- */

static struct side *other(struct side *s)
{
	return s == &sides[0] ? &sides[1] : &sides[0];
}

static void side_init(struct side *s)
{
	int rc;

	ENSURE(!s->alive && s->n == 0 && s->pool.live == 0);
	rc = sv39_space_init(&s->space, &s->mem);
	if (rc == SV39_OK) {
		ENSURE(s->pool.live == 1);
		s->alive = true;
	} else {
		ENSURE(rc == SV39_ENOMEM && s->pool.live == 0);
	}
}

static int leaf_calls;

static void on_leaf_destroy(void *arg, uint64_t va, sv39_pte_t pte)
{
	struct side *s = arg;
	int i = model_find(s, va);

	if (i < 0 || s->leaves[i].va != va || s->leaves[i].pte != pte)
		FAIL("on_leaf for va 0x%llx pte 0x%llx, not in the model",
		     (unsigned long long)va, (unsigned long long)pte);
	model_remove(s, i);
	leaf_calls++;
}

static void side_destroy(struct side *s)
{
	int before = s->n;

	leaf_calls = 0;
	sv39_space_destroy(&s->space, on_leaf_destroy, s);
	if (leaf_calls != before || s->n != 0)
		FAIL("destroy: %d on_leaf calls for %d leaves", leaf_calls, before);
	if (s->pool.live != 0)
		FAIL("destroy leaked %d tables", s->pool.live);
	ENSURE(s->space.root_pa == 0);
	s->alive = false;
}

static void op_map(struct side *s, struct input *in)
{
	uint64_t va = gen_va(get8(in));
	uint8_t lb = get8(in);
	int level = lb & 3;
	uint64_t pa = gen_pa(get8(in), level);
	uint64_t flags = gen_flags(get8(in));
	bool legal;
	int rc;

	if (level <= 2)
		va &= ~(lsize(level) - 1);
	if (lb & 4)
		va += SV39_PAGE_SIZE;	/* misaligned unless level 0 */
	legal = level <= 2 && !(va & (lsize(level) - 1)) && !(pa & (lsize(level) - 1)) &&
		pa < SV39_PA_LIMIT && legal_flags(flags) && va < SV39_USER_TOP;
	rc = sv39_map(&s->space, va, pa, level, flags);
	if (!legal) {
		if (rc != SV39_EINVAL)
			FAIL("map of illegal va 0x%llx pa 0x%llx level %d flags 0x%llx: %d",
			     (unsigned long long)va, (unsigned long long)pa, level,
			     (unsigned long long)flags, rc);
		return;
	}
	bool overlap = model_overlaps(s, va, lsize(level));

	if (overlap && rc != SV39_EEXIST)
		FAIL("map over a mapped va 0x%llx level %d: %d", (unsigned long long)va, level, rc);
	if (!overlap && memory_ok(s, 3) && rc != SV39_OK)
		FAIL("map of free va 0x%llx level %d: %d", (unsigned long long)va, level, rc);
	if (rc == SV39_OK)
		model_add(s, va, level, sv39_pte_make(pa, flags | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D));
	else if (rc != SV39_EEXIST && rc != SV39_ENOMEM)
		FAIL("map: unexpected error %d", rc);
}

static void op_map_range(struct side *s, struct input *in)
{
	uint64_t va = gen_va(get8(in));
	uint8_t pb = get8(in), sb = get8(in);
	uint64_t pa = gen_pa(pb, (pb >> 3) % 3);
	uint64_t size = (uint64_t)(sb & 15) * SV39_PAGE_SIZE + (uint64_t)((sb >> 4) & 3) * lsize(1) +
			(uint64_t)((sb >> 6) & 1) * lsize(2);
	uint64_t flags = gen_flags(get8(in));
	struct leaf plan[MAX_LEAVES];
	int nplan = 0;
	bool legal, overlap = false;
	int rc;

	if (sb & 0x80)
		va += 0x800;	/* not page aligned */
	legal = !(va & (SV39_PAGE_SIZE - 1)) && !(pa & (SV39_PAGE_SIZE - 1)) &&
		legal_flags(flags) && va + size <= SV39_USER_TOP && pa + size <= SV39_PA_LIMIT;
	if (legal) {
		/* The leaves the header promises: the largest each step allows. */
		for (uint64_t v = va, p = pa, left = size; left > 0; ) {
			int level = 0;

			for (int l = 2; l > 0; l--)
				if (!((v | p) & (lsize(l) - 1)) && left >= lsize(l)) {
					level = l;
					break;
				}
			if (nplan >= 600 || s->n + nplan >= MAX_LEAVES)
				return;	/* too big for the model: skip */
			plan[nplan++] = (struct leaf){ v, level,
				sv39_pte_make(p, flags | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D) };
			v += lsize(level);
			p += lsize(level);
			left -= lsize(level);
		}
		overlap = model_overlaps(s, va, size);
	}
	rc = sv39_map_range(&s->space, va, pa, size, flags);
	if (!legal) {
		/* size 0 maps nothing: either answer will do */
		if (rc == SV39_OK && size > 0)
			FAIL("map_range of illegal va 0x%llx pa 0x%llx flags 0x%llx succeeded",
			     (unsigned long long)va, (unsigned long long)pa,
			     (unsigned long long)flags);
		if (rc != SV39_OK && rc != SV39_EINVAL)
			FAIL("map_range of illegal arguments: %d", rc);
		return;
	}
	if (overlap && rc == SV39_OK && size > 0)
		FAIL("map_range over mapped pages succeeded");
	if (!overlap && memory_ok(s, 2 * nplan + 3) && rc != SV39_OK)
		FAIL("map_range of free va 0x%llx size 0x%llx: %d", (unsigned long long)va,
		     (unsigned long long)size, rc);
	if (rc == SV39_OK)
		for (int i = 0; i < nplan; i++)
			model_add(s, plan[i].va, plan[i].level, plan[i].pte);
	else if (rc != SV39_EEXIST && rc != SV39_ENOMEM)
		FAIL("map_range: unexpected error %d", rc);
}

static void op_unmap(struct side *s, struct input *in)
{
	uint8_t b = get8(in);
	uint64_t va = gen_va(b) + gen_off(get8(in));
	int i = model_find(s, va);
	sv39_pte_t old = 0;
	int rc = sv39_unmap(&s->space, va, &old);

	if (i < 0) {
		if (rc != SV39_ENOENT)
			FAIL("unmap of unmapped va 0x%llx: %d", (unsigned long long)va, rc);
		return;
	}
	if (rc != SV39_OK || old != s->leaves[i].pte)
		FAIL("unmap of va 0x%llx: %d, old 0x%llx, model 0x%llx", (unsigned long long)va,
		     rc, (unsigned long long)old, (unsigned long long)s->leaves[i].pte);
	model_remove(s, i);
}

static void op_protect(struct side *s, struct input *in)
{
	uint64_t va = gen_va(get8(in)) + gen_off(get8(in));
	uint8_t sb = get8(in), cb = get8(in);
	uint64_t set = gen_flags(sb & 0x3f);
	uint64_t clear = gen_flags(cb);
	int i = model_find(s, va);
	int rc;

	if (sb & 0x40)
		set |= SV39_PTE_A;
	if (sb & 0x80)
		clear |= SV39_PTE_V;
	rc = sv39_protect(&s->space, va, set, clear);
	if (i < 0) {
		if (rc == SV39_OK)
			FAIL("protect of unmapped va 0x%llx succeeded", (unsigned long long)va);
		return;
	}
	sv39_pte_t old = s->leaves[i].pte, want = (old | set) & ~clear;
	bool legal = !((set | clear) & ~SV39_PTE_FLAGS_MASK) && (want & SV39_PTE_V) &&
		     legal_flags(sv39_pte_flags(want));

	if (legal != (rc == SV39_OK) || (!legal && rc != SV39_EINVAL))
		FAIL("protect va 0x%llx old 0x%llx set 0x%llx clear 0x%llx: %d (legal %d)",
		     (unsigned long long)va, (unsigned long long)old, (unsigned long long)set,
		     (unsigned long long)clear, rc, legal);
	if (rc == SV39_OK)
		s->leaves[i].pte = want;
}

static int shares;
static uint64_t share_pa[MAX_LEAVES];

static void on_share(void *arg, uint64_t pa)
{
	(void)arg;
	if (shares >= MAX_LEAVES)
		FAIL("too many on_share calls");
	share_pa[shares++] = pa;
}

static bool straddles(const struct side *s, uint64_t bound)
{
	for (int i = 0; i < s->n; i++)
		if (bound > s->leaves[i].va && bound < s->leaves[i].va + lsize(s->leaves[i].level))
			return true;
	return false;
}

static void op_clone(struct side *src, struct input *in)
{
	struct side *dst = other(src);
	uint64_t lo = gen_bound(get8(in), false), hi = gen_bound(get8(in), true);
	struct leaf plan[MAX_LEAVES];
	int nplan = 0, rc;
	bool overlap = false, stale = false;

	if (!dst->alive)
		return;
	if (hi == 0)
		hi = SV39_USER_TOP + SV39_PAGE_SIZE;	/* above the user half: EINVAL */
	bool legal = hi <= SV39_USER_TOP && !((lo | hi) & (SV39_PAGE_SIZE - 1));

	if (legal && lo < hi && (straddles(src, lo) || straddles(src, hi)))
		legal = false;
	if (legal && lo < hi) {
		for (int i = 0; i < src->n; i++) {
			const struct leaf *l = &src->leaves[i];

			if (l->va < lo || l->va >= hi || !(l->pte & SV39_PTE_U))
				continue;
			sv39_pte_t pte = l->pte;

			if (pte & SV39_PTE_W)
				pte = (pte & ~SV39_PTE_W) | SV39_PTE_COW;
			if (dst->n + nplan >= MAX_LEAVES)
				return;	/* too big for the model: skip */
			plan[nplan++] = (struct leaf){ l->va, l->level, pte };
			if (model_overlaps(dst, l->va, lsize(l->level)))
				overlap = true;
			/* An empty table left where a large leaf goes (after
			 * unmaps): clone_leaf finds the slot valid and says
			 * EEXIST, unlike sv39_map, which reuses such a slot.
			 * Tolerated: fork always clones into a fresh space. */
			if (l->level > 0) {
				sv39_pte_t *slot = sv39_walk(&dst->space, l->va, l->level, false, NULL);

				if (slot != NULL && sv39_pte_valid(*slot) && !sv39_pte_is_leaf(*slot))
					stale = true;
			}
		}
	}

	shares = 0;
	rc = sv39_clone_cow(&dst->space, &src->space, lo, hi, on_share, NULL);
	if (!legal) {
		if (rc != SV39_EINVAL)
			FAIL("clone_cow [0x%llx, 0x%llx) with bad bounds: %d",
			     (unsigned long long)lo, (unsigned long long)hi, rc);
		ENSURE(shares == 0);
		return;
	}
	if (lo >= hi) {
		ENSURE(rc == SV39_OK && shares == 0);
		return;
	}
	if (overlap && rc == SV39_OK)
		FAIL("clone_cow into a mapped destination succeeded");
	if (!overlap && memory_ok(dst, 2 * nplan + 3) && rc != SV39_OK &&
	    !(stale && rc == SV39_EEXIST))
		FAIL("clone_cow [0x%llx, 0x%llx) of %d leaves: %d", (unsigned long long)lo,
		     (unsigned long long)hi, nplan, rc);
	if (rc == SV39_OK) {
		if (shares != nplan)
			FAIL("clone_cow: %d on_share calls for %d leaves", shares, nplan);
		for (int i = 0; i < nplan; i++) {
			int j = model_find(src, plan[i].va);

			ENSURE(j >= 0);
			ENSURE(share_pa[i] == sv39_pte_pa(plan[i].pte));
			src->leaves[j].pte = plan[i].pte;
			model_add(dst, plan[i].va, plan[i].level, plan[i].pte);
		}
		return;
	}
	if (rc != SV39_ENOMEM && rc != SV39_EEXIST)
		FAIL("clone_cow: unexpected error %d", rc);
	/* Failure: src leaves already shared are COW now, the rest as they
	 * were; dst is partly built and the caller destroys it. */
	for (int i = 0; i < nplan; i++) {
		int j = model_find(src, plan[i].va);
		sv39_pte_t now = 0;

		ENSURE(j >= 0);
		ENSURE(sv39_lookup(&src->space, plan[i].va, &now, NULL) == SV39_OK);
		if (now != src->leaves[j].pte && now != plan[i].pte)
			FAIL("clone_cow failed and left src pte 0x%llx (was 0x%llx)",
			     (unsigned long long)now, (unsigned long long)src->leaves[j].pte);
		src->leaves[j].pte = now;
	}
	dst->pool.fail_after = -1;
	sv39_space_destroy(&dst->space, NULL, NULL);
	if (dst->pool.live != 0)
		FAIL("destroy of a half-cloned space leaked %d tables", dst->pool.live);
	dst->n = 0;
	dst->alive = false;
	side_init(dst);
}

static int range_calls;

static void on_leaf_range(void *arg, uint64_t va, sv39_pte_t pte)
{
	struct side *s = arg;

	for (int i = 0; i < s->n; i++)
		if (s->leaves[i].va == va) {
			if (s->leaves[i].pte != pte)
				FAIL("unmap_range: on_leaf pte 0x%llx, model 0x%llx",
				     (unsigned long long)pte, (unsigned long long)s->leaves[i].pte);
			s->leaves[i].level |= 0x100;	/* mark: reported */
			range_calls++;
			return;
		}
	FAIL("unmap_range: on_leaf for unknown va 0x%llx", (unsigned long long)va);
}

static void op_unmap_range(struct side *s, struct input *in)
{
	uint64_t lo = gen_bound(get8(in), false), hi = gen_bound(get8(in), true);
	uint64_t end = hi == 0 ? ~0ull : hi - 1;	/* inclusive */
	int expect = 0;

	for (int i = 0; i < s->n; i++) {
		const struct leaf *l = &s->leaves[i];

		if (lo < (hi ? hi : ~0ull) && l->va >= lo && l->va + lsize(l->level) - 1 <= end)
			expect++;
	}
	range_calls = 0;
	sv39_unmap_range(&s->space, lo, hi, on_leaf_range, s);
	if (range_calls != expect)
		FAIL("unmap_range [0x%llx, 0x%llx): %d leaves reported, %d expected",
		     (unsigned long long)lo, (unsigned long long)hi, range_calls, expect);
	for (int i = 0; i < s->n; ) {
		if (s->leaves[i].level & 0x100) {
			uint64_t va = s->leaves[i].va;

			if (va < lo || va + lsize(s->leaves[i].level & 3) - 1 > end)
				FAIL("unmap_range cleared va 0x%llx outside the range",
				     (unsigned long long)va);
			model_remove(s, i);
		} else {
			i++;
		}
	}
	/* The whole lower half cleared: every table but the root is freed. */
	if (lo == 0 && (hi == 0 || hi >= SV39_USER_TOP) && s->pool.live != 1)
		FAIL("unmap_range of everything left %d tables", s->pool.live);
}

static void op_lookup(struct side *s, struct input *in)
{
	uint8_t b = get8(in), ob = get8(in);
	uint64_t va = gen_va(b) + gen_off(ob);
	sv39_pte_t pte = 0;
	uint64_t pa = 0;
	int level = -1;

	if ((ob & 0x3f) == 0x3f) {
		/* not canonical, or the (empty) upper half */
		va = (ob & 0x40) ? (1ull << 39) + va : SV39_KERNEL_BASE + va;
		int rc = sv39_lookup(&s->space, va, &pte, &level);

		if ((ob & 0x40) ? rc != SV39_EINVAL : rc != SV39_ENOENT)
			FAIL("lookup of va 0x%llx: %d", (unsigned long long)va, rc);
		return;
	}
	int i = model_find(s, va);
	int rc = sv39_lookup(&s->space, va, &pte, &level);
	int rt = sv39_translate(&s->space, va, &pa);

	if (i < 0) {
		if (rc != SV39_ENOENT || rt != SV39_ENOENT)
			FAIL("lookup of unmapped va 0x%llx: %d/%d", (unsigned long long)va, rc, rt);
		return;
	}
	const struct leaf *l = &s->leaves[i];

	if (rc != SV39_OK || rt != SV39_OK || pte != l->pte || level != l->level ||
	    pa != sv39_pte_pa(l->pte) + (va - l->va))
		FAIL("lookup of va 0x%llx disagrees with the model", (unsigned long long)va);
}

static void run(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	for (int i = 0; i < 2; i++) {
		struct side *s = &sides[i];

		memset(s->pool.used, 0, sizeof(s->pool.used));
		s->pool.live = 0;
		s->pool.next = 0;
		s->pool.fail_after = -1;
		s->n = 0;
		s->alive = false;
		s->mem = (struct sv39_mem){ pool_ptr, pool_alloc, pool_free, &s->pool };
		side_init(s);
		ENSURE(s->alive);
	}

	for (int ops = 0; ops < MAX_OPS && in.left > 0; ops++) {
		uint8_t op = get8(&in);
		struct side *s = &sides[op >> 7];

		if (!s->alive && (op & 15) != 9) {
			side_init(s);
			if (!s->alive)
				continue;
		}
		switch (op & 15) {
		case 0: case 1: case 2: op_map(s, &in); break;
		case 3: op_map_range(s, &in); break;
		case 4: op_unmap(s, &in); break;
		case 5: op_protect(s, &in); break;
		case 6: op_clone(s, &in); break;
		case 7: op_unmap_range(s, &in); break;
		case 8: case 13: op_lookup(s, &in); break;
		case 9:
			if (s->alive)
				side_destroy(s);
			s->pool.fail_after = -1;
			side_init(s);
			break;
		case 10: {
			uint8_t b = get8(&in);

			s->pool.fail_after = (b & 0x80) ? -1 : (b & 7);
			break;
		}
		default:	/* 11, 12, 14, 15: more maps, they make the state */
			op_map(s, &in);
			break;
		}
		check_side(&sides[0]);
		check_side(&sides[1]);
#ifdef FUZZ_TRACE
		fprintf(stderr, "op %2d: %-2d on %c -> A %d leaves %d tables, B %d leaves %d tables\n",
			ops, op & 15, "AB"[op >> 7], sides[0].n, sides[0].pool.live,
			sides[1].n, sides[1].pool.live);
#endif
	}

	for (int i = 0; i < 2; i++)
		if (sides[i].alive)
			side_destroy(&sides[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < 2; i++) {
		sides[i].pool.mem = aligned_alloc(SV39_PAGE_SIZE, POOL_FRAMES * SV39_PAGE_SIZE);
		if (sides[i].pool.mem == NULL)
			abort();
		sides[i].pool.base = 0x80000000ull + (uint64_t)i * 0x10000000ull;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sides[0].pool.mem == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	run(data, size);
	return 0;
}
