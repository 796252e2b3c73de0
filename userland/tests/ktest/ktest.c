/*
 * ktest - the kernel's integration test, run as a user program.
 *
 * Layer: userland/. Starts the programs ipcpeer and faulter from the
 * boot archive.
 *
 * Each check prints "ok   NAME" or "FAIL NAME: why"; the last line is
 * "ktest: N passed, N failed" and the exit status is 0 only if nothing
 * failed. The groups:
 *   (a) system-call round trips        (d) stack growth through the pager
 *   (b) bad system calls are refused   (e) the pager kills bad programs
 *   (c) IPC between address spaces,    (f) the kernel's own faults on user
 *       every register kept                buffers go to the pager
 *   (g) threads blocked in IPC (receive, send, call, awaiting a reply)
 *       can be killed, and a caller whose server dies gets -CALF_EINTR
 * A bad system call must fail with an error and nothing else: every
 * check in (b) runs in this process, so a kernel that killed us instead
 * would lose the closing line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"
#include "utest.h"
#include "ecall_all.h"
#include "../ipcpeer/ipcpeer.h"


static uintptr_t current_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

/* ---- (a) round trips ---- */

static void test_round_trips(void)
{
	unsigned long t0, t1;
	long tid;

	utest_expect("syscall_null", calf_null(), 0);
	tid = calf_thread_self();
	if (tid > 0)
		utest_ok("thread_self");
	else
		utest_fail_got("thread_self", "not a positive id", tid, 1);
	utest_expect("thread_self_stable", calf_thread_self(), tid);
	if ((long)calf_timebase() > 0)
		utest_ok("timebase");
	else
		utest_fail_got("timebase", "not positive", (long)calf_timebase(), 1);

	/* `time` advances (1 tick per 100 instructions under -icount on
	 * virt); give it plenty of system calls to do so */
	t0 = calf_time();
	t1 = t0;
	for (int i = 0; i < 100000 && t1 <= t0; i++)
		t1 = calf_time();
	if (t1 > t0)
		utest_ok("time_increases");
	else
		utest_fail_got("time_increases", "time stood still", (long)t1, (long)t0 + 1);
	utest_expect("yield", calf_yield(), 0);

	/* the VM server knows us: pids are positive */
	if (calf_getpid() > 0 && calf_getppid() > 0)
		utest_ok("vm_getpid_getppid");
	else
		utest_fail_got("vm_getpid_getppid", "not positive", calf_getpid(), 1);
}

/* ---- (b) bad system calls ---- */

static void test_unknown_numbers(void)
{
	/* Numbers past the table only: the gaps below it (17..31) may be
	 * filled as the ABI grows. */
	static const long numbers[] = { SYS_COUNT, SYS_COUNT + 1, 1000, 0x10000, -1,
					(long)0x8000000000000000ul };
	char name[48];

	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(name, sizeof(name), "enosys_%lx", (unsigned long)numbers[i]);
		utest_expect(name, calf_syscall6(numbers[i], 1, 2, 3, 4, 5, 6), -CALF_ENOSYS);
	}
}

/* Every privileged call from an unprivileged program: -CALF_EPERM, with
 * arguments that would be harmless anyway. */
static void test_privileged(void)
{
	struct calf_regs regs;

	memset(&regs, 0, sizeof(regs));
	utest_expect("eperm_aspace_create", calf_aspace_create(0x80000000ul), -CALF_EPERM);
	utest_expect("eperm_aspace_destroy", calf_aspace_destroy(1), -CALF_EPERM);
	utest_expect("eperm_thread_create",
	       calf_sys_thread_create(1, 0x10000, VM_USER_STACK_TOP, 0, CALF_PRIO_DEFAULT, 0),
	       -CALF_EPERM);
	/* our own thread: if the check were missing, we would see it */
	utest_expect("eperm_thread_kill", calf_thread_kill(calf_thread_self()), -CALF_EPERM);
	utest_expect("eperm_thread_get_regs", calf_thread_get_regs(calf_thread_self(), &regs),
	       -CALF_EPERM);
	utest_expect("eperm_thread_set_regs", calf_thread_set_regs(calf_thread_self(), &regs),
	       -CALF_EPERM);
	utest_expect("eperm_tlb_invalidate", calf_tlb_invalidate(1, 0, 0), -CALF_EPERM);
	utest_expect("eperm_handle_grant", calf_handle_grant(1, CALF_HANDLE_VM, 7, 0), -CALF_EPERM);
	utest_expect("eperm_fence_i", calf_fence_i(), -CALF_EPERM);
	utest_expect("eperm_poweroff", calf_sys_poweroff(1), -CALF_EPERM);
}

