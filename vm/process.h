/*
 * process.h - the processes the VM server runs.
 *
 * Layer: vm/ (target only). A process is an address space (a kernel
 * aspace object over page tables the VM server owns), its threads
 * (thread.h), its regions, and its family ties. pid 0 is never used: the badge of fault
 * messages is 0 (they come through the VM server's own handle 0), while
 * each process calls with a handle badged with its pid.
 *
 * Life cycle: spawn -> LIVE -> (exit or killed) -> ZOMBIE -> (parent's
 * wait) -> FREE. A parent's wait() for a running child is held: the VM
 * server does not reply (the kernel keeps any number of callers blocked
 * for a server, docs/syscalls.md) and answers with SYS_REPLY_TO when the
 * child exits (any number of its threads may wait at once: thread.h). A
 * zombie keeps only its pid and status: its frames and
 * its kernel objects are returned at exit. Children of an exiting
 * process go to init (pid 1).
 */
#ifndef VM_PROCESS_H
#define VM_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "sv39/sv39.h"
#include "vm/region.h"

struct vm_thread;

/* Live processes and zombies together (the kernel has 128 aspaces, one
 * of them the VM server's). */
#define VM_MAX_PROCS 100
#define VM_NAME_MAX 32
#define VM_INIT_PID 1

enum proc_state {
	PROC_FREE = 0,
	PROC_LIVE,
	PROC_ZOMBIE,
};

/* Ranges a process advised for same-page merging (merge.h). */
#define MERGE_RANGES 8
struct merge_ranges {
	struct {
		uint64_t start, end;
	} r[MERGE_RANGES];
	unsigned n;
};

struct proc {
	enum proc_state state;
	long pid, ppid;             /* ppid 0: no parent (init) */
	char name[VM_NAME_MAX];     /* argv[0], for messages */
	long aspace;                /* kernel address-space id, -1 if none */
	struct sv39_space space;    /* its page tables (root_pa 0 if none) */
	struct vm_thread *threads;  /* its threads, running or not yet joined (thread.h) */
	unsigned nthreads;          /* ... of them running */
	unsigned nrecords;          /* ... records in all */
	long status;                /* exit status, once a zombie */
	struct merge_ranges merge;  /* advised for merging (merge.c) */
	/* Last, and large: proc_alloc clears what comes before and only
	 * the header of this (region_set_init). */
	struct region_set regions;
};

/* A free slot with a fresh pid, state LIVE but nothing built; NULL if
 * the table is full. */
struct proc *proc_alloc(long ppid, const char *name);

/* Give the slot back (the caller has released everything it held). */
void proc_free(struct proc *p);

struct proc *proc_by_pid(long pid);        /* live or zombie, or NULL */
struct proc *proc_next_live(long after);   /* the live one with the least pid > after, or NULL */
struct proc *proc_live_by_pid(long pid);   /* live only */

/* Every fault message names the faulting thread: find its process in
 * O(1), not by a scan on every fault. A hash on the low bits of the
 * thread id (the kernel's tids keep a slot number there, so live threads
 * rarely collide) holding every running thread of every live process
 * (thread.c keeps it); a miss falls back to the process's thread lists. */
#define PROC_TID_HASH 256
struct tid_slot {
	long tid;                   /* 0: empty */
	struct proc *p;
};
extern struct tid_slot proc_tid_hash[PROC_TID_HASH];
struct proc *proc_by_tid_slow(long tid);

static inline struct proc *proc_by_tid(long tid)   /* live only */
{
	const struct tid_slot *s = &proc_tid_hash[(unsigned long)tid % PROC_TID_HASH];

	if (s->tid == tid)   /* an empty slot has tid 0, which names no thread */
		return s->p;
	return proc_by_tid_slow(tid);
}

/* The index-th process, live or zombie, in pid order (VM_PS): its pid
 * and *out, or -CALF_ESRCH past the last. */
long proc_ps(unsigned long index, struct proc **out);

/* Processes in the table, live and zombie (VM_STAT_PROCS). */
unsigned proc_count(void);

/*
 * Return everything p holds (kernel objects first, then every frame and
 * page table), make it a zombie with `status`, hand its children to
 * init. If nobody will wait for it (no parent) it is freed at once. If p
 * is init the machine powers off: nothing is left to run.
 */
void proc_exit(struct proc *p, long status);

/* proc_exit with status VM_STATUS_KILLED + signal, after printing
 * "vm: killed pid N (name): <why>". */
void proc_kill(struct proc *p, int signal, const char *why);

/*
 * Reap a zombie child of parent: `pid`, or any child if pid is -1.
 * Returns its pid and *status; -CALF_ESRCH if parent has no such child;
 * -CALF_EBUSY if the child (or every child) is still running.
 */
long proc_wait(struct proc *parent, long pid, long *status);

/*
 * wait() that blocks: reap as proc_wait does, or, if the child is still
 * running, remember that thread `tid` of parent waits (its reply is
 * deferred: the kernel keeps it blocked) and return -CALF_EBUSY; the
 * child's exit answers it with SYS_REPLY_TO. Other results as
 * proc_wait, to be replied at once.
 */
long proc_wait_or_block(struct proc *parent, long pid, long tid, long *status);

/*
 * The foreground (VM_FOREGROUND): the process the console's interrupt
 * character ends. Only the VM server can say which program that is - it
 * alone knows every process and its children - so the kernel just
 * reports the character (CALF_LABEL_CONSOLE_INTR) and the shell tells
 * the VM server which child it waits for.
 */
/* Make pid, a live child of caller, the foreground: 0, or -CALF_ESRCH. */
long proc_set_foreground(struct proc *caller, long pid);
/* The interrupt character: end the foreground process and every process
 * it started, with status VM_STATUS_KILLED + 2. Nothing if there is none. */
void proc_interrupt(void);
/* End root and every process it started, parents first, each with
 * status; returns how many ended. */
unsigned proc_kill_tree(struct proc *root, long status);

#endif
