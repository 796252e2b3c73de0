/*
 * threadtest - threads in one process, and copy-on-write while they run
 * on every hart.
 *
 * Layer: userland/ (a test suite; usertests runs it, and make test runs
 * it on one hart and on four, on virt and on sifive_u).
 *
 *  1. a thread runs, returns a result to its joiner, shares memory, has
 *     its own errno and its own stack in a region of its own
 *  2. joins and creates that must fail do, with the error the ABI names
 *  3. ends: the last thread's exit ends the process with its status;
 *     exit() from any thread and a kill end every thread; a runaway
 *     recursion on a thread's stack hits its guard page
 *  4. fork from a thread copies that thread only; exec leaves one
 *  5. pthread_create, pthread_join and a mutex
 *  6. lost writes: one thread per hart increments a page of its own and
 *     a shared one while another thread forks; each child checks that
 *     it got a snapshot (every counter between its values just before
 *     the fork and just after it returned), and in the end no increment
 *     is missing - none lost to a stale TLB entry, a replaced frame or a
 *     torn copy
 *  7. the same while other threads mmap/munmap and move the break, and
 *     children are killed in the middle of their faults
 * After each case the free frames and the processes are back where
 * they were before it.
 *
 *   threadtest [--exit N]    (--exit: end with status N; the exec case)
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "calf.h"
#include "utest.h"

#define PAGE 4096ul
#define KEY_SNAPSHOT 0x7ead5ul
#define MAX_COUNTERS 8

/* ---- helpers ---- */

static unsigned long harts(void)
{
	static struct calf_bootinfo bi;

	if (calf_bootinfo(&bi) < 0 || bi.harts == 0)
		return 1;
	return bi.harts;
}

/* Frames and processes before a case, checked after it. */
struct mark {
	unsigned long frames, procs;
};

static struct mark mark(void)
{
	struct mark m = { calf_stat(VM_STAT_FREE_FRAMES), calf_stat(VM_STAT_PROCS) };

	return m;
}

static void check_back(const char *name, struct mark m)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "%s_leaves_nothing", name);
	if (calf_stat(VM_STAT_FREE_FRAMES) == m.frames && calf_stat(VM_STAT_PROCS) == m.procs) {
		utest_ok(buf);
	} else {
		char why[96];

		snprintf(why, sizeof(why), "free frames %lu -> %lu, processes %lu -> %lu",
			 m.frames, calf_stat(VM_STAT_FREE_FRAMES), m.procs,
			 calf_stat(VM_STAT_PROCS));
		utest_fail(buf, why);
	}
}

/* Run fn in a child process; its exit status, or -1. */
static long in_child(void (*fn)(void))
{
	long pid = calf_fork(), status = -1;

	if (pid == 0) {
		fn();
		calf_exit(0);
	}
	if (pid < 0 || calf_wait(pid, &status) != pid)
		return -1;
	return status;
}

static volatile int go;   /* threads that wait for a signal spin on it */

static long wait_for_go(void *arg)
{
	while (!go)
		calf_yield();
	return (long)arg;
}

static long spin_forever(void *arg)
{
	volatile unsigned long *p = arg;

	for (;;)
		if (p)
			(*p)++;
	return 0;
}

/* ---- 1. basics ---- */

static volatile unsigned long shared_word;

static long returns_arg_plus_one(void *arg)
{
	shared_word = 0x5eed;
	return (long)arg + 1;
}

static long errno_thread(void *arg)
{
	int seen = errno;

	(void)arg;
	errno = 77;
	return seen == 0 && errno == 77 ? 1 : 0;
}

/* The region holding addr: its name, or "" */
static void region_of(unsigned long addr, char name[17])
{
	struct calf_region r;

	name[0] = '\0';
	for (unsigned long i = 0; calf_region(0, i, &r) == 0; i++) {
		if (addr >= r.start && addr < r.end) {
			memcpy(name, r.name, 17);
			return;
		}
	}
}

