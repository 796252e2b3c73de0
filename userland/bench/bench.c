/*
 * bench - instructions per kernel operation, counted with rdinstret.
 *
 * Layer: userland/. Starts ipcpeer from the boot archive, and forks
 * itself.
 *
 * Run under QEMU with -icount shift=0,align=off,sleep=off (qemu_run.py
 * --icount): rdinstret then counts every guest instruction exactly, in
 * every mode and process, and repeated runs print the same numbers
 * (docs/architecture.md, Measurement; docs/porting.md, Counters and
 * measurement). Boot with one hart: the count is global, not per hart.
 * Each result is the loop's count minus the same loop with an empty body,
 * divided by the iterations:
 *   bench: syscall_null N     SYS_NULL, user ecall to user return
 *   bench: ipc_roundtrip N    call + ipcpeer's reply_recv, across
 *                             address spaces, back to the caller
 *   bench: fork_exit_wait_0k  fork; the child exits at once; the parent
 *          fork_exit_wait_1m  waits for it. With 0, 1, 4 or 16 MiB of
 *          fork_exit_wait_4m  heap resident and written (sbrk), so the
 *          fork_exit_wait_16m cost of copying page tables shows
 *   bench: cow_fault_copy N   a store to a copy-on-write page whose frame
 *                             a child shares (count 2): fault, copy
 *   bench: cow_fault_reuse N  the same after the child is gone (count 1):
 *                             fault, set W, no copy
 *   bench: zero_fill_fault N  the first store to an untouched anonymous
 *                             page: fault, a zeroed frame
 *   bench: zero_read_fault N  the first load from one: fault, the shared
 *                             zero frame mapped read-only
 *   bench: merge_scan_page N  same-page merging: one advised page
 *                             scanned (hashed, recorded), no twin
 *   bench: merge_page N       one page scanned that has a twin: both
 *                             write-protected, compared, remapped
 *   bench: merge_break_fault N  a store to a merged page: the COW copy
 * and with --smp (make bench runs it with four harts and with eight):
 *   bench: thread_create_join N  VM_THREAD_CREATE of a thread that
 *                             returns at once, and VM_THREAD_JOIN of it
 *   bench: cow_fault_copy_smpH_alone N  cow_fault_copy with H harts, the
 *                             space running on one: no remote flush
 *   bench: done
 * `make bench` runs it as `bench --icount`, its word that QEMU runs with
 * -icount. Without it (typed at the shell) the first and last lines say
 * that the figures are not exact.
 * The fault benchmarks touch one byte per page; the subtracted loop
 * makes the same accesses to pages already mapped, so what remains is
 * the fault: trap, the message to the VM server, its work, the reply.
 *
 * The fault and merging figures are measured in a child of their own
 * (in_child): in a lab's student tree (labs/README.md) a fault may need
 * a lab's code not written yet, and the VM server kills the process
 * that takes it (vm/lab.h). Then only that group of figures is lost,
 * with a line saying so, and the others are still printed. A fork that
 * copies every page (before lab cow) makes no copy-on-write fault to
 * measure: cow_fault_copy and cow_fault_reuse are then not printed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "../tests/ipcpeer/ipcpeer.h"

#define NULL_LOOPS 10000
#define IPC_LOOPS  2000

/* The loops are noinline so their shape (and so the subtracted
 * overhead) does not depend on what gcc does around them. */

static __attribute__((noinline)) unsigned long empty_loop(int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long null_loop(int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		calf_null();
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long ipc_setup_loop(int n, struct calf_msg *m)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++) {
		m->mr[0] = (unsigned long)i;
		__asm__ volatile("" ::: "memory");
	}
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long ipc_loop(int n, long ep, struct calf_msg *m)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++) {
		m->mr[0] = (unsigned long)i;
		calf_call(ep, m);
	}
	return calf_rdinstret() - t0;
}

static unsigned long per_op(unsigned long total, unsigned long overhead, int n)
{
	return total > overhead ? (total - overhead + (unsigned long)n / 2) / (unsigned long)n : 0;
}

