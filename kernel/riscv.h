/*
 * riscv.h - RISC-V control and status registers, as inline functions.
 *
 * Layer: kernel/ (S-mode). Everything that names a CSR lives here so the
 * rest of the kernel reads as C. sv39/ never includes this file: it must
 * build for the host. Bit positions cite the privileged spec (v1.12),
 * chapter 4 "Supervisor-Level ISA".
 */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <stdint.h>

#include "lib/scause.h"

/* sstatus (4.1.1) */
#define SSTATUS_SIE  (1ul << 1)  /* interrupts enabled in S-mode */
#define SSTATUS_SPIE (1ul << 5)  /* SIE before the trap */
#define SSTATUS_SPP  (1ul << 8)  /* trap came from S-mode (1) or U-mode (0) */
#define SSTATUS_SUM  (1ul << 18) /* S-mode may access U pages */

/* sie / sip (4.1.3) */
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

/* scause (4.1.8): SCAUSE_INTERRUPT, the IRQ_S_* and EXC_* codes and
 * scause_name() are in lib/scause.h, shared with the VM server. */

/* satp (4.1.11): MODE in bits 63:60, ASID in 59:44, root PPN in 43:0 */
#define SATP_MODE_SV39 (8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xfffful

#define csr_read(csr)                                                      \
	({                                                                 \
		unsigned long csr_v_;                                      \
		__asm__ volatile("csrr %0, " #csr : "=r"(csr_v_));         \
		csr_v_;                                                    \
	})

#define csr_write(csr, val)                                                \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) \
			 : "memory")

#define csr_set(csr, bits)                                                 \
	__asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(bits))\
			 : "memory")

#define csr_clear(csr, bits)                                               \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(bits))\
			 : "memory")

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uint64_t rdinstret(void)
{
	uint64_t n;
	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

static inline void intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }

/* The kernel keeps the hart id in tp (set at entry, never changed). */
static inline unsigned long cpu_hartid(void)
{
	unsigned long id;
	__asm__ volatile("mv %0, tp" : "=r"(id));
	return id;
}

static inline void wfi(void) { __asm__ volatile("wfi"); }

/* Flush the whole TLB of this hart (4.2.1). */
static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

#endif
