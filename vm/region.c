/*
 * region.c - regions of a process's address space (see region.h).
 *
 * Layer: vm/ (pure, host-tested). A small array searched linearly: a
 * process has a handful of regions, and a linear search over a few dozen
 * entries is both fast enough and the easiest thing to read. The fault
 * path first tries the region it found last (rs->hint).
 */
#include "vm/region.h"
#include "calf/abi.h"
#include "sv39/sv39.h"

#define PAGE_MASK (REGION_PAGE - 1)

void region_set_init(struct region_set *rs)
{
	rs->n = 0;
	rs->heap = -1;
	rs->brk = 0;
	rs->heap_limit = 0;
	rs->hint = 0;
}

void region_set_copy(struct region_set *dst, const struct region_set *src)
{
	for (unsigned i = 0; i < src->n; i++)
		dst->r[i] = src->r[i];
	dst->n = src->n;
	dst->heap = src->heap;
	dst->brk = src->brk;
	dst->heap_limit = src->heap_limit;
	dst->hint = src->hint;
}

/* Does [start, end) overlap any region other than number `skip`? */
static bool overlaps(const struct region_set *rs, uint64_t start, uint64_t end, int skip)
{
	for (unsigned i = 0; i < rs->n; i++) {
		if ((int)i == skip)
			continue;
		if (start < rs->r[i].end && rs->r[i].start < end)
			return true;
	}
	return false;
}

int region_add(struct region_set *rs, uint64_t start, uint64_t end, unsigned prot,
	       enum region_kind kind)
{
	/* The heap alone may be empty: it starts so and grows with sbrk. */
	bool empty_ok = kind == REGION_HEAP;

	if ((start & PAGE_MASK) || (end & PAGE_MASK) || end < start ||
	    (end == start && !empty_ok) || end > SV39_USER_TOP)
		return -CALF_EINVAL;
	/* W^X: the fault policy gives a page its region's rights, and sv39
	 * refuses a leaf both writable and executable. */
	if ((prot & REGION_W) && (prot & REGION_X))
		return -CALF_EINVAL;
	if (overlaps(rs, start, end, -1))
		return -CALF_EEXIST;
	if (rs->n == REGION_MAX)
		return -CALF_ENOMEM;
	rs->r[rs->n].start = start;
	rs->r[rs->n].end = end;
	rs->r[rs->n].prot = prot;
	rs->r[rs->n].kind = kind;
	rs->n++;
	return 0;
}

/* The search, when the hint (region.h) missed. */
const struct region *region_find_slow(struct region_set *rs, uint64_t va)
{
	for (unsigned i = 0; i < rs->n; i++) {
		if (va >= rs->r[i].start && va < rs->r[i].end) {
			rs->hint = i;
			return &rs->r[i];
		}
	}
	return NULL;
}

/* First fit: the lowest address in [REGION_MMAP_BASE, REGION_MMAP_TOP)
 * where `size` bytes (page aligned) overlap no region. 0 and *at, or
 * -CALF_ENOMEM. */
static int find_gap(const struct region_set *rs, uint64_t size, uint64_t *at_out)
{
	uint64_t at = REGION_MMAP_BASE;

	if (size > REGION_MMAP_TOP - REGION_MMAP_BASE)
		return -CALF_ENOMEM;
	/* Try the bottom, then just above each region, lowest first. Each
	 * try that overlaps moves `at` past the region in the way, so the
	 * loop ends after at most n + 1 moves. */
	for (unsigned moves = 0; moves <= rs->n; moves++) {
		uint64_t next = at;

		if (size > REGION_MMAP_TOP - at)
			return -CALF_ENOMEM;
		for (unsigned i = 0; i < rs->n; i++)
			if (at < rs->r[i].end && rs->r[i].start < at + size && rs->r[i].end > next)
				next = rs->r[i].end;
		if (next == at) {
			*at_out = at;
			return 0;
		}
		at = next;
	}
	return -CALF_ENOMEM;
}

int region_mmap(struct region_set *rs, uint64_t len, uint64_t *addr)
{
	uint64_t size = (len + PAGE_MASK) & ~PAGE_MASK;
	int err;

	if (len == 0 || size < len)
		return -CALF_EINVAL;
	if (rs->n == REGION_MAX)
		return -CALF_ENOMEM;
	err = find_gap(rs, size, addr);
	if (err)
		return err;
	return region_add(rs, *addr, *addr + size, REGION_R | REGION_W, REGION_MMAP);
}

/* Remove region i, keeping the heap's index right. */
static void region_remove(struct region_set *rs, unsigned i)
{
	for (unsigned j = i; j + 1 < rs->n; j++)
		rs->r[j] = rs->r[j + 1];
	rs->n--;
	if (rs->heap > (int)i)
		rs->heap--;
	rs->hint = 0;
}

