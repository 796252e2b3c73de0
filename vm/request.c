/*
 * request.c - serving calf/vm_protocol.h (see request.h).
 *
 * Layer: vm/ (target only). The badge is the caller's pid: the VM server
 * granted each process its handle 0 with that badge, so a request cannot
 * claim to come from someone else.
 */
#include "vm/request.h"
#include "calf/vm_protocol.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "vm/fork.h"
#include "vm/inspect.h"
#include "vm/merge.h"
#include "vm/process.h"
#include "vm/rendezvous.h"
#include "vm/reply.h"
#include "vm/space.h"
#include "vm/spawn.h"
#include "vm/thread.h"
#include "vm/trace.h"
#include "vm/uspace.h"
#include "vm/vm.h"

static char block[VM_ARGS_MAX];   /* static: keep the VM server's stack small */

/* The caller's argument block (VM_SPAWN, VM_EXEC) into block[]. */
static int copy_args(struct proc *caller, unsigned long uva, unsigned long len)
{
	if (len == 0 || len > VM_ARGS_MAX)
		return -CALF_EINVAL;
	return uspace_copy_in(caller, block, uva, len);
}

static long do_spawn(struct proc *caller, unsigned long uva, unsigned long len)
{
	int err = copy_args(caller, uva, len);

	return err ? err : vm_spawn(caller->pid, block, len);
}

static long do_exec(struct proc *caller, unsigned long uva, unsigned long len)
{
	int err = copy_args(caller, uva, len);

	if (err)
		return err;
	/* Read before vm_exec: the caller's memory is gone after it. */
	err = (int)vm_exec(caller, block, len);
	if (err == 0)
		vm_stats.execs++;
	return err;
}

/* Anonymous memory reads as zeros and takes a frame on the first store
 * only; but, as for sbrk, promise no more than the frames free now. */
static long do_mmap(struct proc *p, unsigned long len)
{
	uint64_t addr;
	int err;

	if (len == 0)
		return -CALF_EINVAL;
	if ((len >> SV39_PAGE_SHIFT) >= vm_frames.nfree)
		return -CALF_ENOMEM;
	err = region_mmap(&p->regions, len, &addr);
	return err ? err : (long)addr;
}

/* The regions of a request that also unmaps pages are changed in a
 * copy, kept only once the pages are gone: unmapping can fail for want
 * of a frame (a shared page table to copy, space.h), and then the
 * request fails with nothing changed. Static: it is large for the VM
 * server's stack. */
static struct region_set scratch;

static long do_munmap(struct proc *p, unsigned long addr, unsigned long len)
{
	int err;

	region_set_copy(&scratch, &p->regions);
	err = region_munmap(&scratch, addr, len);
	if (err)
		return err;
	/* The pages go too, and their frames back to the pool (those still
	 * shared with a fork stay with the other process). */
	err = uspace_unmap_range(p, addr,
				 addr + ((len + SV39_PAGE_SIZE - 1) & ~(SV39_PAGE_SIZE - 1)));
	if (err)
		return err;
	region_set_copy(&p->regions, &scratch);
	merge_forget(p, addr, addr + len);
	return 0;
}

/* kill(pid), or with tree the job pid leads (VM_KILL_TREE). Returns
 * false when the caller killed itself (no reply). */
static bool do_kill(struct proc *caller, long pid, bool tree, long *result)
{
	struct proc *victim = proc_live_by_pid(pid);

	if (!victim) {
		*result = -CALF_ESRCH;
		return true;
	}
	if (victim->pid == VM_INIT_PID) {
		*result = -CALF_EPERM;
		return true;
	}
	/* Wherever its thread is blocked (in IPC, in a call to us that we
	 * hold, like wait, or queued with a fault), destroying its aspace
	 * in proc_exit ends it in the kernel; proc_exit forgets the
	 * deferred wait we held for it. */
	/* Asked for, so no message (unlike a fault): status 128 + SIGKILL. */
	if (tree) {
		/* The caller may be in the tree: then it is no longer live. */
		*result = proc_kill_tree(victim, VM_STATUS_KILLED + 9);
		return caller->state == PROC_LIVE;
	}
	proc_exit(victim, VM_STATUS_KILLED + 9);
	*result = 0;
	return victim != caller;
}

