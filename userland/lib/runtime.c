/*
 * runtime.c - the glue that lets picolibc run on calf.
 *
 * Layer: userland/ (libcalf). picolibc needs very little from an OS:
 *   stdin/stdout/stderr  one console stream (FDEV_SETUP_STREAM) over
 *                        SYS_CONSOLE_WRITE / SYS_CONSOLE_READ
 *   _exit                flush the console, then VM_EXIT
 *   sbrk                 for malloc, VM_SBRK
 * plus getpid/getppid for programs that want the POSIX names; the
 * other POSIX process calls are in posix.c.
 *
 * crt0.S calls calf_runtime_init() before main. That call is also what
 * makes the linker take this object out of libcalf.a before it scans
 * picolibc, so our sbrk and stdout win over picolibc's own.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "calf.h"

/*
 * Output is collected into one line and written with one system call:
 * a line from one program then never interleaves with another's on the
 * console, and printing costs one trap per line instead of per byte.
 * stdout and stderr share the buffer so their order is kept. Each thread
 * has a line of its own (thread-local: thread.c): threads printing at
 * once never mix characters within a line, and need no lock.
 */
static __thread char line[256];
static __thread unsigned long line_len;

static void console_flush_line(void)
{
	unsigned long done = 0;

	while (done < line_len) {
		long n = calf_console_write(line + done, line_len - done);

		if (n <= 0)
			break;          /* nothing we can do: drop the rest */
		done += (unsigned long)n;
	}
	line_len = 0;
}

static int console_put(char c, FILE *f)
{
	(void)f;
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		console_flush_line();
	return (unsigned char)c;
}

static int console_flush(FILE *f)
{
	(void)f;
	console_flush_line();
	return 0;
}

void calf_console_flush(void)
{
	console_flush_line();
}

/* SYS_CONSOLE_READ blocks until a byte is there; a kernel that answers
 * 0 ("nothing yet") instead is handled by yielding and asking again.
 * -CALF_EINTR (others wrote to the console meanwhile) matters only to a
 * line editor: here, ask again. */
static int console_get(FILE *f)
{
	unsigned char c;

	(void)f;
	console_flush_line();   /* show a prompt before waiting for input */
	for (;;) {
		long n = calf_console_read(&c, 1);

		if (n == 1)
			return c;
		if (n == -CALF_EINTR)
			continue;
		if (n < 0)
			return _FDEV_ERR;
		calf_yield();
	}
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get,
					console_flush, _FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

void calf_runtime_init(void)
{
	line_len = 0;
}

/* picolibc's exit() runs atexit handlers and destructors, then this. */
void _exit(int status)
{
	console_flush_line();
	calf_exit(status);
}

void *sbrk(ptrdiff_t increment)
{
	long r = calf_sbrk((long)increment);

	if (r < 0) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return (void *)r;
}

pid_t getpid(void)
{
	return (pid_t)calf_getpid();
}

pid_t getppid(void)
{
	return (pid_t)calf_getppid();
}