static void test_bad_handles(void)
{
	struct calf_msg m;

	memset(&m, 0, sizeof(m));
	utest_expect("ebadf_call_max", calf_call(CALF_MAX_HANDLES, &m), -CALF_EBADF);
	utest_expect("ebadf_call_negative", calf_call(-1, &m), -CALF_EBADF);
	utest_expect("ebadf_call_huge", calf_call(0x7fffffffffffl, &m), -CALF_EBADF);
	/* the last slot: never given out to a program this young */
	utest_expect("ebadf_call_unused", calf_call(CALF_MAX_HANDLES - 1, &m), -CALF_EBADF);
	utest_expect("ebadf_send", calf_send(CALF_MAX_HANDLES - 1, &m), -CALF_EBADF);
	utest_expect("ebadf_recv", calf_recv(CALF_MAX_HANDLES - 1, &m), -CALF_EBADF);
	utest_expect("ebadf_reply_recv", calf_reply_recv(-5, &m), -CALF_EBADF);
	utest_expect("ebadf_close_unused", calf_handle_close(CALF_MAX_HANDLES - 1), -CALF_EBADF);
	utest_expect("ebadf_close_max", calf_handle_close(CALF_MAX_HANDLES), -CALF_EBADF);
	/* nobody called us: nothing to reply to */
	utest_expect("enoreply", calf_reply(&m), -CALF_ENOREPLY);
	/* a thread that is not waiting for our reply (ourselves) */
	if (calf_reply_to(calf_thread_self(), &m) < 0)
		utest_ok("reply_to_non_caller_refused");
	else
		utest_fail_got("reply_to_non_caller_refused", "accepted", 0, -CALF_ENOREPLY);
}

static void test_bad_pointers(void)
{
	char buf[16] = "0123456789abcde";
	uintptr_t sp = current_sp();
	static const struct { const char *name; unsigned long addr; } bad[] = {
		{ "efault_write_null", 0 },
		{ "efault_write_unmapped", 0x3000000000ul },
		{ "efault_write_kernel_direct_map", 0xffffffc000000000ul },
		{ "efault_write_kernel_image", 0xffffffff80200000ul },
		{ "efault_write_noncanonical", 0x0000800000000000ul },
		{ "efault_write_user_top", 0x4000000000ul },
	};
	struct calf_bootinfo bi;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		utest_expect(bad[i].name, calf_console_write((const void *)bad[i].addr, 8),
		       -CALF_EFAULT);
	utest_expect("efault_write_huge_length", calf_console_write(buf, 1ul << 62), -CALF_EFAULT);
	utest_expect("efault_write_length_max", calf_console_write(buf, ~0ul), -CALF_EFAULT);
	/* [sp, sp + len) wraps past 2^64 back to 16 */
	utest_expect("efault_write_wraps", calf_console_write((const void *)sp, -sp + 16),
	       -CALF_EFAULT);
	/* valid start, runs off the top of user space */
	utest_expect("efault_write_crosses_user_top",
	       calf_console_write((const void *)(0x4000000000ul - 8), 16), -CALF_EFAULT);

	/* A read or write of nothing moves nothing and checks nothing, as
	 * read(2) and write(2) with a zero count: 0 whatever the buffer,
	 * never -CALF_EFAULT. (A bad buffer with a length is refused before
	 * any wait.) */
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[48];   /* efault_write_null -> read_zero_bytes_null */
		const char *where = bad[i].name + strlen("efault_write_");

		snprintf(name, sizeof(name), "read_zero_bytes_%s", where);
		utest_expect(name, calf_console_read((void *)bad[i].addr, 0), 0);
		snprintf(name, sizeof(name), "write_zero_bytes_%s", where);
		utest_expect(name, calf_console_write((const void *)bad[i].addr, 0), 0);
	}
	utest_expect("read_zero_bytes_into_text",
	       calf_console_read((void *)(uintptr_t)&test_bad_pointers, 0), 0);
	utest_expect("efault_read_kernel_direct_map",
	       calf_console_read((void *)0xffffffc000000000ul, 8), -CALF_EFAULT);
	utest_expect("efault_read_into_text",
	       calf_console_read((void *)(uintptr_t)&test_bad_pointers, 8), -CALF_EFAULT);

	utest_expect("einval_bootinfo_misaligned",
	       calf_bootinfo((struct calf_bootinfo *)((uintptr_t)&bi + 1)), -CALF_EINVAL);
	utest_expect("efault_bootinfo_null", calf_bootinfo(NULL), -CALF_EFAULT);
	utest_expect("efault_bootinfo_kernel",
	       calf_bootinfo((struct calf_bootinfo *)0xffffffc000000000ul), -CALF_EFAULT);
	/* Our text is mapped R-X: the kernel must not write through it
	 * (docs/architecture.md, Checked user copies), and we must still run
	 * afterwards. */
	utest_expect("efault_bootinfo_into_text",
	       calf_bootinfo((struct calf_bootinfo *)(((uintptr_t)&test_bad_pointers + 7) & ~7ul)),
	       -CALF_EFAULT);
	utest_ok("bad_syscalls_did_not_kill_us");
}

