/*
 * readline.c - one line from the console, for the shell.
 *
 * Layer: userland/ (libcalf).
 *
 * SYS_CONSOLE_READ blocks until at least one byte is there and returns
 * 1..len bytes: whatever the UART had. So one read may bring part of a
 * line, or a whole line and the start of the next (a test that types
 * "help\r" at once, a paste). Bytes past the end of a line stay in
 * `pending` for the next call. A kernel that does not block answers 0
 * instead: then yield, so the rest of the system runs, and ask again.
 *
 * The console is a serial line: the terminal shows only what the
 * machine sends back, so every byte accepted is echoed here.
 */
#include "calf.h"

static char pending[64];
static unsigned long pending_len, pending_pos;
/* The last line ended at CR: a LF right after it (a CR LF terminal)
 * is part of the same end of line, not an empty line. */
static int after_cr;

/* The next input byte, or -1 on an error. */
static int next_byte(void)
{
	while (pending_pos == pending_len) {
		long n = calf_console_read(pending, sizeof(pending));

		if (n == -CALF_EINTR)
			continue;       /* others wrote to the console: read on */
		if (n < 0)
			return -1;
		if (n == 0)
			calf_yield();
		pending_len = (unsigned long)(n > 0 ? n : 0);
		pending_pos = 0;
	}
	return (unsigned char)pending[pending_pos++];
}

static void echo(const char *s, unsigned long len)
{
	calf_console_write(s, len);
}

long calf_read_line(char *buf, unsigned long size)
{
	unsigned long len = 0;

	calf_console_flush();   /* the prompt, before we wait */
	for (;;) {
		int c = next_byte();

		if (c < 0)
			return -1;
		if (c == '\n' && after_cr) {
			after_cr = 0;
			continue;
		}
		after_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			echo("\r\n", 2);
			break;
		}
		if (c == 0x04 && len == 0)          /* Ctrl-D: end of input */
			return -1;
		if (c == 0x7f || c == '\b') {       /* DEL or BS: erase one */
			if (len > 0) {
				len--;
				echo("\b \b", 3);
			}
			continue;
		}
		if (c == 0x15) {                    /* Ctrl-U: erase the line */
			while (len > 0) {
				len--;
				echo("\b \b", 3);
			}
			continue;
		}
		if (c < 0x20 || c > 0x7e || len + 1 >= size)
			continue;                   /* control bytes, or full */
		buf[len++] = (char)c;
		echo((const char *)&buf[len - 1], 1);
	}
	if (size > 0)
		buf[len] = '\0';
	return (long)len;
}
