/*
 * space.h - whole-address-space operations over the frame table: fork's
 * copy-on-write clone, teardown, the resident count.
 *
 * Layer: vm/ (pure: no system calls, host-tested by test_vm_fork.c).
 * uspace.c wraps these for live processes (adding TLB flushes); the host
 * tests run them over a malloc'd "RAM".
 *
 * Labs (labs/README.md). This header describes the full tree. In a
 * lab's student tree some contracts below come only with a lab, and
 * are marked with it:
 *   [lab cow]       space_fork_pages shares pages copy-on-write; before
 *                   it, it copies them (space_fork_copy), so no fork
 *                   makes a COW leaf or counts a frame twice;
 *   [lab sharedpt]  space_fork shares level-0 tables, space_unshare
 *                   unshares them; before it, space_fork is
 *                   space_fork_pages, no entry is ever marked
 *                   SPACE_TABLE_COW, the rules on marked tables below
 *                   hold because there are none, and space_unshare is a
 *                   stub nothing calls.
 * The count-1 reuse (lab reuse) is fault_decide's (fault_policy.h), not
 * this header's: without it a store to a COW page whose frame has
 * count 1 copies it.
 *
 * [lab sharedpt] Level-0 tables are shared copy-on-write between the
 * spaces fork makes (docs/architecture.md, "Inside the VM server"): fork
 * copies the root and the level-1 tables, but points the child's
 * level-1 entries at the parent's level-0 tables, so its cost follows
 * the tables, not the pages. The rules:
 *  - a level-1 entry marked SPACE_TABLE_COW points at a level-0 table
 *    that every space holding it may only read: each of its leaves is
 *    non-writable (fork cleared W, setting COW, before the first share);
 *  - the table's frame count is the number of level-1 entries pointing
 *    at it; an entry whose table has count > 1 is always marked;
 *  - before anything writes into a marked table it calls space_unshare
 *    (a fault, space_map) or space_prepare_unmap (munmap, sbrk): the
 *    writer gets a table of its own, or, if the count is 1 already, just
 *    clears the mark.
 * Nothing else writes a table: the kernel only reads user tables
 * (usercopy.c), and the hardware never sets A or D in them, because the
 * VM server builds every leaf with A and D set already and a hart
 * updates them only when clear and only after the access passed its
 * checks (privileged spec 4.3.1; QEMU's get_physical_address does the
 * same), so a store to a non-writable page faults without touching the
 * PTE. Pointers (non-leaf entries) have no A/D for it to set.
 *
 * Reference counting rule (every lab): every leaf in every level-0
 * table holds one reference to its frame (the zero frame is pinned and
 * not counted), however many spaces share the table. So a fork adds one
 * reference per page it shares [lab cow], or per level-0 table it
 * shares [lab sharedpt]; unsharing adds one per leaf it copies, and a
 * teardown drops the leaves' references only with the table's last
 * share.
 */
#ifndef VM_SPACE_H
#define VM_SPACE_H

#include <stdint.h>

#include "calf/abi.h"
#include "sv39/sv39.h"
#include "vm/frame.h"

/* [lab sharedpt] In a level-1 entry (a pointer to a level-0 table: V,
 * no R W X): the table is copy-on-write. The RSW bit that marks COW
 * leaves: hardware ignores RSW in every PTE (4.3.1), and QEMU checks
 * only D, A, U and the Svpbmt/Svnapot bits of pointers. */
#define SPACE_TABLE_COW SV39_PTE_COW

/* sv39_mem callbacks over a frame table (ctx = struct frame_table *):
 * page tables are frames with count 1, zeroed by frame_alloc. */
void *space_table_ptr(void *ctx, uint64_t pa);
uint64_t space_table_alloc(void *ctx);
void space_table_free(void *ctx, uint64_t pa);

/*
 * Run masks (space.c): a page table's entries that are not zero lie in
 * runs whose bit is set in *frame_runs(). Whoever writes a non-zero
 * entry into a table of a space sets the bit: space_map does it for
 * sv39_map, space_mark_slot for a slot written directly. A table sv39/
 * builds (space_table_alloc) starts with every bit set, and only the
 * shared-table fork and unsharing [lab sharedpt, space_share.c] narrow
 * a mask: before that lab every mask is all set, and a fork that fills
 * new tables through sv39/ alone (sv39_map, sv39_clone_cow) keeps them
 * true.
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
 * SV39_E* code, as sv39_map; SV39_EINVAL, writing nothing, if va's
 * level-0 table is marked copy-on-write (space_unshare it first). */
int space_map(struct sv39_space *s, uint64_t va, uint64_t pa, uint64_t flags);

