/*
 * cmdline.c - read a command line (see cmdline.h).
 *
 * Layer: lib/ (pure). No string functions: the kernel and the VM server
 * would each need their own, and the host tests libc's.
 */
#include "cmdline.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

const char *cmdline_next(const char *s, size_t *len)
{
	size_t n = 0;

	while (is_space(*s))
		s++;
	while (s[n] && !is_space(s[n]))
		n++;
	*len = n;
	return s;
}

bool cmdline_word_is(const char *w, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len && lit[i]; i++)
		if (w[i] != lit[i])
			return false;
	return i == len && !lit[i];
}

bool cmdline_has(const char *args, const char *word)
{
	const char *w;
	size_t len;

	for (w = cmdline_next(args, &len); len; w = cmdline_next(w + len, &len))
		if (cmdline_word_is(w, len, word))
			return true;
	return false;
}

/* The value of the first "key=value" word: its start, and its length
 * in *vlen; NULL if there is no such word. */
static const char *find_value(const char *args, const char *key, size_t *vlen)
{
	const char *w;
	size_t len, n;

	for (w = cmdline_next(args, &len); len; w = cmdline_next(w + len, &len)) {
		for (n = 0; key[n] && n < len && w[n] == key[n]; n++)
			;
		if (!key[n] && n > 0 && n < len && w[n] == '=') {
			*vlen = len - n - 1;
			return w + n + 1;
		}
	}
	return NULL;
}

bool cmdline_value(const char *args, const char *key, char *buf, size_t size)
{
	size_t vlen, i;
	const char *v = find_value(args, key, &vlen);

	if (!v)
		return false;
	for (i = 0; i < vlen && i + 1 < size; i++)
		buf[i] = v[i];
	if (size)
		buf[i] = '\0';
	return true;
}

bool cmdline_uint(const char *args, const char *key, unsigned long *out)
{
	size_t vlen;
	const char *v = find_value(args, key, &vlen);
	unsigned long n = 0;

	if (!v || vlen == 0)
		return false;
	for (size_t i = 0; i < vlen; i++) {
		unsigned d = (unsigned)(v[i] - '0');

		if (v[i] < '0' || v[i] > '9' || n > (~0ul - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*out = n;
	return true;
}