/* Is this thread's stack in a region of its own? */
static long stack_thread(void *arg)
{
	volatile char here = 0;
	char name[17];

	*(unsigned long *)arg = (unsigned long)&here;
	region_of((unsigned long)&here, name);
	return !strcmp(name, "thread stack");
}

static void test_basics(void)
{
	struct mark m = mark();
	long tid, status = -1;
	unsigned long addr = 0;
	char name[17];

	shared_word = 0;
	tid = calf_thread_create(returns_arg_plus_one, (void *)41);
	UCHECK("create_returns_a_thread_id", tid > 0 && tid != calf_thread_self());
	UCHECK_EQ("join_returns_0", calf_thread_join(tid, &status), 0);
	UCHECK_EQ("join_gives_the_result", status, 42);
	UCHECK_EQ("threads_share_memory", shared_word, 0x5eed);

	errno = 5;
	tid = calf_thread_create(errno_thread, NULL);
	calf_thread_join(tid, &status);
	UCHECK("errno_is_per_thread", status == 1 && errno == 5);

	tid = calf_thread_create(stack_thread, &addr);
	calf_thread_join(tid, &status);
	UCHECK_EQ("stack_in_a_thread_stack_region", status, 1);
	region_of(addr, name);   /* after the join: gone */
	UCHECK("stack_region_gone_after_exit", name[0] == '\0');

	/* Many at once, each joined in turn. */
	long tids[16];
	bool all = true;

	go = 0;
	for (int i = 0; i < 16; i++)
		tids[i] = calf_thread_create(wait_for_go, (void *)(long)(100 + i));
	go = 1;
	for (int i = 0; i < 16; i++)
		all &= tids[i] > 0 && calf_thread_join(tids[i], &status) == 0 && status == 100 + i;
	UCHECK("sixteen_threads_each_joined", all);
	check_back("basics", m);
}

/* ---- 2. errors ---- */

static long join_target;
static volatile int joiners_started;

/* Join join_target: its result, or -100 - error. */
static long joins_target(void *arg)
{
	long status = -1, r;

	(void)arg;
	__atomic_fetch_add(&joiners_started, 1, __ATOMIC_RELAXED);
	r = calf_thread_join(join_target, &status);
	return r == 0 ? status : -100 + r;
}

/* Joins the thread named by *arg once it is held joining us: a cycle. */
static volatile int cycle_go;

static long joins_back(void *arg)
{
	long status;

	while (!cycle_go)
		calf_yield();
	calf_sleep(3);   /* by now the other is held in its join of us */
	return calf_thread_join(*(long *)arg, &status);
}

