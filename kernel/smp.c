/*
 * smp.c - starting the other harts and waking them.
 *
 * Layer: kernel/. See smp.h and lock.h.
 */
#include "kernel/kmap.h"
#include "kernel/lock.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"

#define HART_STACK_SIZE 16384
_Static_assert(HART_STACK_SIZE == 1 << 14, "entry.S shifts the hart id by 14");

/* Page-aligned: trap_entry.S forms its address with one lui (lock.h). */
volatile uint32_t kernel_lock_word __attribute__((aligned(4096)));

uint64_t smp_online_mask;
uint64_t kernel_satp;
uint64_t smp_idle_mask;

/* Kernel stacks of the other harts (the boot hart keeps boot_stack);
 * entry.S finds a hart's stack top from this symbol and the hart id. */
uint8_t smp_hart_stacks[MAX_HARTS][HART_STACK_SIZE] __attribute__((aligned(16)));

extern char secondary_entry[], park_entry[];

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

/* entry.S, on a hart that smp_start started: paging on (the boot page
 * table), its own stack, tp = hart id. */
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

/* Park the harts the device tree offers and the kernel leaves alone
 * (ids at or above MAX_HARTS). Left in the firmware they may spin:
 * OpenSBI 1.1's wait for hart_start does not sleep while the IPI that
 * ended its boot wait is still pending (docs/porting.md, Entry state),
 * and under QEMU each such hart takes a host core. */
static void park_left_alone(const struct board *b, uint64_t kernel_pa)
{
	uint64_t park_pa = kernel_pa + ((uint64_t)park_entry - KERNEL_VMA);
	int parked = 0, unlisted = b->nharts_usable_in_tree - b->nharts_usable;

	for (int i = 0; i < b->nharts; i++) {
		if (b->harts[i].usable && b->harts[i].hartid >= MAX_HARTS) {
			sbi_hart_start(b->harts[i].hartid, park_pa, 0);
			parked++;
		}
	}
	if (parked)
		kprintf("smp: %d usable hart%s parked: this kernel runs on hart ids 0-%d only "
			"(MAX_HARTS)\n", parked, parked == 1 ? "" : "s", MAX_HARTS - 1);
	if (unlisted)
		kprintf("smp: %d usable hart%s beyond the %d cpu nodes this kernel reads "
			"(BOARD_MAX_HARTS) left in the firmware\n", unlisted, unlisted == 1 ? "" : "s",
			BOARD_MAX_HARTS);
}

void smp_start(const struct board *b, uint64_t kernel_pa)
{
	uint64_t entry_pa = kernel_pa + ((uint64_t)secondary_entry - KERNEL_VMA);
	uint64_t self = cpu_self()->hartid;
	uint64_t taken = smp_harts_taken(b);
	uint64_t start = taken & ~(1ul << self);   /* to start at secondary_entry */

	kernel_satp = SATP_MODE_SV39 | (kmap_space.root_pa >> PAGE_SHIFT);
	smp_online_mask = 1ul << self;
	csr_set(sie, SIE_SSIE);
	park_left_alone(b, kernel_pa);
	if (start && !sbi_have_remote_fence()) {
		/* No TLB shootdown: user threads stay on this hart. */
		kprintf("smp: the firmware has no SBI RFENCE: running on hart %lu only\n", self);
		start = 0;
	}
	for (uint64_t m = start; m; m &= m - 1) {
		uint64_t h = (uint64_t)__builtin_ctzl(m);
		long err = sbi_hart_start(h, entry_pa, 0);
		if (err)
			kprintf("smp: hart %lu did not start (SBI error %ld)\n", h, err);
	}
}
