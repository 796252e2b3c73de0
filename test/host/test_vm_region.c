/*
 * test_vm_region.c - host unit tests of the VM server's regions.
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "calf/abi.h"
#include "calf/vm_protocol.h"
#include "sv39/sv39.h"
#include "test/host/check.h"
#include "vm/region.h"

#define P REGION_PAGE
#define TOP VM_USER_STACK_TOP
#define MAX VM_USER_STACK_MAX

static struct region_set rs;

TEST(add_and_find)
{
	const struct region *r;

	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x13000, REGION_R | REGION_X, REGION_ELF), 0);
	CHECK_EQ(region_add(&rs, 0x13000, 0x14000, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_add(&rs, 0x14000, 0x18000, REGION_R | REGION_W, REGION_ELF), 0);
	r = region_find(&rs, 0x10000);
	CHECK(r && r->start == 0x10000 && r->end == 0x13000);
	CHECK_EQ((uint64_t)region_find(&rs, 0x12fff), (uint64_t)r);
	r = region_find(&rs, 0x13000);
	CHECK(r && r->prot == REGION_R);
	CHECK(region_find(&rs, 0xffff) == NULL);
	CHECK(region_find(&rs, 0x18000) == NULL);
	CHECK(region_find(&rs, 0) == NULL);
}

TEST(add_refuses_bad_ranges)
{
	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x12000, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_add(&rs, 0x11000, 0x13000, REGION_R, REGION_ELF), -CALF_EEXIST);
	CHECK_EQ(region_add(&rs, 0x0f000, 0x11000, REGION_R, REGION_ELF), -CALF_EEXIST);
	CHECK_EQ(region_add(&rs, 0x20001, 0x21000, REGION_R, REGION_ELF), -CALF_EINVAL);
	CHECK_EQ(region_add(&rs, 0x20000, 0x20000, REGION_R, REGION_ELF), -CALF_EINVAL);
	CHECK_EQ(region_add(&rs, 0x21000, 0x20000, REGION_R, REGION_ELF), -CALF_EINVAL);
	CHECK_EQ(region_add(&rs, SV39_USER_TOP - P, SV39_USER_TOP + P, REGION_R, REGION_ELF),
		 -CALF_EINVAL);
	/* W^X */
	CHECK_EQ(region_add(&rs, 0x30000, 0x31000, REGION_R | REGION_W | REGION_X, REGION_ELF),
		 -CALF_EINVAL);
	CHECK_EQ(region_add(&rs, 0x30000, 0x31000, REGION_W | REGION_X, REGION_MMAP), -CALF_EINVAL);
	CHECK_EQ(rs.n, 1);
}

TEST(add_refuses_when_full)
{
	region_set_init(&rs);
	for (unsigned i = 0; i < REGION_MAX; i++)
		CHECK_EQ(region_add(&rs, (i + 1) * 2 * P, (i + 1) * 2 * P + P, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_add(&rs, 0x100000, 0x101000, REGION_R, REGION_ELF), -CALF_ENOMEM);
}

TEST(stack_limit_and_guard)
{
	const struct region *r;

	region_set_init(&rs);
	CHECK_EQ(region_add_stack(&rs, TOP, MAX), 0);
	r = region_find(&rs, TOP - 8);
	CHECK(r && r->kind == REGION_STACK && (r->prot & REGION_W));
	r = region_find(&rs, TOP - MAX);   /* the deepest stack page */
	CHECK(r && r->kind == REGION_STACK);
	r = region_find(&rs, TOP - MAX - 1);   /* one byte more: the guard */
	CHECK(r && r->kind == REGION_GUARD && r->prot == 0);
	r = region_find(&rs, TOP - MAX - P);
	CHECK(r && r->kind == REGION_GUARD);
	CHECK(region_find(&rs, TOP - MAX - P - 1) == NULL);
	CHECK(region_find(&rs, TOP) == NULL);   /* args are not stack */
	/* Nothing can be placed in the guard page. */
	CHECK_EQ(region_add(&rs, TOP - MAX - P, TOP - MAX, REGION_R, REGION_ELF), -CALF_EEXIST);
}

TEST(stack_all_or_nothing)
{
	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, TOP - MAX - P, TOP - MAX, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_add_stack(&rs, TOP, MAX), -CALF_EEXIST);
	CHECK_EQ(rs.n, 1);
	CHECK(region_find(&rs, TOP - 8) == NULL);
	CHECK_EQ(region_add_stack(&rs, TOP, 0), -CALF_EINVAL);
}

