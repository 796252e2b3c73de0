/*
 * cmdline.h - read a command line: words separated by spaces or tabs.
 *
 * Layer: lib/ (pure; host-tested by test_cmdline.c). The one tokenizer
 * of the kernel command line (/chosen/bootargs): the kernel looks up its
 * options with it (kernel/main.c: stop-after-boot, asid-bits=N,
 * crash=KIND), the VM server finds the first program and its arguments
 * (vm/cmdline.c: init=NAME and the words after "--").
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The first word of s: returns where it starts and sets *len to its
 * length; *len is 0 when no word is left. Walk every word with
 *     for (w = cmdline_next(s, &len); len; w = cmdline_next(w + len, &len))
 */
const char *cmdline_next(const char *s, size_t *len);

/* Is the word w[0..len) exactly the string lit? */
bool cmdline_word_is(const char *w, size_t len, const char *lit);

/* Is `word` one of the words of `args`? */
bool cmdline_has(const char *args, const char *word);

/* The value of the first "key=value" word, copied into buf (at most
 * size-1 bytes, NUL-terminated when size > 0); true if the key is there
 * (its value may be empty), false if not. */
bool cmdline_value(const char *args, const char *key, char *buf, size_t size);

/* The decimal value of "key=N": true and *out set if the key is there
 * with a valid number that fits, false otherwise (*out unchanged). */
bool cmdline_uint(const char *args, const char *key, unsigned long *out);

#endif
