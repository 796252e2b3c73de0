/*
 * syscall.h - the kernel's system calls as inline functions: the one set
 * of ecall stubs, for the VM server and user programs alike.
 *
 * Layer: include/calf (the ABI user code compiles against; abi.h says
 * what each call does, docs/syscalls.md in prose). Each call is one
 * `ecall` with the arguments pinned to the registers the ABI names. The
 * kernel preserves every register it does not return in, so only a0
 * (and, for IPC, the message registers a1..a6 and a7, the sender's
 * thread id) are outputs; the "memory" clobber is there because the
 * kernel may read or write user buffers. Nothing here needs a C library.
 */
#ifndef CALF_SYSCALL_H
#define CALF_SYSCALL_H

#include "calf/abi.h"

/* ---- raw system calls (a7 = number, a0..a5 = arguments) ---- */

static inline long calf_syscall6(long nr, long x0, long x1, long x2,
				 long x3, long x4, long x5)
{
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	register long a5 __asm__("a5") = x5;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

static inline long calf_syscall0(long nr)
{
	register long a0 __asm__("a0");
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long calf_syscall1(long nr, long x0)
{
	register long a0 __asm__("a0") = x0;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long calf_syscall2(long nr, long x0, long x1)
{
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

static inline long calf_syscall3(long nr, long x0, long x1, long x2)
{
	return calf_syscall6(nr, x0, x1, x2, 0, 0, 0);
}

/* ---- unprivileged calls ---- */

static inline long calf_null(void)
{
	return calf_syscall0(SYS_NULL);
}

static inline long calf_console_write(const void *buf, unsigned long len)
{
	return calf_syscall2(SYS_CONSOLE_WRITE, (long)buf, (long)len);
}

static inline long calf_console_read(void *buf, unsigned long len)
{
	return calf_syscall2(SYS_CONSOLE_READ, (long)buf, (long)len);
}

static inline long calf_yield(void)
{
	return calf_syscall0(SYS_YIELD);
}

/* Ends this thread only; a program ends with calf_exit() (VM server). */
static inline __attribute__((noreturn)) void calf_thread_exit(long status)
{
	calf_syscall1(SYS_THREAD_EXIT, status);
	for (;;)
		;
}

static inline long calf_thread_self(void)
{
	return calf_syscall0(SYS_THREAD_SELF);
}

static inline long calf_endpoint_create(void)
{
	return calf_syscall0(SYS_ENDPOINT_CREATE);
}

static inline long calf_handle_close(long handle)
{
	return calf_syscall1(SYS_HANDLE_CLOSE, handle);
}

static inline unsigned long calf_time(void)
{
	return (unsigned long)calf_syscall0(SYS_TIME);
}

static inline unsigned long calf_timebase(void)
{
	return (unsigned long)calf_syscall0(SYS_TIMEBASE);
}

/* Sleep for at least `ticks` timer ticks (100 a second). */
static inline long calf_sleep(unsigned long ticks)
{
	return calf_syscall1(SYS_SLEEP, (long)ticks);
}

static inline long calf_bootinfo(struct calf_bootinfo *buf)
{
	return calf_syscall1(SYS_BOOTINFO, (long)buf);
}

/* ---- IPC: a0 = handle in, status or badge out; a1..a6 = MR0..MR5;
 * a7 = number in, sender's thread id out of RECV and REPLY_RECV ---- */

/* What an IPC call leaves in a1..a6 into *m, and a7 (the sender's
 * thread id after a receive) into *sender unless it is NULL. */
static inline void calf_msg_from_regs(struct calf_msg *m, unsigned long a1, unsigned long a2,
				      unsigned long a3, unsigned long a4, unsigned long a5,
				      unsigned long a6, long *sender, long a7)
{
	m->mr[0] = a1;
	m->mr[1] = a2;
	m->mr[2] = a3;
	m->mr[3] = a4;
	m->mr[4] = a5;
	m->mr[5] = a6;
	if (sender)
		*sender = a7;
}

/* One IPC system call; the message registers are both sent and
 * received, so *m holds whatever the kernel left in a1..a6. a7 is in
 * and out: SYS_RECV and SYS_REPLY_RECV return the sender's thread id
 * there (calf/abi.h), stored in *sender when it is not NULL. */
static inline long calf_ipc(long nr, long ep, struct calf_msg *m, long *sender)
{
	register long a0 __asm__("a0") = ep;
	register unsigned long a1 __asm__("a1") = m->mr[0];
	register unsigned long a2 __asm__("a2") = m->mr[1];
	register unsigned long a3 __asm__("a3") = m->mr[2];
	register unsigned long a4 __asm__("a4") = m->mr[3];
	register unsigned long a5 __asm__("a5") = m->mr[4];
	register unsigned long a6 __asm__("a6") = m->mr[5];
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4),
			   "+r"(a5), "+r"(a6), "+r"(a7)
			 :
			 : "memory");
	calf_msg_from_regs(m, a1, a2, a3, a4, a5, a6, sender, a7);
	return a0;
}

/* Send *m and wait for the reply, which replaces *m. 0 or -error. */
static inline long calf_call(long ep, struct calf_msg *m)
{
	return calf_ipc(SYS_CALL, ep, m, 0);
}

/* Send *m (blocks until a receiver takes it). 0 or -error. */
static inline long calf_send(long ep, const struct calf_msg *m)
{
	struct calf_msg copy = *m;

	return calf_ipc(SYS_SEND, ep, &copy, 0);
}

/* Wait for a message on ep; returns the sender's badge (>= 0) or -error,
 * and the sender's thread id in *sender (if not NULL), the id
 * calf_reply_to takes. Nothing is sent, so *m need not be initialised:
 * a1..a6 are outputs only. */
static inline long calf_recv_from(long ep, struct calf_msg *m, long *sender)
{
	register long a0 __asm__("a0") = ep;
	register unsigned long a1 __asm__("a1");
	register unsigned long a2 __asm__("a2");
	register unsigned long a3 __asm__("a3");
	register unsigned long a4 __asm__("a4");
	register unsigned long a5 __asm__("a5");
	register unsigned long a6 __asm__("a6");
	register long a7 __asm__("a7") = SYS_RECV;

	__asm__ volatile("ecall"
			 : "+r"(a0), "=r"(a1), "=r"(a2), "=r"(a3), "=r"(a4),
			   "=r"(a5), "=r"(a6), "+r"(a7)
			 :
			 : "memory");
	calf_msg_from_regs(m, a1, a2, a3, a4, a5, a6, sender, a7);
	return a0;
}

static inline long calf_recv(long ep, struct calf_msg *m)
{
	return calf_recv_from(ep, m, 0);
}

/* Answer the last caller with *m. 0, or -CALF_ENOREPLY. */
static inline long calf_reply(const struct calf_msg *m)
{
	struct calf_msg copy = *m;

	return calf_ipc(SYS_REPLY, 0, &copy, 0);
}

/* Answer the last caller with *m, then wait on ep: one system call for
 * a server's loop. Returns the next sender's badge or -error (and its
 * thread id in *sender, if not NULL). */
static inline long calf_reply_recv_from(long ep, struct calf_msg *m, long *sender)
{
	return calf_ipc(SYS_REPLY_RECV, ep, m, sender);
}

static inline long calf_reply_recv(long ep, struct calf_msg *m)
{
	return calf_ipc(SYS_REPLY_RECV, ep, m, 0);
}

/* Answer the deferred caller `tid` (received earlier, not yet
 * answered) with *m. 0 or -error. */
static inline long calf_reply_to(long tid, const struct calf_msg *m)
{
	struct calf_msg copy = *m;

	return calf_ipc(SYS_REPLY_TO, tid, &copy, 0);
}

/* ---- privileged calls (the VM server's; anyone else gets -CALF_EPERM) ---- */

static inline long calf_aspace_create(unsigned long root_pa)
{
	return calf_syscall1(SYS_ASPACE_CREATE, (long)root_pa);
}

static inline long calf_aspace_destroy(long aspace)
{
	return calf_syscall1(SYS_ASPACE_DESTROY, aspace);
}

/* calf_sys_: libcalf's calf_thread_create (calf.h) is the VM request. */
static inline long calf_sys_thread_create(long aspace, unsigned long pc,
					  unsigned long sp, long pager,
					  long priority, unsigned long arg)
{
	return calf_syscall6(SYS_THREAD_CREATE, aspace, (long)pc, (long)sp,
			     pager, priority, (long)arg);
}

/* Run a thread created with CALF_THREAD_SUSPENDED. */
static inline long calf_thread_start(long tid)
{
	return calf_syscall1(SYS_THREAD_START, tid);
}

static inline long calf_thread_kill(long tid)
{
	return calf_syscall1(SYS_THREAD_KILL, tid);
}

static inline long calf_thread_get_regs(long tid, struct calf_regs *regs)
{
	return calf_syscall2(SYS_THREAD_GET_REGS, tid, (long)regs);
}

static inline long calf_thread_set_regs(long tid, const struct calf_regs *regs)
{
	return calf_syscall2(SYS_THREAD_SET_REGS, tid, (long)regs);
}

static inline long calf_tlb_invalidate(long aspace, unsigned long va,
				       unsigned long len)
{
	return calf_syscall3(SYS_TLB_INVALIDATE, aspace, (long)va, (long)len);
}

/* rights: CALF_RIGHT_RECV or 0 (send and call only). */
static inline long calf_handle_grant(long aspace, long ep, unsigned long badge,
				     unsigned long rights)
{
	return calf_syscall6(SYS_HANDLE_GRANT, aspace, ep, (long)badge, (long)rights, 0, 0);
}

/* The kernel's poweroff; programs use calf_poweroff() (VM server). */
static inline long calf_sys_poweroff(long failure)
{
	return calf_syscall1(SYS_POWEROFF, failure);
}

static inline long calf_fence_i(void)
{
	return calf_syscall0(SYS_FENCE_I);
}

#endif
