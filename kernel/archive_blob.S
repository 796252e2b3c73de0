/*
 * archive_blob.S - the boot archive, linked into the kernel image.
 *
 * Layer: kernel/. $(B)/archive.bin is made by tools/mkarchive.py from
 * the user programs (mk/userland.mk); lib/archive.c reads it. It is
 * page aligned so the kernel can map it read-only into the VM server's
 * address space page by page, and each file inside starts on a page too
 * (docs/boot-archive.md). The Makefile puts $(B) on the assembler's
 * include path for this file, so the image always embeds the archive of
 * its own build directory.
 */
	.section .rodata.archive, "a"
	.balign 4096
	.globl boot_archive
boot_archive:
	.incbin "archive.bin"
	.globl boot_archive_end
boot_archive_end:
