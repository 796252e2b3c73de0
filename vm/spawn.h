/*
 * spawn.h - start a program from the boot archive as a new process.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_SPAWN_H
#define VM_SPAWN_H

#include <stddef.h>

#include "vm/process.h"

/*
 * Start argv[0] from the boot archive with the arguments in `block`
 * ("prog\0arg1\0arg2\0", len bytes, as VM_SPAWN carries it), as a child
 * of ppid (0: no parent). Returns the new pid, or -CALF_EINVAL (bad
 * argument block, unloadable ELF), -CALF_ENOENT (no such program),
 * -CALF_ENOMEM (no frames, no process slot, no kernel objects). On failure everything built so far is given back.
 */
long vm_spawn(long ppid, const char *block, size_t len);

/*
 * exec: replace p's program by argv[0] of block (as vm_spawn), keeping
 * its pid, parent and children. The new program is built completely
 * before the old one is touched: on failure the error is returned and p
 * runs on unchanged. On success returns 0: p's old thread (the caller)
 * is gone and the new one runs; there is nobody to reply to.
 */
long vm_exec(struct proc *p, const char *block, size_t len);

#endif
