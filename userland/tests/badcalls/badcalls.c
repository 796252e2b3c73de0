/*
 * badcalls - bad system calls and bad programs: nothing a program asks
 * for may crash the kernel or the VM server.
 *
 * Layer: userland/. Starts `faulter` from the boot archive (and execs
 * `threadtest --exit 77` only in blocks that must be refused).
 *
 *   badcalls [SEED [CALLS [FIRST [ROUNDS]]]]
 *
 * (1) The fuzzer. CALLS (default 4000) random system calls, call number
 *     FIRST (default 0) onwards, of the random sequence SEED (default 1):
 *     known and unknown numbers, privileged ones, arguments drawn from
 *     pools of bad values (pointers into the kernel half, unmapped, not
 *     canonical, misaligned, read-only; huge and wrapping lengths; dead
 *     handles and thread ids, and threads of another process, one of
 *     them owed a reply by the VM server), and requests to the VM server
 *     with junk arguments (calls on handle CALF_HANDLE_VM). Some calls
 *     work on real things, a few requests each with every result known:
 *     munmap of part of a region just mmapped (either end, the middle,
 *     lengths that are no page multiple, that wrap or overrun), merge
 *     advice on real heap and mmap ranges (on and off, past the
 *     region's end, after the range was unmapped), and spawn or exec of
 *     real programs with argument blocks at VM_ARGS_MAX and the args
 *     page's limits, one byte over, without the final NUL, or running
 *     into an unmapped page. Every call must fail with an error, or
 *     succeed where success is harmless, and nothing may panic. Call i
 *     depends on SEED and i only, so a failure is replayed alone with
 *     `badcalls SEED 1 i`.
 *
 *     The fuzzer runs in children: some calls rightly end the caller
 *     (SYS_THREAD_EXIT, VM_EXIT, VM_KILL of itself). The parent works
 *     out in advance where those "fatal" calls fall in the sequence and
 *     runs each stretch of calls up to one in a child of its own, then
 *     checks that child's status: the one the fatal call must give, or 0
 *     at the end of the sequence. A child that saw a wrong result prints
 *     it and exits with 1 instead of making its fatal call.
 *
 * (2) Programs that do illegal things (wild store, store to text,
 *     execute data, jump to a kernel address, illegal instruction, ...)
 *     are killed with a message from the VM server, each one's status
 *     is VM_STATUS_KILLED + the signal, and we go on. Some run as
 *     `faulter MODE`, spawned; the others are forked and do it inline.
 *
 * (3) Two IPC abuses of the VM server's endpoint that the fuzzer must
 *     leave out because they disturb other processes when they are not
 *     refused (see the comments there), each in a contained scenario.
 *     Parts (2) and (3) are in abuse.c.
 *
 * (4) Races (ROUNDS rounds, default 16, about 2 s; 0 leaves them out):
 *     in a child of several threads, one maps and unmaps a few pages
 *     (mmap, munmap, sbrk up and down) while the others make system
 *     calls and requests with buffers in those pages, create and join
 *     threads, and in every other round store into the pages. Nothing
 *     may panic or hang, every result must be an allowed one, and the
 *     frames and processes must come back (races.c). Needs
 *     several harts to find anything; passes on one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calf.h"
#include "utest.h"
#include "badcalls.h"
#include "../proctests/child.h"

/* The one rendezvous key the fuzzer may use: the VM server keeps at
 * most 16 keys for the life of the system (vm/rendezvous.c), so random
 * keys would use them up for every later program. */
#define BADCALLS_KEY 0xbadca11ul

/* ---- random numbers: splitmix64, seeded per call ---- */

uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	return splitmix(&rnd_state);
}

static unsigned long pick_n(unsigned long n)
{
	return (unsigned long)(rnd() % n);
}

#define PICK(pool) ((pool)[pick_n(sizeof(pool) / sizeof((pool)[0]))])

/* ---- what the calls point at ---- */

/* Writable and mapped: the only memory the kernel may write for us
 * here. Three pages, so scratch + any offset below 2 pages has room
 * for a struct calf_bootinfo. */
unsigned long scratch[3 * PAGE / sizeof(unsigned long)] __attribute__((aligned(4096)));

/* An argument block for VM_SPAWN and VM_EXEC that names no program:
 * bytes 0xff, no NUL at all. */
static unsigned char junk_block[VM_ARGS_MAX + 64];

/* Read-only memory: text and rodata. The kernel must not write them. */
const unsigned long rodata_words[4] = { 1, 2, 3, 4 };

/* Set in each fuzzer child before it starts; the values the calls may
 * return or name (0 in the parent, which only looks at call kinds). */
static long self_tid, self_pid, parent_pid;
static unsigned long timebase, stack_deep;

/* Threads of another process, for SYS_REPLY_TO, set in the parent
 * before the first fuzzer child: the parent's first thread (blocked in
 * its requests to the VM server now and then), and one of its threads
 * that waits the whole time in a join the VM server holds - a caller
 * owed a reply, but not by a fuzzer child (test_fuzz). */
static long parent_tid, held_tid;
#define VM_SERVER_TID 257   /* the first thread the kernel made: slot 1, generation 1 */

/* Addresses nothing is mapped at, and that no system call or request
 * may read or write. 8-byte aligned (misalignment is added apart). */
static const unsigned long bad_ptrs[] = {
	0, 8, 0x1000, 0xff8,                       /* page 0, page 1 (below text) */
	0x3000000000ul,                            /* user space, no region */
	0x1000000000ul,                            /* the mmap area, nothing mapped */
	0x3ffffffff8ul,                            /* the last user word, unmapped */
	VM_USER_STACK_TOP - VM_USER_STACK_MAX - PAGE, /* the stack guard page */
	0x4000000000ul, 0x4000000008ul,            /* just past user space */
	0x7ffffffff8ul, 0x8000000000ul,            /* not canonical in Sv39 */
	0x0000800000000000ul, 0x8000000000000000ul,
	0xffffffc000000000ul,                      /* the kernel's direct map */
	0xffffffff80200000ul,                      /* the kernel image */
	0xfffffffffffff000ul, 0xfffffffffffffff8ul,
};

/* Lengths, from harmless to absurd. */
static const unsigned long lengths[] = {
	0, 1, 7, 8, 64, 1023, 1024, 1025, 4096, 1ul << 20, 1ul << 32, 1ul << 39,
	1ul << 40, 1ul << 62, ~0ul, ~0ul - 7, 0x4000000000ul, 0x8000000000000000ul,
};

/* Handles that name nothing in a fuzzer child: it holds only handle 0
 * (the VM server, left out here) and closes each one it makes at once.
 * 1ul << 32 would be handle 0 to a kernel that cut handles to 32 bits. */
static const long bad_handles[] = {
	-1, -2, 1, 2, 5, 16, 31, 32, 33, 255, 1000, 1l << 32, (1l << 32) + 1,
	0x7fffffffffffffffl, (long)0x8000000000000000ul,
};

/* Any number at all, for arguments that are not pointers. */
static long junk_number(void)
{
	static const long fixed[] = {
		0, 1, 2, 3, 31, 32, 255, 256, 257, 0x1ff, 0x7fffffff, 0x80000000l,
		-1, -2, 1l << 32, 0x7fffffffffffffffl, (long)0x8000000000000000ul,
	};

	switch (pick_n(4)) {
	case 0:
		return (long)rnd();
	case 1:
		return (long)PICK(bad_ptrs);
	default:
		return PICK(fixed);
	}
}

/* ---- one call: what it is, and what it may return ---- */

