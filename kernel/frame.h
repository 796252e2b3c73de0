/*
 * frame.h - the kernel's physical frame allocator (4 KiB frames).
 *
 * Layer: kernel/. The allocator starts from the free ranges computed at
 * boot (RAM minus the kernel image, the DTB and every reserved region,
 * OpenSBI's included). Once the VM server runs, it takes the free frames
 * over; until then the kernel uses this for its own page tables.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdint.h>

#include "platform/board.h"

void frame_init(const struct board_range *free, int n);
uint64_t frame_alloc(void);          /* physical address of a zeroed frame, 0 if none */
void frame_free(uint64_t pa);        /* panics on an address it never handed out */
uint64_t frame_free_count(void);

/* Give away every never-used frame except the first `keep`: the ranges
 * go to out[] (at most max; what does not fit stays with the kernel) and
 * are never allocated by the kernel again. Returns the number of ranges. */
int frame_handover(struct board_range *out, int max, uint64_t keep);

#endif
