/*
 * calf/vm_protocol.h - the messages user programs send to the VM server.
 *
 * Layer: include/calf/, the headers user code is allowed to look at: the
 * contract between the VM server (vm/, which serves it) and userland/
 * (libcalf's calf.h, which wraps it); both include it as
 * "calf/vm_protocol.h". Constants only, on top of calf/abi.h's message
 * registers and errors. Every request is an IPC call on handle
 * CALF_HANDLE_VM with MR0 = a VM_* label and arguments in MR1..MR5; the
 * reply carries MR0 = result (>= 0, or a negated CALF_E* code) and
 * results in MR1..MR5. Strings too long for registers (argv) travel in a
 * buffer in the caller's memory, which the VM server reads through the
 * page tables it owns.
 */
#ifndef CALF_VM_PROTOCOL_H
#define CALF_VM_PROTOCOL_H

#define VM_LABEL_BASE 0x564d0000ul   /* "VM" */

/* spawn(path, argv): start a program from the boot archive as a child.
 *   MR1 = address of a NUL-separated argument block in the caller
 *         ("prog\0arg1\0arg2\0"), argv[0] is the program name
 *   MR2 = length of the block in bytes (at most VM_ARGS_MAX)
 * reply: MR0 = child pid, or -CALF_ENOENT (no such program), -CALF_ENOMEM */
#define VM_SPAWN     (VM_LABEL_BASE + 1)
/* exit(status): MR1 = status. No reply: the caller is gone. */
#define VM_EXIT      (VM_LABEL_BASE + 2)
/* wait(pid): MR1 = pid, or -1 for any child. Blocks until one exits
 * (the VM server defers the reply and answers with SYS_REPLY_TO).
 * reply: MR0 = pid that exited (or -CALF_ESRCH: no such child),
 *        MR1 = exit status (VM_STATUS_KILLED + signal-like reason when
 *        the VM server killed it) */
#define VM_WAIT      (VM_LABEL_BASE + 3)
/* getpid / getppid: reply MR0 = pid */
#define VM_GETPID    (VM_LABEL_BASE + 4)
#define VM_GETPPID   (VM_LABEL_BASE + 5)
/* rendezvous(key): MR1 = a key (any number). Every caller with the same
 * key gets a handle to the same endpoint, created on first use; a
 * simple way for two programs to find each other. Keys last for the
 * life of the system, 16 at most.
 * reply: MR0 = handle in the caller's table, or -CALF_ENOMEM (16 keys
 * in use) */
#define VM_RENDEZVOUS (VM_LABEL_BASE + 6)
/* poweroff(failure): MR1 = 0 for success. Ends the machine. */
#define VM_POWEROFF  (VM_LABEL_BASE + 7)
/* sbrk(increment): MR1 = signed increment. reply MR0 = old break or
 * -CALF_ENOMEM (also when shrinking: no frame for a private copy of a
 * page table shared with a fork; then nothing changed) */
#define VM_SBRK      (VM_LABEL_BASE + 8)

/* stats(first): the VM server's counters (docs/architecture.md, Measurement).
 *   MR1 = index of the first counter wanted (VM_STAT_*)
 * reply: MR0 = VM_STAT_COUNT, MR1..MR5 = counters first..first+4
 *        (0 past the last)
 * Every fault is counted once by what became of it, so
 *   faults     = zero_maps + zero_fills + cow_copies + cow_reuses
 *                + retries + refused + oom_kills
 *   cow_faults = cow_copies + cow_reuses + cow_zero
 * (a store to a page over the zero frame is both a zero fill and a COW
 * fault: cow_zero counts those). */
