/*
 * posix.c - the POSIX names for calf's process and memory calls.
 *
 * Layer: userland/ (libcalf). Programs written for POSIX use fork,
 * execv, waitpid, kill and mmap; each is a thin wrapper over one
 * VM-server request that turns "-CALF_Exxx" into -1 and errno, as POSIX
 * wants.
 * The CALF_E* numbers are the Linux/POSIX numbers, so they pass through.
 *
 * Wait status: the VM server reports a plain number, the exit status or
 * VM_STATUS_KILLED + signal. wait() and waitpid() encode it the way
 * picolibc's <sys/wait.h> macros decode it (exit status in bits 8..15,
 * a signal in bits 0..6), so WIFEXITED, WEXITSTATUS, WIFSIGNALED and
 * WTERMSIG work as on any Unix.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calf.h"

/* A result >= 0 passes; -error sets errno and becomes -1. */
static long posix_result(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

pid_t fork(void)
{
	/* A line half-built in the console buffer would otherwise be
	 * printed by both processes. */
	calf_console_flush();
	return (pid_t)posix_result(calf_fork());
}

/* There are no files: path names the program in the boot archive, and
 * takes argv[0]'s place (the VM server names the program by the first
 * word of the argument block). */
int execv(const char *path, char *const argv[])
{
	const char *args[64];
	int i;

	args[0] = path;
	for (i = 1; argv != NULL && argv[0] != NULL && argv[i] != NULL; i++) {
		if (i == 63) {
			errno = E2BIG;
			return -1;
		}
		args[i] = argv[i];
	}
	args[i] = NULL;
	calf_console_flush();
	return (int)posix_result(calf_exec(args));
}

/* Every name is a program in the archive: no PATH to search. */
int execvp(const char *file, char *const argv[])
{
	return execv(file, argv);
}

static int encode_status(long status)
{
	if (status >= VM_STATUS_KILLED && status < VM_STATUS_KILLED + 0x7f)
		return (int)(status - VM_STATUS_KILLED);      /* WIFSIGNALED */
	return (int)((status & 0xff) << 8);               /* WIFEXITED */
}

pid_t waitpid(pid_t pid, int *wstatus, int options)
{
	long status = 0, r;

	if (options & ~(WUNTRACED | WNOHANG)) {
		errno = EINVAL;
		return -1;
	}
	if (options & WNOHANG)
		r = calf_wait_nohang(pid <= 0 ? -1 : (long)pid, &status);
	else
		r = calf_wait(pid <= 0 ? -1 : (long)pid, &status);
	if (r < 0) {
		/* -CALF_ESRCH: no such child; POSIX says ECHILD */
		errno = r == -CALF_ESRCH ? ECHILD : (int)-r;
		return -1;
	}
	if (r > 0 && wstatus != NULL)
		*wstatus = encode_status(status);
	return (pid_t)r;        /* 0 with WNOHANG: none has ended yet */
}

pid_t wait(int *wstatus)
{
	return waitpid(-1, wstatus, 0);
}

/* Every signal ends the process: the VM server has one way to stop a
 * process, and reports it as killed by signal 9 whatever sig was. */
int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= 64) {
		errno = EINVAL;
		return -1;
	}
	if (sig == 0) {
		/* "does it exist?": ps knows */
		struct calf_ps ps;

		if (calf_ps_of(pid, &ps) == pid && ps.state != VM_PS_ZOMBIE)
			return 0;
		errno = ESRCH;
		return -1;
	}
	return (int)posix_result(calf_kill(pid));
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	long r;

	(void)addr;   /* a hint; the VM server picks the place */
	if (!(flags & MAP_ANONYMOUS) || (flags & (MAP_SHARED | MAP_FIXED)) ||
	    (prot & PROT_EXEC) || fd != -1 || offset != 0 || len == 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	r = calf_mmap(len);
	if (r < 0) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)(uintptr_t)r;
}

int munmap(void *addr, size_t len)
{
	return (int)posix_result(calf_munmap((unsigned long)(uintptr_t)addr, len));
}

int madvise(void *addr, size_t len, int advice)
{
	if (advice != MADV_MERGEABLE && advice != MADV_UNMERGEABLE)
		return (int)posix_result(-CALF_EINVAL);
	return (int)posix_result(calf_merge_advise((unsigned long)(uintptr_t)addr, len,
						   advice == MADV_MERGEABLE));
}
