/*
 * maptest - what the VM server shows of an address space (VM_REGION,
 * VM_PT_ENTRY: what vmmap prints) against what copy-on-write must have
 * built, and the counters' sums.
 *
 * Layer: userland/ (a test suite; usertests runs it).
 *
 *  1. a forked pair: right after fork the level-0 table is shared by
 *     both (count 2, copy-on-write mark) and its leaves count 1; after
 *     the child's store the child has a table of its own, the stored
 *     page private (count 1, writable), the others shared (count 2) -
 *     and the parent's copy of the stored page is down to count 1
 *  2. ps's resident count is the number of leaves over frames
 *  3. anonymous memory read, not written: leaves over the zero frame
 *  4. the regions, in address order, with their rights
 *  5. bad arguments get error codes
 *  6. the counters add up as calf/vm_protocol.h says
 *
 *   maptest --trace   instead, a fault trace demonstration with known
 *                     decisions, for test/vm_cases.py to read: on two
 *                     fresh pages A and B, a store to A (zero fill), a
 *                     load of B (zero map), a store to B (zero fill over
 *                     the zero frame), a fork, a store to A while the
 *                     child lives (table copy, COW copy), and after it
 *                     has gone a store to B (COW reuse)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define PAGES 8
#define KEY 0x3a97e57ul          /* rendezvous key: the parent's commands */
#define PTE_W 0x004ul
#define PTE_RWX 0x00eul
#define PTE_COW 0x100ul
#define NO_SUCH_PID 999999


/* The leaf over va in process pid and the level-1 entry above it, as
 * VM_PT_ENTRY lists them; false if va has no leaf. */
struct look {
	struct calf_pt_entry leaf, table;
};

static bool look(long pid, unsigned long va, struct look *out)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };

	memset(out, 0, sizeof(*out));
	while (calf_pt_entry(pid, &e) == 1) {
		if (e.level == 1 && !(e.pte & PTE_RWX) && va - e.va < 512 * PAGE)
			out->table = e;
		if (e.level == 0 && e.va == va) {
			out->leaf = e;
			return true;
		}
		if (e.va > va)
			break;
	}
	return false;
}

/* Leaves over frames (not the zero frame) in the whole space of pid. */
static unsigned long resident(long pid)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };
	unsigned long n = 0;

	while (calf_pt_entry(pid, &e) == 1)
		if ((e.pte & PTE_RWX) && !(e.flags & VM_PT_ZERO_FRAME))
			n++;
	return n;
}

static unsigned long ps_resident(long pid)
{
	struct calf_ps ps;

	return calf_ps_of(pid, &ps) == pid ? ps.resident : ~0ul;
}


static void test_forked_pair(void)
{
	volatile uint8_t *mem;
	unsigned long base;
	struct look c0, c3, p0, p3;
	long pid, ep, self = calf_getpid();

	base = (unsigned long)calf_mmap(PAGES * PAGE);
	UCHECK("pair_mmap", (long)base > 0);
	if ((long)base <= 0)
		return;
	mem = (volatile uint8_t *)base;
	for (unsigned long i = 0; i < PAGES; i++)
		mem[i * PAGE] = (uint8_t)i;
	ep = calf_rendezvous(KEY);
	calf_console_flush();
	pid = calf_fork();
	if (pid == 0)
		calf_child_serve(mem, KEY);
	UCHECK("pair_fork", pid > 0 && ep >= 0);
	if (pid <= 0 || ep < 0)
		return;

	/* Right after fork: one level-0 table, shared. */
	UCHECK("pair_child_has_the_page", look(pid, base, &c0));
	UCHECK("pair_parent_has_the_page", look(self, base, &p0));
	UCHECK("pair_table_marked_shared", (c0.table.pte & PTE_COW) && (p0.table.pte & PTE_COW));
	UCHECK_EQ("pair_table_shared_by_2", c0.table.count, 2);
	UCHECK_EQ("pair_same_table", c0.table.pte, p0.table.pte);
	UCHECK_EQ("pair_leaf_count_1_in_shared_table", c0.leaf.count, 1);
	UCHECK("pair_leaf_cow", (c0.leaf.pte & PTE_COW) && !(c0.leaf.pte & PTE_W));

	/* The child stores to page 3. */
	UCHECK_EQ("pair_child_stored", calf_child_store(ep, 3, 0xcc), 0);
	look(pid, base, &c0);
	look(pid, base + 3 * PAGE, &c3);
	look(self, base, &p0);
	look(self, base + 3 * PAGE, &p3);
	UCHECK("pair_child_table_own", !(c0.table.pte & PTE_COW) && c0.table.count == 1);
	UCHECK("pair_child_page_private_writable",
	       c3.leaf.count == 1 && (c3.leaf.pte & PTE_W) && !(c3.leaf.pte & PTE_COW));
	UCHECK_EQ("pair_child_other_page_count_2", c0.leaf.count, 2);
	UCHECK_EQ("pair_parent_other_page_count_2", p0.leaf.count, 2);
	UCHECK_EQ("pair_parent_stored_page_count_1", p3.leaf.count, 1);
	UCHECK("pair_parent_page_still_cow", (p3.leaf.pte & PTE_COW) != 0);
	UCHECK("pair_different_frames", (c3.leaf.pte >> 10) != (p3.leaf.pte >> 10));

	/* ps counts what vmmap counts. */
	UCHECK_EQ("pair_ps_resident_child", ps_resident(pid), resident(pid));
	UCHECK_EQ("pair_ps_resident_parent", ps_resident(self), resident(self));

	UCHECK_EQ("pair_child_exit_status", calf_child_end(ep, pid), 0);
	calf_munmap(base, PAGES * PAGE);
}