static int bench_ipc(void)
{
	static const char *const peer_argv[] = { "ipcpeer", "--echo", NULL };
	struct calf_msg m;
	long pid, ep, status;
	unsigned long empty, full;

	pid = calf_spawn(peer_argv);
	if (pid < 0) {
		printf("bench: cannot start ipcpeer: %ld\n", pid);
		return 1;
	}
	ep = calf_rendezvous(IPCPEER_KEY);
	if (ep < 0) {
		printf("bench: rendezvous failed: %ld\n", ep);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	/* warm up: the peer has started and is waiting, every page and
	 * TLB entry on the path is in place */
	if (calf_call(ep, &m) != 0) {
		printf("bench: first call failed\n");
		return 1;
	}
	ipc_loop(100, ep, &m);
	empty = ipc_setup_loop(IPC_LOOPS, &m);
	full = ipc_loop(IPC_LOOPS, ep, &m);
	printf("bench: ipc_roundtrip %lu\n", per_op(full, empty, IPC_LOOPS));

	memset(&m, 0, sizeof(m));
	m.mr[0] = IPCPEER_STOP;
	calf_call(ep, &m);
	calf_wait(pid, &status);
	calf_handle_close(ep);
	return status != 0;
}

/* ---- fork, copy-on-write and zero-page faults ---- */

#define PAGE 4096ul
#define FORK_LOOPS 16
#define FAULT_PAGES 256

static __attribute__((noinline)) unsigned long fork_loop(int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++) {
		long pid = calf_fork();

		if (pid == 0)
			calf_exit(0);
		calf_wait(pid, 0);
	}
	return calf_rdinstret() - t0;
}

/* One byte stored to (or loaded from) each of n pages from p. */
static __attribute__((noinline)) unsigned long store_loop(volatile char *p, int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		p[(unsigned long)i * PAGE] = 1;
	return calf_rdinstret() - t0;
}

static __attribute__((noinline)) unsigned long load_loop(volatile char *p, int n)
{
	unsigned long t0 = calf_rdinstret();

	for (int i = 0; i < n; i++)
		(void)p[(unsigned long)i * PAGE];
	return calf_rdinstret() - t0;
}

static int bench_fork(void)
{
	static const struct { const char *name; unsigned long mib; } sizes[] = {
		{ "fork_exit_wait_0k", 0 }, { "fork_exit_wait_1m", 1 },
		{ "fork_exit_wait_4m", 4 }, { "fork_exit_wait_16m", 16 },
	};
	unsigned long empty, grown = 0;

	calf_console_flush();   /* the children must not print our line */
	fork_loop(2);           /* warm up */
	empty = empty_loop(FORK_LOOPS);
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned long want = sizes[s].mib << 20;

		if (want > grown) {
			long old = calf_sbrk((long)(want - grown));

			if (old < 0) {
				printf("bench: sbrk %lu MiB failed: %ld\n", sizes[s].mib, old);
				return 1;
			}
			/* resident and written: every page a frame of its own */
			store_loop((volatile char *)old, (int)((want - grown) / PAGE));
			grown = want;
		}
		printf("bench: %s %lu\n", sizes[s].name,
		       per_op(fork_loop(FORK_LOOPS), empty, FORK_LOOPS));
	}
	calf_sbrk(-(long)grown);
	return 0;
}

static int bench_faults(void)
{
	volatile char *p;
	unsigned long empty, full, cow;
	long pid, r;

	/* copy and reuse: 2 * FAULT_PAGES written pages, shared with a
	 * child that blocks. Half are stored to while it lives (count 2:
	 * copy); then it is killed and the other half stored to (count 1:
	 * reuse). */
	r = calf_mmap(2 * FAULT_PAGES * PAGE);
	if (r < 0) {
		printf("bench: mmap failed: %ld\n", r);
		return 1;
	}
	p = (volatile char *)r;
	store_loop(p, 2 * FAULT_PAGES);
	empty = store_loop(p, FAULT_PAGES);     /* the same stores, no faults */
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_block_forever();
	if (pid < 0) {
		printf("bench: fork failed: %ld\n", pid);
		return 1;
	}
	cow = calf_stat(VM_STAT_COW_FAULTS);
	full = store_loop(p, FAULT_PAGES);
	if (calf_stat(VM_STAT_COW_FAULTS) == cow)
		printf("bench: cow_fault_copy, cow_fault_reuse: no copy-on-write fault to "
		       "measure (fork copied the pages)\n");
	else
		printf("bench: cow_fault_copy %lu\n", per_op(full, empty, FAULT_PAGES));
	calf_kill(pid);
	calf_wait(pid, 0);
	full = store_loop(p + FAULT_PAGES * PAGE, FAULT_PAGES);
	if (calf_stat(VM_STAT_COW_FAULTS) != cow)
		printf("bench: cow_fault_reuse %lu\n", per_op(full, empty, FAULT_PAGES));
	calf_munmap((unsigned long)r, 2 * FAULT_PAGES * PAGE);

	/* zero pages: fresh anonymous memory, first store / first load;
	 * the subtracted loops run over the same pages once mapped */
	r = calf_mmap(2 * FAULT_PAGES * PAGE);
	if (r < 0) {
		printf("bench: mmap failed: %ld\n", r);
		return 1;
	}
	p = (volatile char *)r;
	full = store_loop(p, FAULT_PAGES);
	empty = store_loop(p, FAULT_PAGES);
	printf("bench: zero_fill_fault %lu\n", per_op(full, empty, FAULT_PAGES));
	full = load_loop(p + FAULT_PAGES * PAGE, FAULT_PAGES);
	empty = load_loop(p + FAULT_PAGES * PAGE, FAULT_PAGES);
	printf("bench: zero_read_fault %lu\n", per_op(full, empty, FAULT_PAGES));
	calf_munmap((unsigned long)r, 2 * FAULT_PAGES * PAGE);
	return 0;
}