static void test_errors(void)
{
	struct mark m = mark();
	long tid, other, status, tids[VM_THREADS_PER_PROC];
	int n = 0;

	UCHECK_EQ("join_self_refused", calf_thread_join(calf_thread_self(), &status),
		  -CALF_EINVAL);
	UCHECK_EQ("join_unknown_refused", calf_thread_join(0x12345, &status), -CALF_ESRCH);
	UCHECK_EQ("stack_too_large_refused",
		  calf_thread_create_stack(wait_for_go, NULL, VM_THREAD_STACK_MAX + PAGE),
		  -CALF_EINVAL);
	tid = calf_thread_create(wait_for_go, (void *)3);
	calf_thread_join(tid, &status);
	UCHECK_EQ("join_twice_refused", calf_thread_join(tid, &status), -CALF_ESRCH);

	/* Two joiners for one thread: whichever comes second is refused,
	 * the first gets the result. */
	go = 0;
	joiners_started = 0;
	join_target = calf_thread_create(wait_for_go, (void *)9);
	tid = calf_thread_create(joins_target, NULL);
	other = calf_thread_create(joins_target, NULL);
	/* Both about to call; two ticks more and both calls have reached
	 * the VM server (the target cannot end before go). */
	while (joiners_started < 2)
		calf_yield();
	calf_sleep(2);
	go = 1;
	long r1 = -1, r2 = -1;

	calf_thread_join(tid, &r1);
	calf_thread_join(other, &r2);
	UCHECK("second_joiner_refused_first_gets_result",
	       (r1 == 9 && r2 == -100 - CALF_EINVAL) || (r2 == 9 && r1 == -100 - CALF_EINVAL));

	/* A cycle of joins would hold both for ever: the second is refused
	 * (POSIX's EDEADLK), the first then gets its result. */
	long main_tid = calf_thread_self(), back, back_status = 0;

	cycle_go = 0;
	back = calf_thread_create(joins_back, &main_tid);
	cycle_go = 1;
	UCHECK_EQ("join_cycle_first_waits", calf_thread_join(back, &back_status), 0);
	UCHECK_EQ("join_cycle_second_edeadlk", back_status, -CALF_EDEADLK);

	/* A thread of another process is no thread of ours. */
	long parent_tid = calf_thread_self();
	long pid = calf_fork();

	if (pid == 0)
		calf_exit(calf_thread_join(parent_tid, &status) == -CALF_ESRCH ? 0 : 1);
	status = -1;
	calf_wait(pid, &status);
	UCHECK_EQ("join_other_process_refused", status, 0);

	/* VM_THREADS_PER_PROC threads, this one included, then no more. */
	go = 0;
	while (n < VM_THREADS_PER_PROC) {
		tids[n] = calf_thread_create(wait_for_go, NULL);
		if (tids[n] < 0)
			break;
		n++;
	}
	UCHECK_EQ("threads_up_to_the_limit", n, VM_THREADS_PER_PROC - 1);
	UCHECK_EQ("one_more_refused", n < VM_THREADS_PER_PROC ? tids[n] : 0, -CALF_EAGAIN);
	go = 1;
	for (int i = 0; i < n; i++)
		calf_thread_join(tids[i], NULL);
	tid = calf_thread_create(wait_for_go, NULL);
	UCHECK("joined_threads_make_room", tid > 0 && calf_thread_join(tid, NULL) == 0);
	check_back("errors", m);
}

/* ---- 3. how a threaded process ends ---- */

static long returns_7_later(void *arg)
{
	(void)arg;
	while (!go)
		calf_yield();
	calf_sleep(2);   /* the first thread has ended by now */
	return 7;
}

static void last_thread_ends_process(void)
{
	go = 0;
	calf_thread_create(returns_7_later, NULL);
	go = 1;
	calf_thread_exit(0);   /* not the last: the process goes on */
}

static long exits_5(void *arg)
{
	(void)arg;
	calf_sleep(1);
	exit(5);
}

static void exit_from_a_thread(void)
{
	static volatile unsigned long spins[3];

	for (int i = 0; i < 3; i++)
		calf_thread_create(spin_forever, (void *)&spins[i]);
	calf_thread_create(exits_5, NULL);
	spin_forever(NULL);
}

static long stores_forever(void *arg)
{
	volatile char *mem = arg;

	for (unsigned long i = 0;; i++)
		mem[(i * PAGE) % (64 * PAGE)] = (char)i;
	return 0;
}

static void threads_until_killed(void)
{
	char *mem = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	for (int i = 0; i < 4; i++)
		calf_thread_create(stores_forever, mem);
	spin_forever(NULL);
}

/* Through a pointer the compiler cannot see through: it would refuse
 * (rightly) a recursion it can tell never ends. */
static long recurse(void *arg);
static long (*volatile recurse_again)(void *) = recurse;

static long recurse(void *arg)
{
	volatile char frame[512];

	frame[0] = (char)(long)arg;
	return recurse_again((void *)((long)arg + 1)) + frame[0];
}

static void overflow_a_thread_stack(void)
{
	long tid = calf_thread_create_stack(recurse, NULL, 16 * 1024), status;

	calf_thread_join(tid, &status);
	calf_exit(1);   /* not reached: the overflow kills the process */
}

/* ---- a page unmapped under a thread that stores into it ---- */

/* munmap frees the frame first and flushes every hart after: until the
 * flush, the storing thread on another hart still writes into the freed
 * frame. Nothing the VM server relies on may live there (the free
 * list's links do not): the stores are a bogus physical address, which
 * the VM server would have taken as the next free frame, and faulted. */
