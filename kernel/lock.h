/*
 * lock.h - the big kernel lock.
 *
 * Layer: kernel/. With several harts the kernel is made correct the simple
 * way (docs/architecture.md, The big kernel lock; seL4's SMP design): one
 * lock, taken on every entry from user mode and by an idle hart that wakes
 * up, and dropped on the way back to user mode. Inside the kernel nothing
 * else needs a lock, and the kernel never waits for anything while it
 * holds it, except for another hart to leave the page table of a thread
 * being killed (thread.c), which that hart does while it spins for the
 * lock.
 *
 * The entries from user mode take the lock in assembly (trap_entry.S,
 * before anything else), and every exit to user mode drops it there,
 * after the last store into the thread that entered (another hart may
 * run that thread, or reuse its slot, as soon as the lock is free). The
 * C functions below are for the other holders: kmain, a starting hart,
 * the idle loop and interrupts taken while idle.
 *
 * The word is page-aligned so that one `lui` forms its address in
 * trap_entry.S (kernel.ld checks): it is on every system call's path.
 */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#ifdef __ASSEMBLER__
/* Drop the lock with release order (an AMO with .rl): every store made
 * under it is visible before another hart can take it. \tmp is scratch.
 * (Taking it is in trap_entry.S: it has a slow path.) */
.macro KERNEL_UNLOCK tmp
	lui	\tmp, %hi(kernel_lock_word)
	amoswap.w.rl zero, zero, (\tmp)
.endm
#else
#include <stdint.h>

extern volatile uint32_t kernel_lock_word;   /* 0 free, else held */

static inline void kernel_lock(void)
{
	while (__atomic_exchange_n(&kernel_lock_word, 1, __ATOMIC_ACQUIRE))
		while (kernel_lock_word)
			;
}

static inline void kernel_unlock(void)
{
	__atomic_store_n(&kernel_lock_word, 0, __ATOMIC_RELEASE);
}
#endif

#endif
