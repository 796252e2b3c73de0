/*
 * abuse.c - badcalls parts (2) and (3): programs that do illegal
 * things are killed with the right status, and two IPC abuses of the VM
 * server's endpoint are refused (badcalls.c says what the parts are;
 * badcalls.h what they share).
 *
 * Layer: userland/.
 */
#include <stdint.h>
#include <string.h>

#include "calf.h"
#include "utest.h"
#include "badcalls.h"
#include "../proctests/child.h"

/* ---- (2) illegal programs ---- */

static void expect_faulter(const char *mode, long want)
{
	const char *argv[] = { "faulter", mode, NULL };
	char name[48];
	long pid = calf_spawn(argv), status;

	snprintf(name, sizeof(name), "faulter_%s", mode);
	if (pid < 0) {
		UCHECK_EQ(name, pid, 0);
		return;
	}
	if (child_wait_timeout(pid, 5000, &status) != 0)
		utest_fail(name, "did not end by itself");
	else
		UCHECK_EQ(name, status, want);
}

static int store_at(long addr)
{
	*(volatile unsigned long *)addr = 1;
	return CHILD_SURVIVED;
}

static int jump_to(long addr)
{
	((void (*)(void))addr)();
	return CHILD_SURVIVED;
}

/* Code on the stack: `ret` (c.jr ra) twice. The stack is never
 * executable, so the jump must kill. */
static int exec_stack(long unused)
{
	volatile uint16_t code[4] = { 0x8082, 0x8082, 0x8082, 0x8082 };

	(void)unused;
	((void (*)(void))(uintptr_t)code)();
	return CHILD_SURVIVED;
}

/* Code on the heap (mmap): read-write, never executable. */
static int exec_mmap(long unused)
{
	long p = calf_mmap(PAGE);

	(void)unused;
	if (p < 0)
		return CHILD_SURVIVED + 1;
	*(volatile uint32_t *)p = 0x80828082u;
	((void (*)(void))p)();
	return CHILD_SURVIVED;
}

static int ebreak(long unused)
{
	(void)unused;
	__asm__ volatile("ebreak");
	return CHILD_SURVIVED;
}

/* A privileged instruction from U-mode: illegal (privileged spec 2.1). */
static int csr_sstatus(long unused)
{
	unsigned long v;

	(void)unused;
	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	return CHILD_SURVIVED;
}

/* An atomic on a misaligned address: address-misaligned, which neither
 * the hart nor the firmware resolves for AMOs. */
static int misaligned_amo(long unused)
{
	long addr = (long)(uintptr_t)scratch + 4 + 1, old;

	(void)unused;
	__asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(1l), "r"(addr) : "memory");
	return CHILD_SURVIVED;
}

static void expect_killed(const char *name, int (*fn)(long), long arg, int sig)
{
	child_expect(name, fn, arg, KILLED_BY(sig), 2000);
}

void test_illegal_programs(void)
{
	expect_faulter("none", 0);
	expect_faulter("load0", KILLED_BY(CHILD_SIGSEGV));
	expect_faulter("store-text", KILLED_BY(CHILD_SIGSEGV));
	expect_faulter("store-rodata", KILLED_BY(CHILD_SIGSEGV));
	expect_faulter("exec-data", KILLED_BY(CHILD_SIGSEGV));
	expect_faulter("kernel", KILLED_BY(CHILD_SIGSEGV));
	expect_faulter("illegal", KILLED_BY(CHILD_SIGILL));
	expect_faulter("stack-overflow", KILLED_BY(CHILD_SIGSEGV));

	expect_killed("wild_store_unmapped", store_at, 0x3000000000l, CHILD_SIGSEGV);
	expect_killed("wild_store_null", store_at, 0, CHILD_SIGSEGV);
	expect_killed("store_to_text", store_at, (long)(uintptr_t)&store_at, CHILD_SIGSEGV);
	expect_killed("store_to_rodata", store_at, (long)(uintptr_t)rodata_words,
		      CHILD_SIGSEGV);
	expect_killed("jump_to_kernel_image", jump_to, (long)0xffffffff80200000ul, CHILD_SIGSEGV);
	expect_killed("jump_to_kernel_direct_map", jump_to, (long)0xffffffc000000000ul,
		      CHILD_SIGSEGV);
	expect_killed("jump_to_null", jump_to, 0, CHILD_SIGSEGV);
	expect_killed("jump_to_data", jump_to, (long)(uintptr_t)scratch, CHILD_SIGSEGV);
	expect_killed("jump_to_user_top", jump_to, 0x4000000000l, CHILD_SIGSEGV);
	expect_killed("exec_stack", exec_stack, 0, CHILD_SIGSEGV);
	expect_killed("exec_mmap", exec_mmap, 0, CHILD_SIGSEGV);
	expect_killed("illegal_privileged_csr", csr_sstatus, 0, CHILD_SIGILL);
	expect_killed("ebreak", ebreak, 0, CHILD_SIGTRAP);
	expect_killed("misaligned_amo", misaligned_amo, 0, CHILD_SIGBUS);
	UCHECK("illegal_programs_did_not_hurt_us", calf_null() == 0 && rodata_words[3] == 4);
}

