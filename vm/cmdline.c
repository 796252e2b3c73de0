/*
 * cmdline.c - the first program and its arguments, from the kernel
 * command line (see cmdline.h).
 *
 * Layer: vm/ (pure). The words come from lib/'s tokenizer, the one the
 * kernel reads its own options with.
 */
#include "vm/cmdline.h"
#include "lib/cmdline.h"

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

	for (w = cmdline_next(cmdline, &len); len; w = cmdline_next(w + len, &len)) {
		if (cmdline_word_is(w, len, "--")) {
			args = w + len;
			break;
		}
		if (len >= 5 && cmdline_word_is(w, 5, "init=")) {
			name = w + 5;
			name_len = len - 5;
		}
	}
	if (name_len == 0 || !append(block, size, &pos, name, name_len))
		return -1;
	if (args)
		for (w = cmdline_next(args, &len); len; w = cmdline_next(w + len, &len))
			if (!append(block, size, &pos, w, len))
				return -1;
	return (int)pos;
}