#define VM_STATS     (VM_LABEL_BASE + 9)
#define VM_STAT_FREE_FRAMES  0   /* frames free now */
#define VM_STAT_TOTAL_FRAMES 1   /* frames the VM server manages */
#define VM_STAT_FAULTS       2   /* fault messages handled */
#define VM_STAT_ZERO_MAPS    3   /* loads that mapped the shared zero frame */
#define VM_STAT_ZERO_FILLS   4   /* stores given a zeroed frame (untouched page or zero frame) */
#define VM_STAT_COW_FAULTS   5   /* stores to a copy-on-write page: copies + reuses + cow_zero */
#define VM_STAT_COW_COPIES   6   /* ... that copied a shared frame */
#define VM_STAT_COW_REUSES   7   /* ... whose frame had count 1: W set, no copy */
#define VM_STAT_FORKS        8   /* successful forks */
#define VM_STAT_OOM_KILLS    9   /* processes killed by a fault that found no frame */
#define VM_STAT_EXECS       10   /* successful execs */
#define VM_STAT_PROCS       11   /* processes now, live and zombie */
#define VM_STAT_COW_ZERO    12   /* stores to a page over the zero frame: a zeroed frame, no copy */
#define VM_STAT_RETRIES     13   /* faults on a page that already allowed the access (a stale TLB entry) */
#define VM_STAT_REFUSED     14   /* faults refused: the process killed, or the system call given EFAULT */
#define VM_STAT_TABLE_COPIES 15  /* page tables shared with a fork, copied for a store into them */
/* Same-page merging (VM_MERGE_*): */
#define VM_STAT_MERGE_SHARED   16   /* frames holding merged contents now */
#define VM_STAT_MERGE_SHARING  17   /* ... the mappings they save (their pages beyond the first) */
#define VM_STAT_MERGE_UNSHARED 18   /* present advised pages of the last full scan without a twin */
#define VM_STAT_MERGE_SCANS    19   /* full scans: times round every advised range */
#define VM_STAT_MERGE_SCANNED  20   /* advised pages looked at, in all */
#define VM_STAT_MERGE_MERGED   21   /* pages merged into a twin's frame, in all */
#define VM_STAT_MERGE_ZERO     22   /* pages of zeros merged into the zero frame, in all */
#define VM_STAT_MERGE_COST     23   /* instructions the scans took, in all */
#define VM_STAT_THREADS     24   /* threads started by VM_THREAD_CREATE, in all */
#define VM_STAT_COUNT       25

/* fork(): a copy of the caller. Every writable page becomes copy-on-write
 * in both; the child's registers are the parent's with a0 = 0.
 * reply to the parent: MR0 = child pid, or -CALF_ENOMEM / -CALF_EAGAIN
 * (process table full). The child sees MR0 = 0 (its call "returns"). */
#define VM_FORK      (VM_LABEL_BASE + 10)
/* exec(argv): replace the caller's program. MR1, MR2 as for VM_SPAWN.
 * Does not reply on success (the new program starts at its entry);
 * reply MR0 = -CALF_ENOENT / -CALF_ENOMEM / -CALF_EINVAL on failure, and
 * then the old program goes on unchanged. */
#define VM_EXEC      (VM_LABEL_BASE + 11)
/* kill(pid): end process pid (running, blocked anywhere, or faulting).
 * Its status becomes VM_STATUS_KILLED + 9. reply MR0 = 0 or
 * -CALF_ESRCH; killing pid 1 (init) is -CALF_EPERM. */
#define VM_KILL      (VM_LABEL_BASE + 12)
/* mmap(len): MR1 = length (rounded up to pages). Anonymous, read-write,
 * zero-filled on demand (reads map the shared zero frame; no frame is
 * used until the first store). reply MR0 = address or -CALF_ENOMEM /
 * -CALF_EINVAL. */
#define VM_MMAP      (VM_LABEL_BASE + 13)
/* munmap(addr, len): MR1 = address, MR2 = length; must be exactly a
 * region (or a whole-page part of one) returned by mmap. reply MR0 = 0
 * or -CALF_EINVAL (or -CALF_ENOMEM: a hole in the middle of a region
 * splits it, and the process has no region slot left for that; or no
 * frame for a private copy of a page table shared with a fork, which the
 * range covers in part). Nothing changes on error. Frames return to the
 * free pool. */
#define VM_MUNMAP    (VM_LABEL_BASE + 14)
/* ps(index): the index-th live process (0, 1, ...).
 * reply MR0 = pid, or -CALF_ESRCH past the last; MR1 = parent pid,
 * MR2 = state (VM_PS_RUNNING/WAITING/ZOMBIE), MR3 = resident frames
 * (pages mapped to frames of its own or shared; the zero frame not
 * counted), MR4..MR5 = name, 16 bytes NUL-padded. */
