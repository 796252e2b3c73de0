/*
 * mergedemo - same-page merging, shown step by step.
 *
 * Layer: userland/.
 *
 *   1. four processes each fill 64 pages with the same contents (page i
 *      holds i everywhere, in every process) and advise them mergeable
 *   2. scans (what the merged daemon does in the background; here the
 *      demo calls them itself, so that you can watch): 3 x 64 of the 256
 *      frames come back, the other processes' pages now map the first's
 *   3. one process writes one page: the ordinary copy-on-write fault
 *      gives it a copy of its own again, and the others see nothing
 *   4. everyone exits: every frame comes back
 * The last line is "mergedemo: done".
 *
 *   mergedemo [--daemon]   --daemon: step 2 waits for the merged daemon
 *                          (type `merged on` first) instead of scanning
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "calf.h"

#define PAGE 4096ul
#define PAGES 64
#define PROCS 4
#define KEY 0x3e76ed0ul

static unsigned long free_frames(void)
{
	return calf_stat(VM_STAT_FREE_FRAMES);
}

/* 64 pages, page i all i + 1 (never all zero: zero pages merge into the
 * zero frame instead, another story), advised mergeable. */
static volatile uint64_t *fill(void)
{
	volatile uint64_t *mem = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return NULL;
	for (unsigned long i = 0; i < PAGES * PAGE / 8; i++)
		mem[i] = i / (PAGE / 8) + 1;
	if (madvise((void *)mem, PAGES * PAGE, MADV_MERGEABLE) != 0)
		return NULL;
	return mem;
}

/* A child: fill, say ready, then do what it is told: 1 = write a page
 * and check the rest, 2 = check and exit. */
static void __attribute__((noreturn)) child(void)
{
	volatile uint64_t *mem = fill();
	long ep = calf_rendezvous(KEY);
	struct calf_msg m = { { mem ? 0ul : 1ul } };

	if (!mem || ep < 0)
		calf_child_exit(2);
	calf_call(ep, &m);   /* ready */
	for (bool wrote = false;;) {
		int bad = 0;

		if (m.mr[0] == 1) {
			mem[5 * PAGE / 8] = 0xdead;
			wrote = true;
		}
		for (unsigned long i = 0; i < PAGES * PAGE / 8; i += 64)
			bad += i == 5 * PAGE / 8 && wrote ? mem[i] != 0xdead
							 : mem[i] != i / (PAGE / 8) + 1;
		if (m.mr[0] == 2)
			calf_child_exit(bad ? 1 : 0);
		m.mr[0] = (unsigned long)bad;
		calf_call(ep, &m);
	}
}

/* Up to 10 s for the daemon to merge `want` pages: how many it did. */
static unsigned long wait_for_daemon(unsigned long want)
{
	unsigned long m0 = calf_stat(VM_STAT_MERGE_MERGED);

	for (int i = 0; i < 100 && calf_stat(VM_STAT_MERGE_MERGED) - m0 < want; i++)
		calf_sleep(10);
	return calf_stat(VM_STAT_MERGE_MERGED) - m0;
}

/* Whether a process named merged runs (init starts it with the shell;
 * not when the kernel command line names programs to run instead). */
