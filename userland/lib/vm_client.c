/*
 * vm_client.c - requests to the VM server (calf/vm_protocol.h).
 *
 * Layer: userland/ (libcalf). Every request is one call on handle
 * CALF_HANDLE_VM, which the VM server gave this program when it started
 * it; the badge it sees is our pid.
 */
#include "calf.h"

long calf_vm_request(struct calf_msg *m)
{
	long r = calf_call(CALF_HANDLE_VM, m);

	if (r < 0)
		return r;
	return (long)m->mr[0];
}

/* Send one label with up to two arguments; the reply stays in *m. */
static long request(struct calf_msg *m, unsigned long label,
		    unsigned long arg1, unsigned long arg2)
{
	for (int i = 0; i < CALF_MSG_WORDS; i++)
		m->mr[i] = 0;
	m->mr[0] = label;
	m->mr[1] = arg1;
	m->mr[2] = arg2;
	return calf_vm_request(m);
}

/* Pack argv into the NUL-separated block VM_SPAWN and VM_EXEC read
 * ("prog\0arg1\0"). Returns its length, or -CALF_EINVAL. */
static long pack_args(const char *const argv[], char block[VM_ARGS_MAX])
{
	unsigned long len = 0;

	if (argv == 0 || argv[0] == 0)
		return -CALF_EINVAL;
	for (int i = 0; argv[i] != 0; i++) {
		const char *s = argv[i];

		do {
			if (len == VM_ARGS_MAX)
				return -CALF_EINVAL;
			block[len++] = *s;
		} while (*s++ != '\0');
	}
	return (long)len;
}

/* A request (VM_SPAWN or VM_EXEC) whose arguments are argv, packed. */
static long args_request(unsigned long label, const char *const argv[])
{
	/* The VM server reads the block from our memory through our page
	 * tables; a stack buffer is mapped, since we just wrote it. */
	char block[VM_ARGS_MAX];
	struct calf_msg m;
	long len = pack_args(argv, block);

	if (len < 0)
		return len;
	return request(&m, label, (unsigned long)block, (unsigned long)len);
}

long calf_spawn(const char *const argv[])
{
	return args_request(VM_SPAWN, argv);
}

long calf_exec(const char *const argv[])
{
	/* On success the VM server never answers: this address space now
	 * runs the new program from its entry. */
	return args_request(VM_EXEC, argv);
}

long calf_fork(void)
{
	struct calf_msg m;

	/* Both processes come back from this one call: the VM server
	 * answers the parent with the child's pid and starts the child as
	 * if the same call had answered 0 (calf/vm_protocol.h). */
	return request(&m, VM_FORK, 0, 0);
}

long calf_kill(long pid)
{
	struct calf_msg m;

	return request(&m, VM_KILL, (unsigned long)pid, 0);
}

long calf_kill_tree(long pid)
{
	struct calf_msg m;

	return request(&m, VM_KILL_TREE, (unsigned long)pid, 0);
}

long calf_mmap(unsigned long len)
{
	struct calf_msg m;

	return request(&m, VM_MMAP, len, 0);
}

long calf_munmap(unsigned long addr, unsigned long len)
{
	struct calf_msg m;

	return request(&m, VM_MUNMAP, addr, len);
}

/* A 16-byte name packed in two message words, in memory order (RISC-V
 * is little endian, so copying the words copies the bytes in order),
 * into name[17] with a NUL. */
static void unpack_name(const unsigned long w[2], char name[17])
{
	for (int i = 0; i < 16; i++)
		name[i] = (char)(w[i / 8] >> (8 * (i % 8)));
	name[16] = '\0';
}

long calf_ps(long index, struct calf_ps *out)
{
	struct calf_msg m;
	long r = request(&m, VM_PS, (unsigned long)index, 0);

	if (r < 0)
		return r;
	out->pid = r;
	out->ppid = (long)m.mr[1];
	out->state = (long)m.mr[2];
	out->resident = m.mr[3];
	unpack_name(&m.mr[4], out->name);
	return r;
}

