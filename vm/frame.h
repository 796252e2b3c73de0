/*
 * frame.h - the VM server's frame table: every physical frame the kernel
 * granted at boot, with a reference count each.
 *
 * Layer: vm/. Pure logic: the frames are reached through a "window", a
 * linear mapping of physical memory (window + (pa - window_pa)), which
 * the kernel sets up in the VM server (struct calf_bootinfo) and the host
 * tests fake with a malloc'd buffer. No system call is made here.
 *
 * Reference counts are what copy-on-write needs (docs/architecture.md,
 * Copy-on-write): a frame mapped by N page tables has count N (fork shares
 * level-0 tables between spaces, and such a table counts once; its own
 * count is the number of spaces sharing it, vm/space.h). The store fault
 * that finds count 1, in a table the process does not share, may simply
 * make the page writable again.
 *
 * Two kinds of frame are "pinned" and never counted or freed: the frames
 * holding the reference-count array itself, and the one shared zero frame
 * (docs/architecture.md, Zero pages). frame_ref and frame_unref ignore
 * pinned frames, so callers may treat the zero frame like any other leaf.
 */
#ifndef VM_FRAME_H
#define VM_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096ull
#define FRAME_SHIFT 12
#define FRAME_MAX_RANGES 16          /* = CALF_BOOTINFO_MAX_RANGES */
#define FRAME_NONE (~0ull)           /* "no frame": pa 0 may be real RAM */
#define FRAME_PINNED 0xffffffffu     /* refcount of frames never freed */

struct frame_range {
	uint64_t base;       /* physical address, frame aligned */
	uint64_t nframes;
	uint64_t first;      /* index of its first frame in ref[] */
	uint64_t bump;       /* frames handed out by the bump pointer so far */
};

struct frame_table {
	uint8_t *window;         /* where window_pa is mapped */
	uint64_t window_pa;
	struct frame_range range[FRAME_MAX_RANGES];
	unsigned nranges;
	unsigned cursor;         /* first range whose bump pointer may have room */
	unsigned big;            /* the largest range: searched first */
	/* The largest range again, in the form its O(1) lookups use
	 * (frame_count_fast, frame_runs): RAM [big_base, big_base +
	 * big_size), whose counts start at big_ref and masks at big_runs. */
	uint64_t big_base, big_size;
	uint32_t *big_ref;
	uint64_t *big_runs;
	uint32_t *ref;           /* one count per frame; 0 = free */
	uint64_t nframes;        /* frames managed (pinned ones included) */
	uint64_t nfree;          /* frames frame_alloc can still hand out */
	uint64_t free_list;      /* pa of the first freed frame, or FRAME_NONE */
	uint64_t clean_list;     /* freed frames known to be all zero (page
				  * tables, emptied as they were torn down),
				  * or FRAME_NONE */
	uint64_t *runs;          /* per frame, while it is a page table: bit r
				  * set if entries 8r..8r+7 may be non-zero
				  * (space.c); while it is free, the pa of the
				  * next on its list (the links are kept out of
				  * the frames: frame.c, frame_unref_slow) */
	uint64_t zero_pa;        /* the shared zero frame */
};

/*
 * Take over `n` spans {base, size} of RAM (bases and sizes are rounded
 * inwards to whole frames). Carves the reference-count array out of the
 * first range large enough, then allocates and zeroes the zero frame.
 * Returns 0, or -1 if the ranges cannot even hold that.
 */
struct frame_span {
	uint64_t base, size;
};

int frame_table_init(struct frame_table *ft, void *window, uint64_t window_pa,
		     const struct frame_span *spans, unsigned n);

/* Pointer to the frame at pa through the window. */
static inline void *frame_ptr(const struct frame_table *ft, uint64_t pa)
{
	return ft->window + (pa - ft->window_pa);
}

