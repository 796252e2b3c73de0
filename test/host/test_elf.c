/*
 * test_elf.c - host unit tests for lib/elf.c.
 *
 * Layer: test/ (host only). Parses real executables from
 * test/fixtures/elf/ (argv[1] names the folder), then ELF files built by
 * hand (a tiny builder below) that break one rule each, every truncation
 * of a real file, and randomly mutated copies (fixed seed). Every image
 * lives in a malloc'd buffer of exactly its size, so AddressSanitizer
 * reports any read past the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "test/host/check.h"
#include "test/host/fixture.h"

static const char *fixture_dir = "test/fixtures/elf";

static struct blob load(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return blob_load(path);
}


static void wr16(uint8_t *p, uint64_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint64_t v) { wr16(p, v); wr16(p + 2, v >> 16); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, v); wr32(p + 4, v >> 32); }
static uint64_t rd16(const uint8_t *p) { return (uint64_t)p[0] | (uint64_t)p[1] << 8; }
static uint64_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | rd32(p + 4) << 32; }

/* ---- a tiny ELF builder ---- */

#define PT_LOAD 1
#define PT_NOTE 4
#define PT_TLS  7
#define RX (ELF_PF_R | ELF_PF_X)
#define RW (ELF_PF_R | ELF_PF_W)

struct ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* Header at 0, program headers right after it (phentsize 56), file
 * `filesize` bytes long (at least header + headers), the rest zero. */
static struct blob build(uint64_t entry, const struct ph *ph, int n, uint64_t filesize)
{
	struct blob b;
	uint64_t min = 64 + 56 * (uint64_t)n;

	b.size = filesize > min ? filesize : min;
	b.data = calloc(1, b.size);
	if (b.data == NULL)
		exit(2);
	memcpy(b.data, "\177ELF", 4);
	b.data[4] = 2;          /* ELFCLASS64 */
	b.data[5] = 1;          /* ELFDATA2LSB */
	b.data[6] = 1;          /* EV_CURRENT */
	wr16(b.data + 16, 2);   /* ET_EXEC */
	wr16(b.data + 18, 243); /* EM_RISCV */
	wr32(b.data + 20, 1);
	wr64(b.data + 24, entry);
	wr64(b.data + 32, 64);  /* phoff */
	wr16(b.data + 52, 64);  /* ehsize */
	wr16(b.data + 54, 56);  /* phentsize */
	wr16(b.data + 56, (uint64_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *p = b.data + 64 + 56 * i;

		wr32(p + 0, ph[i].type);
		wr32(p + 4, ph[i].flags);
		wr64(p + 8, ph[i].offset);
		wr64(p + 16, ph[i].vaddr);
		wr64(p + 24, ph[i].vaddr);
		wr64(p + 32, ph[i].filesz);
		wr64(p + 40, ph[i].memsz);
		wr64(p + 48, 0x1000);
	}
	return b;
}

/* The well-formed two-segment program the rule tests start from. */
static const struct ph good_ph[2] = {
	{ PT_LOAD, RX, 0x1000, 0x10000, 0x100, 0x100 },
	{ PT_LOAD, RW, 0x2000, 0x11000, 0x10, 0x1000 },
};
#define GOOD_SIZE 0x2010

static int parse_ph(uint64_t entry, const struct ph *ph, int n, uint64_t filesize,
		    struct elf_info *info)
{
	struct blob b = build(entry, ph, n, filesize);
	int r = elf_parse(b.data, b.size, info);

