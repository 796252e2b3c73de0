/*
 * test_sv39.c - host unit tests of the sv39/ page-table library.
 *
 * Layer: test/ (host only). Page tables live in a fake physical memory:
 * a malloc'd, 4 KiB aligned pool of frames that pretends to sit at
 * physical address POOL_BASE. The pool counts live tables (so a test can
 * prove nothing leaks), table_ptr calls (so a test can prove a walk skips
 * empty subtrees), can be told to fail after K allocations (ENOMEM paths),
 * and can watch a set of frames (the kernel's shared tables) to prove a
 * user-space operation never touches them. Leaf physical addresses are
 * just numbers: nothing ever dereferences them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv39/sv39.h"
#include "test/host/check.h"

#define POOL_FRAMES 2048
#define POOL_BASE 0x80000000ull
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

#define URW (SV39_PTE_R | SV39_PTE_W | SV39_PTE_U)
#define URX (SV39_PTE_R | SV39_PTE_X | SV39_PTE_U)
#define UR (SV39_PTE_R | SV39_PTE_U)
#define KRW (SV39_PTE_R | SV39_PTE_W | SV39_PTE_G)

static struct pool {
	uint8_t *mem;
	bool used[POOL_FRAMES];
	bool watched[POOL_FRAMES];
	long live;		/* tables allocated and not freed */
	long fail_after;	/* allocations left before failing; -1: never */
	long ptr_calls;		/* table_ptr calls */
	long watched_touches;	/* table_ptr or free on a watched frame */
	unsigned next;
} pool;

static void die(const char *what, uint64_t pa)
{
	printf("fake memory: %s (pa 0x%llx)\n", what, (unsigned long long)pa);
	abort();
}

static unsigned frame_of(uint64_t pa, const char *what)
{
	if (pa < POOL_BASE || pa >= POOL_BASE + POOL_FRAMES * SV39_PAGE_SIZE ||
	    (pa & (SV39_PAGE_SIZE - 1)))
		die(what, pa);
	return (unsigned)((pa - POOL_BASE) / SV39_PAGE_SIZE);
}

static void *fake_table_ptr(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	unsigned f = frame_of(pa, "table_ptr outside the pool");

	if (!p->used[f])
		die("table_ptr on a free frame", pa);
	p->ptr_calls++;
	if (p->watched[f])
		p->watched_touches++;
	return p->mem + (uint64_t)f * SV39_PAGE_SIZE;
}

static uint64_t fake_table_alloc(void *ctx)
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
			return POOL_BASE + (uint64_t)f * SV39_PAGE_SIZE;
		}
	}
	return 0;
}

static void fake_table_free(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	unsigned f = frame_of(pa, "free outside the pool");

	if (!p->used[f])
		die("double free", pa);
	if (p->watched[f])
		p->watched_touches++;
	/* Poison: a table read after its free would see garbage PTEs. */
	memset(p->mem + (uint64_t)f * SV39_PAGE_SIZE, 0xa5, SV39_PAGE_SIZE);
	p->used[f] = false;
	p->live--;
}

static const struct sv39_mem fake_mem = {
	.table_ptr = fake_table_ptr,
	.table_alloc = fake_table_alloc,
	.table_free = fake_table_free,
	.ctx = &pool,
};

static void pool_reset(void)
{
	uint8_t *mem = pool.mem;

	memset(&pool, 0, sizeof(pool));
	pool.mem = mem;
	pool.fail_after = -1;
}

/* Mark every frame in use now as watched (the kernel's tables). */
static void pool_watch_all_used(void)
{
	for (unsigned f = 0; f < POOL_FRAMES; f++)
		pool.watched[f] = pool.used[f];
}

/* ---- leaf recording through sv39_for_each_leaf ---- */

#define MAX_SEEN 2048

struct seen {
	int n;
	int stop_at;		/* return 7 when visiting leaf number stop_at */
	uint64_t va[MAX_SEEN];
	sv39_pte_t pte[MAX_SEEN];
	int level[MAX_SEEN];
	int count[SV39_LEVELS];
};

static int record_leaf(void *arg, uint64_t va, sv39_pte_t pte, int level)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN) {
		s->va[s->n] = va;
		s->pte[s->n] = pte;
		s->level[s->n] = level;
	}
	s->count[level]++;
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

static struct seen seen;

static int collect(const struct sv39_space *s, uint64_t lo, uint64_t hi)
{
	memset(&seen, 0, sizeof(seen));
	return sv39_for_each_leaf(s, lo, hi, record_leaf, &seen);
}

static int n_leaves(const struct sv39_space *s)
{
	collect(s, 0, 0);
	return seen.n;
}

struct tally {
	long calls;
	uint64_t sum_pa;
	uint64_t last_va;
};

static void tally_leaf(void *arg, uint64_t va, sv39_pte_t pte)
{
	struct tally *t = arg;

	t->calls++;
	t->sum_pa += sv39_pte_pa(pte);
	t->last_va = va;
}

static void tally_share(void *arg, uint64_t pa)
{
	struct tally *t = arg;

	t->calls++;
	t->sum_pa += pa;
}

static uint64_t flags_at(const struct sv39_space *s, uint64_t va)
{
	sv39_pte_t pte = 0;

	if (sv39_lookup(s, va, &pte, NULL))
		return 0;
	return sv39_pte_flags(pte);
}

/* ---- encoding ---- */

TEST(pte_encode_decode)
{
	uint64_t pas[] = { 0, 0x1000, POOL_BASE, 0x00fffffffffff000ull, 0x123456789000ull };
	uint64_t flags[] = { 0, SV39_PTE_V, URW | SV39_PTE_V, 0x3ff, SV39_PTE_COW | SV39_PTE_RSW1 };

	for (size_t i = 0; i < sizeof(pas) / sizeof(pas[0]); i++) {
		for (size_t j = 0; j < sizeof(flags) / sizeof(flags[0]); j++) {
			sv39_pte_t pte = sv39_pte_make(pas[i], flags[j]);

			CHECK_EQ(sv39_pte_pa(pte), pas[i]);
			CHECK_EQ(sv39_pte_flags(pte), flags[j]);
			CHECK_EQ(pte >> 54, 0);	/* reserved bits stay clear */
		}
	}
	/* Figure 4.21: PPN starts at bit 10. */
	CHECK_EQ(sv39_pte_make(0x80001000ull, SV39_PTE_V), (0x80001ull << 10) | 1);
	/* Flags outside bits 9..0 and pa bits outside 55..12 are dropped. */
	CHECK_EQ(sv39_pte_make(0x1000, 1ull << 10), 0x1ull << 10);
	CHECK_EQ(sv39_pte_pa(sv39_pte_make(0xff00000000001234ull, 0)), 0x1000);
	CHECK(!sv39_pte_valid(0));
	CHECK(sv39_pte_valid(SV39_PTE_V));
	CHECK(!sv39_pte_is_leaf(SV39_PTE_V));
	CHECK(!sv39_pte_is_leaf(SV39_PTE_R));	/* not valid */
	CHECK(sv39_pte_is_leaf(SV39_PTE_V | SV39_PTE_R));
	CHECK(sv39_pte_is_leaf(SV39_PTE_V | SV39_PTE_X));
	CHECK(sv39_pte_is_leaf(SV39_PTE_V | SV39_PTE_W));
}

