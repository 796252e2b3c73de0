/*
 * phys_ranges.h - arithmetic on ranges of physical memory.
 *
 * Layer: kernel/, but pure C with no hardware access, so the host unit
 * tests can check it. The frame allocator and the direct map both start
 * from "RAM the device tree names, minus what is taken".
 */
#ifndef KERNEL_PHYS_RANGES_H
#define KERNEL_PHYS_RANGES_H

#include <stdint.h>

#include "platform/board.h"

/*
 * out = the union of mem[] minus every range in excl[], sorted by base,
 * non-overlapping, each trimmed inward to `align` (a power of two; mem
 * ranges shrink to whole units, exclusions grow to whole units so a
 * partly reserved page is never handed out). Ranges may overlap or come in
 * any order; sizes that would wrap past 2^64 are clamped. Returns how many
 * ranges were written, or -1 if more than `max` would be needed.
 */
int phys_ranges_subtract(const struct board_range *mem, int nmem,
			 const struct board_range *excl, int nexcl,
			 uint64_t align, struct board_range *out, int max);

/* Sum of the sizes. */
uint64_t phys_ranges_total(const struct board_range *r, int n);

#endif
