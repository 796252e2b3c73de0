/*
 * sh - the shell: runs programs from the boot archive, in the
 * foreground or in the background.
 *
 * Layer: userland/. It uses the calf_* calls (calf_fork, calf_exec,
 * calf_wait) rather than POSIX fork/waitpid because it shows the VM
 * server's raw status (128 + signal). Started by init, which starts a new
 * one when it ends.
 *
 * A line is commands separated by ';' (run one after another) or '&'
 * (the command before it runs in the background). A command is words
 * separated by spaces: a builtin or a program in the boot archive, and
 * its arguments. There is no quoting, no variable but $?, and no pipe or
 * redirection: calf has no files, so '|', '<' and '>' are refused with a
 * word, never passed on as arguments. The builtins:
 *   help        what there is: builtins, keys, and one line per program
 *               (the table the build makes from each program's --help:
 *               tools/mkprograms.py writes programs.h)
 *   jobs        the background jobs that still run
 *   wait [J..]  wait for jobs (a pid or %N; none: all of them)
 *   kill J...   end processes (status 137 = 128 + 9): a PID alone, a
 *               job %N with whatever it started (VM_KILL_TREE)
 *   echo W...   print the words ($? is the last status)
 *   exit [N]    end the shell with status N (init starts another)
 *
 * A program in the foreground: fork; the child execs it; the shell
 * tells the VM server that the child is the foreground (calf_foreground)
 * and waits. Ctrl-C typed meanwhile reaches the VM server, which ends
 * that child and what it started (docs/architecture.md, The console):
 * the shell shows "[interrupted]" and $? is 130 (the Ctrl-C also stays
 * in the console's input: the editor drops it). A program that fails
 * shows "[exit N]", one the VM server killed "[killed: N]" (N = 128 +
 * signal: 139 is a segmentation fault, 137 a kill).
 *
 * In the background ("cowdemo &"): the shell prints "[N] PID" and does
 * not wait. Before each prompt it asks, without waiting, which children
 * ended, and reports each job that did ("[N] done  cowdemo"). `wait`
 * makes a job the foreground while it waits, so Ctrl-C ends it.
 *
 * The line is read with libcalf's line editor (edit.h: arrows, history,
 * Tab completion of names, Ctrl-L, ...). A line too long for it, or one
 * the console lost keys of, is refused, never run cut. Output of
 * background jobs pushes the line being typed down; the editor draws it
 * again below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calf.h"
#include "edit.h"
#include "programs.h"

#define MAX_WORDS 32
#define MAX_JOBS 16
#define JOB_TEXT 48
#define STATUS_INTERRUPTED (VM_STATUS_KILLED + 2)   /* SIGINT: Ctrl-C */
#define STATUS_NOT_FOUND 127                        /* POSIX shells' */
#define PROMPT "calf$ "

/* Background jobs: job N is jobs[N - 1]. */
struct job {
	long pid;                       /* 0: a free slot */
	char text[JOB_TEXT];            /* the command, for reports */
};

static struct job jobs[MAX_JOBS];
static long last_status;             /* $? */
static int exiting;                  /* `exit` was typed */
static struct edit ed;

static const char *const builtins[] = { "echo", "exit", "help", "jobs", "kill", "wait" };
/* What Tab completes: the builtins, then every program. */
static const char *names[sizeof(builtins) / sizeof(builtins[0]) +
			 sizeof(calf_programs) / sizeof(calf_programs[0])];

static void make_names(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		names[n++] = builtins[i];
	for (unsigned i = 0; calf_programs[i].name; i++)
		names[n++] = calf_programs[i].name;
	names[n] = NULL;
}

