/*
 * pthread.c - POSIX threads over libcalf's (see pthread.h).
 *
 * Layer: userland/ (libcalf). A pthread_t is a small block of our own
 * (the function, its argument and the kernel's thread id), as in most C
 * libraries: it outlives the thread until pthread_join frees it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "calf.h"

struct calf_pthread {
	long tid;
	void *(*start)(void *);
	void *arg;
};

/* The running thread's block; the first thread's is made on demand. */
static __thread struct calf_pthread *self;

static int errno_of(long r)
{
	switch (r) {
	case -CALF_EAGAIN:
		return EAGAIN;
	case -CALF_ENOMEM:
		return ENOMEM;
	case -CALF_ESRCH:
		return ESRCH;
	case -CALF_EDEADLK:
		return EDEADLK;
	default:
		return EINVAL;
	}
}

static long run(void *p)
{
	struct calf_pthread *t = p;

	self = t;
	return (long)t->start(t->arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg)
{
	struct calf_pthread *t = malloc(sizeof(*t));
	long tid;

	if (!t)
		return EAGAIN;
	t->start = start;
	t->arg = arg;
	t->tid = 0;
	tid = calf_thread_create_stack(run, t, attr ? attr->stacksize : 0);
	if (tid < 0) {
		free(t);
		return errno_of(tid);
	}
	/* The thread may already run (and read its block's start and arg,
	 * set above); only we and pthread_join read tid. */
	t->tid = tid;
	*thread = t;
	return 0;
}

int pthread_join(pthread_t thread, void **result)
{
	long status = 0, r;

	if (thread == pthread_self())
		return EDEADLK;
	r = calf_thread_join(thread->tid, &status);
	if (r < 0)
		return errno_of(r);
	if (result)
		*result = (void *)status;
	free(thread);
	return 0;
}

void pthread_exit(void *result)
{
	calf_thread_exit((long)result);
}

pthread_t pthread_self(void)
{
	if (!self) {
		/* The first thread (or one started with calf_thread_create):
		 * a block for pthread_equal. It is never joined. */
		self = calloc(1, sizeof(*self));
		if (self)
			self->tid = calf_thread_self();
	}
	return self;
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int pthread_attr_init(pthread_attr_t *attr)
{
	attr->stacksize = 0;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size == 0 || size > VM_THREAD_STACK_MAX)
		return EINVAL;
	attr->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = attr->stacksize ? attr->stacksize : VM_THREAD_STACK_DEFAULT;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	(void)attr;
	m->lock.held = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return m->lock.held ? EBUSY : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	calf_lock(&m->lock);
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return calf_trylock(&m->lock) ? 0 : EBUSY;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	calf_unlock(&m->lock);
	return 0;
}
