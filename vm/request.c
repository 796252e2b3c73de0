/*
 * request.c - serving vm/protocol.h (see request.h).
 *
 * Layer: vm/ (target only). The badge is the caller's pid: the VM server
 * granted each process its handle 0 with that badge, so a request cannot
 * claim to come from someone else.
 */
#include "vm/request.h"
#include "vm/libc.h"
#include "vm/process.h"
#include "vm/protocol.h"
#include "vm/rendezvous.h"
#include "vm/spawn.h"
#include "vm/uspace.h"
#include "vm/vm.h"

static long do_spawn(struct proc *caller, unsigned long uva, unsigned long len)
{
	static char block[VM_ARGS_MAX];   /* static: keep the VM server's stack small */
	int err;

	if (len == 0 || len > VM_ARGS_MAX)
		return -CALF_EINVAL;
	err = uspace_copy_in(caller, block, uva, len);
	if (err)
		return err;
	return vm_spawn(caller->pid, block, len);
}

static long do_sbrk(struct proc *p, long incr)
{
	uint64_t old_brk, old_end, new_end;
	int err;

	/* Heap pages get frames only when touched, but promise no more than
	 * there is: refuse growth beyond the frames free right now. */
	if (incr > 0 && ((uint64_t)incr >> SV39_PAGE_SHIFT) >= vm_frames.nfree)
		return -CALF_ENOMEM;
	err = region_brk(&p->regions, incr, &old_brk, &old_end, &new_end);
	if (err)
		return err;
	if (new_end < old_end)
		uspace_unmap_range(p, new_end, old_end);   /* frames back, TLB flushed */
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
	};

	for (unsigned i = 0; i < 5; i++)
		out[i] = first + i < VM_STAT_COUNT ? all[first + i] : 0;
	return VM_STAT_COUNT;
}

bool vm_request(unsigned long badge, struct vm_msg *m)
{
	struct proc *p = proc_live_by_pid((long)badge);
	unsigned long label = m->mr[0], a1 = m->mr[1], a2 = m->mr[2], tid = m->sender_tid;
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
		r = proc_wait_or_block(p, (long)a1, (long)tid, &status);
		if (r == -CALF_EBUSY)
			return false;   /* held: the child's exit replies (SYS_REPLY_TO) */
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
		sys_poweroff(a1 != 0);
	case VM_SBRK:
		r = do_sbrk(p, (long)a1);
		break;
	case VM_STATS:
		r = do_stats(a1, &m->mr[1]);
		break;
	default:
		r = -CALF_ENOSYS;
		break;
	}
	m->mr[0] = (unsigned long)r;
	return true;
}