TEST(heap_grow_and_shrink)
{
	uint64_t old_brk, old_end, new_end;
	const struct region *h;

	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x12000, REGION_R | REGION_X, REGION_ELF), 0);
	CHECK_EQ(region_add_heap(&rs, 0x12000, 0x12000 + 16 * P), 0);
	CHECK(region_find(&rs, 0x12000) == NULL);   /* empty at first */

	CHECK_EQ(region_brk(&rs, 100, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(old_brk, 0x12000);
	CHECK_EQ(old_end, 0x12000);
	CHECK_EQ(new_end, 0x13000);
	h = region_find(&rs, 0x12000 + 99);
	CHECK(h && h->kind == REGION_HEAP && (h->prot & REGION_W));
	CHECK(region_find(&rs, 0x13000) == NULL);

	CHECK_EQ(region_brk(&rs, 2 * P, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(old_brk, 0x12000 + 100);
	CHECK_EQ(new_end, 0x15000);

	/* sbrk(0) reports the break and changes nothing */
	CHECK_EQ(region_brk(&rs, 0, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(old_brk, 0x12000 + 100 + 2 * P);
	CHECK_EQ(old_end, new_end);

	/* shrink: the caller unmaps [new_end, old_end) */
	CHECK_EQ(region_brk(&rs, -(int64_t)(2 * P), &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(old_end, 0x15000);
	CHECK_EQ(new_end, 0x13000);
	CHECK(region_find(&rs, 0x13000) == NULL);
	CHECK_EQ(region_brk(&rs, -100, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(new_end, 0x12000);
	CHECK(region_find(&rs, 0x12000) == NULL);
}

TEST(heap_limits)
{
	uint64_t old_brk = 1, old_end = 1, new_end = 1;

	region_set_init(&rs);
	CHECK_EQ(region_add_heap(&rs, 0x20000, 0x20000 + 4 * P), 0);
	CHECK_EQ(region_brk(&rs, 4 * P + 1, &old_brk, &old_end, &new_end), -CALF_ENOMEM);
	CHECK_EQ(region_brk(&rs, INT64_MAX, &old_brk, &old_end, &new_end), -CALF_ENOMEM);
	CHECK_EQ(region_brk(&rs, -1, &old_brk, &old_end, &new_end), -CALF_EINVAL);
	CHECK_EQ(region_brk(&rs, INT64_MIN, &old_brk, &old_end, &new_end), -CALF_EINVAL);
	CHECK_EQ(old_brk, 1);   /* untouched on error */
	CHECK_EQ(rs.brk, 0x20000);
	CHECK_EQ(region_brk(&rs, 4 * P, &old_brk, &old_end, &new_end), 0);   /* exactly the limit */
	CHECK_EQ(new_end, 0x20000 + 4 * P);
}

TEST(heap_stops_at_other_regions)
{
	uint64_t old_brk, old_end, new_end;

	region_set_init(&rs);
	CHECK_EQ(region_add_heap(&rs, 0x20000, 0x20000 + 16 * P), 0);
	CHECK_EQ(region_add(&rs, 0x22000, 0x23000, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_brk(&rs, 2 * P, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(region_brk(&rs, 1, &old_brk, &old_end, &new_end), -CALF_ENOMEM);
	CHECK_EQ(rs.brk, 0x22000);
}

TEST(no_heap)
{
	uint64_t a, b, c;

	region_set_init(&rs);
	CHECK_EQ(region_brk(&rs, 1, &a, &b, &c), -CALF_EINVAL);
	CHECK_EQ(region_add_heap(&rs, 0x20000, 0x30000), 0);
	CHECK_EQ(region_add_heap(&rs, 0x40000, 0x50000), -CALF_EINVAL);   /* only one */
}

TEST(names)
{
	struct region r = { 0, P, REGION_R | REGION_X, REGION_ELF };

	CHECK(!strcmp(region_name(&r), "text"));
	r.prot = REGION_R;
	CHECK(!strcmp(region_name(&r), "rodata"));
	r.prot = REGION_R | REGION_W;
	CHECK(!strcmp(region_name(&r), "data"));
	r.kind = REGION_HEAP;
	CHECK(!strcmp(region_name(&r), "heap"));
	r.kind = REGION_STACK;
	CHECK(!strcmp(region_name(&r), "stack"));
	r.kind = REGION_GUARD;
	CHECK(!strcmp(region_name(&r), "stack guard page"));
	r.kind = REGION_ARGS;
	CHECK(!strcmp(region_name(&r), "args"));
	r.kind = REGION_THREAD_STACK;
	CHECK(!strcmp(region_name(&r), "thread stack"));
}

TEST(mmap_places_first_fit_and_reuses_holes)
{
	uint64_t a, b, c, d;

	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x12000, REGION_R | REGION_X, REGION_ELF), 0);
	CHECK_EQ(region_add_heap(&rs, 0x12000, 0x12000 + (256 << 20)), 0);
	CHECK_EQ(region_add_stack(&rs, TOP, MAX), 0);
	CHECK_EQ(region_mmap(&rs, 1, &a), 0);
	CHECK_EQ(a, REGION_MMAP_BASE);
	CHECK_EQ(region_find(&rs, a)->kind, REGION_MMAP);
	CHECK_EQ(region_find(&rs, a)->prot, REGION_R | REGION_W);
	CHECK(region_find(&rs, a + P) == NULL);   /* 1 byte -> one page */
	CHECK_EQ(region_mmap(&rs, 3 * P, &b), 0);
	CHECK_EQ(b, a + P);
	CHECK_EQ(region_mmap(&rs, P, &c), 0);
	CHECK_EQ(c, b + 3 * P);
	/* A hole the size of b is filled by the next request that fits. */
	CHECK_EQ(region_munmap(&rs, b, 3 * P), 0);
	CHECK_EQ(region_mmap(&rs, 2 * P, &d), 0);
	CHECK_EQ(d, b);
	CHECK_EQ(region_mmap(&rs, 2 * P, &d), 0);
	CHECK_EQ(d, c + P);   /* one page left at b + 2P: too small */
	CHECK_EQ(region_mmap(&rs, 0, &d), -CALF_EINVAL);
	CHECK_EQ(region_mmap(&rs, REGION_MMAP_TOP, &d), -CALF_ENOMEM);
	CHECK_EQ(region_mmap(&rs, ~0ull, &d), -CALF_EINVAL);   /* rounds past 2^64 */
	/* The heap cannot grow into mmap space, nor mmap into the stack. */
	CHECK(REGION_MMAP_BASE > 0x12000 + (256 << 20));
	CHECK(REGION_MMAP_TOP <= TOP - MAX - P);
}

TEST(munmap_whole_prefix_suffix_middle)
{
	uint64_t a;
	unsigned n;

	region_set_init(&rs);
	CHECK_EQ(region_add_heap(&rs, 0x20000, 0x40000), 0);
	CHECK_EQ(region_mmap(&rs, 8 * P, &a), 0);
	n = rs.n;
	CHECK_EQ(region_munmap(&rs, a, P), 0);                 /* prefix */
	CHECK(region_find(&rs, a) == NULL);
	CHECK(region_find(&rs, a + P) != NULL);
	CHECK_EQ(region_munmap(&rs, a + 7 * P, P), 0);         /* suffix */
	CHECK(region_find(&rs, a + 7 * P) == NULL);
	CHECK_EQ(region_munmap(&rs, a + 3 * P, P), 0);         /* middle: a split */
	CHECK_EQ(rs.n, n + 1);
	CHECK(region_find(&rs, a + 3 * P) == NULL);
	CHECK(region_find(&rs, a + 2 * P) != NULL);
	CHECK(region_find(&rs, a + 4 * P) != NULL);
	/* Refused: not aligned, empty, not mmap, not inside one region. */
	CHECK_EQ(region_munmap(&rs, a + 100, P), -CALF_EINVAL);
	CHECK_EQ(region_munmap(&rs, a + P, 0), -CALF_EINVAL);
	CHECK_EQ(region_munmap(&rs, 0x20000, P), -CALF_EINVAL);   /* the heap */
	CHECK_EQ(region_munmap(&rs, a + P, 4 * P), -CALF_EINVAL);  /* spans the hole */
	CHECK_EQ(region_munmap(&rs, a, P), -CALF_EINVAL);          /* already gone */
	/* Whole regions go, and the heap keeps its index. */
	CHECK_EQ(region_munmap(&rs, a + P, 2 * P), 0);
	CHECK_EQ(region_munmap(&rs, a + 4 * P, 3 * P), 0);
	CHECK_EQ(rs.n, 1);
	CHECK_EQ(rs.heap, 0);
	{
		uint64_t old_brk, old_end, new_end;

		CHECK_EQ(region_brk(&rs, (int64_t)P, &old_brk, &old_end, &new_end), 0);
		CHECK_EQ(old_brk, 0x20000);
	}
}

TEST(munmap_keeps_heap_index_when_earlier_region_goes)
{
	uint64_t a, old_brk, old_end, new_end;

	region_set_init(&rs);
	CHECK_EQ(region_mmap(&rs, P, &a), 0);
	CHECK_EQ(region_add_heap(&rs, 0x20000, 0x40000), 0);
	CHECK_EQ(rs.heap, 1);
	CHECK_EQ(region_munmap(&rs, a, P), 0);
	CHECK_EQ(rs.heap, 0);
	CHECK_EQ(region_brk(&rs, 10, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(rs.r[rs.heap].kind, REGION_HEAP);
	CHECK_EQ(rs.r[rs.heap].end, 0x21000);
}

TEST(mmap_and_split_refused_when_full)
{
	uint64_t a;

	region_set_init(&rs);
	for (unsigned i = 0; i < REGION_MAX; i++)
		CHECK_EQ(region_mmap(&rs, 3 * P, &a), 0);
	CHECK_EQ(region_mmap(&rs, P, &a), -CALF_ENOMEM);
	CHECK_EQ(region_munmap(&rs, a + P, P), -CALF_ENOMEM);   /* no slot to split into */
	CHECK(region_find(&rs, a + P) != NULL);                 /* nothing changed */
	CHECK_EQ(region_munmap(&rs, a, P), 0);                  /* a prefix needs none */
	CHECK_EQ(rs.n, REGION_MAX);
}

TEST(find_hint_follows_hits)
{
	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x12000, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_add(&rs, 0x20000, 0x22000, REGION_R, REGION_ELF), 0);
	CHECK_EQ(region_find(&rs, 0x21000)->start, 0x20000);
	CHECK_EQ(rs.hint, 1);
	CHECK_EQ(region_find(&rs, 0x10000)->start, 0x10000);
	CHECK_EQ(rs.hint, 0);
	CHECK(region_find(&rs, 0x30000) == NULL);
}

TEST(thread_stacks_have_guards_and_fill_holes)
{
	uint64_t a, t1, t2, t3;
	const struct region *r;
	unsigned n;

	region_set_init(&rs);
	CHECK_EQ(region_add_stack(&rs, TOP, MAX), 0);
	CHECK_EQ(region_mmap(&rs, P, &a), 0);
	CHECK_EQ(region_add_thread_stack(&rs, 16 * P, &t1), 0);
	/* Above the mmap region: a guard page, then 16 pages of stack. */
	CHECK_EQ(t1, a + P + P + 16 * P);
	r = region_find(&rs, t1 - 1);
	CHECK(r && r->kind == REGION_THREAD_STACK && r->prot == (REGION_R | REGION_W));
	CHECK_EQ(r->start, t1 - 16 * P);
	r = region_find(&rs, t1 - 16 * P - 1);
	CHECK(r && r->kind == REGION_GUARD && r->prot == 0);
	CHECK(region_find(&rs, t1) == NULL);
	CHECK_EQ(region_add_thread_stack(&rs, 4 * P, &t2), 0);
	CHECK_EQ(t2, t1 + P + 4 * P);
	/* A thread stack is no mmap region: munmap refuses it. */
	CHECK_EQ(region_munmap(&rs, t1 - P, P), -CALF_EINVAL);
	n = rs.n;
	CHECK_EQ(region_remove_thread_stack(&rs, t1), 0);
	CHECK_EQ(rs.n, n - 2);
	CHECK(region_find(&rs, t1 - 1) == NULL);
	CHECK(region_find(&rs, t1 - 16 * P - 1) == NULL);
	CHECK(region_find(&rs, t2 - 1) != NULL);
	CHECK_EQ(region_remove_thread_stack(&rs, t1), -CALF_EINVAL);
	CHECK_EQ(region_remove_thread_stack(&rs, a + P), -CALF_EINVAL);   /* an mmap region */
	/* The hole is used again, lowest first. */
	CHECK_EQ(region_add_thread_stack(&rs, 2 * P, &t3), 0);
	CHECK_EQ(t3, a + P + P + 2 * P);
}

TEST(thread_stack_refused_all_or_nothing)
{
	uint64_t t, a;

	region_set_init(&rs);
	CHECK_EQ(region_add_thread_stack(&rs, 0, &t), -CALF_EINVAL);
	CHECK_EQ(region_add_thread_stack(&rs, P + 1, &t), -CALF_EINVAL);
	CHECK_EQ(region_add_thread_stack(&rs, REGION_MMAP_TOP, &t), -CALF_EINVAL);
	/* Room for one region only: neither is added. */
	while (rs.n < REGION_MAX - 1)
		CHECK_EQ(region_mmap(&rs, P, &a), 0);
	CHECK_EQ(region_add_thread_stack(&rs, P, &t), -CALF_ENOMEM);
	CHECK_EQ(rs.n, REGION_MAX - 1);
}

TEST(copy_takes_regions_break_and_limits)
{
	static struct region_set dst;
	uint64_t a, old_brk, old_end, new_end;

	region_set_init(&rs);
	CHECK_EQ(region_add(&rs, 0x10000, 0x12000, REGION_R | REGION_X, REGION_ELF), 0);
	CHECK_EQ(region_add_heap(&rs, 0x12000, 0x12000 + (256 << 20)), 0);
	CHECK_EQ(region_brk(&rs, 5000, &old_brk, &old_end, &new_end), 0);
	CHECK_EQ(region_mmap(&rs, P, &a), 0);
	memset(&dst, 0xa5, sizeof(dst));
	region_set_copy(&dst, &rs);
	CHECK_EQ(dst.n, rs.n);
	CHECK_EQ(dst.heap, rs.heap);
	CHECK_EQ(dst.brk, 0x12000 + 5000);
	CHECK_EQ(dst.heap_limit, rs.heap_limit);
	CHECK(!memcmp(dst.r, rs.r, rs.n * sizeof(rs.r[0])));
	CHECK_EQ(region_find(&dst, a)->kind, REGION_MMAP);
	/* Independent: a change to the copy leaves the original. */
	CHECK_EQ(region_munmap(&dst, a, P), 0);
	CHECK(region_find(&rs, a) != NULL);
	CHECK(region_find(&dst, a) == NULL);
}

int main(void)
{
	RUN(add_and_find);
	RUN(add_refuses_bad_ranges);
	RUN(add_refuses_when_full);
	RUN(stack_limit_and_guard);
	RUN(stack_all_or_nothing);
	RUN(heap_grow_and_shrink);
	RUN(heap_limits);
	RUN(heap_stops_at_other_regions);
	RUN(no_heap);
	RUN(names);
	RUN(mmap_places_first_fit_and_reuses_holes);
	RUN(munmap_whole_prefix_suffix_middle);
	RUN(munmap_keeps_heap_index_when_earlier_region_goes);
	RUN(mmap_and_split_refused_when_full);
	RUN(find_hint_follows_hits);
	RUN(thread_stacks_have_guards_and_fill_holes);
	RUN(thread_stack_refused_all_or_nothing);
	RUN(copy_takes_regions_break_and_limits);
	return check_summary();
}