/* ---- (c) IPC ping-pong with ipcpeer ---- */

static void test_ipc(void)
{
	static const char *const peer_argv[] = { "ipcpeer", "--serve", NULL };
	struct calf_msg m;
	long pid, ep, r, status = -1;
	int i, k;

	pid = calf_spawn(peer_argv);
	if (pid <= 0) {
		utest_fail_got("ipc_spawn_peer", "spawn failed", pid, 1);
		return;
	}
	utest_ok("ipc_spawn_peer");
	ep = calf_rendezvous(IPCPEER_KEY);
	if (ep < 0) {
		utest_fail_got("ipc_rendezvous", "no endpoint", ep, 0);
		return;
	}
	utest_ok("ipc_rendezvous");

	for (i = 0; i < 1000; i++) {
		unsigned long sent[CALF_MSG_WORDS];

		for (k = 0; k < CALF_MSG_WORDS; k++)
			sent[k] = m.mr[k] = (unsigned long)i * 0x10001ul + (unsigned long)k * 0x1111ul +
				  ((unsigned long)k << 40);
		r = calf_call(ep, &m);
		if (r != 0) {
			utest_fail_got("ipc_1000_calls", "call failed", r, 0);
			break;
		}
		for (k = 0; k < CALF_MSG_WORDS; k++)
			if (m.mr[k] != ipcpeer_transform(k, sent[k]))
				break;
		if (k < CALF_MSG_WORDS) {
			printf("  call %d: word %d is 0x%lx\n", i, k, m.mr[k]);
			utest_fail_got("ipc_1000_calls", "wrong reply word", (long)m.mr[k],
			     (long)ipcpeer_transform(k, sent[k]));
			break;
		}
	}
	if (i == 1000)
		utest_ok("ipc_1000_calls");

	memset(&m, 0, sizeof(m));
	m.mr[0] = IPCPEER_STOP;
	utest_expect("ipc_stop_peer", calf_call(ep, &m), 0);
	r = calf_wait(pid, &status);
	utest_expect("ipc_wait_peer", r, pid);
	utest_expect("ipc_peer_exit_status", status, 0);
	utest_expect("ipc_close_endpoint", calf_handle_close(ep), 0);
}

/* One call to ipcpeer --checked with every register set from seed;
 * 0 if the reply came back and nothing the kernel keeps changed. */
