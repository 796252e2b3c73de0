/*
 * merge.h - same-page merging: pages of identical content folded into
 * one read-only copy-on-write frame (VM_MERGE_*, calf/vm_protocol.h).
 *
 * Layer: vm/ (host-tested by test_vm_merge.c, which supplies its own
 * process table and TLB flush). The mechanism only: which ranges may be
 * merged is the process's choice (merge_advise), when and how much to
 * scan the daemon's (userland/merged), and a merged page comes apart
 * by the ordinary copy-on-write store fault.
 *
 * How a page is merged (docs/architecture.md, Same-page merging):
 *  1. the scanner hashes the page's contents and looks the hash up in a
 *     table of one page per hash (a process and an address, never a bare
 *     frame: the entry is checked against that page's leaf on use);
 *  2. a page of all zeros goes to the zero frame; a page whose hash is
 *     new is recorded and left alone;
 *  3. a match: both pages are made read-only first (their TLB entries
 *     flushed on every hart), so that nothing can change either while
 *     they are compared; then a full compare (a hash match is never
 *     trusted); equal: the page is pointed at the other's frame,
 *     copy-on-write, with one more reference, and its own frame freed;
 *     not equal, or changed since it was hashed: W is given back.
 * Only pages with a frame of their own (count 1) in a page table of
 * their own are scanned: a page already shared (by a fork or an earlier
 * merge) has nothing to gain, and a table shared with a fork is written
 * by no one but its unsharing.
 */
#ifndef VM_MERGE_H
#define VM_MERGE_H

#include <stdint.h>

#include "vm/process.h"

/* The scanner's statistics (VM_STATS, VM_STAT_MERGE_*). */
struct merge_stats {
	unsigned long scanned;      /* advised pages looked at */
	unsigned long merged;       /* pages merged into another page's frame */
	unsigned long zero;         /* pages of zeros merged into the zero frame */
	unsigned long unshared;     /* present pages of the last full scan without a twin */
	unsigned long full_scans;   /* times the scanner went round every advised range */
	unsigned long cost;         /* instructions the scans took (rdinstret) */
};
extern struct merge_stats merge_stats;

/* VM_MERGE_ADVISE: [addr, addr + len) of p, page aligned, inside one
 * writable anonymous region (heap or mmap), may be merged (on) or not
 * (off: every page in it that shares a frame is given a copy of its own
 * first - or nothing changes and -CALF_ENOMEM). 0, -CALF_EINVAL,
 * -CALF_ENOMEM (MERGE_RANGES advised ranges already). */
long merge_advise(struct proc *p, uint64_t addr, uint64_t len, unsigned long on);

/* [lo, hi) of p is unmapped (munmap, sbrk): no longer advised. */
void merge_forget(struct proc *p, uint64_t lo, uint64_t hi);

/* VM_MERGE_SCAN: look at up to `budget` advised pages, round the
 * processes and their ranges in pid and address order from where the
 * last scan stopped. Returns how many were looked at; *merged how many
 * were merged (into a twin or the zero frame). */
unsigned long merge_scan(unsigned long budget, unsigned long *merged);

/* Frames holding merged contents now, and the mappings they save (the
 * pages that map them beyond the first): VM_STAT_MERGE_SHARED and
 * _SHARING. */
void merge_sharing(unsigned long *shared, unsigned long *sharing);

/* Start afresh: the table and the cursor forgotten (for host tests,
 * which build a new frame table per test). */
void merge_reset(void);

/* The page hash the scanner uses (64 bits over the 4 KiB). */
uint64_t merge_hash(const uint64_t *page);

#endif
