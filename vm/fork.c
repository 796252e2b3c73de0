/*
 * fork.c - VM_FORK (docs/architecture.md, Fork, exec, exit, wait; see
 * fork.h).
 *
 * Layer: vm/ (target only). A child is page tables (space.c) and kernel
 * objects: an aspace, its handle 0, and a thread that starts with the
 * parent's registers.
 *
 * The order matters:
 *  1. read the parent's registers first: it is blocked in its call to
 *     us, so they are complete, and nothing is built if that fails;
 *  2. clone the page tables (space_fork): the child gets a root and
 *     level-1 tables of its own and shares the parent's level-0 tables
 *     copy-on-write, each with one more share; a table shared for the
 *     first time has its writable pages made read-only + COW. No data
 *     page is read or copied, and no per-page count changes: the cost
 *     follows the page tables;
 *  3. flush the parent's TLB, whether or not the clone succeeded: some
 *     of its pages may have lost W, and a stale writable TLB entry would
 *     let it write into a frame the child now shares;
 *  4. the kernel objects, with the thread created suspended so that its
 *     registers are set before it ever runs.
 * Any failure tears the half-built child down, returning every frame.
 */
#include "vm/fork.h"
#include "vm/reply.h"
#include "vm/space.h"
#include "vm/thread.h"
#include "calf/syscall.h"
#include "vm/uspace.h"
#include "vm/vm.h"

long vm_fork(struct proc *parent, long caller)
{
	static struct calf_regs regs;   /* static: the kernel copies to it */
	struct proc *c;
	long r, tid;
	int err;

	if (calf_thread_get_regs((unsigned long)caller, &regs) < 0)
		return -CALF_EINVAL;
	c = proc_alloc(parent->pid, parent->name);
	if (!c)
		return -CALF_EAGAIN;

	err = space_fork(&c->space, &parent->space);
	uspace_flush(parent, 0, 0);   /* 0, 0: the whole address space */
	if (err)
		goto fail;
	region_set_copy(&c->regions, &parent->regions);   /* brk and the heap's limit too */
	c->merge = parent->merge;       /* merge advice is inherited */

	r = calf_aspace_create(c->space.root_pa);
	if (r < 0) {
		err = -CALF_ENOMEM;
		goto fail;
	}
	c->aspace = r;
	/* Handle 0 = the VM endpoint, badged with the child's pid. Other
	 * handles of the parent (rendezvous endpoints) are not inherited. */
	r = calf_handle_grant((unsigned long)c->aspace, VM_EP, (unsigned long)c->pid, 0);
	if (r != CALF_HANDLE_VM) {
		err = -CALF_ENOMEM;
		goto fail;
	}
	r = calf_sys_thread_create((unsigned long)c->aspace, regs.pc, regs.x[2], VM_EP,
				   CALF_PRIO_DEFAULT | CALF_THREAD_SUSPENDED, 0);
	if (r < 0) {
		err = -CALF_ENOMEM;
		goto fail;
	}
	tid = r;
	/* The parent's pc is already past its ecall; the child resumes
	 * there as if its VM_FORK call had returned 0. */
	reply_fork_child_regs(&regs);
	if (calf_thread_set_regs((unsigned long)tid, &regs) < 0) {
		err = -CALF_EINVAL;
		goto fail;   /* the aspace's destruction takes the thread */
	}
	if (!thread_add(c, tid)) {
		err = -CALF_EAGAIN;
		goto fail;
	}
	calf_thread_start((unsigned long)tid);
	vm_stats.forks++;
	return c->pid;

fail:
	if (c->aspace >= 0)
		calf_aspace_destroy((unsigned long)c->aspace);
	space_destroy(&c->space);
	proc_free(c);
	return err;
}