static int checked_call(long ep, unsigned long seed, const char *name)
{
	struct calf_ecall_regs r;
	int k;

	calf_regcheck_fill(&r, seed);
	r.in[10] = (unsigned long)ep;
	r.in[17] = SYS_CALL;
	calf_ecall_all(&r);
	if (r.out[10] != 0) {
		utest_fail_got(name, "call failed", (long)r.out[10], 0);
		return -1;
	}
	if (calf_regcheck_changed(&r)) {
		utest_fail_got(name, "registers changed (mask)", (long)calf_regcheck_changed(&r), 0);
		return -1;
	}
	for (k = 0; k < CALF_MSG_WORDS; k++)
		if (r.out[11 + k] != ipcpeer_transform(k, r.in[11 + k])) {
			utest_fail_got(name, "wrong reply word", (long)r.out[11 + k],
			     (long)ipcpeer_transform(k, r.in[11 + k]));
			return -1;
		}
	return 0;
}

/* The ABI: an IPC call keeps every register but a0-a7, on both sides
 * (ipcpeer --checked checks its own), on the fast path as on the slow. */
static void test_ipc_keeps_registers(void)
{
	static const char *const peer_argv[] = { "ipcpeer", "--checked", NULL };
	struct calf_ecall_regs r;
	struct calf_msg m;
	long pid, ep, status = -1;
	int i;

	pid = calf_spawn(peer_argv);
	ep = pid > 0 ? calf_rendezvous(IPCPEER_KEY) : -1;
	if (ep < 0) {
		utest_fail_got("ipc_call_keeps_registers", "no peer", pid, 1);
		return;
	}
	for (i = 0; i < 200; i++)
		if (checked_call(ep, 1000 + (unsigned long)i, "ipc_call_keeps_registers"))
			break;
	if (i == 200)
		utest_ok("ipc_call_keeps_registers");

	/* A refused call (no such handle) returns an error and changes
	 * nothing else, the message registers included. */
	calf_regcheck_fill(&r, 7);
	r.in[10] = CALF_MAX_HANDLES + 5;
	r.in[17] = SYS_CALL;
	calf_ecall_all(&r);
	if ((long)r.out[10] != -CALF_EBADF)
		utest_fail_got("ipc_bad_call_keeps_registers", "result", (long)r.out[10], -CALF_EBADF);
	else if (calf_regcheck_changed(&r) ||
		 memcmp(&r.out[11], &r.in[11], 7 * sizeof(r.in[0])) != 0)
		utest_fail_got("ipc_bad_call_keeps_registers", "registers changed (mask)",
		     (long)calf_regcheck_changed(&r), 0);
	else
		utest_ok("ipc_bad_call_keeps_registers");

	memset(&m, 0, sizeof(m));
	m.mr[0] = IPCPEER_STOP;
	if (i < 200)
		calf_kill(pid);     /* it may be gone: a call would wait for ever */
	else
		calf_call(ep, &m);
	utest_expect("ipc_server_keeps_registers", calf_wait(pid, &status) == pid ? status : -1, 0);
	calf_handle_close(ep);
}

/* ---- (d) stack growth ---- */

static void test_stack_growth(void)
{
	/* 64 KiB below sp: far below anything this program has used */
	volatile unsigned long *p =
		(volatile unsigned long *)((current_sp() - 65536) & ~7ul);

	utest_expect("stack_growth_reads_zero", (long)p[0], 0);
	p[0] = 0x5a5a5a5a;
	utest_expect("stack_growth_write_sticks", (long)p[0], 0x5a5a5a5a);
	utest_expect("stack_growth_neighbour_zero", (long)p[-1], 0);
	p[0] = 0;
}

/* ---- (e) the pager kills faulting programs ---- */

static void test_faulter(const char *what, int want_killed)
{
	const char *argv[] = { "faulter", what, NULL };
	char name[48];
	long pid, r, status = -1;

	snprintf(name, sizeof(name), "%s_%s", want_killed ? "killed" : "survives", what);
	pid = calf_spawn(argv);
	if (pid <= 0) {
		utest_fail_got(name, "spawn failed", pid, 1);
		return;
	}
	r = calf_wait(pid, &status);
	if (r != pid)
		utest_fail_got(name, "wait failed", r, pid);
	else if (want_killed && status < VM_STATUS_KILLED)
		utest_fail_got(name, "not killed: exit status", status, VM_STATUS_KILLED);
	else if (!want_killed && status != 0)
		utest_fail_got(name, "exit status", status, 0);
	else
		utest_ok(name);
}

