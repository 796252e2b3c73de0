/*
 * malloc.c - the C heap: malloc, free, calloc, realloc and the aligned
 * variants, built for a system with zero pages.
 *
 * Layer: userland/ (libcalf). Replaces picolibc's allocator (libcalf
 * comes first on the link line, and this one object defines every entry
 * point, so none of picolibc's is linked).
 *
 * Why not picolibc's: its malloc clears every block it returns, and its
 * calloc adds a memset. Each first store to a page costs a fault and a
 * frame (docs/architecture.md, Zero pages), so calloc(64 MiB) would use
 * 64 MiB even if the program only ever reads a few bytes of it. Here:
 *   - small blocks (up to 64 KiB with the header) come in power-of-two
 *     classes from the heap (sbrk, 64 KiB at a time); freed ones go on
 *     a list per class and are reused. calloc clears them (they may be
 *     recycled).
 *   - large blocks are an mmap each: fresh pages the VM server maps to
 *     the shared zero frame until written, so calloc clears nothing and
 *     free gives the frames back at once (munmap).
 * Every block starts with a 16-byte header (keeps 16-byte alignment):
 *   word 0: usable size | kind, word 1: the mapping's base (large) or
 *   the class (small).
 * Threads (thread.c) share the heap: one lock guards the free lists and
 * the arena. A large block's mmap and munmap need no lock (the VM server
 * does one request at a time).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "calf_lock.h"

#define HDR 16ul
#define PAGE 4096ul
#define KIND_SMALL 1ul
#define KIND_LARGE 2ul
#define KIND_MASK 15ul
#define MIN_SHIFT 5          /* 32 bytes, header included */
#define MAX_SHIFT 16         /* 64 KiB */
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)

struct free_block {
	struct free_block *next;
};

static struct free_block *free_list[NCLASSES];
static struct calf_lock heap_lock;

static uint64_t *header(void *p)
{
	/* Hide where p came from: gcc knows malloc's result is an object
	 * of `size` bytes and would call the header an out-of-bounds
	 * access (and could turn "malloc, then memset to 0" into a call to
	 * calloc, this file's own, for ever). */
	__asm__("" : "+r"(p));
	return (uint64_t *)((char *)p - HDR);
}

/* Small blocks are carved from the top of the heap, [arena, arena_end),
 * which grows by ARENA_STEP at a time: one sbrk request to the VM server
 * per 64 KiB rather than per block. Growing the break costs no frame
 * until a page is written. */
#define ARENA_STEP (64ul << 10)
static uintptr_t arena, arena_end;

static void *arena_take(size_t n)
{
	if (arena_end - arena < n) {
		void *m = sbrk((intptr_t)ARENA_STEP);

		if (m == (void *)-1)
			return NULL;
		/* someone else moved the break since (a program calling
		 * sbrk itself): the old arena's tail is lost, start anew */
		if ((uintptr_t)m != arena_end)
			arena = (uintptr_t)m;
		arena_end = (uintptr_t)m + ARENA_STEP;
	}
	arena += n;
	return (void *)(arena - n);
}

static void *small_alloc(size_t size)
{
	unsigned cls = 0;
	uint64_t *h;

	while ((HDR + size) > (1ul << (MIN_SHIFT + cls)))
		cls++;
	if (free_list[cls] != NULL) {
		h = (uint64_t *)free_list[cls];
		free_list[cls] = free_list[cls]->next;
	} else {
		h = arena_take(1ul << (MIN_SHIFT + cls));
		if (h == NULL)
			return NULL;
	}
	h[0] = ((1ul << (MIN_SHIFT + cls)) - HDR) | KIND_SMALL;
	h[1] = cls;
	return h + 2;
}

/* A mapping of its own, with p aligned to `align` (a power of two up to
 * a page: mmap returns page-aligned memory). */
static void *large_alloc(size_t size, size_t align)
{
	size_t lead = align > HDR ? align : HDR;
	size_t len;
	void *m;
	uint64_t *h;

	if (size > SIZE_MAX - lead - PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	len = (lead + size + PAGE - 1) & ~(PAGE - 1);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	h = (uint64_t *)((char *)m + lead - HDR);
	h[0] = (uint64_t)((len - lead) & ~KIND_MASK) | KIND_LARGE;
	h[1] = (uint64_t)(uintptr_t)m;
	return h + 2;
}

void *malloc(size_t size)
{
	void *p;

	if (size > (1ul << MAX_SHIFT) - HDR)
		return large_alloc(size, HDR);
	calf_lock(&heap_lock);
	p = small_alloc(size);
	calf_unlock(&heap_lock);
	return p;
}

void free(void *p)
{
	uint64_t *h;

	if (p == NULL)
		return;
	h = header(p);
	if ((h[0] & KIND_MASK) == KIND_LARGE) {
		uintptr_t base = (uintptr_t)h[1];
		size_t len = (size_t)((uintptr_t)p + (h[0] & ~KIND_MASK) - base);

		munmap((void *)base, (len + PAGE - 1) & ~(PAGE - 1));
		return;
	}
	calf_lock(&heap_lock);
	((struct free_block *)h)->next = free_list[h[1]];
	free_list[h[1]] = (struct free_block *)h;
	calf_unlock(&heap_lock);
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(count * size);
	__asm__("" : "+r"(p));   /* see header(): no calloc call here */
	/* a large block is fresh zero pages: writing zeros would only
	 * give every page a frame */
	if (p != NULL && (header(p)[0] & KIND_MASK) == KIND_SMALL)
		memset(p, 0, count * size);
	return p;
}

size_t malloc_usable_size(void *p)
{
	return p == NULL ? 0 : (size_t)(header(p)[0] & ~KIND_MASK);
}

void *realloc(void *p, size_t size)
{
	size_t have;
	void *q;

	if (p == NULL)
		return malloc(size);
	have = malloc_usable_size(p);
	if (size <= have)
		return p;
	q = malloc(size);
	if (q != NULL) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

void *memalign(size_t align, size_t size)
{
	if (align == 0 || (align & (align - 1)) != 0 || align > PAGE) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= HDR)
		return malloc(size);
	return large_alloc(size, align);
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *))
		return EINVAL;
	p = memalign(align, size);
	if (p == NULL)
		return errno;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return memalign(PAGE, size);
}
