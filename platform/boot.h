/*
 * boot.h - what the boot entry leaves for kmain: the boot page table and
 * a copy of the device tree.
 *
 * Layer: platform/. boot_copy_dtb and boot_map_image (boot.c) run from
 * entry.S with the MMU off, at the image's physical address: they
 * reach their globals PC-relative (-mcmodel=medany), call nothing and
 * take no address from initialized data, so they work before paging.
 *
 * The boot page table maps the kernel image and nothing else, as
 * Linux's early page table does (docs/architecture.md, "Boot, step by
 * step"): never the firmware, never other RAM. The device tree is
 * therefore copied into the image (boot_dtb) before paging is turned
 * on, and the kernel's real page table is built in tables taken from
 * the image too (kernel/kmap.c).
 */
#ifndef PLATFORM_BOOT_H
#define PLATFORM_BOOT_H

#include <stdint.h>

/* The largest device tree the boot copies: real boards' trees are
 * 5-50 KiB (QEMU virt 5, HiFive Unmatched under U-Boot 17). */
#define BOOT_DTB_MAX (128 * 1024)

enum boot_dtb_status {
	BOOT_DTB_OK,
	BOOT_DTB_NO_ADDRESS,	/* a1 was 0 or not 8-byte aligned */
	BOOT_DTB_NO_MAGIC,	/* no 0xd00dfeed at a1 */
	BOOT_DTB_TOO_SMALL,	/* totalsize below a header's 40 bytes */
	BOOT_DTB_TOO_LARGE,	/* totalsize above BOOT_DTB_MAX */
};

extern uint8_t boot_dtb[BOOT_DTB_MAX];
extern uint64_t boot_dtb_pa;		/* where the firmware left it */
extern uint64_t boot_dtb_size;		/* its header's totalsize */
extern int boot_dtb_status;		/* enum boot_dtb_status */

extern uint64_t boot_root_table[512];

void boot_copy_dtb(uint64_t dtb_pa);
/* Returns 0, or -1 if the image does not fit in the gigapage it starts
 * in (entry.S then stops with a message). */
int boot_map_image(uint64_t image_pa);

#endif
