/*
 * sys.h - the system calls the VM server makes, as inline functions.
 *
 * Layer: vm/ (target only). The convention is kernel/abi.h's: a7 = the
 * number, a0..a5 the arguments, a0 the result (< 0: a negated CALF_E*).
 * IPC calls also carry the message registers MR0..MR5 in a1..a6, both
 * ways: a0 is the endpoint handle going in and the badge (or a negative
 * status) coming out, and a receive also returns the sender's thread id
 * in a7. The VM server keeps its own wrappers: it must not
 * depend on userland/, a layer above it.
 */
#ifndef VM_SYS_H
#define VM_SYS_H

#include "calf/abi.h"

struct vm_msg {
	unsigned long mr[CALF_MSG_WORDS];   /* MR0 (label or result) .. MR5 */
	unsigned long sender_tid;           /* out of SYS_RECV / SYS_REPLY_RECV (a7) */
};

static inline long sys6(long n, unsigned long x0, unsigned long x1, unsigned long x2,
			unsigned long x3, unsigned long x4, unsigned long x5)
{
	register unsigned long a0 __asm__("a0") = x0;
	register unsigned long a1 __asm__("a1") = x1;
	register unsigned long a2 __asm__("a2") = x2;
	register unsigned long a3 __asm__("a3") = x3;
	register unsigned long a4 __asm__("a4") = x4;
	register unsigned long a5 __asm__("a5") = x5;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return (long)a0;
}

/* An IPC system call: m->mr[] go out in a1..a6 and what comes back
 * replaces them; a7 comes back as the sender's thread id (meaningful
 * after a receive). Returns a0: the badge, or a negative status. */
static inline long sys_ipc(long n, unsigned long ep, struct vm_msg *m)
{
	register unsigned long a0 __asm__("a0") = ep;
	register unsigned long a1 __asm__("a1") = m->mr[0];
	register unsigned long a2 __asm__("a2") = m->mr[1];
	register unsigned long a3 __asm__("a3") = m->mr[2];
	register unsigned long a4 __asm__("a4") = m->mr[3];
	register unsigned long a5 __asm__("a5") = m->mr[4];
	register unsigned long a6 __asm__("a6") = m->mr[5];
	register unsigned long a7 __asm__("a7") = (unsigned long)n;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6),
			   "+r"(a7)
			 :
			 : "memory");
	m->mr[0] = a1;
	m->mr[1] = a2;
	m->mr[2] = a3;
	m->mr[3] = a4;
	m->mr[4] = a5;
	m->mr[5] = a6;
	m->sender_tid = a7;
	return (long)a0;
}

static inline long sys_console_write(const char *buf, unsigned long len)
{
	return sys6(SYS_CONSOLE_WRITE, (unsigned long)buf, len, 0, 0, 0, 0);
}

static inline long sys_bootinfo(struct calf_bootinfo *bi)
{
	return sys6(SYS_BOOTINFO, (unsigned long)bi, 0, 0, 0, 0, 0);
}

static inline long sys_endpoint_create(void)
{
	return sys6(SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0, 0);
}

/* Wait for a message on ep: returns the sender's badge (or < 0), *m the
 * message. Receiving a call makes this thread the one to reply to it. */
static inline long sys_recv(unsigned long ep, struct vm_msg *m)
{
	return sys_ipc(SYS_RECV, ep, m);
}

/* Reply m to the caller last received, then receive the next message
 * on ep into m (one system call for the server's steady state). */
static inline long sys_reply_recv(unsigned long ep, struct vm_msg *m)
{
	return sys_ipc(SYS_REPLY_RECV, ep, m);
}

/* Answer the caller `tid`, received earlier and left waiting (a deferred
 * reply: how a wait() caller is held until its child exits). The
 * tid goes in a0, the message in a1..a6. */
static inline long sys_reply_to(unsigned long tid, struct vm_msg *m)
{
	return sys_ipc(SYS_REPLY_TO, tid, m);
}

static inline long sys_aspace_create(unsigned long root_pa)
{
	return sys6(SYS_ASPACE_CREATE, root_pa, 0, 0, 0, 0, 0);
}

static inline long sys_aspace_destroy(unsigned long aspace)
{
	return sys6(SYS_ASPACE_DESTROY, aspace, 0, 0, 0, 0, 0);
}

static inline long sys_thread_create(unsigned long aspace, unsigned long pc, unsigned long sp,
				     unsigned long pager, unsigned long prio, unsigned long a0)
{
	return sys6(SYS_THREAD_CREATE, aspace, pc, sp, pager, prio, a0);
}

/* fork's three steps on the child's thread (kernel/abi.h): read the
 * parent's registers (complete while it is blocked in its call to us),
 * write the child's, then let the child run. */
static inline long sys_thread_get_regs(unsigned long tid, struct calf_regs *regs)
{
	return sys6(SYS_THREAD_GET_REGS, tid, (unsigned long)regs, 0, 0, 0, 0);
}

static inline long sys_thread_set_regs(unsigned long tid, const struct calf_regs *regs)
{
	return sys6(SYS_THREAD_SET_REGS, tid, (unsigned long)regs, 0, 0, 0, 0);
}

static inline long sys_thread_start(unsigned long tid)
{
	return sys6(SYS_THREAD_START, tid, 0, 0, 0, 0, 0);
}

static inline long sys_tlb_invalidate(unsigned long aspace, unsigned long va, unsigned long len)
{
	return sys6(SYS_TLB_INVALIDATE, aspace, va, len, 0, 0, 0);
}

/* rights: CALF_RIGHT_RECV or 0 (send and call only). */
static inline long sys_handle_grant(unsigned long aspace, unsigned long ep, unsigned long badge,
				    unsigned long rights)
{
	return sys6(SYS_HANDLE_GRANT, aspace, ep, badge, rights, 0, 0);
}

static inline long sys_fence_i(void)
{
	return sys6(SYS_FENCE_I, 0, 0, 0, 0, 0, 0);
}

static inline __attribute__((noreturn)) void sys_poweroff(unsigned long failure)
{
	sys6(SYS_POWEROFF, failure, 0, 0, 0, 0, 0);
	for (;;)
		;
}

#endif
