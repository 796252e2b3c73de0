/*
 * entry.S - the first instructions: Image header, boot page table, jump
 * to the upper half, call kmain.
 *
 * Layer: platform/. OpenSBI (fw_dynamic or fw_jump) and U-Boot's booti
 * all enter here in S-mode with the MMU off: a0 = hart id, a1 = physical
 * address of the device tree. Only one hart arrives; the others stay
 * stopped in the firmware until the kernel starts them with SBI HSM.
 *
 * The image is linked at KERNEL_VMA (upper half) but runs here at its
 * physical load address. Code built with -mcmodel=medany reaches data
 * PC-relative, so until paging is on, `la` yields physical addresses.
 */
#include "platform/memlayout.h"

/* Call-frame information for gdb, in .debug_frame (the linker script
 * drops .eh_frame): each entry path below says its return address is
 * undefined, so a backtrace from kmain or secondary_main ends here,
 * cleanly, instead of guessing a caller from a stale ra. Directives
 * only: not one instruction more. */
	.cfi_sections .debug_frame

/* Turn on Sv39 with the root table at physical address \root (clobbers
 * \root and t1): satp = mode 8 (Sv39) | root PPN; ASID 0 is the
 * kernel's. */
.macro ENABLE_PAGING root
	srli	\root, \root, 12
	li	t1, 8
	slli	t1, t1, 60
	or	\root, \root, t1
	sfence.vma
	csrw	satp, \root
	sfence.vma
.endm

	.option norvc        /* the header's code0 must be one 4-byte jump */
	.section .text.head, "ax"
	.globl _start
_start:
	/* RISC-V Linux Image header, 64 bytes (Linux
	 * Documentation/arch/riscv/boot-image-header.rst). U-Boot's booti
	 * checks magic2 and moves the image to RAM start + text_offset. */
	j	boot_entry              /* code0: jump over the header */
	.word	0                       /* code1 */
	.dword	KERNEL_GIGA_OFFSET      /* text_offset */
	.dword	_image_size             /* image_size, bss included */
	.dword	0                       /* flags: little endian */
	.word	0x00000002              /* version 0.2 */
	.word	0                       /* res1 */
	.dword	0                       /* res2 */
	.ascii	"RISCV\0\0\0"           /* magic (deprecated) */
	.ascii	"RSC\x05"               /* magic2 */
	.word	0                       /* res3: no PE/COFF header */
	.option rvc

boot_entry:
	.cfi_startproc
	.cfi_undefined ra               /* the outermost frame: no caller */
	csrw	sie, zero
	csrw	sip, zero
	csrw	sscratch, zero          /* 0 = "trapped from the kernel" */
	mv	s0, a0                  /* hart id */
	mv	s1, a1                  /* DTB physical address */

	/* Clear bss (the boot page table and stack live there). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	sp, boot_stack_top      /* physical for now */

	/* The image is linked KERNEL_GIGA_OFFSET into a gigapage, and the
	 * boot map keeps it at that offset: it must be loaded there too. */
	la	s2, _start              /* physical load address */
	li	t0, (1 << 30) - 1
	and	t0, s2, t0
	li	t1, KERNEL_GIGA_OFFSET
	bne	t0, t1, bad_load_address

	/* Copy the device tree into the image, then build the boot page
	 * table: the image and nothing else (platform/boot.c, which runs
	 * here with the MMU off). */
	mv	a0, s1
	call	boot_copy_dtb
	mv	a0, s2
	call	boot_map_image
	bnez	a0, bad_load_address
	la	t0, boot_root_table
	ENABLE_PAGING t0

	/* Jump to the upper half through an absolute address kept in memory
	 * (a PC-relative jump would stay in the identity map). */
	la	t0, boot_high_addr
	ld	t0, 0(t0)
	jr	t0

boot_high:
	la	sp, boot_stack_top      /* now the upper-half address */
	mv	tp, s0                  /* tp holds the hart id in the kernel */
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	kmain
5:	wfi
	j	5b
	.cfi_endproc

/*
 * park_entry: a hart with nothing to do, for good: the harts the kernel
 * does not run on (smp_start sends them here, because the firmware's own
 * wait loop may not sleep). With every interrupt off, wfi has nothing
 * to end it on most cores; the loop is for those where it ends anyway.
 */
	.globl park_entry
park_entry:
	csrw	sie, zero
3:	wfi
	j	3b

/*
 * secondary_entry: where SBI HSM starts the other harts (smp_start), in
 * S-mode with the MMU off and a0 = hart id. Reuse the boot page table
 * (it maps this code both where it runs and where it is linked), jump to
 * the upper half, and call secondary_main on the hart's own stack.
 */
	.globl secondary_entry
secondary_entry:
	.cfi_startproc
	.cfi_undefined ra
	csrw	sie, zero
	csrw	sip, zero
	csrw	sscratch, zero
	mv	s0, a0
	la	t0, boot_root_table
	ENABLE_PAGING t0
	la	t0, secondary_high_addr
	ld	t0, 0(t0)
	jr	t0
secondary_high:
	mv	tp, s0
	/* sp = the top of smp_hart_stacks[hartid] (16 KiB each, smp.c) */
	la	sp, smp_hart_stacks
	addi	t0, s0, 1
	slli	t0, t0, 14
	add	sp, sp, t0
	mv	a0, s0
	call	secondary_main
9:	wfi
	j	9b
	.cfi_endproc

	/* No console driver is up yet: print through the SBI legacy console
	 * (extension 0x01), then shut down (SRST, extension "SRST") with
	 * reason "system failure". */
bad_load_address:
	la	s3, bad_load_msg
6:	lbu	a0, 0(s3)
	beqz	a0, 7f
	li	a7, 0x01
	ecall
	addi	s3, s3, 1
	j	6b
7:	li	a7, 0x53525354
	li	a6, 0
	li	a0, 0
	li	a1, 1
	ecall
8:	wfi
	j	8b

	.section .rodata
bad_load_msg:
	.asciz	"boot: the kernel must be loaded 2 MiB into a 1 GiB-aligned region of RAM, and fit in that GiB\r\n"

	.section .data
	.balign 8
boot_high_addr:
	.dword	boot_high
secondary_high_addr:
	.dword	secondary_high

	.section .bss.boot, "aw", @nobits
	.balign 16
	.globl boot_stack
boot_stack:
	.space	16384
	.globl boot_stack_top
boot_stack_top:
