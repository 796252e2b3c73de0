/*
 * memlayout.h - where things live in the kernel's virtual address space.
 *
 * Layer: platform/ (shared by the linker script, the boot entry and the
 * kernel). Sv39 gives 39-bit virtual addresses, sign-extended: the lower
 * half 0x0000000000000000-0x0000003fffffffff is user space, the upper half
 * 0xffffffc000000000-0xffffffffffffffff belongs to the kernel and is the
 * same (global PTEs) in every address space, so a trap never switches satp.
 *
 *   0xffffffff80200000  kernel image (text, rodata, data, bss), linked here;
 *                       root-table slot 510, the gigapage holding RAM's start
 *   0xffffffc000000000  direct map: physical address pa is at DMAP_BASE + pa
 *                       (RAM and the few device registers the kernel uses)
 *   0x0000003fffffffff  top of user space
 */
#ifndef PLATFORM_MEMLAYOUT_H
#define PLATFORM_MEMLAYOUT_H

#define KERNEL_VMA    0xffffffff80200000
/* Firmware and U-Boot's booti put the image 2 MiB into RAM (Image header
 * text_offset); the boot code checks that it sits at this offset inside a
 * 1 GiB-aligned region, because the boot map (platform/boot.c) keeps the
 * image at the same offset in its gigapage as where it is linked. */
#define KERNEL_GIGA_OFFSET 0x200000
#define KERNEL_GIGA_VMA    0xffffffff80000000
#define DMAP_BASE     0xffffffc000000000
/* How much physical memory the direct map can cover: 1 GiB slots 256-509. */
#define DMAP_MAX_PA   (254ul << 30)

#define PAGE_SIZE  4096
#define PAGE_SHIFT 12

#ifndef __ASSEMBLER__
#include <stdint.h>
static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DMAP_BASE); }
static inline uint64_t virt_to_phys_dmap(const void *va) { return (uint64_t)va - DMAP_BASE; }
#endif

#endif
