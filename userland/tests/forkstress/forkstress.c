/*
 * forkstress - test suite: a tree of processes writing into one
 * inherited copy-on-write buffer at once.
 *
 * Layer: userland/.
 *
 *   forkstress [width [depth]]   a tree (default 3 3: 1+3+9+27 = 40 processes)
 *   forkstress --forks N         N sequential fork+exit+wait (for `make stress`),
 *                                progress every 10000
 *
 * The tree. The root maps BUF_PAGES pages and fills them. Every process
 * ("node") then, in turn:
 *   - writes a pattern of its own into a few pages picked by a PRNG
 *     seeded with its node id, forks a child, writes more, forks the
 *     next child, ... (fork-of-fork while writing: each child inherits
 *     the buffer as it was at its own fork, half-way through the
 *     parent's writes), and writes more while the children run; it
 *     yields after every page, so parents, children and siblings
 *     interleave their stores;
 *   - keeps, beside the buffer, the checksum every page should have
 *     (expect_sum[], updated with each of its writes, inherited at
 *     fork like the buffer itself);
 *   - waits for each child and checks its exit status: a child that
 *     passed exits with STATUS_OK + the number of processes in its
 *     subtree, so the parent checks both "it passed" and "all of its
 *     subtree ran" (a killed child gives VM_STATUS_KILLED + n, a failed
 *     one a small bitmask, neither of which can be mistaken for it);
 *   - after its children are gone, recomputes the checksum of every
 *     page - those it wrote, and those it inherited and never touched -
 *     and compares with expect_sum[]. Any write of a child or sibling
 *     that reached this process's frames, or any copy that lost data,
 *     shows up as a mismatch.
 *
 * How many processes live at once is bounded by a budget (PROC_BUDGET):
 * a node with budget b runs at most c children at a time, each with
 * budget (b - 1) / c, where c is chosen so every child can still finish
 * its own subtree as a chain. So `forkstress 4 5` (1365 processes) runs
 * within the process table instead of failing with -CALF_EAGAIN, and a
 * fork that fails anyway is retried after a child ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define WORDS (PAGE / sizeof(uint64_t))
#define BUF_PAGES 64
#define WRITES_PER_FORK 2        /* pages a node writes before each fork */
#define WRITES_AFTER 4           /* ... and after its last fork */
#define MAX_WIDTH 16
#define MAX_DEPTH 8
/* Processes the tree may keep alive at once (zombies included). The VM
 * server's table has 64 slots (vm/process.h); init, a shell and this
 * program's parent need some. */
#define PROC_BUDGET 40
#define STATUS_OK 1000l          /* + processes in the subtree */

/* Failure bits a node exits with (all < VM_STATUS_KILLED). */
#define BAD_PAGES 1              /* a page's checksum did not match */
#define BAD_CHILD 2              /* a child's status was not STATUS_OK + its size */
#define BAD_FORK 4               /* fork failed even after retries */
#define BAD_WAIT 8               /* wait returned something else */

static uint64_t *buf;                  /* the shared, inherited buffer */
static uint64_t expect_sum[BUF_PAGES]; /* what each page's checksum must be */
static int width = 3, depth = 3;

/* ---- helpers ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 32);
}

/* xorshift64*: the PRNG that picks a node's pages (state never 0). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* FNV-1a over the words of one page. */
static uint64_t page_sum(const uint64_t *p)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned long w = 0; w < WORDS; w++)
		h = (h ^ p[w]) * 0x100000001b3ull;
	return h;
}

/* Node `id` fills page i with its own pattern and records the sum the
 * page must have from now on (computed from the values generated, not
 * read back). Then it lets the others run. */
static void write_page(uint64_t id, unsigned long i, unsigned serial)
{
	uint64_t *p = buf + i * WORDS;
	uint64_t h = 0xcbf29ce484222325ull, key = mix(id) ^ ((uint64_t)serial << 48) ^ (i << 32);

	for (unsigned long w = 0; w < WORDS; w++) {
		uint64_t v = mix(key + w);

		p[w] = v;
		h = (h ^ v) * 0x100000001b3ull;
	}
	expect_sum[i] = h;
	calf_yield();
}

