/*
 * calf.h - system calls and VM-server requests for user programs.
 *
 * Layer: userland/ (libcalf). May call: the kernel through `ecall`
 * (calf/abi.h is the contract) and the VM server through IPC on
 * handle CALF_HANDLE_VM (calf/vm_protocol.h is the contract). Nothing here
 * needs picolibc; the C library glue sits on top (runtime.c).
 *
 * The system calls are inline functions: each is one `ecall` with the
 * arguments pinned to the registers the ABI names. The kernel preserves
 * every register it does not return in, so only a0 (and, for IPC, the
 * message registers a1..a6 and a7, the sender's thread id) are outputs;
 * the "memory" clobber is there because the kernel may read or write
 * user buffers.
 */
#ifndef USERLAND_CALF_H
#define USERLAND_CALF_H

#include "calf/abi.h"
#include "calf/vm_protocol.h"

/* An IPC message: MR0..MR5 (MR0 is the label by convention). */
struct calf_msg {
	unsigned long w[CALF_MSG_WORDS];
};

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

static inline long calf_bootinfo(struct calf_bootinfo *buf)
{
	return calf_syscall1(SYS_BOOTINFO, (long)buf);
}

/* ---- IPC: a0 = handle in, status or badge out; a1..a6 = MR0..MR5;
 * a7 = number in, sender's thread id out of RECV and REPLY_RECV ---- */

/* One IPC system call; the message registers are both sent and
 * received, so *m holds whatever the kernel left in a1..a6. a7 is in
 * and out: SYS_RECV and SYS_REPLY_RECV return the sender's thread id
 * there (calf/abi.h), stored in *sender when it is not NULL. */
static inline long calf_ipc(long nr, long ep, struct calf_msg *m, long *sender)
{
	register long a0 __asm__("a0") = ep;
	register unsigned long a1 __asm__("a1") = m->w[0];
	register unsigned long a2 __asm__("a2") = m->w[1];
	register unsigned long a3 __asm__("a3") = m->w[2];
	register unsigned long a4 __asm__("a4") = m->w[3];
	register unsigned long a5 __asm__("a5") = m->w[4];
	register unsigned long a6 __asm__("a6") = m->w[5];
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4),
			   "+r"(a5), "+r"(a6), "+r"(a7)
			 :
			 : "memory");
	m->w[0] = a1;
	m->w[1] = a2;
	m->w[2] = a3;
	m->w[3] = a4;
	m->w[4] = a5;
	m->w[5] = a6;
	if (sender != 0)
		*sender = a7;
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
	m->w[0] = a1;
	m->w[1] = a2;
	m->w[2] = a3;
	m->w[3] = a4;
	m->w[4] = a5;
	m->w[5] = a6;
	if (sender != 0)
		*sender = a7;
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

