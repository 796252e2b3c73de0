/*
 * inspect.h - reading an address space entry by entry, for the tools
 * that show it (VM_PT_ENTRY: vmmap, the fault trace's readers).
 *
 * Layer: vm/ (pure, host-tested by test_vm_inspect.c). Reads page
 * tables through the frame table's window; changes nothing.
 */
#ifndef VM_INSPECT_H
#define VM_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "sv39/sv39.h"
#include "vm/frame.h"

/* A cursor level that means "before the first entry". */
#define INSPECT_START (SV39_LEVEL_1G + 1)

/*
 * The valid entry of s's user half that follows the one at (*va,
 * *level) in pre-order - a table entry, then the entries of the table
 * it points to, then the next entry - or the first one if *level is
 * INSPECT_START. Returns true with *va (the first address the entry
 * maps), *level and *pte; false when there is none. A cursor that
 * names no valid entry (the space changed) continues with the entries
 * after its address. The cursor's address must lie in the user half
 * (below SV39_USER_TOP): the caller checks it (vm/request.c).
 */
bool inspect_next_entry(const struct frame_table *ft, const struct sv39_space *s, uint64_t *va,
			int *level, sv39_pte_t *pte);

#endif
