/*
 * priv.c - the privileged system calls of the VM server.
 *
 * Layer: kernel/. The dispatcher lets only a thread holding the VM right
 * in here (syscall.c). Even so, every argument is checked: a VM server
 * bug should be an error code, not a kernel crash.
 */
#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/power.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/syscall.h"
#include "kernel/usercopy.h"
#include "kernel/vm_boot.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"

#define ARG(t, i) ((t)->ctx.regs[REG_A0 + (i)])

/* Is [pa, pa+4096) one of the frames handed to the VM server? */
static bool vm_owns_frame(uint64_t pa)
{
	if (pa & (PAGE_SIZE - 1))
		return false;
	for (unsigned long i = 0; i < boot_info.nranges; i++)
		if (pa >= boot_info.ranges[i].base &&
		    pa - boot_info.ranges[i].base < boot_info.ranges[i].size)
			return true;
	return false;
}

long sys_aspace_create(struct thread *t)
{
	uint64_t root = ARG(t, 0);

	if (!vm_owns_frame(root))
		return -CALF_EINVAL;
	struct aspace *as = aspace_create(root);
	return as ? (long)as->id : -CALF_ENOMEM;
}

long sys_aspace_destroy(struct thread *t)
{
	struct aspace *as = aspace_lookup(ARG(t, 0));
	if (!as)
		return -CALF_ENOENT;
	if (as == t->as)
		return -CALF_EINVAL;      /* not its own */
	aspace_destroy(as);
	return 0;
}

long sys_thread_create(struct thread *t)
{
	struct aspace *as = aspace_lookup(ARG(t, 0));
	uint64_t pc = ARG(t, 1), sp = ARG(t, 2), pager = ARG(t, 3);
	uint64_t prio = ARG(t, 4) & ~(uint64_t)CALF_THREAD_SUSPENDED;
	bool suspended = ARG(t, 4) & CALF_THREAD_SUSPENDED;
	struct handle *h = NULL;

	if (!as)
		return -CALF_ENOENT;
	if (pc >= SV39_USER_TOP || sp > SV39_USER_TOP || prio > CALF_PRIO_MAX)
		return -CALF_EINVAL;
	if (pager != (uint64_t)-1 && !(h = handle_lookup(t->as, pager)))
		return -CALF_EBADF;
	struct thread *n = thread_alloc();
	if (!n)
		return -CALF_ENOMEM;
	n->as = as;
	as->nthreads++;
	n->priority = (int)prio;
	n->ctx.sepc = pc;
	n->ctx.regs[REG_SP] = sp;
	n->ctx.regs[REG_A0] = ARG(t, 5);
	if (h) {
		n->pager = h->ep;
		n->pager_badge = h->badge;
		endpoint_ref(h->ep);
	}
	if (suspended)
		n->state = THREAD_SUSPENDED;
	else
		sched_make_runnable(n);
	return (long)n->tid;
}

long sys_thread_start(struct thread *t)
{
	struct thread *x = thread_lookup(ARG(t, 0));
	if (!x)
		return -CALF_ESRCH;
	if (x->state != THREAD_SUSPENDED)
		return -CALF_EBUSY;
	sched_make_runnable(x);
	return 0;
}

long sys_thread_kill(struct thread *t)
{
	struct thread *victim = thread_lookup(ARG(t, 0));
	if (!victim)
		return -CALF_ESRCH;
	thread_kill(victim);
	return victim == t ? SYSCALL_DONE : 0;
}

long sys_thread_get_regs(struct thread *t)
{
	struct thread *x = thread_lookup(ARG(t, 0));
	struct calf_regs regs;
	struct usercopy_fault f;

	if (!x)
		return -CALF_ESRCH;
	/* The caller's own registers are live in this hart, not in its
	 * saved context (a system call saves only what it must). */
	if (x == t || (ARG(t, 1) & 7))
		return -CALF_EINVAL;
	if (thread_running_elsewhere(x))
		return -CALF_EBUSY;   /* its registers are in another hart */
	for (int i = 0; i < 32; i++)
		regs.x[i] = x->ctx.regs[i];
	regs.x[0] = 0;
	regs.pc = x->ctx.sepc;
	int err = copy_to_user(t, ARG(t, 1), &regs, sizeof(regs), &f);
	return err ? usercopy_fail(t, err, &f) : 0;
}

long sys_thread_set_regs(struct thread *t)
{
	struct thread *x = thread_lookup(ARG(t, 0));
	struct calf_regs regs;
	struct usercopy_fault f;

	if (!x)
		return -CALF_ESRCH;
	if (x == t || (ARG(t, 1) & 7))
		return -CALF_EINVAL;
	if (thread_running_elsewhere(x))
		return -CALF_EBUSY;   /* its registers are in another hart */
	int err = copy_from_user(t, &regs, ARG(t, 1), sizeof(regs), &f);
	if (err)
		return usercopy_fail(t, err, &f);
	if (regs.pc >= SV39_USER_TOP)
		return -CALF_EINVAL;
	for (int i = 1; i < 32; i++)
		x->ctx.regs[i] = regs.x[i];
	x->ctx.sepc = regs.pc;
	return 0;
}

long sys_tlb_invalidate(struct thread *t)
{
	struct aspace *as = aspace_lookup(ARG(t, 0));
	uint64_t va = ARG(t, 1), len = ARG(t, 2);

	if (!as)
		return -CALF_ENOENT;
	/* A range of the user half, not wrapping: [va, va + len) with
	 * va + len past 2^64 would flush nothing, or loop for ever. */
	if (va >= SV39_USER_TOP || len > SV39_USER_TOP - va)
		return -CALF_EINVAL;
	aspace_tlb_invalidate(as, va, len);
	return 0;
}

long sys_handle_grant(struct thread *t)
{
	struct aspace *as = aspace_lookup(ARG(t, 0));
	struct handle *h = handle_lookup(t->as, ARG(t, 1));

	if (!as)
		return -CALF_ENOENT;
	if (!h)
		return -CALF_EBADF;
	/* Never more rights than the granter's own handle has. */
	bool can_recv = (ARG(t, 3) & CALF_RIGHT_RECV) && h->can_recv;
	return handle_install(as, h->ep, ARG(t, 2), can_recv);
}

long sys_poweroff(struct thread *t)
{
	int failure = ARG(t, 0) != 0;
	kprintf("poweroff: requested by the VM server (%s); ASID generations rolled over: %lu\n",
		failure ? "failure" : "success", asid_rollovers());
	power_off(failure);
}

long sys_fence_i(struct thread *t)
{
	(void)t;
	/* Make stores to memory that will run as code visible to
	 * instruction fetch (Zifencei): on this hart, and on the others
	 * through SBI RFENCE. */
	__asm__ volatile("fence.i" ::: "memory");
	uint64_t others = smp_others_mask();
	if (others)
		sbi_remote_fence_i(others);
	return 0;
}