/* Same-page merging: two regions of MERGE_PAGES pages, page i of both
 * holding the same words. Scanning the first records each page; the
 * second then finds a twin for every page and merges it; a store into
 * the second breaks a merge. Each scan is one VM_MERGE_SCAN, its cost
 * divided by the pages (the request's IPC is in it). */
#define MERGE_PAGES 64

static int bench_merge(void)
{
	long a = calf_mmap(MERGE_PAGES * PAGE), b = calf_mmap(MERGE_PAGES * PAGE);
	unsigned long t0, merged, empty, full;

	if (a < 0 || b < 0) {
		printf("bench: mmap failed\n");
		return 1;
	}
	for (unsigned long w = 0; w < MERGE_PAGES * PAGE / 8; w++) {
		((volatile unsigned long *)a)[w] = w / (PAGE / 8) + 1;
		((volatile unsigned long *)b)[w] = w / (PAGE / 8) + 1;
	}
	calf_merge_advise((unsigned long)a, MERGE_PAGES * PAGE, 1);
	t0 = calf_rdinstret();
	calf_merge_scan(MERGE_PAGES, 0, &merged);
	printf("bench: merge_scan_page %lu\n", (calf_rdinstret() - t0) / MERGE_PAGES);
	calf_merge_advise((unsigned long)b, MERGE_PAGES * PAGE, 1);
	t0 = calf_rdinstret();
	calf_merge_scan(MERGE_PAGES, 0, &merged);
	printf("bench: merge_page %lu\n", (calf_rdinstret() - t0) / MERGE_PAGES);
	if (merged != MERGE_PAGES) {
		printf("bench: only %lu of %d pages merged\n", merged, MERGE_PAGES);
		return 1;
	}
	full = store_loop((volatile char *)b, MERGE_PAGES);
	empty = store_loop((volatile char *)b, MERGE_PAGES);
	printf("bench: merge_break_fault %lu\n", per_op(full, empty, MERGE_PAGES));
	calf_munmap((unsigned long)a, MERGE_PAGES * PAGE);
	calf_munmap((unsigned long)b, MERGE_PAGES * PAGE);
	return 0;
}

/* Run one group of figures in a child and wait for it (see the top).
 * 0 if it printed them, or if the VM server refused one of its faults
 * (in a lab's tree, code not written yet: the VM server's line above
 * says which), after a line that says what was not measured. */
static int in_child(const char *what, int (*group)(void))
{
	unsigned long refused = calf_stat(VM_STAT_REFUSED);
	long pid, status = -1;

	calf_console_flush();   /* the child must not print our lines */
	pid = calf_fork();
	if (pid == 0) {
		int bad = group();

		calf_console_flush();
		calf_exit(bad);
	}
	if (pid < 0) {
		printf("bench: fork failed: %ld\n", pid);
		return 1;
	}
	calf_wait(pid, &status);
	if (status == 0)
		return 0;
	if (calf_stat(VM_STAT_REFUSED) != refused) {
		printf("bench: %s: not all measured: a fault was refused (status %ld)\n", what,
		       status);
		return 0;
	}
	printf("bench: %s: failed (status %ld)\n", what, status);
	return 1;
}

