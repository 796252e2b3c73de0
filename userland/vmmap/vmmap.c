/*
 * vmmap - the address space of a process, as the VM server built it.
 *
 * Layer: userland/.
 *
 *   vmmap [PID]      each region, then its pages in runs: not present,
 *                    the zero frame, private, or shared copy-on-write
 *                    (with the frame's reference count), and the level-0
 *                    page tables shared with other processes after a fork
 *   vmmap -s [PID]   one line per region: how many of its pages are
 *                    private, shared, on the zero frame, not present
 *   vmmap -v [PID]   the page-table tree itself, entry by entry, with the
 *                    PTE bits named (as xv6's vmprint prints it)
 *
 * PID defaults to vmmap's own process. The regions come from VM_REGION,
 * the entries from VM_PT_ENTRY, one request each (calf/vm_protocol.h):
 * the VM server walks the tables, this program only reads. The counts
 * are those of copy-on-write (docs/architecture.md, Copy-on-write): a
 * frame's count is the number of page tables that map it, a level-0
 * table's the number of address spaces that share it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"

#define PAGE 4096ul
#define L0_SPAN (512 * PAGE)     /* what one level-0 table maps: 2 MiB */
#define PINNED 0xfffffffful      /* the count of pinned frames (the zero frame) */

/* PTE bits, privileged spec 4.4.1 (figure 4.21); bit 8 is the first of
 * the two bits the spec leaves to software, calf's copy-on-write mark. */
static const char pte_bit_names[] = "VRWXUGAD";
#define PTE_V   0x001ul
#define PTE_R   0x002ul
#define PTE_W   0x004ul
#define PTE_X   0x008ul
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_COW 0x100ul

static unsigned long pte_pa(unsigned long pte)
{
	return ((pte >> 10) & ((1ul << 44) - 1)) << 12;
}

/* ---- vmmap -v: the tree ---- */

static void print_bits(unsigned long pte)
{
	for (int b = 0; b < 8; b++)
		if (pte & (1ul << b))
			printf(" %c", pte_bit_names[b]);
	if (pte & PTE_COW)
		printf(" COW");
}

static int print_tree(long pid)
{
	struct calf_pt_entry e = { 0, VM_PT_START, 0, 0, 0 };
	long r;
	unsigned long n = 0;

	while ((r = calf_pt_entry(pid, &e)) == 1) {
		bool leaf = (e.pte & PTE_RWX) != 0;

		for (int l = 2; l >= e.level; l--)
			printf(" ..");
		printf("%lu 0x%010lx: pte 0x%016lx pa 0x%010lx", (e.va >> (12 + 9 * e.level)) & 511,
		       e.va, e.pte, pte_pa(e.pte));
		if (!leaf) {
			printf(" table");
			if (e.pte & PTE_COW)
				printf(", shared by %lu (copy-on-write)", e.count);
		} else {
			print_bits(e.pte);
			if (e.flags & VM_PT_ZERO_FRAME)
				printf(" (zero frame)");
			else
				printf(" (count %lu)", e.count);
		}
		printf("\n");
		n++;
	}
	if (r < 0) {
		printf("vmmap: no such process: %ld\n", pid);
		return 1;
	}
	printf("%lu entries\n", n);
	return 0;
}

/* ---- vmmap: regions and page runs ---- */

/* What a leaf says about its page, for grouping pages into runs. */
struct page_state {
	int kind;                  /* NOT_PRESENT, ZERO, PRIVATE, SHARED */
	bool cow;
	unsigned long count;       /* the frame's count (SHARED) */
	unsigned long table_share; /* > 1: the level-0 table is shared by this many spaces */
};

enum { NOT_PRESENT, ZERO, PRIVATE, SHARED };

/* The leaves of a process in address order, from VM_PT_ENTRY, with the
 * count of the level-0 table each sits in. */
struct leaves {
	long pid;
	struct calf_pt_entry e;    /* the cursor */
	bool done;
	unsigned long table_va, table_share;   /* the last level-0 table seen */
	unsigned long tables, shared_tables;
	bool have;                 /* `leaf` holds the next leaf */
	struct calf_pt_entry leaf;
};

