/*
 * races.c - badcalls part (4): system calls, requests and stores into
 * pages another thread of the process unmaps (badcalls.c says what the
 * parts are; badcalls.h what they share).
 *
 * Layer: userland/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "utest.h"
#include "badcalls.h"
#include "../proctests/child.h"

/*
 * Bugs that need several harts: a page unmapped (its frame freed) by the
 * VM server while a thread of the same process, on another hart, still
 * stores into it or has the kernel copy into it. Each round is a child
 * process of several threads, for RACE_MS of guest time:
 *   the mapper (its first thread) maps and unmaps RACE_SLOTS small
 *     runs of pages - slot 0 at the top of the heap (sbrk up and down),
 *     the others mmap regions unmapped whole or a page at a time,
 *     splitting them - and checks every result;
 *   RACE_WORKERS workers, and the short-lived helper threads they
 *     create and join, make system calls and requests whose buffers
 *     lie in those pages, mapped or just unmapped: SYS_BOOTINFO into
 *     them, SYS_CONSOLE_WRITE of up to 16 bytes from them,
 *     SYS_CONSOLE_READ of 0 bytes, VM_SPAWN of a block in them,
 *     VM_MERGE_ADVISE, VM_PT_ENTRY cursors and VM_REGION;
 *   in every other round ("stores") a storer thread stores into the
 *     first word of every mapped page without a pause, and the workers
 *     store and load there too: the word the VM server's free list
 *     once kept its link in.
 * A result outside the allowed ones is printed by the thread that saw
 * it, and the round exits 1. A store or load that meets a page unmapped
 * in the meantime rightly kills the round (128 + 11); a round without
 * stores must end 0. The parent bounds every wait, takes frames off the
 * free list and gives them back after each round (a link a store
 * overwrote would be followed then, and the VM server would fault: a
 * panic), and in the end the free frames and the processes must be
 * back where they were.
 *
 * Addresses: the workers pick pages from the slots' bases as they last
 * saw them, so some are stale, and a stale one must never be a thread's
 * stack (a SYS_BOOTINFO there would overwrite its return addresses).
 * The mmap regions go first fit, so the mapper holds RACE_AREA pages at
 * the bottom of the mmap area while the first threads are created above
 * them, then gives them back: the slots (12 pages at most) always find
 * room in that hole and never leave it, and a helper's stack,
 * RACE_HELPER_STACK long, never fits in it. Console writes and spawn
 * blocks read only bytes at RACE_TEXT_AT and after, which hold '.' or
 * 0 (SYS_BOOTINFO writes below RACE_BOOTINFO_END, or across a page's
 * end into the first bytes of the next).
 */
#define RACE_MS 200
#define RACE_SLOTS 4
#define RACE_SLOT_PAGES 3
#define RACE_WORKERS 3
#define RACE_AREA 64                       /* pages, the slots' hole */
#define RACE_HELPER_STACK (1ul << 20)      /* > RACE_AREA pages */
#define RACE_FILL 0x2e2e2e2e2e2e2e2eul   /* "........" */
#define RACE_TEXT_AT 2048
#define RACE_TEXT_LEN 64
#define RACE_BOOTINFO_END 1024            /* + sizeof(struct calf_bootinfo) < RACE_TEXT_AT */
#define RACE_CONSOLE_BYTES 16             /* a round that writes any: 1 in 4 */
#define RACE_HELPER_RESULT 0x7e

struct race_slot {
	volatile unsigned long base;      /* its first page; kept once unmapped */
	volatile unsigned long present;   /* bit p: page p is mapped */
};

static struct race_slot race_slots[RACE_SLOTS];
static volatile int race_stop;
static bool race_stores;
static long race_console_left, race_bad;

static void race_report(const char *what, unsigned long a, unsigned long b, long got)
{
	char line[160];
	int n;

	if (__atomic_fetch_add(&race_bad, 1, __ATOMIC_RELAXED) >= 5)
		return;
	/* straight to the console: no stdio buffer shared between threads */
	n = snprintf(line, sizeof(line), "badcalls: races: %s (%lx, %lx) gave %ld\n", what, a, b,
		     got);
	if (n > 0)
		calf_console_write(line, (unsigned long)n < sizeof(line) ? (unsigned long)n : sizeof(line));
}

/* A page of a slot, mapped or not, now or a moment ago. */
static unsigned long race_page(uint64_t *s)
{
	const struct race_slot *sl = &race_slots[splitmix(s) % RACE_SLOTS];

	return sl->base + PAGE * (splitmix(s) % RACE_SLOT_PAGES);
}

