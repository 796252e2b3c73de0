/*
 * test_archive.c - host unit tests for lib/archive.c and
 * tools/mkarchive.py.
 *
 * Layer: test/ (host only). Reads an archive that tools/mkarchive.py made
 * from the ELF fixtures (test/host/userland_tests.mk builds
 * build/host/test-archive.bin; argv[1] may name another, argv[2] the
 * fixture folder), checks every file against its source and through
 * lib/elf.c, then feeds the reader archives built by hand that break
 * one rule each, every truncation, and random mutations (fixed seed).
 * Every archive lives in a malloc'd buffer of exactly its size, so
 * AddressSanitizer reports any read past the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/archive.h"
#include "lib/elf.h"
#include "test/host/check.h"
#include "test/host/fixture.h"

static const char *archive_path = "build/host/test-archive.bin";
static const char *fixture_dir = "test/fixtures/elf";

/* The files mkarchive.py packed, in order (see userland_tests.mk). */
static const char *const fixture_names[] = { "default-ld", "faulter", "ipcpeer" };
#define NFIXTURES 3

static struct blob load_fixture(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.elf", fixture_dir, name);
	return blob_load(path);
}

static void wr32(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ---- a tiny archive builder (the format of docs/boot-archive.md) ---- */

struct file {
	const char *name;
	uint64_t size;
	uint8_t fill;
};

/* Lay the files out as mkarchive.py does: table, then each file on its
 * own page, filled with `fill`. */
static struct blob build(const struct file *f, int n)
{
	struct blob b;
	uint64_t off = (ARCHIVE_HEADER + ARCHIVE_ENTRY * (uint64_t)n + 4095) & ~4095ull;
	uint64_t offs[16];

	for (int i = 0; i < n; i++) {
		offs[i] = off;
		off = (off + f[i].size + 4095) & ~4095ull;
	}
	b.size = off;
	b.data = calloc(1, b.size ? b.size : 1);
	if (b.data == NULL)
		exit(2);
	memcpy(b.data, ARCHIVE_MAGIC, 8);
	wr32(b.data + 8, (uint64_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *e = b.data + ARCHIVE_HEADER + ARCHIVE_ENTRY * i;

		strncpy((char *)e, f[i].name, ARCHIVE_NAME_MAX);
		wr64(e + 48, offs[i]);
		wr64(e + 56, f[i].size);
		memset(b.data + offs[i], f[i].fill, f[i].size);
	}
	return b;
}

static const struct file three[3] = {
	{ "init", 100, 0x11 }, { "vmserver", 5000, 0x22 }, { "x", 0, 0 },
};

static uint8_t *entry_slot(struct blob b, int i)
{
	return b.data + ARCHIVE_HEADER + ARCHIVE_ENTRY * i;
}

/* ---- the archive mkarchive.py made ---- */

TEST(mkarchive_output)
{
	struct blob a = blob_load(archive_path);
	struct archive_entry e;

	CHECK_EQ(archive_check(a.data, a.size), 0);
	CHECK_EQ(archive_count(a.data, a.size), NFIXTURES);
	CHECK_EQ(a.size % ARCHIVE_ALIGN, 0);   /* padded to a whole page */
	for (int i = 0; i < NFIXTURES; i++) {
		struct blob f = load_fixture(fixture_names[i]);
		struct archive_entry byname;
		struct elf_info info;

		CHECK_EQ(archive_get(a.data, a.size, i, &e), 0);
		CHECK(strcmp(e.name, fixture_names[i]) == 0);
		CHECK_EQ(((const uint8_t *)e.data - a.data) % ARCHIVE_ALIGN, 0);
		CHECK_EQ(e.size, f.size);
		CHECK(memcmp(e.data, f.data, f.size) == 0);
		CHECK_EQ(archive_find(a.data, a.size, fixture_names[i], &byname), 0);
		CHECK(byname.data == e.data && byname.size == e.size && byname.name == e.name);
		/* what the kernel and the VM server do next */
		CHECK_EQ(elf_parse(e.data, e.size, &info), 0);
		free(f.data);
	}
	CHECK_EQ(archive_get(a.data, a.size, NFIXTURES, &e), -CALF_ENOENT);
	CHECK_EQ(archive_find(a.data, a.size, "ipcpeer.elf", &e), -CALF_ENOENT);
	free(a.data);
}

/* ---- hand-built archives ---- */

TEST(lookups)
{
	struct blob b = build(three, 3);
	struct archive_entry e;
	char longname[100];

	CHECK_EQ(archive_check(b.data, b.size), 0);
	CHECK_EQ(archive_count(b.data, b.size), 3);
	CHECK_EQ(archive_find(b.data, b.size, "vmserver", &e), 0);
	CHECK_EQ(e.size, 5000);
	CHECK_EQ(((const uint8_t *)e.data)[0], 0x22);
	CHECK_EQ(((const uint8_t *)e.data)[4999], 0x22);
	CHECK_EQ(archive_find(b.data, b.size, "x", &e), 0);
	CHECK_EQ(e.size, 0);                  /* an empty file is allowed */
	CHECK_EQ(archive_get(b.data, b.size, 0, &e), 0);
	CHECK(strcmp(e.name, "init") == 0);
	CHECK_EQ(archive_get(b.data, b.size, -1, &e), -CALF_ENOENT);
	CHECK_EQ(archive_get(b.data, b.size, 3, &e), -CALF_ENOENT);
	CHECK_EQ(archive_find(b.data, b.size, "vmserve", &e), -CALF_ENOENT);   /* prefix */
	CHECK_EQ(archive_find(b.data, b.size, "vmserverx", &e), -CALF_ENOENT);
	CHECK_EQ(archive_find(b.data, b.size, "", &e), -CALF_ENOENT);
	CHECK_EQ(archive_find(b.data, b.size, NULL, &e), -CALF_ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_EQ(archive_find(b.data, b.size, longname, &e), -CALF_ENOENT);
	free(b.data);
}

TEST(empty_archive)
{
	struct blob b = build(NULL, 0);
	struct archive_entry e;
	struct blob c;

	CHECK_EQ(b.size, 4096);
	CHECK_EQ(archive_count(b.data, b.size), 0);
	CHECK_EQ(archive_find(b.data, b.size, "init", &e), -CALF_ENOENT);
	CHECK_EQ(archive_get(b.data, b.size, 0, &e), -CALF_ENOENT);
	c = blob_copy(b, ARCHIVE_HEADER);          /* just the header */
	CHECK_EQ(archive_count(c.data, c.size), 0);
	free(c.data);
	free(b.data);
}

TEST(longest_name)
{
	struct file f[1] = { { "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu", 1, 7 } };
	struct blob b;
	struct archive_entry e;

	CHECK_EQ(strlen(f[0].name), ARCHIVE_NAME_MAX - 1);
	b = build(f, 1);
	CHECK_EQ(archive_find(b.data, b.size, f[0].name, &e), 0);
	CHECK_EQ(e.size, 1);
	/* the same name, one character longer, without its NUL */
	entry_slot(b, 0)[ARCHIVE_NAME_MAX - 1] = 'v';
	CHECK_EQ(archive_check(b.data, b.size), -CALF_EINVAL);
	CHECK_EQ(archive_find(b.data, b.size, f[0].name, &e), -CALF_EINVAL);
	CHECK_EQ(archive_count(b.data, b.size), -CALF_EINVAL);
	CHECK_EQ(archive_get(b.data, b.size, 0, &e), -CALF_EINVAL);
	free(b.data);
}

/* One corruption of the three-file archive; must be refused by every
 * call. */
static bool refused(struct blob b)
{
	struct archive_entry e;

	return archive_check(b.data, b.size) == -CALF_EINVAL &&
	       archive_count(b.data, b.size) == -CALF_EINVAL &&
	       archive_get(b.data, b.size, 0, &e) == -CALF_EINVAL &&
	       archive_find(b.data, b.size, "init", &e) == -CALF_EINVAL;
}

TEST(corrupt_fields)
{
	struct blob good = build(three, 3);
	struct blob c;
	uint64_t vm_off;

	CHECK(!refused(good));
	vm_off = rd64(entry_slot(good, 1) + 48);

#define CORRUPT(stmt)                                 \
	do {                                          \
		c = blob_copy(good, good.size);            \
		stmt;                                 \
		bool r_ = refused(c);                 \
		free(c.data);                         \
		if (!r_)                              \
			printf("  accepted: %s\n", #stmt); \
		CHECK(r_);                            \
	} while (0)

	CORRUPT(c.data[0] = 'c');                                  /* magic */
	CORRUPT(c.data[7] = '2');
	CORRUPT(wr32(c.data + 12, 1));                             /* reserved */
	CORRUPT(wr32(c.data + 8, 4));                              /* table needs more */
	CORRUPT(wr32(c.data + 8, 0xffffffff));
	CORRUPT(wr32(c.data + 8, 0x80000000));
	CORRUPT(memset(entry_slot(c, 1), 'A', ARCHIVE_NAME_MAX));  /* no NUL */
	CORRUPT(entry_slot(c, 0)[0] = 0);                          /* empty name */
	CORRUPT(strcpy((char *)entry_slot(c, 2), "init"));         /* duplicate */
	CORRUPT(wr64(entry_slot(c, 1) + 48, vm_off + 1));          /* misaligned */
	CORRUPT(wr64(entry_slot(c, 1) + 48, 0));                   /* on the table */
	CORRUPT(wr64(entry_slot(c, 1) + 48, good.size + 4096));    /* past the end */
	CORRUPT(wr64(entry_slot(c, 1) + 56, good.size - vm_off + 1)); /* runs off */
	CORRUPT(wr64(entry_slot(c, 1) + 56, ~0ull));               /* wraps */
	CORRUPT(wr64(entry_slot(c, 1) + 56, ~0ull - vm_off + 1));  /* wraps to 0 */
	CORRUPT(wr64(entry_slot(c, 1) + 48, ~0ull & ~4095ull));
	CORRUPT(wr64(entry_slot(c, 2) + 48, 1ull << 63));

	/* a file may end exactly at the end of the archive */
	c = blob_copy(good, good.size);
	wr64(entry_slot(c, 1) + 56, good.size - vm_off);
	CHECK(!refused(c));
	free(c.data);

	struct archive_entry e;
	CHECK_EQ(archive_check(NULL, 4096), -CALF_EINVAL);
	CHECK_EQ(archive_find(NULL, 4096, "init", &e), -CALF_EINVAL);
	CHECK_EQ(archive_check(good.data, ARCHIVE_HEADER - 1), -CALF_EINVAL);
	CHECK_EQ(archive_check(good.data, 0), -CALF_EINVAL);
	free(good.data);
#undef CORRUPT
}

/* Cut the real archive at every length up to its first file's end, and
 * at sampled lengths after: refused exactly while something is missing. */
TEST(truncated_everywhere)
{
	struct blob a = blob_load(archive_path);
	uint64_t need = 0;
	int n = archive_count(a.data, a.size);

	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		uint8_t *e = entry_slot(a, i);
		uint64_t end = rd64(e + 48) + rd64(e + 56);

		if (end > need)
			need = end;
	}
	for (uint64_t len = 0; len < a.size; len += (len < 8192 ? 1 : 97)) {
		struct blob c = blob_copy(a, len);
		int r = archive_check(c.data, c.size);

		free(c.data);
		CHECK_EQ(r, len < need ? -CALF_EINVAL : 0);
	}
	free(a.data);
}

/* ---- random mutation (fixed seed) ---- */

static uint64_t rng_state = 0xa5c1f00d12345677ull;

static uint32_t rng(void)
{
	return xorshift_next(&rng_state);
}

static int fuzz_ok, fuzz_err;

/* Everything a valid archive promises, checked through the API. */
static bool consistent(struct blob b)
{
	int n = archive_count(b.data, b.size);

	for (int i = 0; i < n; i++) {
		struct archive_entry e, f;
		const uint8_t *d;

		if (archive_get(b.data, b.size, i, &e) != 0)
			return false;
		d = e.data;
		if (memchr(e.name, 0, ARCHIVE_NAME_MAX) == NULL || e.name[0] == 0 ||
		    d < b.data || (uint64_t)(d - b.data) > b.size ||
		    e.size > b.size - (uint64_t)(d - b.data) || (d - b.data) % ARCHIVE_ALIGN)
			return false;
		/* names are unique, so find gives back this very entry */
		if (archive_find(b.data, b.size, e.name, &f) != 0 || f.data != e.data)
			return false;
	}
	return n >= 0;
}

static void fuzz(struct blob bl, int rounds)
{
	static const uint64_t odd[] = { 0, 1, 16, 4096, 8192, 0xfff, ~0ull, 1ull << 63 };
	/* the header and table: where the reader looks */
	uint64_t span = ARCHIVE_HEADER + ARCHIVE_ENTRY * (uint64_t)archive_count(bl.data, bl.size);

	for (int i = 0; i < rounds; i++) {
		struct blob c = blob_copy(bl, bl.size);
		int nflips = 1 + (int)(rng() % 4);
		int r;

		for (int k = 0; k < nflips; k++) {
			uint64_t pos = rng() % span;

			if (rng() % 3 == 0 && (pos & ~7ull) + 8 <= span)
				wr64(c.data + (pos & ~7ull), odd[rng() % 8]);
			else
				c.data[pos] ^= (uint8_t)(1u << (rng() % 8));
		}
		r = archive_check(c.data, c.size);
		if (r == 0) {
			fuzz_ok++;
			CHECK(consistent(c));
		} else {
			fuzz_err++;
			CHECK_EQ(r, -CALF_EINVAL);
			CHECK(refused(c));
		}
		free(c.data);
	}
}

TEST(random_mutations)
{
	struct blob a = blob_load(archive_path);
	struct blob b = build(three, 3);

	fuzz(a, 3000);
	fuzz(b, 3000);
	CHECK(fuzz_ok > 100);
	CHECK(fuzz_err > 100);
	printf("  mutations: %d accepted, %d refused\n", fuzz_ok, fuzz_err);
	free(a.data);
	free(b.data);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		archive_path = argv[1];
	if (argc > 2)
		fixture_dir = argv[2];

	RUN(mkarchive_output);
	RUN(lookups);
	RUN(empty_archive);
	RUN(longest_name);
	RUN(corrupt_fields);
	RUN(truncated_everywhere);
	RUN(random_mutations);
	return check_summary();
}
