/*
 * usage.c - every program's answer to --help, and to arguments it does
 * not take (calf_usage, calf_usage_error; calf.h).
 *
 * Layer: userland/ (libcalf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"

/* The program's own words, kept for calf_usage_error. */
static const char *usage_name = "?", *usage_args = "", *usage_what = "";

/* "usage: PROG ARGS", then each line of WHAT indented by two spaces. */
static void print_usage(void)
{
	const char *w = usage_what;

	printf("usage: %s%s%s\n", usage_name, usage_args[0] ? " " : "", usage_args);
	while (*w) {
		const char *nl = strchr(w, '\n');
		int len = nl ? (int)(nl - w) : (int)strlen(w);

		printf("  %.*s\n", len, w);
		w += len + (nl != NULL);
	}
}

void calf_usage(int argc, char **argv, const char *args, const char *what)
{
	usage_name = argc > 0 ? argv[0] : "?";
	usage_args = args;
	usage_what = what;
	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
		return;
	print_usage();
	exit(0);
}

int calf_usage_error(void)
{
	print_usage();
	return 2;
}