enum op {
	OP_SYSCALL,      /* a system call: nr, a[0..5] */
	OP_ENDPOINT,     /* SYS_ENDPOINT_CREATE, then close what it gave */
	OP_VM,           /* a VM-server request: m.mr[] = a[0..5] */
	OP_VM_RENDEZVOUS,/* ... VM_RENDEZVOUS: close the handle it gave */
	OP_VM_SBRK,      /* ... VM_SBRK: move the break back after */
	OP_VM_MMAP,      /* ... VM_MMAP: unmap what it gave */
	OP_VM_FORK,      /* ... VM_FORK with junk arguments: the child exits 0 */
	/* real memory and real programs: a few requests each, every
	 * result known in advance (parameters in x[]) */
	OP_MUNMAP_REAL,  /* VM_MUNMAP of part of a region just mmapped */
	OP_ADVISE_REAL,  /* VM_MERGE_ADVISE on the heap or an mmap region */
	OP_ARGS_REAL,    /* VM_SPAWN / VM_EXEC of argument blocks at the limits */
	/* fatal: the caller ends */
	OP_THREAD_EXIT,  /* SYS_THREAD_EXIT(a[0]) */
	OP_VM_EXIT,      /* VM_EXIT(a[1]): the status must reach wait */
	OP_KILL_SELF,    /* VM_KILL(own pid): killed, VM_STATUS_KILLED + 9 */
};

#define ERR(e) (1ull << (e))   /* a set of allowed CALF_E* codes */

struct call {
	enum op op;
	long nr;          /* system call number (OP_SYSCALL) */
	long a[6];        /* a0..a5, or MR0..MR5 of a VM request */
	int exact;        /* the result must be `want` */
	long want;
	int nonneg_ok;    /* any result >= 0 is fine */
	uint64_t errs;    /* these -errors are fine */
	long x[6];        /* what an OP_*_REAL does (see its runner) */
};

static int is_fatal(enum op op)
{
	return op >= OP_THREAD_EXIT;
}

static void want_exact(struct call *c, long v)
{
	c->exact = 1;
	c->want = v;
}

/* A pointer the kernel may write a struct calf_bootinfo to. */
static unsigned long good_out_ptr(void)
{
	if (pick_n(4) == 0 && stack_deep)
		return stack_deep - 8 * pick_n(512);   /* untouched stack: mapped on demand */
	return (unsigned long)scratch + 8 * pick_n(PAGE / 8 * 2 - 128);
}

static unsigned long read_only_ptr(void)
{
	return pick_n(2) ? (unsigned long)(uintptr_t)&splitmix & ~7ul
			 : (unsigned long)(uintptr_t)rodata_words;
}

/* An unknown system call number. Only numbers the ABI leaves unused:
 * the gap 18..31 and everything from SYS_COUNT up, negative ones, and
 * numbers that become a real call if the kernel cut them to 32 bits. */
static long unknown_nr(void)
{
	static const long fixed[] = {
		18, 31, SYS_COUNT, SYS_COUNT + 1, 64, 1000, 0x10000, -1,
		(long)0x8000000000000000ul, 1l << 32, (1l << 32) + SYS_THREAD_EXIT,
		(1l << 32) + SYS_RECV, (long)0xffffffff00000000ul + SYS_NULL,
	};
	long n;

	switch (pick_n(3)) {
	case 0:
		return 18 + (long)pick_n(14);
	case 1:
		do
			n = (long)rnd();
		while (n >= 0 && n < SYS_COUNT);
		return n;
	default:
		return PICK(fixed);
	}
}

/*
 * The OP_*_REAL calls: requests on real regions and with real program
 * names, at their edges. The generator draws only the shape (sizes,
 * offsets, which variant); the runner makes the region, the addresses
 * and the block, and knows each step's result from the shape. Every
 * step that succeeds is undone, so a fuzzer child still has no mmap
 * region, no advice, no child and its old break between calls.
 */

/* munmap of part of an mmap region of x[0] pages (2..6):
 *   x[1] variant: 0 a prefix, 1 a suffix, 2 a hole in the middle,
 *        3 a length that is no multiple of the page (rounded up),
 *        4 addr + len wraps, 5 longer than the region, 6 misaligned
 *        address or length 0;
 *   x[2] first page, x[3] pages (or a variant's own number),
 *   x[4] per page 2 bits: untouched, loaded (the zero frame), stored,
 *   x[5] what is subtracted from the length (variant 3). */
enum { UNMAP_PREFIX, UNMAP_SUFFIX, UNMAP_MIDDLE, UNMAP_ODD_LEN, UNMAP_WRAP, UNMAP_TOO_LONG,
       UNMAP_MISALIGNED, UNMAP_VARIANTS };

static void gen_munmap_real(struct call *c)
{
	long n = 2 + (long)pick_n(5), v = (long)pick_n(UNMAP_VARIANTS), off = 0, k = 0;

	c->op = OP_MUNMAP_REAL;
	c->a[0] = VM_MUNMAP;
	switch (v) {
	case UNMAP_PREFIX:
		k = 1 + (long)pick_n((unsigned long)n - 1);
		break;
	case UNMAP_SUFFIX:
		k = 1 + (long)pick_n((unsigned long)n - 1);
		off = n - k;
		break;
	case UNMAP_MIDDLE:
		n = n < 3 ? 3 : n;
		off = 1 + (long)pick_n((unsigned long)n - 2);
		k = 1 + (long)pick_n((unsigned long)(n - 1 - off));
		break;
	case UNMAP_ODD_LEN:
		off = (long)pick_n((unsigned long)n);
		k = 1 + (long)pick_n((unsigned long)(n - off));
		c->x[5] = 1 + (long)pick_n(PAGE - 1);
		break;
	case UNMAP_WRAP:
		off = (long)pick_n((unsigned long)n);
		k = (long)pick_n(4);   /* which wrapping length */
		break;
	case UNMAP_TOO_LONG:
		off = (long)pick_n((unsigned long)n);
		k = (long)pick_n(3);   /* pages past the end, less one; 2: one byte */
		break;
	default:
		off = (long)pick_n((unsigned long)n);
		k = (long)pick_n(PAGE);   /* 0: length 0; else the misalignment */
		break;
	}
	c->x[0] = n;
	c->x[1] = v;
	c->x[2] = off;
	c->x[3] = k;
	c->x[4] = (long)rnd();
	want_exact(c, v <= UNMAP_ODD_LEN ? 0 : -CALF_EINVAL);
}

/* merge advice on a range of the heap (x[0] = 0) or of an mmap region
 * (1) of x[1] pages (1..4), the region made for it:
 *   x[2] variant: 0 on then off, 1 off never advised, 2 on a range
 *        running x[4] + 1 pages past the region's end, 3 on, the
 *        region unmapped, then off and on, 4 on, the last page unmapped,
 *        then off of the range and of what is left, 5 on twice then off
 *        twice, 6 bad: misaligned address or length, a switch of 2;
 *   x[3] per page 1 bit: stored before the advice; x[4] a number. */
enum { ADVISE_ON_OFF, ADVISE_OFF_ONLY, ADVISE_PAST_END, ADVISE_UNMAPPED, ADVISE_SHRUNK,
       ADVISE_TWICE, ADVISE_BAD, ADVISE_VARIANTS };

static void gen_advise_real(struct call *c)
{
	c->op = OP_ADVISE_REAL;
	c->a[0] = VM_MERGE_ADVISE;
	c->x[0] = (long)pick_n(2);
	c->x[2] = (long)pick_n(ADVISE_VARIANTS);
	c->x[1] = (c->x[2] == ADVISE_SHRUNK ? 2 : 1) + (long)pick_n(c->x[2] == ADVISE_SHRUNK ? 3 : 4);
	c->x[3] = (long)rnd();
	c->x[4] = (long)pick_n(3);
	want_exact(c, 0);   /* per step: the runner says */
}

