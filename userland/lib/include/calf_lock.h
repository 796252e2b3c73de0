/*
 * calf_lock.h - a lock for the threads of one process: an atomic word,
 * and SYS_YIELD while another thread holds it.
 *
 * Layer: userland/ (libcalf). calf has no futex: the kernel keeps no
 * wait queue for a word of user memory, so a thread that finds the lock
 * taken spins a little (the holder may be running on another hart and
 * about to let go), then gives its hart away with SYS_YIELD and tries
 * again. That is fair enough for a few threads per hart, the case the
 * C library and the thread tests have; a waiter does burn its time
 * slices while the holder is off the CPU. pthread_mutex (pthread.h) is
 * this lock.
 */
#ifndef USERLAND_CALF_LOCK_H
#define USERLAND_CALF_LOCK_H

#include "calf/syscall.h"

struct calf_lock {
	int held;   /* 0 free, 1 taken */
};

#define CALF_LOCK_SPINS 64

static inline int calf_trylock(struct calf_lock *l)
{
	return __atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void calf_lock(struct calf_lock *l)
{
	while (!calf_trylock(l)) {
		for (int i = 0; i < CALF_LOCK_SPINS && __atomic_load_n(&l->held, __ATOMIC_RELAXED);
		     i++)
			;
		if (__atomic_load_n(&l->held, __ATOMIC_RELAXED))
			calf_yield();
	}
}

static inline void calf_unlock(struct calf_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

#endif