static volatile uint64_t *unmapped_page;

static long stores_into_page(void *arg)
{
	(void)arg;
	for (;;)
		for (int i = 0; i < 512; i++)
			unmapped_page[i] = 0x5a5a5a5a5a5a5000ul;
	return 0;
}

static void unmap_under_a_store(void)
{
	unmapped_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	if (unmapped_page == MAP_FAILED)
		calf_exit(1);
	unmapped_page[0] = 1;
	if (calf_thread_create(stores_into_page, NULL) < 0)
		calf_exit(1);
	for (int i = 0; i < 20; i++)   /* let it run, on another hart if there is one */
		calf_yield();
	munmap((void *)unmapped_page, PAGE);
	/* The storing thread faults on its next store after the flush. */
	for (;;)
		calf_yield();
}

static void test_unmap_under_a_store(void)
{
	struct mark m = mark();
	int killed = 0, frames_ok = 1;

	for (int round = 0; round < 8; round++) {
		killed += in_child(unmap_under_a_store) == VM_STATUS_KILLED + 11;
		/* Take frames off the free list and give them back: a link
		 * overwritten by the stores would be followed now. */
		volatile uint8_t *p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			frames_ok = 0;
			continue;
		}
		for (int i = 0; i < 64; i++)
			p[i * PAGE] = (uint8_t)i;
		munmap((void *)p, 64 * PAGE);
	}
	UCHECK_EQ("unmap_under_a_store_kills_the_storer", killed, 8);
	UCHECK("unmap_under_a_store_frames_still_fine", frames_ok);
	check_back("unmap_under_a_store", m);
}

static void test_endings(void)
{
	struct mark m = mark();
	long pid, status = -1;

	UCHECK_EQ("last_thread_exit_is_process_exit", in_child(last_thread_ends_process), 7);
	UCHECK_EQ("exit_from_any_thread_ends_all", in_child(exit_from_a_thread), 5);

	pid = calf_fork();
	if (pid == 0)
		threads_until_killed();
	calf_sleep(3);
	UCHECK_EQ("kill_a_threaded_process", calf_kill(pid), 0);
	calf_wait(pid, &status);
	UCHECK_EQ("kill_ends_every_thread", status, VM_STATUS_KILLED + 9);

	UCHECK_EQ("thread_stack_overflow_hits_guard", in_child(overflow_a_thread_stack),
		  VM_STATUS_KILLED + 11);
	check_back("endings", m);
}

/* ---- 4. fork and exec with threads ---- */

static volatile unsigned long ticker;

static volatile unsigned long child_marker;   /* only children store to it */

static long forks_from_a_thread(void *arg)
{
	long pid, status = -1;

	(void)arg;
	pid = calf_fork();
	if (pid == 0) {
		child_marker = 0xdead;   /* a store of the child's own */
		calf_exit(child_marker == 0xdead ? 0 : 1);
	}
	if (pid < 0 || calf_wait(pid, &status) != pid)
		return -1;
	return status;
}

static long counts_ticker(void *arg)
{
	(void)arg;
	while (!go)
		ticker++;
	return 0;
}

/* The child of forks_from_a_thread checks that nothing else runs. */
static long child_sees_one_thread(void *arg)
{
	long pid, status = -1;

	(void)arg;
	pid = calf_fork();
	if (pid == 0) {
		unsigned long t0 = ticker;

		calf_sleep(3);
		calf_exit(ticker == t0 ? 0 : 1);
	}
	if (pid < 0 || calf_wait(pid, &status) != pid)
		return -1;
	return status;
}

static void exec_with_threads(void)
{
	const char *argv[] = { "threadtest", "--exit", "3", NULL };

	for (int i = 0; i < 3; i++)
		calf_thread_create(spin_forever, NULL);
	calf_exec(argv);
	calf_exit(1);
}

