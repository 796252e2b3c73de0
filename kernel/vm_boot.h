/*
 * vm_boot.h - start the VM server, the first thread in user mode.
 *
 * Layer: kernel/. The kernel loads "vmserver" from the boot archive into
 * a new address space, maps every free frame into it (the window), maps
 * the boot archive read-only, and starts it with the VM right and its
 * own endpoint as handle 0. Everything else in user space, including
 * the first user program, is started by the VM server.
 *
 * The VM server's address space:
 *   VMS_IMAGE_VA         its program (ELF segments, W^X; vm/vm.ld), below
 *                        VMS_IMAGE_END
 *   VMS_STACK_TOP        its stack, VMS_STACK_PAGES pages below
 *   VMS_ARCHIVE_VA       the boot archive, read-only
 *   VMS_WINDOW_VA        free RAM: pa is at VMS_WINDOW_VA + pa - window_pa_base
 */
#ifndef KERNEL_VM_BOOT_H
#define KERNEL_VM_BOOT_H

#include <stdint.h>

#include "calf/abi.h"
#include "platform/board.h"
#include "platform/memlayout.h"

/* 1 GiB: above any user program (linked at 0x10000, heap at most
 * 256 MiB above it) and below where mmap places regions (64 GiB), so no
 * user address is ever also a VM-server address (vm/vm.ld). */
#define VMS_IMAGE_VA     0x0000000040000000ul
#define VMS_IMAGE_END    (VMS_STACK_TOP - VMS_STACK_PAGES * PAGE_SIZE)
#define VMS_STACK_TOP    0x0000000080000000ul
#define VMS_STACK_PAGES  16
#define VMS_ARCHIVE_VA   0x0000001000000000ul
#define VMS_WINDOW_VA    0x0000002000000000ul
#define VMS_PRIORITY     20
/* Frames the kernel keeps for its own page tables after the hand-over. */
#define KERNEL_KEEP_FRAMES 512

extern struct calf_bootinfo boot_info;

/* The VM server's endpoint (its handle 0). Besides fault messages, the
 * kernel tells it of the console's interrupt character there
 * (console_input.c). */
struct endpoint;
extern struct endpoint *vm_endpoint;

void vm_boot(const struct board *b, uint64_t kernel_pa);

#endif
