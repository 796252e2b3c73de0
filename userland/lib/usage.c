/*
 * usage.c - every program's answer to --help (calf_usage, calf.h).
 *
 * Layer: userland/ (libcalf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"

void calf_usage(int argc, char **argv, const char *args, const char *what)
{
	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
		return;
	printf("usage: %s%s%s\n  %s\n", argv[0], args[0] ? " " : "", args, what);
	exit(0);
}
