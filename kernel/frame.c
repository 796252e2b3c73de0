/*
 * frame.c - physical frames: a bump pointer over free ranges, plus a
 * free list for frames given back.
 *
 * Layer: kernel/. Frames never handed out are not touched at boot (a
 * free list threaded through all of RAM would write to every page of a
 * 2 GiB machine before the banner). A freed frame stores the next-pointer
 * of the free list in its first word, through the direct map.
 */
#include "kernel/frame.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "platform/memlayout.h"

#define FRAME_MAX_RANGES 32

static struct {
	uint64_t next, end;          /* bump: [next, end) not yet handed out */
	uint64_t base;
} ranges[FRAME_MAX_RANGES];
static int nranges;
static int cursor;               /* first range that may still have room */
static uint64_t free_list;       /* physical address, 0 = empty */
static uint64_t nfree;

void frame_init(const struct board_range *free, int n)
{
	nranges = 0;
	nfree = 0;
	for (int i = 0; i < n && nranges < FRAME_MAX_RANGES; i++) {
		ranges[nranges].base = free[i].base;
		ranges[nranges].next = free[i].base;
		ranges[nranges].end = free[i].base + free[i].size;
		nfree += free[i].size / PAGE_SIZE;
		nranges++;
	}
}

static int owned(uint64_t pa)
{
	for (int i = 0; i < nranges; i++)
		if (pa >= ranges[i].base && pa < ranges[i].next)
			return 1;
	return 0;
}

uint64_t frame_alloc(void)
{
	uint64_t pa = 0;

	if (free_list) {
		pa = free_list;
		free_list = *(uint64_t *)phys_to_virt(pa);
	} else {
		while (cursor < nranges && ranges[cursor].next >= ranges[cursor].end)
			cursor++;
		if (cursor == nranges)
			return 0;
		pa = ranges[cursor].next;
		ranges[cursor].next += PAGE_SIZE;
	}
	nfree--;
	page_zero(phys_to_virt(pa));
	return pa;
}

void frame_free(uint64_t pa)
{
	if ((pa & (PAGE_SIZE - 1)) || !owned(pa))
		panic("frame_free: 0x%lx was never allocated", pa);
	*(uint64_t *)phys_to_virt(pa) = free_list;
	free_list = pa;
	nfree++;
}

uint64_t frame_free_count(void)
{
	return nfree;
}

int frame_handover(struct board_range *out, int max, uint64_t keep)
{
	uint64_t kept = 0;
	int n = 0;

	for (int i = 0; i < nranges && n < max; i++) {
		uint64_t avail = (ranges[i].end - ranges[i].next) / PAGE_SIZE;
		if (kept + avail <= keep) {
			kept += avail;
			continue;
		}
		uint64_t cut = ranges[i].next + (keep - kept) * PAGE_SIZE;
		kept = keep;
		out[n].base = cut;
		out[n].size = ranges[i].end - cut;
		nfree -= out[n].size / PAGE_SIZE;
		ranges[i].end = cut;
		n++;
	}
	return n;
}