/* Split s in place into words; returns how many, or -1 if more than max. */
static int split_words(char *s, char *words[], int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		words[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
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
	printf("A line is commands separated by ';'. A command is a program or a builtin,\n"
	       "then its arguments, separated by spaces; '&' after it runs it in the\n"
	       "background. Ctrl-C ends the program in the foreground.\n");
	printf("builtins:\n"
	       "  help            this text\n"
	       "  jobs            the background jobs that still run\n"
	       "  wait [J...]     wait for jobs (J: a pid or %%N; none: all); the job\n"
	       "                  waited for is in the foreground: Ctrl-C ends it\n"
	       "  kill J...       end processes (their status: 137): a PID alone, a\n"
	       "                  job %%N with whatever it started\n"
	       "  echo [WORD...]  print the words; $? is the last command's status\n"
	       "  exit [N]        end this shell (init starts a new one)\n");
	printf("programs (PROG --help for its arguments):\n");
	show_programs(0);
	printf("tests and their helpers:\n");
	show_programs(1);
	printf("keys: Left/Right move, Up/Down recall the last %d lines, Tab completes a\n"
	       "  name, Ctrl-A/E start/end, Ctrl-U/K/W erase, Ctrl-L clears the screen,\n"
	       "  Ctrl-D on an empty line ends the shell.\n", EDIT_HISTORY);
	printf("not here: pipes (|), redirection (< >), &&, quoting, variables but $?,\n"
	       "  files and cd: calf has no files; programs come from the boot archive.\n");
}

/* How a program ended, in brackets; nothing if it ended well. */
static void show_status(long status)
{
	if (status == STATUS_INTERRUPTED)
		printf("[interrupted]\n");
	else if (status >= VM_STATUS_KILLED)
		printf("[killed: %ld]\n", status);
	else if (status != 0)
		printf("[exit %ld]\n", status);
}

/* "[N] done  TEXT" for a job that ended with status. */
static void report_job(struct job *j, long status)
{
	int n = (int)(j - jobs) + 1;

	if (status == 0)
		printf("[%d] done  %s\n", n, j->text);
	else if (status == STATUS_INTERRUPTED)
		printf("[%d] interrupted  %s\n", n, j->text);
	else if (status >= VM_STATUS_KILLED)
		printf("[%d] killed: %ld  %s\n", n, status, j->text);
	else
		printf("[%d] exit %ld  %s\n", n, status, j->text);
	j->pid = 0;
}

static struct job *job_of_pid(long pid)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].pid == pid)
			return &jobs[i];
	return NULL;
}

/* Report the jobs that ended, without waiting for the others. */
static void reap_jobs(void)
{
	long pid, status = 0;

	while ((pid = calf_wait_nohang(-1, &status)) > 0) {
		struct job *j = job_of_pid(pid);

		if (j)
			report_job(j, status);
	}
}

/* "42" or "%1" -> a pid, or 0 (after saying why) if it names none. */
static long parse_job(const char *cmd, const char *arg)
{
	char *end;
	long v;

	if (arg[0] == '%') {
		v = strtol(arg + 1, &end, 10);
		if (*end == '\0' && v >= 1 && v <= MAX_JOBS && jobs[v - 1].pid)
			return jobs[v - 1].pid;
		printf("%s: %s: no such job\n", cmd, arg);
		return 0;
	}
	v = strtol(arg, &end, 10);
	if (*end != '\0' || v <= 0) {
		printf("%s: %s: not a pid or %%N\n", cmd, arg);
		return 0;
	}
	return v;
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
	_exit(STATUS_NOT_FOUND);
}

/* Wait for child pid in the foreground: Ctrl-C ends it. Its status, or
 * -1 if the wait failed. `job`: say so first (the foreground is set). */
static long wait_foreground(long pid, const struct job *job)
{
	long status = -1, r;

	calf_foreground(pid);   /* -CALF_ESRCH if it ended already: fine */
	if (job) {
		printf("waiting for [%d] %ld  %s (Ctrl-C ends it)\n", (int)(job - jobs) + 1,
		       pid, job->text);
		fflush(stdout);
	}
	r = calf_wait(pid, &status);
	if (r < 0) {
		printf("sh: wait for %ld failed: error %ld\n", pid, -r);
		return -1;
	}
	/* The Ctrl-C that ended it is also in the console's input: it must
	 * not cancel the next line as well. */
	if (status == STATUS_INTERRUPTED)
		ed.drop_ctrl_c = 1;
	return status;
}

