/*
 * fault.c - forward user exceptions to the pager, or kill.
 *
 * Layer: kernel/. With CALF_FASTPATH, a fault for a pager that is
 * waiting goes to it through fault_fastpath.h; otherwise, and always
 * when built with FASTPATH=0, through ipc_call_kernel_msg (ipc.c).
 */
#include "kernel/fault.h"
#include "kernel/ipc.h"
#if CALF_FASTPATH
#include "kernel/fault_fastpath.h"
#endif
#include "kernel/sched.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/trap.h"

/* Only page faults are about a mapping the pager can change. A
 * misaligned access or an access fault (PMP, no memory there) would fault
 * again whatever the page table says, so they are reported as "other":
 * the pager kills, it does not retry. (scause tells which it was.) */
static uint64_t access_kind(uint64_t scause)
{
	switch (scause) {
	case EXC_LOAD_PAGE_FAULT:
		return CALF_FAULT_READ;
	case EXC_STORE_PAGE_FAULT:
		return CALF_FAULT_WRITE;
	case EXC_INST_PAGE_FAULT:
		return CALF_FAULT_EXEC;
	default:
		return CALF_FAULT_OTHER;
	}
}

struct user_context *fault_from_user(struct thread *t, uint64_t scause, uint64_t stval)
{
	if (t->vm_right) {
		/* The VM server is the pager of last resort: nobody can
		 * resolve its faults, and nothing works without it. */
		struct trap_frame tf;
		for (int i = 0; i < 32; i++)
			tf.regs[i] = t->ctx.regs[i];
		tf.sepc = t->ctx.sepc;
		tf.sstatus = 0;
		tf.scause = scause;
		tf.stval = stval;
		panic_frame(&tf, "the VM server faulted");
	}
	if (!t->pager) {
		kprintf("kernel: killed thread %lu: %s at 0x%lx, pc 0x%lx\n",
			t->tid, scause_name(scause), stval, t->ctx.sepc);
		thread_kill(t);
		return NULL;
	}
	uint64_t msg[CALF_MSG_WORDS] = {
		[CALF_FAULT_MR_LABEL] = CALF_LABEL_FAULT,
		[CALF_FAULT_MR_ADDR] = stval,
		[CALF_FAULT_MR_ACCESS] = access_kind(scause),
		[CALF_FAULT_MR_PC] = t->ctx.sepc,
		[CALF_FAULT_MR_CAUSE] = scause,
		[CALF_FAULT_MR_TID] = t->tid,
	};
#if CALF_FASTPATH
	struct user_context *next = ipc_fastpath_fault(t, msg, sched_queued);
	if (next)
		return next;
#endif
	ipc_call_kernel_msg(t, t->pager, t->pager_badge, msg, FAULT_USER);
	return NULL;
}
