/*
 * labtest - the graded checks of each lab (labs/README.md).
 *
 * Layer: userland/ (a test helper: `make grade` runs it).
 *
 *   labtest pgtbl | zero | cow | reuse | sharedpt | smp
 *
 * Each lab's checks use only what that lab and the labs before it
 * build, so that they pass in the student tree of any later lab: every
 * line is "ok   NAME" or "FAIL NAME: why", and the last one
 * "labtest LAB: N passed, N failed". test/grade.py gives the points.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define L0_SPAN (512 * PAGE)
#define PTE_V 0x001ul
#define PTE_W 0x004ul
#define PTE_U 0x010ul
#define PTE_RWX 0x00eul
#define PTE_COW 0x100ul
#define KEY 0x1ab7e57ul

static unsigned long stat(unsigned long which)
{
	return calf_stat(which);
}

static unsigned long ps_resident(long pid)
{
	struct calf_ps ps;

	return calf_ps_of(pid, &ps) == pid ? ps.resident : ~0ul;
}

/* The leaf over va of process pid (0: this one) and the level-1 entry
 * above it; false if there is no leaf. */
static bool look(long pid, unsigned long va, struct calf_pt_entry *leaf,
		 struct calf_pt_entry *table)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };

	memset(leaf, 0, sizeof(*leaf));
	memset(table, 0, sizeof(*table));
	while (calf_pt_entry(pid, &e) == 1) {
		if (e.level == 1 && !(e.pte & PTE_RWX) && va - e.va < L0_SPAN)
			*table = e;
		if (e.level == 0 && e.va == va) {
			*leaf = e;
			return true;
		}
		if (e.va > va)
			break;
	}
	return false;
}

/* Fresh anonymous pages, each written with its number (frames of our
 * own), or NULL. */
static volatile uint8_t *written_pages(unsigned long n)
{
	long a = calf_mmap(n * PAGE);
	volatile uint8_t *mem;

	if (a <= 0)
		return NULL;
	mem = (volatile uint8_t *)a;
	for (unsigned long i = 0; i < n; i++)
		mem[i * PAGE] = (uint8_t)(i + 1);
	return mem;
}

/* ---- pgtbl: VM_PT_ENTRY walks a space ---- */

static void lab_pgtbl(void)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 }, leaf, table;
	unsigned long leaves = 0, tables = 0, last_va = 0;
	bool order = true, shapes = true;
	volatile uint8_t *mem;
	long r;

	while ((r = calf_pt_entry(0, &e)) == 1) {
		unsigned long span = PAGE << (9 * e.level);

		order &= e.va >= last_va && (e.va & (span - 1)) == 0 && e.level >= 0 && e.level <= 2;
		last_va = e.va;
		if (e.pte & PTE_RWX) {
			leaves++;
			shapes &= e.level == 0 && (e.pte & PTE_U) && (e.pte & PTE_V) && e.count >= 1;
		} else {
			tables++;
			shapes &= e.level > 0 && (e.pte & 0xff) == PTE_V;
		}
	}
	UCHECK_EQ("pgtbl_walk_ends", r, 0);
	UCHECK("pgtbl_walk_finds_tables_and_leaves", tables >= 3 && leaves >= 4);
	UCHECK("pgtbl_pre_order_and_aligned", order);
	UCHECK("pgtbl_entries_well_formed", shapes);
	UCHECK_EQ("pgtbl_leaves_are_the_resident_pages", leaves, ps_resident(calf_getpid()));

	/* Three new pages, the middle one never touched. */
	mem = (volatile uint8_t *)calf_mmap(3 * PAGE);
	if ((long)mem <= 0) {
		UCHECK("pgtbl_mmap", 0);
		return;
	}
	mem[0] = 1;
	mem[2 * PAGE] = 2;
	UCHECK("pgtbl_stored_page_listed",
	       look(0, (unsigned long)mem, &leaf, &table) && (leaf.pte & PTE_W));
	UCHECK("pgtbl_untouched_page_not_listed",
	       !look(0, (unsigned long)mem + PAGE, &leaf, &table));
	UCHECK("pgtbl_last_page_listed", look(0, (unsigned long)mem + 2 * PAGE, &leaf, &table));
	UCHECK("pgtbl_its_table_listed", table.level == 1 && table.pte != 0);
	calf_munmap((unsigned long)mem, 3 * PAGE);
}

/* ---- zero: loads map the zero frame, the first store a frame ---- */

