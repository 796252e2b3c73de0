/*
 * cmdline.c - the first program and its arguments, from the kernel
 * command line (see cmdline.h).
 *
 * Layer: vm/ (pure).
 */
#include "vm/cmdline.h"

#include <stdbool.h>

/* Next word of s: *len its length, returns its start (len 0 at the end). */
static const char *next_word(const char *s, size_t *len)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (s[n] && s[n] != ' ' && s[n] != '\t')
		n++;
	*len = n;
	return s;
}

static bool word_is(const char *w, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len && lit[i]; i++)
		if (w[i] != lit[i])
			return false;
	return i == len && !lit[i];
}

/* Append w[0..len) and a NUL to block at *pos. */
static bool append(char *block, size_t size, size_t *pos, const char *w, size_t len)
{
	if (*pos + len + 1 > size)
		return false;
	for (size_t i = 0; i < len; i++)
		block[*pos + i] = w[i];
	block[*pos + len] = '\0';
	*pos += len + 1;
	return true;
}

int vm_cmdline_init_args(const char *cmdline, char *block, size_t size)
{
	const char *name = "init", *w, *args = NULL;
	size_t name_len = 4, len, pos = 0;

	for (w = next_word(cmdline, &len); len; w = next_word(w + len, &len)) {
		if (word_is(w, len, "--")) {
			args = w + len;
			break;
		}
		if (len >= 5 && word_is(w, 5, "init=")) {
			name = w + 5;
			name_len = len - 5;
		}
	}
	if (name_len == 0 || !append(block, size, &pos, name, name_len))
		return -1;
	if (args)
		for (w = next_word(args, &len); len; w = next_word(w + len, &len))
			if (!append(block, size, &pos, w, len))
				return -1;
	return (int)pos;
}