TEST(canonical_vpn_sizes)
{
	CHECK(sv39_va_canonical(0));
	CHECK(sv39_va_canonical(SV39_USER_TOP - 1));
	CHECK(!sv39_va_canonical(SV39_USER_TOP));
	CHECK(!sv39_va_canonical(SV39_KERNEL_BASE - 1));
	CHECK(sv39_va_canonical(SV39_KERNEL_BASE));
	CHECK(sv39_va_canonical(~0ull));
	CHECK(!sv39_va_canonical(1ull << 63));
	CHECK(!sv39_va_canonical(1ull << 39));

	uint64_t va = (5ull << 30) | (17ull << 21) | (300ull << 12) | 0x123;
	CHECK_EQ(sv39_vpn(va, 2), 5);
	CHECK_EQ(sv39_vpn(va, 1), 17);
	CHECK_EQ(sv39_vpn(va, 0), 300);
	CHECK_EQ(sv39_vpn(SV39_KERNEL_BASE, 2), 256);
	CHECK_EQ(sv39_vpn(~0ull, 2), 511);
	CHECK_EQ(sv39_vpn(SV39_USER_TOP - 1, 2), 255);
	CHECK_EQ(sv39_level_size(SV39_LEVEL_4K), 4 * KiB);
	CHECK_EQ(sv39_level_size(SV39_LEVEL_2M), 2 * MiB);
	CHECK_EQ(sv39_level_size(SV39_LEVEL_1G), GiB);
}

TEST(strerror_names)
{
	int errs[] = { SV39_OK, SV39_ENOMEM, SV39_EINVAL, SV39_EEXIST, SV39_ENOENT };

	for (int i = 0; i < 5; i++) {
		CHECK(sv39_strerror(errs[i]) != NULL);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(sv39_strerror(errs[i]), sv39_strerror(errs[j])) != 0);
	}
	CHECK(sv39_strerror(42) != NULL);
}

TEST(leaf_flag_rules)
{
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_R), SV39_OK);
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_X), SV39_OK);
	CHECK_EQ(sv39_check_leaf_flags(URX), SV39_OK);
	CHECK_EQ(sv39_check_leaf_flags(URW | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D), SV39_OK);
	CHECK_EQ(sv39_check_leaf_flags(UR | SV39_PTE_COW | SV39_PTE_RSW1 | SV39_PTE_G), SV39_OK);
	CHECK_EQ(sv39_check_leaf_flags(0), SV39_EINVAL);
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_V | SV39_PTE_U), SV39_EINVAL);
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_W), SV39_EINVAL);	/* W without R */
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_W | SV39_PTE_X), SV39_EINVAL);
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_RWX), SV39_EINVAL);	/* W^X */
	CHECK_EQ(sv39_check_leaf_flags(URW | SV39_PTE_COW), SV39_EINVAL);	/* writable COW */
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_R | (1ull << 10)), SV39_EINVAL);
	CHECK_EQ(sv39_check_leaf_flags(SV39_PTE_R | (1ull << 63)), SV39_EINVAL);
}

/* ---- map, lookup, translate ---- */

