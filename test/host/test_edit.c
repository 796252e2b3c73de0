/*
 * test_edit.c - host tests of the shell's line editor (userland/lib/edit.c).
 *
 * Layer: test/ (host). Keys go in as the bytes a VT100/xterm terminal
 * sends; what comes back is the line, the status and the bytes written
 * to the terminal. Then random bytes: the line must stay printable ASCII
 * (no escape sequence is ever inserted) and within its bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "userland/lib/include/edit.h"

static char outbuf[1 << 16];
static size_t outlen;

static void capture(void *ctx, const char *s, unsigned long n)
{
	(void)ctx;
	if (outlen + n < sizeof(outbuf)) {
		memcpy(outbuf + outlen, s, n);
		outlen += n;
	}
	outbuf[outlen] = '\0';
}

static const char *const names[] = { "cowdemo", "cowtest", "poweroff", "ps", NULL };
static struct edit ed;

static void fresh(void)
{
	memset(&ed, 0, sizeof(ed));
	ed.write = capture;
	ed.names = names;
	outlen = 0;
	outbuf[0] = '\0';
	edit_begin(&ed, "$ ");
}

/* Feed keys; the status of the last one that was not EDIT_MORE (or
 * EDIT_MORE). */
static enum edit_status keys(const char *s, size_t n)
{
	enum edit_status last = EDIT_MORE;

	for (size_t i = 0; i < n; i++) {
		enum edit_status st = edit_key(&ed, (unsigned char)s[i]);

		if (st != EDIT_MORE)
			last = st;
	}
	return last;
}

#define KEYS(s) keys((s), sizeof(s) - 1)

