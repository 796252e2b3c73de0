/*
 * kmap.h - the kernel's own address space: the upper half.
 *
 * Layer: kernel/. Built once at boot with the sv39/ library, then shared
 * by every address space (its root entries 256-511 are copied into each
 * new root table; all its leaves are global).
 */
#ifndef KERNEL_KMAP_H
#define KERNEL_KMAP_H

#include <stdint.h>

#include "platform/board.h"
#include "sv39/sv39.h"

/* Tables for the kernel map, in the image (kmap.c): 8 on QEMU virt
 * (128 MiB to 2 GiB) and sifive_u, and with the HiFive Unmatched's (16 GiB)
 * and the Icicle Kit's trees; each reserved region or RAM bank may add
 * two or three. */
#define KMAP_POOL_TABLES 32
extern uint8_t kmap_pool[KMAP_POOL_TABLES][4096];

/*
 * Build the kernel map and switch this hart to it:
 *   - the direct map: every range in ram[] at DMAP_BASE + pa, R W
 *     (never X), with the largest pages alignment allows;
 *   - the image at KERNEL_VMA: text R X, rodata R, data and bss R W;
 *   - device registers the kernel drives (UART, PLIC), R W.
 * ram[] must include kmap_pool. Returns 0, or an sv39 error
 * (SV39_ENOMEM: KMAP_POOL_TABLES were not enough).
 */
int kmap_init(const struct board *b, const struct board_range *ram, int nram,
	      uint64_t kernel_pa);

/* The kernel's address space, as the sv39 library sees it. */
extern struct sv39_space kmap_space;
extern const struct sv39_mem kmap_mem;

#endif