#define VM_PS        (VM_LABEL_BASE + 15)
#define VM_PS_RUNNING 0
#define VM_PS_WAITING 1   /* in wait() */
#define VM_PS_ZOMBIE  2   /* exited, not yet reaped */

/* foreground(pid): MR1 = a live child of the caller. From now until
 * that process ends (or another is made the foreground), the console's
 * interrupt character (Ctrl-C, typed while no program reads the
 * console) ends it and every process it started, with status
 * VM_STATUS_KILLED + 2 (SIGINT): a shell registers each program it
 * waits for (docs/architecture.md, The console). pids are never reused,
 * so once that process has ended Ctrl-C ends nothing.
 * reply MR0 = 0, or -CALF_ESRCH (not a live child of the caller). */
#define VM_FOREGROUND (VM_LABEL_BASE + 16)
/* wait_nohang(pid): VM_WAIT that answers at once (POSIX's WNOHANG): as
 * VM_WAIT, but MR0 = 0 while the child (or every child) still runs. A
 * request of its own, so that VM_WAIT itself stays as cheap as it was. */
#define VM_WAIT_NOHANG (VM_LABEL_BASE + 17)

/* region(pid, index): the index-th region (0, 1, ...) of process pid
 * (0: the caller), in address order.
 * reply: MR0 = 0, or -CALF_ESRCH (no such live process), -CALF_ENOENT
 *        (past the last region); MR1 = start, MR2 = end (page aligned,
 *        end exclusive), MR3 = rights (VM_PROT_*), MR4..MR5 = its name
 *        ("text", "rodata", "data", "heap", "stack", "stack guard page",
 *        "args", "mmap region"), 16 bytes NUL-padded. */
#define VM_REGION    (VM_LABEL_BASE + 20)
#define VM_PROT_R 1
#define VM_PROT_W 2
#define VM_PROT_X 4

/* pt_entry(pid, va, level): the page-table entry of process pid (0: the
 * caller) that follows the one at (va, level) in pre-order - a table
 * entry, then the entries of the table it points to, then the next
 * entry - over the user half; level VM_PT_START for the first one.
 * Levels are Sv39's: 2 the root, 1, 0 the 4 KiB leaves.
 * reply: MR0 = 1 (an entry), 0 (no more), or -CALF_ESRCH, -CALF_EINVAL
 *        (a level above VM_PT_START, or a cursor address outside the
 *        user half);
 *        MR1 = the first address the entry maps, MR2 = its level,
 *        MR3 = the entry itself (the hardware's bits, privileged spec
 *        4.4.1; bit 8, the first RSW bit, marks copy-on-write: a leaf
 *        to copy on store, or a level-0 table shared with a fork),
 *        MR4 = the reference count of the frame it points to (a leaf's
 *        frame: page tables mapping it; a table: address spaces sharing
 *        it; 0xffffffff for pinned frames), MR5 = VM_PT_* flags. */
#define VM_PT_ENTRY  (VM_LABEL_BASE + 21)
#define VM_PT_START  3
#define VM_PT_ZERO_FRAME 1   /* a leaf over the shared zero frame */

/* trace(on, pid): one console line per fault the VM server handles,
 * with the decision it took (docs/architecture.md, Seeing memory);
 * MR1 = 1 on, 0 off; MR2 = the pid to trace, 0 every process. While a
 * trace is on, every fault takes the reference path (no shortcut).
 * reply: MR0 = 0, -CALF_EINVAL (MR1 not 0 or 1), -CALF_ESRCH (no such
 *        live process). */
#define VM_TRACE     (VM_LABEL_BASE + 22)

/* merge_advise(addr, len, on): same-page merging (docs/architecture.md,
 * Same-page merging) may (on = 1) or may no longer (0) fold pages of
 * [addr, addr + len) - page aligned, inside one heap or mmap region -
 * that hold the same contents as other pages into one read-only
 * copy-on-write frame. Off names a range advised before exactly; every
 * page of it that shares a frame then gets a copy of its own first.
 * Nothing is merged unless advised; munmap and exec forget the advice,
 * fork keeps it.
 * reply MR0 = 0, -CALF_EINVAL, -CALF_ENOMEM (eight ranges advised
 * already, or no frames for the copies: then nothing changed). */
