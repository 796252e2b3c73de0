/*
 * boot.c - the device tree copy and the boot page table (see boot.h).
 *
 * Layer: platform/. Runs with the MMU off: nothing here may call a
 * function, use a switch (its jump table would hold link-time
 * addresses) or read a pointer from initialized data.
 *
 * The boot page table: the root's slot for the image's gigapage (the
 * identity map, so the instructions after `csrw satp` still run) and
 * slot 510 (KERNEL_GIGA_VMA, where the image is linked) point at one
 * level-1 table: the image is 2 MiB into its gigapage at both
 * addresses, so one table serves both. It maps each whole 2 MiB of the
 * image with a megapage and the last, partial 2 MiB with 4 KiB pages,
 * so the map ends exactly where the image does. Read, write and
 * execute: kmap_init replaces it with the W^X map within microseconds.
 */
#include "platform/boot.h"
#include "platform/memlayout.h"

/* Leaf PTE bits: V R W X A D G (privileged spec 4.4.1). A and D are
 * preset because some SiFive cores fault rather than set them. */
#define PTE_V		0x01ul
#define PTE_BOOT_RWX	0xeful
#define MEGA		(1ul << 21)
#define GIGA		(1ul << 30)

extern char _kernel_start[], _kernel_end[];

uint64_t boot_root_table[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t boot_l1[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t boot_l0[512] __attribute__((aligned(PAGE_SIZE)));

uint8_t boot_dtb[BOOT_DTB_MAX] __attribute__((aligned(8)));
uint64_t boot_dtb_pa, boot_dtb_size;
int boot_dtb_status;

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void boot_copy_dtb(uint64_t dtb_pa)
{
	const volatile uint8_t *src = (const volatile uint8_t *)dtb_pa;
	volatile uint8_t *dst = boot_dtb;

	boot_dtb_pa = dtb_pa;
	if (dtb_pa == 0 || (dtb_pa & 7)) {
		boot_dtb_status = BOOT_DTB_NO_ADDRESS;
		return;
	}
	if (be32(src) != 0xd00dfeed) {
		boot_dtb_status = BOOT_DTB_NO_MAGIC;
		return;
	}
	boot_dtb_size = be32(src + 4);
	if (boot_dtb_size < 40) {
		boot_dtb_status = BOOT_DTB_TOO_SMALL;
		return;
	}
	if (boot_dtb_size > BOOT_DTB_MAX) {
		boot_dtb_status = BOOT_DTB_TOO_LARGE;
		return;
	}
	for (uint64_t i = 0; i < boot_dtb_size; i++)
		dst[i] = src[i];
	boot_dtb_status = BOOT_DTB_OK;
}

static uint64_t table_pte(const void *table)
{
	return ((uint64_t)table >> 12) << 10 | PTE_V;
}

int boot_map_image(uint64_t image_pa)
{
	uint64_t end = image_pa + (uint64_t)(_kernel_end - _kernel_start);
	uint64_t giga = image_pa & ~(GIGA - 1);

	if (end > giga + GIGA)
		return -1;
	boot_root_table[image_pa >> 30] = table_pte(boot_l1);
	boot_root_table[(KERNEL_GIGA_VMA >> 30) & 511] = table_pte(boot_l1);
	for (uint64_t pa = image_pa; pa < end; pa += MEGA) {
		uint64_t *l1e = &boot_l1[(pa >> 21) & 511];
		if (end - pa >= MEGA) {
			*l1e = (pa >> 12) << 10 | PTE_BOOT_RWX;
			continue;
		}
		*l1e = table_pte(boot_l0);
		for (uint64_t p = pa; p < end; p += PAGE_SIZE)
			boot_l0[(p >> 12) & 511] = (p >> 12) << 10 | PTE_BOOT_RWX;
	}
	return 0;
}