static void lab_zero(void)
{
	const unsigned long n = 64;
	struct calf_pt_entry leaf, table;
	volatile uint8_t *mem;
	unsigned long f0, f1, f2, sum = 0, on_zero = 0;

	mem = (volatile uint8_t *)calf_mmap(n * PAGE);
	if ((long)mem <= 0) {
		UCHECK("zero_mmap", 0);
		return;
	}
	f0 = stat(VM_STAT_FREE_FRAMES);
	for (unsigned long i = 0; i < n; i++)
		sum += mem[i * PAGE + 100];
	f1 = stat(VM_STAT_FREE_FRAMES);
	UCHECK_EQ("zero_untouched_memory_reads_zero", sum, 0);
	UCHECK("zero_reads_cost_no_frames", f0 - f1 <= 2);   /* page tables only */
	for (unsigned long i = 0; i < n; i++)
		on_zero += look(0, (unsigned long)mem + i * PAGE, &leaf, &table) &&
			   (leaf.flags & VM_PT_ZERO_FRAME) && !(leaf.pte & PTE_W);
	UCHECK_EQ("zero_read_pages_map_the_zero_frame_read_only", on_zero, n);

	mem[5 * PAGE + 7] = 0x5a;
	f2 = stat(VM_STAT_FREE_FRAMES);
	UCHECK_EQ("zero_first_store_takes_one_frame", f1 - f2, 1);
	UCHECK("zero_stored_page_has_a_frame_of_its_own",
	       look(0, (unsigned long)mem + 5 * PAGE, &leaf, &table) &&
	       !(leaf.flags & VM_PT_ZERO_FRAME) && (leaf.pte & PTE_W));
	sum = 0;
	for (unsigned long i = 0; i < n * PAGE; i += 8)
		sum += mem[i];
	UCHECK("zero_other_pages_still_zero", sum == 0 && mem[5 * PAGE + 7] == 0x5a &&
	       mem[5 * PAGE] == 0 && mem[6 * PAGE + 7] == 0);
	calf_munmap((unsigned long)mem, n * PAGE);
}

/* ---- cow: fork shares pages; a store copies one ---- */

static void lab_cow(void)
{
	unsigned long pages, free0, before, cost, copies;
	volatile uint8_t *mem;
	long pid, ep;
	bool isolated;

	/* Half of the free memory, written: only copy-on-write can fork
	 * that (a copy of every page would need as much again). */
	free0 = stat(VM_STAT_FREE_FRAMES);
	pages = free0 / 2 + 64;
	mem = written_pages(pages);
	UCHECK("cow_fill_more_than_half_of_memory", mem != NULL);
	if (!mem)
		return;
	ep = calf_rendezvous(KEY);
	before = stat(VM_STAT_FREE_FRAMES);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_child_serve(mem, KEY);
	UCHECK("cow_fork_of_more_than_half_of_memory", pid > 0 && ep >= 0);
	if (pid <= 0 || ep < 0) {
		calf_munmap((unsigned long)mem, pages * PAGE);
		return;
	}
	cost = before - stat(VM_STAT_FREE_FRAMES);
	UCHECK("cow_fork_copies_no_pages", cost < pages / 8);

	copies = stat(VM_STAT_COW_COPIES);
	UCHECK_EQ("cow_child_store", calf_child_store(ep, 3, 0xcc), 0);
	UCHECK("cow_store_copied_the_page", stat(VM_STAT_COW_COPIES) - copies >= 1);
	isolated = mem[3 * PAGE] == 4;   /* ours: page 3 holds 3 + 1 */
	mem[7 * PAGE] = 0xee;            /* our store: a copy too */
	UCHECK_EQ("cow_child_store_2", calf_child_store(ep, 8, 0xdd), 0);
	UCHECK("cow_each_sees_only_its_own_stores", isolated && mem[8 * PAGE] == 9);
	calf_child_end(ep, pid);
	calf_munmap((unsigned long)mem, pages * PAGE);
}

/* ---- reuse: a store to a page nobody else maps copies nothing ---- */