static void run_program(int n, char *words[], int background)
{
	struct job *j = NULL;
	long pid;

	if (background && !(j = job_of_pid(0))) {
		printf("sh: %d background jobs already; wait for one first\n", MAX_JOBS);
		last_status = 1;
		return;
	}
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
		last_status = pid == -CALF_ENOENT ? STATUS_NOT_FOUND : 1;
		return;
	}
	if (background) {
		j->pid = pid;
		j->text[0] = '\0';
		for (int i = 0; i < n; i++) {
			size_t used = strlen(j->text);

			snprintf(j->text + used, sizeof(j->text) - used, "%s%s", i ? " " : "",
				 words[i]);
		}
		printf("[%d] %ld\n", (int)(j - jobs) + 1, pid);
		last_status = 0;
		return;
	}
	last_status = wait_foreground(pid, NULL);
	show_status(last_status);
}

static void builtin_kill(int n, char *words[])
{
	last_status = 0;
	if (n < 2) {
		printf("usage: kill PID|%%N...\n");
		last_status = 2;
	}
	for (int i = 1; i < n; i++) {
		long pid = parse_job("kill", words[i]), r;

		if (pid == 0) {
			last_status = 1;
			continue;
		}
		/* %N is a job: the program and whatever it started, as
		 * Ctrl-C ends the foreground; a PID is that process alone. */
		r = words[i][0] == '%' ? calf_kill_tree(pid) : calf_kill(pid);
		if (r == -CALF_ESRCH)
			printf("kill: %ld: no such process\n", pid);
		else if (r == -CALF_EPERM)
			printf("kill: %ld: not allowed (init must live)\n", pid);
		else if (r < 0)
			printf("kill: %ld: error %ld\n", pid, -r);
		if (r < 0)
			last_status = 1;
	}
}

/* Wait for one job in the foreground and report it. Returns its status. */
static long wait_job(struct job *j)
{
	long status = wait_foreground(j->pid, j);

	if (status < 0)
		j->pid = 0;      /* it is gone anyway: not our child any more */
	else
		report_job(j, status);
	return status;
}

static void builtin_wait(int n, char *words[])
{
	last_status = 0;
	if (n < 2) {
		/* Every job, in order; Ctrl-C ends the one waited for, and
		 * the waiting. */
		for (int i = 0; i < MAX_JOBS; i++)
			if (jobs[i].pid && (last_status = wait_job(&jobs[i])) == STATUS_INTERRUPTED)
				return;
		return;
	}
	for (int i = 1; i < n; i++) {
		long pid = parse_job("wait", words[i]);
		struct job *j = pid ? job_of_pid(pid) : NULL;

		if (pid && !j)
			printf("wait: %ld: not a job of this shell\n", pid);
		if (!j) {
			last_status = 127;
			continue;
		}
		if ((last_status = wait_job(j)) == STATUS_INTERRUPTED)
			return;
	}
}

static void builtin_jobs(void)
{
	reap_jobs();
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].pid)
			printf("[%d] %ld running  %s\n", i + 1, jobs[i].pid, jobs[i].text);
	last_status = 0;
}

static void builtin_echo(int n, char *words[])
{
	for (int i = 1; i < n; i++) {
		if (strcmp(words[i], "$?") == 0)
			printf("%s%ld", i > 1 ? " " : "", last_status);
		else
			printf("%s%s", i > 1 ? " " : "", words[i]);
	}
	printf("\n");
	last_status = 0;
}

/* Commands a Unix user types that calf cannot have: it has no files
 * (so no directories), and no job control beyond '&' and wait. Said so,
 * rather than "no such program". Returns 1 if words[0] is one. */