static bool daemon_runs(void)
{
	struct calf_ps ps;

	for (long i = 0; calf_ps(i, &ps) >= 0; i++)
		if (!strcmp(ps.name, "merged") && ps.state != VM_PS_ZOMBIE)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	bool by_daemon = argc == 2 && !strcmp(argv[1], "--daemon");
	unsigned long before, filled, merged_total = 0, merged;
	long pids[PROCS - 1], ep = calf_rendezvous(KEY), status;
	long sender[PROCS - 1];
	struct calf_msg m;
	volatile uint64_t *mine;
	int ok = 1;

	calf_usage(argc, argv, "[--daemon]",
		   "same-page merging, shown step by step\n"
		   "--daemon   wait for the merged daemon to merge (type `merged on` first)\n"
		   "           instead of asking for the scans itself");
	if (argc > 1 && !by_daemon)
		return calf_usage_error();
	if (by_daemon && !daemon_runs()) {
		printf("mergedemo: no merge daemon runs (init starts one with the shell): "
		       "start one with `merged &`\n");
		return 1;
	}
	if (by_daemon && calf_merge_ctl(2) != 1) {
		printf("mergedemo: merging is off: type `merged on` first\n");
		return 1;
	}
	printf("mergedemo: same-page merging, step by step\n");
	before = free_frames();
	printf("step 1: %d processes each fill %d pages with the same contents\n"
	       "      and advise them mergeable (madvise MADV_MERGEABLE).\n", PROCS, PAGES);
	calf_console_flush();
	for (int i = 0; i < PROCS - 1; i++) {
		pids[i] = calf_fork();
		if (pids[i] == 0)
			child();
	}
	mine = fill();
	if (!mine || ep < 0) {
		printf("mergedemo: no memory\n");
		return 1;
	}
	for (int i = 0; i < PROCS - 1; i++)   /* each child: "ready" */
		if (calf_recv_from(ep, &m, &sender[i]) < 0 || m.mr[0] != 0)
			ok = 0;
	filled = free_frames();
	printf("      free frames %lu -> %lu: %lu used, about %d x %d\n", before, filled,
	       before - filled, PROCS, PAGES);

	if (by_daemon) {
		printf("step 2: the merged daemon scans in the background; waiting for it:\n");
		merged_total = wait_for_daemon((PROCS - 1) * PAGES);
		if (merged_total < (PROCS - 1) * PAGES) {
			printf("      the daemon merged %lu of %d pages in 10 s: is it stopped?\n",
			       merged_total, (PROCS - 1) * PAGES);
			ok = 0;
		}
	} else {
		printf("step 2: scans, as the merged daemon does them in the background:\n");
		for (int round = 0; round < 3; round++) {
			calf_merge_scan(PROCS * PAGES, 0, &merged);
			merged_total += merged;
		}
	}
	printf("      %lu pages merged; free frames %lu -> %lu (%+ld)\n", merged_total, filled,
	       free_frames(), (long)free_frames() - (long)filled);
	printf("      frames holding merged contents %lu, mappings they save %lu\n",
	       calf_stat(VM_STAT_MERGE_SHARED), calf_stat(VM_STAT_MERGE_SHARING));

	filled = free_frames();
	printf("step 3: one process writes one of its pages. It was merged: the store\n"
	       "      faults and the VM server gives the writer a copy (copy-on-write):\n");
	m.mr[0] = 1;
	calf_reply_to(sender[0], &m);
	calf_recv_from(ep, &m, &sender[0]);
	bool intact = m.mr[0] == 0;   /* the children checked their pages */

	ok &= intact;
	printf("      free frames %lu -> %lu (%+ld); the writer sees its write, the\n"
	       "      others their old contents: %s\n", filled, free_frames(),
	       (long)free_frames() - (long)filled, intact ? "yes" : "NO (a bug!)");

	printf("step 4: everyone exits.\n");
	for (int i = 0; i < PROCS - 1; i++) {
		m.mr[0] = 2;
		calf_reply_to(sender[i], &m);
	}
	for (int i = 0; i < PROCS - 1; i++) {
		status = -1;
		calf_wait(pids[i], &status);
		ok &= status == 0;
	}
	for (unsigned long i = 0; i < PAGES * PAGE / 8; i += 64)
		ok &= mine[i] == i / (PAGE / 8) + 1;
	munmap((void *)mine, PAGES * PAGE);
	printf("      free frames %lu (%lu before the demo)\n", free_frames(), before);
	printf("mergedemo: %s\n", ok ? "done" : "FAILED");
	return ok ? 0 : 1;
}
