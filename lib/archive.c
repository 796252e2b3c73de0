/*
 * archive.c - read the boot archive (docs/boot-archive.md).
 *
 * Layer: lib/ (pure: no CSRs, no libc, no kernel services); the host
 * unit tests build it with the sanitizers. The archive may come from
 * anywhere (a corrupt image, a hand-made test blob), so every field is
 * bounds-checked before use and nothing assumes the buffer is aligned:
 * fields are read byte by byte, little endian.
 */
#include "archive.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Length of the name in entry slot `e`, or -1 if it has no NUL within
 * ARCHIVE_NAME_MAX bytes. */
static int name_len(const uint8_t *e)
{
	for (int i = 0; i < ARCHIVE_NAME_MAX; i++)
		if (e[i] == 0)
			return i;
	return -1;
}

static int names_equal(const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < ARCHIVE_NAME_MAX; i++) {
		if (a[i] != b[i])
			return 0;
		if (a[i] == 0)
			return 1;
	}
	return 1;
}

int archive_check(const void *archive, uint64_t size)
{
	const uint8_t *a = archive;
	static const char magic[8] = ARCHIVE_MAGIC;
	uint64_t count, table_end;

	if (a == 0 || size < ARCHIVE_HEADER)
		return -CALF_EINVAL;
	for (int i = 0; i < 8; i++)
		if (a[i] != (uint8_t)magic[i])
			return -CALF_EINVAL;
	count = rd32(a + 8);
	if (rd32(a + 12) != 0)
		return -CALF_EINVAL;
	/* count fits in 32 bits, so count * 64 cannot overflow 64 bits */
	if (count > (size - ARCHIVE_HEADER) / ARCHIVE_ENTRY)
		return -CALF_EINVAL;
	/* archive_count returns an int */
	if (count > 0x7fffffff)
		return -CALF_EINVAL;
	table_end = ARCHIVE_HEADER + count * ARCHIVE_ENTRY;

	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = a + ARCHIVE_HEADER + i * ARCHIVE_ENTRY;
		uint64_t off = rd64(e + ARCHIVE_NAME_MAX);
		uint64_t len = rd64(e + ARCHIVE_NAME_MAX + 8);

		if (name_len(e) <= 0)
			return -CALF_EINVAL;     /* unterminated or empty */
		/* data lies after the table, page aligned, inside the
		 * archive; written so that nothing can overflow */
		if (off % ARCHIVE_ALIGN != 0 || off < table_end || off > size ||
		    len > size - off)
			return -CALF_EINVAL;
		/* names are how programs are found: they must be unique */
		for (uint64_t j = 0; j < i; j++)
			if (names_equal(e, a + ARCHIVE_HEADER + j * ARCHIVE_ENTRY))
				return -CALF_EINVAL;
	}
	return 0;
}

int archive_count(const void *archive, uint64_t size)
{
	int r = archive_check(archive, size);

	if (r < 0)
		return r;
	return (int)rd32((const uint8_t *)archive + 8);
}

/* Fill *out from slot `index` of an archive already checked. */
static void entry_at(const uint8_t *a, int index, struct archive_entry *out)
{
	const uint8_t *e = a + ARCHIVE_HEADER + (uint64_t)index * ARCHIVE_ENTRY;

	out->name = (const char *)e;
	out->data = a + rd64(e + ARCHIVE_NAME_MAX);
	out->size = rd64(e + ARCHIVE_NAME_MAX + 8);
}

int archive_get(const void *archive, uint64_t size, int index,
		struct archive_entry *out)
{
	int n = archive_count(archive, size);

	if (n < 0)
		return n;
	if (index < 0 || index >= n)
		return -CALF_ENOENT;
	entry_at(archive, index, out);
	return 0;
}

int archive_find(const void *archive, uint64_t size, const char *name,
		 struct archive_entry *out)
{
	const uint8_t *a = archive;
	int n = archive_count(archive, size);

	if (n < 0)
		return n;
	if (name == 0)
		return -CALF_ENOENT;
	for (int i = 0; i < n; i++) {
		const uint8_t *e = a + ARCHIVE_HEADER + (uint64_t)i * ARCHIVE_ENTRY;
		int k = 0;

		/* compare at most a whole name slot: a longer `name` cannot
		 * match, and we never read past the slot */
		while (k < ARCHIVE_NAME_MAX && e[k] != 0 && e[k] == (uint8_t)name[k])
			k++;
		if (k < ARCHIVE_NAME_MAX && e[k] == 0 && name[k] == '\0') {
			entry_at(a, i, out);
			return 0;
		}
	}
	return -CALF_ENOENT;
}
