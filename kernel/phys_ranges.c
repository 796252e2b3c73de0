/*
 * phys_ranges.c - subtract reserved regions from RAM (see the header).
 *
 * Layer: kernel/ (pure C, host-tested in test/host/test_phys_ranges.c).
 */
#include "kernel/phys_ranges.h"

struct span {
	uint64_t lo, hi;    /* [lo, hi) */
};

static uint64_t end_of(struct board_range r)
{
	uint64_t end = r.base + r.size;
	return end < r.base ? UINT64_MAX : end;   /* clamp a wrap */
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	uint64_t up = (v + align - 1) & ~(align - 1);
	return up < v ? (UINT64_MAX & ~(align - 1)) : up;
}

static uint64_t align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}

/* Remove [lo, hi) from the n spans in s (capacity max); returns the new
 * count or -1 when a split needs more room than max. */
static int cut(struct span *s, int n, int max, uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < n; i++) {
		if (hi <= s[i].lo || lo >= s[i].hi)
			continue;
		if (lo <= s[i].lo && hi >= s[i].hi) {
			/* Swallowed whole: drop it. */
			s[i] = s[n - 1];
			n--;
			i--;
		} else if (lo > s[i].lo && hi < s[i].hi) {
			/* Punched in the middle: split in two. */
			if (n == max)
				return -1;
			s[n].lo = hi;
			s[n].hi = s[i].hi;
			s[i].hi = lo;
			n++;
		} else if (lo <= s[i].lo) {
			s[i].lo = hi;
		} else {
			s[i].hi = lo;
		}
	}
	return n;
}

int phys_ranges_subtract(const struct board_range *mem, int nmem,
			 const struct board_range *excl, int nexcl,
			 uint64_t align, struct board_range *out, int max)
{
	struct span s[64];
	int n = 0;

	if (max > 64)
		max = 64;
	for (int i = 0; i < nmem; i++) {
		uint64_t lo = align_up(mem[i].base, align);
		uint64_t hi = align_down(end_of(mem[i]), align);
		if (lo >= hi)
			continue;
		/* Overlapping memory ranges: cut the overlap out first so it
		 * is counted once. */
		n = cut(s, n, max, lo, hi);
		if (n < 0 || n == max)
			return -1;
		s[n].lo = lo;
		s[n].hi = hi;
		n++;
	}
	for (int i = 0; i < nexcl; i++) {
		if (excl[i].size == 0)
			continue;
		uint64_t lo = align_down(excl[i].base, align);
		uint64_t hi = align_up(end_of(excl[i]), align);
		n = cut(s, n, max, lo, hi);
		if (n < 0)
			return -1;
	}
	/* Insertion sort by base: n is small. */
	for (int i = 1; i < n; i++) {
		struct span t = s[i];
		int j = i - 1;
		while (j >= 0 && s[j].lo > t.lo) {
			s[j + 1] = s[j];
			j--;
		}
		s[j + 1] = t;
	}
	for (int i = 0; i < n; i++) {
		out[i].base = s[i].lo;
		out[i].size = s[i].hi - s[i].lo;
	}
	return n;
}

uint64_t phys_ranges_total(const struct board_range *r, int n)
{
	uint64_t sum = 0;
	for (int i = 0; i < n; i++)
		sum += r[i].size;
	return sum;
}