/* Same-page merging: on or off (VM_MERGE_CTL), and the merge daemon's
 * scan held while it is off. */
static bool merge_on;
static long merge_waiter = -1, merge_waiter_pid;

/* The waiting scan's thread, if it is still there to answer (its
 * process may have ended, or exec'd and so lost that thread). */
static bool merge_waiter_alive(void)
{
	struct proc *w = merge_waiter >= 0 ? proc_live_by_pid(merge_waiter_pid) : NULL;

	return w && thread_of(w, merge_waiter);
}

static long merge_ctl(unsigned long what)
{
	if (what > 2)
		return -CALF_EINVAL;
	if (what < 2)
		merge_on = what;
	if (merge_on && merge_waiter >= 0) {
		/* The daemon waited: it may scan now ("0 looked at"). */
		struct calf_msg m = { { 0 } };

		if (merge_waiter_alive())
			calf_reply_to((unsigned long)merge_waiter, &m);
		merge_waiter = -1;
	}
	return merge_on;
}

void request_init(void)
{
	merge_on = cmdline_has(vm_boot.cmdline, "merge=on");
}

/* ps(index) (calf/vm_protocol.h). */
static long do_ps(unsigned long index, unsigned long *out)
{
	struct proc *q;
	long pid = proc_ps(index, &q);

	if (pid < 0)
		return pid;
	out[0] = (unsigned long)q->ppid;
	if (q->state == PROC_ZOMBIE)
		out[1] = VM_PS_ZOMBIE;
	else
		out[1] = thread_any_waiting(q) ? VM_PS_WAITING : VM_PS_RUNNING;
	out[2] = space_resident(&q->space);
	reply_pack_name(q->name, &out[3]);
	return pid;
}

/* The process a tool asks about: pid, or the caller for 0. */
static struct proc *subject(struct proc *caller, long pid)
{
	return pid == 0 ? caller : proc_live_by_pid(pid);
}

/* region(pid, index) (calf/vm_protocol.h). */
static long do_region(struct proc *caller, long pid, unsigned long index, unsigned long *out)
{
	const struct proc *q = subject(caller, pid);
	const struct region *r;

	if (!q)
		return -CALF_ESRCH;
	if (index >= q->regions.n)
		return -CALF_ENOENT;
	/* The index-th in address order: the one with `index` regions
	 * before it (an empty heap may start where another region does:
	 * then the table's order decides). At most REGION_MAX regions. */
	r = NULL;
	for (unsigned i = 0; i < q->regions.n && !r; i++) {
		const struct region *ri = &q->regions.r[i];
		unsigned before = 0;

		for (unsigned j = 0; j < q->regions.n; j++) {
			const struct region *rj = &q->regions.r[j];

			before += rj->start < ri->start || (rj->start == ri->start && j < i);
		}
		if (before == index)
			r = ri;
	}
	out[0] = r->start;
	out[1] = r->end;
	out[2] = ((r->prot & REGION_R) ? VM_PROT_R : 0) | ((r->prot & REGION_W) ? VM_PROT_W : 0) |
		 ((r->prot & REGION_X) ? VM_PROT_X : 0);
	reply_pack_name(region_name(r), &out[3]);
	return 0;
}

/* pt_entry(pid, va, level) (calf/vm_protocol.h). */
static long do_pt_entry(struct proc *caller, long pid, unsigned long va, unsigned long level,
			unsigned long *out)
{
	const struct proc *q = subject(caller, pid);
	uint64_t at = va;
	int l = (int)level;
	sv39_pte_t pte;

	if (!q)
		return -CALF_ESRCH;
	/* A cursor in the user half only: the kernel half's tables are not
	 * the VM server's to read (they are not in its window), and a walk
	 * into them would fault the VM server. */
	if (level > VM_PT_START || (level < VM_PT_START && va >= SV39_USER_TOP))
		return -CALF_EINVAL;
	if (!inspect_next_entry(&vm_frames, &q->space, &at, &l, &pte))
		return 0;
	out[0] = at;
	out[1] = (unsigned long)l;
	out[2] = pte;
	out[3] = frame_refcount(&vm_frames, sv39_pte_pa(pte));
	out[4] = sv39_pte_pa(pte) == vm_frames.zero_pa && l == SV39_LEVEL_4K ? VM_PT_ZERO_FRAME : 0;
	return 1;
}