static int not_in_calf(const char *cmd)
{
	static const char no_files[] = "calf has no files, so no directories either";
	static const char no_jobs[] = "no job control beyond '&', jobs, wait and kill %N";
	static const struct { const char *cmd, *why; } absent[] = {
		{ "cd", no_files }, { "pwd", no_files }, { "ls", no_files }, { "cat", no_files },
		{ "mkdir", no_files }, { "rm", no_files }, { "fg", no_jobs }, { "bg", no_jobs },
	};

	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strcmp(cmd, absent[i].cmd) == 0) {
			printf("sh: %s: %s (see help)\n", cmd, absent[i].why);
			return 1;
		}
	return 0;
}

/* One command: n words, in the background or not. */
static void run_command(int n, char *words[], int background)
{
	if (strcmp(words[0], "help") == 0) {
		show_help();
		last_status = 0;
	} else if (strcmp(words[0], "exit") == 0) {
		exiting = 1;
		last_status = n > 1 ? atoi(words[1]) : 0;
	} else if (strcmp(words[0], "kill") == 0) {
		builtin_kill(n, words);
	} else if (strcmp(words[0], "wait") == 0) {
		builtin_wait(n, words);
	} else if (strcmp(words[0], "jobs") == 0) {
		builtin_jobs();
	} else if (strcmp(words[0], "echo") == 0) {
		builtin_echo(n, words);
	} else if (not_in_calf(words[0])) {
		last_status = 127;
	} else {
		run_program(n, words, background);
	}
}

/* A whole line: commands separated by ';' and '&'. */
static void run_line(char *line)
{
	char *words[MAX_WORDS + 1];
	char *p = line;

	if (strpbrk(line, "|<>")) {
		printf("sh: pipes and redirection are not supported: calf has no files "
		       "(see help)\n");
		last_status = 2;
		return;
	}
	if (strstr(line, "&&")) {
		printf("sh: && is not supported: use ; (see help)\n");
		last_status = 2;
		return;
	}
	while (*p != '\0' && !exiting) {
		size_t len = strcspn(p, ";&");
		char sep = p[len], *cmd = p;
		int n;

		p[len] = '\0';
		p += len + (sep != '\0');
		n = split_words(cmd, words, MAX_WORDS);
		if (n < 0) {
			printf("sh: more than %d words in a command: not run\n", MAX_WORDS);
			last_status = 2;
			return;
		}
		if (n == 0) {
			if (sep == '&') {
				printf("sh: '&' needs a command before it\n");
				last_status = 2;
				return;
			}
			continue;
		}
		run_command(n, words, sep == '&');
	}
}

int main(int argc, char **argv)
{
	char line[EDIT_LINE_MAX + 1];

	calf_usage(argc, argv, "",
		   "the shell: programs, ';', jobs with '&', line editing");
	make_names();
	ed.write = calf_edit_write;
	ed.names = names;
	printf("calf shell: type help for the list of programs\n");
	while (!exiting) {
		int st;

		reap_jobs();
		edit_begin(&ed, PROMPT);
		st = calf_read_line(&ed);
		if (st < 0 || st == EDIT_EOF) {
			printf("sh: end of input\n");
			return 0;
		}
		if (st == EDIT_CANCEL) {
			last_status = STATUS_INTERRUPTED;
			continue;
		}
		if (st == EDIT_TOO_LONG) {
			printf("sh: line too long (more than %d characters): not run\n",
			       EDIT_LINE_MAX);
			last_status = 2;
			continue;
		}
		if (st == EDIT_LOST) {
			printf("sh: keys came faster than they were read and some were "
			       "lost: line not run\n");
			last_status = 2;
			continue;
		}
		edit_history_add(&ed, ed.line);
		memcpy(line, ed.line, sizeof(line));
		run_line(line);
	}
	return (int)last_status;
}
