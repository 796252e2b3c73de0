/*
 * badcalls.h - what the parts of badcalls share (badcalls.c runs them).
 *
 * Layer: userland/.
 */
#ifndef BADCALLS_H
#define BADCALLS_H

#include <stdint.h>

#define PAGE 4096ul

/* splitmix64: the next number of the sequence in *s. */
uint64_t splitmix(uint64_t *s);
/* A VM-server request with three arguments: its result. */
long vm3(unsigned long label, unsigned long a1, unsigned long a2, unsigned long a3);

/* Part (4), races.c: ROUNDS rounds (default RACE_ROUNDS) of threads
 * making calls into pages another thread maps and unmaps; seed picks
 * each round's calls. */
#define RACE_ROUNDS 16
void test_races(uint64_t seed, unsigned long rounds);

#endif
