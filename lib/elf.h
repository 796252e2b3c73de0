/*
 * elf.h - check an ELF64 RISC-V executable and list what to load.
 *
 * Layer: lib/ (pure: no hardware access, no libc): the kernel (for the
 * VM server it starts at boot), the VM server (for every program it
 * spawns) and the host unit tests (test/host/test_elf.c) all use it. elf_parse only reads and validates; loading is the caller's job.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdint.h>

#include "calf/abi.h"

#define ELF_MAX_SEGMENTS 8

/* p_flags bits (ELF spec: PF_X, PF_W, PF_R) */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/* End of Sv39 user space: the lower half of a 39-bit address space. */
#define ELF_USER_TOP 0x4000000000ull

struct elf_segment {
	uint64_t vaddr;    /* where the segment starts in memory */
	uint64_t memsz;    /* bytes in memory; those past filesz are zero */
	uint64_t filesz;   /* bytes taken from the file */
	uint64_t offset;   /* where those bytes start in the file */
	uint32_t flags;    /* ELF_PF_* */
};

struct elf_info {
	uint64_t entry;
	int nsegments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];   /* PT_LOAD, in file order */
};

/*
 * Validate the ELF image data[0..size) and fill *out with its entry
 * point and its PT_LOAD segments (empty ones, memsz 0, are left out).
 * Returns 0, or -CALF_EINVAL when the image is not a little-endian
 * ELF64 RISC-V ET_EXEC, its program headers or a segment's file bytes
 * lie outside the file, a segment has filesz > memsz, wraps, or ends
 * above ELF_USER_TOP, is both writable and executable, overlaps another,
 * there are no segments or more than ELF_MAX_SEGMENTS, or the entry
 * point is not inside an executable segment. `data` need not be aligned.
 */
int elf_parse(const void *data, uint64_t size, struct elf_info *out);

#endif
