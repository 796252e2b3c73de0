/*
 * vm.h - the VM server's global state: the frame table, what the kernel
 * told it at boot, and the statistics userland can read (VM_STATS).
 *
 * Layer: vm/ (target only). The VM server is one thread, so these are
 * plain globals with no locking.
 */
#ifndef VM_VM_H
#define VM_VM_H

#include "calf/abi.h"
#include "calf/syscall.h"
#include "vm/frame.h"

struct vm_stats {
	unsigned long faults;       /* fault messages handled */
	unsigned long zero_maps;    /* reads that mapped the zero frame */
	unsigned long zero_fills;   /* first stores that got a zeroed frame */
	unsigned long cow_faults;   /* stores to a COW page */
	unsigned long cow_copies;   /* ... that copied a shared frame */
	unsigned long cow_reuses;   /* ... that found count 1 and just set W */
	unsigned long forks;        /* successful VM_FORKs */
	unsigned long oom_kills;    /* processes killed for want of a frame */
	unsigned long execs;        /* successful VM_EXECs */
	unsigned long cow_zero;     /* stores to a page over the zero frame */
	unsigned long retries;      /* faults on a page that already allowed the access */
	unsigned long refused;      /* faults refused (killed, or EFAULT for the kernel) */
	unsigned long table_copies; /* shared page tables copied for a store into them */
	unsigned long threads;      /* threads started by VM_THREAD_CREATE */
};

extern struct frame_table vm_frames;
extern struct calf_bootinfo vm_boot;
extern struct vm_stats vm_stats;

/* The VM server's own endpoint: requests and faults arrive here. */
#define VM_EP CALF_HANDLE_VM

/* End the machine (failure != 0 reports a failure). The VM server holds
 * the right to, so the call does not return. */
static inline __attribute__((noreturn)) void vm_poweroff(long failure)
{
	calf_sys_poweroff(failure);
	for (;;)
		;
}

#endif
