/*
 * scause.h - trap causes: the codes the scause register holds, and
 * their names.
 *
 * Layer: lib/ (pure; host-tested by test_scause.c). The kernel gets
 * these through kernel/riscv.h; the VM server, which sees the cause of
 * every user fault in the fault message, and user programs may include
 * this header too. Privileged spec v1.12, section 4.1.8 and table 4.2.
 */
#ifndef LIB_SCAUSE_H
#define LIB_SCAUSE_H

/* The top bit is set for interrupts; the rest is the code. */
#define SCAUSE_INTERRUPT (1ul << 63)

/* Interrupt codes (interrupt bit set) */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9

/* Exception codes (interrupt bit clear) */
#define EXC_INST_MISALIGNED   0
#define EXC_INST_ACCESS       1
#define EXC_ILLEGAL_INST      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The spec's name of a cause, e.g. "store/AMO page fault" or
 * "supervisor timer interrupt"; "reserved exception" or "reserved
 * interrupt" for a code the spec does not define. */
const char *scause_name(uint64_t scause);
#endif

#endif
