/*
 * inspect.c - reading an address space entry by entry (see inspect.h).
 *
 * Layer: vm/ (pure, host-tested by test_vm_inspect.c).
 *
 * The walk keeps no state between calls: the cursor is the last entry
 * returned, (va, level), and every call walks down from the root to it
 * again. That costs a few loads per entry and lets a tool read a space
 * one request at a time while the space goes on changing.
 */
#include "vm/inspect.h"
#include "vm/lab.h"

/* The entry at level `level` on the walk to va, or NULL if the walk
 * stops above it (no table, or a leaf). */
static const sv39_pte_t *entry_at(const struct frame_table *ft, const struct sv39_space *s,
				  uint64_t va, int level)
{
	const sv39_pte_t *t = frame_ptr(ft, s->root_pa);

	for (int l = SV39_LEVEL_1G; l > level; l--) {
		sv39_pte_t e = t[sv39_vpn(va, l)];

		if ((e & (SV39_PTE_V | SV39_PTE_RWX)) != SV39_PTE_V)
			return NULL;
		t = frame_ptr(ft, sv39_pte_pa(e));
	}
	return &t[sv39_vpn(va, level)];
}

static bool is_table(sv39_pte_t e)
{
	return (e & (SV39_PTE_V | SV39_PTE_RWX)) == SV39_PTE_V;
}

bool inspect_next_entry(const struct frame_table *ft, const struct sv39_space *s, uint64_t *va,
			int *level, sv39_pte_t *pte)
{
	/* LAB pgtbl: begin */
	uint64_t v = *va;
	int l = *level;
	bool moved;   /* v was advanced past an entry: it may have left its table */

	if (!s->root_pa)
		return false;
	if (l > SV39_LEVEL_1G) {
		v = 0;
		l = SV39_LEVEL_1G;
		moved = false;
	} else {
		const sv39_pte_t *e = entry_at(ft, s, v, l);

		v &= ~(sv39_level_size(l) - 1);
		if (e && l > SV39_LEVEL_4K && is_table(*e)) {
			l--;              /* into the table: its first entry */
			moved = false;
		} else {
			v += sv39_level_size(l);
			moved = true;
		}
	}
	for (;;) {
		const sv39_pte_t *e;

		/* Past the last entry of a table: on to the next entry of the
		 * table above (already at v, the start of what it maps). */
		while (moved && l < SV39_LEVEL_1G && !(v & (sv39_level_size(l + 1) - 1)))
			l++;
		if (v >= SV39_USER_TOP)
			return false;   /* the end of the user half */
		e = entry_at(ft, s, v, l);
		if (e && sv39_pte_valid(*e)) {
			*va = v;
			*level = l;
			*pte = *e;
			return true;
		}
		v += sv39_level_size(l);
		moved = true;
	}
	/* LAB pgtbl: stub
	 * (void)ft; (void)s; (void)va; (void)level; (void)pte; (void)entry_at; (void)is_table;
	 * lab_missing("pgtbl", "inspect_next_entry");
	 * return false;
	 * LAB pgtbl: end */
}
