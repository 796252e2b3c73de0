/*
 * cowdemo - copy-on-write fork, shown step by step with the VM server's
 * counters.
 *
 * Layer: userland/.
 *
 * The story (docs/architecture.md, Copy-on-write; Fork, exec, exit,
 * wait):
 *   1. fill 1 MiB (256 pages) of heap: 256 frames of our own
 *   2. fork: the child shares all 256 frames, and even the page tables
 *      that map them: fork copies only the upper tables, not memory,
 *      and marks every writable page copy-on-write
 *   3. the child writes 64 pages: each store faults, and the VM server
 *      copies that one frame (the count was 2); the first store also
 *      gives the child its own copy of the page table (one frame)
 *   4. the child exits: its copies and page tables come back
 *   5. the parent writes the same 64 pages: still marked copy-on-write,
 *      but now nobody else uses the frames (count 1), so the VM server
 *      just makes them writable again - no copy
 * Each step prints what changed. The last line is "cowdemo: done".
 */
#include <stdio.h>
#include <stdlib.h>

#include "calf.h"

#define PAGE 4096ul
#define PAGES 256
#define WRITTEN 64

static unsigned long snap[VM_STAT_COUNT];

static void take(unsigned long s[VM_STAT_COUNT])
{
	calf_stats(s, VM_STAT_COUNT);
}

/* Print how the counters moved since `before`, in plain words. */
static void show_change(const unsigned long before[VM_STAT_COUNT])
{
	unsigned long now[VM_STAT_COUNT];

	take(now);
	printf("      free frames %lu -> %lu (%+ld), copies %+ld, reuses %+ld, "
	       "zero fills %+ld\n",
	       before[VM_STAT_FREE_FRAMES], now[VM_STAT_FREE_FRAMES],
	       (long)now[VM_STAT_FREE_FRAMES] - (long)before[VM_STAT_FREE_FRAMES],
	       (long)(now[VM_STAT_COW_COPIES] - before[VM_STAT_COW_COPIES]),
	       (long)(now[VM_STAT_COW_REUSES] - before[VM_STAT_COW_REUSES]),
	       (long)(now[VM_STAT_ZERO_FILLS] - before[VM_STAT_ZERO_FILLS]));
}

int main(int argc, char **argv)
{
	volatile char *buf;
	long pid, status = -1;
	int intact = 1;

	calf_usage(argc, argv, "",
		   "copy-on-write fork, step by step, with the VM counters");
	printf("cowdemo: copy-on-write fork, step by step\n");
	take(snap);
	printf("step 1: I fill %d pages (1 MiB) of heap with 'P'.\n", PAGES);
	buf = malloc(PAGES * PAGE);
	if (buf == NULL) {
		printf("cowdemo: malloc failed\n");
		return 1;
	}
	for (int i = 0; i < PAGES; i++)
		buf[i * PAGE] = 'P';
	printf("      Each first store took a zeroed frame (a zero fill):\n");
	show_change(snap);

	take(snap);
	printf("step 2: I fork. The child gets a copy of the top of my page tables,\n"
	       "      and shares the rest and my memory: all %d pages now belong\n"
	       "      to both of us, read-only, marked copy-on-write. The child\n"
	       "      counts what fork cost:\n", PAGES);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		unsigned long mine[VM_STAT_COUNT];

		show_change(snap);
		printf("      (a few frames for the child's page tables, plus the\n"
		       "      stack pages both of us wrote since: far less than %d)\n", PAGES);
		take(mine);
		printf("step 3: the child writes 'C' into %d of the shared pages.\n"
		       "      Each store faults; the frame is shared (count 2), so the\n"
		       "      VM server copies it and gives the child the copy (and,\n"
		       "      at the first store, its own copy of the page table):\n",
		       WRITTEN);
		for (int i = 0; i < WRITTEN; i++)
			buf[i * PAGE] = 'C';
		show_change(mine);
		printf("      The child sees '%c'; it now exits.\n", buf[0]);
		calf_console_flush();
		calf_exit(0);
	}
	if (pid < 0) {
		printf("cowdemo: fork failed: error %ld\n", -pid);
		return 1;
	}
	calf_wait(pid, &status);
	printf("step 4: the child has exited (status %ld). Its copies and page\n"
	       "      tables went back to the free pool. Since the fork:\n", status);
	show_change(snap);
	for (int i = 0; i < PAGES; i++)
		if (buf[i * PAGE] != 'P')
			intact = 0;
	printf("      My pages still hold 'P': %s. The child's writes never\n"
	       "      reached my memory.\n", intact ? "yes" : "NO (a bug!)");

	take(snap);
	printf("step 5: I write 'Q' into the same %d pages. They are still marked\n"
	       "      copy-on-write, but I am the only user of each frame now\n"
	       "      (count 1): the VM server just makes the page writable again.\n"
	       "      No copy (a reuse):\n", WRITTEN);
	for (int i = 0; i < WRITTEN; i++)
		buf[i * PAGE] = 'Q';
	show_change(snap);
	free((void *)buf);
	printf("cowdemo: done\n");
	return intact ? 0 : 1;
}