/* Pages whose checksum differs from expect_sum[]. */
static long bad_pages(void)
{
	long bad = 0;

	for (unsigned long i = 0; i < BUF_PAGES; i++)
		bad += page_sum(buf + i * WORDS) != expect_sum[i];
	return bad;
}

/* Processes in a full tree of this width with `r` more levels below. */
static long subtree_size(int r)
{
	long n = 1, level = 1;

	for (int k = 0; k < r; k++) {
		level *= width;
		n += level;
	}
	return n;
}

/* ---- the tree ---- */

struct node_result {
	long bits;    /* BAD_* */
	long nodes;   /* processes that passed in this subtree, itself included */
};

struct kid {
	long pid;
	int r;        /* its remaining depth */
};

/* Reap child k and fold its status into *res. */
static void reap_kid(const struct kid *k, struct node_result *res, uint64_t id)
{
	long status = -1, r = calf_wait(k->pid, &status);

	if (r != k->pid) {
		res->bits |= BAD_WAIT;
		printf("forkstress: node %lx: wait(%ld) returned %ld\n",
		       (unsigned long)id, k->pid, r);
		return;
	}
	if (status != STATUS_OK + subtree_size(k->r)) {
		res->bits |= BAD_CHILD;
		printf("forkstress: node %lx: child %ld exited with %ld, want %ld\n",
		       (unsigned long)id, k->pid, status, STATUS_OK + subtree_size(k->r));
		return;
	}
	res->nodes += status - STATUS_OK;
}

/* One node: `r` levels below it, `budget` processes for its subtree
 * (itself included, at least r + 1). Runs in the root and in every
 * child; a child returns from here only through child_exit. */
static struct node_result run_node(uint64_t id, int r, long budget)
{
	struct node_result res = { 0, 1 };
	struct kid kids[MAX_WIDTH];
	int nkids = 0, oldest = 0, c = 1;
	long child_budget = 0;
	uint64_t rng = mix(id) | 1;
	unsigned serial = 0;

	if (r > 0) {
		/* Each child needs r processes to finish its subtree as a
		 * chain; run as many at once as the budget pays for. */
		c = (int)((budget - 1) / r);
		if (c > width)
			c = width;
		if (c < 1)
			c = 1;
		child_budget = (budget - 1) / c;
	}
	for (int i = 0; r > 0 && i < width; i++) {
		long pid;
		int tries = 0;

		for (int k = 0; k < WRITES_PER_FORK; k++)
			write_page(id, rng_next(&rng) % BUF_PAGES, serial++);
		if (nkids - oldest == c)           /* at the limit: one must end first */
			reap_kid(&kids[oldest++], &res, id);
		calf_console_flush();
		while ((pid = calf_fork()) < 0) {
			/* Not expected within the budget; cope anyway. */
			if (nkids > oldest)
				reap_kid(&kids[oldest++], &res, id);
			else if (++tries < 1000)
				calf_yield();
			else
				break;
		}
		if (pid == 0) {
			uint64_t cid = mix(id * 31 + (uint64_t)i + 1);
			struct node_result cr = run_node(cid, r - 1, child_budget);

			calf_child_exit(cr.bits ? cr.bits : STATUS_OK + cr.nodes);
		}
		if (pid < 0) {
			printf("forkstress: node %lx: fork failed: %ld\n", (unsigned long)id, pid);
			res.bits |= BAD_FORK;
			continue;
		}
		kids[nkids].pid = pid;
		kids[nkids].r = r - 1;
		nkids++;
	}
	/* Write more while the children run. */
	for (int k = 0; k < WRITES_AFTER; k++)
		write_page(id, rng_next(&rng) % BUF_PAGES, serial++);
	while (oldest < nkids)
		reap_kid(&kids[oldest++], &res, id);
	/* Every page: ours as we wrote it, the rest as we inherited it. */
	long bad = bad_pages();
	if (bad != 0) {
		res.bits |= BAD_PAGES;
		printf("forkstress: node %lx: %ld of %d pages have a wrong checksum\n",
		       (unsigned long)id, bad, BUF_PAGES);
	}
	return res;
}

