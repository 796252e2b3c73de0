/*
 * kmap.c - build the kernel's page table and turn it on.
 *
 * Layer: kernel/. The boot table from entry.S (one RWX gigapage for the
 * image, 16 GiB of direct map) was only good enough to get here; this one
 * gives each part of the image only the rights it needs (W^X), maps
 * exactly the RAM the device tree lists minus the regions firmware
 * reserved (a mapping invites speculative accesses, which a PMP-protected
 * region answers with a fault on some cores), and maps device registers
 * only where the kernel drives a device.
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
	int err = sv39_space_init(&kmap_space, &kmap_mem);
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
	return 0;
}
