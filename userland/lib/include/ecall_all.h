/*
 * ecall_all.h - a system call with every register set and seen
 * (ecall_all.S), for tests of what the kernel preserves.
 *
 * Layer: userland/lib. calf_regcheck_fill() gives every register a
 * distinct value from a seed; after calf_ecall_all(), calf_regcheck_kept()
 * says which registers the ABI preserves (all but a0-a7, and sp, which
 * cannot be handed over) came back changed.
 */
#ifndef CALF_ECALL_ALL_H
#define CALF_ECALL_ALL_H

struct calf_ecall_regs {
	unsigned long in[32];    /* x0..x31 before the ecall (x0, x2 unused) */
	unsigned long out[32];   /* and after it */
};

void calf_ecall_all(struct calf_ecall_regs *r);

/* Distinct values, different per seed and per register. */
static inline void calf_regcheck_fill(struct calf_ecall_regs *r, unsigned long seed)
{
	for (int n = 0; n < 32; n++)
		r->in[n] = seed * 0x9e3779b97f4a7c15ul + (unsigned long)n * 0x0101010101ul;
}

/* A mask of the preserved registers (bit n: xn) whose value changed. */
static inline unsigned long calf_regcheck_changed(const struct calf_ecall_regs *r)
{
	unsigned long bad = 0;

	for (int n = 1; n < 32; n++) {
		if (n == 2 || (n >= 10 && n <= 17))
			continue;
		if (r->out[n] != r->in[n])
			bad |= 1ul << n;
	}
	return bad;
}

#endif
