/*
 * aspace.c - address-space objects and ASIDs.
 *
 * Layer: kernel/.
 *
 * ASIDs (privileged spec 4.1.11, 4.2.1) tag TLB entries with the address
 * space they belong to, so switching satp between spaces does not flush
 * the TLB. A hart has at most 2^asid_bits of them; they are handed out
 * in generations: when the current generation runs out, the generation
 * moves on, and every address space gets a new ASID the next time it is
 * activated. ASID 0 is never handed out (the kernel's own table uses it).
 *
 * With several harts, flushes are owed per address space and hart: bit h
 * of as->tlb_stale says that hart h's TLB may hold entries under as's
 * ASID that are wrong for as, so h must flush that ASID before it loads
 * as's satp (aspace_activate_slow; the IPC fast paths check the bit and
 * leave such a switch to C). The bits are set
 *   - for every hart when as gets a new ASID: that number may have
 *     belonged to another address space in an older generation (other
 *     harts may even still be running threads under it);
 *   - by a TLB invalidation (aspace_tlb_invalidate), for each other hart
 *     that is not running a thread of as at that moment. Only the harts
 *     that do run one get an SBI remote sfence.vma at once - for every
 *     ASID at those addresses, as one of them may still run as under the
 *     ASID of an older generation, which as->asid no longer names.
 * A hart that keeps running as (same satp) needs none of this: its
 * entries under that ASID are as's own, and invalidations reached it.
 */
#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/kmap.h"
#include "kernel/riscv.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "lib/string.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"

static struct aspace aspaces[MAX_ASPACES];
static uint64_t slot_generation[MAX_ASPACES];

static unsigned nbits;
static uint64_t asid_max;        /* largest usable ASID */
uint64_t asid_generation_now = 1;
#define asid_gen asid_generation_now
static uint64_t asid_next = 1;

bool tlb_flush_by_address_broken;

static uint64_t rollovers;

void asid_init(unsigned limit_bits)
{
	uint64_t old = csr_read(satp);
	uint64_t probe = old | (SATP_ASID_MASK << SATP_ASID_SHIFT);

	csr_write(satp, probe);
	uint64_t got = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	csr_write(satp, old);
	sfence_vma_all();
	nbits = 0;
	while (got & 1) {
		nbits++;
		got >>= 1;
	}
	if (nbits > limit_bits)
		nbits = limit_bits;
	asid_max = nbits ? (1ul << nbits) - 1 : 0;
}

uint64_t asid_rollovers(void)
{
	return rollovers;
}

unsigned asid_bits(void)
{
	return nbits;
}

/* The ASID of as for this generation, allocating one if needed. */
static uint16_t asid_of(struct aspace *as)
{
	if (asid_max == 0)
		return 0;               /* no ASIDs: every switch flushes */
	if (as->asid_generation == asid_gen)
		return as->asid;
	if (asid_next > asid_max) {
		/* All used in this generation: start a new one. Every address
		 * space's ASID is now stale. */
		asid_gen++;
		asid_next = 1;
		rollovers++;
	}
	as->asid = (uint16_t)asid_next++;
	as->asid_generation = asid_gen;
	as->tlb_stale = ~0ul;           /* the number's old entries, anywhere */
	return as->asid;
}

struct aspace *aspace_create(uint64_t root_pa)
{
	for (int i = 0; i < MAX_ASPACES; i++) {
		struct aspace *as = &aspaces[i];
		if (as->used)
			continue;
		memset(as, 0, sizeof(*as));
		as->used = true;
		slot_generation[i]++;
		as->id = slot_generation[i] << 8 | (uint64_t)i;
		as->space.root_pa = root_pa;
		as->space.mem = &kmap_mem;
		sv39_share_kernel_half(&as->space, &kmap_space);
		return as;
	}
	return NULL;
}

struct aspace *aspace_lookup(uint64_t id)
{
	uint64_t slot = id & 0xff;

	if (slot >= MAX_ASPACES || !aspaces[slot].used || aspaces[slot].id != id)
		return NULL;
	return &aspaces[slot];
}