static inline long calf_thread_create(long aspace, unsigned long pc,
				      unsigned long sp, long pager,
				      long priority, unsigned long arg)
{
	return calf_syscall6(SYS_THREAD_CREATE, aspace, (long)pc, (long)sp,
			     pager, priority, (long)arg);
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

static inline long calf_handle_grant(long aspace, long ep, unsigned long badge)
{
	return calf_syscall3(SYS_HANDLE_GRANT, aspace, ep, (long)badge);
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

/* ---- counters (the firmware's scounteren lets U-mode read them; docs/porting.md) ---- */

static inline unsigned long calf_rdinstret(void)
{
	unsigned long v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

/* ---- VM server requests (calf/vm_protocol.h; vm_client.c) ---- */

/* One request: m->w[0] = VM_* label. Returns the reply's MR0 (a result
 * >= 0 or -error), or the IPC error; the reply is left in *m. */
long calf_vm_request(struct calf_msg *m);

/* Start argv[0] from the boot archive with arguments argv (NULL
 * terminated) as a child. Returns its pid, or -CALF_ENOENT, -CALF_ENOMEM,
 * -CALF_EINVAL (arguments longer than VM_ARGS_MAX). */
long calf_spawn(const char *const argv[]);

/* End this program with `status`; never returns. Does not flush stdio:
 * exit() and _exit() do (runtime.c). */
__attribute__((noreturn)) void calf_exit(long status);

/* Wait for child `pid` (-1: any). Returns the pid that ended and stores
 * its status (>= VM_STATUS_KILLED when the VM server killed it), or
 * -CALF_ESRCH when there is no such child. */
long calf_wait(long pid, long *status);

long calf_getpid(void);
long calf_getppid(void);

/* A handle to the endpoint every caller with the same key shares. */
long calf_rendezvous(unsigned long key);

/* Power the machine off (failure != 0 reports a failure). Returns only
 * on error. */
long calf_poweroff(long failure);

/* Move the program break by `increment` bytes. Returns the old break,
 * or -CALF_ENOMEM (or -CALF_ENOSYS while the VM server lacks it). */
long calf_sbrk(long increment);

/* A copy of this program (VM_FORK): every writable page is shared
 * copy-on-write. Returns the child's pid in the parent, 0 in the child,
 * or -CALF_ENOMEM / -CALF_EAGAIN. Does not flush stdio: fork() does. */
long calf_fork(void);

/* Replace this program by argv[0] from the boot archive, with arguments
 * argv (VM_EXEC). Returns only on failure: -CALF_ENOENT, -CALF_ENOMEM,
 * -CALF_EINVAL; this program then goes on unchanged. */
long calf_exec(const char *const argv[]);

/* End process pid (VM_KILL); its status becomes VM_STATUS_KILLED + 9.
 * 0, -CALF_ESRCH, or -CALF_EPERM (init). */
long calf_kill(long pid);

/* len bytes of anonymous zero-filled memory (VM_MMAP): the address, or
 * -CALF_ENOMEM / -CALF_EINVAL. No frame is used until a page is written. */
long calf_mmap(unsigned long len);

/* Give back [addr, addr + len) from calf_mmap (VM_MUNMAP). 0 or -error. */
long calf_munmap(unsigned long addr, unsigned long len);

/* One process as VM_PS describes it. */
struct calf_ps {
	long pid, ppid;
	long state;                /* VM_PS_RUNNING, _WAITING, _ZOMBIE */
	unsigned long resident;    /* pages mapped to frames (zero frame not counted) */
	char name[17];             /* 16 bytes from the server, NUL added */
};

/* The index-th process (0, 1, ...): its pid, or -CALF_ESRCH past the
 * last one. */
long calf_ps(long index, struct calf_ps *out);

/* The VM server's counters (VM_STATS): fills out[0..max-1] (VM_STAT_*
 * order) and returns how many counters the server has (which may be
 * more than max, or fewer), or -error. */
long calf_stats(unsigned long *out, unsigned long max);

/* One counter, or 0 if the server does not have it. */
unsigned long calf_stat(unsigned long index);

/* Send whatever the console line buffer holds (runtime.c). fork and
 * exec call it, so a half-written line is not printed twice or lost. */
void calf_console_flush(void);

/*
 * Read one line from the console into buf (at most size - 1 bytes and a
 * NUL), echoing what is typed, as a terminal expects; backspace erases.
 * A line ends at CR or LF (a serial terminal sends CR). Returns the
 * length, or -1 at end of input (Ctrl-D on an empty line) or on an error.
 * readline.c says how it copes with SYS_CONSOLE_READ's semantics.
 */
long calf_read_line(char *buf, unsigned long size);

/* ---- children (child.c) ---- */

/* Wait for child pid; its exit status, or -1000 + a negative error. */
long calf_reap(long pid);
/* End this (child) process now with status: console flushed, no atexit. */
void calf_child_exit(long status) __attribute__((noreturn));
/* Block until killed. */
void calf_block_forever(void) __attribute__((noreturn));
/* Fork up to max children that block until killed, their pids in pids[];
 * stops at the first failing fork. Returns how many were forked, and in
 * *last the last fork's result (-error if one failed). */
long calf_fork_blocked(long *pids, long max, long *last);

#endif