/* An argument block at the limits (x[0] = VM_SPAWN or VM_EXEC):
 *   x[1] variant: 0 exactly VM_ARGS_MAX bytes (spawn: `faulter none`
 *        and a long third argument, which runs and exits 0; exec: a
 *        program that does not exist), 1 exactly the most arguments
 *        the args page holds with a VM_ARGS_MAX block (spawn only), 2
 *        one argument more, 3 one byte over VM_ARGS_MAX, 4 no final
 *        NUL, 5 a good block that runs into an unmapped page;
 *   x[2] the length (variants 4, 5: from 2, or 24, up to VM_ARGS_MAX),
 *   x[3] how many of its bytes are mapped (variant 5).
 * Exec must fail and leave us running: its blocks name
 * `threadtest --exit 77`, so an exec that wrongly worked ends the child
 * with 77. */
enum { ARGS_MAX, ARGS_MOST, ARGS_TOO_MANY, ARGS_OVER, ARGS_NO_NUL, ARGS_UNMAPPED, ARGS_VARIANTS };

static void gen_args_real(struct call *c)
{
	long v;

	c->op = OP_ARGS_REAL;
	c->a[0] = pick_n(2) ? VM_SPAWN : VM_EXEC;
	v = (long)pick_n(ARGS_VARIANTS);
	if (v == ARGS_MOST && c->a[0] == VM_EXEC)
		v = ARGS_TOO_MANY;   /* it would work */
	c->x[0] = c->a[0];
	c->x[1] = v;
	switch (v) {
	case ARGS_MAX:
		if (c->a[0] == VM_SPAWN)
			c->nonneg_ok = 1;
		else
			want_exact(c, -CALF_ENOENT);
		break;
	case ARGS_MOST:
		c->nonneg_ok = 1;
		break;
	case ARGS_UNMAPPED:
		/* long enough for `threadtest --exit 77` whole */
		c->x[2] = 24 + (long)pick_n(VM_ARGS_MAX - 24 + 1);
		c->x[3] = 1 + (long)pick_n((unsigned long)c->x[2] - 1);
		want_exact(c, -CALF_EFAULT);
		break;
	default:
		c->x[2] = 2 + (long)pick_n(VM_ARGS_MAX - 2 + 1);
		want_exact(c, -CALF_EINVAL);
		break;
	}
}

/* VM-server requests. */
static void gen_vm(struct call *c)
{
	static const unsigned long unknown_labels[] = {
		0, 1, VM_LABEL_BASE, VM_LABEL_BASE + 0xfff, VM_LABEL_BASE + 0x10000,
		CALF_LABEL_FAULT, CALF_LABEL_KERNEL_BASE, ~0ul,
		CALF_LABEL_CONSOLE_INTR,     /* only the kernel may interrupt */
		VM_POWEROFF + (1ul << 32),   /* a real label to a server that cut it to 32 bits */
	};
	/* pids that name no process (or init, which may not be killed) */
	static const long no_pids[] = { 0, -1, -2, 1l << 40, 0x7fffffff, 0x7fffffffffffffffl,
					(long)0x8000000000000000ul };
	static const long increments[] = {
		0, 1, 4096, 1l << 20, 1l << 30, 1l << 40, 0x7fffffffffffffffl,
		(long)0x8000000000000000ul, -(1l << 40), -0x7fffffffffffffffl,
	};

	c->op = OP_VM;
	for (int i = 1; i < 6; i++)
		c->a[i] = junk_number();
	switch (pick_n(30)) {
	case 0:   /* spawn: the block names nothing, or is nowhere */
	case 1:   /* exec: same; a failed exec leaves us running */
		c->a[0] = pick_n(2) ? VM_SPAWN : VM_EXEC;
		c->a[1] = pick_n(2) ? (long)(uintptr_t)(junk_block + pick_n(64))
				    : (long)(PICK(bad_ptrs) + pick_n(8));
		c->a[2] = (long)PICK(lengths);
		c->errs = ERR(CALF_EINVAL) | ERR(CALF_EFAULT) | ERR(CALF_ENOENT) | ERR(CALF_ENOMEM);
		break;
	case 2:   /* wait: a fuzzer child has no children */
		c->a[0] = pick_n(2) ? VM_WAIT : VM_WAIT_NOHANG;
		want_exact(c, -CALF_ESRCH);
		break;
	case 3:
		c->a[0] = pick_n(2) ? VM_GETPID : VM_GETPPID;
		want_exact(c, c->a[0] == VM_GETPID ? self_pid : parent_pid);
		break;
	case 4:
		c->op = OP_VM_RENDEZVOUS;
		c->a[0] = VM_RENDEZVOUS;
		c->a[1] = BADCALLS_KEY;
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ENOMEM);   /* our handle table, or the keys, full */
		break;
	case 5:
		c->op = OP_VM_SBRK;
		c->a[0] = VM_SBRK;
		c->a[1] = pick_n(4) ? PICK(increments) : (long)rnd();
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ENOMEM) | ERR(CALF_EINVAL);
		break;
	case 6:
		c->a[0] = VM_STATS;
		want_exact(c, VM_STAT_COUNT);
		break;
	case 7:
		c->op = OP_VM_MMAP;
		c->a[0] = VM_MMAP;
		c->a[1] = (long)PICK(lengths);
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ENOMEM) | ERR(CALF_EINVAL);
		break;
	case 8:   /* nothing we point at is an mmap region: none is mapped */
		c->a[0] = VM_MUNMAP;
		c->a[1] = pick_n(2) ? (long)PICK(bad_ptrs) : (long)(uintptr_t)scratch;
		c->a[2] = (long)PICK(lengths);
		want_exact(c, -CALF_EINVAL);
		break;
	case 9:
		c->a[0] = VM_PS;
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ESRCH);
		break;
	case 10:  /* kill: only pids that name nobody, or init (refused) */
		c->a[0] = VM_KILL;
		c->a[1] = pick_n(8) ? PICK(no_pids) : 1;
		want_exact(c, c->a[1] == 1 ? -CALF_EPERM : -CALF_ESRCH);
		break;
	case 11:
		c->op = OP_VM_FORK;
		c->a[0] = VM_FORK;
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ENOMEM) | ERR(CALF_EAGAIN);
		break;
	case 12:  /* region: any pid, any index */
		c->a[0] = VM_REGION;
		c->a[1] = pick_n(2) ? 0 : (pick_n(2) ? PICK(no_pids) : (long)rnd());
		c->a[2] = pick_n(2) ? (long)pick_n(20) : (long)rnd();
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ESRCH) | ERR(CALF_ENOENT);
		break;
	case 13:  /* pt_entry: any pid, any cursor (a stale one just goes on) */
		c->a[0] = VM_PT_ENTRY;
		c->a[1] = pick_n(2) ? 0 : (pick_n(2) ? PICK(no_pids) : (long)rnd());
		/* random, or in the kernel half's mapped tables (the image) */
		c->a[2] = pick_n(2) ? (long)rnd() : (long)(0xffffffff80000000ul + rnd() % (1ul << 30));
		c->a[3] = pick_n(2) ? (long)pick_n(VM_PT_START + 2) : (long)rnd();
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ESRCH) | ERR(CALF_EINVAL);
		break;
	case 14:  /* trace: a bad switch, or a pid that names nobody (never
		   * a real trace on: it would flood the console) */
		c->a[0] = VM_TRACE;
		if (pick_n(2)) {
			c->a[1] = 2 + (long)pick_n(1000);
			want_exact(c, -CALF_EINVAL);
		} else {
			c->a[1] = 1;
			c->a[2] = PICK(no_pids);
			if (c->a[2] == 0)   /* 0 means every process */
				c->a[2] = -1;
			want_exact(c, -CALF_ESRCH);
		}
		break;
	case 15:  /* merge advice: anywhere, any length, any switch */
		c->a[0] = VM_MERGE_ADVISE;
		c->a[1] = pick_n(2) ? (long)PICK(bad_ptrs) : (long)(uintptr_t)scratch;
		c->a[2] = (long)PICK(lengths);
		c->a[3] = (long)pick_n(4);
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_EINVAL) | ERR(CALF_ENOMEM);
		break;
	case 16:  /* a merge scan, never waiting (it would wait for ever) */
		c->a[0] = VM_MERGE_SCAN;
		c->a[1] = pick_n(2) ? (long)pick_n(100) : (long)(rnd() >> 40);
		c->a[2] = 0;
		c->nonneg_ok = 1;
		break;
	case 17:  /* the merge switch: only asked, or a bad value */
		c->a[0] = VM_MERGE_CTL;
		if (pick_n(2)) {
			c->a[1] = 2;
			c->nonneg_ok = 1;
		} else {
			c->a[1] = 3 + (long)pick_n(1000);
			want_exact(c, -CALF_EINVAL);
		}
		break;
	case 18:  /* foreground: no pid is a child of a fuzzer child */
		c->a[0] = VM_FOREGROUND;
		switch (pick_n(3)) {
		case 0:
			c->a[1] = self_pid;
			break;
		case 1:
			c->a[1] = pick_n(2) ? parent_pid : 1;
			break;
		default:
			c->a[1] = PICK(no_pids);
			break;
		}
		want_exact(c, -CALF_ESRCH);
		break;
	case 19:  /* kill a job: only pids that name nobody, or init */
		c->a[0] = VM_KILL_TREE;
		c->a[1] = pick_n(8) ? PICK(no_pids) : 1;
		want_exact(c, c->a[1] == 1 ? -CALF_EPERM : -CALF_ESRCH);
		break;
	case 20:  /* join: itself, a thread of another process, nobody */
		c->a[0] = VM_THREAD_JOIN;
		switch (pick_n(3)) {
		case 0:
			c->a[1] = self_tid;
			want_exact(c, -CALF_EINVAL);
			break;
		case 1:   /* the VM server's, the parent's: not ours */
			c->a[1] = pick_n(2) ? 257 : self_tid - 1;
			want_exact(c, -CALF_ESRCH);
			break;
		default:
			c->a[1] = PICK(no_pids);
			c->errs = ERR(CALF_ESRCH) | ERR(CALF_EINVAL);
			break;
		}
		break;
	case 21:  /* thread create with a stack that cannot be (never one
		   * that works: a thread at a junk pc would end the child) */
		c->a[0] = VM_THREAD_CREATE;
		c->a[4] = pick_n(2) ? (long)(VM_THREAD_STACK_MAX + PAGE) :
			  (pick_n(2) ? -1 : (long)(rnd() | (1ul << 40)));
		want_exact(c, -CALF_EINVAL);
		break;
	case 22:
	case 23:
		gen_munmap_real(c);
		break;
	case 24:
	case 25:
		gen_advise_real(c);
		break;
	case 26:
	case 27:
		gen_args_real(c);
		break;
	default:
		c->a[0] = (long)(pick_n(2) ? PICK(unknown_labels) : rnd());
		/* never a real label by chance, nor one the protocol may add */
		if (c->a[0] > (long)VM_LABEL_BASE && c->a[0] < (long)VM_LABEL_BASE + 0x1000)
			c->a[0] = (long)VM_LABEL_BASE;
		want_exact(c, -CALF_ENOSYS);
		break;
	}
}

