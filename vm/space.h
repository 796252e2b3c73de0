/*
 * space.h - whole-address-space operations over the frame table: fork's
 * copy-on-write clone, teardown, the resident count, and the small pure
 * pieces of fork and ps.
 *
 * Layer: vm/ (pure: no system calls, host-tested by test_vm_fork.c).
 * Calls sv39/ and frame.c only. uspace.c wraps these for live processes
 * (adding TLB flushes); the host tests run them over a malloc'd "RAM".
 *
 * Reference counting rule: every leaf in every space holds one reference
 * to its frame (the zero frame is pinned and not counted). So a fork adds
 * one reference per leaf it shares, and a teardown drops one per leaf.
 */
#ifndef VM_SPACE_H
#define VM_SPACE_H

#include <stdint.h>

#include "kernel/abi.h"
#include "sv39/sv39.h"
#include "vm/frame.h"

/* sv39_mem callbacks over a frame table (ctx = struct frame_table *):
 * page tables are frames with count 1, zeroed by frame_alloc. */
void *space_table_ptr(void *ctx, uint64_t pa);
uint64_t space_table_alloc(void *ctx);
void space_table_free(void *ctx, uint64_t pa);

/*
 * Run masks (space.c): a page table's entries that are not zero lie in
 * runs whose bit is set in *frame_runs(). Whoever writes a non-zero
 * entry into a table of a space sets the bit: space_map does it for
 * sv39_map, space_mark_slot for a slot written directly.
 */
static inline void space_mark_slot(struct frame_table *ft, const sv39_pte_t *slot)
{
	uint64_t off = (uint64_t)((const uint8_t *)slot - ft->window);

	*frame_runs(ft, ft->window_pa + (off & ~(FRAME_SIZE - 1))) |=
		1ull << ((off & (FRAME_SIZE - 1)) / (8 * sizeof(sv39_pte_t)));
}

/* Set the bits of every entry on the walk to va (after sv39/ wrote it). */
void space_mark_path(struct sv39_space *s, uint64_t va);

/* sv39_map of a 4 KiB page, keeping the run masks true. SV39_OK or an
 * SV39_E* code, as sv39_map. */
int space_map(struct sv39_space *s, uint64_t va, uint64_t pa, uint64_t flags);

/*
 * fork: make dst (uninitialised) a copy-on-write clone of the user half
 * of src, whose mem it shares. Every writable leaf of src becomes
 * read-only + COW in both; every shared frame gets one more reference.
 * 0, or -CALF_ENOMEM with dst fully torn down (no frame leaked, its
 * root_pa 0). src may be left with some leaves COW either way; the
 * caller flushes src's TLB in both cases.
 */
int space_fork(struct sv39_space *dst, struct sv39_space *src);

/* Free every table of s and drop the reference of every leaf; the
 * tables go back zeroed (the clean list). Nothing if s has no root.
 * The kernel's aspace over s must be gone already. */
void space_destroy(struct sv39_space *s);

/* Pages of s mapped to a frame (own or shared), the zero frame not
 * counted (VM_PS). */
uint64_t space_resident(const struct sv39_space *s);

/*
 * The child's registers from the parent's, read while the parent is
 * blocked in its VM_FORK call: the saved a0..a7 hold the call's
 * arguments and pc is already past the ecall, so the child resumes as
 * if the call returned 0 to it: a0 (status) = 0, a1 (MR0, the result)
 * = 0, a2..a6 (MR1..MR5) = 0 as in the parent's reply. a7 stays.
 */
void space_fork_child_regs(struct calf_regs *r);

/* The first 16 bytes of name, NUL-padded, packed little-endian into two
 * message words (VM_PS MR4, MR5). */
void space_pack_name(const char *name, unsigned long out[2]);

#endif
