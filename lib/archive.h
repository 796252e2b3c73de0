/*
 * archive.h - read the boot archive: the ELF programs linked into the
 * kernel image (format: docs/boot-archive.md, written by
 * tools/mkarchive.py).
 *
 * Layer: lib/ (pure: no hardware access, no libc): the kernel finds the
 * VM server with it, the VM server the programs it spawns, and the host
 * unit tests check it (test/host/test_archive.c). Every call validates the whole archive
 * first, so a corrupt archive gives -CALF_EINVAL, never a wild read.
 */
#ifndef LIB_ARCHIVE_H
#define LIB_ARCHIVE_H

#include <stdint.h>

#include "calf/abi.h"

#define ARCHIVE_MAGIC      "CALFARC1"   /* 8 bytes, no NUL */
#define ARCHIVE_HEADER     16           /* magic[8], u32 count, u32 reserved */
#define ARCHIVE_ENTRY      64           /* name[48], u64 offset, u64 size */
#define ARCHIVE_NAME_MAX   48           /* including the terminating NUL */
#define ARCHIVE_ALIGN      4096         /* every file's data starts on a page */

struct archive_entry {
	const char *name;    /* points into the archive, NUL-terminated */
	const void *data;    /* points into the archive */
	uint64_t size;
};

/* 0 if the archive is well formed, else -CALF_EINVAL. */
int archive_check(const void *archive, uint64_t size);

/* Number of files (>= 0), or -CALF_EINVAL. */
int archive_count(const void *archive, uint64_t size);

/* File number `index` (0-based): 0, -CALF_EINVAL (corrupt archive), or
 * -CALF_ENOENT (index out of range). */
int archive_get(const void *archive, uint64_t size, int index,
		struct archive_entry *out);

/* The file called `name`: 0, -CALF_ENOENT, or -CALF_EINVAL. */
int archive_find(const void *archive, uint64_t size, const char *name,
		 struct archive_entry *out);

#endif
