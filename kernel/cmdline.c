/*
 * cmdline.c - look up words on the kernel command line.
 *
 * Layer: kernel/.
 */
#include "kernel/cmdline.h"
#include "lib/string.h"

int cmdline_has(const char *args, const char *word)
{
	size_t n = strlen(word);

	while (*args) {
		while (*args == ' ')
			args++;
		size_t len = 0;
		while (args[len] && args[len] != ' ')
			len++;
		if (len == n && n && strncmp(args, word, n) == 0)
			return 1;
		args += len;
	}
	return 0;
}

int cmdline_value(const char *args, const char *key, char *buf, unsigned long size)
{
	size_t n = strlen(key);

	while (*args) {
		while (*args == ' ')
			args++;
		size_t len = 0;
		while (args[len] && args[len] != ' ')
			len++;
		if (len > n && strncmp(args, key, n) == 0 && args[n] == '=') {
			unsigned long i = 0;
			for (const char *v = args + n + 1; v < args + len && i + 1 < size; v++)
				buf[i++] = *v;
			if (size)
				buf[i] = '\0';
			return 1;
		}
		args += len;
	}
	return 0;
}

int cmdline_uint(const char *args, const char *key, unsigned long *out)
{
	char buf[21];
	unsigned long v = 0;

	if (!cmdline_value(args, key, buf, sizeof(buf)) || !buf[0])
		return 0;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9' || v > (~0ul - 9) / 10)
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*out = v;
	return 1;
}