int region_munmap(struct region_set *rs, uint64_t addr, uint64_t len)
{
	uint64_t size = (len + PAGE_MASK) & ~PAGE_MASK, end = addr + size;
	struct region *r = NULL;
	unsigned i;

	if ((addr & PAGE_MASK) || len == 0 || size < len || end < addr)
		return -CALF_EINVAL;
	for (i = 0; i < rs->n; i++) {
		if (addr >= rs->r[i].start && addr < rs->r[i].end) {
			r = &rs->r[i];
			break;
		}
	}
	if (!r || r->kind != REGION_MMAP || end > r->end)
		return -CALF_EINVAL;
	if (addr == r->start && end == r->end) {
		region_remove(rs, i);
	} else if (addr == r->start) {
		r->start = end;
	} else if (end == r->end) {
		r->end = addr;
	} else {
		/* A hole in the middle: the upper part becomes a region of
		 * its own. */
		if (rs->n == REGION_MAX)
			return -CALF_ENOMEM;
		rs->r[rs->n] = *r;
		rs->r[rs->n].start = end;
		rs->n++;
		r->end = addr;
	}
	return 0;
}

int region_add_stack(struct region_set *rs, uint64_t top, uint64_t max)
{
	int err;

	if (max == 0 || (max & PAGE_MASK) || top < max + REGION_PAGE)
		return -CALF_EINVAL;
	/* The stack reserves its whole extent now: its pages appear one by
	 * one as the program touches them (the fault handler maps them), so
	 * it "grows" on demand up to max without any bookkeeping, and
	 * nothing else can ever be placed where it would grow. */
	err = region_add(rs, top - max, top, REGION_R | REGION_W, REGION_STACK);
	if (err)
		return err;
	err = region_add(rs, top - max - REGION_PAGE, top - max, 0, REGION_GUARD);
	if (err)
		rs->n--;   /* undo the stack: all or nothing */
	return err;
}

int region_add_thread_stack(struct region_set *rs, uint64_t size, uint64_t *top)
{
	uint64_t at;
	int err;

	if (size == 0 || (size & PAGE_MASK) || size > REGION_MMAP_TOP - REGION_MMAP_BASE)
		return -CALF_EINVAL;
	if (rs->n + 2 > REGION_MAX)
		return -CALF_ENOMEM;
	err = find_gap(rs, size + REGION_PAGE, &at);
	if (err)
		return err;
	/* The guard page first, at the bottom: a thread that runs off its
	 * stack faults there and is reported as a stack overflow. */
	region_add(rs, at, at + REGION_PAGE, 0, REGION_GUARD);
	region_add(rs, at + REGION_PAGE, at + REGION_PAGE + size, REGION_R | REGION_W,
		   REGION_THREAD_STACK);
	*top = at + REGION_PAGE + size;
	return 0;
}

int region_remove_thread_stack(struct region_set *rs, uint64_t top)
{
	uint64_t bottom;

	for (unsigned i = 0; i < rs->n; i++) {
		if (rs->r[i].kind != REGION_THREAD_STACK || rs->r[i].end != top)
			continue;
		bottom = rs->r[i].start;
		region_remove(rs, i);
		for (unsigned g = 0; g < rs->n; g++) {
			if (rs->r[g].kind == REGION_GUARD && rs->r[g].end == bottom) {
				region_remove(rs, g);
				break;
			}
		}
		return 0;
	}
	return -CALF_EINVAL;
}

int region_add_heap(struct region_set *rs, uint64_t start, uint64_t limit)
{
	int err;

	if (rs->heap >= 0 || (limit & PAGE_MASK) || limit < start)
		return -CALF_EINVAL;
	err = region_add(rs, start, start, REGION_R | REGION_W, REGION_HEAP);
	if (err)
		return err;
	rs->heap = (int)rs->n - 1;
	rs->brk = start;
	rs->heap_limit = limit;
	return 0;
}

int region_brk(struct region_set *rs, int64_t incr, uint64_t *old_brk, uint64_t *old_end,
	       uint64_t *new_end)
{
	struct region *h;
	uint64_t brk, end;

	if (rs->heap < 0)
		return -CALF_EINVAL;
	h = &rs->r[rs->heap];
	brk = rs->brk + (uint64_t)incr;
	/* Unsigned wrap-around tells growth past 2^64 and shrinking below 0
	 * apart from the ordinary cases. */
	if (incr < 0 && (brk > rs->brk || brk < h->start))
		return -CALF_EINVAL;
	if (incr > 0 && (brk < rs->brk || brk > rs->heap_limit))
		return -CALF_ENOMEM;
	end = (brk + PAGE_MASK) & ~PAGE_MASK;
	if (end > h->end && overlaps(rs, h->start, end, rs->heap))
		return -CALF_ENOMEM;
	*old_brk = rs->brk;
	*old_end = h->end;
	*new_end = end;
	rs->brk = brk;
	h->end = end;
	return 0;
}

const char *region_name(const struct region *r)
{
	switch (r->kind) {
	case REGION_ELF:
		if (r->prot & REGION_X)
			return "text";
		if (r->prot & REGION_W)
			return "data";
		return "rodata";
	case REGION_HEAP:
		return "heap";
	case REGION_STACK:
		return "stack";
	case REGION_GUARD:
		return "stack guard page";
	case REGION_ARGS:
		return "args";
	case REGION_MMAP:
		return "mmap region";
	case REGION_THREAD_STACK:
		return "thread stack";
	}
	return "region";
}
