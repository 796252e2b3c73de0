/*
 * crt0.S - where every user program starts.
 *
 * Layer: userland/ (libcalf). It sets gp and tp, runs calf_runtime_init
 * (runtime.c) and the C constructors, then main, then exit() with main's
 * result. Threads the program starts later begin at calf_thread_entry,
 * at the end of this file. The VM server starts a program at its ELF entry with
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

	mv	s0, a0                  /* the argument page; s0 survives calls */

	/* picolibc keeps errno and friends in thread-local storage,
	 * addressed from tp (RISC-V TLS variant I: tp points at the start
	 * of the block). This thread's block goes on the stack, a copy of
	 * the template user.ld places, which stays untouched for the
	 * threads started later. */
	la	t0, __tls_block_size
	sub	sp, sp, t0
	mv	a0, sp
	call	calf_tls_init           /* uses no thread-local data itself */
	mv	tp, a0

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

/*
 * calf_thread_entry - where every thread started by calf_thread_create
 * (thread.c) begins, with a0 = its function, a1 = its argument and sp at
 * the top of the stack the VM server made for it (VM_THREAD_CREATE); no
 * other register is set. Like _start it sets gp; calf_thread_main gives
 * the thread its thread-local block, runs the function and ends the
 * thread with its result.
 */
	.text
	.globl calf_thread_entry
	.type calf_thread_entry, @function
calf_thread_entry:
	.cfi_startproc
	.cfi_undefined ra
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	call	calf_thread_main        /* never returns */
1:	j	1b
	.cfi_endproc
	.size calf_thread_entry, . - calf_thread_entry
