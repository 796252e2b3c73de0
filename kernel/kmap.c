/*
 * kmap.c - build the kernel's page table and turn it on.
 *
 * Layer: kernel/. The boot table from entry.S maps the kernel image and
 * nothing else (platform/boot.c); this one gives each part of the image
 * only the rights it needs (W^X), maps exactly the RAM the device tree
 * lists minus the regions firmware reserved (a mapping invites
 * speculative accesses, which a PMP-protected region answers with a
 * fault on some cores), and maps device registers only where the kernel
 * drives a device.
 *
 * While it is built, only the image is mapped, so its tables come from
 * kmap_pool, inside the image, reached at their image address. The pool
 * is also part of the direct map (kmain leaves it out of the image's
 * exclusion), so once this map is on, the tables are reached like any
 * other frame, at DMAP_BASE + pa, with kmap_mem.
 */
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"
#include "platform/memlayout.h"

extern char _kernel_start[], _etext[], _erodata[], _kernel_end[];

static void *table_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

static uint64_t table_alloc(void *ctx)
{
	(void)ctx;
	return frame_alloc();   /* zeroed */
}

static void table_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	frame_free(pa);
}

const struct sv39_mem kmap_mem = {
	.table_ptr = table_ptr,
	.table_alloc = table_alloc,
	.table_free = table_free,
};

struct sv39_space kmap_space;

uint8_t kmap_pool[KMAP_POOL_TABLES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int pool_used;
static uint64_t pool_kernel_pa;   /* the image's physical address */

static void *pool_table_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(KERNEL_VMA + (pa - pool_kernel_pa));
}

static uint64_t pool_table_alloc(void *ctx)
{
	(void)ctx;
	if (pool_used == KMAP_POOL_TABLES)
		return 0;   /* sv39: out of memory; kmain says why */
	return pool_kernel_pa + ((uint64_t)kmap_pool[pool_used++] - KERNEL_VMA);
}

static void pool_table_free(void *ctx, uint64_t pa)
{
	/* Only a failed build gives tables back, and the boot stops. */
	(void)ctx;
	(void)pa;
}

static const struct sv39_mem pool_mem = {
	.table_ptr = pool_table_ptr,
	.table_alloc = pool_table_alloc,
	.table_free = pool_table_free,
};

static int map_image_part(char *start, char *end, uint64_t kernel_pa, uint64_t flags)
{
	uint64_t va = (uint64_t)start;
	uint64_t pa = kernel_pa + (va - KERNEL_VMA);
	return sv39_map_range(&kmap_space, va, pa, (uint64_t)(end - start),
			      flags | SV39_PTE_G);
}

static int map_device(uint64_t base, uint64_t size)
{
	uint64_t lo = base & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t hi = (base + (size ? size : PAGE_SIZE) + PAGE_SIZE - 1) &
		      ~(uint64_t)(PAGE_SIZE - 1);
	return sv39_map_range(&kmap_space, DMAP_BASE + lo, lo, hi - lo,
			      SV39_PTE_R | SV39_PTE_W | SV39_PTE_G);
}

int kmap_init(const struct board *b, const struct board_range *ram, int nram,
	      uint64_t kernel_pa)
{
	pool_kernel_pa = kernel_pa;
	int err = sv39_space_init(&kmap_space, &pool_mem);
	if (err)
		return err;

	for (int i = 0; i < nram; i++) {
		if (ram[i].base + ram[i].size > DMAP_MAX_PA)
			panic("kmap: RAM at 0x%lx is beyond the direct map", ram[i].base);
		err = sv39_map_range(&kmap_space, DMAP_BASE + ram[i].base, ram[i].base,
				     ram[i].size, SV39_PTE_R | SV39_PTE_W | SV39_PTE_G);
		if (err)
			return err;
	}

	err = map_image_part(_kernel_start, _etext, kernel_pa, SV39_PTE_R | SV39_PTE_X);
	if (!err)
		err = map_image_part(_etext, _erodata, kernel_pa, SV39_PTE_R);
	if (!err)
		err = map_image_part(_erodata, _kernel_end, kernel_pa, SV39_PTE_R | SV39_PTE_W);
	if (err)
		return err;

	if (b->uart.kind != BOARD_UART_NONE && (err = map_device(b->uart.base, b->uart.size)))
		return err;
	if (b->plic.present && (err = map_device(b->plic.base, b->plic.size)))
		return err;

	/* ASID 0 is the kernel's own; user address spaces get others. */
	sfence_vma_all();
	csr_write(satp, SATP_MODE_SV39 | (kmap_space.root_pa >> PAGE_SHIFT));
	sfence_vma_all();
	kmap_space.mem = &kmap_mem;   /* the pool is in the direct map now */
	return 0;
}
