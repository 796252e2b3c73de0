/*
 * child.c - small helpers for programs that fork children: reap one,
 * end one at once, park one until it is killed, fork parked ones until
 * fork fails, and a child that stores where its parent tells it to.
 *
 * Layer: userland/ (libcalf).
 */
#include "calf.h"

long calf_reap(long pid)
{
	long status = -1, r = calf_wait(pid, &status);

	/* -1000 + error is never a valid exit status, so a failed wait can
	 * not pass for a child's success. */
	return r == pid ? status : -1000 + r;
}

void calf_child_exit(long status)
{
	/* No atexit handlers, no stdio teardown: just the child's printed
	 * lines, then the VM server's exit. */
	calf_console_flush();
	calf_exit(status);
}

void calf_block_forever(void)
{
	struct calf_msg m;
	long ep = calf_endpoint_create();

	/* Receive on an endpoint nobody else has a handle to: blocked until
	 * killed. If even the endpoint cannot be made, yield in a loop
	 * (still correct, only slower). */
	for (;;)
		if (ep < 0 || calf_recv(ep, &m) < 0)
			calf_yield();
}

void calf_child_serve(volatile unsigned char *mem, unsigned long key)
{
	long ep = calf_rendezvous(key);
	struct calf_msg m;

	if (ep < 0 || calf_recv(ep, &m) < 0)
		calf_child_exit(2);
	for (;;) {
		if (m.mr[0] == CALF_CHILD_EXIT)
			calf_child_exit(0);
		if (m.mr[0] == CALF_CHILD_STORE)
			mem[m.mr[1] * 4096] = (unsigned char)m.mr[2];
		m.mr[0] = 0;
		if (calf_reply_recv(ep, &m) < 0)
			calf_child_exit(3);
	}
}

long calf_child_store(long ep, unsigned long page, unsigned char byte)
{
	struct calf_msg m = { { CALF_CHILD_STORE, page, byte } };

	return calf_call(ep, &m);
}

long calf_child_end(long ep, long pid)
{
	struct calf_msg m = { { CALF_CHILD_EXIT } };

	calf_send(ep, &m);
	return calf_reap(pid);
}

long calf_fork_blocked(long *pids, long max, long *last)
{
	long n, r = 0;

	for (n = 0; n < max; n++) {
		r = calf_fork();
		if (r == 0)
			calf_block_forever();
		if (r < 0)
			break;
		pids[n] = r;
	}
	*last = r;
	return n;
}
