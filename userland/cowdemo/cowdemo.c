/*
 * cowdemo - copy-on-write fork, shown step by step with the VM server's
 * counters.
 *
 * Layer: userland/.
 *
 * The story (docs/architecture.md, Copy-on-write; Fork, exec, exit,
 * wait):
 *   1. fill 1 MiB (256 pages) of heap: 256 frames of our own (with
 *      --trace: 16 pages, of which steps 3 and 5 write 4)
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
 * Each step prints what changed, and then what that means, read from
 * the counters rather than assumed: in a lab's student tree
 * (labs/README.md) fork may copy every page, the child's tables may be
 * its own from the start, and a count-1 store may copy, and the text
 * says so and which lab changes it. The end prints what the whole run
 * changed; the last line is "cowdemo: done".
 *
 *   cowdemo [--trace] [--vmmap] [--pause SECONDS]
 *     --trace   the VM server's fault trace on during the steps: one line
 *               per fault with its decision (trace.c)
 *     --vmmap   the child's address space (vmmap) after the fork and after
 *               its stores, and ours at the end
 *     --pause   stop SECONDS at each step, to look with ps or vmmap from
 *               the shell (run cowdemo in the background)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"

#define PAGE 4096ul
/* The story's sizes: 1 MiB, a quarter of it written; with --trace a
 * smaller story (16 pages, 4 written), so that every fault's line is
 * shown (the trace prints at most 64 a second). */
static int pages = 256, written = 64;

static unsigned long snap[VM_STAT_COUNT], start[VM_STAT_COUNT];
static bool show_maps;
static unsigned long pause_seconds;

static void take(unsigned long s[VM_STAT_COUNT])
{
	calf_stats(s, VM_STAT_COUNT);
}

/* How counter `which` moved since `before`. */
static long moved(const unsigned long before[VM_STAT_COUNT], const unsigned long now[VM_STAT_COUNT],
		  int which)
{
	return (long)(now[which] - before[which]);
}

/* Print how the counters moved since `before`, in plain words; `now`
 * (if not NULL) gets the counters. */
static void show_change(const unsigned long before[VM_STAT_COUNT], unsigned long *now_out)
{
	unsigned long now[VM_STAT_COUNT];

	take(now);
	if (now_out)
		memcpy(now_out, now, sizeof(now));
	printf("      free frames %lu -> %lu (%+ld), copies %+ld, reuses %+ld, "
	       "zero fills %+ld\n",
	       before[VM_STAT_FREE_FRAMES], now[VM_STAT_FREE_FRAMES],
	       (long)now[VM_STAT_FREE_FRAMES] - (long)before[VM_STAT_FREE_FRAMES],
	       (long)(now[VM_STAT_COW_COPIES] - before[VM_STAT_COW_COPIES]),
	       (long)(now[VM_STAT_COW_REUSES] - before[VM_STAT_COW_REUSES]),
	       (long)(now[VM_STAT_ZERO_FILLS] - before[VM_STAT_ZERO_FILLS]));
}

/* Run `vmmap PID` and wait for it. */
static void vmmap(long pid)
{
	char arg[24];
	const char *argv[] = { "vmmap", arg, NULL };
	long child, status;

	if (!show_maps)
		return;
	snprintf(arg, sizeof(arg), "%ld", pid);
	calf_console_flush();
	child = calf_spawn(argv);
	if (child > 0)
		calf_wait(child, &status);
}

/* --pause: wait, saying where to look. */
static void pause_here(long pid)
{
	unsigned long t0 = calf_time(), hz = calf_timebase();

	if (!pause_seconds)
		return;
	printf("      (pausing %lu s: try `ps` or `vmmap %ld`)\n", pause_seconds, pid);
	calf_console_flush();
	while (calf_time() - t0 < pause_seconds * hz)
		calf_yield();
}

