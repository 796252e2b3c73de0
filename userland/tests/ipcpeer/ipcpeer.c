/*
 * ipcpeer - the other end of ktest's and bench's IPC tests.
 *
 * Layer: userland/. Runs as its own process, so every call it answers
 * crosses address spaces. The loop is the classic server shape: one
 * calf_reply_recv per message, answering the last caller and waiting for
 * the next in one system call. It prints nothing in the loop, so bench
 * measures IPC and not the console.
 *
 *   ipcpeer --serve     answers each message with every word transformed
 *                       (ipcpeer.h): ktest's IPC tests; it says so first
 *   ipcpeer --echo      answers every message unchanged: bench uses that,
 *                       so the round trip it reports is the cost of the
 *                       IPC, not of the server's work on the message
 *   ipcpeer --checked   answers like --serve, but through calf_ecall_all
 *                       with every register set, and exits with status 1
 *                       if its reply_recv changed one the kernel must keep
 *                       (ktest's ipc_server_keeps_registers)
 *
 * Each waits for calls until a client sends IPCPEER_STOP (or it is
 * killed). Alone, it says what it is for and exits: typed at the shell
 * it would otherwise wait for ever.
 */
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "ecall_all.h"
#include "ipcpeer.h"

/* The bench server: answer each message as it came. */
static int echo(long ep)
{
	struct calf_msg m;
	long r = calf_recv(ep, &m);

	while (r >= 0 && m.mr[0] != IPCPEER_STOP)
		r = calf_reply_recv(ep, &m);
	if (r < 0)
		return 1;
	m.mr[0] = 0;
	calf_reply(&m);
	return 0;
}

/* The register-checking server. */
static int checked(long ep)
{
	struct calf_msg m;
	struct calf_ecall_regs r;
	long badge = calf_recv(ep, &m);

	for (unsigned long seed = 1; badge >= 0 && m.mr[0] != IPCPEER_STOP; seed++) {
		calf_regcheck_fill(&r, seed);
		r.in[10] = (unsigned long)ep;
		r.in[17] = SYS_REPLY_RECV;
		for (int i = 0; i < CALF_MSG_WORDS; i++)
			r.in[11 + i] = ipcpeer_transform(i, m.mr[i]);
		calf_ecall_all(&r);
		if (calf_regcheck_changed(&r)) {
			printf("ipcpeer: reply_recv changed registers (mask 0x%lx)\n",
			       calf_regcheck_changed(&r));
			return 1;
		}
		badge = (long)r.out[10];
		for (int i = 0; i < CALF_MSG_WORDS; i++)
			m.mr[i] = r.out[11 + i];
	}
	if (badge < 0)
		return 1;
	memset(&m, 0, sizeof(m));
	calf_reply(&m);
	return 0;
}

int main(int argc, char **argv)
{
	struct calf_msg m;
	long ep, r;

	calf_usage(argc, argv, "--serve | --echo | --checked",
		   "the IPC partner of ktest and bench; alone, says what it is");
	if (argc < 2 || (strcmp(argv[1], "--serve") != 0 && strcmp(argv[1], "--echo") != 0 &&
			 strcmp(argv[1], "--checked") != 0)) {
		printf("ipcpeer: the other end of the IPC tests of ktest and bench: it waits\n"
		       "for their calls and answers them. Started alone it would wait for\n"
		       "ever, so it needs one of --serve, --echo or --checked (ipcpeer --help).\n");
		return 2;
	}
	ep = calf_rendezvous(IPCPEER_KEY);
	if (ep < 0) {
		printf("ipcpeer: rendezvous failed: %ld\n", ep);
		return 1;
	}
	if (strcmp(argv[1], "--echo") == 0)
		return echo(ep);
	if (strcmp(argv[1], "--checked") == 0)
		return checked(ep);
	printf("ipcpeer: waiting for calls (key 0x%lx)\n", IPCPEER_KEY);
	fflush(stdout);
	r = calf_recv(ep, &m);
	while (r >= 0) {
		if (m.mr[0] == IPCPEER_STOP) {
			for (int i = 0; i < CALF_MSG_WORDS; i++)
				m.mr[i] = 0;
			calf_reply(&m);
			return 0;
		}
		for (int i = 0; i < CALF_MSG_WORDS; i++)
			m.mr[i] = ipcpeer_transform(i, m.mr[i]);
		r = calf_reply_recv(ep, &m);
	}
	printf("ipcpeer: receive failed: %ld\n", r);
	return 1;
}
