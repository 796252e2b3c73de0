/*
 * fault_policy.h - what to do about a fault, as a pure function.
 *
 * Layer: vm/ (pure, host-tested by test_vm_fault.c). fault.c gathers the
 * facts (the region, the current PTE, the frame's count), asks
 * fault_decide, and applies the answer. Keeping the decision apart from
 * the page-table surgery lets every case of the policy be tested on the
 * host, and lets a student read the whole policy in one function.
 *
 * The policy (docs/architecture.md, Copy-on-write and Zero pages):
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

#include "calf/abi.h"
#include "sv39/sv39.h"
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

/* fault_decide(f), the policy itself, follows at the end of this
 * header: inline, because both fault paths call it on every fault. */
static inline struct fault_decision fault_decide(const struct fault_facts *f);

/*
 * A refused access: kill the process, or, when the kernel's copy routine
 * (CALF_FAULT_KERNEL) touched the page on the process's behalf, let the
 * system call fail with -EFAULT and the process live. Returns the reply
 * for the faulting thread: CALF_FAULT_KILL or CALF_FAULT_EFAULT.
 */
unsigned long fault_deny_reply(bool by_kernel);

/* What the action does, in the words the fault trace prints: "zero
 * map", "COW copy", ...; a FAULT_DENY is "kill", or "EFAULT" when the
 * kernel's copy routine (by_kernel) touched the page. */
const char *fault_action_name(enum fault_action a, bool by_kernel);

/* The exit status reason (a signal number, as a shell shows 128 + it)
 * for a process killed by this fault (scause: an EXC_* of lib/scause.h). */
int fault_kill_signal(enum fault_reason reason, uint64_t scause);

/*
 * The one-line kill message, without the "vm: killed pid N (name): "
 * prefix, e.g. "store to read-only text at 0x10234, pc 0x10100".
 * Writes at most size bytes including the NUL; returns buf.
 */
char *fault_describe(char *buf, size_t size, const struct fault_facts *f,
		     enum fault_reason reason, uint64_t addr, uint64_t pc, uint64_t scause);

/* ---- the policy ---- */

/* The sv39 leaf flags (R W X U) that give a page of a region with
 * rights prot (REGION_R | REGION_W | REGION_X) its full rights. */
static inline uint64_t fault_prot_pte_flags(unsigned prot)
{
	uint64_t f = SV39_PTE_U;

	if (prot & REGION_R)
		f |= SV39_PTE_R;
	if (prot & REGION_W)
		f |= SV39_PTE_W | SV39_PTE_R;   /* W without R is reserved (4.3.1) */
	if (prot & REGION_X)
		f |= SV39_PTE_X;
	return f;
}

static inline struct fault_decision fault_deny_(enum fault_reason why)
{
	struct fault_decision d = { FAULT_DENY, why, 0 };

	return d;
}

static inline struct fault_decision fault_act_(enum fault_action a, uint64_t flags)
{
	struct fault_decision d = { a, FAULT_OK, flags };

	return d;
}

static inline struct fault_decision fault_decide(const struct fault_facts *f)
{
	uint64_t pte = f->pte;
	unsigned prot;

	/* 1. The region's rights: is this access allowed at all? */
	if (f->access == CALF_FAULT_OTHER)
		return fault_deny_(FAULT_NOT_MEMORY);
	if (!f->region)
		return fault_deny_(FAULT_NO_REGION);
	if (f->region->kind == REGION_GUARD)
		return fault_deny_(FAULT_GUARD);
	prot = f->region->prot;
	if (f->access == CALF_FAULT_WRITE && !(prot & REGION_W))
		return fault_deny_(FAULT_STORE_RO);
	if (f->access == CALF_FAULT_EXEC && !(prot & REGION_X))
		return fault_deny_(FAULT_EXEC_NX);
	if (f->access == CALF_FAULT_READ && !(prot & (REGION_R | REGION_W)))
		return fault_deny_(FAULT_READ_NR);

	/* 2. Allowed, and not mapped yet: bring the page table up to the
	 * region's promise. */
	if (!f->mapped) {
		if (f->access == CALF_FAULT_WRITE)
			return fault_act_(FAULT_MAP_NEW, fault_prot_pte_flags(prot));
		/* Read or exec: share the zero frame, never writable. In a
		 * writable region mark it COW, so the first store knows to
		 * give the page a frame of its own. */
		/* LAB zero: begin */
		return fault_act_(FAULT_MAP_ZERO, (fault_prot_pte_flags(prot) & ~SV39_PTE_W) |
						  ((prot & REGION_W) ? SV39_PTE_COW : 0));
		/* LAB zero: stub
		 * // no zero frame yet: a load gets a zeroed frame of its own, as a store does
		 * return fault_act_(FAULT_MAP_NEW, fault_prot_pte_flags(prot));
		 * LAB zero: end */
	}

	/* 3. Mapped, and the PTE already grants the access: the hart used a
	 * stale TLB entry (the spec lets it cache even invalid entries,
	 * 4.2.1), or another thread of the process got here first. */
	if ((f->access == CALF_FAULT_READ && (pte & SV39_PTE_R)) ||
	    (f->access == CALF_FAULT_WRITE && (pte & SV39_PTE_W)) ||
	    (f->access == CALF_FAULT_EXEC && (pte & SV39_PTE_X)))
		return fault_act_(FAULT_RETRY, 0);

	/* 4. A store to a copy-on-write page: the zero frame is never
	 * written, a frame nobody else maps (count 1) is ours already, any
	 * other is copied. */
	if (f->access == CALF_FAULT_WRITE && (pte & SV39_PTE_COW)) {
		if (f->zero_frame)
			return fault_act_(FAULT_COW_ZERO, fault_prot_pte_flags(prot));
		/* LAB reuse: begin */
		if (f->refcount == 1)
			return fault_act_(FAULT_COW_REUSE, fault_prot_pte_flags(prot));
		/* LAB reuse: stub
		 * // no reuse yet: a page nobody else maps is copied all the same
		 * LAB reuse: end */
		return fault_act_(FAULT_COW_COPY, fault_prot_pte_flags(prot));
	}

	/* The region allows it but the page does not, and it is not COW:
	 * the VM server never builds such a PTE. Refuse rather than guess,
	 * naming the access as the page sees it. */
	if (f->access == CALF_FAULT_WRITE)
		return fault_deny_(FAULT_STORE_RO);
	if (f->access == CALF_FAULT_EXEC)
		return fault_deny_(FAULT_EXEC_NX);
	return fault_deny_(FAULT_READ_NR);
}

#endif