/* ---- (g) killing threads blocked in the kernel, in every IPC state ---- */

/* Start `faulter MODE`, and let it run until it blocks: at equal
 * priority each yield lets it run until it blocks or its turn ends. */
static long start_blocker(const char *mode)
{
	const char *argv[] = { "faulter", mode, NULL };
	long pid = calf_spawn(argv);

	for (int i = 0; i < 10 && pid > 0; i++)
		calf_yield();
	return pid;
}

/* Kill pid, reap it; pass if it ended with VM_STATUS_KILLED + 9. */
static void kill_and_check(const char *name, long pid)
{
	long r, status = -1;

	if (pid <= 0) {
		utest_fail_got(name, "spawn failed", pid, 1);
		return;
	}
	r = calf_kill(pid);
	if (r != 0) {
		utest_fail_got(name, "kill refused", r, 0);
		return;
	}
	r = calf_wait(pid, &status);
	if (r != pid)
		utest_fail_got(name, "wait failed", r, pid);
	else if (status != VM_STATUS_KILLED + 9)
		utest_fail_got(name, "exit status", status, VM_STATUS_KILLED + 9);
	else
		utest_ok(name);
}

/* faulter.c's FAULTER_READY_KEY: server-noreply calls it once it has
 * taken its client's call. */
#define FAULTER_READY_KEY 0xfa18ul

/* Wait until a server-noreply owes its client the reply (on several
 * harts the client may otherwise still be queued when the server is
 * killed), and answer its "ready" call. Returns 0, or < 0. */
static long wait_server_took_call(void)
{
	static long ep = -1;
	struct calf_msg m;
	long r;

	if (ep < 0)
		ep = calf_rendezvous(FAULTER_READY_KEY);
	if (ep < 0)
		return ep;
	r = calf_recv(ep, &m);
	if (r < 0)
		return r;
	memset(&m, 0, sizeof(m));
	return calf_reply(&m);
}

static void test_kill_blocked(void)
{
	long server, client, status = -1, r;

	/* a VM server without VM_KILL would leave the blockers blocked for
	 * ever: ask it first, with a pid that cannot exist */
	r = calf_kill(0x7fffffff);
	if (r == -CALF_ENOSYS) {
		printf("skip kill_blocked_*: the VM server has no VM_KILL yet\n");
		return;
	}
	kill_and_check("kill_blocked_in_recv", start_blocker("block-recv"));
	kill_and_check("kill_blocked_in_send", start_blocker("block-send"));
	kill_and_check("kill_blocked_in_call", start_blocker("block-call"));

	/* a call the server received and never answers: kill the caller
	 * (waiting for its reply), then the server */
	server = start_blocker("server-noreply");
	client = start_blocker("client-call");
	if (server > 0 && client > 0)
		utest_expect("server_took_the_call", wait_server_took_call(), 0);
	kill_and_check("kill_caller_awaiting_reply", client);
	kill_and_check("kill_server_owing_reply", server);

	/* the other order: the server dies owing the reply; its caller's
	 * call fails with -CALF_EINTR and it exits with that code */
	server = start_blocker("server-noreply");
	client = start_blocker("client-call");
	if (server > 0 && client > 0)
		utest_expect("server_took_the_call_again", wait_server_took_call(), 0);
	kill_and_check("kill_server_with_caller_waiting", server);
	if (client > 0) {
		r = calf_wait(client, &status);
		if (r == client && status == CALF_EINTR)
			utest_ok("caller_gets_eintr_when_server_killed");
		else
			utest_fail_got("caller_gets_eintr_when_server_killed", "client status", status,
			     CALF_EINTR);
	}
	utest_ok("kills_did_not_hurt_us");
}

/* ---- (f) the kernel's faults on user buffers ---- */