TEST(map_lookup_each_level)
{
	struct sv39_space s;
	static const uint64_t vas[] = { 0x12345000ull, 0x40200000ull, 0x80000000ull };
	static const uint64_t pas[] = { 0x87654000ull, 0x90200000ull, 0xc0000000ull };

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(pool.live, 1);
	for (int level = 0; level < SV39_LEVELS; level++) {
		sv39_pte_t pte;
		int got_level = -1;
		uint64_t pa, off = sv39_level_size(level) - 8;

		CHECK_EQ(sv39_map(&s, vas[level], pas[level], level, URW), SV39_OK);
		CHECK_EQ(sv39_lookup(&s, vas[level] + off, &pte, &got_level), SV39_OK);
		CHECK_EQ(got_level, level);
		CHECK_EQ(sv39_pte_pa(pte), pas[level]);
		/* V, A and D always preset */
		CHECK_EQ(sv39_pte_flags(pte), URW | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
		CHECK_EQ(sv39_translate(&s, vas[level] + off, &pa), SV39_OK);
		CHECK_EQ(pa, pas[level] + off);
		CHECK_EQ(sv39_translate(&s, vas[level], &pa), SV39_OK);
		CHECK_EQ(pa, pas[level]);
		CHECK_EQ(sv39_lookup(&s, vas[level] + sv39_level_size(level), NULL, NULL),
			 SV39_ENOENT);
	}
	/* 4K leaf: root + L1 + L0; 2M leaf in root entry 1: + L1; 1G: none. */
	CHECK_EQ(pool.live, 4);
	/* Read-only text gets A and D preset too. */
	CHECK_EQ(sv39_map(&s, 0x10000, 0x5000, 0, URX), SV39_OK);
	CHECK_EQ(flags_at(&s, 0x10000), URX | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
	/* Non-leaf PTEs carry V only (A, D, U reserved there, 4.3.1). */
	sv39_pte_t *root = sv39_table(&s, s.root_pa);
	CHECK_EQ(sv39_pte_flags(root[0]), SV39_PTE_V);
	CHECK_EQ(sv39_lookup(&s, 0x12346000ull, NULL, NULL), SV39_ENOENT);
	CHECK_EQ(sv39_lookup(&s, SV39_USER_TOP, NULL, NULL), SV39_EINVAL);
	CHECK_EQ(sv39_translate(&s, 0xdead0000ull, NULL), SV39_ENOENT);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
	CHECK_EQ(s.root_pa, 0);
}

TEST(map_upper_half)
{
	struct sv39_space s;
	uint64_t pa;
	int level;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&s, SV39_KERNEL_BASE, 0x80000000ull, SV39_LEVEL_2M, KRW), SV39_OK);
	CHECK_EQ(sv39_map(&s, ~0ull & ~0xfffull, 0x1000, SV39_LEVEL_4K, KRW), SV39_OK);
	CHECK_EQ(sv39_translate(&s, SV39_KERNEL_BASE + 0x1234, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80001234ull);
	CHECK_EQ(sv39_translate(&s, ~0ull, &pa), SV39_OK);
	CHECK_EQ(pa, 0x1fff);
	CHECK_EQ(sv39_lookup(&s, SV39_KERNEL_BASE, NULL, &level), SV39_OK);
	CHECK_EQ(level, SV39_LEVEL_2M);
	sv39_pte_t *root = sv39_table(&s, s.root_pa);
	CHECK(sv39_pte_valid(root[256]));
	CHECK(sv39_pte_valid(root[511]));
	/* The lower half sees none of it. */
	CHECK_EQ(sv39_translate(&s, 0, &pa), SV39_ENOENT);
	CHECK_EQ(n_leaves(&s), 2);
	CHECK_EQ(seen.va[0], SV39_KERNEL_BASE);
	CHECK_EQ(seen.va[1], ~0ull & ~0xfffull);
}

TEST(map_argument_errors)
{
	struct sv39_space s;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	/* misaligned va or pa, for each level */
	for (int level = 0; level < SV39_LEVELS; level++) {
		uint64_t sz = sv39_level_size(level);

		CHECK_EQ(sv39_map(&s, sz + sz / 2, 4 * sz, level, URW), SV39_EINVAL);
		CHECK_EQ(sv39_map(&s, sz, 4 * sz + sz / 2, level, URW), SV39_EINVAL);
	}
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, 3, URW), SV39_EINVAL);
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, -1, URW), SV39_EINVAL);
	/* non-canonical va */
	CHECK_EQ(sv39_map(&s, SV39_USER_TOP, 0x2000, 0, URW), SV39_EINVAL);
	CHECK_EQ(sv39_map(&s, 0x8000000000001000ull, 0x2000, 0, URW), SV39_EINVAL);
	/* pa beyond 56 bits */
	CHECK_EQ(sv39_map(&s, 0x1000, SV39_PA_LIMIT, 0, URW), SV39_EINVAL);
	/* illegal flags */
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, 0, SV39_PTE_W | SV39_PTE_U), SV39_EINVAL);
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, 0, URW | SV39_PTE_X), SV39_EINVAL);
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, 0, SV39_PTE_U), SV39_EINVAL);
	CHECK_EQ(sv39_map(&s, 0x1000, 0x2000, 0, UR | (1ull << 12)), SV39_EINVAL);
	/* None of that allocated a table or mapped anything. */
	CHECK_EQ(pool.live, 1);
	CHECK_EQ(n_leaves(&s), 0);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(map_eexist)
{
	struct sv39_space s;
	sv39_pte_t pte;
	long live;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	/* same slot */
	CHECK_EQ(sv39_map(&s, 0x5000, 0x1000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x5000, 0x2000, 0, UR), SV39_EEXIST);
	CHECK_EQ(sv39_lookup(&s, 0x5000, &pte, NULL), SV39_OK);
	CHECK_EQ(sv39_pte_pa(pte), 0x1000);
	/* a 2M leaf above the 4K slot */
	CHECK_EQ(sv39_map(&s, 0x40000000ull, 0x80000000ull, 1, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x40003000ull, 0x2000, 0, URW), SV39_EEXIST);
	/* a 1G leaf above both lower levels */
	CHECK_EQ(sv39_map(&s, 2 * GiB, 0x80000000ull, 2, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 2 * GiB + 4 * MiB, 0x2000, 0, URW), SV39_EEXIST);
	CHECK_EQ(sv39_map(&s, 2 * GiB + 4 * MiB, 0x200000, 1, URW), SV39_EEXIST);
	/* a 2M leaf over a table still holding a 4K leaf */
	CHECK_EQ(sv39_map(&s, 0, 0x200000, 1, URW), SV39_EEXIST);
	CHECK_EQ(sv39_translate(&s, 0x5000, NULL), SV39_OK);
	/* ... but once the 4K leaf is gone, the empty table is reclaimed */
	live = pool.live;
	CHECK_EQ(sv39_unmap(&s, 0x5000, NULL), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0, 0x200000, 1, URW), SV39_OK);
	CHECK_EQ(pool.live, live - 1);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(map_enomem)
{
	struct sv39_space s;
	sv39_pte_t *slot;
	int err = 0;

	pool_reset();
	pool.fail_after = 0;
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_ENOMEM);
	CHECK_EQ(pool.live, 0);
	pool.fail_after = -1;
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	for (long k = 0; k < 2; k++) {
		pool.fail_after = k;
		CHECK_EQ(sv39_map(&s, 0x7000, 0x1000, 0, URW), SV39_ENOMEM);
		CHECK_EQ(sv39_lookup(&s, 0x7000, NULL, NULL), SV39_ENOENT);
		CHECK_EQ(n_leaves(&s), 0);
	}
	pool.fail_after = 0;
	slot = sv39_walk(&s, 0x40007000ull, 0, true, &err);
	CHECK(slot == NULL);
	CHECK_EQ(err, SV39_ENOMEM);
	pool.fail_after = -1;
	CHECK_EQ(sv39_map(&s, 0x7000, 0x1000, 0, URW), SV39_OK);
	CHECK_EQ(pool.live, 3);	/* the table left by the failure got used */
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(walk)
{
	struct sv39_space s;
	sv39_pte_t *slot;
	int err = 0;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK(sv39_walk(&s, 0x3000, 0, false, &err) == NULL);
	CHECK_EQ(err, SV39_ENOENT);
	CHECK(sv39_walk(&s, 0x3000, 0, false, NULL) == NULL);	/* err may be NULL */
	CHECK(sv39_walk(&s, SV39_USER_TOP, 0, true, &err) == NULL);
	CHECK_EQ(err, SV39_EINVAL);
	CHECK(sv39_walk(&s, 0x3000, 3, true, &err) == NULL);
	CHECK_EQ(err, SV39_EINVAL);
	/* the root slot needs no allocation */
	slot = sv39_walk(&s, 0x3000, 2, false, &err);
	CHECK(slot == sv39_table(&s, s.root_pa));
	CHECK_EQ(pool.live, 1);
	slot = sv39_walk(&s, 0x3000, 0, true, &err);
	CHECK(slot != NULL);
	CHECK_EQ(pool.live, 3);
	CHECK_EQ(*slot, 0);
	*slot = sv39_pte_make(0x9000, UR | SV39_PTE_V);
	CHECK_EQ(sv39_translate(&s, 0x3abc, NULL), SV39_OK);
	CHECK(sv39_walk(&s, 0x3000, 0, false, &err) == slot);
	/* a leaf above the requested level */
	CHECK_EQ(sv39_map(&s, GiB, 0, 2, UR), SV39_OK);
	CHECK(sv39_walk(&s, GiB + 0x5000, 0, true, &err) == NULL);
	CHECK_EQ(err, SV39_EEXIST);
	CHECK_EQ(pool.live, 3);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

/* ---- map_range ---- */

TEST(map_range_picks_sizes)
{
	struct sv39_space s;
	uint64_t pa;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);

	/* all aligned: 1G + 2M + 4K */
	CHECK_EQ(sv39_map_range(&s, GiB, 2 * GiB, GiB + 2 * MiB + 4 * KiB, URW), SV39_OK);
	CHECK_EQ(collect(&s, 0, 0), 0);
	CHECK_EQ(seen.n, 3);
	CHECK_EQ(seen.level[0], 2);
	CHECK_EQ(seen.va[0], GiB);
	CHECK_EQ(seen.level[1], 1);
	CHECK_EQ(seen.va[1], 2 * GiB);
	CHECK_EQ(seen.level[2], 0);
	CHECK_EQ(seen.va[2], 2 * GiB + 2 * MiB);
	CHECK_EQ(sv39_pte_pa(seen.pte[2]), 3 * GiB + 2 * MiB);
	sv39_unmap_range(&s, 0, 0, NULL, NULL);
	CHECK_EQ(pool.live, 1);

	/* va starts 4K before a 2M boundary: 4K, 2M, then 4K, 4K */
	CHECK_EQ(sv39_map_range(&s, 0x1ff000, 0x801ff000ull, 4 * KiB + 2 * MiB + 8 * KiB, URW),
		 SV39_OK);
	collect(&s, 0, 0);
	CHECK_EQ(seen.n, 4);
	CHECK_EQ(seen.count[0], 3);
	CHECK_EQ(seen.count[1], 1);
	CHECK_EQ(seen.va[1], 0x200000);
	CHECK_EQ(seen.level[1], 1);
	CHECK_EQ(sv39_translate(&s, 0x401abc, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80401abcull);
	CHECK_EQ(sv39_translate(&s, 0x402000, &pa), SV39_ENOENT);
	sv39_unmap_range(&s, 0, 0, NULL, NULL);

	/* va 2M aligned but pa only 4K aligned: 4K leaves only */
	CHECK_EQ(sv39_map_range(&s, 0x400000, 0x80001000ull, 4 * MiB, UR), SV39_OK);
	collect(&s, 0, 0);
	CHECK_EQ(seen.n, 1024);
	CHECK_EQ(seen.count[0], 1024);
	CHECK_EQ(sv39_translate(&s, 0x7fffff, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80001000ull + 4 * MiB - 1);
	sv39_unmap_range(&s, 0, 0, NULL, NULL);

	/* both 1G aligned, size not: 2M leaves for 1G - 2M... plus none */
	CHECK_EQ(sv39_map_range(&s, 3 * GiB, 4 * GiB, GiB - 2 * MiB, UR), SV39_OK);
	collect(&s, 0, 0);
	CHECK_EQ(seen.n, 511);
	CHECK_EQ(seen.count[1], 511);
	sv39_unmap_range(&s, 0, 0, NULL, NULL);

	/* va 1G aligned, pa only 2M aligned: 2M leaves */
	CHECK_EQ(sv39_map_range(&s, GiB, 0x80200000ull, GiB, UR), SV39_OK);
	collect(&s, 0, 0);
	CHECK_EQ(seen.n, 512);
	CHECK_EQ(seen.count[1], 512);
	sv39_unmap_range(&s, 0, 0, NULL, NULL);

	/* size 0 is a no-op */
	CHECK_EQ(sv39_map_range(&s, 0x1000, 0x1000, 0, UR), SV39_OK);
	CHECK_EQ(n_leaves(&s), 0);
	CHECK_EQ(pool.live, 1);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(map_range_errors_and_undo)
{
	struct sv39_space s;
	sv39_pte_t pte;
	int failures = 0;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map_range(&s, 0x1000, 0x1000, 0x800, UR), SV39_EINVAL);
	CHECK_EQ(sv39_map_range(&s, 0x1800, 0x1000, 0x1000, UR), SV39_EINVAL);
	CHECK_EQ(sv39_map_range(&s, 0x1000, 0x1800, 0x1000, UR), SV39_EINVAL);
	CHECK_EQ(sv39_map_range(&s, 0x1000, 0x1000, 0x1000, SV39_PTE_W), SV39_EINVAL);
	/* crossing the end of the lower half */
	CHECK_EQ(sv39_map_range(&s, SV39_USER_TOP - 0x1000, 0, 0x2000, UR), SV39_EINVAL);
	CHECK_EQ(sv39_map_range(&s, SV39_USER_TOP - 0x1000, 0, 0x1000, UR), SV39_OK);
	/* to the very end of the upper half is fine */
	CHECK_EQ(sv39_map_range(&s, ~0ull - 0x1fff, 0, 0x2000, UR), SV39_OK);
	CHECK_EQ(sv39_map_range(&s, ~0ull - 0x1fff, 0, 0x3000, UR), SV39_EINVAL);
	/* pa past 56 bits */
	CHECK_EQ(sv39_map_range(&s, 0x1000, SV39_PA_LIMIT - 0x1000, 0x2000, UR), SV39_EINVAL);
	sv39_space_destroy(&s, NULL, NULL);
	/* destroy never frees upper-half tables (root entry 511: L1 + L0) */
	CHECK_EQ(pool.live, 2);

	/* ENOMEM at every possible point: nothing stays mapped, no table
	 * leaks, and the space still works afterwards. The range spans two
	 * 2M regions in two 1G regions so several tables are needed. */
	for (long k = 0; k < 8; k++) {
		int err;

		pool_reset();
		CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
		pool.fail_after = k;
		err = sv39_map_range(&s, GiB - 8 * KiB, 0x7fffe000ull, 2 * MiB + 16 * KiB, URW);
		pool.fail_after = -1;
		if (err == SV39_OK) {
			CHECK(k >= 4);	/* root + 2 x (L1 + L0) = 4 allocations */
			CHECK_EQ(n_leaves(&s), 2 + 1 + 2);
		} else {
			failures++;
			CHECK_EQ(err, SV39_ENOMEM);
			CHECK_EQ(n_leaves(&s), 0);
			CHECK_EQ(pool.live, 1);
		}
		sv39_space_destroy(&s, NULL, NULL);
		CHECK_EQ(pool.live, 0);
	}
	CHECK_EQ(failures, 4);

	/* EEXIST in the middle: the pre-existing leaf survives, the rest is undone */
	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x10000, 0xabc000, 0, UR), SV39_OK);
	long live = pool.live;
	CHECK_EQ(sv39_map_range(&s, 0x8000, 0x100000, 0x10000, URW), SV39_EEXIST);
	CHECK_EQ(n_leaves(&s), 1);
	CHECK_EQ(sv39_lookup(&s, 0x10000, &pte, NULL), SV39_OK);
	CHECK_EQ(sv39_pte_pa(pte), 0xabc000);
	CHECK_EQ(pool.live, live);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

/* ---- unmap, protect ---- */

TEST(unmap_each_level)
{
	struct sv39_space s;
	sv39_pte_t old;
	long live;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x3000, 0x7000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x600000, 0x800000, 1, UR), SV39_OK);
	CHECK_EQ(sv39_map(&s, 5 * GiB, 7 * GiB, 2, URX), SV39_OK);
	live = pool.live;

	CHECK_EQ(sv39_unmap(&s, 0x3fff, &old), SV39_OK);
	CHECK_EQ(sv39_pte_pa(old), 0x7000);
	CHECK_EQ(sv39_pte_flags(old), URW | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
	CHECK_EQ(sv39_unmap(&s, 0x7abcde, &old), SV39_OK);
	CHECK_EQ(sv39_pte_pa(old), 0x800000);
	CHECK_EQ(sv39_unmap(&s, 5 * GiB + 12345, NULL), SV39_OK);
	CHECK_EQ(n_leaves(&s), 0);
	CHECK_EQ(sv39_unmap(&s, 0x3000, &old), SV39_ENOENT);
	CHECK_EQ(sv39_unmap(&s, 5 * GiB, NULL), SV39_ENOENT);
	CHECK_EQ(sv39_unmap(&s, SV39_KERNEL_BASE - 0x1000, NULL), SV39_EINVAL);
	CHECK_EQ(pool.live, live);	/* unmap does not free tables */
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(protect)
{
	struct sv39_space s;
	const uint64_t vad = SV39_PTE_V | SV39_PTE_A | SV39_PTE_D;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x4000, 0x9000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x200000, 0x400000, 1, UR), SV39_OK);

	/* COW marking by hand, and back */
	CHECK_EQ(sv39_protect(&s, 0x4000, SV39_PTE_COW, SV39_PTE_W), SV39_OK);
	CHECK_EQ(flags_at(&s, 0x4000), UR | SV39_PTE_COW | vad);
	CHECK_EQ(sv39_protect(&s, 0x4123, SV39_PTE_W, SV39_PTE_COW), SV39_OK);
	CHECK_EQ(flags_at(&s, 0x4000), URW | vad);
	/* refusals leave the PTE exactly as it was */
	CHECK_EQ(sv39_protect(&s, 0x4000, SV39_PTE_X, 0), SV39_EINVAL);	/* W+X */
	CHECK_EQ(sv39_protect(&s, 0x4000, 0, SV39_PTE_R), SV39_EINVAL);	/* W w/o R */
	CHECK_EQ(sv39_protect(&s, 0x4000, 0, SV39_PTE_RWX), SV39_EINVAL);
	CHECK_EQ(sv39_protect(&s, 0x4000, 0, SV39_PTE_V), SV39_EINVAL);
	CHECK_EQ(sv39_protect(&s, 0x4000, 1ull << 10, 0), SV39_EINVAL);
	CHECK_EQ(sv39_protect(&s, 0x4000, 0, 1ull << 12), SV39_EINVAL);
	CHECK_EQ(flags_at(&s, 0x4000), URW | vad);
	CHECK_EQ(sv39_translate(&s, 0x4000, NULL), SV39_OK);
	sv39_pte_t pte;
	CHECK_EQ(sv39_lookup(&s, 0x4000, &pte, NULL), SV39_OK);
	CHECK_EQ(sv39_pte_pa(pte), 0x9000);
	/* a 2M leaf, by an address inside it: turn data into text */
	CHECK_EQ(sv39_protect(&s, 0x3fffff, SV39_PTE_X, 0), SV39_OK);
	CHECK_EQ(flags_at(&s, 0x200000), URX | vad);
	/* clearing A/D is allowed (a pager that tracks them itself) */
	CHECK_EQ(sv39_protect(&s, 0x200000, 0, SV39_PTE_A | SV39_PTE_D), SV39_OK);
	CHECK_EQ(flags_at(&s, 0x200000), URX | SV39_PTE_V);
	CHECK_EQ(sv39_protect(&s, 0x8000, SV39_PTE_R, 0), SV39_ENOENT);
	CHECK_EQ(sv39_protect(&s, SV39_USER_TOP, SV39_PTE_R, 0), SV39_EINVAL);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