void aspace_destroy(struct aspace *as)
{
	for (int i = 1; i < MAX_THREADS; i++)
		if (threads[i].state != THREAD_FREE && threads[i].as == as)
			thread_kill(&threads[i]);
	for (int h = 0; h < CALF_MAX_HANDLES; h++)
		handle_close(as, (uint64_t)h);
	/* Its root table is about to go back to the VM server: never leave
	 * it in satp. (No other hart has it: harts that ran its threads left
	 * it when they were killed above, and idle harts hold the kernel's.) */
	if ((csr_read(satp) & ((1ul << 44) - 1)) == as->space.root_pa >> PAGE_SHIFT)
		csr_write(satp, SATP_MODE_SV39 | (kmap_space.root_pa >> PAGE_SHIFT));
	/* Its ASID's TLB entries may linger; they are never matched again,
	 * because that ASID is not handed out before the next generation's
	 * flush. */
	as->used = false;
}

void aspace_activate_slow(struct aspace *as)
{
	uint64_t asid = asid_of(as);
	uint64_t satp = SATP_MODE_SV39 | (asid << SATP_ASID_SHIFT) |
			(as->space.root_pa >> PAGE_SHIFT);

	uint64_t me = cpu_self()->mask;
	bool stale = as->tlb_stale & me;

	/* Without ASIDs asid_generation stays 0, so every switch comes
	 * here and flushes. */
	as->satp = satp;
	as->tlb_stale &= ~me;
	if (csr_read(satp) != satp) {
		csr_write(satp, satp);
		if (asid_max == 0) {
			sfence_vma_all();
			return;
		}
	}
	if (stale) {
		if (asid_max)
			__asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
		else
			sfence_vma_all();
	}
}

/* The other online harts `others` (bit h: hart h): those running a
 * thread of as right now (in U-mode, or on their way in or out of the
 * kernel) get an SBI remote sfence.vma, which returns when they are
 * done; the rest flush before they next load this space (see above).
 * The loop visits the harts there are, not MAX_HARTS slots. Not inlined:
 * with one hart it never runs, and the one-hart path of
 * aspace_tlb_invalidate then saves no registers for it (make bench). */
static __attribute__((noinline)) void shoot_down(struct aspace *as, uint64_t others,
						 uint64_t va, uint64_t len, bool whole)
{
	/* LAB smp: begin */
	uint64_t now = 0;

	for (uint64_t m = others; m; m &= m - 1) {
		struct cpu *c = &cpus[__builtin_ctzl(m)];
		if (c->current && c->current->as == as)
			now |= c->mask;
	}
	if (now && whole)
		sbi_remote_sfence_vma(now, 0, 0);
	else if (now)
		sbi_remote_sfence_vma(now, va, len);
	as->tlb_stale |= others & ~now;
	/* LAB smp: stub
	 * (void)va;
	 * (void)len;
	 * (void)whole;
	 * as->tlb_stale |= others;
	 * LAB smp: end */
}

void aspace_tlb_invalidate(struct aspace *as, uint64_t va, uint64_t len)
{
	/* Beyond 64 pages one flush of the ASID is cheaper than many. */
	bool whole = len == 0 || len > 64 * PAGE_SIZE || tlb_flush_by_address_broken;
	uint64_t others = smp_others_mask();

	if (others)
		shoot_down(as, others, va, len, whole);
	/* This hart: a space whose ASID is of an older generation has no
	 * entries here that it will use again (this hart flushes before it
	 * loads a newer ASID, and never loads an old one). */
	if (asid_max != 0 && as->asid_generation != asid_gen)
		return;
	uint64_t asid = asid_max ? as->asid : 0;
	if (whole) {
		if (asid_max)
			__asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
		else
			sfence_vma_all();
		return;
	}
	for (uint64_t a = va & ~(uint64_t)(PAGE_SIZE - 1); a < va + len; a += PAGE_SIZE) {
		if (asid_max)
			__asm__ volatile("sfence.vma %0, %1" ::"r"(a), "r"(asid) : "memory");
		else
			__asm__ volatile("sfence.vma %0, zero" ::"r"(a) : "memory");
	}
}
