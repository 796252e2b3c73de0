/*
 * frame_fixture.h - a frame table over a window of host memory, and the
 * sv39_mem that makes page tables of its frames: the ground the host
 * tests of vm/ code that walks page tables (space.c and its users) stand
 * on.
 *
 * Layer: test/ (host only).
 */
#ifndef TEST_HOST_FRAME_FIXTURE_H
#define TEST_HOST_FRAME_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sv39/sv39.h"
#include "vm/frame.h"
#include "vm/space.h"

/* Where the fake physical memory starts: the RAM base of QEMU virt. */
#define FAKE_PA 0x80000000ull

/*
 * nframes frames at FAKE_PA in a fresh window (the last call's is
 * freed), filled with 0xa5 so that a frame handed out without being
 * cleared shows; managed by ft as one range, or (split > 0) as a first
 * range of `split` frames and a second of the rest (frames outside the
 * largest range take the frame table's general paths). mem makes page
 * tables of ft's frames. Returns frame_table_init's result.
 */
static inline int frame_fixture(struct frame_table *ft, struct sv39_mem *mem, uint8_t **window,
				unsigned nframes, unsigned split)
{
	struct frame_span span[2] = {
		{ FAKE_PA, (uint64_t)split * FRAME_SIZE },
		{ FAKE_PA + (uint64_t)split * FRAME_SIZE, (uint64_t)(nframes - split) * FRAME_SIZE },
	};

	free(*window);
	*window = aligned_alloc(FRAME_SIZE, (size_t)nframes * FRAME_SIZE);
	memset(*window, 0xa5, (size_t)nframes * FRAME_SIZE);
	mem->table_ptr = space_table_ptr;
	mem->table_alloc = space_table_alloc;
	mem->table_free = space_table_free;
	mem->ctx = ft;
	return split ? frame_table_init(ft, *window, FAKE_PA, span, 2)
		     : frame_table_init(ft, *window, FAKE_PA, &span[1], 1);
}

#endif
