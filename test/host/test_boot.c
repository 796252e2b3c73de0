/*
 * test_boot.c - host unit test for the boot page table and the device
 * tree copy (platform/boot.c).
 *
 * Layer: test/ (host only). boot_map_image runs with the MMU off on the
 * board, where a table's address is its physical address; here they are
 * host addresses, which the walk below follows the same way. The image
 * is a stand-in: _kernel_start/_kernel_end are set around an array so
 * that the image is IMAGE_SIZE bytes, a partial last 2 MiB included.
 */
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "platform/boot.h"
#include "platform/memlayout.h"

#define IMAGE_SIZE 0x2ff000ul   /* one whole 2 MiB and 1020 KiB more */
char test_image[IMAGE_SIZE] __attribute__((used));
__asm__(".globl _kernel_start\n.set _kernel_start, test_image\n"
	".globl _kernel_end\n.set _kernel_end, test_image + 0x2ff000\n");

#define PTE_V 1ul
#define PTE_LEAF 0xeul   /* R W X */

static uint64_t *next_table(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> 10) << 12);
}

/* Every 4 KiB page the table maps, as (va, pa); count them and check
 * each against `ok`. Returns the number of pages mapped. */
static uint64_t walk(int (*ok)(uint64_t va, uint64_t pa), int *bad)
{
	uint64_t pages = 0;

	for (uint64_t i = 0; i < 512; i++) {
		uint64_t e1 = boot_root_table[i];
		if (!(e1 & PTE_V))
			continue;
		uint64_t va1 = i << 30;
		if (i >= 256)
			va1 |= 0xffffff8000000000ul;   /* sign extension */
		if (e1 & PTE_LEAF) {   /* a gigapage: never wanted */
			(*bad)++;
			continue;
		}
		uint64_t *l1 = next_table(e1);
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t e2 = l1[j];
			if (!(e2 & PTE_V))
				continue;
			uint64_t va2 = va1 + (j << 21);
			if (e2 & PTE_LEAF) {
				for (uint64_t p = 0; p < 512; p++, pages++)
					if (!ok(va2 + (p << 12), ((e2 >> 10) << 12) + (p << 12)))
						(*bad)++;
				continue;
			}
			uint64_t *l0 = next_table(e2);
			for (uint64_t k = 0; k < 512; k++) {
				if (!(l0[k] & PTE_V))
					continue;
				pages++;
				if (!ok(va2 + (k << 12), (l0[k] >> 10) << 12))
					(*bad)++;
			}
		}
	}
	return pages;
}

static uint64_t image_pa;

/* Only the image: at its physical address, or where it is linked. */
static int image_only(uint64_t va, uint64_t pa)
{
	if (pa < image_pa || pa >= image_pa + IMAGE_SIZE)
		return 0;
	return va == pa || va == KERNEL_VMA + (pa - image_pa);
}

TEST(maps_the_image_and_nothing_else)
{
	int bad = 0;

	image_pa = 0x80200000;
	memset(boot_root_table, 0, 4096);
	CHECK_EQ(boot_map_image(image_pa), 0);
	/* every page twice (identity and linked), nothing else */
	CHECK_EQ(walk(image_only, &bad), 2 * IMAGE_SIZE / 4096);
	CHECK_EQ(bad, 0);
	/* in particular not OpenSBI at 0x80000000 */
	CHECK(!image_only(0x80000000, 0x80000000));
}

TEST(an_image_that_leaves_its_gigapage_is_refused)
{
	CHECK_EQ(boot_map_image(0xbff00000), -1);   /* ends past 0xc0000000 */
}

TEST(dtb_copy)
{
	uint8_t *dtb = aligned_alloc(8, 4096);

	memset(dtb, 0x5a, 4096);
	boot_copy_dtb(0);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_NO_ADDRESS);
	boot_copy_dtb((uint64_t)(uintptr_t)dtb + 4);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_NO_ADDRESS);
	boot_copy_dtb((uint64_t)(uintptr_t)dtb);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_NO_MAGIC);
	memcpy(dtb, "\xd0\x0d\xfe\xed\x00\x00\x00\x10", 8);
	boot_copy_dtb((uint64_t)(uintptr_t)dtb);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_TOO_SMALL);
	memcpy(dtb + 4, "\x00\x02\x00\x01", 4);   /* 128 KiB + 1 */
	boot_copy_dtb((uint64_t)(uintptr_t)dtb);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_TOO_LARGE);
	memcpy(dtb + 4, "\x00\x00\x10\x00", 4);   /* 4096 */
	boot_copy_dtb((uint64_t)(uintptr_t)dtb);
	CHECK_EQ(boot_dtb_status, BOOT_DTB_OK);
	CHECK_EQ(boot_dtb_size, 4096);
	CHECK(memcmp(boot_dtb, dtb, 4096) == 0);
	CHECK_EQ(boot_dtb_pa, (uint64_t)(uintptr_t)dtb);
	free(dtb);
}

int main(void)
{
	RUN(maps_the_image_and_nothing_else);
	RUN(an_image_that_leaves_its_gigapage_is_refused);
	RUN(dtb_copy);
	return check_summary();
}
