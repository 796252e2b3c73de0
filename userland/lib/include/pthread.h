/*
 * pthread.h - the part of POSIX threads calf has: create, join, exit,
 * self, and mutexes, over libcalf's threads (calf.h).
 *
 * Layer: userland/ (libcalf; pthread.c). What it is not:
 *   - no condition variables, read-write locks, thread-specific keys,
 *     cancellation, detach or signals; attributes are the stack size only;
 *   - a mutex is calf_lock.h's: an atomic word and SYS_YIELD while it is
 *     taken (no futex), neither recursive nor error-checking;
 *   - a thread's result is its function's pointer; the process exits
 *     when its last thread ends, with that thread's result & 0xff as
 *     status (calf_thread_join), or when any thread calls exit().
 * malloc and printf may be called from any thread (each thread prints
 * whole lines of its own: runtime.c).
 */
#ifndef USERLAND_PTHREAD_H
#define USERLAND_PTHREAD_H

#include <stddef.h>

#include "calf_lock.h"

struct calf_pthread;
typedef struct calf_pthread *pthread_t;

typedef struct {
	size_t stacksize;        /* 0: VM_THREAD_STACK_DEFAULT */
} pthread_attr_t;

typedef struct {
	struct calf_lock lock;
} pthread_mutex_t;
typedef int pthread_mutexattr_t;   /* no attributes: pass NULL */

#define PTHREAD_MUTEX_INITIALIZER { { 0 } }

/* 0, or EAGAIN (too many threads), ENOMEM, EINVAL. */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg);
/* 0, or ESRCH (not joinable: joined already), EDEADLK (itself), EINVAL. */
int pthread_join(pthread_t thread, void **result);
__attribute__((noreturn)) void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);   /* 0, or EBUSY */
int pthread_mutex_unlock(pthread_mutex_t *m);

#endif
