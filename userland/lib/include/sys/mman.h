/*
 * sys/mman.h - anonymous mmap and munmap, the part of POSIX calf has.
 *
 * Layer: userland/ (libcalf; picolibc has no sys/mman.h, this one is
 * found first through -Iuserland/lib/include). posix.c implements the
 * calls over VM_MMAP and VM_MUNMAP (calf/vm_protocol.h). Only private
 * anonymous read-write memory exists: there are no files to map, and
 * every mapping is zero-filled on demand.
 */
#ifndef USERLAND_SYS_MMAN_H
#define USERLAND_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS

#define MAP_FAILED ((void *)-1)

/* addr is a hint calf ignores; flags must include MAP_ANONYMOUS and
 * MAP_PRIVATE, prot must be PROT_READ | PROT_WRITE (or less), fd -1.
 * Anything else fails with EINVAL (ENOTSUP would be truer, but
 * programs test for MAP_FAILED only). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);

/* Linux's names for same-page merging advice (VM_MERGE_ADVISE): pages
 * of [addr, addr + len) with the same contents as others may be folded
 * into one copy-on-write frame, or no longer. Other advice: EINVAL. */
#define MADV_MERGEABLE   12
#define MADV_UNMERGEABLE 13
int madvise(void *addr, size_t len, int advice);

#endif
