/*
 * calf.h - libcalf: the system calls (calf/syscall.h) and the VM
 * server's requests, for user programs.
 *
 * Layer: userland/ (libcalf). The contracts are calf/abi.h (system
 * calls, through `ecall`) and calf/vm_protocol.h (requests to the VM
 * server, IPC on handle CALF_HANDLE_VM). Nothing here needs picolibc;
 * the C library glue sits on top (runtime.c).
 */
#ifndef USERLAND_CALF_H
#define USERLAND_CALF_H

#include "calf/abi.h"
#include "calf/syscall.h"
#include "calf/vm_protocol.h"

/* ---- counters (the firmware's scounteren lets U-mode read them; docs/porting.md) ---- */

static inline unsigned long calf_rdinstret(void)
{
	unsigned long v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

/* ---- VM server requests (calf/vm_protocol.h; vm_client.c) ---- */

/* One request: m->mr[0] = VM_* label. Returns the reply's MR0 (a result
 * >= 0 or -error), or the IPC error; the reply is left in *m. */
long calf_vm_request(struct calf_msg *m);

/* Start argv[0] from the boot archive with arguments argv (NULL
 * terminated) as a child. Returns its pid, or -CALF_ENOENT, -CALF_ENOMEM,
 * -CALF_EINVAL (arguments longer than VM_ARGS_MAX). */
long calf_spawn(const char *const argv[]);

/* End this program with `status`; never returns. Does not flush stdio:
 * exit() and _exit() do (runtime.c). */
__attribute__((noreturn)) void calf_exit(long status);

/* Wait for child `pid` (-1: any). Returns the pid that ended and stores
 * its status (>= VM_STATUS_KILLED when the VM server killed it), or
 * -CALF_ESRCH when there is no such child. */
long calf_wait(long pid, long *status);
/* The same without waiting: 0 while the child (or every child) runs. */
long calf_wait_nohang(long pid, long *status);

/* Make child pid the foreground (VM_FOREGROUND): the console's Ctrl-C
 * ends it, and what it started, until it ends. 0 or -CALF_ESRCH. */
long calf_foreground(long pid);

long calf_getpid(void);
long calf_getppid(void);

/* A handle to the endpoint every caller with the same key shares. */
long calf_rendezvous(unsigned long key);

/* Power the machine off (failure != 0 reports a failure). Returns only
 * on error. */
long calf_poweroff(long failure);

/* Move the program break by `increment` bytes. Returns the old break,
 * or -CALF_ENOMEM (or -CALF_ENOSYS while the VM server lacks it). */
long calf_sbrk(long increment);

/* A copy of this program (VM_FORK): every writable page is shared
 * copy-on-write. Returns the child's pid in the parent, 0 in the child,
 * or -CALF_ENOMEM / -CALF_EAGAIN. Does not flush stdio: fork() does. */
long calf_fork(void);

/* Replace this program by argv[0] from the boot archive, with arguments
 * argv (VM_EXEC). Returns only on failure: -CALF_ENOENT, -CALF_ENOMEM,
 * -CALF_EINVAL; this program then goes on unchanged. */
long calf_exec(const char *const argv[]);

/* End process pid (VM_KILL); its status becomes VM_STATUS_KILLED + 9.
 * 0, -CALF_ESRCH, or -CALF_EPERM (init). */
long calf_kill(long pid);
/* End process pid and every process it started (VM_KILL_TREE), as
 * Ctrl-C ends the foreground: how many ended, or -CALF_ESRCH /
 * -CALF_EPERM. */
long calf_kill_tree(long pid);

/* len bytes of anonymous zero-filled memory (VM_MMAP): the address, or
 * -CALF_ENOMEM / -CALF_EINVAL. No frame is used until a page is written. */
long calf_mmap(unsigned long len);

/* Give back [addr, addr + len) from calf_mmap (VM_MUNMAP). 0 or -error. */
long calf_munmap(unsigned long addr, unsigned long len);

/* ---- threads (VM_THREAD_CREATE, VM_THREAD_JOIN; thread.c) ---- */

/* A new thread of this process running fn(arg) on a stack of its own
 * (VM_THREAD_STACK_DEFAULT bytes, or stack_size), with its own errno.
 * When fn returns, the thread ends with its result as status. Returns
 * the thread id, or -CALF_EAGAIN (VM_THREADS_PER_PROC threads already,
 * or none left), -CALF_ENOMEM, -CALF_EINVAL (stack_size too large). */
long calf_thread_create(long (*fn)(void *arg), void *arg);
long calf_thread_create_stack(long (*fn)(void *arg), void *arg, unsigned long stack_size);

/* Wait until thread tid of this process has ended; *status (if not
 * NULL) = fn's result or calf_thread_exit's status. 0, -CALF_ESRCH (no
 * such thread, or joined already), -CALF_EINVAL (tid is the caller, or
 * another thread joins it already). A thread ends with
 * calf_thread_exit(status) too; when the last one ends, the process has
 * exited with status & 0xff. exit() from any thread ends them all. */
long calf_thread_join(long tid, long *status);

/* One process as VM_PS describes it. */
struct calf_ps {
	long pid, ppid;
	long state;                /* VM_PS_RUNNING, _WAITING, _ZOMBIE */
	unsigned long resident;    /* pages mapped to frames (zero frame not counted) */
	char name[17];             /* 16 bytes from the server, NUL added */
};

/* The index-th process (0, 1, ...): its pid, or -CALF_ESRCH past the
 * last one. */
long calf_ps(long index, struct calf_ps *out);
/* Process pid (live or zombie) as calf_ps describes it: pid, or
 * -CALF_ESRCH. */
long calf_ps_of(long pid, struct calf_ps *out);

/* One region of a process as VM_REGION describes it. */
struct calf_region {
	unsigned long start, end;  /* [start, end) */
	unsigned long prot;        /* VM_PROT_R | VM_PROT_W | VM_PROT_X */
	char name[17];             /* "text", "heap", ... NUL added */
};

/* The index-th region (0, 1, ... in address order) of process pid (0:
 * this one): 0, or -CALF_ENOENT past the last, -CALF_ESRCH. */
long calf_region(long pid, unsigned long index, struct calf_region *out);

/* One page-table entry as VM_PT_ENTRY describes it; also the cursor. */
struct calf_pt_entry {
	unsigned long va;          /* the first address it maps */
	int level;                 /* 2 (root) .. 0 (4 KiB leaves); VM_PT_START: before the first */
	unsigned long pte;         /* the entry, the hardware's bits (bit 8: copy-on-write) */
	unsigned long count;       /* the reference count of the frame it points to */
	unsigned long flags;       /* VM_PT_ZERO_FRAME */
};

/* The entry of process pid's page tables (0: this process) after the
 * one in *e (set e->level = VM_PT_START for the first), in pre-order:
 * 1 and *e, 0 when there is no more, or -error. */
long calf_pt_entry(long pid, struct calf_pt_entry *e);

/* The fault trace (VM_TRACE): on (1) or off (0), for pid (0: all). */
long calf_trace(int on, long pid);

/* Same-page merging (calf/vm_protocol.h): advise [addr, addr + len)
 * mergeable (on 1) or not (0); scan up to budget advised pages (flags
 * VM_MERGE_WAIT: wait while merging is off), returning how many were
 * looked at and *merged how many merged; switch merging on (1), off (0)
 * or only ask (2), returning the state. */
long calf_merge_advise(unsigned long addr, unsigned long len, int on);
long calf_merge_scan(unsigned long budget, unsigned long flags, unsigned long *merged);
long calf_merge_ctl(int what);

/* The VM server's counters (VM_STATS): fills out[0..max-1] (VM_STAT_*
 * order) and returns how many counters the server has (which may be
 * more than max, or fewer), or -error. */
long calf_stats(unsigned long *out, unsigned long max);

/* One counter, or 0 if the server does not have it. */
unsigned long calf_stat(unsigned long index);

/* Send whatever the console line buffer holds (runtime.c). fork and
 * exec call it, so a half-written line is not printed twice or lost. */
void calf_console_flush(void);

/* ---- the console (readline.c, runtime.c) ---- */

/*
 * Read one line at the console with the line editor of edit.h: the
 * caller has set e->write (calf_edit_write), e->names, and drawn the
 * prompt with edit_begin. Returns what edit_key returned at the end
 * (EDIT_LINE: the line is in e->line; EDIT_TOO_LONG, EDIT_CANCEL,
 * EDIT_EOF), or -1 on an error. Output of other programs that comes
 * while it waits makes it draw the line again below that output.
 */
struct edit;
int calf_read_line(struct edit *e);
/* The write callback for struct edit: stdio's buffer first, then the
 * bytes, with SYS_CONSOLE_WRITE. */
void calf_edit_write(void *ctx, const char *s, unsigned long n);

/*
 * `PROG --help` (or -h) prints "usage: PROG ARGS" and WHAT, each of its
 * lines indented, then exits 0; otherwise returns. Every program calls
 * it first thing with its own two strings, string literals: the build
 * reads them from the source for the shell's help (tools/mkprograms.py),
 * which shows WHAT's first line; lines after a "\n" say more, for
 * --help alone.
 */
void calf_usage(int argc, char **argv, const char *args, const char *what);
/* The same text, for arguments the program does not take: returns 2,
 * the exit status for a usage error. */
int calf_usage_error(void);

/* ---- children (child.c) ---- */

/* Wait for child pid; its exit status, or -1000 + a negative error. */
long calf_reap(long pid);
/* End this (child) process now with status: console flushed, no atexit. */
void calf_child_exit(long status) __attribute__((noreturn));
/* Block until killed. */
void calf_block_forever(void) __attribute__((noreturn));
/* A forked child that serves its parent on the rendezvous endpoint of
 * key: calf_child_store(ep, page, byte) makes it store byte at
 * mem + page * 4096 (and returns 0 once it has), calf_child_end(ep,
 * pid) makes it exit 0 and reaps it (its status, as calf_reap). The
 * parent takes ep = calf_rendezvous(key) itself. */
#define CALF_CHILD_STORE 1
#define CALF_CHILD_EXIT  2
void calf_child_serve(volatile unsigned char *mem, unsigned long key) __attribute__((noreturn));
long calf_child_store(long ep, unsigned long page, unsigned char byte);
long calf_child_end(long ep, long pid);
/* Fork up to max children that block until killed, their pids in pids[];
 * stops at the first failing fork. Returns how many were forked, and in
 * *last the last fork's result (-error if one failed). */
long calf_fork_blocked(long *pids, long max, long *last);

#endif