/*
 * Call number i of sequence `seed`. Every system call number is used,
 * SYS_THREAD_EXIT included (it ends a fuzzer child, which is what the
 * children are for), and SYS_POWEROFF (refused: we lack the VM right;
 * its argument says "failure", so a kernel that obeyed it would at
 * least fail the run). Left out, because they are destructive to the
 * run when they work as they should:
 *   VM_POWEROFF       ends the machine;
 *   SYS_CONSOLE_READ  into good memory, with len > 0: waits for a key;
 *   SYS_SEND, SYS_RECV, SYS_CALL, SYS_REPLY_RECV on a live endpoint
 *                     other than the VM server's: waits for ever;
 *   SYS_RECV, SYS_REPLY_RECV on handle 0 and SYS_SEND on handle 0:
 *                     take or answer other processes' requests (part 3);
 *   SYS_HANDLE_CLOSE of handle 0: we could not even exit;
 *   VM_KILL of another process, VM_RENDEZVOUS with other keys,
 *   SYS_CONSOLE_WRITE of good memory (noise on the console).
 * Fatal calls come rarely (1 in 256), so a child makes many calls.
 */
static void gen_call(uint64_t seed, unsigned long i, struct call *c)
{
	static const long privileged[] = {
		SYS_ASPACE_CREATE, SYS_ASPACE_DESTROY, SYS_THREAD_CREATE, SYS_THREAD_KILL,
		SYS_THREAD_GET_REGS, SYS_THREAD_SET_REGS, SYS_TLB_INVALIDATE, SYS_HANDLE_GRANT,
		SYS_POWEROFF, SYS_FENCE_I, SYS_THREAD_START,
	};
	static const long exit_statuses[] = { 2, 7, 127, 255, 256, 0x10000, -1, -255,
					      0x7fffffffffffffffl, (long)0x8000000000000000ul };
	unsigned long p;

	memset(c, 0, sizeof(*c));
	rnd_state = seed * 0x100000001b3ull ^ (i * 0x9e3779b97f4a7c15ull);
	splitmix(&rnd_state);
	for (int k = 0; k < 6; k++)
		c->a[k] = junk_number();
	c->op = OP_SYSCALL;

	if (pick_n(256) == 0) {
		switch (pick_n(4)) {
		case 0:
			c->op = OP_THREAD_EXIT;
			break;
		case 1:
		case 2:
			c->op = OP_VM_EXIT;
			c->a[0] = VM_EXIT;
			c->a[1] = PICK(exit_statuses);
			break;
		default:
			c->op = OP_KILL_SELF;
			c->a[0] = VM_KILL;
			break;
		}
		return;
	}

	switch (pick_n(16)) {
	case 0:
	case 1:
		c->nr = unknown_nr();
		want_exact(c, -CALF_ENOSYS);
		break;
	case 2:
	case 3:
		c->nr = PICK(privileged);
		if (c->nr == SYS_POWEROFF)
			c->a[0] = 1;   /* failure: see above */
		want_exact(c, -CALF_EPERM);
		break;
	case 4:   /* the harmless ones, with junk arguments they ignore */
		switch (pick_n(6)) {
		case 0:
			c->nr = SYS_NULL;
			want_exact(c, 0);
			break;
		case 1:
			c->nr = SYS_YIELD;
			want_exact(c, 0);
			break;
		case 2:
			c->nr = SYS_THREAD_SELF;
			want_exact(c, self_tid);
			break;
		case 3:
			c->nr = SYS_TIME;
			c->nonneg_ok = 1;
			break;
		case 4:   /* sleep: no time, a tick, or longer than allowed */
			c->nr = SYS_SLEEP;
			if (pick_n(2)) {
				c->a[0] = (long)pick_n(2);
				want_exact(c, 0);
			} else {
				c->a[0] = 360001 + (long)(rnd() >> 1);
				want_exact(c, -CALF_EINVAL);
			}
			break;
		default:
			c->nr = SYS_TIMEBASE;
			want_exact(c, (long)timebase);
			break;
		}
		break;
	case 5:   /* console write: bad memory, or good memory with no bytes */
		c->nr = SYS_CONSOLE_WRITE;
		p = pick_n(4);
		if (p == 0) {
			c->a[0] = (long)good_out_ptr();
			c->a[1] = 0;
			want_exact(c, 0);
		} else if (p == 1) {
			/* good start, but the length runs past user space */
			c->a[0] = (long)(pick_n(2) ? VM_USER_ARGS : (unsigned long)(uintptr_t)scratch);
			c->a[1] = (long)(0x4000000000ul - (unsigned long)c->a[0] + 8 * (1 + pick_n(1000)));
			want_exact(c, -CALF_EFAULT);
		} else {
			c->a[0] = (long)(PICK(bad_ptrs) + pick_n(8));
			c->a[1] = (long)PICK(lengths);
			if (c->a[1] != 0)
				want_exact(c, -CALF_EFAULT);
			else
				c->errs = ERR(CALF_EFAULT), c->nonneg_ok = 1;   /* nothing to copy */
		}
		break;
	case 6:   /* console read: never into good memory (it would wait) */
		c->nr = SYS_CONSOLE_READ;
		if (pick_n(4) == 0) {
			c->a[0] = (long)good_out_ptr();
			c->a[1] = 0;
			want_exact(c, 0);
		} else {
			/* A zero length reads nothing and checks nothing, as
			 * read(2) with a zero count: 0 even for a bad buffer. */
			c->a[0] = (long)(pick_n(3) ? PICK(bad_ptrs) + pick_n(8) : read_only_ptr());
			c->a[1] = (long)PICK(lengths);
			want_exact(c, c->a[1] != 0 ? -CALF_EFAULT : 0);
		}
		break;
	case 7:   /* IPC on dead handles */
	case 8: {
		static const long ipc[] = { SYS_SEND, SYS_RECV, SYS_CALL, SYS_REPLY_RECV,
					    SYS_HANDLE_CLOSE };

		c->nr = PICK(ipc);
		c->a[0] = PICK(bad_handles);
		want_exact(c, -CALF_EBADF);
		break;
	}
	case 9:   /* replies: nobody calls a fuzzer, so there is nobody to answer */
		c->nr = pick_n(2) ? SYS_REPLY : SYS_REPLY_TO;
		if (c->nr == SYS_REPLY_TO) {
			switch (pick_n(4)) {
			case 0:   /* near our own id: other slots, generations */
				c->a[0] = self_tid + 256 * (long)pick_n(3) - 256 + (long)pick_n(3) - 1;
				break;
			case 1:   /* another process's thread, one owed a reply
				   * (by the VM server, not by us) among them */
				switch (pick_n(3)) {
				case 0:
					c->a[0] = held_tid;
					break;
				case 1:
					c->a[0] = parent_tid;
					break;
				default:
					c->a[0] = VM_SERVER_TID;
					break;
				}
				break;
			default:
				break;   /* junk */
			}
		}
		want_exact(c, -CALF_ENOREPLY);
		break;
	case 10:
		c->op = OP_ENDPOINT;
		c->nr = SYS_ENDPOINT_CREATE;
		c->nonneg_ok = 1;
		c->errs = ERR(CALF_ENOMEM);
		break;
	case 11:  /* bootinfo: misaligned, bad, read-only, or good memory */
		c->nr = SYS_BOOTINFO;
		switch (pick_n(4)) {
		case 0:
			c->a[0] = (long)(good_out_ptr() + 1 + pick_n(7));
			want_exact(c, -CALF_EINVAL);
			break;
		case 1:
			c->a[0] = (long)PICK(bad_ptrs);
			want_exact(c, -CALF_EFAULT);
			break;
		case 2:
			c->a[0] = (long)read_only_ptr();
			want_exact(c, -CALF_EFAULT);
			break;
		default:
			c->a[0] = (long)good_out_ptr();
			want_exact(c, 0);
			break;
		}
		break;
	default:
		gen_vm(c);
		break;
	}
}

