/*
 * frame.c - the frame table: reference counts, free list, zero frame.
 *
 * Layer: vm/ (pure: no system calls, host-tested by test_vm_frame.c).
 *
 * Frames are handed out by a bump pointer over each range first, then
 * from a free list of frames given back, threaded through the first word
 * of each free frame (as kernel/frame.c does). So start-up touches only
 * the reference-count array, not every frame of a large machine.
 */
#include "vm/frame.h"

/* Whole frames only: memory is zeroed and copied a doubleword at a time,
 * unrolled, which is what a simple in-order core does fastest. */
static void page_zero(void *p)
{
	uint64_t *d = p;

	for (unsigned i = 0; i < FRAME_SIZE / 8; i += 4) {
		d[i] = 0;
		d[i + 1] = 0;
		d[i + 2] = 0;
		d[i + 3] = 0;
	}
}

static void page_copy(void *dst, const void *src)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	for (unsigned i = 0; i < FRAME_SIZE / 8; i += 4) {
		d[i] = s[i];
		d[i + 1] = s[i + 1];
		d[i + 2] = s[i + 2];
		d[i + 3] = s[i + 3];
	}
}

/* Index of pa in ref[], or -1 if the table does not manage it. */
static int64_t frame_index(const struct frame_table *ft, uint64_t pa)
{
	if (pa & (FRAME_SIZE - 1))
		return -1;
	for (unsigned i = 0; i < ft->nranges; i++) {
		const struct frame_range *r = &ft->range[i];

		if (pa >= r->base && pa - r->base < r->nframes * FRAME_SIZE)
			return (int64_t)(r->first + ((pa - r->base) >> FRAME_SHIFT));
	}
	return -1;
}

int frame_table_init(struct frame_table *ft, void *window, uint64_t window_pa,
		     const struct frame_span *spans, unsigned n)
{
	uint64_t ref_frames;
	int carved = -1;

	ft->window = window;
	ft->window_pa = window_pa;
	ft->nranges = 0;
	ft->cursor = 0;
	ft->nframes = 0;
	ft->free_list = FRAME_NONE;
	ft->zero_pa = FRAME_NONE;

	for (unsigned i = 0; i < n && ft->nranges < FRAME_MAX_RANGES; i++) {
		/* Round inwards: a partial frame at either end is not ours. */
		uint64_t lo = (spans[i].base + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
		uint64_t hi = (spans[i].base + spans[i].size) & ~(FRAME_SIZE - 1);
		struct frame_range *r;

		/* sv39's table_alloc says "no memory" with 0: never hand out
		 * a frame at physical address 0 (no board has RAM there). */
		if (lo == 0)
			lo = FRAME_SIZE;
		if (hi <= lo)
			continue;
		r = &ft->range[ft->nranges++];
		r->base = lo;
		r->nframes = (hi - lo) >> FRAME_SHIFT;
		r->first = ft->nframes;
		r->bump = 0;
		ft->nframes += r->nframes;
	}

	/* The count array lives in the first frames of the first range big
	 * enough to hold it (it must be contiguous in the window, and the
	 * window is contiguous only within a range). Keep at least one
	 * frame for the zero frame. */
	ref_frames = (ft->nframes * sizeof(uint32_t) + FRAME_SIZE - 1) >> FRAME_SHIFT;
	for (unsigned i = 0; i < ft->nranges; i++) {
		if (ft->range[i].nframes >= ref_frames + 1) {
			carved = (int)i;
			break;
		}
	}
	if (carved < 0 || ft->nframes < ref_frames + 1)
		return -1;

	ft->ref = frame_ptr(ft, ft->range[carved].base);
	for (uint64_t f = 0; f < ref_frames; f++)
		page_zero((uint8_t *)ft->ref + f * FRAME_SIZE);   /* every count 0: free */
	for (uint64_t f = 0; f < ref_frames; f++)
		ft->ref[ft->range[carved].first + f] = FRAME_PINNED;
	ft->range[carved].bump = ref_frames;
	ft->nfree = ft->nframes - ref_frames;

	/* The zero frame: mapped read-only wherever anonymous memory is read
	 * before it is written; never writable, so it stays zero. */
	ft->zero_pa = frame_alloc(ft);
	ft->ref[frame_index(ft, ft->zero_pa)] = FRAME_PINNED;
	return 0;
}

/* Take a frame off the free list or the bump pointers, count 1, not yet
 * zeroed. */
static uint64_t frame_take(struct frame_table *ft)
{
	uint64_t pa;

	if (ft->free_list != FRAME_NONE) {
		pa = ft->free_list;
		ft->free_list = *(uint64_t *)frame_ptr(ft, pa);
	} else {
		struct frame_range *r;

		while (ft->cursor < ft->nranges &&
		       ft->range[ft->cursor].bump == ft->range[ft->cursor].nframes)
			ft->cursor++;
		if (ft->cursor == ft->nranges)
			return FRAME_NONE;
		r = &ft->range[ft->cursor];
		pa = r->base + (r->bump++ << FRAME_SHIFT);
	}
	ft->ref[frame_index(ft, pa)] = 1;
	ft->nfree--;
	return pa;
}

uint64_t frame_alloc(struct frame_table *ft)
{
	uint64_t pa = frame_take(ft);

	if (pa != FRAME_NONE)
		page_zero(frame_ptr(ft, pa));
	return pa;
}

uint64_t frame_alloc_copy(struct frame_table *ft, uint64_t src)
{
	uint64_t pa = frame_take(ft);

	if (pa != FRAME_NONE)
		page_copy(frame_ptr(ft, pa), frame_ptr(ft, src));
	return pa;
}

int frame_ref(struct frame_table *ft, uint64_t pa)
{
	int64_t i = frame_index(ft, pa);

	if (i < 0 || ft->ref[i] == 0 || ft->ref[i] == FRAME_PINNED - 1)
		return -1;   /* not allocated, or the count would become "pinned" */
	if (ft->ref[i] != FRAME_PINNED)
		ft->ref[i]++;
	return 0;
}

int frame_unref(struct frame_table *ft, uint64_t pa)
{
	int64_t i = frame_index(ft, pa);

	if (i < 0 || ft->ref[i] == 0)
		return -1;
	if (ft->ref[i] == FRAME_PINNED)
		return 0;
	if (--ft->ref[i] == 0) {
		*(uint64_t *)frame_ptr(ft, pa) = ft->free_list;
		ft->free_list = pa;
		ft->nfree++;
	}
	return 0;
}

uint32_t frame_refcount(const struct frame_table *ft, uint64_t pa)
{
	int64_t i = frame_index(ft, pa);

	return i < 0 ? 0 : ft->ref[i];
}