	free(b.data);
	return r;
}

/* The good program with segment `i` replaced by `s`. */
static int parse_with(int i, struct ph s)
{
	struct ph ph[2] = { good_ph[0], good_ph[1] };
	struct elf_info info;

	ph[i] = s;
	return parse_ph(0x10000, ph, 2, GOOD_SIZE, &info);
}

/* Everything elf_parse promises about a successful result. */
static bool info_is_sane(const struct elf_info *info, uint64_t size)
{
	bool entry_ok = false;

	if (info->nsegments < 1 || info->nsegments > ELF_MAX_SEGMENTS)
		return false;
	for (int i = 0; i < info->nsegments; i++) {
		const struct elf_segment *s = &info->seg[i];

		if (s->offset > size || s->filesz > size - s->offset || s->filesz > s->memsz ||
		    s->memsz == 0 || s->vaddr >= ELF_USER_TOP ||
		    s->memsz > ELF_USER_TOP - s->vaddr ||
		    ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X)))
			return false;
		for (int j = 0; j < i; j++) {
			const struct elf_segment *o = &info->seg[j];

			if (s->vaddr < o->vaddr + o->memsz && o->vaddr < s->vaddr + s->memsz)
				return false;
		}
		if ((s->flags & ELF_PF_X) && info->entry >= s->vaddr &&
		    info->entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	return entry_ok;
}

/* ---- real executables ---- */

/* A program linked with userland/lib/user.ld: R-X text at 0x10000, R
 * rodata, RW data, each page aligned, offsets congruent to addresses. */
static void check_user_ld(const char *name)
{
	struct blob b = load(name);
	struct elf_info info;

	CHECK_EQ(elf_parse(b.data, b.size, &info), 0);
	CHECK(info_is_sane(&info, b.size));
	CHECK_EQ(info.entry, 0x10000);
	CHECK_EQ(info.nsegments, 3);   /* the empty PT_TLS is not a load */
	CHECK_EQ(info.seg[0].vaddr, 0x10000);
	CHECK_EQ(info.seg[0].flags, RX);
	CHECK_EQ(info.seg[1].flags, ELF_PF_R);
	CHECK_EQ(info.seg[2].flags, RW);
	CHECK(info.seg[2].memsz > info.seg[2].filesz);   /* has .bss */
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(info.seg[i].vaddr % 4096, 0);
		CHECK_EQ(info.seg[i].offset % 4096, 0);
		if (i > 0)
			CHECK(info.seg[i].vaddr >= info.seg[i - 1].vaddr + info.seg[i - 1].memsz);
	}
	free(b.data);
}

TEST(fixture_ipcpeer) { check_user_ld("ipcpeer.elf"); }
TEST(fixture_faulter) { check_user_ld("faulter.elf"); }

TEST(fixture_default_linker_script)
{
	struct blob b = load("default-ld.elf");
	struct elf_info info;

	CHECK_EQ(elf_parse(b.data, b.size, &info), 0);
	CHECK(info_is_sane(&info, b.size));
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.seg[0].offset, 0);          /* text holds the ELF header */
	CHECK_EQ(info.seg[0].vaddr, 0x10000);
	CHECK_EQ(info.seg[0].flags, RX);
	CHECK_EQ(info.seg[1].flags, RW);
	CHECK(info.entry > 0x10000 && info.entry < 0x10000 + info.seg[0].memsz);
	free(b.data);
}

/* The parser reads byte by byte: any alignment of the image works. */
TEST(unaligned_image)
{
	struct blob b = load("ipcpeer.elf");
	struct elf_info info;

	for (int shift = 1; shift < 8; shift++) {
		uint8_t *buf = malloc(b.size + (uint64_t)shift);

		CHECK(buf != NULL);
		memcpy(buf + shift, b.data, b.size);
		int r = elf_parse(buf + shift, b.size, &info);
		free(buf);
		CHECK_EQ(r, 0);
		CHECK_EQ(info.entry, 0x10000);
	}
	free(b.data);
}

/* Cut a real file at every length: refused exactly while some needed
 * byte (header, program headers, a segment's file bytes) is missing. */
static void truncations(const char *name)
{
	struct blob b = load(name);
	struct elf_info info;
	uint64_t need;

	CHECK_EQ(elf_parse(b.data, b.size, &info), 0);
	need = rd64(b.data + 32) + rd16(b.data + 54) * rd16(b.data + 56);
	for (int i = 0; i < (int)rd16(b.data + 56); i++) {
		const uint8_t *p = b.data + rd64(b.data + 32) + 56 * (uint64_t)i;

		if (rd32(p) == PT_LOAD && rd64(p + 8) + rd64(p + 32) > need)
			need = rd64(p + 8) + rd64(p + 32);
	}
	CHECK(need <= b.size);
	for (uint64_t len = 0; len < b.size; len++) {
		struct blob c = blob_copy(b, len);
		int r = elf_parse(c.data, c.size, &info);

		free(c.data);
		if (len < need)
			CHECK_EQ(r, -CALF_EINVAL);
		else
			CHECK_EQ(r, 0);
	}
	free(b.data);
}

TEST(truncated_everywhere)
{
	truncations("ipcpeer.elf");
	truncations("default-ld.elf");
}

/* ---- the header ---- */

