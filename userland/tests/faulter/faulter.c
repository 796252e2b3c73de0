/*
 * faulter - does one forbidden thing, named by its argument, so that
 * ktest can check the pager kills it and nothing else.
 *
 * Layer: userland/.
 *
 *   none            exits 0 (the control: spawn and wait work)
 *   load0           reads address 0 (page 0 is never mapped)
 *   store-text      writes into its own text (mapped R-X)
 *   store-rodata    writes into its own read-only data
 *   exec-data       jumps into a writable data buffer (mapped RW-)
 *   kernel          reads the kernel's direct map (0xffffffc000000000)
 *   illegal         executes an illegal instruction
 *   stack-overflow  touches the stack below VM_USER_STACK_MAX
 *
 * and modes that block in the kernel for ever, so that ktest can kill a
 * thread blocked in IPC (the kernel kills a thread in any state):
 *   block-recv      SYS_RECV on a fresh endpoint nobody sends to
 *   block-send      SYS_SEND on a fresh endpoint nobody receives on
 *   block-call      SYS_CALL on a fresh endpoint nobody receives on
 *   server-noreply  receives one call on the FAULTER_KEY rendezvous
 *                   endpoint, tells ktest it holds it (a call on the
 *                   FAULTER_READY_KEY endpoint), then never replies
 *                   (blocks in SYS_RECV on a second endpoint): its
 *                   caller waits for ever
 *   client-call     calls the FAULTER_KEY endpoint; if the call ever
 *                   returns, exits with the error (CALF_EINTR = 4 when
 *                   the server died) or 0
 *
 * and one that never enters the kernel at all, the target of the
 * shell's Ctrl-C test (a program stuck in a loop):
 *   spin            says so, then loops for ever in user mode
 *
 * Without a mode it lists them (modes[], below) and exits 2.
 *
 * A faulter that survives says so and exits with status 1, which ktest
 * reports as a failure (a killed one ends >= VM_STATUS_KILLED).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"

static const unsigned long rodata_word = 0x1234;

/* `ret` (c.jr ra = 0x8082), twice for alignment: if the data page were
 * executable, the jump would come straight back and we would survive. */
static volatile uint16_t data_code[2] = { 0x8082, 0x8082 };

/* The rendezvous key of server-noreply and client-call, and the one on
 * which server-noreply tells ktest it has taken the call (ktest.c has
 * the same number): with several harts, ktest must not kill the server
 * while the client's call is still queued, or the call never fails. */
#define FAULTER_KEY 0xfa17ul
#define FAULTER_READY_KEY 0xfa18ul

static const char *const modes[][2] = {
	{ "none", "exits 0 (the control)" },
	{ "load0", "reads address 0" },
	{ "store-text", "writes into its own text" },
	{ "store-rodata", "writes into its own read-only data" },
	{ "exec-data", "jumps into writable data" },
	{ "kernel", "reads kernel memory" },
	{ "illegal", "runs an illegal instruction" },
	{ "stack-overflow", "writes below the stack's limit" },
	{ "block-recv", "waits to receive on an endpoint nobody sends to" },
	{ "block-send", "waits to send to an endpoint nobody receives on" },
	{ "block-call", "calls an endpoint nobody receives on" },
	{ "server-noreply", "takes one call and never answers (ktest)" },
	{ "client-call", "calls the server-noreply one (ktest)" },
	{ "spin", "loops for ever without a system call" },
};

static int list_modes(void)
{
	printf("usage: faulter MODE: does one forbidden thing, so that a test can see\n"
	       "the VM server kill it (or kill it where it blocks). MODE is one of:\n");
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		printf("  %-15s %s\n", modes[i][0], modes[i][1]);
	return 2;
}

/* Block in the kernel for ever: the modes that wait for IPC. Returns
 * only if the call fails (or, for client-call, is answered). */
static int block(const char *what)
{
	struct calf_msg m;
	long ep, r;

	memset(&m, 0, sizeof(m));
	if (strcmp(what, "server-noreply") == 0 || strcmp(what, "client-call") == 0)
		ep = calf_rendezvous(FAULTER_KEY);
	else
		ep = calf_endpoint_create();
	if (ep < 0) {
		printf("faulter: no endpoint: %ld\n", ep);
		return 3;
	}
	if (strcmp(what, "block-recv") == 0) {
		r = calf_recv(ep, &m);
	} else if (strcmp(what, "block-send") == 0) {
		r = calf_send(ep, &m);
	} else if (strcmp(what, "block-call") == 0 || strcmp(what, "client-call") == 0) {
		r = calf_call(ep, &m);
		if (strcmp(what, "client-call") == 0)
			return r < 0 ? (int)-r : 0;
	} else {
		/* server-noreply: take the call, owe the reply, and wait
		 * somewhere nobody will ever send to */
		r = calf_recv(ep, &m);
		if (r >= 0) {
			long ready = calf_rendezvous(FAULTER_READY_KEY);
			struct calf_msg hello;

			memset(&hello, 0, sizeof(hello));
			if (ready >= 0)
				calf_call(ready, &hello);
			long other = calf_endpoint_create();

			r = other < 0 ? other : calf_recv(other, &m);
		}
	}
	printf("faulter: %s returned %ld\n", what, r);
	return 1;
}

int main(int argc, char **argv)
{
	const char *what = argv[1];

	calf_usage(argc, argv, "MODE",
		   "does one forbidden thing for a test; without MODE, lists them");
	if (argc < 2)
		return list_modes();
	if (strcmp(what, "none") == 0)
		return 0;
	if (strcmp(what, "spin") == 0) {
		printf("faulter: spinning; Ctrl-C or kill ends me\n");
		fflush(stdout);
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	if (strncmp(what, "block-", 6) == 0 || strcmp(what, "server-noreply") == 0 ||
	    strcmp(what, "client-call") == 0)
		return block(what);

	/* The line ends up on the console before the fault, which helps
	 * when reading a failed run. */
	printf("faulter: %s\n", what);
	if (strcmp(what, "load0") == 0) {
		(void)*(volatile unsigned long *)0;
	} else if (strcmp(what, "store-text") == 0) {
		*(volatile uint32_t *)(uintptr_t)&main = 0;
	} else if (strcmp(what, "store-rodata") == 0) {
		*(volatile unsigned long *)(uintptr_t)&rodata_word = 0;
	} else if (strcmp(what, "exec-data") == 0) {
		void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;

		fn();
	} else if (strcmp(what, "kernel") == 0) {
		(void)*(volatile unsigned long *)0xffffffc000000000ul;
	} else if (strcmp(what, "illegal") == 0) {
		/* 32 zero bits: defined to be an illegal instruction */
		__asm__ volatile(".4byte 0");
	} else if (strcmp(what, "stack-overflow") == 0) {
		volatile char *p = (volatile char *)(VM_USER_STACK_TOP -
						     VM_USER_STACK_MAX - 4096);
		*p = 1;
	} else {
		printf("faulter: unknown mode '%s'\n", what);
		return list_modes();
	}
	printf("faulter: survived %s\n", what);
	return 1;
}