static void lab_reuse(void)
{
	const unsigned long n = 32;
	unsigned long c0, r0, f0;
	volatile uint8_t *mem = written_pages(n);
	long pid, ep;

	if (!mem) {
		UCHECK("reuse_mmap", 0);
		return;
	}
	ep = calf_rendezvous(KEY);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_child_serve(mem, KEY);
	UCHECK("reuse_fork", pid > 0 && ep >= 0);
	if (pid <= 0 || ep < 0)
		return;
	/* While the child lives, the pages are shared: a store copies. */
	c0 = stat(VM_STAT_COW_COPIES);
	mem[0] = 0x11;
	UCHECK("reuse_shared_page_still_copied", stat(VM_STAT_COW_COPIES) - c0 >= 1);
	calf_child_end(ep, pid);
	/* Now we alone map the rest: every store reuses its frame. */
	c0 = stat(VM_STAT_COW_COPIES);
	r0 = stat(VM_STAT_COW_REUSES);
	f0 = stat(VM_STAT_FREE_FRAMES);
	for (unsigned long i = 1; i < n; i++)
		mem[i * PAGE] = 0x22;
	UCHECK_EQ("reuse_no_copy_when_count_is_1", stat(VM_STAT_COW_COPIES) - c0, 0);
	UCHECK_EQ("reuse_every_store_reused", stat(VM_STAT_COW_REUSES) - r0, n - 1);
	UCHECK_EQ("reuse_no_frame_taken", f0 - stat(VM_STAT_FREE_FRAMES), 0);
	UCHECK("reuse_data_kept", mem[0] == 0x11 && mem[PAGE] == 0x22 && mem[(n - 1) * PAGE] == 0x22);
	calf_munmap((unsigned long)mem, n * PAGE);
}

/* ---- sharedpt: fork shares level-0 tables ---- */

static void lab_sharedpt(void)
{
	const unsigned long n = 4096;   /* 16 MiB: 8 level-0 tables */
	struct calf_pt_entry leaf, table, pleaf, ptable;
	unsigned long before, cost, tcopies;
	volatile uint8_t *mem = written_pages(n);
	long pid, ep, self = calf_getpid();

	if (!mem) {
		UCHECK("sharedpt_mmap", 0);
		return;
	}
	ep = calf_rendezvous(KEY);
	before = stat(VM_STAT_FREE_FRAMES);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_child_serve(mem, KEY);
	UCHECK("sharedpt_fork", pid > 0 && ep >= 0);
	if (pid <= 0 || ep < 0)
		return;
	cost = before - stat(VM_STAT_FREE_FRAMES);
	UCHECK("sharedpt_fork_of_16m_costs_a_few_tables", cost <= 8);
	UCHECK("sharedpt_child_shares_the_table",
	       look(pid, (unsigned long)mem, &leaf, &table) && (table.pte & PTE_COW) &&
	       table.count == 2);
	UCHECK("sharedpt_leaves_keep_count_1", leaf.count == 1 && (leaf.pte & PTE_COW));

	tcopies = stat(VM_STAT_TABLE_COPIES);
	UCHECK_EQ("sharedpt_child_store", calf_child_store(ep, 0, 0x77), 0);
	UCHECK_EQ("sharedpt_store_copied_one_table", stat(VM_STAT_TABLE_COPIES) - tcopies, 1);
	look(pid, (unsigned long)mem + PAGE, &leaf, &table);
	look(self, (unsigned long)mem + PAGE, &pleaf, &ptable);
	UCHECK("sharedpt_child_table_its_own", !(table.pte & PTE_COW) && table.count == 1);
	UCHECK("sharedpt_frames_now_counted_twice", leaf.count == 2 && pleaf.count == 2);
	UCHECK("sharedpt_parent_data_kept", mem[0] == 1 && mem[PAGE] == 2);

	/* munmap over tables still shared (the parent's other tables). */
	UCHECK_EQ("sharedpt_munmap_over_shared_tables",
		  calf_munmap((unsigned long)mem + L0_SPAN, 2 * L0_SPAN), 0);
	UCHECK_EQ("sharedpt_child_store_after_munmap", calf_child_store(ep, 4 * 512 + 3, 0x66), 0);
	UCHECK("sharedpt_parent_data_after_munmap", mem[4 * L0_SPAN + 3 * PAGE] == (uint8_t)(4 * 512 + 4));
	calf_child_end(ep, pid);
	calf_munmap((unsigned long)mem, L0_SPAN);   /* the rest, round the hole */
	calf_munmap((unsigned long)mem + 3 * L0_SPAN, n * PAGE - 3 * L0_SPAN);
}

/* ---- smp: a flush must reach every hart that runs the process ----
 *
 * Threads of this process store on the other harts while it forks. After
 * the fork every page is copy-on-write and shared with the child; a
 * hart that still holds a writable entry for one would go on storing
 * into the frame the child now shares: the child would see the parent
 * change under it, and the parent's store would be lost when its copy
 * fault copies the frame before that store. */
