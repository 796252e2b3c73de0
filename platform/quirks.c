/*
 * quirks.c - match compatible strings against known errata.
 *
 * Layer: platform/. A/D bits are not here: some SiFive cores do not set
 * them in hardware, so sv39/ presets them on every leaf on every board.
 */
#include "platform/quirks.h"

static bool contains(const char *s, const char *word)
{
	for (; *s; s++) {
		const char *a = s, *b = word;
		while (*b && *a == *b)
			a++, b++;
		if (!*b)
			return true;
	}
	return false;
}

/* SoCs and cores with U54 or U74 harts (FU540: HiFive Unleashed and
 * QEMU sifive_u; FU740: HiFive Unmatched). */
static const char *const cip1200[] = {
	"sifive,fu540", "sifive,fu740", "sifive,hifive-unleashed",
	"sifive,hifive-unmatched", "sifive,u54", "sifive,u74", "sifive,bullet",
};

void quirks_from_board(const struct board *b, struct quirks *q)
{
	q->sfence_vma_addr_broken = false;
	q->names = "";
	for (unsigned i = 0; i < sizeof(cip1200) / sizeof(cip1200[0]); i++) {
		if (contains(b->compatible, cip1200[i]) || contains(b->cpu_compatible, cip1200[i])) {
			q->sfence_vma_addr_broken = true;
			q->names = "sifive-cip-1200 (full TLB flushes)";
		}
	}
}