static void next_leaf(struct leaves *it)
{
	it->have = false;
	while (!it->done) {
		long r = calf_pt_entry(it->pid, &it->e);

		if (r != 1) {
			it->done = true;
			return;
		}
		if ((it->e.pte & PTE_RWX) == 0) {   /* a table */
			it->tables++;
			if (it->e.level == 1) {
				it->table_va = it->e.va;
				it->table_share = (it->e.pte & PTE_COW) ? it->e.count : 1;
				it->shared_tables += it->table_share > 1;
			}
			continue;
		}
		it->leaf = it->e;
		it->have = true;
		return;
	}
}

static struct page_state state_of(const struct leaves *it)
{
	struct page_state s = { NOT_PRESENT, false, 0, 1 };
	const struct calf_pt_entry *l = &it->leaf;

	s.cow = (l->pte & PTE_COW) != 0;
	if (l->va - it->table_va < L0_SPAN)
		s.table_share = it->table_share;
	if (l->flags & VM_PT_ZERO_FRAME)
		s.kind = ZERO;
	else if (l->count == 1)
		s.kind = PRIVATE;
	else {
		s.kind = SHARED;
		s.count = l->count;
	}
	return s;
}

static bool same(struct page_state a, struct page_state b)
{
	return a.kind == b.kind && a.cow == b.cow && a.count == b.count &&
	       a.table_share == b.table_share;
}

static void print_run(unsigned long from, unsigned long to, struct page_state s)
{
	unsigned long n = (to - from) / PAGE;

	printf("    0x%010lx-0x%010lx %6lu page%s  ", from, to, n, n == 1 ? " " : "s");
	switch (s.kind) {
	case NOT_PRESENT:
		printf("not present");
		break;
	case ZERO:
		printf("zero frame");
		break;
	case PRIVATE:
		if (s.table_share > 1)   /* one reference, from a table several spaces share */
			printf("shared through a page table shared by %lu", s.table_share);
		else
			printf(s.cow ? "private, copy-on-write (count 1: a store reuses it)"
				     : "private");
		break;
	default:
		if (s.count == PINNED)
			printf("pinned frame");
		else
			printf("shared, count %lu", s.count);
		if (s.table_share > 1)
			printf(", in a page table shared by %lu", s.table_share);
	}
	if (s.cow && !(s.kind == PRIVATE && s.table_share <= 1))
		printf(", copy-on-write");
	printf("\n");
}

struct totals {
	unsigned long resident, private_pages, shared_pages, zero_pages, absent, outside;
};

static bool summary;   /* vmmap -s: no runs, a count per region */

static void count(struct totals *t, struct page_state s, unsigned long pages)
{
	if (s.kind == ZERO) {
		t->zero_pages += pages;
		return;
	}
	if (s.kind == NOT_PRESENT) {
		t->absent += pages;
		return;
	}
	t->resident += pages;
	if (s.kind == SHARED || s.table_share > 1)
		t->shared_pages += pages;
	else
		t->private_pages += pages;
}

/* One run of pages: counted, and printed unless vmmap -s. */
static void run(struct totals *t, unsigned long from, unsigned long to, struct page_state s)
{
	count(t, s, (to - from) / PAGE);
	if (!summary)
		print_run(from, to, s);
}

/* The pages of one region [start, end) in runs, counted into *t. */
static void region_pages(struct leaves *it, unsigned long start, unsigned long end,
			 struct totals *t)
{
	const struct page_state absent = { NOT_PRESENT, false, 0, 1 };
	unsigned long at = start;