/* ---- running a call ---- */

/* One ecall with a0..a7 all in and out: whatever the kernel does to the
 * registers, the compiler assumes nothing about them afterwards. */
long raw_ecall(long nr, const long a[6])
{
	register long a0 __asm__("a0") = a[0];
	register long a1 __asm__("a1") = a[1];
	register long a2 __asm__("a2") = a[2];
	register long a3 __asm__("a3") = a[3];
	register long a4 __asm__("a4") = a[4];
	register long a5 __asm__("a5") = a[5];
	register long a6 __asm__("a6") = 0x6a6a6a6a;
	register long a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5),
			   "+r"(a6), "+r"(a7)
			 :
			 : "memory");
	return a0;
}

static long vm_call(const long a[6], struct calf_msg *m)
{
	for (int k = 0; k < CALF_MSG_WORDS; k++)
		m->mr[k] = (unsigned long)a[k];
	return calf_vm_request(m);
}

static int result_ok(const struct call *c, long r)
{
	if (c->exact)
		return r == c->want;
	if (r >= 0)
		return c->nonneg_ok;
	return -r < 64 && (c->errs & ERR(-r));
}

static int bad_results;

/* Print a wrong result (the first ten of a child), as a line that
 * names the call: `badcalls SEED 1 I` makes call I alone again. */
static void report(unsigned long i, const struct call *c, long r)
{
	int is_vm = !(c->op == OP_SYSCALL || c->op == OP_ENDPOINT);

	if (++bad_results > 10)
		return;
	printf("badcalls: call #%lu: %s %lx (%lx %lx %lx %lx %lx %lx) returned %ld", i,
	       is_vm ? "request" : "nr", is_vm ? (unsigned long)c->a[0] : (unsigned long)c->nr,
	       (unsigned long)c->a[0], (unsigned long)c->a[1], (unsigned long)c->a[2],
	       (unsigned long)c->a[3], (unsigned long)c->a[4], (unsigned long)c->a[5], r);
	if (c->exact)
		printf(", want %ld\n", c->want);
	else
		printf(", want %san allowed error\n", c->nonneg_ok ? ">= 0 or " : "");
}

/* The call itself was fine, but undoing its effect was not. */
static void report_undo(unsigned long i, const struct call *c, const char *what, long got)
{
	if (++bad_results > 10)
		return;
	printf("badcalls: call #%lu (%s %lx): %s gave %ld\n", i,
	       c->op == OP_ENDPOINT ? "nr" : "request",
	       c->op == OP_ENDPOINT ? (unsigned long)c->nr : (unsigned long)c->a[0], what, got);
}

/* A step of an OP_*_REAL call returned the wrong thing. */
static void report_step(unsigned long i, const struct call *c, const char *step, long got,
			long want)
{
	if (++bad_results > 10)
		return;
	printf("badcalls: call #%lu (request %lx, shape %ld %ld %ld %ld %ld %ld): %s gave %ld, "
	       "want %ld\n", i, (unsigned long)c->a[0], c->x[0], c->x[1], c->x[2], c->x[3],
	       c->x[4], c->x[5], step, got, want);
}

long vm3(unsigned long label, unsigned long a1, unsigned long a2, unsigned long a3)
{
	struct calf_msg m = { { label, a1, a2, a3, 0, 0 } };

	return calf_vm_request(&m);
}

/* The mmap regions overlapping [lo, hi), lowest first: how many; the
 * first `max` of them in out[]. */
static int mmap_regions_in(unsigned long lo, unsigned long hi, unsigned long (*out)[2], int max)
{
	struct calf_region r;
	int n = 0;

	for (unsigned long k = 0; calf_region(0, k, &r) == 0; k++) {
		if (r.start < hi && lo < r.end && !strcmp(r.name, "mmap region")) {
			if (n < max) {
				out[n][0] = r.start;
				out[n][1] = r.end;
			}
			n++;
		}
	}
	return n;
}

/* What a page of an OP_MUNMAP_REAL region holds in its first word. */
static unsigned long page_marker(unsigned long i, unsigned long page)
{
	return page ^ (i << 1) ^ 0x6d61726bul;
}

static void run_munmap_real(unsigned long i, const struct call *c)
{
	unsigned long n = (unsigned long)c->x[0], off = (unsigned long)c->x[2];
	unsigned long k = (unsigned long)c->x[3], base, addr, len;
	unsigned long want[2][2], got[4][2];
	int nwant = 0, ngot, same;
	long r;

	r = calf_mmap(n * PAGE);
	if (r < 0) {
		if (r != -CALF_ENOMEM)
			report_step(i, c, "the mmap to unmap from", r, 0);
		return;
	}
	base = (unsigned long)r;
	for (unsigned long p = 0; p < n; p++) {
		volatile unsigned long *w = (volatile unsigned long *)(base + p * PAGE);
		unsigned long how = ((unsigned long)c->x[4] >> (2 * p)) & 3;

		if (how == 1)
			(void)w[0];   /* the zero frame */
		else if (how >= 2)
			w[0] = page_marker(i, base + p * PAGE);
	}
	addr = base + off * PAGE;
	switch (c->x[1]) {
	case UNMAP_ODD_LEN:
		len = k * PAGE - (unsigned long)c->x[5];   /* rounded up: k pages */
		break;
	case UNMAP_WRAP:
		switch (k) {
		case 0:
			len = ~0ul;
			break;
		case 1:
			len = ~0ul - PAGE + 2;        /* rounding it up wraps */
			break;
		case 2:
			len = 0 - addr;               /* addr + len = 0 */
			break;
		default:
			len = 0 - addr + 2 * PAGE;    /* addr + len just above 0 */
			break;
		}
		break;
	case UNMAP_TOO_LONG:
		len = k == 2 ? (n - off) * PAGE + 1 : (n - off + 1 + k) * PAGE;
		break;
	case UNMAP_MISALIGNED:
		if (k == 0) {
			len = 0;
		} else {
			addr += k;
			len = PAGE;
		}
		break;
	default:
		len = k * PAGE;
		break;
	}
	r = vm3(VM_MUNMAP, addr, len, 0);
	if (r != c->want)
		report_step(i, c, "munmap", r, c->want);

	/* What is left must be what the result says: the region less the
	 * pages unmapped, or all of it after an error. */
	if (r == 0) {
		if (off > 0) {
			want[nwant][0] = base;
			want[nwant++][1] = base + off * PAGE;
		}
		if (off + k < n) {
			want[nwant][0] = base + (off + k) * PAGE;
			want[nwant++][1] = base + n * PAGE;
		}
	} else {
		want[0][0] = base;
		want[0][1] = base + n * PAGE;
		nwant = 1;
	}
	ngot = mmap_regions_in(base, base + n * PAGE, got, 4);
	same = ngot == nwant;
	for (int j = 0; same && j < nwant; j++)
		same = got[j][0] == want[j][0] && got[j][1] == want[j][1];
	if (!same) {
		report_step(i, c, "the regions left (how many)", ngot, nwant);
	} else {
		/* and the pages left hold what they held */
		for (int j = 0; j < nwant; j++) {
			for (unsigned long a = want[j][0]; a < want[j][1]; a += PAGE) {
				unsigned long how = ((unsigned long)c->x[4] >> (2 * ((a - base) / PAGE))) & 3;
				unsigned long v = *(volatile unsigned long *)a;

				if (v != (how >= 2 ? page_marker(i, a) : 0))
					report_step(i, c, "a page left: its first word", (long)v,
						    (long)(how >= 2 ? page_marker(i, a) : 0));
			}
		}
	}
	for (int j = 0; j < ngot && j < 4; j++)
		if ((r = calf_munmap(got[j][0], got[j][1] - got[j][0])) != 0)
			report_undo(i, c, "unmapping what was left", r);
}

static void advise_step(unsigned long i, const struct call *c, const char *step,
			unsigned long addr, unsigned long len, unsigned long on, long want)
{
	long r = vm3(VM_MERGE_ADVISE, addr, len, on);

	if (r != want)
		report_step(i, c, step, r, want);
}

/* Make the heap or mmap range of OP_ADVISE_REAL (pages, from *start), or
 * give it back; false if there was no memory for it. */
static bool advise_range(unsigned long i, const struct call *c, bool heap, unsigned long pages,
			 unsigned long *start)
{
	long r;

	if (heap) {
		long old = calf_sbrk(0), pad = (long)((PAGE - (unsigned long)old % PAGE) % PAGE);

		r = calf_sbrk(pad + (long)(pages * PAGE));
		if (r != old) {
			if (r != -CALF_ENOMEM)
				report_step(i, c, "growing the heap", r, old);
			return false;
		}
		*start = (unsigned long)(old + pad);
		return true;
	}
	r = calf_mmap(pages * PAGE);
	if (r < 0) {
		if (r != -CALF_ENOMEM)
			report_step(i, c, "the mmap to advise", r, 0);
		return false;
	}
	*start = (unsigned long)r;
	return true;
}

/* Give back the last `pages` pages below start + len: the heap's top
 * (down to its old break when they are all that is left) or the end of
 * the mmap region. */
static void advise_unmap_top(unsigned long i, const struct call *c, bool heap, unsigned long start,
			     unsigned long len, unsigned long pages, long heap_old)
{
	long r;

	if (heap) {
		long by = pages * PAGE == len ? (long)(start + len) - heap_old : (long)(pages * PAGE);

		r = calf_sbrk(-by);
		if (r != (long)(start + len))
			report_step(i, c, "shrinking the heap", r, (long)(start + len));
		return;
	}
	r = calf_munmap(start + len - pages * PAGE, pages * PAGE);
	if (r != 0)
		report_step(i, c, "munmap", r, 0);
}

static void run_advise_real(unsigned long i, const struct call *c)
{
	bool heap = c->x[0] == 0;
	unsigned long n = (unsigned long)c->x[1], len = n * PAGE, x4 = (unsigned long)c->x[4];
	unsigned long start, left = len, again;
	long heap_old = calf_sbrk(0);

	if (!advise_range(i, c, heap, n, &start))
		return;
	for (unsigned long p = 0; p < n; p++)
		if (((unsigned long)c->x[3] >> p) & 1)
			*(volatile unsigned long *)(start + p * PAGE) = p + 1;
	switch (c->x[2]) {
	case ADVISE_ON_OFF:
		advise_step(i, c, "advice on", start, len, 1, 0);
		advise_step(i, c, "advice off", start, len, 0, 0);
		break;
	case ADVISE_OFF_ONLY:
		advise_step(i, c, "advice off, never on", start, len, 0, -CALF_EINVAL);
		break;
	case ADVISE_PAST_END: {
		unsigned long from = start + PAGE * (x4 % n);

		advise_step(i, c, "advice on past the region's end", from,
			    start + len + PAGE * (1 + x4) - from, 1, -CALF_EINVAL);
		break;
	}
	case ADVISE_UNMAPPED:
		advise_step(i, c, "advice on", start, len, 1, 0);
		advise_unmap_top(i, c, heap, start, len, n, heap_old);
		left = 0;
		advise_step(i, c, "advice off after the unmap", start, len, 0, -CALF_EINVAL);
		advise_step(i, c, "advice on after the unmap", start, len, 1, -CALF_EINVAL);
		/* The same range made again: the advice went with the unmap. */
		if (advise_range(i, c, heap, n, &again)) {
			left = len;
			if (again == start)
				advise_step(i, c, "advice off of the range made again", start, len, 0,
					    -CALF_EINVAL);
			start = again;
		}
		break;
	case ADVISE_SHRUNK:
		advise_step(i, c, "advice on", start, len, 1, 0);
		advise_unmap_top(i, c, heap, start, len, 1, heap_old);
		left = len - PAGE;
		advise_step(i, c, "advice off after its last page went", start, len, 0,
			    -CALF_EINVAL);
		advise_step(i, c, "advice off of what is left", start, len - PAGE, 0, -CALF_EINVAL);
		if (heap && calf_sbrk((long)PAGE) == (long)(start + len - PAGE)) {
			left = len;   /* the heap's top again: no advice there now */
			advise_step(i, c, "advice off of the heap grown back", start, len, 0,
				    -CALF_EINVAL);
		}
		break;
	case ADVISE_TWICE:
		advise_step(i, c, "advice on", start, len, 1, 0);
		advise_step(i, c, "advice on again", start, len, 1, 0);
		advise_step(i, c, "advice off", start, len, 0, 0);
		advise_step(i, c, "advice off again", start, len, 0, -CALF_EINVAL);
		break;
	default:
		if (x4 == 0)
			advise_step(i, c, "advice on, misaligned", start + 8, PAGE, 1, -CALF_EINVAL);
		else if (x4 == 1)
			advise_step(i, c, "advice on, odd length", start, PAGE + 8, 1, -CALF_EINVAL);
		else
			advise_step(i, c, "advice switch 2", start, len, 2, -CALF_EINVAL);
		advise_step(i, c, "advice on, length 0", start, 0, 1, -CALF_EINVAL);
		break;
	}
	if (left)
		advise_unmap_top(i, c, heap, start, left, left / PAGE, heap_old);
}

