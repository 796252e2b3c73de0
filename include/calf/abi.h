/*
 * calf/abi.h - the kernel's system-call ABI: numbers, errors, IPC
 * message layout, fault messages, boot information.
 *
 * Layer: include/calf/, the headers user code is allowed to look at (as
 * Linux's uapi or seL4's libsel4). The kernel implements this contract;
 * the VM server (vm/), userland/ and the pure lib/ include it, as
 * "calf/abi.h" (every compile has -Iinclude). It holds only constants
 * and plain structures, no kernel internals, and includes nothing.
 * docs/syscalls.md explains it in prose; keep the two in step.
 *
 * Calling convention (RISC-V ecall from U-mode):
 *   a7       system call number
 *   a0..a5   arguments
 *   a0       result: >= 0 success, < 0 a negated CALF_E* error code
 *   every other register is preserved (the kernel saves and restores all)
 *
 * IPC calls use more registers, because short messages travel in them:
 *   a0       in: endpoint handle      out: status (< 0) or sender's badge
 *   a1..a6   message registers MR0..MR5 (MR0 is the label by convention)
 *   a7       out of SYS_RECV / SYS_REPLY_RECV: the sender's thread id
 *
 * Replies. A thread that receives a SYS_CALL owes the caller a reply;
 * the caller stays blocked until it comes. SYS_REPLY (and the reply half
 * of SYS_REPLY_RECV) answers the most recent caller. A server may defer
 * answers: every caller it received and has not answered stays blocked,
 * and SYS_REPLY_TO(tid) answers that one later, in any order (the VM
 * server holds `wait` callers this way).
 */
#ifndef CALF_ABI_H
#define CALF_ABI_H

/* ---- system call numbers (a7) ---- */
#define SYS_NULL             0   /* () -> 0; the cheapest round trip */
#define SYS_CONSOLE_WRITE    1   /* (buf, len) -> bytes written */
#define SYS_CONSOLE_READ     2   /* (buf, len) -> bytes read (1..len; waits for one),
				  * -CALF_EINTR once after others wrote */
/* A byte SYS_CONSOLE_READ returns where input was lost (typed faster than
 * it was read): no terminal sends it, it is never valid UTF-8. */
#define CALF_CONSOLE_LOST 0xff
#define SYS_YIELD            3   /* () -> 0 */
#define SYS_THREAD_EXIT      4   /* (status) -> does not return */
#define SYS_THREAD_SELF      5   /* () -> thread id */
#define SYS_SEND             6   /* (ep, MR0..MR5) -> 0 */
#define SYS_RECV             7   /* (ep) -> badge, MR0..MR5 */
#define SYS_CALL             8   /* (ep, MR0..MR5) -> 0, reply in MR0..MR5 */
#define SYS_REPLY            9   /* (-, MR0..MR5) -> 0 */
#define SYS_REPLY_RECV      10   /* (ep, MR0..MR5) -> badge, MR0..MR5 */
#define SYS_ENDPOINT_CREATE 11   /* () -> endpoint handle */
#define SYS_HANDLE_CLOSE    12   /* (handle) -> 0 */
#define SYS_TIME            13   /* () -> the `time` CSR; SYS_TIMEBASE gives its rate */
#define SYS_TIMEBASE        14   /* () -> time units per second */
#define SYS_BOOTINFO        15   /* (struct calf_bootinfo *buf) -> 0 */
#define SYS_REPLY_TO        16   /* (tid, MR0..MR5) -> 0: answer a deferred caller */
#define SYS_SLEEP           17   /* (ticks) -> 0 after at least that many timer ticks
				  * (100 a second); -CALF_EINVAL beyond an hour */

/* Privileged: only for the thread that holds the VM right (the VM
 * server); anyone else gets CALF_EPERM. */
#define SYS_ASPACE_CREATE   32   /* (root_pa) -> aspace handle */
#define SYS_ASPACE_DESTROY  33   /* (aspace) -> 0; kills its threads */
#define SYS_THREAD_CREATE   34   /* (aspace, pc, sp, pager ep, priority, a0) -> thread id */
#define SYS_THREAD_KILL     35   /* (tid) -> 0 */
#define SYS_THREAD_GET_REGS 36   /* (tid, struct calf_regs *) -> 0 */
#define SYS_THREAD_SET_REGS 37   /* (tid, const struct calf_regs *) -> 0 */
#define SYS_TLB_INVALIDATE  38   /* (aspace, va, len) -> 0; len 0 = whole aspace */
#define SYS_HANDLE_GRANT    39   /* (aspace, ep handle, badge, rights) -> handle in that aspace */
#define SYS_POWEROFF        40   /* (failure) -> does not return */
#define SYS_FENCE_I         41   /* () -> 0; instruction caches coherent on every hart */
#define SYS_THREAD_START    42   /* (tid) -> 0: run a thread created suspended */

#define SYS_COUNT           43

/* SYS_THREAD_CREATE: or this into the priority argument to create the
 * thread suspended (it runs after SYS_THREAD_START; fork sets its
 * registers first). */
#define CALF_THREAD_SUSPENDED 0x100

/* ---- error codes (returned negated) ---- */
#define CALF_EPERM      1   /* not allowed for this caller */
#define CALF_ENOENT     2   /* no such object */
#define CALF_ESRCH      3   /* no such thread */
#define CALF_EINTR      4   /* the partner went away during IPC */
#define CALF_EIO        5
#define CALF_EBADF      9   /* bad handle */
#define CALF_EAGAIN    11   /* try again: a table is full */
#define CALF_ENOMEM    12   /* out of kernel objects or memory */
#define CALF_EFAULT    14   /* bad user pointer */
#define CALF_EBUSY     16
#define CALF_EEXIST    17
#define CALF_EINVAL    22   /* bad argument */
#define CALF_EDEADLK   35   /* it would wait for ever: a cycle of joins */
#define CALF_ENOSYS    38   /* no such system call */
#define CALF_ENOREPLY  61   /* no caller is waiting for a reply */