/* The level-1 entry of va in s if it points at a level-0 table marked
 * copy-on-write, else NULL. */
sv39_pte_t *space_cow_table_entry(const struct sv39_space *s, uint64_t va);

/*
 * The slot of va's 4 KiB leaf in s (va below SV39_USER_TOP), or NULL if
 * a table on the path is missing or a larger leaf covers va. *shared
 * gets the level-1 entry above the slot if it marks the level-0 table
 * copy-on-write (the slot is then only to be read until space_unshare),
 * else NULL. This is sv39_walk's walk without allocation, straight
 * through the frame table's window, with the mark tested in the mask
 * it tests anyway: both fault paths walk with it, and test_vm_fork.c
 * checks that it answers what sv39_walk and space_cow_table_entry
 * answer.
 */
static inline sv39_pte_t *space_leaf(const struct frame_table *ft, const struct sv39_space *s,
				     uint64_t va, sv39_pte_t **shared)
{
	sv39_pte_t *t = frame_ptr(ft, s->root_pa), *e = NULL;

	*shared = NULL;
	for (int l = SV39_LEVEL_1G; l > SV39_LEVEL_4K; l--) {
		e = &t[sv39_vpn(va, l)];
		if ((*e & (SV39_PTE_V | SV39_PTE_RWX)) != SV39_PTE_V)
			return NULL;   /* no table, or a larger leaf */
		t = frame_ptr(ft, sv39_pte_pa(*e));
	}
	if (*e & SPACE_TABLE_COW)
		*shared = e;
	return &t[sv39_vpn(va, SV39_LEVEL_4K)];
}

/*
 * [lab sharedpt] Make the level-0 table the marked level-1 entry *e of
 * s points at s's own, to write into. Still shared: a copy with one
 * more reference to every frame it maps, *e pointed at it, one share of
 * the old table dropped; returns 1, and the caller flushes s's whole TLB (a level-1
 * entry changed: a flush by address covers only leaves, privileged spec
 * 4.2.1). Not shared any more (count 1): only the mark is cleared;
 * returns 0. -CALF_ENOMEM, nothing changed, if no frame is free.
 */
int space_unshare(struct sv39_space *s, sv39_pte_t *e);

/*
 * Before sv39_unmap_range clears [lo, hi) of s (page aligned): no table
 * it writes into may be shared. A marked table the range covers in part
 * is unshared (space_unshare); a shared one it covers wholly is let go
 * (its level-1 entry cleared, one share dropped: nothing of it needs a
 * copy); a marked one no longer shared loses its mark. Returns 1 if a
 * level-1 entry changed (the caller flushes s's whole TLB), 0, or
 * -CALF_ENOMEM with nothing s maps changed (the copies are done first);
 * a table may have been unshared by then, its level-1 entry pointing at
 * the copy: the caller flushes s's whole TLB on failure too.
 */
int space_prepare_unmap(struct sv39_space *s, uint64_t lo, uint64_t hi);

/*
 * [lab sharedpt; before it, space_fork_pages] fork: make dst
 * (uninitialised) a copy-on-write clone of the user half of src, whose
 * mem it shares. dst gets a root and level-1 tables of its own; every
 * level-0 table of src is shared, marked copy-on-write in both, and
 * gets one more share. A table not marked yet first has every writable
 * leaf made read-only + COW (once: a marked table is shared without
 * looking inside). 0, or -CALF_ENOMEM with dst fully torn down
 * (no frame leaked, its root_pa 0). src may be left with some leaves
 * COW either way; the caller flushes src's TLB in both cases.
 */
int space_fork(struct sv39_space *dst, struct sv39_space *src);

/*
 * The two simpler forks (space_pages.c), with space_fork's contract:
 * space_fork_pages [lab cow; before it, space_fork_copy] shares every
 * page copy-on-write one by one (the child gets level-0 tables of its
 * own; each frame one more reference; writable pages lose W and get the
 * COW mark in both), space_fork_copy copies every page but the zero
 * frame. The labs without shared page tables fork with these
 * (labs/README.md).
 */
int space_fork_pages(struct sv39_space *dst, struct sv39_space *src);
int space_fork_copy(struct sv39_space *dst, struct sv39_space *src);

/* Free every table of s and drop the reference of every leaf; the
 * tables go back zeroed (the clean list). A level-0 table still shared
 * only loses one share, unvisited. Nothing if s has no root. The
 * kernel's aspace over s must be gone already. */
void space_destroy(struct sv39_space *s);

/* Pages of s mapped to a frame (own or shared), the zero frame not
 * counted (VM_PS). */
uint64_t space_resident(const struct sv39_space *s);

#endif