static long race_helper(void *arg);

/* One call of a worker or helper into the slots' pages. */
static void race_op(uint64_t *s, bool worker)
{
	unsigned long page = race_page(s), x = splitmix(s), addr, len;
	struct calf_region reg;
	long r;

	switch (x % 10) {
	case 0:   /* a store or a load where it is mapped, if this round stores */
	case 1:
		if (race_stores) {
			const struct race_slot *sl = &race_slots[(x >> 8) % RACE_SLOTS];
			unsigned long p = (x >> 12) % RACE_SLOT_PAGES;

			if (sl->present & (1ul << p)) {
				volatile unsigned long *w = (volatile unsigned long *)(sl->base + p * PAGE);

				if (x & (1ul << 20))
					w[0] = RACE_FILL;
				else
					(void)w[(x >> 21) % (RACE_BOOTINFO_END / 8)];
			}
			break;
		}
		__attribute__((fallthrough));   /* no stores: more bootinfo */
	case 2:   /* bootinfo into the page, or across its end into the next */
		if (x & (1ul << 8))
			addr = page + 8 * ((x >> 9) % (RACE_BOOTINFO_END / 8));
		else
			addr = page + PAGE - 8 * (1 + (x >> 9) % (sizeof(struct calf_bootinfo) / 8));
		r = calf_bootinfo((struct calf_bootinfo *)addr);
		if (r != 0 && r != -CALF_EFAULT)
			race_report("SYS_BOOTINFO", addr, 0, r);
		break;
	case 3: { /* console write from the page: mostly 0 bytes, a few '.' */
		len = (x >> 8) % 17;
		if (len && __atomic_fetch_sub(&race_console_left, (long)len, __ATOMIC_RELAXED) < (long)len)
			len = 0;
		addr = page + RACE_TEXT_AT + (x >> 16) % (RACE_TEXT_LEN - 16);
		r = calf_console_write((const void *)addr, len);
		if (r != (long)len && !(len && r == -CALF_EFAULT))
			race_report("SYS_CONSOLE_WRITE", addr, len, r);
		break;
	}
	case 4:   /* console read of nothing: 0, whatever the buffer */
		addr = page + (x >> 8) % PAGE;
		r = calf_console_read((void *)addr, 0);
		if (r != 0)
			race_report("SYS_CONSOLE_READ of 0 bytes", addr, 0, r);
		break;
	case 5:   /* merge advice on or off: one or two pages */
		len = PAGE * (1 + (x >> 8) % 2);
		r = vm3(VM_MERGE_ADVISE, page, len, (x >> 12) & 1);
		if (r != 0 && r != -CALF_EINVAL && r != -CALF_ENOMEM)
			race_report("VM_MERGE_ADVISE", page, len, r);
		break;
	case 6:   /* a page-table cursor in the page, at any level */
		addr = page + (x >> 8) % PAGE;
		r = vm3(VM_PT_ENTRY, 0, addr, (x >> 24) % (VM_PT_START + 1));
		if (r != 0 && r != 1)
			race_report("VM_PT_ENTRY", addr, (x >> 24) % (VM_PT_START + 1), r);
		break;
	case 7:   /* our regions, as they are now (an empty heap: start = end) */
		r = calf_region(0, (x >> 8) % 24, &reg);
		if (r == 0 ? reg.start > reg.end || ((reg.start | reg.end) & (PAGE - 1))
			   : r != -CALF_ENOENT)
			race_report("VM_REGION", (x >> 8) % 24, reg.start, r);
		break;
	case 8:   /* spawn of a block there: '.'s and 0s name no program */
		addr = page + RACE_TEXT_AT + (x >> 8) % RACE_TEXT_LEN;
		len = 1 + (x >> 20) % 64;
		r = vm3(VM_SPAWN, addr, len, 0);
		if (r != -CALF_EFAULT && r != -CALF_ENOENT && r != -CALF_EINVAL) {
			race_report("VM_SPAWN", addr, len, r);
			if (r > 0)
				calf_kill(r);
		}
		break;
	default:  /* a thread that does a few of these, joined */
		if (worker) {
			long tid = calf_thread_create_stack(race_helper, (void *)(uintptr_t)splitmix(s),
							    RACE_HELPER_STACK), status = -1;

			if (tid < 0) {
				if (tid != -CALF_EAGAIN && tid != -CALF_ENOMEM)
					race_report("VM_THREAD_CREATE", 0, 0, tid);
			} else if ((r = calf_thread_join(tid, &status)) != 0 ||
				   status != RACE_HELPER_RESULT) {
				race_report("VM_THREAD_JOIN (result, status)", (unsigned long)r,
					    (unsigned long)status, tid);
			}
		}
		break;
	}
}

