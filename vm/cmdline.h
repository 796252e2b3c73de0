/*
 * cmdline.h - what the kernel command line says about the first program.
 *
 * Layer: vm/ (pure, host-tested by test_vm_misc.c). Words are separated
 * by spaces or tabs (lib/cmdline.h). `init=NAME` names the first
 * program (default "init"); the words after a lone `--` are its
 * arguments. Everything before `--` other than init= is the kernel's
 * business and ignored here. Example:
 *     poweroff init=init -- ktest --poweroff
 * starts "init" with argv = { "init", "ktest", "--poweroff" }.
 */
#ifndef VM_CMDLINE_H
#define VM_CMDLINE_H

#include <stddef.h>

/*
 * Write init's argument block ("NAME\0arg1\0arg2\0", the format VM_SPAWN
 * takes) into block. Returns its length, or -1 if it does not fit in
 * size bytes or NAME is empty.
 */
int vm_cmdline_init_args(const char *cmdline, char *block, size_t size);

#endif