TEST(header_fields)
{
	struct blob good = build(0x10000, good_ph, 2, GOOD_SIZE);
	struct elf_info info;
	static const struct { int off, width; uint64_t value; } bad[] = {
		{ 0, 1, 0x7e },      /* magic */
		{ 1, 1, 'e' },
		{ 3, 1, 'G' },
		{ 4, 1, 1 },         /* ELFCLASS32 */
		{ 4, 1, 0 },
		{ 5, 1, 2 },         /* big endian */
		{ 6, 1, 0 },         /* EI_VERSION */
		{ 16, 2, 3 },        /* ET_DYN */
		{ 16, 2, 1 },        /* ET_REL */
		{ 16, 2, 4 },        /* ET_CORE */
		{ 18, 2, 62 },       /* EM_X86_64 */
		{ 18, 2, 0 },
		{ 20, 4, 0 },        /* e_version */
		{ 32, 8, GOOD_SIZE },            /* phoff at the end of the file */
		{ 32, 8, GOOD_SIZE - 56 },       /* second header cut off */
		{ 32, 8, ~0ull },                /* phoff + size wraps */
		{ 32, 8, ~0ull - 55 },
		{ 54, 2, 0 },        /* phentsize */
		{ 54, 2, 55 },
		{ 56, 2, 0 },        /* phnum */
		{ 56, 2, 0xffff },   /* PN_XNUM: far more than the file holds */
	};

	CHECK_EQ(elf_parse(good.data, good.size, &info), 0);
	CHECK_EQ(info.entry, 0x10000);
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.seg[1].memsz, 0x1000);
	CHECK_EQ(info.seg[1].filesz, 0x10);
	CHECK_EQ(info.seg[1].offset, 0x2000);
	CHECK_EQ(info.seg[1].vaddr, 0x11000);
	CHECK_EQ(info.seg[1].flags, RW);

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct blob c = blob_copy(good, good.size);

		if (bad[i].width == 1)
			c.data[bad[i].off] = (uint8_t)bad[i].value;
		else if (bad[i].width == 2)
			wr16(c.data + bad[i].off, bad[i].value);
		else if (bad[i].width == 4)
			wr32(c.data + bad[i].off, bad[i].value);
		else
			wr64(c.data + bad[i].off, bad[i].value);
		int r = elf_parse(c.data, c.size, &info);
		free(c.data);
		if (r != -CALF_EINVAL)
			printf("  accepted bad header field at %d = 0x%llx\n", bad[i].off,
			       (unsigned long long)bad[i].value);
		CHECK_EQ(r, -CALF_EINVAL);
	}
	CHECK_EQ(elf_parse(NULL, 100, &info), -CALF_EINVAL);
	CHECK_EQ(elf_parse(good.data, good.size, NULL), -CALF_EINVAL);
	CHECK_EQ(elf_parse(good.data, 63, &info), -CALF_EINVAL);
	free(good.data);
}

/* Larger program-header entries are allowed by the spec. */
TEST(larger_phentsize)
{
	struct blob b = build(0x10000, good_ph, 2, GOOD_SIZE);
	struct blob c;
	struct elf_info info;

	/* re-lay the two headers 64 bytes apart */
	c = blob_copy(b, b.size);
	memset(c.data + 64, 0, 2 * 64);
	memcpy(c.data + 64, b.data + 64, 56);
	memcpy(c.data + 128, b.data + 120, 56);
	wr16(c.data + 54, 64);
	CHECK_EQ(elf_parse(c.data, c.size, &info), 0);
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.seg[1].vaddr, 0x11000);
	free(b.data);
	free(c.data);
}

/* ---- segments ---- */

TEST(segment_file_bytes_outside_file)
{
	struct ph s = good_ph[1];

	s.offset = GOOD_SIZE + 1;
	s.filesz = 0;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.offset = 0x2000;
	s.filesz = 0x11;                   /* one byte past the end */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.filesz = 0x10;
	CHECK_EQ(parse_with(1, s), 0);     /* exactly to the end */
	s.offset = ~0ull - 4;              /* offset + filesz wraps */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.offset = 8;
	s.filesz = ~0ull - 4;
	s.memsz = ~0ull;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s = good_ph[1];
	s.offset = GOOD_SIZE;              /* empty file part at the very end */
	s.filesz = 0;
	CHECK_EQ(parse_with(1, s), 0);
}

