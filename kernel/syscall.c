/*
 * syscall.c - dispatch system calls, and the simple ones.
 *
 * Layer: kernel/. IPC lives in ipc.c, the privileged calls in priv.c.
 * An unknown number returns -CALF_ENOSYS and a privileged number from a
 * thread without the VM right -CALF_EPERM: bad input never panics.
 */
#include "kernel/console_input.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/usercopy.h"
#include "kernel/vm_boot.h"

#define ARG(t, i) ((t)->ctx.regs[REG_A0 + (i)])

/* Console writes go out in pieces of at most this many bytes: a partial
 * write is a normal result (like POSIX write), and a restarted call
 * never prints a piece twice. */
#define CONSOLE_CHUNK 1024

static long sys_null(struct thread *t)
{
	(void)t;
	return 0;
}

static long sys_console_write(struct thread *t)
{
	char buf[CONSOLE_CHUNK];
	uint64_t len = ARG(t, 1);
	struct usercopy_fault f;

	/* Writing nothing checks nothing, as write(2) with a zero count and
	 * as SYS_CONSOLE_READ: 0 whatever the buffer. */
	if (len == 0)
		return 0;
	if (ARG(t, 0) >= SV39_USER_TOP || len > SV39_USER_TOP - ARG(t, 0))
		return -CALF_EFAULT;
	if (len > CONSOLE_CHUNK)
		len = CONSOLE_CHUNK;
	int err = copy_from_user(t, buf, ARG(t, 0), len, &f);
	if (err)
		return usercopy_fail(t, err, &f);
	console_user_write(t, buf, len);
	return (long)len;
}

static long sys_yield(struct thread *t)
{
	(void)t;
	sched_yield();
	return 0;
}

static long sys_thread_exit(struct thread *t)
{
	if (t->pager) {
		/* Tell the pager (for a process, the VM server): it has to
		 * know when a process's last thread is gone. */
		uint64_t msg[CALF_MSG_WORDS] = {
			[0] = CALF_LABEL_THREAD_EXIT,
			[CALF_EXIT_MR_STATUS] = t->ctx.regs[REG_A0],
			[CALF_EXIT_MR_PC] = t->ctx.sepc,
			[CALF_EXIT_MR_TID] = t->tid,
		};
		ipc_call_kernel_msg(t, t->pager, t->pager_badge, msg, FAULT_EXIT);
		return SYSCALL_DONE;
	}
	thread_kill(t);
	return SYSCALL_DONE;
}

static long sys_thread_self(struct thread *t)
{
	return (long)t->tid;
}

static long sys_endpoint_create(struct thread *t)
{
	struct endpoint *ep = endpoint_create();
	if (!ep)
		return -CALF_ENOMEM;
	long h = handle_install(t->as, ep, 0, true);   /* the creator receives */
	if (h < 0)
		ep->used = false;           /* no handle, no endpoint */
	return h;
}

static long sys_handle_close(struct thread *t)
{
	if (!handle_lookup(t->as, ARG(t, 0)))
		return -CALF_EBADF;
	handle_close(t->as, ARG(t, 0));
	return 0;
}

static long sys_time(struct thread *t)
{
	(void)t;
	return (long)rdtime();
}

static long sys_timebase(struct thread *t)
{
	(void)t;
	return (long)timer_timebase();
}

static long sys_bootinfo(struct thread *t)
{
	struct usercopy_fault f;

	if (ARG(t, 0) & 7)
		return -CALF_EINVAL;         /* the structure needs 8-byte alignment */
	int err = copy_to_user(t, ARG(t, 0), &boot_info, sizeof(boot_info), &f);
	return err ? usercopy_fail(t, err, &f) : 0;
}

static const syscall_fn syscall_table[SYS_COUNT] = {
	[SYS_NULL] = sys_null,
	[SYS_CONSOLE_WRITE] = sys_console_write,
	[SYS_CONSOLE_READ] = sys_console_read,
	[SYS_YIELD] = sys_yield,
	[SYS_THREAD_EXIT] = sys_thread_exit,
	[SYS_THREAD_SELF] = sys_thread_self,
	[SYS_SEND] = sys_send,
	[SYS_RECV] = sys_recv,
	[SYS_CALL] = sys_call,
	[SYS_REPLY] = sys_reply,
	[SYS_REPLY_RECV] = sys_reply_recv,
	[SYS_ENDPOINT_CREATE] = sys_endpoint_create,
	[SYS_HANDLE_CLOSE] = sys_handle_close,
	[SYS_TIME] = sys_time,
	[SYS_TIMEBASE] = sys_timebase,
	[SYS_BOOTINFO] = sys_bootinfo,
	[SYS_REPLY_TO] = sys_reply_to,
	[SYS_SLEEP] = sys_sleep,
	[SYS_ASPACE_CREATE] = sys_aspace_create,
	[SYS_ASPACE_DESTROY] = sys_aspace_destroy,
	[SYS_THREAD_CREATE] = sys_thread_create,
	[SYS_THREAD_KILL] = sys_thread_kill,
	[SYS_THREAD_GET_REGS] = sys_thread_get_regs,
	[SYS_THREAD_SET_REGS] = sys_thread_set_regs,
	[SYS_TLB_INVALIDATE] = sys_tlb_invalidate,
	[SYS_HANDLE_GRANT] = sys_handle_grant,
	[SYS_POWEROFF] = sys_poweroff,
	[SYS_FENCE_I] = sys_fence_i,
	[SYS_THREAD_START] = sys_thread_start,
};

#define SYS_FIRST_PRIVILEGED 32

/* An ecall from U-mode (trap_entry.S). Returns the context to resume. */
struct user_context *syscall_from_user(struct user_context *ctx)
{
	struct thread *t = (struct thread *)ctx;
	uint64_t n = ctx->regs[REG_A7];
	syscall_fn fn;
	long r;

	/* trap_entry.S already moved sepc past the ecall, and tried the IPC
	 * fast paths (ipc_fastpath.S) for SYS_CALL and SYS_REPLY_RECV. */
	if (n >= SYS_COUNT || !(fn = syscall_table[n]))
		r = -CALF_ENOSYS;
	else if (n >= SYS_FIRST_PRIVILEGED && !t->vm_right)
		r = -CALF_EPERM;
	else
		r = fn(t);
	if (r != SYSCALL_DONE)
		ctx->regs[REG_A0] = (uint64_t)r;
	return sched_next_context();
}
