/*
 * init - the first user program: starts the shell, or runs the programs
 * it is told to run; and reaps orphans.
 *
 * Layer: userland/.
 *
 * Start-up (the VM server's side, vm/cmdline.h): the VM server starts
 * init from the boot archive (the name given by `init=NAME` on the kernel
 * command line, default "init") with argv[0] = that name and argv[1..] =
 * the command-line words after a lone `--`. So the kernel command line
 *     poweroff init=init -- ktest --poweroff
 * runs ktest, then powers off. Handle CALF_HANDLE_VM is the VM server.
 *
 * Arguments:
 *   (none)         start the daemons (merged), then the shell, sh; when
 *                  it ends, start another (a teacher who typed `exit`
 *                  gets a fresh prompt)
 *   --poweroff     when every program has ended, power the machine off,
 *   (or poweroff)  reporting failure if any program ended with a
 *                  non-zero status
 *   KEY=VALUE      ignored: kernel options (init=, crash=, ...), so a VM
 *                  server that passes the whole command line works too
 *   PROG[,ARG...]  a program to run, with its arguments separated by
 *                  commas (the kernel command line has no quoting):
 *                  "faulter,load0" runs `faulter load0`
 * Programs run one after another, each waited for, and each end is
 * reported as
 *   init: NAME exited with status N
 * Without --poweroff, init then reaps orphans for ever.
 *
 * Run as any pid but 1 (typed at the shell), it says so and exits 1.
 *
 * Orphans: when a process ends, the VM server gives its children to
 * init (pid 1). Their exit must be waited for, or they stay zombies and
 * fill the process table; init's wait(-1) reaps them as they end.
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"

#define MAX_ARGS 16
/* A shell that ends this many times in a row within moments of starting
 * is broken: stop restarting it rather than loop for ever. */
#define SHELL_RESTARTS_MAX 5

/* Start "prog,arg1,arg2" as a child. Returns its pid, or -1. */
static long start(const char *spec)
{
	char buf[VM_ARGS_MAX];
	const char *argv[MAX_ARGS + 1];
	int argc = 0;
	long pid;
	char *p;

	if (strlen(spec) >= sizeof(buf)) {
		printf("init: argument too long: %s\n", spec);
		return -1;
	}
	strcpy(buf, spec);
	for (p = buf; argc < MAX_ARGS; ) {
		argv[argc++] = p;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	argv[argc] = NULL;

	pid = calf_spawn(argv);
	if (pid < 0)
		printf("init: cannot start %s: error %ld\n", argv[0], -pid);
	return pid < 0 ? -1 : pid;
}

/*
 * Wait until child `pid` ends, reaping any orphan that ends first.
 * Returns its status, or -1 if the wait failed.
 */
static long wait_for(long pid, const char *name)
{
	long status = -1, done;

	for (;;) {
		done = calf_wait(-1, &status);
		if (done < 0) {
			printf("init: wait for %s failed: error %ld\n", name, -done);
			return -1;
		}
		if (done == pid)
			return status;
		/* an orphan handed to us: reaped, nothing more to do */
	}
}

/* Run "prog,arg1,arg2" and wait for it, saying how it ended if `say`.
 * Returns its exit status, or -1 if it could not be started. */
static long run(const char *spec, int say)
{
	char name[32];
	long pid, status;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ","), spec);
	pid = start(spec);
	if (pid < 0)
		return -1;
	status = wait_for(pid, name);
	if (status >= 0 && say)
		printf("init: %s exited with status %ld\n", name, status);
	return status;
}

static int is_poweroff(const char *arg)
{
	return strcmp(arg, "--poweroff") == 0 || strcmp(arg, "poweroff") == 0;
}

static int is_program(const char *arg)
{
	return !is_poweroff(arg) && arg[0] != '\0' && strchr(arg, '=') == NULL;
}

/* The daemons of a machine with a shell: merged, the same-page merging
 * daemon, which waits inside the VM server (costing nothing) while
 * merging is off, as it is unless the kernel command line says merge=on
 * or someone types `merged on`. Not waited for: init reaps it if it
 * ever ends. */
static void start_daemons(void)
{
	const char *argv[] = { "merged", NULL };
	long pid = calf_spawn(argv);

	if (pid < 0)
		printf("init: cannot start merged: error %ld\n", -pid);
}

/* Keep a shell on the console for as long as the machine runs. */
static void run_shells(void)
{
	int quick_failures = 0;

	while (quick_failures < SHELL_RESTARTS_MAX) {
		unsigned long t0 = calf_time();
		long status = run("sh", 0);   /* said below, once */

		if (status == 0) {
			quick_failures = 0;
			printf("init: the shell ended; starting a new one\n");
			continue;
		}
		/* "quick": less than a second, so a shell that fails at once
		 * does not restart for ever */
		if (calf_time() - t0 < calf_timebase())
			quick_failures++;
		else
			quick_failures = 0;
		printf("init: the shell ended with status %ld; starting a new one\n",
		       status);
	}
	printf("init: the shell keeps failing; giving up\n");
}

int main(int argc, char **argv)
{
	int poweroff = 0, nprogs = 0, failed = 0;
	long status;
	struct calf_msg m;

	calf_usage(argc, argv, "[--poweroff] [PROG[,ARG...]]...",
		   "the first process: starts the shell; runs only as pid 1");
	if (calf_getpid() != 1) {
		/* Started from a shell, a second init would start a second
		 * shell, and the two would fight over every key typed. */
		printf("init: I am pid %ld, and only the VM server starts init, as pid 1,\n"
		       "at boot. For another shell, type sh.\n", calf_getpid());
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (is_poweroff(argv[i]))
			poweroff = 1;
		else if (is_program(argv[i]))
			nprogs++;
	}
	for (int i = 1; i < argc; i++)
		if (is_program(argv[i]) && run(argv[i], 1) != 0)
			failed = 1;
	if (nprogs == 0 && !poweroff) {
		start_daemons();
		run_shells();
	}

	if (poweroff) {
		printf("init: powering off%s\n", failed ? " (failure)" : "");
		fflush(stdout);
		calf_poweroff(failed);
		printf("init: poweroff failed\n");
		return 1;
	}

	/* Orphans are given to init: reap them, then sleep for ever on an
	 * endpoint nobody else holds (blocks without using the CPU). */
	while (calf_wait(-1, &status) >= 0)
		;
	printf("init: idle\n");
	fflush(stdout);
	long ep = calf_endpoint_create();

	for (;;)
		if (ep < 0 || calf_recv(ep, &m) < 0)
			calf_yield();
}