/* ---- clone_cow ---- */

TEST(clone_cow)
{
	struct sv39_space parent, child;
	struct tally shared = { 0 }, freed = { 0 };
	sv39_pte_t p, c;
	int level;

	pool_reset();
	CHECK_EQ(sv39_space_init(&parent, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_space_init(&child, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map_range(&parent, 0x10000, 0x100000, 2 * 4096, URX), SV39_OK);	/* text */
	CHECK_EQ(sv39_map_range(&parent, 0x20000, 0x200000, 3 * 4096, URW), SV39_OK);	/* data */
	CHECK_EQ(sv39_map(&parent, 0x30000, 0x300000, 0, UR | SV39_PTE_COW), SV39_OK);
	CHECK_EQ(sv39_map(&parent, 0x40000, 0x400000, 0, SV39_PTE_R), SV39_OK);	/* not U */
	CHECK_EQ(sv39_map(&parent, 0x400000, 0x800000, 1, URW), SV39_OK);	/* 2M heap */
	CHECK_EQ(sv39_map(&parent, 0x3f00000000ull, 0x900000, 0, URW), SV39_OK);	/* stack */

	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, SV39_USER_TOP, tally_share, &shared),
		 SV39_OK);
	CHECK_EQ(shared.calls, 2 + 3 + 1 + 1 + 1);
	CHECK_EQ(shared.sum_pa, 0x100000 + 0x101000 + 0x200000 + 0x201000 + 0x202000 +
				0x300000 + 0x800000 + 0x900000);
	CHECK_EQ(n_leaves(&child), 8);

	/* data: W cleared and COW set on both sides, same frame */
	for (uint64_t va = 0x20000; va < 0x23000; va += 0x1000) {
		CHECK_EQ(sv39_lookup(&parent, va, &p, NULL), SV39_OK);
		CHECK_EQ(sv39_lookup(&child, va, &c, NULL), SV39_OK);
		CHECK_EQ(p, c);
		CHECK(!(p & SV39_PTE_W));
		CHECK(p & SV39_PTE_COW);
		CHECK(p & SV39_PTE_R);
	}
	/* text: shared as it is, never COW */
	CHECK_EQ(sv39_lookup(&parent, 0x11000, &p, NULL), SV39_OK);
	CHECK_EQ(sv39_lookup(&child, 0x11000, &c, NULL), SV39_OK);
	CHECK_EQ(p, c);
	CHECK_EQ(sv39_pte_flags(p), URX | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
	/* already COW stays COW */
	CHECK_EQ(flags_at(&child, 0x30000) & (SV39_PTE_COW | SV39_PTE_W), SV39_PTE_COW);
	CHECK_EQ(flags_at(&parent, 0x30000) & (SV39_PTE_COW | SV39_PTE_W), SV39_PTE_COW);
	/* not U: not cloned, parent untouched */
	CHECK_EQ(sv39_lookup(&child, 0x40000, NULL, NULL), SV39_ENOENT);
	CHECK_EQ(flags_at(&parent, 0x40000), SV39_PTE_R | SV39_PTE_V | SV39_PTE_A | SV39_PTE_D);
	/* the 2M leaf stays a 2M leaf */
	CHECK_EQ(sv39_lookup(&child, 0x5fffff, &c, &level), SV39_OK);
	CHECK_EQ(level, 1);
	CHECK_EQ(sv39_pte_flags(c) & (SV39_PTE_COW | SV39_PTE_W), SV39_PTE_COW);
	CHECK_EQ(flags_at(&parent, 0x400000) & (SV39_PTE_COW | SV39_PTE_W), SV39_PTE_COW);

	/* A second fork of the parent: nothing changes in the parent. */
	struct sv39_space child2;
	CHECK_EQ(sv39_space_init(&child2, &fake_mem), SV39_OK);
	shared.calls = 0;
	CHECK_EQ(sv39_clone_cow(&child2, &parent, 0, SV39_USER_TOP, NULL, NULL), SV39_OK);
	CHECK_EQ(n_leaves(&child2), 8);

	sv39_space_destroy(&child2, NULL, NULL);
	sv39_space_destroy(&child, tally_leaf, &freed);
	CHECK_EQ(freed.calls, 8);
	sv39_space_destroy(&parent, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(clone_cow_subrange)
{
	struct sv39_space parent, child;

	pool_reset();
	CHECK_EQ(sv39_space_init(&parent, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_space_init(&child, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map_range(&parent, 0x10000, 0x100000, 8 * 4096, URW), SV39_OK);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x12000, 0x15000, NULL, NULL), SV39_OK);
	CHECK_EQ(n_leaves(&child), 3);
	CHECK_EQ(seen.va[0], 0x12000);
	CHECK(flags_at(&parent, 0x11000) & SV39_PTE_W);
	CHECK(!(flags_at(&parent, 0x12000) & SV39_PTE_W));
	CHECK(!(flags_at(&parent, 0x14000) & SV39_PTE_W));
	CHECK(flags_at(&parent, 0x15000) & SV39_PTE_W);
	/* empty and reversed ranges clone nothing */
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x20000, 0x20000, NULL, NULL), SV39_OK);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x30000, 0x20000, NULL, NULL), SV39_OK);
	/* cloning onto what dst already maps */
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x12000, 0x13000, NULL, NULL), SV39_EEXIST);
	sv39_space_destroy(&child, NULL, NULL);
	sv39_space_destroy(&parent, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(clone_cow_errors)
{
	struct sv39_space parent, child;
	struct tally shared = { 0 };
	long live;

	pool_reset();
	CHECK_EQ(sv39_space_init(&parent, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_space_init(&child, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&parent, 0x200000, 0x400000, 1, URW), SV39_OK);
	CHECK_EQ(sv39_map(&parent, 0x600000, 0x800000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, SV39_USER_TOP + 0x1000, NULL, NULL),
		 SV39_EINVAL);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, SV39_KERNEL_BASE, NULL, NULL), SV39_EINVAL);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x10, 0x2000, NULL, NULL), SV39_EINVAL);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, 0x2001, NULL, NULL), SV39_EINVAL);
	CHECK_EQ(sv39_clone_cow(&parent, &parent, 0, SV39_USER_TOP, NULL, NULL), SV39_EINVAL);
	/* the 2M leaf straddles either bound: refused before any change */
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0x201000, SV39_USER_TOP, NULL, NULL),
		 SV39_EINVAL);
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, 0x300000, NULL, NULL), SV39_EINVAL);
	CHECK(flags_at(&parent, 0x200000) & SV39_PTE_W);
	CHECK(flags_at(&parent, 0x600000) & SV39_PTE_W);
	CHECK_EQ(n_leaves(&child), 0);
	CHECK_EQ(pool.live, 2 + 2);	/* roots + L1 + L0 */

	/* ENOMEM: dst partly built, destroying it returns every table */
	live = pool.live;
	pool.fail_after = 1;
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, SV39_USER_TOP, tally_share, &shared),
		 SV39_ENOMEM);
	pool.fail_after = -1;
	CHECK_EQ(shared.calls, 1);	/* the 2M leaf went in (one L1 table) */
	CHECK_EQ(n_leaves(&child), 1);
	/* the leaf not yet shared is still plainly writable */
	CHECK_EQ(flags_at(&parent, 0x600000) & (SV39_PTE_W | SV39_PTE_COW), SV39_PTE_W);
	sv39_space_destroy(&child, NULL, NULL);
	CHECK_EQ(pool.live, live - 1);
	sv39_space_destroy(&parent, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(clone_cow_cost_follows_tables)
{
	struct sv39_space parent, child;
	struct tally shared = { 0 };

	pool_reset();
	CHECK_EQ(sv39_space_init(&parent, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_space_init(&child, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&parent, 0x1000, 0x100000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&parent, SV39_USER_TOP - 0x1000, 0x200000, 0, URW), SV39_OK);

	/* 256 GiB of user space, 2 pages mapped: a walk that stepped through
	 * every 4K (2^26 pages) or every 2M would make millions of calls. */
	pool.ptr_calls = 0;
	CHECK_EQ(sv39_clone_cow(&child, &parent, 0, SV39_USER_TOP, tally_share, &shared),
		 SV39_OK);
	CHECK_EQ(shared.calls, 2);
	/* src: root + 2 x (L1, L0) = 5; dst: 3 per leaf = 6; bound checks <= 6 */
	CHECK(pool.ptr_calls <= 20);

	pool.ptr_calls = 0;
	CHECK_EQ(n_leaves(&child), 2);
	CHECK(pool.ptr_calls <= 5);
	pool.ptr_calls = 0;
	sv39_space_destroy(&child, NULL, NULL);
	CHECK(pool.ptr_calls <= 10);	/* 5 visits + 4 emptiness checks */
	sv39_space_destroy(&parent, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

/* ---- unmap_range, destroy, kernel half ---- */

TEST(unmap_range_frees_tables)
{
	struct sv39_space s;
	struct tally t = { 0 };
	long live;

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	/* region A: 4 pages in [0x10000, ...), region B: 4 pages 2M further */
	CHECK_EQ(sv39_map_range(&s, 0x10000, 0x100000, 0x4000, URW), SV39_OK);
	CHECK_EQ(sv39_map_range(&s, 0x210000, 0x200000, 0x4000, URW), SV39_OK);
	CHECK_EQ(pool.live, 1 + 1 + 2);

	/* part of region A: the table stays, it still holds leaves */
	sv39_unmap_range(&s, 0x10000, 0x12000, tally_leaf, &t);
	CHECK_EQ(t.calls, 2);
	CHECK_EQ(t.last_va, 0x11000);
	CHECK_EQ(pool.live, 4);
	/* the rest of A: its L0 table is freed, B's stays */
	sv39_unmap_range(&s, 0, 0x200000, tally_leaf, &t);
	CHECK_EQ(t.calls, 4);
	CHECK_EQ(pool.live, 3);
	CHECK_EQ(n_leaves(&s), 4);
	/* unaligned bounds: only leaves wholly inside go */
	sv39_unmap_range(&s, 0x210800, 0x212800, NULL, NULL);
	CHECK_EQ(n_leaves(&s), 3);
	CHECK_EQ(sv39_lookup(&s, 0x211000, NULL, NULL), SV39_ENOENT);

	/* a 2M leaf straddling a bound is left alone */
	CHECK_EQ(sv39_map(&s, 0x600000, 0x600000, 1, URW), SV39_OK);
	sv39_unmap_range(&s, 0x700000, 0x800000, NULL, NULL);
	sv39_unmap_range(&s, 0x500000, 0x7ff000, NULL, NULL);
	CHECK_EQ(sv39_translate(&s, 0x600000, NULL), SV39_OK);
	/* everything: all tables but the root are freed */
	live = pool.live;
	CHECK(live > 1);
	t.calls = 0;
	sv39_unmap_range(&s, 0, SV39_USER_TOP, tally_leaf, &t);
	CHECK_EQ(t.calls, 3 + 1);
	CHECK_EQ(pool.live, 1);
	CHECK_EQ(n_leaves(&s), 0);
	/* the space still works */
	CHECK_EQ(sv39_map(&s, 0x3000, 0x3000, 0, UR), SV39_OK);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 0);
}

TEST(destroy_reports_every_leaf)
{
	struct sv39_space s;
	struct tally t = { 0 };

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x1000, 0x11000, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x200000, 0x400000, 1, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 4 * GiB, 8 * GiB, 2, URW), SV39_OK);
	CHECK_EQ(sv39_map(&s, 200 * GiB + 0x5000, 0x22000, 0, UR), SV39_OK);
	sv39_space_destroy(&s, tally_leaf, &t);
	CHECK_EQ(t.calls, 4);
	CHECK_EQ(t.sum_pa, 0x11000 + 0x400000 + 8 * GiB + 0x22000);
	CHECK_EQ(t.last_va, 200 * GiB + 0x5000);
	CHECK_EQ(pool.live, 0);
}

TEST(kernel_half_shared_not_freed)
{
	struct sv39_space kernel, user, user2;
	struct tally t = { 0 };
	long kernel_live;
	uint64_t pa;

	pool_reset();
	/* The kernel: a direct map with 2M leaves, the image with 4K ones,
	 * in two different root entries. */
	CHECK_EQ(sv39_space_init(&kernel, &fake_mem), SV39_OK);
	CHECK_EQ(sv39_map_range(&kernel, SV39_KERNEL_BASE, 0x80000000ull, 8 * MiB, KRW), SV39_OK);
	CHECK_EQ(sv39_map_range(&kernel, SV39_KERNEL_BASE + GiB + 0x200000, 0x80200000ull,
				0x5000, SV39_PTE_R | SV39_PTE_X | SV39_PTE_G), SV39_OK);
	kernel_live = pool.live;
	CHECK_EQ(kernel_live, 1 + 2 + 1);
	pool_watch_all_used();

	CHECK_EQ(sv39_space_init(&user, &fake_mem), SV39_OK);
	sv39_share_kernel_half(&user, &kernel);
	sv39_pte_t *uroot = sv39_table(&user, user.root_pa);
	sv39_pte_t *kroot = sv39_table(&kernel, kernel.root_pa);
	for (int i = 0; i < 256; i++)
		CHECK_EQ(uroot[i], 0);
	for (int i = 256; i < 512; i++)
		CHECK_EQ(uroot[i], kroot[i]);

	/* the user space sees the kernel */
	CHECK_EQ(sv39_translate(&user, SV39_KERNEL_BASE + 0x123456, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80123456ull);
	CHECK_EQ(sv39_translate(&user, SV39_KERNEL_BASE + GiB + 0x201234, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80201234ull);
	CHECK_EQ(collect(&user, SV39_KERNEL_BASE, 0), 0);
	CHECK_EQ(seen.n, 4 + 5);

	/* user mappings, including every root entry up to the last user one */
	CHECK_EQ(sv39_map_range(&user, 0x10000, 0x90000000ull, 0x3000, URW), SV39_OK);
	CHECK_EQ(sv39_map(&user, SV39_USER_TOP - 0x1000, 0x91000000ull, 0, URW), SV39_OK);
	CHECK_EQ(sv39_map(&user, 255 * GiB - GiB, 0xc0000000ull, 2, UR), SV39_OK);
	/* ranges over the whole space: the user half only is unmapped by
	 * destroy, but unmap_range over the upper half of a user space is a
	 * kernel-only thing; here only for_each_leaf crosses it. */
	CHECK_EQ(collect(&user, 0, 0), 0);
	CHECK_EQ(seen.n, 3 + 1 + 1 + 4 + 5);
	for (int i = 1; i < seen.n; i++)
		CHECK(seen.va[i] > seen.va[i - 1]);

	/* a second space, cloned from the first, shares the kernel too */
	CHECK_EQ(sv39_space_init(&user2, &fake_mem), SV39_OK);
	sv39_share_kernel_half(&user2, &kernel);
	CHECK_EQ(sv39_clone_cow(&user2, &user, 0, SV39_USER_TOP, NULL, NULL), SV39_OK);

	pool.watched_touches = 0;
	sv39_space_destroy(&user, tally_leaf, &t);
	CHECK_EQ(t.calls, 5);	/* user leaves only */
	sv39_space_destroy(&user2, NULL, NULL);
	CHECK_EQ(pool.watched_touches, 0);	/* kernel tables never read nor freed */
	CHECK_EQ(pool.live, kernel_live);
	CHECK_EQ(sv39_translate(&kernel, SV39_KERNEL_BASE + GiB + 0x204000, &pa), SV39_OK);
	CHECK_EQ(pa, 0x80204000ull);

	/* On the kernel space itself, unmap_range clears upper-half leaves
	 * and frees L0 tables, but never the tables root entries 256..511
	 * point at: other spaces hold copies of those root entries. */
	CHECK_EQ(sv39_space_init(&user, &fake_mem), SV39_OK);
	sv39_share_kernel_half(&user, &kernel);
	sv39_unmap_range(&kernel, SV39_KERNEL_BASE, 0, NULL, NULL);
	CHECK_EQ(n_leaves(&kernel), 0);
	CHECK_EQ(pool.live, kernel_live - 1 + 1);	/* the L0 freed; user root */
	CHECK_EQ(sv39_translate(&user, SV39_KERNEL_BASE, NULL), SV39_ENOENT);
	/* a new kernel mapping shows up in the existing user space */
	CHECK_EQ(sv39_map(&kernel, SV39_KERNEL_BASE + 0x1000, 0x5000, 0, KRW), SV39_OK);
	CHECK_EQ(sv39_translate(&user, SV39_KERNEL_BASE + 0x1000, &pa), SV39_OK);
	CHECK_EQ(pa, 0x5000);
	/* and a 1G leaf cannot replace a shared table, even an empty one */
	CHECK_EQ(sv39_map(&kernel, SV39_KERNEL_BASE + GiB, 0, 2, KRW), SV39_EEXIST);
	sv39_space_destroy(&user, NULL, NULL);
}

/* ---- for_each_leaf ---- */

TEST(for_each_leaf_order_and_stop)
{
	struct sv39_space s;
	static const uint64_t vas[] = {
		SV39_KERNEL_BASE + 0x3000, 0x7000, 200 * GiB, 0x1000, SV39_USER_TOP - 0x1000,
		0x40000000ull, 0x3000, ~0ull - 0xfff,
	};
	static const uint64_t sorted[] = {
		0x1000, 0x3000, 0x7000, 0x40000000ull, 200 * GiB, SV39_USER_TOP - 0x1000,
		SV39_KERNEL_BASE + 0x3000, ~0ull - 0xfff,
	};

	pool_reset();
	CHECK_EQ(sv39_space_init(&s, &fake_mem), SV39_OK);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(sv39_map(&s, vas[i], 0x1000 * (uint64_t)i, 0, UR), SV39_OK);
	CHECK_EQ(sv39_map(&s, 0x600000, 0x600000, 1, UR), SV39_OK);

	CHECK_EQ(collect(&s, 0, 0x600000), 0);
	CHECK_EQ(seen.n, 3);
	CHECK_EQ(collect(&s, 0x40000000ull, SV39_KERNEL_BASE + 0x4000), 0);
	CHECK_EQ(seen.n, 4);
	CHECK_EQ(seen.va[3], SV39_KERNEL_BASE + 0x3000);
	/* a bound in the hole is clamped to the edge between the halves */
	CHECK_EQ(collect(&s, SV39_USER_TOP + 0x5000, 0), 0);
	CHECK_EQ(seen.n, 2);

	CHECK_EQ(collect(&s, 0, 0), 0);
	CHECK_EQ(seen.n, 9);
	CHECK_EQ(seen.va[3], 0x600000);
	CHECK_EQ(seen.level[3], 1);
	for (int i = 0, j = 0; i < 9; i++) {
		if (i == 3)
			continue;
		CHECK_EQ(seen.va[i], sorted[j]);
		j++;
	}
	/* a large leaf overlapping va_lo is reported with its own base */
	CHECK_EQ(collect(&s, 0x700000, 0x800000), 0);
	CHECK_EQ(seen.n, 1);
	CHECK_EQ(seen.va[0], 0x600000);

	/* early stop: fn's value comes back, nothing more is visited */
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 3;
	CHECK_EQ(sv39_for_each_leaf(&s, 0, 0, record_leaf, &seen), 7);
	CHECK_EQ(seen.n, 3);
	CHECK_EQ(seen.va[2], 0x7000);
	/* empty ranges */
	CHECK_EQ(collect(&s, 0x8000, 0x8000), 0);
	CHECK_EQ(seen.n, 0);
	CHECK_EQ(collect(&s, 0x9000, 0x8000), 0);
	CHECK_EQ(seen.n, 0);
	/* unmap_range frees the upper half's L0 tables but not the L1
	 * tables under root entries 256 and 511 (shared in a real kernel);
	 * destroy never touches those either. */
	sv39_unmap_range(&s, 0, 0, NULL, NULL);
	CHECK_EQ(n_leaves(&s), 0);
	CHECK_EQ(pool.live, 1 + 2);
	sv39_space_destroy(&s, NULL, NULL);
	CHECK_EQ(pool.live, 2);
}

int main(void)
{
	pool.mem = aligned_alloc(SV39_PAGE_SIZE, POOL_FRAMES * SV39_PAGE_SIZE);
	if (!pool.mem)
		return 2;

	RUN(pte_encode_decode);
	RUN(canonical_vpn_sizes);
	RUN(strerror_names);
	RUN(leaf_flag_rules);
	RUN(map_lookup_each_level);
	RUN(map_upper_half);
	RUN(map_argument_errors);
	RUN(map_eexist);
	RUN(map_enomem);
	RUN(walk);
	RUN(map_range_picks_sizes);
	RUN(map_range_errors_and_undo);
	RUN(unmap_each_level);
	RUN(protect);
	RUN(clone_cow);
	RUN(clone_cow_subrange);
	RUN(clone_cow_errors);
	RUN(clone_cow_cost_follows_tables);
	RUN(unmap_range_frees_tables);
	RUN(destroy_reports_every_leaf);
	RUN(kernel_half_shared_not_freed);
	RUN(for_each_leaf_order_and_stop);

	free(pool.mem);
	return check_summary();
}
