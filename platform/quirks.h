/*
 * quirks.h - what is known to be wrong with a board's cores, chosen from
 * the device tree's compatible strings (never from the build).
 *
 * Layer: platform/. The kernel asks; only this file knows board names.
 */
#ifndef PLATFORM_QUIRKS_H
#define PLATFORM_QUIRKS_H

#include <stdbool.h>

#include "platform/board.h"

struct quirks {
	/* SiFive erratum CIP-1200 (U54/U74 cores): sfence.vma with an
	 * address may not flush that address. Flush the whole ASID instead,
	 * as Linux does. */
	bool sfence_vma_addr_broken;
	const char *names;          /* for the banner; "" if none */
};

void quirks_from_board(const struct board *b, struct quirks *q);

#endif