long calf_ps_of(long pid, struct calf_ps *out)
{
	/* VM_PS numbers the processes in pid order, one call per index. If
	 * a process with a lower pid goes away between two calls - init
	 * reaping an orphan, which with several harts happens while we
	 * scan - every later one moves down an index and one pass can step
	 * over pid. So a miss is believed only after a few passes. */
	for (int pass = 0; pass < 8; pass++) {
		for (long i = 0;; i++) {
			long r = calf_ps(i, out);

			if (r == pid)
				return pid;
			if (r < 0 || r > pid)
				break;    /* past it */
		}
	}
	return -CALF_ESRCH;
}

long calf_region(long pid, unsigned long index, struct calf_region *out)
{
	struct calf_msg m;
	long r = request(&m, VM_REGION, (unsigned long)pid, index);

	if (r < 0)
		return r;
	out->start = m.mr[1];
	out->end = m.mr[2];
	out->prot = m.mr[3];
	unpack_name(&m.mr[4], out->name);
	return 0;
}

long calf_pt_entry(long pid, struct calf_pt_entry *e)
{
	struct calf_msg m;
	long r;

	for (int i = 0; i < CALF_MSG_WORDS; i++)
		m.mr[i] = 0;
	m.mr[0] = VM_PT_ENTRY;
	m.mr[1] = (unsigned long)pid;
	m.mr[2] = e->va;
	m.mr[3] = (unsigned long)e->level;
	r = calf_vm_request(&m);
	if (r <= 0)
		return r;
	e->va = m.mr[1];
	e->level = (int)m.mr[2];
	e->pte = m.mr[3];
	e->count = m.mr[4];
	e->flags = m.mr[5];
	return 1;
}

long calf_trace(int on, long pid)
{
	struct calf_msg m;

	return request(&m, VM_TRACE, (unsigned long)on, (unsigned long)pid);
}

long calf_merge_advise(unsigned long addr, unsigned long len, int on)
{
	struct calf_msg m = { { VM_MERGE_ADVISE, addr, len, (unsigned long)on } };

	return calf_vm_request(&m);
}

long calf_merge_scan(unsigned long budget, unsigned long flags, unsigned long *merged)
{
	struct calf_msg m;
	long r = request(&m, VM_MERGE_SCAN, budget, flags);

	if (merged)
		*merged = r >= 0 ? m.mr[1] : 0;
	return r;
}

long calf_merge_ctl(int what)
{
	struct calf_msg m;

	return request(&m, VM_MERGE_CTL, (unsigned long)what, 0);
}

long calf_stats(unsigned long *out, unsigned long max)
{
	struct calf_msg m;
	long count = 0;

	for (unsigned long i = 0; i < max; i++)
		out[i] = 0;
	/* Five counters per request (MR1..MR5); the first reply says how
	 * many there are. */
	for (unsigned long first = 0; first < max; first += 5) {
		long r = request(&m, VM_STATS, first, 0);

		if (r < 0)
			return r;
		count = r;
		for (unsigned long i = 0; i < 5 && first + i < max; i++)
			out[first + i] = m.mr[1 + i];
		if (first + 5 >= (unsigned long)count)
			break;
	}
	return count;
}

unsigned long calf_stat(unsigned long index)
{
	struct calf_msg m;
	long r = request(&m, VM_STATS, index, 0);

	return r > (long)index ? m.mr[1] : 0;
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

	/* calf/vm_protocol.h: while the child still runs, the VM server answers
	 * -CALF_EBUSY ("not yet", it cannot hold our call open); yield so
	 * the child runs, and ask again. Works unchanged once the server
	 * blocks the caller instead. */
	while ((r = request(&m, VM_WAIT, (unsigned long)pid, 0)) == -CALF_EBUSY)
		calf_yield();
	if (r >= 0 && status != 0)
		*status = (long)m.mr[1];
	return r;
}

long calf_wait_nohang(long pid, long *status)
{
	struct calf_msg m;
	long r = request(&m, VM_WAIT_NOHANG, (unsigned long)pid, 0);

	if (r > 0 && status != 0)
		*status = (long)m.mr[1];
	return r;
}

long calf_foreground(long pid)
{
	struct calf_msg m;

	return request(&m, VM_FOREGROUND, (unsigned long)pid, 0);
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
