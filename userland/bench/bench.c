/*
 * bench - instructions per kernel operation, counted with rdinstret.
 *
 * Layer: userland/. May call: libcalf (calf.h), picolibc. Starts
 * ipcpeer from the boot archive.
 *
 * Run under QEMU with -icount shift=0,align=off,sleep=off (qemu_run.py
 * --icount): rdinstret then counts every guest instruction exactly, in
 * every mode and process, and repeated runs print the same numbers
 * (docs/architecture.md; boot-facts.md). Boot with one hart: the count
 * is global, not per hart. Each result is the loop's count minus the
 * same loop with an empty body, divided by the iterations:
 *   bench: syscall_null N     SYS_NULL, user ecall to user return
 *   bench: ipc_roundtrip N    call + ipcpeer's reply_recv, across
 *                             address spaces, back to the caller
 *   bench: done
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "userland/ipcpeer/ipcpeer.h"

#define NULL_LOOPS 10000
#define IPC_LOOPS  2000

/* The loops are noinline so their shape (and so the subtracted
 * overhead) does not depend on what gcc does around them. */

static __attribute__((noinline)) unsigned long empty_loop(int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long null_loop(int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		calf_null();
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long ipc_setup_loop(int n, struct calf_msg *m)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++) {
		m->w[0] = (unsigned long)i;
		__asm__ volatile("" ::: "memory");
	}
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long ipc_loop(int n, long ep, struct calf_msg *m)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++) {
		m->w[0] = (unsigned long)i;
		calf_call(ep, m);
	}
	return calf_rdinstret() - t0;
}

static unsigned long per_op(unsigned long total, unsigned long overhead, int n)
{
	return total > overhead ? (total - overhead + (unsigned long)n / 2) / (unsigned long)n : 0;
}

static int bench_ipc(void)
{
	static const char *const peer_argv[] = { "ipcpeer", "--echo", NULL };
	struct calf_msg m;
	long pid, ep, status;
	unsigned long empty, full;

	pid = calf_spawn(peer_argv);
	if (pid < 0) {
		printf("bench: cannot start ipcpeer: %ld\n", pid);
		return 1;
	}
	ep = calf_rendezvous(IPCPEER_KEY);
	if (ep < 0) {
		printf("bench: rendezvous failed: %ld\n", ep);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	/* warm up: the peer has started and is waiting, every page and
	 * TLB entry on the path is in place */
	if (calf_call(ep, &m) != 0) {
		printf("bench: first call failed\n");
		return 1;
	}
	ipc_loop(100, ep, &m);
	empty = ipc_setup_loop(IPC_LOOPS, &m);
	full = ipc_loop(IPC_LOOPS, ep, &m);
	printf("bench: ipc_roundtrip %lu\n", per_op(full, empty, IPC_LOOPS));

	memset(&m, 0, sizeof(m));
	m.w[0] = IPCPEER_STOP;
	calf_call(ep, &m);
	calf_wait(pid, &status);
	calf_handle_close(ep);
	return status != 0;
}

int main(void)
{
	unsigned long empty, full;
	int bad;

	null_loop(100);                 /* warm up */
	empty = empty_loop(NULL_LOOPS);
	full = null_loop(NULL_LOOPS);
	printf("bench: syscall_null %lu\n", per_op(full, empty, NULL_LOOPS));
	bad = bench_ipc();
	printf("bench: done\n");
	return bad;
}