#define VM_MERGE_ADVISE (VM_LABEL_BASE + 23)
/* merge_scan(budget, flags): look at up to MR1 advised pages (in pid
 * and address order, going on from where the last scan stopped; at most
 * VM_MERGE_SCAN_MAX: the VM server answers nothing else meanwhile) and
 * merge what can be. MR2 = VM_MERGE_WAIT: first wait while merging is
 * off (VM_MERGE_CTL; the merge daemon's way of sleeping).
 * reply MR0 = pages looked at, MR1 = pages merged; -CALF_EBUSY if
 * another scan waits already (there is one merge daemon). */
#define VM_MERGE_SCAN   (VM_LABEL_BASE + 24)
#define VM_MERGE_WAIT   1
#define VM_MERGE_SCAN_MAX 4096
/* merge_ctl(what): MR1 = 1 on, 0 off, 2 only ask. On answers a scan
 * that waits. Merging is off at boot unless the kernel command line
 * says merge=on. reply MR0 = 1 on, 0 off (after the change), or
 * -CALF_EINVAL. */
#define VM_MERGE_CTL    (VM_LABEL_BASE + 25)

/* thread_create(pc, a0, a1, stack_size): a new thread of the caller's
 * process, started at MR1 with a0 = MR2, a1 = MR3, sp = the top of a
 * new stack region of MR4 bytes (0: VM_THREAD_STACK_DEFAULT) with a
 * guard page below it, every other register 0 (libcalf's entry code sets
 * gp and tp: docs/syscalls.md, "Threads").
 * reply MR0 = its thread id, or -CALF_EINVAL (stack above
 * VM_THREAD_STACK_MAX), -CALF_EAGAIN (too many threads), -CALF_ENOMEM
 * (no room for the stack). */
#define VM_THREAD_CREATE (VM_LABEL_BASE + 26)
#define VM_THREAD_STACK_DEFAULT (64ul << 10)
#define VM_THREAD_STACK_MAX     (8ul << 20)
/* Threads of one process, running or ended and not joined yet. */
#define VM_THREADS_PER_PROC 32
/* thread_join(tid): wait until thread MR1 of the caller's process has
 * ended (SYS_THREAD_EXIT); its record is then freed.
 * reply MR0 = 0, MR1 = its exit status; or MR0 = -CALF_ESRCH (no such
 * thread, or joined already), -CALF_EINVAL (the caller itself, or
 * another thread joins it already), -CALF_EDEADLK (it waits, through
 * held joins, for the caller: both would wait for ever). */
#define VM_THREAD_JOIN   (VM_LABEL_BASE + 27)
/* kill a job: end process MR1 and every process it started (its
 * children, theirs, ...), as the console's interrupt character ends the
 * foreground; a shell's `kill %N`. Each status VM_STATUS_KILLED + 9.
 * reply MR0 = how many ended, or -CALF_ESRCH / -CALF_EPERM as VM_KILL. */
#define VM_KILL_TREE     (VM_LABEL_BASE + 28)

#define VM_ARGS_MAX 1024

/* Exit status of a process the VM server killed: 128 + a reason, as a
 * shell shows it. The reasons are POSIX signal numbers: 11 (SIGSEGV) for
 * a refused memory access, 4 (SIGILL) illegal instruction, 5 (SIGTRAP)
 * breakpoint, 7 (SIGBUS) misaligned access, 9 (SIGKILL) out of memory or
 * VM_KILL, 2 (SIGINT) the console's interrupt character. */
#define VM_STATUS_KILLED 128

/* Address-space layout of every process the VM server starts. */
#define VM_USER_STACK_TOP  0x0000003fff000000ul  /* stack grows down from here */
#define VM_USER_STACK_MAX  (8ul << 20)           /* 8 MiB, then a guard page */
#define VM_USER_ARGS       0x0000003fff000000ul  /* one page: argc, argv block */

#endif