int main(int argc, char **argv)
{
	volatile char *buf;
	long pid, status = -1;
	int intact = 1;
	bool trace = false;

	calf_usage(argc, argv, "[--trace] [--vmmap] [--pause SECONDS]",
		   "copy-on-write fork, step by step, with the VM counters\n"
		   "--trace     each fault's decision, as it is made\n"
		   "--vmmap     the address spaces after each step\n"
		   "--pause S   wait S seconds at each step (look with ps or vmmap)");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--trace"))
			trace = true;
		else if (!strcmp(argv[i], "--vmmap"))
			show_maps = true;
		else if (!strcmp(argv[i], "--pause") && i + 1 < argc)
			pause_seconds = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			calf_usage_error();   /* the same text, asked for: status 0 */
			return 0;
		} else
			return calf_usage_error();
	}
	printf("cowdemo: copy-on-write fork, step by step\n");
	take(start);
	if (trace && calf_trace(1, 0) == 0) {
		pages = 16;
		written = 4;
		printf("      (the fault trace is on: a line per fault, from the VM server)\n");
	}
	take(snap);
	printf("step 1: I fill %d pages (%d KiB) of heap with 'P'.\n", pages, pages * 4);
	buf = malloc(pages * PAGE);
	if (buf == NULL) {
		printf("cowdemo: malloc failed\n");
		return 1;
	}
	for (int i = 0; i < pages; i++)
		buf[i * PAGE] = 'P';
	printf("      Each first store took a zeroed frame (a zero fill):\n");
	show_change(snap, NULL);

	take(snap);
	printf("step 2: I fork. The child counts what fork cost:\n");
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0) {
		unsigned long mine[VM_STAT_COUNT], now[VM_STAT_COUNT];
		long cost;

		show_change(snap, now);
		cost = -moved(snap, now, VM_STAT_FREE_FRAMES);
		if (cost >= pages)
			printf("      Fork copied my %d pages into frames of the child's own.\n"
			       "      (Sharing them needs lab cow: this tree copies at fork.)\n",
			       pages);
		else
			printf("      Far less than %d frames: the child got page tables, not\n"
			       "      memory. All %d pages now belong to both of us, read-only,\n"
			       "      marked copy-on-write; the frames went to the child's page\n"
			       "      tables and to the stack pages both of us wrote since.\n",
			       pages, pages);
		vmmap(calf_getpid());
		pause_here(calf_getpid());
		take(mine);
		printf("step 3: the child writes 'C' into %d of those pages.\n", written);
		for (int i = 0; i < written; i++)
			buf[i * PAGE] = 'C';
		show_change(mine, now);
		if (moved(mine, now, VM_STAT_COW_COPIES) >= written)
			printf("      Each store faulted: the frame was shared (count 2), so\n"
			       "      the VM server copied it and gave the child the copy.\n");
		else if (moved(mine, now, VM_STAT_COW_FAULTS) == 0)
			printf("      No store faulted: the pages were the child's own since\n"
			       "      fork copied them.\n");
		if (moved(mine, now, VM_STAT_TABLE_COPIES) > 0)
			printf("      The first store into the page table fork had shared\n"
			       "      also gave the child its own copy of it (table copies %+ld).\n",
			       moved(mine, now, VM_STAT_TABLE_COPIES));
		else if (cost < pages)
			printf("      (No page table was copied: the child's were its own from\n"
			       "      the fork. Sharing them needs lab sharedpt.)\n");
		vmmap(calf_getpid());
		pause_here(calf_getpid());
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
	show_change(snap, NULL);
	for (int i = 0; i < pages; i++)
		if (buf[i * PAGE] != 'P')
			intact = 0;
	printf("      My pages still hold 'P': %s. The child's writes never\n"
	       "      reached my memory.\n", intact ? "yes" : "NO (a bug!)");

	take(snap);
	printf("step 5: I write 'Q' into the same %d pages, of whose frames I am\n"
	       "      the only user now (count 1):\n", written);
	for (int i = 0; i < written; i++)
		buf[i * PAGE] = 'Q';
	{
		unsigned long now[VM_STAT_COUNT];

		show_change(snap, now);
		if (moved(snap, now, VM_STAT_COW_REUSES) >= written &&
		    moved(snap, now, VM_STAT_COW_COPIES) == 0)
			printf("      No copy: the pages were still marked copy-on-write, but\n"
			       "      nobody else used the frames, so the VM server just made\n"
			       "      each page writable again (a reuse).\n");
		else if (moved(snap, now, VM_STAT_COW_COPIES) > 0 &&
			 moved(snap, now, VM_STAT_COW_REUSES) == 0)
			printf("      Each store copied its page all the same, though nobody\n"
			       "      else used the frame. (A reuse needs lab reuse: this tree\n"
			       "      copies here.)\n");
		else if (moved(snap, now, VM_STAT_COW_FAULTS) == 0)
			printf("      No store faulted: my pages stayed writable, as fork\n"
			       "      copied them for the child rather than sharing them.\n");
	}
	vmmap(calf_getpid());
	if (trace)
		calf_trace(0, 0);
	take(snap);
	printf("cowdemo: in all, copies %lu, reuses %lu, zero fills %lu, forks %lu\n",
	       snap[VM_STAT_COW_COPIES] - start[VM_STAT_COW_COPIES],
	       snap[VM_STAT_COW_REUSES] - start[VM_STAT_COW_REUSES],
	       snap[VM_STAT_ZERO_FILLS] - start[VM_STAT_ZERO_FILLS],
	       snap[VM_STAT_FORKS] - start[VM_STAT_FORKS]);
	free((void *)buf);
	printf("cowdemo: done\n");
	return intact ? 0 : 1;
}
