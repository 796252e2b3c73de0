/*
 * sh - the shell: runs programs from the boot archive.
 *
 * Layer: userland/. It uses the calf_* calls (calf_fork, calf_exec,
 * calf_wait) rather than POSIX fork/waitpid because it shows the VM
 * server's raw status (128 + signal). Started by init, which starts a new
 * one when it ends.
 *
 * A line is words separated by spaces; there is no quoting, no
 * redirection, no `cd` (there are no files). The first word is a builtin
 * or a program in the boot archive:
 *   help        the builtins, and one line per program and test (the
 *               table the build makes from each program's --help:
 *               tools/mkprograms.py writes programs.h)
 *   exit [N]    end the shell with status N (init starts another)
 *   kill PID    end a process (its status becomes 137 = 128 + 9)
 *   PROG ARGS   fork; the child execs PROG with ARGS; the shell waits.
 *               A program that fails shows "[exit N]", one the VM server
 *               killed "[killed: N]" (N = 128 + signal: 139 is a
 *               segmentation fault, 137 a kill).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calf.h"
#include "programs.h"

#define LINE_MAX_LEN 256
#define MAX_WORDS 32

/* Split line in place into words; returns how many. */
static int split_words(char *line, char *words[], int max)
{
	int n = 0;
	char *p = line;

	while (*p != '\0' && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		words[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	words[n] = NULL;
	return n;
}

static void show_programs(int tests)
{
	for (unsigned i = 0; calf_programs[i].name; i++)
		if (calf_programs[i].test == tests)
			printf("  %-11s %s\n", calf_programs[i].name, calf_programs[i].what);
}

static void show_help(void)
{
	printf("builtins: help exit kill\n");
	printf("programs (PROG --help for its arguments):\n");
	show_programs(0);
	printf("tests and their helpers:\n");
	show_programs(1);
	printf("Type a program's name and its arguments, separated by spaces.\n");
}

/* Print how a program ended, unless it ended well. */
static void show_status(long status)
{
	if (status >= VM_STATUS_KILLED)
		printf("[killed: %ld]\n", status);
	else if (status != 0)
		printf("[exit %ld]\n", status);
}

/* The child's side of fork: become the program, or say why not. */
static __attribute__((noreturn)) void child_exec(char *words[])
{
	long r = calf_exec((const char *const *)words);

	if (r == -CALF_ENOENT)
		printf("sh: %s: no such program (try help)\n", words[0]);
	else
		printf("sh: %s: cannot run it: error %ld\n", words[0], -r);
	fflush(stdout);
	_exit(127);      /* what POSIX shells use for "command not found" */
}

/* Run one program and wait for it; returns its status or -1. */
static long run_program(char *words[])
{
	long pid, done, status = 0;

	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		child_exec(words);
	if (pid == -CALF_ENOSYS)
		/* a VM server without fork: spawn does the same in one step */
		pid = calf_spawn((const char *const *)words);
	if (pid < 0) {
		if (pid == -CALF_ENOENT)
			printf("sh: %s: no such program (try help)\n", words[0]);
		else
			printf("sh: cannot start %s: error %ld\n", words[0], -pid);
		return -1;
	}
	done = calf_wait(pid, &status);
	if (done < 0) {
		printf("sh: wait for %s failed: error %ld\n", words[0], -done);
		return -1;
	}
	show_status(status);
	return status;
}

static void builtin_kill(int n, char *words[])
{
	for (int i = 1; i < n; i++) {
		char *end;
		long pid = strtol(words[i], &end, 10);
		long r;

		if (*end != '\0' || pid <= 0) {
			printf("kill: %s: not a pid\n", words[i]);
			continue;
		}
		r = calf_kill(pid);
		if (r == -CALF_ESRCH)
			printf("kill: %ld: no such process\n", pid);
		else if (r == -CALF_EPERM)
			printf("kill: %ld: not allowed (init must live)\n", pid);
		else if (r < 0)
			printf("kill: %ld: error %ld\n", pid, -r);
	}
	if (n < 2)
		printf("usage: kill PID...\n");
}

int main(int argc, char **argv)
{
	char line[LINE_MAX_LEN];
	char *words[MAX_WORDS + 1];

	calf_usage(argc, argv, "",
		   "the shell: programs, ';', jobs with '&', line editing");
	printf("calf shell: type help for the list of programs\n");
	for (;;) {
		int n;

		printf("calf$ ");
		if (calf_read_line(line, sizeof(line)) < 0) {
			printf("\nsh: end of input\n");
			return 0;
		}
		n = split_words(line, words, MAX_WORDS);
		if (n == 0)
			continue;
		if (strcmp(words[0], "help") == 0)
			show_help();
		else if (strcmp(words[0], "exit") == 0)
			return n > 1 ? atoi(words[1]) : 0;
		else if (strcmp(words[0], "kill") == 0)
			builtin_kill(n, words);
		else
			run_program(words);
	}
}
