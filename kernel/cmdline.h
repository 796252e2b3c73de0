/*
 * cmdline.h - the kernel command line (/chosen/bootargs).
 *
 * Layer: kernel/. Options are words separated by spaces, e.g.
 *   stop-after-boot  power off once the kernel's own boot is complete,
 *                  before user space starts (used by tests)
 *   asid-bits=N    use at most N ASID bits (0-16): tests force ASID
 *                  generation roll-overs with a small N
 *   crash=KIND     fault on purpose after the banner, to show (and test)
 *                  the panic report and the kernel's W^X mappings:
 *                  load (read address 0), store-text (write to kernel
 *                  text), exec-data (jump into kernel data)
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

/* Is `word` one of the space-separated words of `args`? */
int cmdline_has(const char *args, const char *word);

/* The value of "key=value" on the command line, copied into buf (at most
 * size-1 bytes); returns 1 if the key is there, 0 if not. */
int cmdline_value(const char *args, const char *key, char *buf, unsigned long size);

/* The decimal value of "key=N"; returns 1 and sets *out if the key is
 * there with a valid number, 0 otherwise (*out unchanged). */
int cmdline_uint(const char *args, const char *key, unsigned long *out);

#endif
