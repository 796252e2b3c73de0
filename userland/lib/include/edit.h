/*
 * edit.h - a line editor for a serial terminal: the keys a person
 * expects at a prompt, history and completion.
 *
 * Layer: userland/ (libcalf; pure C over <string.h>, so the host unit
 * test test/host/test_edit.c runs the same code). Bytes come in one at a
 * time (edit_key), exactly as a terminal sends them; what the terminal
 * must show goes out through the write callback. Reading the console is
 * readline.c's job (calf_read_line, calf.h).
 *
 * Keys (a VT100/xterm terminal; ESC [ and ESC O forms both):
 *   printable        insert at the cursor
 *   Left, Right      move (also Ctrl-B, Ctrl-F)
 *   Home, End        start, end of the line (also Ctrl-A, Ctrl-E)
 *   Up, Down         walk the history (also Ctrl-P, Ctrl-N)
 *   Backspace, Del   erase before, at the cursor (Backspace: 0x7f or 0x08)
 *   Tab              complete the command's name (the first word, or the
 *                    one after ';' or '&') from `names`; when several fit,
 *                    list them
 *   Ctrl-U, Ctrl-K   erase to the start, to the end of the line
 *   Ctrl-W           erase the word before the cursor
 *   Ctrl-L           clear the screen, then draw the line again
 *   Ctrl-C           drop the line (EDIT_CANCEL)
 *   Ctrl-D           end of input on an empty line (EDIT_EOF), else Del
 *   Enter            CR, LF or CR LF (EDIT_LINE)
 * Any other escape sequence is read to its end and ignored: none is ever
 * inserted. Other control bytes are ignored.
 *
 * A line holds EDIT_LINE_MAX characters. A key that would make it
 * longer rings the bell and is dropped, and Enter then refuses the whole
 * line (EDIT_TOO_LONG): a line that was cut must not run. For the same
 * reason a line in which the console marked lost input (the byte
 * EDIT_LOST_KEY, keys typed faster than they were read) is refused
 * (EDIT_LOST).
 *
 * Redrawing assumes the prompt and line fit on one row of the terminal:
 * a longer line can be typed, but editing it in the middle may look odd.
 */
#ifndef USERLAND_EDIT_H
#define USERLAND_EDIT_H

#define EDIT_LINE_MAX 255    /* characters in a line */
#define EDIT_HISTORY 32      /* lines the history keeps */
#define EDIT_LOST_KEY 0xff   /* input was lost here (calf/abi.h, CALF_CONSOLE_LOST) */

enum edit_status {
	EDIT_MORE = 0,       /* go on feeding keys */
	EDIT_LINE,           /* Enter: the line is in e->line, NUL-terminated */
	EDIT_TOO_LONG,       /* Enter, but the line did not fit: refused */
	EDIT_LOST,           /* Enter, but keys of the line were lost: refused */
	EDIT_CANCEL,         /* Ctrl-C: the line was dropped */
	EDIT_EOF,            /* Ctrl-D on an empty line */
};

struct edit {
	/* Set by the user before edit_begin. */
	void (*write)(void *ctx, const char *s, unsigned long n);
	void *ctx;
	const char *const *names;      /* what Tab completes; NULL-terminated, or NULL */

	/* The line. */
	const char *prompt;
	char line[EDIT_LINE_MAX + 1];
	unsigned len, cur;             /* characters, cursor (0..len) */
	int too_long;                  /* a key was dropped for want of room */
	int lost;                      /* the console lost keys of this line */

	/* Input state. */
	int esc;                       /* where in an escape sequence (edit.c) */
	unsigned esc_arg;              /* its first number */
	int after_cr;                  /* the last key was CR: a LF is its pair */
	int drop_ctrl_c;               /* set by the user: if the next key is
					* Ctrl-C, drop it (the one that ended a
					* program stays in the console's input) */

	/* History: hist[0] the most recent line. */
	char hist[EDIT_HISTORY][EDIT_LINE_MAX + 1];
	unsigned hist_count;
	unsigned hist_pos;             /* 0: the line being typed; k: hist[k-1] */
	char typed[EDIT_LINE_MAX + 1]; /* the line being typed, while walking */
};

/* Start a new line: empty, cursor at 0; writes the prompt. */
void edit_begin(struct edit *e, const char *prompt);

/* One byte from the terminal. */
enum edit_status edit_key(struct edit *e, unsigned char c);

/* Draw the prompt and the line again, cursor in place: after other
 * output came between (the kernel starts that output on a new line). */
void edit_redraw(struct edit *e);

/* Remember a line for Up (not an empty one, nor the last one again). */
void edit_history_add(struct edit *e, const char *line);

#endif
