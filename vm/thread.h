/*
 * thread.h - the threads of a process: start, exit, join, and the
 * thread id -> process lookup every fault needs.
 *
 * Layer: vm/ (target only). The kernel runs threads; it does not know
 * which belong together. A process here is one address space and any
 * number of threads in it (docs/syscalls.md, "Threads"):
 *
 *   - the first is made by spawn, exec or fork; more by VM_THREAD_CREATE,
 *     each with a stack region of its own and a guard page below it
 *     (region.h), so one thread running off its stack is killed as a
 *     stack overflow instead of writing over another's;
 *   - a thread that ends itself (SYS_THREAD_EXIT) leaves its status in
 *     its record for VM_THREAD_JOIN, and its stack is unmapped at once;
 *     when the last running thread ends, the process has exited with
 *     that status (as a one-thread program always did);
 *   - VM_EXIT from any thread, a kill, or a fault that kills, ends the
 *     process and so every thread: destroying the address space kills
 *     them all in the kernel (proc_exit);
 *   - exec keeps only the new program's one thread, fork gives the child
 *     a copy of the calling thread only (POSIX).
 *
 * A record outlives its kernel thread until it is joined, so records are
 * a table of their own (VM_MAX_THREADS, more than the kernel's threads),
 * linked per process so that nothing here scans every record.
 */
#ifndef VM_THREAD_H
#define VM_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "calf/vm_protocol.h"
#include "vm/process.h"

/* Records for every process; VM_THREADS_PER_PROC (calf/vm_protocol.h)
 * keeps one process from taking every thread the kernel has. */
#define VM_MAX_THREADS 512

struct vm_thread {
	long tid;                /* the kernel's thread id; 0: the record is free */
	struct proc *p;
	struct vm_thread *next;  /* p's next thread, or the next free record */
	bool running;            /* false: ended, its status kept for a join */
	long status;             /* SYS_THREAD_EXIT's status, once ended */
	long joiner;             /* the thread held in VM_THREAD_JOIN for this one, -1 */
	bool waiting;            /* held in VM_WAIT ... */
	long wait_pid;           /* ... for this child, -1 for any */
	uint64_t stack_top;      /* its stack region (VM_THREAD_CREATE); 0 for a first thread */
};

/* Every record free: once, before the first process. */
void thread_init(void);

/* Record tid as a running thread of p (its first, or one just made).
 * NULL if every record is in use. */
struct vm_thread *thread_add(struct proc *p, long tid);

/* p's record of thread tid (running or ended), or NULL. */
struct vm_thread *thread_of(struct proc *p, long tid);

/* Forget every thread of p: its kernel threads are gone (the address
 * space was destroyed) and no join or wait will be answered. */
void thread_forget_all(struct proc *p);

/*
 * VM_THREAD_CREATE: a new thread of p running at pc with a0, a1 and sp
 * at the top of a fresh stack of stack_size bytes (0: the default).
 * Returns its thread id, or -CALF_EINVAL (a stack size above
 * VM_THREAD_STACK_MAX), -CALF_EAGAIN (p has VM_THREADS_PER_PROC threads,
 * or no thread is left in the kernel or here), -CALF_ENOMEM (no room for
 * the stack's regions).
 */
long thread_create(struct proc *p, uint64_t pc, uint64_t a0, uint64_t a1, uint64_t stack_size);

/*
 * VM_THREAD_JOIN by thread `caller` of p for thread tid of p: an ended
 * thread's status (its record is freed), or -CALF_EBUSY: it still runs,
 * and caller is held until it ends. -CALF_ESRCH: no such thread in p
 * (or joined already); -CALF_EINVAL: tid is the caller, or another
 * thread already joins it.
 */
long thread_join(struct proc *p, long caller, long tid, long *status);

/*
 * The kernel's CALF_LABEL_THREAD_EXIT for thread tid with status. If it
 * was its process's last running thread, the process exits (proc_exit)
 * and false is returned: no reply is owed. Otherwise true: the kernel
 * ends the thread when the VM server replies.
 */
bool thread_exited(long tid, long status);

/*
 * wait() by thread tid of parent, held until a child it waits for ends
 * (proc_wait_or_block); thread_wake_waiters answers the held ones.
 */
void thread_hold_wait(struct proc *parent, long tid, long pid);
void thread_wake_waiters(struct proc *parent);
bool thread_any_waiting(const struct proc *p);

#endif