static long do_sbrk(struct proc *p, long incr)
{
	uint64_t old_brk, old_end, new_end;
	int err;

	/* Heap pages get frames only when touched, but promise no more than
	 * there is: refuse growth beyond the frames free right now. */
	if (incr > 0 && ((uint64_t)incr >> SV39_PAGE_SHIFT) >= vm_frames.nfree)
		return -CALF_ENOMEM;
	if (incr >= 0) {   /* growing unmaps nothing */
		err = region_brk(&p->regions, incr, &old_brk, &old_end, &new_end);
		return err ? err : (long)old_brk;
	}
	region_set_copy(&scratch, &p->regions);
	err = region_brk(&scratch, incr, &old_brk, &old_end, &new_end);
	if (err)
		return err;
	if (new_end < old_end) {
		err = uspace_unmap_range(p, new_end, old_end);   /* frames back, TLB flushed */
		if (err)
			return err;
		merge_forget(p, new_end, old_end);
	}
	region_set_copy(&p->regions, &scratch);
	return (long)old_brk;
}

static long do_stats(unsigned long first, unsigned long *out)
{
	unsigned long all[VM_STAT_COUNT] = {
		[VM_STAT_FREE_FRAMES] = vm_frames.nfree,
		[VM_STAT_TOTAL_FRAMES] = vm_frames.nframes,
		[VM_STAT_FAULTS] = vm_stats.faults,
		[VM_STAT_ZERO_MAPS] = vm_stats.zero_maps,
		[VM_STAT_ZERO_FILLS] = vm_stats.zero_fills,
		[VM_STAT_COW_FAULTS] = vm_stats.cow_faults,
		[VM_STAT_COW_COPIES] = vm_stats.cow_copies,
		[VM_STAT_COW_REUSES] = vm_stats.cow_reuses,
		[VM_STAT_FORKS] = vm_stats.forks,
		[VM_STAT_OOM_KILLS] = vm_stats.oom_kills,
		[VM_STAT_EXECS] = vm_stats.execs,
		[VM_STAT_PROCS] = proc_count(),
		[VM_STAT_COW_ZERO] = vm_stats.cow_zero,
		[VM_STAT_RETRIES] = vm_stats.retries,
		[VM_STAT_REFUSED] = vm_stats.refused,
		[VM_STAT_TABLE_COPIES] = vm_stats.table_copies,
		[VM_STAT_MERGE_UNSHARED] = merge_stats.unshared,
		[VM_STAT_MERGE_SCANS] = merge_stats.full_scans,
		[VM_STAT_MERGE_SCANNED] = merge_stats.scanned,
		[VM_STAT_MERGE_MERGED] = merge_stats.merged,
		[VM_STAT_MERGE_ZERO] = merge_stats.zero,
		[VM_STAT_MERGE_COST] = merge_stats.cost,
		[VM_STAT_THREADS] = vm_stats.threads,
	};

	if (first <= VM_STAT_MERGE_SHARING && first + 5 > VM_STAT_MERGE_SHARED)
		merge_sharing(&all[VM_STAT_MERGE_SHARED], &all[VM_STAT_MERGE_SHARING]);

	for (unsigned i = 0; i < 5; i++)
		out[i] = first + i < VM_STAT_COUNT ? all[first + i] : 0;
	return VM_STAT_COUNT;
}

