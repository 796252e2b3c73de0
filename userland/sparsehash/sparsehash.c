/*
 * sparsehash - a hash table over a huge zero-mapped region that uses
 * frames only for the buckets it writes.
 *
 * Layer: userland/.
 *
 * The table is one mmap'd region of 16-byte buckets (key, value), as large
 * as the VM server gives: 256 MiB, or half that, and so on, so it runs
 * with 128 MiB of RAM too, where the region is larger than all of memory.
 * Zero pages (docs/architecture.md): until a page is written it has no
 * frame; a lookup that reads an untouched page sees the one shared zero
 * frame, and an empty bucket (key 0) there means "not found". Keys hash to
 * buckets all over the region, so each insert usually touches a page of
 * its own: the frames used track the keys stored, not the table's size.
 *
 *   sparsehash [--vmmap]   --vmmap: before the table goes, `vmmap -s` of
 *                          this process: the region's pages on the zero
 *                          frame, private, and not present
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "calf.h"

#define PAGE 4096ul
#define KEYS 2000

struct bucket {
	uint64_t key;      /* 0: empty */
	uint64_t value;
};

static struct bucket *table;
static uint64_t nbuckets;

/* A 64-bit mix (splitmix64's finaliser): nearby keys land far apart. */
static uint64_t hash(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static int insert(uint64_t key, uint64_t value)
{
	for (uint64_t i = 0, b = hash(key) % nbuckets; i < nbuckets; i++, b = (b + 1) % nbuckets) {
		if (table[b].key == 0 || table[b].key == key) {
			table[b].key = key;
			table[b].value = value;
			return 0;
		}
	}
	return -1;
}

/* The value stored for key, or 0 if none. */
static uint64_t lookup(uint64_t key)
{
	for (uint64_t i = 0, b = hash(key) % nbuckets; i < nbuckets; i++, b = (b + 1) % nbuckets) {
		if (table[b].key == key)
			return table[b].value;
		if (table[b].key == 0)
			return 0;
	}
	return 0;
}

/* `vmmap -s` of this process, waited for. */
static void show_map(void)
{
	char pid[24];
	const char *argv[] = { "vmmap", "-s", pid, NULL };
	long child, status;

	snprintf(pid, sizeof(pid), "%ld", calf_getpid());
	calf_console_flush();
	child = calf_spawn(argv);
	if (child > 0)
		calf_wait(child, &status);
}

int main(int argc, char **argv)
{
	unsigned long size, s0[VM_STAT_COUNT], s1[VM_STAT_COUNT], s2[VM_STAT_COUNT];
	unsigned long used, found = 0, missing = 0;
	void *p = MAP_FAILED;
	int show = argc == 2 && !strcmp(argv[1], "--vmmap");

	calf_usage(argc, argv, "[--vmmap]",
		   "a sparse hash table over zero pages: only touched pages cost\n"
		   "--vmmap   show its region's pages: private, zero frame, not present");
	if (argc > 1 && !show)
		return calf_usage_error();

	printf("sparsehash: a hash table over a huge zero-mapped region\n");
	for (size = 256ul << 20; size >= (1ul << 20); size /= 2) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			break;
	}
	if (p == MAP_FAILED) {
		printf("sparsehash: mmap failed even for 1 MiB\n");
		return 1;
	}
	table = p;
	nbuckets = size / sizeof(struct bucket);
	calf_stats(s0, VM_STAT_COUNT);
	printf("region: %lu MiB at %p, %lu buckets, %lu pages; RAM: %lu frames in all\n",
	       size >> 20, p, (unsigned long)nbuckets, size / PAGE,
	       s0[VM_STAT_TOTAL_FRAMES]);

	for (uint64_t k = 1; k <= KEYS; k++)
		if (insert(k, k * k + 1) != 0) {
			printf("sparsehash: table full?\n");
			return 1;
		}
	calf_stats(s1, VM_STAT_COUNT);
	used = s0[VM_STAT_FREE_FRAMES] - s1[VM_STAT_FREE_FRAMES];
	printf("inserted %d keys: %lu zero fills, %lu frames used (%lu KiB) "
	       "for a %lu MiB region\n", KEYS,
	       s1[VM_STAT_ZERO_FILLS] - s0[VM_STAT_ZERO_FILLS], used, used * 4,
	       size >> 20);

	for (uint64_t k = 1; k <= KEYS; k++)
		if (lookup(k) == k * k + 1)
			found++;
	for (uint64_t k = KEYS + 1; k <= 2 * KEYS; k++)
		if (lookup(k) == 0)
			missing++;
	calf_stats(s2, VM_STAT_COUNT);
	printf("looked up %d stored keys (%lu found) and %d absent ones (%lu not found):\n"
	       "  %lu reads of untouched pages mapped the zero frame, %lu frames used\n",
	       KEYS, found, KEYS, missing, s2[VM_STAT_ZERO_MAPS] - s1[VM_STAT_ZERO_MAPS],
	       s1[VM_STAT_FREE_FRAMES] - s2[VM_STAT_FREE_FRAMES]);
	printf("frames used: %lu of the region's %lu pages (%lu.%02lu%%)\n",
	       used, size / PAGE, used * 100 / (size / PAGE),
	       used * 10000 / (size / PAGE) % 100);

	if (show)
		show_map();
	munmap(p, size);
	calf_stats(s1, VM_STAT_COUNT);
	printf("after munmap: free frames %lu (were %lu before the table)\n",
	       s1[VM_STAT_FREE_FRAMES], s0[VM_STAT_FREE_FRAMES]);
	printf("sparsehash: %s\n", found == KEYS && missing == KEYS ? "done" : "FAILED");
	return found == KEYS && missing == KEYS ? 0 : 1;
}
