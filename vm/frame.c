/*
 * frame.c - the frame table: reference counts, free list, zero frame.
 *
 * Layer: vm/ (pure: no system calls, host-tested by test_vm_frame.c).
 *
 * Frames are handed out by a bump pointer over each range first, then
 * from a free list of frames given back, linked through the frame
 * table's per-frame word (runs[]), never through the free frames
 * themselves: a thread on another hart may still store into a frame
 * until the VM server's flush (frame_unref_slow says why). So start-up
 * touches only the reference-count array, not every frame of a large
 * machine.
 */
#include "vm/frame.h"

/* Whole frames only: memory is zeroed and copied a doubleword at a time,
 * unrolled (zeroing 16, copying 32 doublewords a loop iteration), which is what a
 * simple in-order core does fastest: a COW copy is most of a COW
 * fault's cost (docs/performance.md). */
static void page_zero(void *p)
{
	uint64_t *d = p;

	for (unsigned i = 0; i < FRAME_SIZE / 8; i += 16, d += 16) {
		d[0] = 0; d[1] = 0; d[2] = 0; d[3] = 0;
		d[4] = 0; d[5] = 0; d[6] = 0; d[7] = 0;
		d[8] = 0; d[9] = 0; d[10] = 0; d[11] = 0;
		d[12] = 0; d[13] = 0; d[14] = 0; d[15] = 0;
	}
}

/* Copies: 32 doublewords an iteration (16 iterations a page, 3
 * instructions of loop each), loads ahead of stores in groups of 8. */
#define COPY8(k)                                                                   \
	do {                                                                        \
		uint64_t a0 = s[k + 0], a1 = s[k + 1], a2 = s[k + 2], a3 = s[k + 3];  \
		uint64_t a4 = s[k + 4], a5 = s[k + 5], a6 = s[k + 6], a7 = s[k + 7];  \
		d[k + 0] = a0; d[k + 1] = a1; d[k + 2] = a2; d[k + 3] = a3;          \
		d[k + 4] = a4; d[k + 5] = a5; d[k + 6] = a6; d[k + 7] = a7;          \
	} while (0)

static void page_copy(void *dst, const void *src)
{
	uint64_t *d = dst;
	const uint64_t *s = src, *end = s + FRAME_SIZE / 8;

	do {
		COPY8(0); COPY8(8); COPY8(16); COPY8(24);
		d += 32;
		s += 32;
	} while (s != end);
}
#undef COPY8

int frame_table_init(struct frame_table *ft, void *window, uint64_t window_pa,
		     const struct frame_span *spans, unsigned n)
{
	uint64_t ref_frames, runs_off;
	int carved = -1;

	ft->window = window;
	ft->window_pa = window_pa;
	ft->nranges = 0;
	ft->cursor = 0;
	ft->big = 0;
	ft->nframes = 0;
	ft->free_list = FRAME_NONE;
	ft->clean_list = FRAME_NONE;
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
		if (r->nframes > ft->range[ft->big].nframes)
			ft->big = ft->nranges - 1;
	}

	/* The count array, and after it the run masks of page tables
	 * (8-byte aligned), live in the first frames of the first range big
	 * enough to hold them (they must be contiguous in the window, and
	 * the window is contiguous only within a range). Keep at least one
	 * frame for the zero frame. The masks need no initial value: one is
	 * written whenever a frame becomes a page table. */
	runs_off = (ft->nframes * sizeof(uint32_t) + 7) & ~7ull;
	ref_frames = (runs_off + ft->nframes * sizeof(uint64_t) + FRAME_SIZE - 1) >> FRAME_SHIFT;
	for (unsigned i = 0; i < ft->nranges; i++) {
		if (ft->range[i].nframes >= ref_frames + 1) {
			carved = (int)i;
			break;
		}
	}
	if (carved < 0 || ft->nframes < ref_frames + 1)
		return -1;

	ft->ref = frame_ptr(ft, ft->range[carved].base);
	ft->runs = (uint64_t *)((uint8_t *)ft->ref + runs_off);
	for (uint64_t i = 0; i < ft->nframes; i++)
		ft->ref[i] = 0;   /* every count 0: free */
	for (uint64_t f = 0; f < ref_frames; f++)
		ft->ref[ft->range[carved].first + f] = FRAME_PINNED;
	ft->range[carved].bump = ref_frames;
	ft->nfree = ft->nframes - ref_frames;
	ft->big_base = ft->range[ft->big].base;
	ft->big_size = ft->range[ft->big].nframes << FRAME_SHIFT;
	ft->big_ref = &ft->ref[ft->range[ft->big].first];
	ft->big_runs = &ft->runs[ft->range[ft->big].first];

	/* The zero frame: mapped read-only wherever anonymous memory is read
	 * before it is written; never writable, so it stays zero. */
	ft->zero_pa = frame_alloc(ft);
	ft->ref[frame_index(ft, ft->zero_pa)] = FRAME_PINNED;
	return 0;
}

/* Take a frame off the free list or the bump pointers (contents
 * unknown), else off the clean list; count 1. */
static uint64_t frame_take(struct frame_table *ft)
{
	uint64_t pa;

	if (ft->free_list != FRAME_NONE) {
		uint32_t *c;

		pa = ft->free_list;
		ft->free_list = *frame_runs(ft, pa);
		c = frame_count_fast(ft, pa);   /* the common case, no search */
		if (c) {
			*c = 1;
			ft->nfree--;
			return pa;
		}
	} else {
		struct frame_range *r;

		while (ft->cursor < ft->nranges &&
		       ft->range[ft->cursor].bump == ft->range[ft->cursor].nframes)
			ft->cursor++;
		if (ft->cursor == ft->nranges) {
			if (ft->clean_list == FRAME_NONE)
				return FRAME_NONE;
			pa = ft->clean_list;
			ft->clean_list = *frame_runs(ft, pa);
			goto got;
		}
		r = &ft->range[ft->cursor];
		pa = r->base + (r->bump++ << FRAME_SHIFT);
	}
got:
	ft->ref[frame_index(ft, pa)] = 1;
	ft->nfree--;
	return pa;
}

/* Zeroed frames: from the clean list first, zero already (zeroing
 * costs ~580 instructions a frame, and page tables come and go with
 * every fork and exit); else any frame, zeroed here. Either way no data
 * passes from one process to another. */
uint64_t frame_alloc(struct frame_table *ft)
{
	uint64_t pa = ft->clean_list;

	if (pa != FRAME_NONE) {
		ft->clean_list = *frame_runs(ft, pa);
		ft->ref[frame_index(ft, pa)] = 1;
		ft->nfree--;
		return pa;
	}
	pa = frame_take(ft);
	if (pa != FRAME_NONE)
		page_zero(frame_ptr(ft, pa));
	return pa;
}

/* Copies take dirty frames first (every byte is overwritten), leaving
 * the clean ones to frame_alloc. */
uint64_t frame_alloc_copy(struct frame_table *ft, uint64_t src)
{
	uint64_t pa = frame_take(ft);

	if (pa != FRAME_NONE)
		page_copy(frame_ptr(ft, pa), frame_ptr(ft, src));
	return pa;
}

void frame_free_zeroed(struct frame_table *ft, uint64_t pa)
{
	int64_t i = frame_index(ft, pa);

	if (i < 0 || ft->ref[i] != 1) {
		frame_unref(ft, pa);   /* not what it should be: the general way */
		return;
	}
	ft->ref[i] = 0;
	ft->runs[i] = ft->clean_list;
	ft->clean_list = pa;
	ft->nfree++;
}

uint64_t *frame_runs_slow(const struct frame_table *ft, uint64_t pa)
{
	static uint64_t none;   /* a frame we do not manage: never a table */
	int64_t i = frame_index(ft, pa);

	return i < 0 ? &none : &ft->runs[i];
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

int frame_unref_slow(struct frame_table *ft, uint64_t pa)
{
	int64_t i = frame_index(ft, pa);

	if (i < 0 || ft->ref[i] == 0)
		return -1;
	if (ft->ref[i] == FRAME_PINNED)
		return 0;
	if (--ft->ref[i] == 0) {
		/* The link lives beside the frame, never in it: until every
		 * hart has flushed the frame's last mapping, a thread of the
		 * process that had it may still store into it (munmap frees
		 * first and flushes after), and a link in the frame would be
		 * that thread's to overwrite. */
		ft->runs[i] = ft->free_list;
		ft->free_list = pa;
		ft->nfree++;
	}
	return 0;
}

