/*
 * uspace.h - editing a process's user page tables, through sv39/.
 *
 * Layer: vm/ (target only). Page tables are frames from the frame table,
 * reached through the window. Every change to a page table that the
 * kernel's aspace object already uses is followed by SYS_TLB_INVALIDATE
 * for that page: after a change to a present PTE the hart may still hold
 * the old one, and the spec lets a hart cache even an invalid entry
 * (privileged spec 4.3.2), so installs are flushed too (it is cheap: the
 * kernel flushes by ASID and address). Before the aspace object exists
 * (while spawn builds the space) there is nothing to flush.
 */
#ifndef VM_USPACE_H
#define VM_USPACE_H

#include <stddef.h>
#include <stdint.h>

#include "vm/process.h"

/* sv39_mem over the frame table: tables are frames with count 1. */
extern const struct sv39_mem vm_sv39_mem;

/* Flush [va, va + len) of p from every hart's TLB, if p has an aspace. */
void uspace_flush(struct proc *p, uint64_t va, uint64_t len);

/* Map the 4 KiB page va -> pa with flags (U, R, W, X, COW), then flush.
 * The mapping takes over the caller's reference to pa. 0 or an SV39_E*. */
int uspace_map(struct proc *p, uint64_t va, uint64_t pa, uint64_t flags);

/* Unmap every page in [lo, hi) (page aligned), drop a reference to each
 * frame, free emptied tables, let go of shared tables the range covers
 * (space_prepare_unmap), flush. 0, or -CALF_ENOMEM (a shared table the
 * range covers in part could not be copied) with nothing unmapped. */
int uspace_unmap_range(struct proc *p, uint64_t lo, uint64_t hi);

/* Drop every mapping and table of p's space, root included, and the
 * reference each leaf held (space_destroy). */
void uspace_destroy(struct proc *p);

/*
 * Copy len bytes at user address uva of p into dst, reading through p's
 * page tables (the VM server is not running in p's address space). A
 * page not mapped yet but inside a readable region reads as zeros, as
 * it would for p. -CALF_EFAULT if any byte is not readable by p.
 */
int uspace_copy_in(struct proc *p, void *dst, uint64_t uva, size_t len);

#endif