TEST(filesz_greater_than_memsz)
{
	struct ph s = good_ph[1];

	s.memsz = 0xf;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.memsz = 0x10;
	CHECK_EQ(parse_with(1, s), 0);
}

TEST(address_range)
{
	struct ph s = good_ph[1];

	s.vaddr = ~0ull - 0x100;           /* vaddr + memsz wraps */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = ELF_USER_TOP - 0x1000;   /* ends exactly at the top: fine */
	CHECK_EQ(parse_with(1, s), 0);
	s.vaddr = ELF_USER_TOP - 0xfff;    /* one byte above */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = ELF_USER_TOP;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = 0xffffffc000000000ull;   /* the kernel half */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = 0x20000;
	s.memsz = ELF_USER_TOP;            /* larger than user space */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
}

TEST(write_and_execute)
{
	struct ph s = good_ph[0];

	s.flags = ELF_PF_R | ELF_PF_W | ELF_PF_X;
	CHECK_EQ(parse_with(0, s), -CALF_EINVAL);
	s.flags = ELF_PF_W | ELF_PF_X;
	CHECK_EQ(parse_with(0, s), -CALF_EINVAL);
	s = good_ph[1];
	s.flags = RW | ELF_PF_X;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.flags = ELF_PF_X;                /* execute-only text is fine */
	s.vaddr = 0x11000;
	CHECK_EQ(parse_with(1, s), 0);
}

TEST(overlapping_segments)
{
	struct ph s = good_ph[1];

	s.vaddr = 0x10000 + 0xff;          /* last byte of text */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = 0x10000 + 0x100;         /* right after text: adjacent is fine */
	CHECK_EQ(parse_with(1, s), 0);
	s.vaddr = 0xf000;                  /* covers text from below */
	s.memsz = 0x2000;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = 0x10010;                 /* inside text */
	s.memsz = 0x10;
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
	s.vaddr = 0x10000;                 /* the same address */
	CHECK_EQ(parse_with(1, s), -CALF_EINVAL);
}

TEST(no_loadable_segments)
{
	struct ph ph[2] = { good_ph[0], good_ph[1] };
	struct elf_info info;

	ph[0].type = PT_NOTE;
	ph[1].type = PT_TLS;
	CHECK_EQ(parse_ph(0x10000, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);
	/* loads that map nothing are left out, and then there is nothing */
	ph[0] = good_ph[0];
	ph[0].memsz = ph[0].filesz = 0;
	CHECK_EQ(parse_ph(0x10000, ph, 1, GOOD_SIZE, &info), -CALF_EINVAL);
}

TEST(other_segment_types_ignored)
{
	struct ph ph[4] = { good_ph[0], good_ph[1],
			    { PT_NOTE, RW | ELF_PF_X, ~0ull, ~0ull, ~0ull, 1 },
			    { PT_LOAD, RW, 0, 0x10000, 0, 0 } };   /* empty load */
	struct elf_info info;

	CHECK_EQ(parse_ph(0x10000, ph, 4, GOOD_SIZE, &info), 0);
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.seg[0].vaddr, 0x10000);
	CHECK_EQ(info.seg[1].vaddr, 0x11000);
}

TEST(segment_count_limit)
{
	struct ph ph[ELF_MAX_SEGMENTS + 2];
	struct elf_info info;
	int i;

	for (i = 0; i < ELF_MAX_SEGMENTS + 2; i++) {
		ph[i] = good_ph[1];
		ph[i].vaddr = 0x100000 + 0x1000 * (uint64_t)i;
	}
	ph[0] = good_ph[0];
	CHECK_EQ(parse_ph(0x10000, ph, ELF_MAX_SEGMENTS, GOOD_SIZE + 0x200, &info), 0);
	CHECK_EQ(info.nsegments, ELF_MAX_SEGMENTS);
	CHECK_EQ(info.seg[ELF_MAX_SEGMENTS - 1].vaddr, 0x100000 + 0x1000 * (ELF_MAX_SEGMENTS - 1));
	CHECK_EQ(parse_ph(0x10000, ph, ELF_MAX_SEGMENTS + 1, GOOD_SIZE + 0x200, &info),
		 -CALF_EINVAL);
	/* a non-load in between does not count */
	ph[ELF_MAX_SEGMENTS].type = PT_NOTE;
	CHECK_EQ(parse_ph(0x10000, ph, ELF_MAX_SEGMENTS + 1, GOOD_SIZE + 0x200, &info), 0);
	CHECK_EQ(parse_ph(0x10000, ph, ELF_MAX_SEGMENTS + 2, GOOD_SIZE + 0x200, &info),
		 -CALF_EINVAL);
}