static long race_helper(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;

	for (int k = 0; k < 8; k++)
		race_op(&s, false);
	return RACE_HELPER_RESULT;
}

static long race_worker(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;

	while (!race_stop)
		race_op(&s, true);
	return 0;
}

/* Stores into the first word of every mapped page, without a pause. */
static long race_storer(void *arg)
{
	(void)arg;
	while (!race_stop)
		for (int k = 0; k < RACE_SLOTS; k++)
			for (unsigned long p = 0; p < RACE_SLOT_PAGES; p++)
				if (race_slots[k].present & (1ul << p))
					*(volatile unsigned long *)(race_slots[k].base + p * PAGE) =
						RACE_FILL;
	return 0;
}

static unsigned long race_heap_top;   /* the break: slot 0's pages end there */

/* Map slot k: 1..3 pages, filled, then published. */
static void race_map(uint64_t *s, int k)
{
	unsigned long pages = 1 + splitmix(s) % RACE_SLOT_PAGES, base;
	long r;

	if (k == 0) {
		r = calf_sbrk((long)(pages * PAGE));
		if (r != (long)race_heap_top) {
			if (r != -CALF_ENOMEM)
				race_report("VM_SBRK up (want the old break)", race_heap_top, pages, r);
			return;
		}
		race_heap_top += pages * PAGE;
	} else {
		r = calf_mmap(pages * PAGE);
		if (r < 0 || (r & (long)(PAGE - 1))) {
			if (r != -CALF_ENOMEM)
				race_report("VM_MMAP", pages, 0, r);
			return;
		}
	}
	base = (unsigned long)r;
	for (unsigned long p = 0; p < pages; p++) {
		*(volatile unsigned long *)(base + p * PAGE) = RACE_FILL;
		memset((void *)(base + p * PAGE + RACE_TEXT_AT), '.', RACE_TEXT_LEN);
	}
	race_slots[k].base = base;
	race_slots[k].present = (1ul << pages) - 1;
}

/* Unmap some of slot k: the heap from its top, an mmap region whole
 * (sometimes with a length that is no multiple of the page) or a page of
 * it. The bits go after the unmap: the storer races it. */
static void race_unmap(uint64_t *s, int k, bool all)
{
	struct race_slot *sl = &race_slots[k];
	unsigned long m = sl->present, x = splitmix(s), top = 0, p, len;
	long r;

	while (m >> (top + 1))
		top++;   /* the highest mapped page */
	if (k == 0) {
		p = all || (x & 1) ? 0 : top;   /* all of it, or its top page */
		r = calf_sbrk(-(long)((top + 1 - p) * PAGE));
		if (r != (long)race_heap_top)
			race_report("VM_SBRK down (want the old break)", race_heap_top, top + 1 - p, r);
		race_heap_top = sl->base + p * PAGE;
		sl->present = m & ((1ul << p) - 1);
		return;
	}
	if (m == (1ul << (top + 1)) - 1 && (all || x % 3 == 0)) {
		len = (top + 1) * PAGE - ((x >> 8) & 1 ? (x >> 9) % PAGE : 0);
		r = calf_munmap(sl->base, len);
		if (r != 0)
			race_report("VM_MUNMAP of a whole region", sl->base, len, r);
		sl->present = 0;
		return;
	}
	do
		p = (x >>= 2) % RACE_SLOT_PAGES;
	while (!(m & (1ul << p)) && x);
	if (!(m & (1ul << p)))
		for (p = 0; !(m & (1ul << p)); p++)
			;
	r = calf_munmap(sl->base + p * PAGE, PAGE);
	if (r != 0)
		race_report("VM_MUNMAP of a page", sl->base + p * PAGE, PAGE, r);
	sl->present = m & ~(1ul << p);
}

