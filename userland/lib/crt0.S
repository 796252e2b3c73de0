/*
 * crt0.S - where every user program starts.
 *
 * Layer: userland/ (libcalf). It sets gp and tp, runs calf_runtime_init
 * (runtime.c) and the C constructors, then main, then exit() with main's
 * result. The VM server starts a program at its ELF entry with
 *   a0 = VM_USER_ARGS: a page holding  unsigned long argc;
 *        char *argv[argc + 1];  then the strings
 *   sp = VM_USER_STACK_TOP, 16-byte aligned (the stack grows on demand)
 * and every other register zero (not relied on). The ELF loader has
 * already zeroed .bss (memsz beyond filesz), so crt0 does not.
 *
 * The return address is undefined here (call-frame information, kept in
 * .debug_frame: user.ld drops .eh_frame), so gdb's backtrace of a
 * program ends at _start, not in a search for a caller.
 */
	.cfi_sections .debug_frame
	.section .text.crt0.entry, "ax"   /* a dot: no C function can share it */
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	/* gp must be loaded without relaxation: relaxed, `la gp` would be
	 * rewritten to use gp itself, which is not set yet. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop

	/* picolibc keeps errno and friends in thread-local storage,
	 * addressed from tp (RISC-V TLS variant I: tp points at the start
	 * of the TLS block). One thread, so the block is the .tdata/.tbss
	 * image the loader already placed; user.ld defines __tls_base. */
	la	tp, __tls_base

	mv	s0, a0                  /* the argument page; s0 survives calls */
	call	calf_runtime_init
	call	__libc_init_array       /* C constructors */

	ld	a0, 0(s0)               /* argc */
	addi	a1, s0, 8               /* argv */
	slli	a2, a0, 3
	add	a2, a1, a2
	addi	a2, a2, 8               /* envp: an empty list, argv's NULL */
	call	main
	call	exit                    /* flushes stdio, ends in _exit */
1:	j	1b
	.cfi_endproc
	.size _start, . - _start
