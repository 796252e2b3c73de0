/*
 * region.h - the regions of one process's address space: which ranges
 * of user addresses are valid, and with which rights.
 *
 * Layer: vm/ (pure bookkeeping, host-tested by test_vm_region.c). The
 * regions are the policy, the page table only the current state: a page
 * may be absent from the page table yet valid (anonymous memory not
 * touched yet), and the fault handler asks the region what to do.
 *
 * Every process has (docs/architecture.md, "Inside the VM server"):
 *   ELF segments  text R-X, rodata R, data+bss RW, at the ELF's addresses
 *   heap          RW, from the page after the last segment, moved by sbrk
 *   stack         RW, [VM_USER_STACK_TOP - VM_USER_STACK_MAX, top)
 *   guard         one page below the stack with no rights at all, so a
 *                 stack overflow is reported as such
 *   args          one RW page at VM_USER_ARGS: argc, argv, strings
 *   mmap          RW anonymous regions (VM_MMAP), placed first-fit from
 *                 REGION_MMAP_BASE up, far above any heap and below the
 *                 stack's guard page
 *   thread stack  RW, one per thread the process started (VM_THREAD_CREATE),
 *                 with a guard page below it, placed as mmap regions are
 *                 and removed when the thread exits
 * Any page of a region that is not in the page table is anonymous: it
 * reads as zero until first written (ELF pages holding file bytes are
 * mapped when the program is loaded, so only bss is ever anonymous).
 */
#ifndef VM_REGION_H
#define VM_REGION_H

#include <stdbool.h>
#include <stdint.h>

/* Room for the fixed regions (ELF segments, heap, stack, guard, args),
 * a stack and a guard page for each of VM_THREADS_PER_PROC threads, and
 * a dozen mmap regions. Sets are copied with region_set_copy, which
 * copies only the regions in use, so a large REGION_MAX costs memory
 * but no time. */
#define REGION_MAX 80
#define REGION_PAGE 4096ull

/* Rights, as the ELF flags and the PTE bits name them. */
#define REGION_R 1u
#define REGION_W 2u
#define REGION_X 4u

enum region_kind {
	REGION_ELF = 1,   /* a PT_LOAD segment: text, rodata or data */
	REGION_HEAP,
	REGION_STACK,
	REGION_GUARD,     /* no rights: any access is a stack overflow */
	REGION_ARGS,
	REGION_MMAP,      /* anonymous memory from VM_MMAP */
	REGION_THREAD_STACK, /* the stack of a thread the process started */
};

/* Where mmap places regions: 64 GiB up (the heap is at most 256 MiB
 * above the program, which sits low), to just below the stack's reach. */
#define REGION_MMAP_BASE 0x0000001000000000ull
#define REGION_MMAP_TOP  0x0000003f00000000ull

struct region {
	uint64_t start, end;      /* [start, end), page aligned */
	unsigned prot;            /* REGION_R | REGION_W | REGION_X */
	enum region_kind kind;
};

struct region_set {
	struct region r[REGION_MAX];
	unsigned n;
	int heap;                 /* index of the heap region, -1 if none */
	uint64_t brk;             /* the program break (need not be aligned) */
	uint64_t heap_limit;      /* the break may not pass this */
	unsigned hint;            /* index of the region region_find hit last */
};

void region_set_init(struct region_set *rs);

/* *dst = *src: the regions in use, the break and the limits. */
void region_set_copy(struct region_set *dst, const struct region_set *src);

/*
 * Add [start, end) with `prot`. 0, or a negated CALF_E* code:
 * EINVAL if not page aligned, empty, not below SV39's user top, or both
 * writable and executable (W^X);
 * EEXIST if it overlaps a region; ENOMEM if the set is full.
 */
int region_add(struct region_set *rs, uint64_t start, uint64_t end, unsigned prot,
	       enum region_kind kind);

/* The region holding va, or NULL. An empty heap holds nothing. Tries
 * the region found last time first: faults come in runs in one region,
 * and this is on every fault's path. */
const struct region *region_find_slow(struct region_set *rs, uint64_t va);

static inline const struct region *region_find(struct region_set *rs, uint64_t va)
{
	const struct region *r = &rs->r[rs->hint];

	if (rs->hint < rs->n && va - r->start < r->end - r->start)
		return r;
	return region_find_slow(rs, va);
}

/*
 * mmap: place a new RW anonymous region of len bytes (rounded up to
 * pages) at the lowest free address in [REGION_MMAP_BASE,
 * REGION_MMAP_TOP). Returns 0 and *addr, -CALF_EINVAL for len 0,
 * -CALF_ENOMEM when no gap is large enough or the set is full.
 */
int region_mmap(struct region_set *rs, uint64_t len, uint64_t *addr);

/*
 * munmap: [addr, addr + len) (len rounded up to pages) must lie inside
 * one REGION_MMAP region: the region is removed, shortened, or split in
 * two. 0, -CALF_EINVAL (not page aligned, empty, not inside one mmap
 * region) or -CALF_ENOMEM (a split needs a slot and none is left).
 * The caller unmaps the pages. Nothing changes on error.
 */
int region_munmap(struct region_set *rs, uint64_t addr, uint64_t len);

/*
 * The stack [top - max, top) RW, and the guard page below it. top and
 * max page aligned, max > 0. Errors as region_add.
 */
int region_add_stack(struct region_set *rs, uint64_t top, uint64_t max);

/*
 * A thread's stack: `size` bytes (page aligned, > 0) RW with a guard page
 * below, placed first-fit as region_mmap places a region. Returns 0 and
 * *top, the stack's top (its first sp); -CALF_EINVAL for a bad size,
 * -CALF_ENOMEM when no gap is large enough or the set has no room for
 * two more regions. All or nothing.
 */
int region_add_thread_stack(struct region_set *rs, uint64_t size, uint64_t *top);

/*
 * Remove the thread stack whose top is `top` and its guard page (the
 * caller unmaps the pages). 0, or -CALF_EINVAL if there is none.
 */
int region_remove_thread_stack(struct region_set *rs, uint64_t top);

/*
 * An empty heap starting at `start` (page aligned), whose break may grow
 * up to `limit` (page aligned). Errors as region_add.
 */
int region_add_heap(struct region_set *rs, uint64_t start, uint64_t limit);

/*
 * sbrk: move the break by `incr` bytes. On success returns 0, sets
 * *old_brk to the break before the call, and *old_end / *new_end to the
 * heap region's page-aligned end before and after: when shrinking, the
 * caller unmaps [*new_end, *old_end). -CALF_ENOMEM if the break would
 * pass the limit or run into another region, -CALF_EINVAL if it would go
 * below the heap's start or there is no heap. Nothing changes on error.
 */
int region_brk(struct region_set *rs, int64_t incr, uint64_t *old_brk, uint64_t *old_end,
	       uint64_t *new_end);

/* A short name for messages: "text", "rodata", "data", "heap", "stack",
 * "stack guard page", "args", "mmap region", "thread stack". */
const char *region_name(const struct region *r);

#endif