#define SMP_COUNTERS 3
#define SMP_ROUNDS 300000ul
#define SMP_FORKS 8

struct counter_page {
	volatile uint64_t value;
	uint64_t pad[PAGE / 8 - 1];
} __attribute__((aligned(4096)));

/* SMP_COUNTERS counters and the shared one, a page each, mapped for the
 * checks (and unmapped after: the closing check counts frames). */
static struct counter_page *smp_counters, *smp_shared_page;
#define smp_shared (*smp_shared_page)
static volatile int smp_stop;

static long smp_count(void *arg)
{
	struct counter_page *mine = arg;

	for (unsigned long n = 1; n <= SMP_ROUNDS; n++) {
		mine->value = n;
		__atomic_fetch_add(&smp_shared.value, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static long smp_tick(void *arg)
{
	(void)arg;
	while (!smp_stop)
		smp_counters[0].value++;
	return 0;
}

static void lab_smp(void)
{
	static struct calf_bootinfo bi;
	long tids[SMP_COUNTERS], pid, status, mem = calf_mmap((SMP_COUNTERS + 1) * PAGE);
	unsigned long steady = 0, exact = 0;

	calf_bootinfo(&bi);
	UCHECK("smp_four_harts", bi.harts >= 4);
	if (mem < 0) {
		UCHECK("smp_mmap", 0);
		return;
	}
	smp_counters = (struct counter_page *)mem;
	smp_shared_page = &smp_counters[SMP_COUNTERS];

	/* 1. A thread ticks on another hart; each child of a fork checks
	 * that the ticker's page holds still in its copy (nothing runs in the
	 * child but the forking thread). */
	smp_stop = 0;
	tids[0] = calf_thread_create(smp_tick, NULL);
	while (smp_counters[0].value == 0)
		calf_yield();
	for (int f = 0; f < SMP_FORKS; f++) {
		calf_console_flush();
		pid = calf_fork();
		if (pid == 0) {
			uint64_t v = smp_counters[0].value;

			calf_sleep(2);
			calf_child_exit(smp_counters[0].value == v ? 0 : 1);
		}
		status = calf_reap(pid);
		steady += status == 0;
	}
	smp_stop = 1;
	calf_thread_join(tids[0], NULL);
	UCHECK_EQ("smp_child_sees_a_snapshot", steady, SMP_FORKS);

	/* 2. Threads count while this one forks: no store is lost. */
	smp_shared.value = 0;
	for (int i = 0; i < SMP_COUNTERS; i++) {
		smp_counters[i].value = 0;
		tids[i] = calf_thread_create(smp_count, &smp_counters[i]);
	}
	for (int f = 0; f < 4 * SMP_FORKS; f++) {
		calf_console_flush();
		pid = calf_fork();
		if (pid == 0)
			calf_child_exit(0);
		calf_reap(pid);
	}
	for (int i = 0; i < SMP_COUNTERS; i++)
		calf_thread_join(tids[i], NULL);
	for (int i = 0; i < SMP_COUNTERS; i++)
		exact += smp_counters[i].value == SMP_ROUNDS;
	UCHECK_EQ("smp_no_own_store_lost", exact, SMP_COUNTERS);
	UCHECK_EQ("smp_no_shared_store_lost", smp_shared.value, SMP_COUNTERS * SMP_ROUNDS);
	calf_munmap((unsigned long)mem, (SMP_COUNTERS + 1) * PAGE);
}

static const struct lab {
	const char *name;
	void (*run)(void);
} labs[] = {
	{ "pgtbl", lab_pgtbl },
	{ "zero", lab_zero },
	{ "cow", lab_cow },
	{ "reuse", lab_reuse },
	{ "sharedpt", lab_sharedpt },
	{ "smp", lab_smp },
};

int main(int argc, char **argv)
{
	char suite[32];

	calf_usage(argc, argv, "pgtbl|zero|cow|reuse|sharedpt|smp",
		   "the graded checks of one lab (make grade LAB=NAME)");
	for (unsigned i = 0; argc == 2 && i < sizeof(labs) / sizeof(labs[0]); i++) {
		if (strcmp(argv[1], labs[i].name))
			continue;
		snprintf(suite, sizeof(suite), "labtest %s", labs[i].name);
		utest_begin(suite);
		labs[i].run();
		return utest_end();
	}
	printf("usage: labtest pgtbl|zero|cow|reuse|sharedpt|smp\n"
	       "  the graded checks of one lab (make grade LAB=NAME runs them)\n");
	return 2;
}