/* OP_ARGS_REAL's block, in buf: `len` bytes of `head` (hlen bytes),
 * `nuls` empty arguments and a last argument "77xxx...", NUL ended. */
static unsigned long args_fill(char *buf, const char *head, unsigned long hlen, unsigned long nuls,
			       unsigned long len)
{
	unsigned long at;

	memcpy(buf, head, hlen);
	memset(buf + hlen, 0, nuls);
	for (at = hlen + nuls; at < len; at++)
		buf[at] = at - hlen - nuls < 2 ? '7' : 'x';
	buf[len - 1] = '\0';
	return len;
}

static char args_buf[VM_ARGS_MAX + 8];

static void run_args_real(unsigned long i, const struct call *c)
{
	/* `faulter none ...` exits 0; `threadtest --exit 77...` exits 77 */
	static const char spawn_head[] = "faulter\0none";
	static const char exec_head[] = "threadtest\0--exit";
	static const char nobody[] = "badcalls-no-such-program";
	bool spawn = c->x[0] == VM_SPAWN;
	const char *head = spawn ? spawn_head : exec_head;
	unsigned long hlen = spawn ? sizeof(spawn_head) : sizeof(exec_head);
	unsigned long addr = (unsigned long)(uintptr_t)args_buf, len, map = 0;
	long r, status;

	switch (c->x[1]) {
	case ARGS_MAX:
		len = spawn ? args_fill(args_buf, head, hlen, 0, VM_ARGS_MAX)
			    : args_fill(args_buf, nobody, sizeof(nobody), 0, VM_ARGS_MAX);
		break;
	case ARGS_MOST:   /* 8 + 8 * (382 + 1) + 1024 = 4096: the args page, full */
		len = args_fill(args_buf, head, hlen, 382 - 3, VM_ARGS_MAX);
		break;
	case ARGS_TOO_MANY:
		len = args_fill(args_buf, head, hlen, 383 - 3, VM_ARGS_MAX);
		break;
	case ARGS_OVER:
		len = args_fill(args_buf, head, hlen, 0, VM_ARGS_MAX + 1);
		break;
	case ARGS_NO_NUL:
		args_fill(args_buf, head, hlen, 0, VM_ARGS_MAX);
		len = (unsigned long)c->x[2];
		args_buf[len - 1] = 'x';
		break;
	default:   /* ARGS_UNMAPPED: a good block, its first x[3] bytes mapped */
		args_fill(args_buf, head, hlen, 0, VM_ARGS_MAX);
		len = (unsigned long)c->x[2];
		args_buf[len - 1] = '\0';
		r = calf_mmap(2 * PAGE);
		if (r < 0 || (r & (long)(PAGE - 1))) {
			if (r != -CALF_ENOMEM)
				report_step(i, c, "the mmap for the block", r, 0);
			return;
		}
		map = (unsigned long)r;
		if ((r = calf_munmap(map + PAGE, PAGE)) != 0) {
			report_step(i, c, "unmapping the page after the block", r, 0);
			calf_munmap(map, 2 * PAGE);
			return;
		}
		addr = map + PAGE - (unsigned long)c->x[3];
		memcpy((void *)addr, args_buf, (unsigned long)c->x[3]);
		break;
	}
	r = vm3((unsigned long)c->x[0], addr, len, 0);
	if (!result_ok(c, r))
		report_step(i, c, spawn ? "spawn" : "exec", r, c->exact ? c->want : 0);
	if (map && (status = calf_munmap(map, PAGE)) != 0)
		report_undo(i, c, "unmapping the block's page", status);
	if (r >= 0 && spawn) {
		/* `faulter none`, whatever else its arguments say */
		if (child_wait_timeout(r, 5000, &status) != 0 || status != 0)
			report_undo(i, c, "the spawned faulter's exit status", status);
	}
}

/* Make call i, check its result and undo what it did. Returns only if
 * the call is not fatal. */
static void run_call(unsigned long i, const struct call *c)
{
	struct calf_msg m;
	long r, u, status;

	switch (c->op) {
	case OP_SYSCALL:
		r = raw_ecall(c->nr, c->a);
		break;
	case OP_ENDPOINT:
		r = raw_ecall(c->nr, c->a);
		if (r >= 0 && (u = calf_handle_close(r)) != 0)
			report_undo(i, c, "closing the new handle", u);
		break;
	case OP_THREAD_EXIT:
		raw_ecall(SYS_THREAD_EXIT, c->a);
		printf("badcalls: call #%lu: SYS_THREAD_EXIT returned\n", i);
		calf_exit(3);
	case OP_VM_EXIT:
	case OP_KILL_SELF: {
		long a[6];

		memcpy(a, c->a, sizeof(a));
		if (c->op == OP_KILL_SELF)
			a[1] = self_pid;
		r = vm_call(a, &m);
		printf("badcalls: call #%lu: %s returned %ld\n", i,
		       c->op == OP_VM_EXIT ? "VM_EXIT" : "VM_KILL of myself", r);
		calf_exit(3);
	}
	case OP_MUNMAP_REAL:
		run_munmap_real(i, c);
		return;
	case OP_ADVISE_REAL:
		run_advise_real(i, c);
		return;
	case OP_ARGS_REAL:
		run_args_real(i, c);
		return;
	default:
		r = vm_call(c->a, &m);
		break;
	}
	if (!result_ok(c, r))
		report(i, c, r);

	/* undo what a successful call changed */
	if (r < 0)
		return;
	switch (c->op) {
	case OP_VM_RENDEZVOUS:
		if ((u = calf_handle_close(r)) != 0)
			report_undo(i, c, "closing the new handle", u);
		break;
	case OP_VM_SBRK:
		/* back to where the break was (r): -increment */
		if ((u = calf_sbrk(-c->a[1])) != r + c->a[1] || calf_sbrk(0) != r)
			report_undo(i, c, "moving the break back", u);
		break;
	case OP_VM_MMAP:
		if ((r & (long)(PAGE - 1)) || (u = calf_munmap((unsigned long)r,
							       (unsigned long)c->a[1])) != 0)
			report_undo(i, c, "unmapping what it gave", r);
		break;
	case OP_VM_FORK:
		if (r == 0)
			calf_exit(0);   /* the new copy of the fuzzer: nothing to do */
		if (calf_wait(r, &status) != r || status != 0)
			report_undo(i, c, "the copy's exit status", status);
		break;
	default:
		break;
	}
}

/* Nothing the kernel or the VM server was asked to do may have changed
 * us: not the break (every successful sbrk was undone), not our text or
 * read-only data. Counts what is wrong as bad results. */
static long brk_at_start;
static unsigned long text_at_start;

static void check_self(void)
{
	if (calf_sbrk(0) != brk_at_start) {
		printf("badcalls: the break moved from %lx to %lx\n", brk_at_start, calf_sbrk(0));
		bad_results++;
	}
	if (*(volatile unsigned long *)(uintptr_t)&splitmix != text_at_start ||
	    ((volatile const unsigned long *)rodata_words)[0] != 1) {
		printf("badcalls: our text or rodata changed\n");
		bad_results++;
	}
}

/* The fuzzer child: calls first..last, the last possibly fatal. Exits
 * 1 if any result was wrong (before its fatal call, if it has one). */
