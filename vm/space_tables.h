/*
 * space_tables.h - what space.c and space_share.c share: the run masks'
 * constants, a fast lowest-bit, and the largest frame range's counts at
 * hand.
 *
 * Layer: vm/ (pure; for those two files only).
 *
 * Each page table has a run mask (frame.h, ft->runs): bit r set if its
 * entries 8r..8r+7 may be non-zero, so that fork and exit visit only
 * the runs that hold something, not 512 entries of a nearly empty
 * table. The rule that keeps it true: whoever makes an entry non-zero
 * sets its bit (space_mark_slot, space_map); bits are cleared only when
 * a walk sees the whole run zero. Tables sv39/ builds start with every
 * bit set.
 */
#ifndef VM_SPACE_TABLES_H
#define VM_SPACE_TABLES_H

#include <stdint.h>

#include "sv39/sv39.h"
#include "vm/frame.h"

#define RUN 8                                  /* entries per mask bit */
#define USER_RUNS (SV39_ROOT_KERNEL_FIRST / RUN)   /* root runs of the user half */
#define USER_MASK ((1ull << USER_RUNS) - 1)
#define KERNEL_MASK (~USER_MASK)
#define ALL_RUNS (~0ull)

_Static_assert(SV39_PTE_COW == SV39_PTE_W << 6, "W -> COW is a shift by 6");

/* The lowest set bit's number: de Bruijn multiplication (RV64IMAC has
 * no ctz instruction, and libgcc's __ctzdi2 is a call and a loop). */
static inline unsigned lowest_bit(uint64_t x)
{
	static const uint8_t pos[64] = {
		0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
		62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return pos[((x & -x) * 0x022fdd63cc95386dull) >> 58];
}

/*
 * The counts of the largest range, copied into locals once per table:
 * the compiler must assume that a store to a PTE or a count may change
 * the frame table's fields, and would load them again for every page.
 * Indexed by PPN straight from the PTE (bits 53..10; 63..54 are 0 in
 * every PTE we build, and a PTE with any of them set falls out of the
 * range and takes the general path).
 */
struct counts {
	uint64_t base_ppn, n;   /* the largest range: PPNs [base_ppn, base_ppn + n) */
	uint32_t *ref;          /* its first count */
};

static inline struct counts counts_of(const struct frame_table *ft)
{
	struct counts c = { ft->big_base >> FRAME_SHIFT, ft->big_size >> FRAME_SHIFT, ft->big_ref };

	return c;
}

#endif
