/*
 * usercopy.h - the only way the kernel touches user memory.
 *
 * Layer: kernel/. Every user pointer is checked against the thread's own
 * page table, in software: the range must lie in the user half, each
 * page must be mapped with U, and with W for a copy out. The kernel then
 * reaches the frame through its direct map. It never writes through a
 * PTE without W - a copy into a copy-on-write page goes to the pager like
 * any user store (USERCOPY_NEED_PAGE), and the system call is restarted
 * once the pager has resolved it.
 */
#ifndef KERNEL_USERCOPY_H
#define KERNEL_USERCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/thread.h"

/* Returned (negative, distinct from -CALF_E*) when a page is missing or
 * read-only and the pager should decide; *fault_addr says which. */
#define USERCOPY_NEED_PAGE (-1000)

struct usercopy_fault {
	uint64_t addr;
	bool write;
};

/* 0, -CALF_EFAULT, or USERCOPY_NEED_PAGE (then f says where). */
int copy_from_user(struct thread *t, void *dst, uint64_t src, size_t len,
		   struct usercopy_fault *f);
/* Every page is probed before any byte is written; a page the VM
 * server unmaps (on another hart) between the probe and the copy stops
 * the copy there with the same errors. */
int copy_to_user(struct thread *t, uint64_t dst, const void *src, size_t len,
		 struct usercopy_fault *f);

/* Check that [dst, dst+len) could be written now, without writing. */
int user_probe_write(struct thread *t, uint64_t dst, size_t len,
		     struct usercopy_fault *f);

/* Finish a system call whose copy routine failed: -CALF_EFAULT, or turn
 * the call into a fault message to the pager (the call is retried after
 * the pager resolves the page). Returns what the system call returns. */
long usercopy_fail(struct thread *t, int err, const struct usercopy_fault *f);

/* Tell the copy routines which physical memory the direct map covers:
 * a page table naming any other frame (a device, the kernel image) gives
 * -CALF_EFAULT, not a kernel fault. */
void usercopy_set_ram(const void *ranges, int n);

#endif
