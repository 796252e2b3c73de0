/*
 * aspace.h - address spaces: a root page table, an ASID and a handle table.
 *
 * Layer: kernel/. The kernel half of every root table is a copy of the
 * kernel's own root entries 256..511 (global mappings), so traps need no
 * satp switch. The user half belongs to whoever built it: the kernel for
 * the VM server's own space, the VM server for every other.
 */
#ifndef KERNEL_ASPACE_H
#define KERNEL_ASPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "calf/abi.h"
#include "kernel/thread.h"
#include "sv39/sv39.h"

#define MAX_ASPACES 128

struct endpoint;

struct handle {
	struct endpoint *ep;            /* NULL = free slot */
	uint64_t badge;                 /* what receivers see as the sender */
	bool can_recv;                  /* CALF_RIGHT_RECV */
};

struct aspace {
	bool used;
	uint64_t id;                    /* generation << 8 | slot */
	struct sv39_space space;        /* root_pa + the kernel's table access */
	uint16_t asid;
	uint64_t asid_generation;       /* asid is valid only in this generation */
	uint64_t satp;                  /* satp value for asid, in that generation */
	uint64_t tlb_stale;             /* bit h: hart h must flush asid before
					   loading it for this space (aspace.c) */
	int nthreads;
	struct handle handles[CALF_MAX_HANDLES];
};

/* Probe how many ASID bits this hart implements (privileged spec 4.1.11:
 * write all ones to satp.ASID and read back), and use at most
 * `limit_bits` of them (the asid-bits=N option: tests force generation
 * roll-overs with a small N). */
void asid_init(unsigned limit_bits);
uint64_t asid_rollovers(void);
unsigned asid_bits(void);

/* A new address space whose root table (zeroed, at root_pa) gets the
 * kernel half. NULL if out of slots. */
struct aspace *aspace_create(uint64_t root_pa);
struct aspace *aspace_lookup(uint64_t id);
/* Kill its threads, close its handles, free the slot (not the tables). */
void aspace_destroy(struct aspace *as);
/* Load satp for this address space on this hart (no TLB flush when its
 * ASID is still valid). The common case - already loaded, ASID still
 * valid - is inline: it runs on every return to user mode. */
void aspace_activate_slow(struct aspace *as);
extern uint64_t asid_generation_now;

static inline void aspace_activate(struct aspace *as)
{
	if (as->asid_generation == asid_generation_now &&
	    !(as->tlb_stale & cpu_self()->mask)) {
		/* Its ASID is live, and this hart's TLB holds nothing stale
		 * under it: switching needs no flush. */
		uint64_t cur;
		__asm__ volatile("csrr %0, satp" : "=r"(cur));
		if (cur != as->satp)
			__asm__ volatile("csrw satp, %0" ::"r"(as->satp) : "memory");
		return;
	}
	aspace_activate_slow(as);
}
/* Invalidate TLB entries of as for [va, va+len); len 0: all of them. */
void aspace_tlb_invalidate(struct aspace *as, uint64_t va, uint64_t len);

/* Set when the board's cores need a full flush instead of sfence.vma
 * with an address (SiFive erratum CIP-1200). */
extern bool tlb_flush_by_address_broken;

#endif