static void test_zero_frame(void)
{
	volatile uint8_t *mem;
	unsigned long base, sum = 0;
	struct look l0, l1;

	base = (unsigned long)calf_mmap(4 * PAGE);
	UCHECK("zero_mmap", (long)base > 0);
	if ((long)base <= 0)
		return;
	mem = (volatile uint8_t *)base;
	for (unsigned long i = 0; i < 4; i++)
		sum += mem[i * PAGE];
	UCHECK_EQ("zero_reads_zero", sum, 0);
	UCHECK("zero_leaf_present", look(0, base, &l0));
	UCHECK("zero_leaf_on_zero_frame", (l0.leaf.flags & VM_PT_ZERO_FRAME) != 0);
	UCHECK("zero_leaf_cow_readonly", (l0.leaf.pte & PTE_COW) && !(l0.leaf.pte & PTE_W));
	mem[PAGE] = 1;
	UCHECK("zero_stored_leaf", look(0, base + PAGE, &l1));
	UCHECK("zero_store_left_the_zero_frame",
	       !(l1.leaf.flags & VM_PT_ZERO_FRAME) && l1.leaf.count == 1 && (l1.leaf.pte & PTE_W));
	look(0, base, &l0);
	UCHECK("zero_neighbour_still_zero_frame", (l0.leaf.flags & VM_PT_ZERO_FRAME) != 0);
	calf_munmap(base, 4 * PAGE);
}

static void test_regions(void)
{
	struct calf_region r;
	unsigned long last = 0, i;
	bool text = false, stack = false, sorted = true;

	for (i = 0; calf_region(0, i, &r) == 0; i++) {
		sorted &= r.start >= last && r.end >= r.start;
		last = r.start;
		if (!strcmp(r.name, "text"))
			text = (r.prot & VM_PROT_X) && !(r.prot & VM_PROT_W);
		if (!strcmp(r.name, "stack"))
			stack = (r.prot & VM_PROT_W) && !(r.prot & VM_PROT_X);
	}
	UCHECK("regions_some", i >= 5);
	UCHECK("regions_in_address_order", sorted);
	UCHECK("regions_text_rx", text);
	UCHECK("regions_stack_rw", stack);
}

static void test_bad_arguments(void)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };
	struct calf_region r;

	UCHECK_EQ("bad_region_index", calf_region(0, 1000, &r), -CALF_ENOENT);
	UCHECK_EQ("bad_region_pid", calf_region(NO_SUCH_PID, 0, &r), -CALF_ESRCH);
	UCHECK_EQ("bad_pt_pid", calf_pt_entry(NO_SUCH_PID, &e), -CALF_ESRCH);
	e.level = VM_PT_START + 1;
	UCHECK_EQ("bad_pt_level", calf_pt_entry(0, &e), -CALF_EINVAL);
	UCHECK_EQ("bad_trace_on", calf_trace(2, 0), -CALF_EINVAL);
	UCHECK_EQ("bad_trace_pid", calf_trace(1, NO_SUCH_PID), -CALF_ESRCH);
}

static void test_counters_add_up(void)
{
	unsigned long v[VM_STAT_COUNT];

	UCHECK_EQ("counters_count", calf_stats(v, VM_STAT_COUNT), VM_STAT_COUNT);
	UCHECK_EQ("counters_faults_sum", v[VM_STAT_FAULTS],
		  v[VM_STAT_ZERO_MAPS] + v[VM_STAT_ZERO_FILLS] + v[VM_STAT_COW_COPIES] +
		  v[VM_STAT_COW_REUSES] + v[VM_STAT_RETRIES] + v[VM_STAT_REFUSED] +
		  v[VM_STAT_OOM_KILLS]);
	UCHECK_EQ("counters_cow_sum", v[VM_STAT_COW_FAULTS],
		  v[VM_STAT_COW_COPIES] + v[VM_STAT_COW_REUSES] + v[VM_STAT_COW_ZERO]);
}

static int trace_demo(void)
{
	volatile uint8_t *mem;
	unsigned long base, sum;
	long pid, ep, status = -1;

	base = (unsigned long)calf_mmap(2 * PAGE);
	ep = calf_rendezvous(KEY);
	if ((long)base <= 0 || ep < 0) {
		printf("maptest: trace demo: no memory\n");
		return 1;
	}
	mem = (volatile uint8_t *)base;
	printf("maptest: trace demo on pages A 0x%lx and B 0x%lx\n", base, base + PAGE);
	calf_console_flush();
	if (calf_trace(1, calf_getpid()) != 0)
		return 1;
	mem[0] = 1;
	sum = mem[PAGE];
	mem[PAGE] = 2;
	pid = calf_fork();
	if (pid == 0)
		calf_child_serve(mem, KEY);
	mem[0] = 3;
	status = calf_child_end(ep, pid);
	mem[PAGE] = 4;
	calf_trace(0, 0);
	printf("maptest: trace demo done (%lu)\n", sum);
	return pid > 0 && status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[--trace]",
		   "what vmmap shows of an address space, against COW's rules");
	if (argc == 2 && !strcmp(argv[1], "--trace"))
		return trace_demo();
	utest_begin("maptest");
	test_forked_pair();
	test_zero_frame();
	test_regions();
	test_bad_arguments();
	test_counters_add_up();
	return utest_end();
}