static void test_kernel_faults(void)
{
	struct calf_bootinfo ref;
	/* A stack page well below everything used so far (and below the
	 * page (d) touched): the kernel's copy-out finds it unmapped, sends
	 * a CALF_FAULT_KERNEL fault to the pager, which maps a zero page,
	 * and the system call goes on. */
	uintptr_t page = ((current_sp() - 256 * 1024) & ~4095ul);
	struct calf_bootinfo *fresh = (struct calf_bootinfo *)(page + 64);
	long r;

	r = calf_bootinfo(&ref);
	utest_expect("bootinfo", r, 0);
	if (r != 0)
		return;
	if (ref.harts >= 1 && ref.timebase_hz > 0 &&
	    memchr(ref.cmdline, 0, sizeof(ref.cmdline)) != NULL)
		utest_ok("bootinfo_content");
	else
		utest_fail_got("bootinfo_content", "harts, timebase or cmdline wrong",
		     (long)ref.harts, 1);
	if (ref.timebase_hz == calf_timebase())
		utest_ok("bootinfo_timebase_matches");
	else
		utest_fail_got("bootinfo_timebase_matches", "differs", (long)ref.timebase_hz,
		     (long)calf_timebase());

	r = calf_bootinfo(fresh);
	utest_expect("bootinfo_into_untouched_stack_page", r, 0);
	if (r == 0) {
		if (fresh->harts == ref.harts && fresh->timebase_hz == ref.timebase_hz &&
		    strcmp(fresh->cmdline, ref.cmdline) == 0)
			utest_ok("bootinfo_untouched_page_content");
		else
			utest_fail_got("bootinfo_untouched_page_content", "differs",
			     (long)fresh->harts, (long)ref.harts);
	}


	/* The same through the heap, once the VM server implements sbrk:
	 * fresh heap pages are mapped on first touch too. */
	r = calf_sbrk(2 * 4096);
	if (r < 0) {
		printf("skip bootinfo_into_untouched_heap_page: sbrk gives %ld\n", r);
		return;
	}
	fresh = (struct calf_bootinfo *)(((uintptr_t)r + 4095) & ~4095ul);
	r = calf_bootinfo(fresh);
	utest_expect("bootinfo_into_untouched_heap_page", r, 0);
	if (r == 0 && fresh->harts == ref.harts && fresh->timebase_hz == ref.timebase_hz)
		utest_ok("bootinfo_heap_page_content");
	else if (r == 0)
		utest_fail_got("bootinfo_heap_page_content", "differs", (long)fresh->harts,
		     (long)ref.harts);
}

/* picolibc's malloc over sbrk (VM_SBRK): fresh heap pages are zero
 * pages until written, like the stack. */
static void test_malloc(void)
{
	size_t n = 3 * 4096 + 100;
	unsigned char *p = malloc(n);

	if (p == NULL) {
		utest_fail_got("malloc", "returned NULL", 0, 1);
		return;
	}
	memset(p, 0xa5, n);
	for (size_t i = 0; i < n; i += 997)
		if (p[i] != 0xa5) {
			utest_fail_got("malloc", "memory does not hold", p[i], 0xa5);
			free(p);
			return;
		}
	free(p);
	utest_ok("malloc");
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "",
		   "the kernel's tests: system calls, IPC, the pager, kills");
	printf("ktest: starting (pid %ld, thread %ld)\n", calf_getpid(),
	       calf_thread_self());
	test_round_trips();
	test_unknown_numbers();
	test_privileged();
	test_bad_handles();
	test_bad_pointers();
	test_ipc();
	test_ipc_keeps_registers();
	test_stack_growth();
	test_kernel_faults();
	test_malloc();
	/* last: a pager bug here can take the whole system down, and
	 * should not hide the results above */
	test_faulter("none", 0);
	test_faulter("load0", 1);
	test_faulter("store-text", 1);
	test_faulter("store-rodata", 1);
	test_faulter("exec-data", 1);
	test_faulter("kernel", 1);
	test_faulter("illegal", 1);
	test_faulter("stack-overflow", 1);
	utest_ok("faulters_did_not_hurt_us");
	test_kill_blocked();
	printf("ktest: %d passed, %d failed\n", utest_passed, utest_failed);
	return utest_failed ? 1 : 0;
}