static void test_fork_exec(void)
{
	struct mark m = mark();
	long counter, forker, status = -1;

	go = 0;
	ticker = 0;
	counter = calf_thread_create(counts_ticker, NULL);
	while (ticker == 0)
		calf_yield();
	forker = calf_thread_create(child_sees_one_thread, NULL);
	calf_thread_join(forker, &status);
	UCHECK_EQ("fork_copies_the_calling_thread_only", status, 0);
	forker = calf_thread_create(forks_from_a_thread, NULL);
	calf_thread_join(forker, &status);
	UCHECK_EQ("fork_from_a_thread_child_runs", status, 0);
	go = 1;
	calf_thread_join(counter, NULL);
	UCHECK_EQ("child_stores_not_seen_by_parent", child_marker, 0);
	UCHECK_EQ("exec_from_a_threaded_process", in_child(exec_with_threads), 3);
	check_back("fork_exec", m);
}

/* ---- 5. pthreads ---- */

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long plain_counter;   /* not atomic: only the mutex keeps it right */
#define MUTEX_ROUNDS 20000

static void *mutex_worker(void *arg)
{
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		pthread_mutex_lock(&mutex);
		plain_counter++;
		pthread_mutex_unlock(&mutex);
	}
	return arg;
}

static void *self_worker(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return NULL;
}

static void test_pthreads(void)
{
	struct mark m;
	pthread_t t[4], seen;
	pthread_attr_t attr;
	void *result;
	bool ok = true;
	size_t size;

	m = mark();
	plain_counter = 0;
	for (int i = 0; i < 4; i++)
		ok &= pthread_create(&t[i], NULL, mutex_worker, (void *)(long)i) == 0;
	for (int i = 0; i < 4; i++)
		ok &= pthread_join(t[i], &result) == 0 && result == (void *)(long)i;
	UCHECK("pthread_create_and_join", ok);
	UCHECK_EQ("pthread_mutex_counts_every_increment", plain_counter, 4 * MUTEX_ROUNDS);
	UCHECK_EQ("pthread_mutex_trylock_taken", (pthread_mutex_lock(&mutex),
						  pthread_mutex_trylock(&mutex)), EBUSY);
	pthread_mutex_unlock(&mutex);
	pthread_attr_init(&attr);
	UCHECK_EQ("pthread_attr_stack_too_large", pthread_attr_setstacksize(&attr, 1ul << 40),
		  EINVAL);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_getstacksize(&attr, &size);
	ok = pthread_create(&t[0], &attr, self_worker, &seen) == 0;
	ok &= pthread_join(t[0], NULL) == 0;
	UCHECK("pthread_self_is_the_created_thread", ok && pthread_equal(seen, t[0]) && size == 256 * 1024);
	UCHECK("pthread_self_of_the_first_thread", pthread_equal(pthread_self(), pthread_self()));
	UCHECK_EQ("pthread_join_self", pthread_join(pthread_self(), NULL), EDEADLK);
	check_back("pthreads", m);
}

/* ---- 6 and 7. lost writes ---- */

/* Each counter on a page of its own: a store to it after a fork is a
 * copy-on-write fault of its own. */
struct counter_page {
	volatile uint64_t value;
	uint64_t pad[PAGE / 8 - 1];
} __attribute__((aligned(4096)));

static struct counter_page counters[MAX_COUNTERS];
static struct counter_page shared_counter;
static unsigned long ncounters, rounds;
static volatile int counters_running;