/* ---- several harts (--smp) ----
 *
 * With several harts the counter counts every hart's instructions, so a
 * figure is what the whole machine spent; idle harts sleep in wfi and
 * count nothing. What cannot be counted here: a copy fault while other
 * threads of the process run on the other harts. Under -icount QEMU
 * runs its harts one at a time, each for a slice of millions of
 * instructions, so a remote TLB flush waits for the other harts' turns
 * while they spin, and such a run does not finish (docs/performance.md). */
#define THREAD_LOOPS 32

static long returns_0(void *arg)
{
	(void)arg;
	return 0;
}

static struct calf_bootinfo bi;

/* The copy fault as bench_faults measures it, with every other hart
 * idle: the space runs on one hart, so no remote hart is flushed, and
 * the figure must not grow with the harts there are. In a child of its
 * own (in_child), as bench_faults is. */
static int bench_smp_copy(void)
{
	unsigned long empty, full, cow;
	long pid, r;
	volatile char *p;

	r = calf_mmap(FAULT_PAGES * PAGE);
	if (r < 0) {
		printf("bench: mmap failed: %ld\n", r);
		return 1;
	}
	p = (volatile char *)r;
	store_loop(p, FAULT_PAGES);
	empty = store_loop(p, FAULT_PAGES);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_block_forever();
	cow = calf_stat(VM_STAT_COW_FAULTS);
	full = store_loop(p, FAULT_PAGES);
	if (calf_stat(VM_STAT_COW_FAULTS) == cow)
		printf("bench: cow_fault_copy_smp%lu_alone: no copy-on-write fault to measure "
		       "(fork copied the pages)\n", bi.harts);
	else
		printf("bench: cow_fault_copy_smp%lu_alone %lu\n", bi.harts,
		       per_op(full, empty, FAULT_PAGES));
	calf_kill(pid);
	calf_wait(pid, 0);
	calf_munmap((unsigned long)r, FAULT_PAGES * PAGE);
	return 0;
}

static int bench_smp(void)
{
	unsigned long t0;

	if (calf_bootinfo(&bi) < 0)
		return 1;
	/* thread_create_join: the other harts are idle. */
	calf_thread_join(calf_thread_create(returns_0, NULL), NULL);   /* warm up */
	t0 = calf_rdinstret();
	for (int i = 0; i < THREAD_LOOPS; i++)
		calf_thread_join(calf_thread_create(returns_0, NULL), NULL);
	printf("bench: thread_create_join %lu\n", (calf_rdinstret() - t0) / THREAD_LOOPS);
	return in_child("the copy fault", bench_smp_copy);
}

/* Without -icount, QEMU's instruction counter runs with the host's
 * clock, not with the instructions retired. */
static const char not_exact[] =
	"bench: NOT EXACT: these figures count instructions only under QEMU\n"
	"bench: -icount, which `make bench` uses (it runs `bench --icount`);\n"
	"bench: here they can be many times too high.\n";

int main(int argc, char **argv)
{
	unsigned long empty, full;
	int bad, exact;

	calf_usage(argc, argv, "[--icount] [--smp]",
		   "instructions per kernel operation; exact only in make bench\n"
		   "--icount   say the figures are exact (make bench runs QEMU with -icount)\n"
		   "--smp      the figures that need several harts");
	exact = argc > 1 && strcmp(argv[1], "--icount") == 0;
	bool smp = argc > 1 + exact && strcmp(argv[1 + exact], "--smp") == 0;

	if (argc > 1 + exact + smp)
		return calf_usage_error();
	if (!exact)
		printf("%s", not_exact);
	if (smp) {
		bad = bench_smp();
		printf("bench: done\n");
		return bad;
	}
	null_loop(100);                 /* warm up */
	empty = empty_loop(NULL_LOOPS);
	full = null_loop(NULL_LOOPS);
	printf("bench: syscall_null %lu\n", per_op(full, empty, NULL_LOOPS));
	bad = bench_ipc();
	bad |= bench_fork();
	bad |= in_child("faults", bench_faults);
	bad |= in_child("same-page merging", bench_merge);
	if (!exact)
		printf("%s", not_exact);
	printf("bench: done\n");
	return bad;
}
