/*
 * load.h - a program of the boot archive, as the VM server loads it.
 *
 * Layer: vm/ (target only). The one file that talks to the boot-archive
 * reader (lib/archive.h) and the ELF parser (lib/elf.h), both pure
 * C shared with the kernel; the rest of vm/ sees only struct vm_image.
 */
#ifndef VM_LOAD_H
#define VM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define VM_IMAGE_MAX_SEGMENTS 8

struct vm_segment {
	uint64_t vaddr, memsz, filesz;
	const uint8_t *data;     /* filesz bytes, inside the mapped archive */
	unsigned prot;           /* REGION_R | REGION_W | REGION_X */
};

struct vm_image {
	uint64_t entry;
	unsigned nseg;
	struct vm_segment seg[VM_IMAGE_MAX_SEGMENTS];
};

/*
 * Find `name` in the archive and parse its ELF headers. 0, or
 * -CALF_ENOENT (no such file), -CALF_EINVAL (not a loadable ELF for us:
 * bad headers, too many segments, a segment both writable and
 * executable, or a segment in the kernel's half).
 */
int vm_image_find(const void *archive, size_t archive_size, const char *name,
		  struct vm_image *img);

#endif
