/*
 * replay.c - run a fuzz target over its corpus without libFuzzer.
 *
 * Layer: test/ (host only). Linked with one fuzz target
 * (LLVMFuzzerTestOneInput) and built with the host gcc and
 * -fsanitize=address,undefined, this is a plain host unit test: every
 * file of the corpus is one test, run in a child process of its own so a
 * sanitizer report or an abort() fails that file only. Prints
 *     ok   <file>          or    FAIL <file>: <how it ended>
 * and the closing line "N passed, N failed" (test/run_tests.py reads it).
 *
 *     build/host/fuzz_replay_sv39                 the built-in corpus
 *     build/host/fuzz_replay_sv39 DIR|FILE ...    these inputs instead
 *
 * The built-in corpus folder is FUZZ_CORPUS, set by mk/fuzz.mk.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS=\"path/to/corpus\""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int passed, failed;

static void fail(const char *path, const char *how)
{
	failed++;
	printf("FAIL %s: %s\n", path, how);
}

static int run_one(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 2;
	}
	do {
		if (size == cap) {
			cap = cap ? 2 * cap : 4096;
			data = realloc(data, cap);
			if (data == NULL)
				return 2;
		}
		n = fread(data + size, 1, cap - size, fp);
		size += n;
	} while (n > 0);
	fclose(fp);
	/* An exact-size copy: ASan sees a read one byte past the input. */
	uint8_t *exact = malloc(size ? size : 1);

	if (exact == NULL)
		return 2;
	memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 0;
}

static void replay(const char *path)
{
	char how[64];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fail(path, "fork failed");
		return;
	}
	if (pid == 0)
		_exit(run_one(path));
	if (waitpid(pid, &status, 0) < 0) {
		fail(path, "waitpid failed");
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		printf("ok   %s\n", path);
		return;
	}
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	fail(path, how);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a folder, in name order, or the path itself. */
static void replay_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (stat(path, &st) != 0) {
		fail(path, "cannot stat");
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay(path);
		return;
	}
	d = opendir(path);
	if (d == NULL) {
		fail(path, "cannot open the folder");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char full[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (names == NULL || (names[n] = strdup(full)) == NULL) {
			fail(path, "out of memory");
			closedir(d);
			return;
		}
		n++;
	}
	closedir(d);
	if (n == 0)
		fail(path, "no inputs in the folder");
	if (names != NULL)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		replay(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2)
		replay_path(FUZZ_CORPUS);
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
