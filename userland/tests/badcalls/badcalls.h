/*
 * badcalls.h - what the parts of badcalls share (badcalls.c runs them).
 *
 * Layer: userland/.
 */
#ifndef BADCALLS_H
#define BADCALLS_H

#include <stdint.h>

#define PAGE 4096ul

/* Writable and mapped (three pages): the only memory the kernel may
 * write for us. Read-only memory the kernel must not write. */
extern unsigned long scratch[3 * PAGE / sizeof(unsigned long)];
extern const unsigned long rodata_words[4];

/* One ecall with a0..a7 all in and out: the system call's result. */
long raw_ecall(long nr, const long a[6]);

/* splitmix64: the next number of the sequence in *s. */
uint64_t splitmix(uint64_t *s);
/* A VM-server request with three arguments: its result. */
long vm3(unsigned long label, unsigned long a1, unsigned long a2, unsigned long a3);

/* Parts (2) and (3), abuse.c: illegal programs are killed with the
 * right status; abuses of the VM server's endpoint are refused. */
void test_illegal_programs(void);
void test_vm_endpoint_abuse(void);

/* Part (4), races.c: ROUNDS rounds (default RACE_ROUNDS) of threads
 * making calls into pages another thread maps and unmaps; seed picks
 * each round's calls. */
#define RACE_ROUNDS 16
void test_races(uint64_t seed, unsigned long rounds);

#endif