static void test_tree(void)
{
	unsigned long forks0 = calf_stat(VM_STAT_FORKS), procs0 = calf_stat(VM_STAT_PROCS);
	long want = subtree_size(depth), a;
	struct node_result res;

	printf("     tree of width %d, depth %d: %ld processes\n", width, depth, want);
	a = calf_mmap(BUF_PAGES * PAGE);
	UCHECK("tree_buffer_mmap", a > 0);
	if (a <= 0)
		return;
	buf = (uint64_t *)a;
	/* The root's pattern is what every untouched page must keep. */
	for (unsigned long i = 0; i < BUF_PAGES; i++)
		write_page(0, i, 0);
	res = run_node(1, depth, PROC_BUDGET);
	UCHECK_EQ("tree_no_fork_failed", res.bits & BAD_FORK, 0);
	UCHECK_EQ("tree_every_wait_found_its_child", res.bits & BAD_WAIT, 0);
	UCHECK_EQ("tree_every_child_passed", res.bits & BAD_CHILD, 0);
	UCHECK_EQ("tree_root_pages_verified", res.bits & BAD_PAGES, 0);
	UCHECK_EQ("tree_processes_that_passed", res.nodes, want);
	UCHECK_EQ("tree_forks_counted", calf_stat(VM_STAT_FORKS) - forks0, want - 1);
	UCHECK_EQ("tree_procs_back", calf_stat(VM_STAT_PROCS), procs0);
	calf_munmap((unsigned long)a, BUF_PAGES * PAGE);
}

/* ---- sequential forks ---- */

static void test_sequential_forks(long n)
{
	unsigned long forks0 = calf_stat(VM_STAT_FORKS);
	long bad = 0, first_bad = -1;

	for (long i = 0; i < n; i++) {
		long pid, status = -1, r;

		calf_console_flush();
		pid = calf_fork();
		if (pid == 0)
			calf_child_exit(i % 100 + 1);   /* never 0: a real value to check */
		r = pid > 0 ? calf_wait(pid, &status) : pid;
		if (r != pid || status != i % 100 + 1) {
			if (bad++ == 0)
				first_bad = i;
		}
		if ((i + 1) % 10000 == 0)
			printf("     %ld forks, %ld bad, %lu frames free\n", i + 1, bad,
			       utest_free_frames());
	}
	if (bad)
		printf("     first bad fork: number %ld\n", first_bad);
	UCHECK_EQ("forks_all_exited_with_their_status", bad, 0);
	UCHECK_EQ("forks_counted", calf_stat(VM_STAT_FORKS) - forks0, n);
}

static void __attribute__((noinline)) warm_up(void)
{
	volatile char pad[32 * 1024];

	for (unsigned long i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
	memset(expect_sum, 0, sizeof(expect_sum));
	printf("forkstress: warming up\n");
}

int main(int argc, char **argv)
{
	long forks = 0;

	calf_usage(argc, argv, "[WIDTH [DEPTH]] | --forks N",
		   "a tree of processes writing shared copy-on-write memory");
	if (argc > 2 && strcmp(argv[1], "--forks") == 0) {
		forks = atol(argv[2]);
	} else {
		if (argc > 1)
			width = atoi(argv[1]);
		if (argc > 2)
			depth = atoi(argv[2]);
	}
	if (width < 1 || width > MAX_WIDTH || depth < 0 || depth > MAX_DEPTH ||
	    subtree_size(depth) > 100000) {
		printf("usage: forkstress [width (1..%d) [depth (0..%d)]] | --forks N\n",
		       MAX_WIDTH, MAX_DEPTH);
		return 2;
	}
	warm_up();
	utest_begin("forkstress");
	if (forks > 0)
		test_sequential_forks(forks);
	else
		test_tree();
	return utest_end();
}
