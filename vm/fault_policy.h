/*
 * fault_policy.h - what to do about a fault, as a pure function.
 *
 * Layer: vm/ (pure, host-tested by test_vm_fault.c). fault.c gathers the
 * facts (the region, the current PTE, the frame's count), asks
 * fault_decide, and applies the answer. Keeping the decision apart from
 * the page-table surgery lets every case of the policy be tested on the
 * host, and lets a student read the whole policy in one function.
 *
 * The policy (design decisions 6 and 7):
 *  - the region's rights decide whether the access is allowed at all:
 *    no region, the stack guard page, a store to a read-only region, an
 *    exec of a non-executable one, or a read of an unreadable one is
 *    refused (the process is killed, or the kernel's copy gets -EFAULT);
 *  - an allowed read or exec of a page not mapped yet maps the one
 *    shared zero frame read-only (marked COW if the region is writable),
 *    allocating nothing;
 *  - an allowed store to a page not mapped yet gets a fresh zeroed frame;
 *  - a store to a COW page: over the zero frame, a fresh zeroed frame;
 *    over a frame with count 1, just make the PTE writable again; over a
 *    shared frame, a copy (dropping one reference to the original);
 *  - a page already mapped with the needed right was a stale TLB entry
 *    (or another thread got there first): flush and retry.
 */
#ifndef VM_FAULT_POLICY_H
#define VM_FAULT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/region.h"

enum fault_action {
	FAULT_RETRY = 1,   /* already allowed: flush the TLB entry, resume */
	FAULT_MAP_ZERO,    /* map the zero frame read-only (COW if writable) */
	FAULT_MAP_NEW,     /* map a fresh zeroed frame with the region's rights */
	FAULT_COW_ZERO,    /* replace the zero frame by a fresh zeroed frame */
	FAULT_COW_REUSE,   /* count 1: set W, clear COW, no copy */
	FAULT_COW_COPY,    /* copy the shared frame, map the copy writable */
	FAULT_DENY,        /* kill the process (or -EFAULT for the kernel) */
};

enum fault_reason {
	FAULT_OK = 0,
	FAULT_NO_REGION,    /* the address is in no region */
	FAULT_GUARD,        /* the stack guard page: stack overflow */
	FAULT_STORE_RO,     /* store to a read-only region */
	FAULT_EXEC_NX,      /* exec of a non-executable region */
	FAULT_READ_NR,      /* read of an unreadable (execute-only) region */
	FAULT_NOT_MEMORY,   /* CALF_FAULT_OTHER: illegal instruction, ... */
};

struct fault_facts {
	unsigned access;            /* CALF_FAULT_READ/WRITE/EXEC/OTHER (no KERNEL bit) */
	const struct region *region;   /* region holding the address, or NULL */
	bool mapped;                /* a leaf maps the page now */
	uint64_t pte;               /* that leaf (sv39 flag bits are what matter) */
	bool zero_frame;            /* ... and it maps the shared zero frame */
	uint32_t refcount;          /* ... and the count of its frame */
};

struct fault_decision {
	enum fault_action action;
	enum fault_reason reason;   /* FAULT_OK unless action is FAULT_DENY */
	uint64_t pte_flags;         /* sv39 flags for the leaf to install (MAP_*, COW_ZERO, COW_COPY) */
};

struct fault_decision fault_decide(const struct fault_facts *f);

/*
 * A refused access: kill the process, or, when the kernel's copy routine
 * (CALF_FAULT_KERNEL) touched the page on the process's behalf, let the
 * system call fail with -EFAULT and the process live. Returns the reply
 * for the faulting thread: CALF_FAULT_KILL or CALF_FAULT_EFAULT.
 */
unsigned long fault_deny_reply(bool by_kernel);

/* The sv39 leaf flags (R W X U) that give a page of r its full rights. */
uint64_t fault_region_pte_flags(const struct region *r);

/* The name of an exception cause (scause with the interrupt bit clear),
 * privileged spec 1.12 table 4.2, e.g. "illegal instruction". */
const char *fault_scause_name(uint64_t scause);

/* The exit status reason (a signal number, as a shell shows 128 + it)
 * for a process killed by this fault. */
int fault_kill_signal(enum fault_reason reason, uint64_t scause);

/*
 * The one-line kill message, without the "vm: killed pid N (name): "
 * prefix, e.g. "store to read-only text at 0x10234, pc 0x10100".
 * Writes at most size bytes including the NUL; returns buf.
 */
char *fault_describe(char *buf, size_t size, const struct fault_facts *f,
		     enum fault_reason reason, uint64_t addr, uint64_t pc, uint64_t scause);

#endif
