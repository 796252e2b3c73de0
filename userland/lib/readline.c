/*
 * readline.c - one line from the console, edited (edit.h), for the
 * shell.
 *
 * Layer: userland/ (libcalf).
 *
 * SYS_CONSOLE_READ blocks until at least one byte is there and returns
 * 1..len bytes: whatever the UART had. So one read may bring part of a
 * line, or a whole line and the start of the next (a test that types
 * "help\r" at once, a paste). Bytes past the end of a line stay in
 * `pending` for the next call. A kernel that does not block answers 0
 * instead: then yield, so the rest of the system runs, and ask again.
 * -CALF_EINTR means another program wrote to the console meanwhile (a
 * background job): its output now stands below our line, which is drawn
 * again under it (docs/syscalls.md, The console).
 *
 * The console is a serial line: the terminal shows only what the
 * machine sends back, so the editor echoes every key it accepts.
 */
#include "calf.h"
#include "edit.h"

static unsigned char pending[64];
static unsigned long pending_len, pending_pos;

void calf_edit_write(void *ctx, const char *s, unsigned long n)
{
	(void)ctx;
	calf_console_flush();   /* what printf holds goes first */
	while (n > 0) {
		long w = calf_console_write(s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (unsigned long)w;
	}
}

int calf_read_line(struct edit *e)
{
	calf_console_flush();
	for (;;) {
		long n;

		while (pending_pos < pending_len) {
			int st = edit_key(e, pending[pending_pos++]);

			if (st != EDIT_MORE)
				return st;
		}
		n = calf_console_read(pending, sizeof(pending));
		pending_len = pending_pos = 0;
		if (n == -CALF_EINTR) {
			edit_redraw(e);
			continue;
		}
		if (n < 0)
			return -1;
		if (n == 0)
			calf_yield();
		pending_len = (unsigned long)n;
	}
}
