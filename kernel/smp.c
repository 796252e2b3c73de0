/*
 * smp.c - starting the other harts and waking them.
 *
 * Layer: kernel/. See smp.h and lock.h. The other harts come in through
 * the image entry and its boot lottery (platform/lottery.h): gathered
 * there early in the boot, let in once the kernel is ready for them.
 */
#include "kernel/kmap.h"
#include "kernel/lock.h"
#include "kernel/lottery_test.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "platform/lottery.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"

#define HART_STACK_SIZE 16384
_Static_assert(HART_STACK_SIZE == 1 << 14, "entry.S shifts the hart id by 14");

/* Page-aligned: trap_entry.S forms its address with one lui (lock.h). */
volatile uint32_t kernel_lock_word __attribute__((aligned(4096)));

uint64_t smp_online_mask;
uint64_t kernel_satp;
uint64_t smp_idle_mask;
uint64_t smp_gathered;

/* Kernel stacks of the other harts (the boot hart keeps boot_stack);
 * entry.S finds a hart's stack top from this symbol and the hart id. */
uint8_t smp_hart_stacks[MAX_HARTS][HART_STACK_SIZE] __attribute__((aligned(16)));

uint64_t smp_others_mask(void)
{
	return smp_online_mask & ~(1ul << cpu_self()->hartid);
}

void smp_send_ipi(uint64_t hartid)
{
	sbi_send_ipi(1ul << hartid);
}

void smp_kick_idle_slow(void)
{
	uint64_t m = smp_idle_mask & ~(1ul << cpu_self()->hartid);

	if (!m)
		return;
	uint64_t h = (uint64_t)__builtin_ctzl(m);
	smp_idle_mask &= ~(1ul << h);   /* one wake-up per thread is enough */
	smp_send_ipi(h);
}

/* entry.S, on a hart let in at the image entry (platform/lottery.h):
 * paging on (the boot page table), its own stack, tp = hart id. */
void secondary_main(unsigned long hartid)
{
	struct cpu *c = &cpus[hartid];

	csr_write(satp, kernel_satp);
	sfence_vma_all();
	trap_init();
	c->hartid = hartid;
	c->mask = 1ul << hartid;
	c->kstack_top = (uint64_t)&smp_hart_stacks[hartid][HART_STACK_SIZE];
	csr_set(sie, SIE_SSIE);
	timer_init_hart();

	kernel_lock();
	smp_online_mask |= 1ul << hartid;
	if (!(smp_gathered & c->mask))
		kprintf("smp: hart %lu came in at the image entry unasked: joined as a secondary\n",
			hartid);
	struct user_context *next = sched_next_context();
	user_return(next ? next : sched_idle());
}

uint64_t smp_harts_taken(const struct board *b)
{
	uint64_t m = 0;

	for (int i = 0; i < b->nharts; i++)
		if (b->harts[i].usable && b->harts[i].hartid < MAX_HARTS)
			m |= 1ul << b->harts[i].hartid;
	return m;
}

void smp_gather(const struct board *b, uint64_t kernel_pa, uint64_t dtb_pa)
{
	uint64_t self = cpu_hartid();
	uint64_t held = lottery_test_setup(b, smp_harts_taken(b) & ~(1ul << self));

	for (int i = 0; i < b->nharts; i++) {
		uint64_t h = b->harts[i].hartid;
		if (!b->harts[i].usable || h == self || (h < 64 && (held & 1ul << h)))
			continue;
		/* The image entry, a0 = hart id, a1 = the device tree: what
		 * the firmware gave this hart. "Already running": the firmware
		 * let it go on its own, and it is on its way there. */
		long err = sbi_hart_start(h, kernel_pa, dtb_pa);
		if (err && err != SBI_ERR_ALREADY_AVAILABLE)
			kprintf("smp: hart %lu did not start (SBI error %ld)\n", h, err);
		else if (h < 64)
			smp_gathered |= 1ul << h;
	}
}

/* Let the harts of `gate` in, those waiting at the image entry and those
 * to come (platform/lottery.h); return the harts waiting there now. The
 * store and the load are sequentially consistent, as is the waiting
 * hart's own pair (its bit, then the gate): so either it sees its gate
 * bit, or this sees its bit and wakes it. */
static uint64_t open_gate(uint64_t gate)
{
	__atomic_store_n(&boot_gate_harts, gate, __ATOMIC_SEQ_CST);
	uint64_t waiting = __atomic_load_n(&boot_late_harts, __ATOMIC_SEQ_CST);
	if (waiting & gate)
		sbi_send_ipi(waiting & gate);
	return waiting;
}

void smp_start(const struct board *b, uint64_t kernel_pa)
{
	uint64_t self = cpu_self()->hartid;
	uint64_t gate = smp_harts_taken(b) & ~(1ul << self);
	int parked = b->nharts_usable - 1 - __builtin_popcountl(gate);
	int unlisted = b->nharts_usable_in_tree - b->nharts_usable;

	kernel_satp = SATP_MODE_SV39 | (kmap_space.root_pa >> PAGE_SHIFT);
	smp_online_mask = 1ul << self;
	csr_set(sie, SIE_SSIE);
	if (gate && !sbi_have_remote_fence()) {
		/* No TLB shootdown: user threads stay on this hart, and the
		 * other harts stay parked. */
		kprintf("smp: the firmware has no SBI RFENCE: running on hart %lu only\n", self);
		gate = 0;
	} else if (parked > 0) {
		kprintf("smp: %d usable hart%s parked: this kernel runs on hart ids 0-%d only "
			"(MAX_HARTS)\n", parked, parked == 1 ? "" : "s", MAX_HARTS - 1);
	}
	if (unlisted > 0)
		kprintf("smp: %d usable hart%s beyond the %d cpu nodes this kernel reads "
			"(BOARD_MAX_HARTS) left in the firmware\n", unlisted, unlisted == 1 ? "" : "s",
			BOARD_MAX_HARTS);
	gate &= ~lottery_test_start(kernel_pa);

	/* The secondaries find the kernel ready: its page table in
	 * kernel_satp, and the lock, which this hart holds until it enters
	 * user mode. */
	uint64_t waiting = open_gate(gate);
	for (uint64_t m = waiting & ~gate & ~smp_gathered; m; m &= m - 1)
		kprintf("smp: hart %d came in at the image entry unasked: parked (the kernel "
			"does not run on it)\n", __builtin_ctzl(m));
}