	while (at < end) {
		struct page_state s;
		unsigned long run_end;

		while (it->have && it->leaf.va < at) {
			t->outside++;   /* a leaf outside every region: never built so */
			next_leaf(it);
		}
		if (!it->have || it->leaf.va >= end) {
			run(t, at, end, absent);
			return;
		}
		if (it->leaf.va > at) {
			run(t, at, it->leaf.va, absent);
			at = it->leaf.va;
			continue;
		}
		s = state_of(it);
		run_end = at + PAGE;
		next_leaf(it);
		while (it->have && it->leaf.va == run_end && run_end < end && same(state_of(it), s)) {
			run_end += PAGE;
			next_leaf(it);
		}
		run(t, at, run_end, s);
		at = run_end;
	}
}

static void add(struct totals *sum, const struct totals *t)
{
	sum->resident += t->resident;
	sum->private_pages += t->private_pages;
	sum->shared_pages += t->shared_pages;
	sum->zero_pages += t->zero_pages;
	sum->absent += t->absent;
	sum->outside += t->outside;
}

static int print_map(long pid)
{
	struct leaves it = { .pid = pid, .e = { 0, VM_PT_START, 0, 0, 0 } };
	struct totals t = { 0 };
	struct calf_region r;
	unsigned long i;
	long err;

	next_leaf(&it);
	for (i = 0; (err = calf_region(pid, i, &r)) == 0; i++) {
		struct totals rt = { 0 };

		printf("  %-16s 0x%010lx-0x%010lx %c%c%c", r.name, r.start, r.end,
		       (r.prot & VM_PROT_R) ? 'r' : '-', (r.prot & VM_PROT_W) ? 'w' : '-',
		       (r.prot & VM_PROT_X) ? 'x' : '-');
		if (!summary)
			printf("\n");
		if (r.end > r.start)
			region_pages(&it, r.start, r.end, &rt);
		if (summary)
			printf("  %lu private, %lu shared, %lu zero frame, %lu not present\n",
			       rt.private_pages, rt.shared_pages, rt.zero_pages, rt.absent);
		add(&t, &rt);
	}
	if (err == -CALF_ESRCH) {
		printf("vmmap: no such process: %ld\n", pid);
		return 1;
	}
	while (it.have) {   /* leaves past the last region */
		t.outside++;
		next_leaf(&it);
	}
	printf("resident %lu pages (%lu private, %lu shared), %lu on the zero frame; "
	       "%lu page tables (%lu shared) and the root\n",
	       t.resident, t.private_pages, t.shared_pages, t.zero_pages, it.tables,
	       it.shared_tables);
	if (t.outside)
		printf("vmmap: %lu pages mapped outside every region\n", t.outside);
	return 0;
}

/* The name ps shows for pid, or "?". */
static const char *name_of(long pid)
{
	static struct calf_ps ps;

	return calf_ps_of(pid, &ps) == pid ? ps.name : "?";
}

int main(int argc, char **argv)
{
	bool tree = false;
	long pid = 0;
	int i = 1;

	calf_usage(argc, argv, "[-s | -v] [PID]",
		   "the address space of a process, as the VM server built it\n"
		   "PID   the process (default: vmmap itself): its regions and page runs\n"
		   "-s    one line per region\n"
		   "-v    the page-table tree, entry by entry, with the PTE bits named");
	if (i < argc && !strcmp(argv[i], "-v")) {
		tree = true;
		i++;
	} else if (i < argc && !strcmp(argv[i], "-s")) {
		summary = true;
		i++;
	}
	if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
		calf_usage_error();   /* the same text, asked for: status 0 */
		return 0;
	}
	if (i < argc) {
		char *end;

		pid = strtol(argv[i], &end, 10);
		if (*end || pid <= 0)
			return calf_usage_error();
		i++;
	}
	if (i < argc)
		return calf_usage_error();
	if (pid == 0)
		pid = calf_getpid();
	if (calf_region(pid, 0, &(struct calf_region){ 0 }) == -CALF_ESRCH) {
		printf("vmmap: no such process: %ld\n", pid);
		return 1;
	}
	printf("vmmap: pid %ld (%s)%s\n", pid, name_of(pid),
	       tree ? ", page-table tree from the root (level 2) down" : "");
	return tree ? print_tree(pid) : print_map(pid);
}