/* One round, in a child: 0, or 1 after a wrong result. */
static int race_child(uint64_t seed, unsigned long round, bool stores)
{
	uint64_t s = seed * 0x100000001b3ull ^ (round + 1) * 0xc2b2ae3d27d4eb4full;
	long tids[RACE_WORKERS + 1], status, r, heap_start, area;
	unsigned long deadline, ops = 0;
	int nt = 0;

	race_stop = 0;
	race_stores = stores;
	race_bad = 0;
	race_console_left = round % 4 == 0 ? RACE_CONSOLE_BYTES : 0;
	for (int k = 0; k < RACE_SLOTS; k++) {
		race_slots[k].base = 0;
		race_slots[k].present = 0;
	}
	/* slot 0 starts at a page boundary, the break as it is rounded up */
	heap_start = calf_sbrk(0);
	r = calf_sbrk((long)((PAGE - (unsigned long)heap_start % PAGE) % PAGE));
	heap_start = calf_sbrk(0);
	race_heap_top = (unsigned long)heap_start;
	race_slots[0].base = race_heap_top;
	area = calf_mmap(RACE_AREA * PAGE);
	if (area < 0) {
		race_report("VM_MMAP of the slots' area", RACE_AREA, 0, area);
		return 1;
	}
	for (int w = 0; w < RACE_WORKERS + (stores ? 1 : 0); w++) {
		tids[nt] = calf_thread_create(w < RACE_WORKERS ? race_worker : race_storer,
					      (void *)(uintptr_t)(splitmix(&s) | 1));
		if (tids[nt] < 0)
			race_report("VM_THREAD_CREATE of a worker", (unsigned long)w, 0, tids[nt]);
		else
			nt++;
	}
	if ((r = calf_munmap((unsigned long)area, RACE_AREA * PAGE)) != 0)
		race_report("VM_MUNMAP of the slots' area", (unsigned long)area, RACE_AREA, r);
	for (int k = 0; k < RACE_SLOTS; k++)
		race_map(&s, k);
	deadline = calf_time() + child_ticks(RACE_MS);
	while (calf_time() < deadline) {
		int k = (int)(splitmix(&s) % RACE_SLOTS);

		if (race_slots[k].present)
			race_unmap(&s, k, false);
		else
			race_map(&s, k);
		ops++;
	}
	race_stop = 1;
	for (int t = 0; t < nt; t++)
		if ((r = calf_thread_join(tids[t], &status)) != 0 || status != 0)
			race_report("VM_THREAD_JOIN of a worker (result, status)", (unsigned long)r,
				    (unsigned long)status, tids[t]);
	for (int k = 0; k < RACE_SLOTS; k++)
		while (race_slots[k].present)
			race_unmap(&s, k, true);
	if (calf_sbrk(0) != heap_start)
		race_report("the break at the end (want it at the start)", (unsigned long)heap_start,
			    0, calf_sbrk(0));
	(void)ops;
	return race_bad ? 1 : 0;
}

/* Take frames off the free list, store into each, give them back. */
static void race_churn(void)
{
	unsigned long pages = utest_free_frames() / 4;
	long p;

	if (pages > 256)
		pages = 256;
	p = calf_mmap(pages * PAGE);
	if (p < 0)
		return;
	for (unsigned long k = 0; k < pages; k++)
		((volatile char *)p)[k * PAGE] = 1;
	calf_munmap((unsigned long)p, pages * PAGE);
}

void test_races(uint64_t seed, unsigned long rounds)
{
	unsigned long frames0, procs0, t0, clean = 0, killed = 0, bad = 0, hung = 0;
	bool fork_failed = false;

	race_churn();   /* our own tables for the churn's region: before the count */
	frames0 = utest_free_frames();
	procs0 = calf_stat(VM_STAT_PROCS);
	t0 = calf_time();
	for (unsigned long round = 0; round < rounds; round++) {
		bool stores = round % 2 == 1;
		long pid = calf_fork(), status = -1;
		int w;

		if (pid == 0)
			calf_exit(race_child(seed, round, stores));
		if (pid < 0) {
			printf("badcalls: races: fork failed: %ld\n", pid);
			fork_failed = true;
			break;
		}
		w = child_wait_timeout(pid, 10000, &status);
		if (w != 0) {
			printf("badcalls: races: round %lu still there after 10 s: killed\n", round);
			hung++;
		} else if (status == 0) {
			clean++;
		} else if (stores && status == KILLED_BY(CHILD_SIGSEGV)) {
			killed++;
		} else {
			printf("badcalls: races: round %lu (%s) ended with status %ld\n", round,
			       stores ? "stores" : "no stores", status);
			bad++;
		}
		race_churn();
	}
	printf("badcalls: races: %lu rounds in %lu ms: %lu ended by themselves, %lu killed "
	       "storing into a page unmapped\n", rounds, (calf_time() - t0) / child_ticks(1),
	       clean, killed);
	UCHECK("races_children_forked", !fork_failed);
	UCHECK_EQ("races_only_allowed_results", bad, 0);
	UCHECK_EQ("races_no_round_hung", hung, 0);
	UCHECK_EQ("races_free_frames_back", utest_free_frames(), frames0);
	UCHECK_EQ("races_processes_back", calf_stat(VM_STAT_PROCS), procs0);
}
