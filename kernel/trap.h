/*
 * trap.h - the saved state of a trap, and the C entry points.
 *
 * Layer: kernel/. trap_entry.S saves a trap from S-mode, every register,
 * into a struct trap_frame on the kernel stack (trap_from_kernel), and a
 * trap from U-mode into the thread's struct user_context: for an ecall
 * only the registers C may clobber (syscall_from_user), for anything else
 * every register (exception_from_user).
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
	uint64_t regs[32];   /* x0..x31 by number; regs[0] unused, regs[2] = sp */
	uint64_t sepc;       /* pc of the trapping instruction */
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;      /* faulting address, or the bad instruction */
};

#endif

/* Offsets used by trap_entry.S; checked against the struct in trap.c. */
#define TF_SEPC    (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE  (34 * 8)
#define TF_STVAL   (35 * 8)
#define TF_SIZE    (36 * 8)

/* Offsets into struct user_context (thread.h), also for trap_entry.S. */
#define CTX_SEPC   (32 * 8)
#define CTX_KSTACK (33 * 8)
#define CTX_HARTID (34 * 8)
#define CTX_CPU    (35 * 8)

#ifndef __ASSEMBLER__
void trap_init(void);    /* install the vector on this hart */
void trap_from_kernel(struct trap_frame *tf);
struct user_context;
struct user_context *syscall_from_user(struct user_context *ctx);
struct user_context *exception_from_user(struct user_context *ctx, uint64_t scause,
					 uint64_t stval);
#endif

#endif
