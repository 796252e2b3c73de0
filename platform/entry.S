/*
 * entry.S - the first instructions: Image header, boot page table, jump
 * to the upper half, call kmain.
 *
 * Layer: platform/. OpenSBI (fw_dynamic or fw_jump) and U-Boot's booti
 * all enter here in S-mode with the MMU off: a0 = hart id, a1 = physical
 * address of the device tree. One hart is meant to arrive, and the
 * kernel sends the others here with SBI HSM once it has read the device
 * tree; the firmware may let one in unasked, at any time. The kernel
 * does not count on any order: the first hart here wins the boot
 * lottery (platform/lottery.h) and boots; every later one waits,
 * touching nothing, until the kernel lets it in as a secondary.
 *
 * The image is linked at KERNEL_VMA (upper half) but runs here at its
 * physical load address. Code built with -mcmodel=medany reaches data
 * PC-relative, so until paging is on, `la` yields physical addresses.
 */
#include "platform/memlayout.h"

#define SIE_SSIE 0x2    /* sie/sip bit 1: supervisor software interrupt */
#define SSTATUS_SIE 0x2 /* sstatus bit 1: S-mode interrupts on */

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

	/* The boot lottery, before any store to memory: the first hart to
	 * add 1 finds 0 and boots; any other waits (late_arrival). The
	 * word is in .data: the winner's bss clear below cannot reset it. */
	la	t0, boot_lottery
	li	t1, 1
	amoadd.w.aqrl t1, t1, (t0)
	bnez	t1, late_arrival

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
 * late_arrival: every hart but the lottery's winner (a0 = its hart id,
 * MMU off): the other harts, which the kernel sends here itself early in
 * its boot (smp_gather), and any hart the firmware lets in unasked
 * (platform/lottery.h). The kernel may be anywhere in its boot, or long
 * past it: this hart writes nothing but its bit in boot_late_harts, and
 * waits, asleep, until the kernel sets that bit in boot_gate_harts
 * (smp_start); then it goes on as a secondary. A hart the kernel does
 * not run on never sees its bit: it is parked.
 */
late_arrival:
	li	t0, 64                  /* the masks have a bit for ids 0..63 */
	bgeu	a0, t0, park
	mv	s0, a0
	li	s1, 1
	sll	s1, s1, a0              /* this hart's bit */
	la	t0, boot_late_harts
	/* "Here": ordered before the reads of the gate below (.aqrl), so
	 * either this hart sees the gate open or the kernel, which opens it
	 * and then reads boot_late_harts, sees this bit and sends an IPI. */
	amoor.d.aqrl zero, s1, (t0)
	csrci	sstatus, SSTATUS_SIE    /* an IPI ends the wfi, and traps nowhere */
	li	t0, SIE_SSIE
	csrw	sie, t0
	la	s2, boot_gate_harts
1:	csrci	sip, SIE_SSIE           /* clear first: an IPI sent after this ends the wfi */
	ld	t0, 0(s2)
	and	t0, t0, s1
	bnez	t0, secondary
	wfi
	j	1b

/* A hart with nothing to do, for good: interrupts off. wfi has nothing
 * to end it on most cores; the loop is for those where it ends anyway. */
park:
	csrw	sie, zero
3:	wfi
	j	3b

/*
 * secondary: through the gate, s0 = hart id. Reuse the boot page table
 * (it maps this code both where it runs and where it is linked), jump
 * to the upper half, and call secondary_main on the hart's own stack.
 */
secondary:
	.cfi_startproc
	.cfi_undefined ra
	fence	r, rw                   /* what the kernel wrote before opening the gate */
	csrw	sie, zero
	csrw	sip, zero
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
	/* The boot lottery's words (platform/lottery.h): initialized data,
	 * so that they survive the bss clear and read as 0 before it. */
	.balign 8
	.globl boot_late_harts, boot_gate_harts, boot_lottery
boot_late_harts:
	.dword	0
boot_gate_harts:
	.dword	0
boot_lottery:
	.word	0
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