/* A zeroed frame with count 1, or FRAME_NONE when none is left. Frames
 * are zeroed here, when handed out, so no data passes from one process
 * to another whatever path a frame took back to the free list. */
uint64_t frame_alloc(struct frame_table *ft);

/* A frame that has count 1 and is all zero already (a page table
 * emptied as it was torn down) goes back to the free pool; frame_alloc
 * hands such frames out without zeroing them again. */
void frame_free_zeroed(struct frame_table *ft, uint64_t pa);

/* A frame with count 1 holding a copy of the frame at src (no zeroing:
 * every byte is overwritten). FRAME_NONE when none is left. */
uint64_t frame_alloc_copy(struct frame_table *ft, uint64_t src);

/* Count one more user of pa. 0, or -1 if pa is not an allocated frame. */
int frame_ref(struct frame_table *ft, uint64_t pa);



/*
 * The count of pa, when pa lies in the largest range (nearly all of RAM,
 * so nearly always), else NULL: then use frame_ref/frame_unref.
 * For the per-page loops of fork and exit, which cannot afford
 * frame_index's search on each of thousands of pages.
 */
static inline uint32_t *frame_count_fast(const struct frame_table *ft, uint64_t pa)
{
	uint64_t off = pa - ft->big_base;

	if (off >= ft->big_size)
		return NULL;
	return &ft->big_ref[off >> FRAME_SHIFT];
}

/* Index of pa in ref[], or -1 if the table does not manage it. The
 * largest range first: the free RAM around the kernel image and the
 * firmware comes in a few small ranges and one big one. Inline, with no
 * call even for the others: the fault path reads counts on every COW
 * store. */
static inline int64_t frame_index(const struct frame_table *ft, uint64_t pa)
{
	const uint32_t *c = frame_count_fast(ft, pa);

	if (pa & (FRAME_SIZE - 1))
		return -1;
	if (c)
		return c - ft->ref;
	for (unsigned i = 0; i < ft->nranges; i++) {
		const struct frame_range *r = &ft->range[i];

		if (pa >= r->base && pa - r->base < r->nframes * FRAME_SIZE)
			return (int64_t)(r->first + ((pa - r->base) >> FRAME_SHIFT));
	}
	return -1;
}

/* The count of pa: FRAME_PINNED for pinned frames, 0 for free frames and
 * for addresses this table does not manage. */
static inline uint32_t frame_refcount(const struct frame_table *ft, uint64_t pa)
{
	const uint32_t *c = frame_count_fast(ft, pa);
	int64_t i;

	if (c && !(pa & (FRAME_SIZE - 1)))
		return *c;
	i = frame_index(ft, pa);
	return i < 0 ? 0 : ft->ref[i];
}

/* Drop one user of pa; at 0 the frame goes back to the free list.
 * 0, or -1 if pa is not an allocated frame (a bug in the caller).
 * Inline for the common case, a frame of the largest range that others
 * still use (a COW copy drops the original's count so): no call. */
int frame_unref_slow(struct frame_table *ft, uint64_t pa);

static inline int frame_unref(struct frame_table *ft, uint64_t pa)
{
	uint32_t *c = frame_count_fast(ft, pa);

	if (c && !(pa & (FRAME_SIZE - 1)) && *c >= 2 && *c != FRAME_PINNED) {
		(*c)--;
		return 0;
	}
	return frame_unref_slow(ft, pa);
}

/* The run mask of the page-table frame at pa (see runs above). */
uint64_t *frame_runs_slow(const struct frame_table *ft, uint64_t pa);

static inline uint64_t *frame_runs(const struct frame_table *ft, uint64_t pa)
{
	uint64_t off = pa - ft->big_base;

	if (off >= ft->big_size)
		return frame_runs_slow(ft, pa);
	return &ft->big_runs[off >> FRAME_SHIFT];
}

static inline bool frame_is_zero(const struct frame_table *ft, uint64_t pa)
{
	return pa == ft->zero_pa;
}

#endif
