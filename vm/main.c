/*
 * main.c - the VM server: start-up, then the server loop.
 *
 * Layer: vm/ (target only). The kernel loads this program first, with
 * handle 0 = its own endpoint, the VM right (privileged system calls
 * 32..42) and every free frame mapped in its window (SYS_BOOTINFO). It
 * starts the first program, then serves forever: page faults (from the
 * kernel, on behalf of a faulting thread), the console's interrupt
 * character (from the kernel) and the requests of calf/vm_protocol.h
 * (from processes).
 */
#include "vm/cmdline.h"
#include "vm/fault.h"
#include "vm/print.h"
#include "vm/process.h"
#include "calf/vm_protocol.h"
#include "vm/request.h"
#include "vm/spawn.h"
#include "vm/thread.h"
#include "calf/syscall.h"
#include "vm/vm.h"

struct frame_table vm_frames;
struct calf_bootinfo vm_boot;
struct vm_stats vm_stats;

void vm_main(void) __attribute__((noreturn));

static void start_init(void)
{
	static char block[VM_ARGS_MAX];
	int len = vm_cmdline_init_args(vm_boot.cmdline, block, sizeof(block));
	long pid;

	if (len < 0) {
		vm_printf("vm: cannot parse init's arguments from the command line\n");
		vm_poweroff(1);
	}
	pid = vm_spawn(0, block, (size_t)len);
	if (pid != 1) {
		vm_printf("vm: cannot start init \"%s\": error %ld\n", block, pid);
		vm_poweroff(1);
	}
}

/* The server loop. One pending reply at most: the kernel keeps one per
 * receiving thread, so every request is answered before the next is
 * received (SYS_REPLY_RECV does both in one call), except those whose
 * caller is gone (exit, killed), which get SYS_RECV alone. */
static void __attribute__((noreturn)) serve(void)
{
	struct calf_msg m;
	bool reply = false;

	for (;;) {
		long tid;   /* the sender's thread id */
		long badge = reply ? calf_reply_recv_from(VM_EP, &m, &tid)
				   : calf_recv_from(VM_EP, &m, &tid);

		if (badge < 0) {
			/* Nothing received (e.g. the caller we replied to was
			 * gone): just wait again. */
			reply = false;
			continue;
		}
		if (badge == 0 && m.mr[0] == CALF_LABEL_FAULT) {
			/* Only the kernel sends on a badge-0 handle: every
			 * process's handle carries its pid. */
			reply = vm_fault(&m);
		} else if (badge == 0 && m.mr[0] == CALF_LABEL_THREAD_EXIT) {
			/* A thread ended itself with SYS_THREAD_EXIT: kept
			 * for a join, or, if it was the last, its process has
			 * exited with that status (thread.h). A reply lets the
			 * kernel end the thread. */
			reply = thread_exited((long)m.mr[CALF_EXIT_MR_TID],
					      (long)m.mr[CALF_EXIT_MR_STATUS]);
		} else if (badge == 0 && tid == 0 && m.mr[0] == CALF_LABEL_CONSOLE_INTR) {
			/* The console's interrupt character, sent (no reply
			 * owed) by the kernel itself: end the foreground. */
			proc_interrupt();
			reply = false;
		} else if (badge == 0) {
			m.mr[0] = (unsigned long)-CALF_EINVAL;
			reply = true;
		} else {
			reply = vm_request((unsigned long)badge, tid, &m);
		}
	}
}

void vm_main(void)
{
	struct frame_span spans[CALF_BOOTINFO_MAX_RANGES];
	unsigned n;

	if (calf_bootinfo(&vm_boot) < 0) {
		vm_printf("vm: SYS_BOOTINFO failed\n");
		vm_poweroff(1);
	}
	vm_boot.cmdline[sizeof(vm_boot.cmdline) - 1] = '\0';
	n = vm_boot.nranges < CALF_BOOTINFO_MAX_RANGES ? (unsigned)vm_boot.nranges
							 : CALF_BOOTINFO_MAX_RANGES;
	for (unsigned i = 0; i < n; i++) {
		spans[i].base = vm_boot.ranges[i].base;
		spans[i].size = vm_boot.ranges[i].size;
	}
	if (frame_table_init(&vm_frames, (void *)vm_boot.window, vm_boot.window_pa_base, spans,
			     n) != 0) {
		vm_printf("vm: too little memory for the frame table\n");
		vm_poweroff(1);
	}
	vm_printf("vm: %lu frames free (%lu KiB)\n", (unsigned long)vm_frames.nfree,
		  (unsigned long)(vm_frames.nfree * 4));
	thread_init();
	request_init();
	start_init();
	serve();
}
