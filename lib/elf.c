/*
 * elf.c - check an ELF64 RISC-V executable and list its loadable segments.
 *
 * Layer: lib/ (pure: no CSRs, no libc). The file comes from the boot
 * archive, which a student may have corrupted, so every offset and size
 * is checked before it is used, without ever computing a sum that could
 * wrap. Fields are read byte by byte (little endian): the data may sit at
 * any alignment, and the host running the tests may be big-endian.
 *
 * Reference: System V ABI, "ELF Object File Format", and the RISC-V ELF
 * psABI (EM_RISCV = 243).
 */
#include "elf.h"

/* ELF header fields (Elf64_Ehdr) */
#define EH_SIZE       64
#define EH_TYPE       16
#define EH_MACHINE    18
#define EH_VERSION    20
#define EH_ENTRY      24
#define EH_PHOFF      32
#define EH_PHENTSIZE  54
#define EH_PHNUM      56

/* program header fields (Elf64_Phdr) */
#define PH_SIZE       56
#define PH_TYPE       0
#define PH_FLAGS      4
#define PH_OFFSET     8
#define PH_VADDR      16
#define PH_FILESZ     32
#define PH_MEMSZ      40

#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_RISCV      243
#define PT_LOAD       1

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Check one PT_LOAD header and turn it into *s. */
static int check_segment(const uint8_t *ph, uint64_t size, struct elf_segment *s)
{
	s->flags = rd32(ph + PH_FLAGS);
	s->offset = rd64(ph + PH_OFFSET);
	s->vaddr = rd64(ph + PH_VADDR);
	s->filesz = rd64(ph + PH_FILESZ);
	s->memsz = rd64(ph + PH_MEMSZ);

	if (s->offset > size || s->filesz > size - s->offset)
		return -CALF_EINVAL;           /* file bytes outside the file */
	if (s->filesz > s->memsz)
		return -CALF_EINVAL;
	/* vaddr + memsz <= ELF_USER_TOP, written so it cannot wrap */
	if (s->vaddr >= ELF_USER_TOP || s->memsz > ELF_USER_TOP - s->vaddr)
		return -CALF_EINVAL;
	/* W^X: the VM server maps every user page either writable or
	 * executable, never both */
	if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
		return -CALF_EINVAL;
	return 0;
}

int elf_parse(const void *data, uint64_t size, struct elf_info *out)
{
	const uint8_t *d = data;
	uint64_t phoff, phentsize, phnum;
	int n = 0;

	if (d == 0 || out == 0 || size < EH_SIZE)
		return -CALF_EINVAL;
	if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F' ||
	    d[4] != ELFCLASS64 || d[5] != ELFDATA2LSB || d[6] != EV_CURRENT)
		return -CALF_EINVAL;
	if (rd16(d + EH_TYPE) != ET_EXEC || rd16(d + EH_MACHINE) != EM_RISCV ||
	    rd32(d + EH_VERSION) != EV_CURRENT)
		return -CALF_EINVAL;

	out->entry = rd64(d + EH_ENTRY);
	out->nsegments = 0;
	phoff = rd64(d + EH_PHOFF);
	phentsize = rd16(d + EH_PHENTSIZE);
	phnum = rd16(d + EH_PHNUM);
	/* The spec allows larger entries (newer fields at the end); smaller
	 * ones could not hold the fields we read. */
	if (phnum == 0 || phentsize < PH_SIZE)
		return -CALF_EINVAL;
	/* phnum * phentsize < 2^32: no overflow */
	if (phoff > size || phnum * phentsize > size - phoff)
		return -CALF_EINVAL;

	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + i * phentsize;
		struct elf_segment s;

		if (rd32(ph + PH_TYPE) != PT_LOAD)
			continue;          /* PT_TLS, PT_NOTE, GNU_STACK, ... */
		if (check_segment(ph, size, &s) < 0)
			return -CALF_EINVAL;
		if (s.memsz == 0)
			continue;          /* maps nothing */
		if (n == ELF_MAX_SEGMENTS)
			return -CALF_EINVAL;
		for (int j = 0; j < n; j++) {
			const struct elf_segment *o = &out->seg[j];

			/* half-open ranges [vaddr, vaddr+memsz) intersect;
			 * neither sum can wrap (both end <= ELF_USER_TOP) */
			if (s.vaddr < o->vaddr + o->memsz && o->vaddr < s.vaddr + s.memsz)
				return -CALF_EINVAL;
		}
		out->seg[n++] = s;
	}
	if (n == 0)
		return -CALF_EINVAL;

	for (int j = 0; j < n; j++) {
		const struct elf_segment *s = &out->seg[j];

		if ((s->flags & ELF_PF_X) && out->entry >= s->vaddr &&
		    out->entry - s->vaddr < s->memsz) {
			out->nsegments = n;
			return 0;
		}
	}
	return -CALF_EINVAL;   /* entry not in an executable segment */
}
