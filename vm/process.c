/*
 * process.c - the process table: pids, exit, wait, orphans.
 *
 * Layer: vm/ (target only). spawn.c builds a process; this file ends it.
 */
#include "vm/process.h"
#include "calf/syscall.h"
#include "calf/vm_protocol.h"
#include "lib/string.h"
#include "vm/print.h"
#include "vm/thread.h"
#include "vm/uspace.h"
#include "vm/vm.h"

static struct proc procs[VM_MAX_PROCS];
/* Slots [proc_top, VM_MAX_PROCS) have never been used: the scans of the
 * table stop here, so they cost what the processes in use cost, not
 * what the table could hold. */
static unsigned proc_top;
static long next_pid = VM_INIT_PID;
static long foreground;           /* pid, 0: none (proc_set_foreground) */

/* pid -> process, for every request (proc_by_pid): the last process
 * allocated with a pid in each bucket. */
#define PROC_PID_HASH 256
static struct proc *pid_hash[PROC_PID_HASH];

struct proc *proc_alloc(long ppid, const char *name)
{
	for (unsigned i = 0; i < VM_MAX_PROCS; i++) {
		struct proc *p = &procs[i];
		size_t n;

		if (p->state != PROC_FREE)
			continue;
		if (i >= proc_top)
			proc_top = i + 1;
		memset(p, 0, offsetof(struct proc, regions));
		p->state = PROC_LIVE;
		/* pids only grow: a stale pid never names a new process. */
		p->pid = next_pid++;
		p->ppid = ppid;
		p->aspace = -1;
		n = strlen(name);
		if (n >= VM_NAME_MAX)
			n = VM_NAME_MAX - 1;
		memcpy(p->name, name, n);
		p->name[n] = '\0';
		region_set_init(&p->regions);
		pid_hash[(unsigned long)p->pid % PROC_PID_HASH] = p;
		return p;
	}
	return NULL;
}

void proc_free(struct proc *p)
{
	p->state = PROC_FREE;
}

struct proc *proc_by_pid(long pid)
{
	struct proc *p = pid_hash[(unsigned long)pid % PROC_PID_HASH];

	/* Pids only grow, so the last process whose pid hashed here is
	 * nearly always the one; a miss (a free slot, an older pid) scans. */
	if (p && p->pid == pid && p->state != PROC_FREE)
		return p;
	for (unsigned i = 0; i < proc_top; i++)
		if (procs[i].state != PROC_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

struct proc *proc_live_by_pid(long pid)
{
	struct proc *p = proc_by_pid(pid);

	return p && p->state == PROC_LIVE ? p : NULL;
}

void proc_exit(struct proc *p, long status)
{
	/* Kernel objects first: destroying the aspace kills the thread and
	 * retires the ASID, so no hart can walk these tables any more.
	 * Only then are the frames and tables given back for reuse. */
	if (p->aspace >= 0)
		calf_aspace_destroy((unsigned long)p->aspace);
	p->aspace = -1;
	/* Joins and wait()s we held for its threads are answered by nobody
	 * now: the threads are gone with the aspace (the kernel dropped
	 * their blocked calls). */
	thread_forget_all(p);
	uspace_destroy(p);
	p->state = PROC_ZOMBIE;
	p->status = status;

	if (p->pid == VM_INIT_PID) {
		vm_printf("vm: init exited with status %ld, powering off\n", status);
		vm_poweroff(status != 0);
	}

	/* Orphans, running or zombie, go to init, which reaps them; init
	 * may be waiting for any child already. */
	for (unsigned i = 0; i < proc_top; i++)
		if (procs[i].state != PROC_FREE && procs[i].ppid == p->pid)
			procs[i].ppid = VM_INIT_PID;
	thread_wake_waiters(proc_live_by_pid(VM_INIT_PID));

	/* Nobody will ever wait for a process without a parent. */
	if (!proc_live_by_pid(p->ppid))
		proc_free(p);
	else
		thread_wake_waiters(proc_live_by_pid(p->ppid));
}

void proc_kill(struct proc *p, int signal, const char *why)
{
	vm_printf("vm: killed pid %ld (%s): %s\n", p->pid, p->name, why);
	proc_exit(p, VM_STATUS_KILLED + signal);
}

long proc_wait(struct proc *parent, long pid, long *status)
{
	bool any_child = false;

	for (unsigned i = 0; i < proc_top; i++) {
		struct proc *c = &procs[i];

		if (c->state == PROC_FREE || c->ppid != parent->pid || (pid != -1 && c->pid != pid))
			continue;
		any_child = true;
		if (c->state == PROC_ZOMBIE) {
			long reaped = c->pid;

			*status = c->status;
			proc_free(c);
			return reaped;
		}
	}
	return any_child ? -CALF_EBUSY : -CALF_ESRCH;
}

long proc_wait_or_block(struct proc *parent, long pid, long tid, long *status)
{
	long r = proc_wait(parent, pid, status);

	if (r == -CALF_EBUSY)
		thread_hold_wait(parent, tid, pid);
	return r;
}

long proc_ps(unsigned long index, struct proc **out)
{
	long last = 0;

	/* In pid order, so a listing stays in order while processes come
	 * and go between the calls; 64 slots make the quadratic walk
	 * cheap. */
	for (unsigned long k = 0; k <= index; k++) {
		struct proc *best = NULL;

		for (unsigned i = 0; i < proc_top; i++) {
			struct proc *c = &procs[i];

			if (c->state != PROC_FREE && c->pid > last && (!best || c->pid < best->pid))
				best = c;
		}
		if (!best)
			return -CALF_ESRCH;
		last = best->pid;
		*out = best;
	}
	return last;
}

struct proc *proc_next_live(long after)
{
	struct proc *best = NULL;

	for (unsigned i = 0; i < proc_top; i++) {
		struct proc *c = &procs[i];

		if (c->state == PROC_LIVE && c->pid > after && (!best || c->pid < best->pid))
			best = c;
	}
	return best;
}

unsigned proc_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < proc_top; i++)
		if (procs[i].state != PROC_FREE)
			n++;
	return n;
}

long proc_set_foreground(struct proc *caller, long pid)
{
	struct proc *c = proc_live_by_pid(pid);

	if (!c || c->ppid != caller->pid)
		return -CALF_ESRCH;
	foreground = pid;
	return 0;
}

unsigned proc_kill_tree(struct proc *root, long status)
{
	struct proc *job[VM_MAX_PROCS];
	unsigned n = 1;

	/* root and its descendants, parents before children: each child of
	 * a process in the list joins it. A process has one parent, so none
	 * joins twice. */
	job[0] = root;
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < proc_top; k++)
			if (procs[k].state == PROC_LIVE && procs[k].ppid == job[i]->pid)
				job[n++] = &procs[k];
	/* Killing a parent hands its children to init, and frees nobody
	 * else's slot: the later entries are still these live processes. */
	for (unsigned i = 0; i < n; i++)
		proc_exit(job[i], status);
	return n;
}

void proc_interrupt(void)
{
	struct proc *p;

	/* pids are never reused: once the foreground process has ended, its
	 * pid names nobody, and Ctrl-C ends nothing. */
	if (foreground == 0 || !(p = proc_live_by_pid(foreground)))
		return;
	proc_kill_tree(p, VM_STATUS_KILLED + 2);
}
