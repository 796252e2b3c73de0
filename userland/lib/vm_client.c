/*
 * vm_client.c - requests to the VM server (vm/protocol.h).
 *
 * Layer: userland/ (libcalf). May call: the kernel's IPC (calf.h). Every
 * request is one call on handle CALF_HANDLE_VM, which the VM server gave
 * this program when it started it; the badge it sees is our pid.
 */
#include "calf.h"

long calf_vm_request(struct calf_msg *m)
{
	long r = calf_call(CALF_HANDLE_VM, m);

	if (r < 0)
		return r;
	return (long)m->w[0];
}

/* Send one label with up to two arguments; the reply stays in *m. */
static long request(struct calf_msg *m, unsigned long label,
		    unsigned long arg1, unsigned long arg2)
{
	for (int i = 0; i < CALF_MSG_WORDS; i++)
		m->w[i] = 0;
	m->w[0] = label;
	m->w[1] = arg1;
	m->w[2] = arg2;
	return calf_vm_request(m);
}

long calf_spawn(const char *const argv[])
{
	/* The VM server reads the block from our memory through our page
	 * tables; a stack buffer is mapped, since we just wrote it. */
	char block[VM_ARGS_MAX];
	unsigned long len = 0;
	struct calf_msg m;

	if (argv == 0 || argv[0] == 0)
		return -CALF_EINVAL;
	for (int i = 0; argv[i] != 0; i++) {
		const char *s = argv[i];

		do {
			if (len == sizeof(block))
				return -CALF_EINVAL;
			block[len++] = *s;
		} while (*s++ != '\0');
	}
	return request(&m, VM_SPAWN, (unsigned long)block, len);
}

void calf_exit(long status)
{
	struct calf_msg m;

	request(&m, VM_EXIT, (unsigned long)status, 0);
	/* The VM server does not answer VM_EXIT; if the call came back
	 * anyway (no VM server?), end at least this thread. */
	calf_thread_exit(status);
}

long calf_wait(long pid, long *status)
{
	struct calf_msg m;
	long r;

	/* vm/protocol.h: while the child still runs, the VM server answers
	 * -CALF_EBUSY ("not yet", it cannot hold our call open); yield so
	 * the child runs, and ask again. Works unchanged once the server
	 * blocks the caller instead. */
	while ((r = request(&m, VM_WAIT, (unsigned long)pid, 0)) == -CALF_EBUSY)
		calf_yield();
	if (r >= 0 && status != 0)
		*status = (long)m.w[1];
	return r;
}

long calf_getpid(void)
{
	struct calf_msg m;

	return request(&m, VM_GETPID, 0, 0);
}

long calf_getppid(void)
{
	struct calf_msg m;

	return request(&m, VM_GETPPID, 0, 0);
}

long calf_rendezvous(unsigned long key)
{
	struct calf_msg m;

	return request(&m, VM_RENDEZVOUS, key, 0);
}

long calf_poweroff(long failure)
{
	struct calf_msg m;

	return request(&m, VM_POWEROFF, (unsigned long)failure, 0);
}

long calf_sbrk(long increment)
{
	struct calf_msg m;

	return request(&m, VM_SBRK, (unsigned long)increment, 0);
}