static long count(void *arg)
{
	unsigned long i = (unsigned long)arg;

	for (unsigned long n = 1; n <= rounds; n++) {
		counters[i].value = n;   /* only this thread writes it */
		__atomic_fetch_add(&shared_counter.value, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_sub(&counters_running, 1, __ATOMIC_RELEASE);
	return 0;
}

/* What the forking thread records; the children check it. */
struct fork_stats {
	unsigned long forks, snapshot_bad, child_failed, killed;
};

/* The child: report what it sees (counters, then the shared one) to
 * the parent, four words a message, then store into every counter. */
static void report_snapshot(void)
{
	long ep = calf_rendezvous(KEY_SNAPSHOT);
	struct calf_msg msg;

	for (unsigned long first = 0; first <= ncounters; first += 4) {
		memset(&msg, 0, sizeof(msg));
		msg.mr[0] = first;
		for (unsigned long k = 0; k < 4 && first + k <= ncounters; k++)
			msg.mr[1 + k] = first + k < ncounters ? counters[first + k].value
							      : shared_counter.value;
		if (ep < 0 || calf_call(ep, &msg) < 0)
			calf_exit(2);
	}
	for (unsigned long i = 0; i < ncounters; i++)
		counters[i].value = 0xdeadbeef;
	shared_counter.value = 0xdeadbeef;
	calf_exit(0);
}

static bool stress_extras;   /* case 7 */

/* Fork until every counter has finished (and at least a few times);
 * check each child's snapshot. In case 7, every third child is killed
 * at once instead, while it faults its way through its stores. */
static long forker(void *arg)
{
	struct fork_stats *st = arg;
	long ep = calf_rendezvous(KEY_SNAPSHOT);
	uint64_t before[MAX_COUNTERS + 1], after[MAX_COUNTERS + 1];

	if (ep < 0)
		return -1000 + ep;   /* the status tells which step failed */
	while (__atomic_load_n(&counters_running, __ATOMIC_ACQUIRE) > 0 || st->forks < 16) {
		bool kill_it = stress_extras && st->forks % 3 == 2;
		long pid, status = -1;

		for (unsigned long i = 0; i < ncounters; i++)
			before[i] = counters[i].value;
		before[ncounters] = shared_counter.value;
		pid = calf_fork();
		if (pid == 0) {
			if (kill_it)
				for (unsigned long i = 0;; i++)   /* stores, faulting, until killed */
					counters[i % ncounters].value = i;
			report_snapshot();
		}
		if (pid < 0)
			return -2000 + pid;
		for (unsigned long i = 0; i < ncounters; i++)
			after[i] = counters[i].value;
		after[ncounters] = shared_counter.value;
		st->forks++;
		if (kill_it) {
			calf_kill(pid);
			st->killed++;
		} else {
			for (unsigned long first = 0; first <= ncounters; first += 4) {
				struct calf_msg msg;

				long r = calf_recv(ep, &msg);

				if (r < 0)
					return -3000 + r;
				for (unsigned long k = 0; k < 4 && first + k <= ncounters; k++) {
					uint64_t v = msg.mr[1 + k];

					if (msg.mr[0] != first || v < before[first + k] ||
					    v > after[first + k])
						st->snapshot_bad++;
				}
				calf_reply(&msg);
			}
		}
		if (calf_wait(pid, &status) != pid || (!kill_it && status != 0) ||
		    (kill_it && status != VM_STATUS_KILLED + 9))
			st->child_failed++;
	}
	return 0;
}

/* Case 7's extra threads: map, fill, check and unmap; move the break
 * up and down. Each returns the number of times its data was wrong. */
static volatile int extras_stop;

static long mapper(void *arg)
{
	long bad = 0;

	(void)arg;
	while (!extras_stop) {
		volatile uint64_t *m = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return -1;
		for (unsigned long w = 0; w < 16 * PAGE / 8; w += 64)
			m[w] = w ^ 0x5a5a;
		for (unsigned long w = 0; w < 16 * PAGE / 8; w += 64)
			bad += m[w] != (w ^ 0x5a5a);
		munmap((void *)m, 16 * PAGE);
	}
	return bad;
}

static long breaker(void *arg)
{
	long bad = 0;

	(void)arg;
	while (!extras_stop) {
		long old = calf_sbrk(8 * PAGE);
		volatile uint64_t *m = (volatile uint64_t *)old;

		if (old < 0)
			return -1;
		for (unsigned long w = 0; w < 8 * PAGE / 8; w += 64)
			m[w] = w + 1;
		for (unsigned long w = 0; w < 8 * PAGE / 8; w += 64)
			bad += m[w] != w + 1;
		calf_sbrk(-(long)(8 * PAGE));
	}
	return bad;
}

static void lost_writes(const char *name, bool extras)
{
	struct mark m;
	struct fork_stats st = { 0 };
	long tids[MAX_COUNTERS], ftid, mtid = -1, btid = -1, status, fstatus, bad = 0;
	bool exact = true;
	char buf[64];

	ncounters = harts();
	if (ncounters > MAX_COUNTERS)
		ncounters = MAX_COUNTERS;
	rounds = 2000000 / ncounters;   /* two million increments of the shared one */
	/* Stores to the counters first: their pages get frames now, not
	 * within the case. */
	for (unsigned long i = 0; i < ncounters; i++)
		counters[i].value = 0;
	shared_counter.value = 0;
	m = mark();
	stress_extras = extras;
	extras_stop = 0;
	counters_running = (int)ncounters;
	if (extras) {
		mtid = calf_thread_create(mapper, NULL);
		btid = calf_thread_create(breaker, NULL);
	}
	ftid = calf_thread_create(forker, &st);
	for (unsigned long i = 0; i < ncounters; i++)
		tids[i] = calf_thread_create(count, (void *)i);
	for (unsigned long i = 0; i < ncounters; i++)
		calf_thread_join(tids[i], NULL);
	fstatus = -1;
	calf_thread_join(ftid, &fstatus);
	extras_stop = 1;
	if (extras) {
		calf_thread_join(mtid, &bad);
		calf_thread_join(btid, &status);
		bad = bad != 0 || status != 0;
	}
	for (unsigned long i = 0; i < ncounters; i++)
		exact &= counters[i].value == rounds;
	printf("%s: %lu counting threads x %lu rounds, %lu forks (%lu killed)\n", name,
	       ncounters, rounds, st.forks, st.killed);
	snprintf(buf, sizeof(buf), "%s_forker_ran", name);
	UCHECK_EQ(buf, fstatus, 0);
	snprintf(buf, sizeof(buf), "%s_children_saw_snapshots", name);
	UCHECK_EQ(buf, st.snapshot_bad, 0);
	snprintf(buf, sizeof(buf), "%s_children_ended_as_expected", name);
	UCHECK_EQ(buf, st.child_failed, 0);
	snprintf(buf, sizeof(buf), "%s_no_own_increment_lost", name);
	UCHECK(buf, exact);
	snprintf(buf, sizeof(buf), "%s_no_shared_increment_lost", name);
	UCHECK_EQ(buf, shared_counter.value, ncounters * rounds);
	if (extras) {
		snprintf(buf, sizeof(buf), "%s_mmap_and_sbrk_data_intact", name);
		UCHECK_EQ(buf, bad, 0);
	}
	check_back(name, m);
}

/* Give every page of this program's data a frame before the first
 * count: a first store within a case is no leak of that case. */
static void touch_data(void)
{
	for (int i = 0; i < MAX_COUNTERS; i++)
		counters[i].value = 0;
	shared_counter.value = 0;
	ticker = 0;
	child_marker = 0;
	shared_word = 0;
	plain_counter = 0;
	go = 0;
}

int main(int argc, char **argv)
{
	calf_usage(argc, argv, "[--exit N]",
		   "threads in one process; copy-on-write while they run on every hart");
	if (argc == 3 && !strcmp(argv[1], "--exit"))
		return atoi(argv[2]);   /* the exec case's program */
	if (argc > 1)
		return calf_usage_error();
	/* Warm up what the cases use once (the data's pages, the heap's
	 * first page for pthread blocks, the rendezvous endpoint, the boot
	 * information): not a leak of the suite. */
	touch_data();
	calf_rendezvous(KEY_SNAPSHOT);
	/* The first thread's pthread block (made on first use, kept), and
	 * the heap's room for four more, which free() keeps for reuse. */
	pthread_t t[4], seen;

	(void)pthread_self();
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, self_worker, &seen);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("threadtest: %lu harts\n", harts());
	utest_begin("threadtest");
	test_basics();
	test_errors();
	test_endings();
	test_fork_exec();
	test_unmap_under_a_store();
	test_pthreads();
	lost_writes("counters_while_forking", false);
	lost_writes("counters_with_mmap_sbrk_kills", true);
	return utest_end();
}
