/*
 * spawn.h - start a program from the boot archive as a new process.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_SPAWN_H
#define VM_SPAWN_H

#include <stddef.h>

/*
 * Start argv[0] from the boot archive with the arguments in `block`
 * ("prog\0arg1\0arg2\0", len bytes, as VM_SPAWN carries it), as a child
 * of ppid (0: no parent). Returns the new pid, or -CALF_EINVAL (bad
 * argument block, unloadable ELF), -CALF_ENOENT (no such program),
 * -CALF_ENOMEM (no frames, no process slot, no kernel objects). On
 * failure everything built so far is given back.
 */
long vm_spawn(long ppid, const char *block, size_t len);

#endif
