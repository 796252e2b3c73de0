/*
 * load.c - find a program in the boot archive and describe its segments
 * (see load.h).
 *
 * Layer: vm/ (target only). docs/boot-archive.md describes the archive;
 * lib/archive.c finds a file by name, lib/elf.c validates the ELF
 * and lists its PT_LOAD segments. This file turns them into struct
 * vm_image.
 */
#include "vm/load.h"
#include "vm/region.h"
#include "calf/abi.h"
#include "lib/archive.h"
#include "lib/elf.h"
#include "sv39/sv39.h"

int vm_image_find(const void *archive, size_t archive_size, const char *name,
		  struct vm_image *img)
{
	struct archive_entry file;
	struct elf_info info;
	int err;

	err = archive_find(archive, archive_size, name, &file);
	if (err)
		return err == -CALF_ENOENT ? -CALF_ENOENT : -CALF_EINVAL;
	/* elf_parse checks everything the loader relies on: file bytes
	 * inside the file, filesz <= memsz, segments below the user top,
	 * not overlapping, none both writable and executable (W^X). */
	if (elf_parse(file.data, file.size, &info) != 0)
		return -CALF_EINVAL;
	if (info.nsegments <= 0 || info.nsegments > VM_IMAGE_MAX_SEGMENTS)
		return -CALF_EINVAL;

	img->entry = info.entry;
	img->nseg = 0;
	for (int i = 0; i < info.nsegments; i++) {
		const struct elf_segment *s = &info.seg[i];
		struct vm_segment *d = &img->seg[img->nseg];

		/* Checked again here, cheaply, because the VM server's own
		 * safety rests on them, not on another file's contract. */
		if (s->memsz == 0)
			continue;
		if (s->vaddr >= SV39_USER_TOP || s->memsz > SV39_USER_TOP - s->vaddr ||
		    s->filesz > s->memsz)
			return -CALF_EINVAL;
		d->prot = ((s->flags & ELF_PF_R) ? REGION_R : 0) |
			  ((s->flags & ELF_PF_W) ? REGION_W : 0) |
			  ((s->flags & ELF_PF_X) ? REGION_X : 0);
		if ((d->prot & REGION_W) && (d->prot & REGION_X))
			return -CALF_EINVAL;   /* W^X: never both */
		d->vaddr = s->vaddr;
		d->memsz = s->memsz;
		d->filesz = s->filesz;
		d->data = (const uint8_t *)file.data + s->offset;
		img->nseg++;
	}
	return img->nseg ? 0 : -CALF_EINVAL;
}