TEST(entry_point)
{
	struct elf_info info;
	struct ph ph[2] = { good_ph[0], good_ph[1] };

	CHECK_EQ(parse_ph(0x100ff, ph, 2, GOOD_SIZE, &info), 0);     /* last text byte */
	CHECK_EQ(info.entry, 0x100ff);
	CHECK_EQ(parse_ph(0x10100, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);   /* just past */
	CHECK_EQ(parse_ph(0xffff, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);    /* just before */
	CHECK_EQ(parse_ph(0x11000, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);   /* in data */
	CHECK_EQ(parse_ph(0, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);
	CHECK_EQ(parse_ph(~0ull, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);
	/* in the zero-filled part of an executable segment: still inside it */
	ph[0].memsz = 0x1000;
	CHECK_EQ(parse_ph(0x10800, ph, 2, GOOD_SIZE, &info), 0);
	/* text that is not executable: no entry can be right */
	ph[0].flags = ELF_PF_R;
	CHECK_EQ(parse_ph(0x10000, ph, 2, GOOD_SIZE, &info), -CALF_EINVAL);
}

/* ---- random mutation (fixed seed) ---- */

static uint64_t rng_state = 0x5eed0e1f5eed0e1full;

static uint32_t rng(void)
{
	return xorshift_next(&rng_state);
}

static int fuzz_ok, fuzz_err;

/* Mutate the header and program headers (where the parser looks), or
 * anywhere; a result must then be refused cleanly or be consistent. */
static void fuzz(struct blob bl, int rounds, bool headers_only)
{
	static const uint64_t odd[] = { 0, 1, 55, 56, 64, 0xfff, 0x1000, 0x10000,
					ELF_USER_TOP - 1, ELF_USER_TOP, ~0ull, 1ull << 63 };
	uint64_t hdr_end = rd64(bl.data + 32) + 56 * rd16(bl.data + 56);
	struct elf_info info;
	struct blob c;
	int i, k, nflips, r;

	for (i = 0; i < rounds; i++) {
		uint64_t span = headers_only ? hdr_end : bl.size;

		c = blob_copy(bl, bl.size);
		nflips = 1 + (int)(rng() % 6);
		for (k = 0; k < nflips; k++) {
			uint64_t pos = rng() % span;

			if (rng() % 3 == 0 && pos + 8 <= span)
				wr64(c.data + (pos & ~7ull), odd[rng() % 12]);
			else
				c.data[pos] ^= (uint8_t)(1u << (rng() % 8));
		}
		r = elf_parse(c.data, c.size, &info);
		if (r == 0) {
			fuzz_ok++;
			CHECK(info_is_sane(&info, c.size));
		} else {
			fuzz_err++;
			CHECK_EQ(r, -CALF_EINVAL);
		}
		free(c.data);
	}
}

TEST(random_mutations)
{
	struct blob a = load("ipcpeer.elf");
	struct blob d = load("default-ld.elf");

	fuzz(a, 4000, true);
	fuzz(a, 500, false);
	fuzz(d, 4000, true);
	fuzz(d, 2000, false);
	/* both outcomes must actually occur, or the fuzzing tests nothing */
	CHECK(fuzz_ok > 100);
	CHECK(fuzz_err > 100);
	printf("  mutations: %d parsed, %d refused\n", fuzz_ok, fuzz_err);
	free(a.data);
	free(d.data);
}

int main(int argc, char **argv)
{
	/* Unbuffered, so the results show even if a sanitizer ends the run. */
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		fixture_dir = argv[1];

	RUN(fixture_ipcpeer);
	RUN(fixture_faulter);
	RUN(fixture_default_linker_script);
	RUN(unaligned_image);
	RUN(truncated_everywhere);
	RUN(header_fields);
	RUN(larger_phentsize);
	RUN(segment_file_bytes_outside_file);
	RUN(filesz_greater_than_memsz);
	RUN(address_range);
	RUN(write_and_execute);
	RUN(overlapping_segments);
	RUN(no_loadable_segments);
	RUN(other_segment_types_ignored);
	RUN(segment_count_limit);
	RUN(entry_point);
	RUN(random_mutations);
	return check_summary();
}