/* ---- (3) abuses of the VM server's endpoint ---- */

static int block_forever(long unused)
{
	struct calf_msg m;
	long ep = calf_endpoint_create();

	(void)unused;
	if (ep >= 0)
		calf_recv(ep, &m);
	return CHILD_SURVIVED;
}

/*
 * SYS_SEND (not a call) of a request to the VM server while the VM
 * server holds another process's wait() unanswered. The send expects
 * no answer; no answer may reach anyone else either. The scenario, in a
 * child S of its own so that any damage stays inside it:
 *   S forks X, which blocks for ever, and Y; S waits for X (the VM
 *   server holds that call). Y sends VM_GETPID on handle 0, then kills
 *   X. S's wait must end with X's pid and VM_STATUS_KILLED + 9.
 * Y's send must be the first message the VM server receives after S's
 * wait: in between, nobody may call it, not even by a page fault (a
 * call replaces the VM server's "most recent caller"). So S yields
 * before its wait until X has blocked and Y runs its loop of yields,
 * all on pages it has touched already.
 * S exits 0 if its wait ended right, 1 if it came back with something
 * else.
 */
static int send_while_wait_held(long unused)
{
	static const long send[6] = { CALF_HANDLE_VM, VM_GETPID, 0, 0, 0, 0 };
	long x = child_run(block_forever, 0), y, r, status = -1;

	(void)unused;
	if (x < 0)
		return 2;
	y = calf_fork();
	if (y == 0) {
		for (volatile int i = 0; i < 20; i++)
			calf_yield();
		raw_ecall(SYS_SEND, send);
		calf_kill(x);
		calf_exit(0);
	}
	for (int i = 0; i < 3; i++)
		calf_yield();
	r = calf_wait(x, &status);
	if (r != x || status != KILLED_BY(CHILD_SIGKILL)) {
		printf("badcalls: wait(%ld) returned %ld, status %ld: the answer to Y's "
		       "send (Y is %ld)\n", x, r, status, y);
		calf_kill(x);
		return 1;
	}
	calf_wait(y, &status);
	return 0;
}

/*
 * SYS_RECV on handle 0: a program's handle to the VM server's own
 * endpoint. If the kernel lets it wait there, it sits in the queue of
 * receivers beside the VM server and is handed requests and page faults
 * of other processes. The child R tries; if its receive is refused it
 * exits 0. If it gets a message, it answers it harmlessly (a fault:
 * "resume", so the faulting thread retries and reaches the VM server;
 * a request: -CALF_EINTR), says whose it was, and exits 1.
 */
static int recv_on_vm_handle(long unused)
{
	struct calf_msg m;
	long badge, sender = 0;

	(void)unused;
	badge = calf_recv_from(CALF_HANDLE_VM, &m, &sender);
	if (badge < 0)
		return 0;
	printf("badcalls: receive on handle 0 took a message meant for the VM server: "
	       "badge %ld, label %lx, from thread %ld\n", badge, m.mr[0], sender);
	if (m.mr[0] == CALF_LABEL_FAULT) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = CALF_FAULT_RESUME;
	} else {
		memset(&m, 0, sizeof(m));
		m.mr[0] = (unsigned long)-CALF_EINTR;
	}
	calf_reply(&m);
	return 1;
}

void test_vm_endpoint_abuse(void)
{
	long pid, status = -1;

	/* A plain, blocking wait here, not child_wait_timeout: its VM_PS
	 * calls would reach the VM server between S's wait and Y's send,
	 * and hide what the scenario looks for. S cannot hang: every call
	 * it makes is answered, rightly or not. */
	pid = child_run(send_while_wait_held, 0);
	if (pid < 0 || calf_wait(pid, &status) != pid)
		utest_fail("send_to_vm_answers_nobody_else", "fork or wait failed");
	else
		UCHECK_EQ("send_to_vm_answers_nobody_else", status, 0);
	child_expect("recv_on_vm_handle_refused", recv_on_vm_handle, 0, 0, 2000);
}