/* ---- IPC ---- */
#define CALF_MSG_WORDS  6   /* MR0..MR5, in a1..a6 */

/* Labels (MR0) the kernel itself sends. User protocols use labels
 * below CALF_LABEL_KERNEL_BASE. */
#define CALF_LABEL_KERNEL_BASE 0xca1f000000000000ull
#define CALF_LABEL_FAULT       (CALF_LABEL_KERNEL_BASE + 1)
/* A thread with a pager called SYS_THREAD_EXIT: the kernel makes it call
 * its pager with MR0 = this label and the words below, so the pager
 * learns of it (a process whose last thread ends has exited). Whatever
 * the pager answers, the thread then ends. */
#define CALF_LABEL_THREAD_EXIT (CALF_LABEL_KERNEL_BASE + 2)
#define CALF_EXIT_MR_STATUS  1   /* the status given to SYS_THREAD_EXIT */
#define CALF_EXIT_MR_PC      3   /* where it called SYS_THREAD_EXIT */
#define CALF_EXIT_MR_TID     5   /* the thread's id */
/* The console's interrupt character (Ctrl-C) was typed while no thread
 * was waiting to read the console: the kernel sends (not calls) this to
 * the VM server's endpoint, badge 0, sender thread id 0, and drops the
 * input typed before it (the character itself stays in the input). The
 * VM server decides what it interrupts. */
#define CALF_LABEL_CONSOLE_INTR (CALF_LABEL_KERNEL_BASE + 3)

/*
 * A fault message: a thread took an exception in U-mode (or the kernel
 * found a user buffer it may not touch). The kernel makes the faulting
 * thread "call" its pager endpoint, with the badge of the pager handle
 * given at SYS_THREAD_CREATE and these message words (as seL4 names its
 * seL4_VMFault_* words):
 */
#define CALF_FAULT_MR_LABEL  0   /* CALF_LABEL_FAULT */
#define CALF_FAULT_MR_ADDR   1   /* the address (stval) */
#define CALF_FAULT_MR_ACCESS 2   /* CALF_FAULT_READ/WRITE/EXEC/OTHER, | CALF_FAULT_KERNEL
				  * when the kernel's copy routine, not the thread,
				  * needed the page */
#define CALF_FAULT_MR_PC     3   /* sepc */
#define CALF_FAULT_MR_CAUSE  4   /* scause */
#define CALF_FAULT_MR_TID    5   /* the faulting thread's id */
/* The pager answers with SYS_REPLY, word CALF_FAULT_MR_REPLY (MR0) =
 * one of CALF_FAULT_RESUME, CALF_FAULT_KILL, CALF_FAULT_EFAULT. */
#define CALF_FAULT_MR_REPLY  0
#define CALF_FAULT_READ   0
#define CALF_FAULT_WRITE  1
#define CALF_FAULT_EXEC   2
#define CALF_FAULT_OTHER  3   /* not a memory fault: illegal instruction, ... */
#define CALF_FAULT_KERNEL 0x10

#define CALF_FAULT_RESUME 0   /* retry the instruction (or the system call) */
#define CALF_FAULT_KILL   1   /* the kernel kills the thread */
#define CALF_FAULT_EFAULT 2   /* only for CALF_FAULT_KERNEL: the call fails with -EFAULT */

/* ---- handles ---- */
#define CALF_MAX_HANDLES 32       /* per address space */

/* Rights of a handle. Any handle may send (and call) to its endpoint;
 * receiving needs CALF_RIGHT_RECV, which the creator of an endpoint has
 * and may pass on with SYS_HANDLE_GRANT. So no program can receive the
 * requests meant for a server it only talks to. */
#define CALF_RIGHT_RECV  1

/* Handles every thread started by the kernel at boot finds ready:
 * the VM server gets its own endpoint, the first user program a handle
 * to it. */
#define CALF_HANDLE_VM   0

/* ---- threads ---- */
#define CALF_PRIO_MIN   0
#define CALF_PRIO_MAX  31
#define CALF_PRIO_DEFAULT 10

#ifndef __ASSEMBLER__     /* the numbers above are for assembly too */
/* An IPC message as user code holds it: MR0..MR5 (MR0 is the label by
 * convention; a fault message's words are named CALF_FAULT_MR_* above).
 * The kernel moves the words between a1..a6 of the two threads; this is
 * where the stubs of calf/syscall.h keep them. */
struct calf_msg {
	unsigned long mr[CALF_MSG_WORDS];
};

struct calf_regs {
	unsigned long x[32];   /* x0..x31 by number (x0 ignored) */
	unsigned long pc;
};

/* ---- boot information (SYS_BOOTINFO) ---- */
#define CALF_BOOTINFO_MAX_RANGES 16

struct calf_bootinfo {
	/* Free RAM handed to the VM server: each range [base, base+size)
	 * of physical memory is mapped read-write in the VM server's
	 * address space at window + (pa - window_pa_base). */
	unsigned long window;            /* virtual address of the window */
	unsigned long window_pa_base;    /* physical address at `window` */
	unsigned long nranges;
	struct { unsigned long base, size; } ranges[CALF_BOOTINFO_MAX_RANGES];
	/* The boot archive (docs/boot-archive.md), mapped read-only. */
	unsigned long archive;           /* virtual address */
	unsigned long archive_size;
	unsigned long harts;             /* usable harts */
	unsigned long timebase_hz;
	char cmdline[256];               /* the kernel command line */
};
#endif

#endif
