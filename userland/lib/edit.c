/*
 * edit.c - the line editor (see edit.h).
 *
 * Layer: userland/ (libcalf, pure). The terminal is driven with a few
 * sequences every VT100 descendant knows: BS (cursor left), CR, ESC [ K
 * (erase to the end of the row), ESC [ N D (N columns left), ESC [ H and
 * ESC [ 2 J (home, clear). Typing at the end of the line, the common case,
 * only echoes the key; anything else draws the whole line again.
 */
#include <string.h>

#include "edit.h"

/* Escape-sequence states (e->esc). */
enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_CSI_MORE, ESC_SS3 };

#define CTRL(c) ((c) & 0x1f)

static void out(struct edit *e, const char *s, unsigned long n)
{
	if (n > 0)
		e->write(e->ctx, s, n);
}

static void outs(struct edit *e, const char *s)
{
	out(e, s, strlen(s));
}

static void bell(struct edit *e)
{
	outs(e, "\a");
}

void edit_redraw(struct edit *e)
{
	char back[16];
	unsigned n = e->len - e->cur, i = sizeof(back);

	outs(e, "\r");
	outs(e, e->prompt);
	out(e, e->line, e->len);
	outs(e, "\x1b[K");
	if (n == 0)
		return;
	/* ESC [ n D, the number written backwards into back[] */
	back[--i] = 'D';
	do {
		back[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	back[--i] = '[';
	back[--i] = '\x1b';
	out(e, back + i, sizeof(back) - i);
}

void edit_begin(struct edit *e, const char *prompt)
{
	e->prompt = prompt;
	e->len = e->cur = 0;
	e->line[0] = '\0';
	e->too_long = 0;
	e->lost = 0;
	e->esc = ESC_NONE;
	e->hist_pos = 0;
	outs(e, prompt);
}

/* Replace the line by s (history), cursor at its end. */
static void load(struct edit *e, const char *s)
{
	e->len = e->cur = (unsigned)strlen(s);
	memcpy(e->line, s, e->len + 1);
	e->too_long = 0;
	edit_redraw(e);
}

/* Insert n characters at the cursor, or ring the bell and remember that
 * the line lost them. */
static void insert(struct edit *e, const char *s, unsigned n)
{
	if (e->len + n > EDIT_LINE_MAX) {
		e->too_long = 1;
		bell(e);
		return;
	}
	memmove(e->line + e->cur + n, e->line + e->cur, e->len - e->cur + 1);
	memcpy(e->line + e->cur, s, n);
	e->len += n;
	e->cur += n;
	if (e->cur == e->len)
		out(e, s, n);            /* at the end: an echo is enough */
	else
		edit_redraw(e);
}

/* Erase [from, to) of the line; the cursor goes to from. */
static void erase(struct edit *e, unsigned from, unsigned to)
{
	int last = to == e->len && e->cur == to && to - from == 1;

	if (from >= to)
		return;
	memmove(e->line + from, e->line + to, e->len - to + 1);
	e->len -= to - from;
	e->cur = from;
	if (e->len == 0)
		e->too_long = 0;         /* emptied: a fresh start */
	if (last)
		outs(e, "\b \b");        /* the last character: rub it out */
	else
		edit_redraw(e);
}

static void move_to(struct edit *e, unsigned pos)
{
	if (pos == e->cur)
		return;
	if (pos + 1 == e->cur) {
		e->cur = pos;
		outs(e, "\b");
		return;
	}
	if (pos == e->cur + 1) {
		out(e, &e->line[e->cur], 1);   /* writing it moves right */
		e->cur = pos;
		return;
	}
	e->cur = pos;
	edit_redraw(e);
}

static void history_walk(struct edit *e, int older)
{
	if (older) {
		if (e->hist_pos >= e->hist_count) {
			bell(e);
			return;
		}
		if (e->hist_pos == 0)
			memcpy(e->typed, e->line, e->len + 1);
		e->hist_pos++;
		load(e, e->hist[e->hist_pos - 1]);
	} else {
		if (e->hist_pos == 0) {
			bell(e);
			return;
		}
		e->hist_pos--;
		load(e, e->hist_pos ? e->hist[e->hist_pos - 1] : e->typed);
	}
}

void edit_history_add(struct edit *e, const char *line)
{
	unsigned n = (unsigned)strlen(line);

	if (n == 0 || n > EDIT_LINE_MAX || strspn(line, " \t") == n)
		return;
	if (e->hist_count > 0 && strcmp(e->hist[0], line) == 0)
		return;
	if (e->hist_count < EDIT_HISTORY)
		e->hist_count++;
	memmove(e->hist[1], e->hist[0], (e->hist_count - 1) * sizeof(e->hist[0]));
	memcpy(e->hist[0], line, n + 1);
}

static int is_separator(char c)
{
	return c == ' ' || c == '\t' || c == ';' || c == '&';
}

/* Tab: complete the word before the cursor if it is a command's name. */
static void complete(struct edit *e)
{
	unsigned start = e->cur, p, plen, common = 0, matches = 0;
	const char *first = NULL;

	while (start > 0 && !is_separator(e->line[start - 1]))
		start--;
	for (p = start; p > 0 && (e->line[p - 1] == ' ' || e->line[p - 1] == '\t'); p--)
		;
	if ((p > 0 && e->line[p - 1] != ';' && e->line[p - 1] != '&') || !e->names) {
		bell(e);                 /* an argument: nothing to complete */
		return;
	}
	plen = e->cur - start;
	for (const char *const *n = e->names; *n; n++) {
		if (strncmp(*n, e->line + start, plen) != 0)
			continue;
		if (matches++ == 0) {
			first = *n;
			common = (unsigned)strlen(*n);
		} else {
			unsigned k = plen;

			while (k < common && first[k] == (*n)[k])
				k++;
			common = k;
		}
	}
	if (matches == 0) {
		bell(e);
		return;
	}
	if (common > plen) {
		insert(e, first + plen, common - plen);
		if (matches == 1 && e->line[e->cur] != ' ')
			insert(e, " ", 1);
		return;
	}
	if (matches == 1) {
		if (e->line[e->cur] != ' ')
			insert(e, " ", 1);
		return;
	}
	/* Several fit and none is longer by a letter everyone shares: show
	 * them, then the line again. */
	outs(e, "\r\n");
	for (const char *const *n = e->names; *n; n++) {
		if (strncmp(*n, e->line + start, plen) == 0) {
			outs(e, *n);
			outs(e, "  ");
		}
	}
	outs(e, "\r\n");
	edit_redraw(e);
}

/* The end of an escape sequence: final byte f, first number arg. */
static void escape_action(struct edit *e, unsigned char f, unsigned arg)
{
	switch (f) {
	case 'A':
		history_walk(e, 1);
		break;
	case 'B':
		history_walk(e, 0);
		break;
	case 'C':
		if (e->cur < e->len)
			move_to(e, e->cur + 1);
		else
			bell(e);
		break;
	case 'D':
		if (e->cur > 0)
			move_to(e, e->cur - 1);
		else
			bell(e);
		break;
	case 'H':
		move_to(e, 0);
		break;
	case 'F':
		move_to(e, e->len);
		break;
	case '~':                        /* ESC [ n ~: the editing keypad */
		if (arg == 1 || arg == 7)
			move_to(e, 0);
		else if (arg == 4 || arg == 8)
			move_to(e, e->len);
		else if (arg == 3)
			erase(e, e->cur, e->cur < e->len ? e->cur + 1 : e->cur);
		break;
	default:
		break;                   /* a key we do not use: ignored */
	}
}

/* A byte inside an escape sequence. Returns 1 if it was used up, 0 if
 * it broke the sequence off and is to be handled as a key of its own. */
static int escape_byte(struct edit *e, unsigned char c)
{
	switch (e->esc) {
	case ESC_SEEN:
		if (c == '[') {
			e->esc = ESC_CSI;
			e->esc_arg = 0;
			return 1;
		}
		if (c == 'O') {
			e->esc = ESC_SS3;
			return 1;
		}
		if (c == 0x1b)
			return 1;            /* ESC ESC: wait for what follows */
		e->esc = ESC_NONE;       /* ESC, then a plain key: the key */
		return 0;
	case ESC_SS3:
		e->esc = ESC_NONE;
		if (c < 0x20 || c > 0x7e)
			return 0;
		escape_action(e, c, 0);
		return 1;
	default:                         /* ESC_CSI, ESC_CSI_MORE */
		if (c >= '0' && c <= '9') {
			if (e->esc == ESC_CSI && e->esc_arg < 1000)
				e->esc_arg = e->esc_arg * 10 + (c - '0');
			return 1;
		}
		if (c >= 0x20 && c <= 0x3f) {
			e->esc = ESC_CSI_MORE;   /* ';', more numbers, ...: skipped */
			return 1;
		}
		if (c >= 0x40 && c <= 0x7e) {
			e->esc = ESC_NONE;
			escape_action(e, c, e->esc_arg);
			return 1;
		}
		e->esc = ESC_NONE;       /* a control byte: the sequence is over */
		return 0;
	}
}

enum edit_status edit_key(struct edit *e, unsigned char c)
{
	int after_cr = e->after_cr;

	if (e->drop_ctrl_c) {
		e->drop_ctrl_c = 0;
		if (c == CTRL('C'))
			return EDIT_MORE;
	}
	e->after_cr = c == '\r';
	if (e->esc != ESC_NONE && escape_byte(e, c))
		return EDIT_MORE;
	switch (c) {
	case '\n':
		if (after_cr)
			return EDIT_MORE;    /* CR LF: one end of line */
		/* fall through */
	case '\r':
		outs(e, "\r\n");
		e->hist_pos = 0;
		if (e->lost)
			return EDIT_LOST;
		if (e->too_long)
			return EDIT_TOO_LONG;
		return EDIT_LINE;
	case 0x1b:
		e->esc = ESC_SEEN;
		return EDIT_MORE;
	case EDIT_LOST_KEY:
		e->lost = 1;
		bell(e);
		return EDIT_MORE;
	case CTRL('C'):
		outs(e, "^C\r\n");
		e->len = e->cur = 0;
		e->line[0] = '\0';
		e->hist_pos = 0;
		return EDIT_CANCEL;
	case CTRL('D'):
		if (e->len == 0) {
			outs(e, "\r\n");
			return EDIT_EOF;
		}
		erase(e, e->cur, e->cur < e->len ? e->cur + 1 : e->cur);
		return EDIT_MORE;
	case 0x7f:
	case '\b':
		if (e->cur > 0)
			erase(e, e->cur - 1, e->cur);
		else
			bell(e);
		return EDIT_MORE;
	case '\t':
		complete(e);
		return EDIT_MORE;
	case CTRL('A'):
		move_to(e, 0);
		return EDIT_MORE;
	case CTRL('E'):
		move_to(e, e->len);
		return EDIT_MORE;
	case CTRL('B'):
		escape_action(e, 'D', 0);
		return EDIT_MORE;
	case CTRL('F'):
		escape_action(e, 'C', 0);
		return EDIT_MORE;
	case CTRL('P'):
		history_walk(e, 1);
		return EDIT_MORE;
	case CTRL('N'):
		history_walk(e, 0);
		return EDIT_MORE;
	case CTRL('U'):
		erase(e, 0, e->cur);
		return EDIT_MORE;
	case CTRL('K'):
		erase(e, e->cur, e->len);
		return EDIT_MORE;
	case CTRL('W'): {
		unsigned p = e->cur;

		while (p > 0 && e->line[p - 1] == ' ')
			p--;
		while (p > 0 && e->line[p - 1] != ' ')
			p--;
		erase(e, p, e->cur);
		return EDIT_MORE;
	}
	case CTRL('L'):
		outs(e, "\x1b[H\x1b[2J");
		edit_redraw(e);
		return EDIT_MORE;
	default:
		if (c >= 0x20 && c < 0x7f)
			insert(e, (const char *)&c, 1);
		return EDIT_MORE;        /* other control bytes, non-ASCII: ignored */
	}
}