bool vm_request(unsigned long badge, long tid, struct calf_msg *m)
{
	struct proc *p = proc_live_by_pid((long)badge);
	unsigned long label = m->mr[0], a1 = m->mr[1], a2 = m->mr[2], a3 = m->mr[3];
	unsigned long a4 = m->mr[4];
	long status = 0, r;

	memset(m, 0, sizeof(*m));
	if (!p) {
		m->mr[0] = (unsigned long)-CALF_ESRCH;
		return true;
	}
	switch (label) {
	case VM_SPAWN:
		r = do_spawn(p, a1, a2);
		break;
	case VM_EXIT:
		proc_exit(p, (long)a1);
		return false;   /* its thread is gone: nothing to reply to */
	case VM_WAIT:
		r = proc_wait_or_block(p, (long)a1, tid, &status);
		if (r == -CALF_EBUSY)
			return false;   /* held: the child's exit replies (SYS_REPLY_TO) */
		m->mr[1] = (unsigned long)status;
		break;
	case VM_WAIT_NOHANG:
		r = proc_wait(p, (long)a1, &status);
		if (r == -CALF_EBUSY)
			r = 0;          /* none has ended yet */
		m->mr[1] = (unsigned long)status;
		break;
	case VM_GETPID:
		r = p->pid;
		break;
	case VM_GETPPID:
		r = p->ppid;
		break;
	case VM_RENDEZVOUS:
		r = vm_rendezvous(p, a1);
		break;
	case VM_POWEROFF:
		vm_poweroff(a1 != 0);
	case VM_SBRK:
		r = do_sbrk(p, (long)a1);
		break;
	case VM_STATS:
		r = do_stats(a1, &m->mr[1]);
		break;
	case VM_FORK:
		r = vm_fork(p, tid);
		break;
	case VM_EXEC:
		r = do_exec(p, a1, a2);
		if (r == 0)
			return false;   /* the caller's thread is gone; the new one runs */
		break;
	case VM_KILL:
	case VM_KILL_TREE:
		if (!do_kill(p, (long)a1, label == VM_KILL_TREE, &r))
			return false;   /* it killed itself */
		break;
	case VM_MMAP:
		r = do_mmap(p, a1);
		break;
	case VM_MUNMAP:
		r = do_munmap(p, a1, a2);
		break;
	case VM_PS:
		r = do_ps(a1, &m->mr[1]);
		break;
	case VM_FOREGROUND:
		r = proc_set_foreground(p, (long)a1);
		break;
	case VM_REGION:
		r = do_region(p, (long)a1, a2, &m->mr[1]);
		break;
	case VM_PT_ENTRY:
		r = do_pt_entry(p, (long)a1, a2, a3, &m->mr[1]);
		break;
	case VM_TRACE:
		r = trace_set(a1, (long)a2);
		break;
	case VM_MERGE_ADVISE:
		r = merge_advise(p, a1, a2, a3);
		break;
	case VM_MERGE_SCAN:
		if ((a2 & VM_MERGE_WAIT) && !merge_on) {
			/* Held until merging is switched on (VM_MERGE_CTL); one
			 * waiter only, or the first would never be answered. */
			if (merge_waiter_alive()) {
				r = -CALF_EBUSY;
				break;
			}
			merge_waiter = tid;
			merge_waiter_pid = p->pid;
			return false;
		}
		/* Bounded: while it scans, every fault in the system waits. */
		r = (long)merge_scan(a1 < VM_MERGE_SCAN_MAX ? a1 : VM_MERGE_SCAN_MAX, &m->mr[1]);
		break;
	case VM_MERGE_CTL:
		r = merge_ctl(a1);
		break;
	case VM_THREAD_CREATE:
		r = thread_create(p, a1, a2, a3, a4);
		break;
	case VM_THREAD_JOIN:
		r = thread_join(p, tid, (long)a1, &status);
		if (r == -CALF_EBUSY)
			return false;   /* held: the thread's exit replies */
		m->mr[1] = (unsigned long)status;
		break;
	default:
		r = -CALF_ENOSYS;
		break;
	}
	m->mr[0] = (unsigned long)r;
	return true;
}