static int fuzz_child(uint64_t seed, unsigned long first, unsigned long last)
{
	struct call c;
	volatile char here;

	brk_at_start = calf_sbrk(0);
	text_at_start = *(volatile unsigned long *)(uintptr_t)&splitmix;
	self_tid = calf_thread_self();
	self_pid = calf_getpid();
	parent_pid = calf_getppid();
	timebase = calf_timebase();
	/* 64 KiB below here: stack that exists but has not been touched */
	stack_deep = ((unsigned long)(uintptr_t)&here - 65536) & ~7ul;
	for (unsigned long i = first; i <= last; i++) {
		gen_call(seed, i, &c);
		if (is_fatal(c.op)) {
			check_self();
			if (bad_results)
				return 1;   /* report the bad results, not the fatal call */
		}
		run_call(i, &c);
	}
	check_self();
	return bad_results ? 1 : 0;
}

/* What status a child whose last call is c must end with: -1 for
 * SYS_THREAD_EXIT, where the ABI does not say (it must just end). */
static long status_after(const struct call *c)
{
	switch (c->op) {
	case OP_VM_EXIT:
		return c->a[1];
	case OP_KILL_SELF:
		return KILLED_BY(CHILD_SIGKILL);
	case OP_THREAD_EXIT:
		return -1;
	default:
		return 0;
	}
}

/* The parent's thread that stays in a join the VM server holds while
 * the fuzzer runs (held_tid), and the thread it joins. */
static volatile int held_release, held_joining;

static long held_target(void *arg)
{
	(void)arg;
	while (!held_release)
		calf_sleep(1);
	return 0x4e1d;
}

/* 0 if its join ended as it should: only after the release, with the
 * target's status. */
static long held_joiner(void *arg)
{
	long status = -1, r;

	held_joining = 1;
	r = calf_thread_join((long)arg, &status);
	return r == 0 && status == 0x4e1d && held_release ? 0 : 1;
}

static void test_fuzz(uint64_t seed, unsigned long first, unsigned long n)
{
	/* per fatal kind (op - OP_THREAD_EXIT): how many, how many wrong */
	enum { THREAD_EXIT, VM_EXIT_CALL, KILL_SELF, KINDS };
	unsigned long fatal[KINDS] = { 0 }, fatal_bad[KINDS] = { 0 };
	unsigned long end = first + n, i = first, children = 0, real = 0;
	int calls_bad = 0, fork_bad = 0, hung = 0;
	struct call c;

	long target, joiner, held_status = -1;

	printf("badcalls: fuzzing calls %lu..%lu of seed %lu\n", first, end - 1,
	       (unsigned long)seed);
	held_release = 0;
	held_joining = 0;
	target = calf_thread_create(held_target, NULL);
	joiner = target > 0 ? calf_thread_create(held_joiner, (void *)target) : -1;
	held_tid = joiner;
	while (joiner > 0 && !held_joining)
		calf_yield();
	calf_sleep(2);   /* and its join has reached the VM server */
	while (i < end) {
		unsigned long last = i;
		long pid, status, want;
		int r, kind;

		/* the stretch up to the next fatal call, or to the end */
		for (gen_call(seed, last, &c);; gen_call(seed, ++last, &c)) {
			real += c.op >= OP_MUNMAP_REAL && c.op <= OP_ARGS_REAL;
			if (last + 1 >= end || is_fatal(c.op))
				break;
		}
		want = status_after(&c);
		kind = is_fatal(c.op) ? (int)(c.op - OP_THREAD_EXIT) : -1;
		if (kind >= 0)
			fatal[kind]++;
		pid = calf_fork();
		if (pid == 0)
			calf_exit(fuzz_child(seed, i, last));
		if (pid < 0) {
			printf("badcalls: fork failed: %ld\n", pid);
			fork_bad++;
			break;
		}
		children++;
		/* a fuzzer child makes a few hundred calls, in milliseconds:
		 * seconds mean it is stuck (or, after SYS_THREAD_EXIT, that
		 * nobody noticed its only thread is gone). Generous, because
		 * this is guest time, which a loaded host (four harts on two
		 * CPUs) stretches; only a stuck child ever waits this long. */
		r = child_wait_timeout(pid, kind == THREAD_EXIT ? 3000 : 10000, &status);
		if (r != 0) {
			printf("badcalls: calls %lu..%lu%s: still there after %s: killed\n", i,
			       last, kind == THREAD_EXIT ? " (the last SYS_THREAD_EXIT)" : "",
			       kind == THREAD_EXIT ? "3 s" : "10 s");
			if (kind == THREAD_EXIT)
				fatal_bad[kind]++;
			else
				hung++;
		} else if (kind == THREAD_EXIT) {
			/* ended by itself: its status is whatever a0 held at
			 * SYS_THREAD_EXIT (the VM server reports it), so any
			 * value, 1 included, is right */
		} else if (status == 1) {
			calls_bad++;   /* the child printed which */
		} else if (status != want) {
			printf("badcalls: calls %lu..%lu: exit status %ld, want %ld%s\n", i, last,
			       status, want, status == 77 ? " (an exec that had to fail ran "
			       "`threadtest --exit 77`)" : "");
			if (kind >= 0)
				fatal_bad[kind]++;
			else
				calls_bad++;
		}
		i = last + 1;
	}
	printf("badcalls: %lu calls in %lu children (%lu on real regions and programs); fatal: "
	       "%lu thread exits, %lu exits, %lu kills of itself\n", end - first, children, real,
	       fatal[THREAD_EXIT], fatal[VM_EXIT_CALL], fatal[KILL_SELF]);
	/* SYS_REPLY_TO from the children at held_tid must not have ended
	 * its join: it ends now, with the target's status. */
	held_release = 1;
	if (joiner > 0)
		calf_thread_join(joiner, &held_status);
	if (target > 0)
		calf_thread_join(target, NULL);
	UCHECK_EQ("fuzz_reply_to_another_process_answers_nobody", held_status, 0);
	UCHECK_EQ("fuzz_children_forked", fork_bad, 0);
	UCHECK_EQ("fuzz_only_allowed_results", calls_bad, 0);
	UCHECK_EQ("fuzz_no_child_hung", hung, 0);
	if (fatal[THREAD_EXIT])
		UCHECK_EQ("fuzz_thread_exit_ends_the_process", fatal_bad[THREAD_EXIT], 0);
	if (fatal[VM_EXIT_CALL])
		UCHECK_EQ("fuzz_vm_exit_status_reaches_wait", fatal_bad[VM_EXIT_CALL], 0);
	if (fatal[KILL_SELF])
		UCHECK_EQ("fuzz_kill_self_status", fatal_bad[KILL_SELF], 0);
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 4000;
	unsigned long first = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	unsigned long rounds = argc > 4 ? strtoul(argv[4], NULL, 0) : RACE_ROUNDS;
	unsigned long procs0;

	calf_usage(argc, argv, "[SEED [CALLS [FIRST [ROUNDS]]]]",
		   "bad system calls and programs must not crash the system");
	memset(junk_block, 0xff, sizeof(junk_block));
	/* Printed before utest_begin counts the free frames: the first line
	 * printed gives the console buffer (bss) its frame, which would
	 * otherwise look like a leak. */
	printf("badcalls: seed %lu, %lu calls from %lu\n", (unsigned long)seed, n, first);
	utest_begin("badcalls");
	procs0 = calf_stat(VM_STAT_PROCS);
	parent_tid = calf_thread_self();
	if (n > 0)
		test_fuzz(seed, first, n);
	printf("badcalls: %lu frames free\n", utest_free_frames());
	test_illegal_programs();
	printf("badcalls: %lu frames free\n", utest_free_frames());
	test_vm_endpoint_abuse();
	printf("badcalls: %lu frames free\n", utest_free_frames());
	if (rounds > 0)
		test_races(seed, rounds);
	printf("badcalls: %lu frames free\n", utest_free_frames());
	/* orphans of part 3 are init's to reap */
	for (int i = 0; i < 1000 && calf_stat(VM_STAT_PROCS) != procs0; i++)
		calf_yield();
	UCHECK_EQ("processes_back_to_start", calf_stat(VM_STAT_PROCS), procs0);
	return utest_end();
}