TEST(typed_line_and_echo)
{
	fresh();
	CHECK(strcmp(outbuf, "$ ") == 0);
	CHECK_EQ(KEYS("ps"), EDIT_MORE);
	CHECK_EQ(KEYS("\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "ps") == 0);
	CHECK(strcmp(outbuf, "$ ps\r\n") == 0);
}

TEST(cr_lf_is_one_end_of_line)
{
	fresh();
	CHECK_EQ(KEYS("a\r"), EDIT_LINE);
	edit_begin(&ed, "$ ");
	CHECK_EQ(KEYS("\nb"), EDIT_MORE);     /* the LF of CR LF: not a line */
	CHECK_EQ(KEYS("\n"), EDIT_LINE);      /* a LF alone is */
	CHECK(strcmp(ed.line, "b") == 0);
}

TEST(arrows_move_and_insert)
{
	fresh();
	CHECK_EQ(KEYS("vmsat\x1b[D\x1b[Dt\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "vmstat") == 0);
	fresh();
	CHECK_EQ(KEYS("ac\x1bODb\x1bOCd\r"), EDIT_LINE);   /* application mode */
	CHECK(strcmp(ed.line, "abcd") == 0);
	fresh();
	CHECK_EQ(KEYS("bc\x1b[Ha\x1b[Fd\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "abcd") == 0);
	fresh();
	CHECK_EQ(KEYS("bc\x1b[1~a\x1b[4~d\x01\x06\x05\x02\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "abcd") == 0);
}

TEST(unknown_sequences_are_never_inserted)
{
	fresh();
	/* PgUp, F5, Ctrl-Right, bracketed paste marks, ESC alone + key */
	CHECK_EQ(KEYS("a\x1b[5~\x1b[15~\x1b[1;5C\x1b[200~b\x1b[201~\x1b\x1b[Cc\x1bx\r"),
		 EDIT_LINE);
	CHECK(strcmp(ed.line, "abcx") == 0);
}

TEST(backspace_delete_and_erase_keys)
{
	fresh();
	CHECK_EQ(KEYS("psx\x7f\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "ps") == 0);
	CHECK(strstr(outbuf, "\b \b") != NULL);
	fresh();
	CHECK_EQ(KEYS("\x7f"), EDIT_MORE);            /* nothing to erase: bell */
	CHECK(strchr(outbuf, '\a') != NULL);
	fresh();
	CHECK_EQ(KEYS("abxc\x1b[D\x08\r"), EDIT_LINE); /* BS before the cursor */
	CHECK(strcmp(ed.line, "abc") == 0);
	fresh();
	CHECK_EQ(KEYS("abxc\x1b[D\x1b[D\x1b[3~\r"), EDIT_LINE);   /* Delete */
	CHECK(strcmp(ed.line, "abc") == 0);
	fresh();
	CHECK_EQ(KEYS("one two\x17\r"), EDIT_LINE);   /* Ctrl-W */
	CHECK(strcmp(ed.line, "one ") == 0);
	fresh();
	CHECK_EQ(KEYS("one two\x1b[D\x1b[D\x1b[D\x0b\r"), EDIT_LINE);   /* Ctrl-K */
	CHECK(strcmp(ed.line, "one ") == 0);
	fresh();
	CHECK_EQ(KEYS("one two\x1b[D\x1b[D\x1b[D\x15\r"), EDIT_LINE);   /* Ctrl-U */
	CHECK(strcmp(ed.line, "two") == 0);
}

TEST(ctrl_c_ctrl_d_ctrl_l)
{
	fresh();
	CHECK_EQ(KEYS("ps\x03"), EDIT_CANCEL);
	CHECK(strstr(outbuf, "^C\r\n") != NULL);
	CHECK_EQ(ed.len, 0);
	fresh();
	CHECK_EQ(KEYS("\x04"), EDIT_EOF);
	fresh();
	CHECK_EQ(KEYS("abc\x01\x04\r"), EDIT_LINE);   /* not empty: deletes */
	CHECK(strcmp(ed.line, "bc") == 0);
	fresh();
	CHECK_EQ(KEYS("ab\x0c"), EDIT_MORE);
	CHECK(strstr(outbuf, "\x1b[H\x1b[2J\r$ ab\x1b[K") != NULL);
}

TEST(drop_ctrl_c_drops_one_ctrl_c_only)
{
	fresh();
	ed.drop_ctrl_c = 1;
	CHECK_EQ(KEYS("\x03ps\r"), EDIT_LINE);       /* dropped: the line goes on */
	CHECK(strcmp(ed.line, "ps") == 0);
	CHECK(strstr(outbuf, "^C") == NULL);
	edit_begin(&ed, "$ ");
	CHECK_EQ(KEYS("\x03"), EDIT_CANCEL);          /* only the one */
	fresh();
	ed.drop_ctrl_c = 1;
	CHECK_EQ(KEYS("p\x03"), EDIT_CANCEL);         /* not first: a real one */
}

TEST(history_walks_back_and_forth)
{
	fresh();
	edit_history_add(&ed, "one");
	edit_history_add(&ed, "two");
	edit_history_add(&ed, "two");      /* the same again: kept once */
	edit_history_add(&ed, "");         /* empty: not kept */
	edit_history_add(&ed, "   ");
	CHECK_EQ(ed.hist_count, 2);
	CHECK_EQ(KEYS("typed\x1b[A"), EDIT_MORE);
	CHECK(strcmp(ed.line, "two") == 0);
	CHECK_EQ(KEYS("\x1b[A"), EDIT_MORE);
	CHECK(strcmp(ed.line, "one") == 0);
	outlen = 0;
	CHECK_EQ(KEYS("\x1b[A"), EDIT_MORE);          /* the oldest: bell */
	CHECK(strcmp(outbuf, "\a") == 0);
	CHECK_EQ(KEYS("\x1b[B\x1b[B"), EDIT_MORE);
	CHECK(strcmp(ed.line, "typed") == 0);         /* back to what was typed */
	CHECK_EQ(KEYS("\x10!\r"), EDIT_LINE);         /* Ctrl-P, then edit it */
	CHECK(strcmp(ed.line, "two!") == 0);
}

TEST(history_keeps_32_lines)
{
	char line[16];

	fresh();
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "cmd %d", i);
		edit_history_add(&ed, line);
	}
	CHECK_EQ(ed.hist_count, EDIT_HISTORY);
	for (int i = 0; i < EDIT_HISTORY; i++)
		KEYS("\x1b[A");
	CHECK(strcmp(ed.line, "cmd 8") == 0);         /* 40 - 32 */
	outlen = 0;
	KEYS("\x1b[A");
	CHECK(strcmp(outbuf, "\a") == 0);
}

TEST(too_long_is_refused_whole)
{
	char many[EDIT_LINE_MAX + 45];

	memset(many, 'a', sizeof(many));
	fresh();
	CHECK_EQ(keys(many, sizeof(many)), EDIT_MORE);
	CHECK_EQ(ed.len, EDIT_LINE_MAX);
	CHECK(strchr(outbuf, '\a') != NULL);
	CHECK_EQ(KEYS("\r"), EDIT_TOO_LONG);
	/* exactly full is fine */
	fresh();
	CHECK_EQ(keys(many, EDIT_LINE_MAX), EDIT_MORE);
	CHECK(strchr(outbuf, '\a') == NULL);
	CHECK_EQ(KEYS("\r"), EDIT_LINE);
	CHECK_EQ(strlen(ed.line), EDIT_LINE_MAX);
	/* emptied, it starts afresh */
	fresh();
	keys(many, sizeof(many));
	CHECK_EQ(KEYS("\x15ps\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "ps") == 0);
}

TEST(lost_input_refuses_the_line)
{
	fresh();
	CHECK_EQ(KEYS("ps\xffvmstat\r"), EDIT_LOST);
	edit_begin(&ed, "$ ");
	CHECK_EQ(KEYS("ps\r"), EDIT_LINE);          /* the next line is fine */
	fresh();
	CHECK_EQ(KEYS("ab\x1bO\xff\r"), EDIT_LOST);  /* even inside a sequence */
	fresh();
	CHECK_EQ(KEYS("ab\x1b[1\xff\r"), EDIT_LOST);
}

TEST(tab_completes_command_names)
{
	fresh();
	CHECK_EQ(KEYS("cowd\t\r"), EDIT_LINE);
	CHECK(strcmp(ed.line, "cowdemo ") == 0);
	fresh();
	CHECK_EQ(KEYS("ps; pow\t\r"), EDIT_LINE);     /* after ';': a command */
	CHECK(strcmp(ed.line, "ps; poweroff ") == 0);
	fresh();
	CHECK_EQ(KEYS("co\t"), EDIT_MORE);            /* both share "cow" */
	CHECK(strcmp(ed.line, "cow") == 0);
	outlen = 0;
	CHECK_EQ(KEYS("\t"), EDIT_MORE);              /* no letter more: list */
	CHECK(strstr(outbuf, "cowdemo  cowtest") != NULL);
	CHECK(strstr(outbuf, "\r$ cow\x1b[K") != NULL);
	fresh();
	CHECK_EQ(KEYS("ps co\t"), EDIT_MORE);         /* an argument: bell */
	CHECK(strcmp(ed.line, "ps co") == 0);
	CHECK(strchr(outbuf, '\a') != NULL);
	fresh();
	CHECK_EQ(KEYS("zz\t"), EDIT_MORE);            /* nothing fits */
	CHECK(strcmp(ed.line, "zz") == 0);
}

TEST(redraw_puts_the_cursor_back)
{
	fresh();
	KEYS("abcdef\x1b[D\x1b[D");
	outlen = 0;
	edit_redraw(&ed);
	CHECK(strcmp(outbuf, "\r$ abcdef\x1b[K\x1b[2D") == 0);
}

/* Random bytes, weighted to escape sequences and control keys: the
 * line stays printable and in bounds, whatever comes. */
TEST(random_keys_keep_the_line_sane)
{
	static const char pool[] = "\x1b[OABCDHF~0123456789;\x7f\b\t\r\n\x01\x02\x03\x04"
				   "\x05\x06\x0b\x0c\x0e\x10\x15\x17 abcps&";
	unsigned seed = 1;

	fresh();
	edit_history_add(&ed, "earlier line");
	for (int i = 0; i < 200000; i++) {
		unsigned char c;
		enum edit_status st;

		seed = seed * 1103515245u + 12345u;
		c = (seed >> 16) % 8 == 0 ? (unsigned char)(seed >> 8)
					  : (unsigned char)pool[(seed >> 16) % (sizeof(pool) - 1)];
		st = edit_key(&ed, c);
		CHECK(ed.len <= EDIT_LINE_MAX && ed.cur <= ed.len);
		CHECK_EQ(strlen(ed.line), ed.len);
		for (unsigned k = 0; k < ed.len; k++)
			CHECK(ed.line[k] >= 0x20 && ed.line[k] < 0x7f);
		if (st == EDIT_LINE)
			edit_history_add(&ed, ed.line);
		if (st != EDIT_MORE) {
			outlen = 0;
			edit_begin(&ed, "$ ");
		}
		if (outlen > sizeof(outbuf) / 2)
			outlen = 0;
	}
}

int main(void)
{
	RUN(typed_line_and_echo);
	RUN(cr_lf_is_one_end_of_line);
	RUN(arrows_move_and_insert);
	RUN(unknown_sequences_are_never_inserted);
	RUN(backspace_delete_and_erase_keys);
	RUN(ctrl_c_ctrl_d_ctrl_l);
	RUN(drop_ctrl_c_drops_one_ctrl_c_only);
	RUN(history_walks_back_and_forth);
	RUN(history_keeps_32_lines);
	RUN(too_long_is_refused_whole);
	RUN(lost_input_refuses_the_line);
	RUN(tab_completes_command_names);
	RUN(redraw_puts_the_cursor_back);
	RUN(random_keys_keep_the_line_sane);
	return check_summary();
}
