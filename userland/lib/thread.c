/*
 * thread.c - threads of this process (VM_THREAD_CREATE, VM_THREAD_JOIN)
 * and each thread's thread-local storage.
 *
 * Layer: userland/ (libcalf). The VM server makes a thread: a kernel
 * thread in our address space and a stack region with a guard page
 * below it (docs/syscalls.md, "Threads"). It starts in crt0.S's
 * calf_thread_entry with a0 = the function, a1 = its argument; that sets
 * gp and calls calf_thread_main below, which gives the thread its own
 * thread-local block (errno, the console line of runtime.c) at the top
 * of its stack, runs the function, and ends the thread with its result
 * (SYS_THREAD_EXIT, which the VM server keeps for calf_thread_join).
 */
#include <string.h>

#include "calf.h"

/* The template (user.ld): initial values, then zeros. */
extern char __tls_base[], __tdata_end[], __tls_end[], __tls_block_size[];

void *calf_tls_init(void *block)
{
	unsigned long data = (unsigned long)(__tdata_end - __tls_base);
	unsigned long all = (unsigned long)(__tls_end - __tls_base);

	memcpy(block, __tls_base, data);
	memset((char *)block + data, 0, all - data);
	return block;
}

void calf_thread_entry(void);   /* crt0.S */

__attribute__((noreturn)) void calf_thread_main(long (*fn)(void *), void *arg);

__attribute__((noreturn)) void calf_thread_main(long (*fn)(void *), void *arg)
{
	/* +16: never a zero-length array; the stack keeps it 16-aligned. */
	char block[(unsigned long)__tls_block_size + 16] __attribute__((aligned(16)));

	__asm__ volatile("mv tp, %0" : : "r"(calf_tls_init(block)) : "memory");
	calf_thread_exit(fn(arg));
}

long calf_thread_create_stack(long (*fn)(void *), void *arg, unsigned long stack_size)
{
	struct calf_msg m = { { 0 } };

	m.mr[0] = VM_THREAD_CREATE;
	m.mr[1] = (unsigned long)calf_thread_entry;
	m.mr[2] = (unsigned long)fn;
	m.mr[3] = (unsigned long)arg;
	m.mr[4] = stack_size;
	return calf_vm_request(&m);
}

long calf_thread_create(long (*fn)(void *), void *arg)
{
	return calf_thread_create_stack(fn, arg, 0);
}

long calf_thread_join(long tid, long *status)
{
	struct calf_msg m = { { 0 } };
	long r;

	m.mr[0] = VM_THREAD_JOIN;
	m.mr[1] = (unsigned long)tid;
	r = calf_vm_request(&m);
	if (r == 0 && status)
		*status = (long)m.mr[1];
	return r;
}
