/*
 * sv39.h - the Sv39 page-table library.
 *
 * Layer: sv39/ (the lowest layer above the hardware, pure C). Used by the
 * kernel, the user-mode VM server and the host unit tests alike, so it
 * touches no CSR, takes no lock and calls nothing but the three callbacks
 * in struct sv39_mem. Only <stdint.h>, <stddef.h> and <stdbool.h>.
 *
 * Sv39 is described in the RISC-V privileged spec 1.12, section 4.4
 * ("Sv39: Page-Based 39-bit Virtual-Memory System"); the translation
 * algorithm it follows is section 4.3.2 and the PTE layout figure 4.21.
 * A 39-bit virtual address is three 9-bit VPN fields and a 12-bit offset:
 *
 *     38      30 29      21 20      12 11         0
 *     | VPN[2]  |  VPN[1]  |  VPN[0]  |   offset   |
 *
 * and bits 63..39 must equal bit 38 (4.4.1). So the lower half
 * [0, SV39_USER_TOP) is user space, the upper half
 * [SV39_KERNEL_BASE, 2^64) the kernel; root entries 0..255 map the lower
 * half, 256..511 the upper half.
 *
 * Who runs what. The kernel builds its own tables with sv39_map_range
 * and sv39_share_kernel_half, and reads user tables with sv39_lookup
 * (usercopy.c). The VM server builds user tables with sv39_map,
 * sv39_unmap_range and sv39_for_each_leaf. For the walks on its hot
 * paths - every fault, every fork, every exit - it has faster versions
 * of its own in vm/space.h, specialised to what it builds (4 KiB leaves
 * only, page tables in the frame table's window, level-0 tables shared
 * between forks), and the functions here are their test oracle: the
 * reference the host tests hold them to.
 *     sv39_walk          <- space_leaf (the fault paths), checked in
 *                           test_vm_fork.c on every page of random spaces
 *     sv39_clone_cow     <- space_fork, checked in test_vm_fork.c
 *                           (fork_sees_what_sv39_clone_cow_builds)
 *     sv39_space_destroy <- space_destroy
 * sv39_protect, sv39_unmap and sv39_translate have no caller outside
 * the tests: they complete the library for whoever builds an mprotect,
 * a pager of their own or a lab on it.
 *
 * Conventions of this library:
 *  - "level" is the level of the table a PTE sits in: 2 is the root, a leaf
 *    at level 2 maps 1 GiB, at level 1 2 MiB, at level 0 4 KiB.
 *  - Nothing here flushes a TLB. After any change (even invalid -> valid,
 *    which the spec allows a hart to have cached, 4.2.1) the caller runs
 *    SFENCE.VMA (kernel) or asks the kernel for it (VM server).
 *  - Nothing here locks. One editor per space at a time.
 *  - The upper-half root entries of a user space are copies of the
 *    kernel's (sv39_share_kernel_half), so the tables they point at are
 *    shared by every space. The library never frees a table referenced by
 *    an upper-half root entry. Mapping into the upper half of a space
 *    therefore edits the kernel's shared tables: do it only on the kernel
 *    space itself.
 *  - Range bounds [va_lo, va_hi) are half open. va_hi == 0 means 2^64 (the
 *    end of the upper half), so [0, 0) is the whole address space. A bound
 *    in the non-canonical hole is clamped to the edge between the halves.
 *  - Callbacks (on_leaf, on_share) may be NULL.
 *  - table_alloc must return a ZEROED frame: the library relies on it and
 *    does not zero again. Table physical addresses are 4 KiB aligned.
 */
#ifndef SV39_SV39_H
#define SV39_SV39_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t sv39_pte_t;

/* PTE bits, privileged spec 4.3.1 (figure 4.18) and 4.4.1 (figure 4.21). */
#define SV39_PTE_V (1ull << 0)	/* valid */
#define SV39_PTE_R (1ull << 1)	/* readable */
#define SV39_PTE_W (1ull << 2)	/* writable */
#define SV39_PTE_X (1ull << 3)	/* executable */
#define SV39_PTE_U (1ull << 4)	/* accessible to U-mode */
#define SV39_PTE_G (1ull << 5)	/* global: in every address space */
#define SV39_PTE_A (1ull << 6)	/* accessed */
#define SV39_PTE_D (1ull << 7)	/* dirty */
#define SV39_PTE_COW (1ull << 8)	/* RSW bit: software copy-on-write mark */
#define SV39_PTE_RSW1 (1ull << 9)	/* RSW bit, unused, reserved for software */

#define SV39_PTE_FLAGS_MASK 0x3ffull	/* bits 9..0 */
#define SV39_PTE_RWX (SV39_PTE_R | SV39_PTE_W | SV39_PTE_X)
/* PPN is bits 53..10; bits 63..54 are reserved (Svnapot/Svpbmt) and stay 0. */
#define SV39_PTE_PPN_SHIFT 10
#define SV39_PTE_PPN_MASK ((1ull << 44) - 1)
#define SV39_PA_LIMIT (1ull << 56)	/* Sv39 physical addresses are 56 bits */

#define SV39_PAGE_SIZE 4096ull
#define SV39_PAGE_SHIFT 12
#define SV39_ENTRIES 512	/* PTEs per table: 4096 / 8 */
#define SV39_LEVEL_4K 0
#define SV39_LEVEL_2M 1
#define SV39_LEVEL_1G 2
#define SV39_LEVELS 3

#define SV39_USER_TOP 0x0000004000000000ull	/* lower half ends here */
#define SV39_KERNEL_BASE 0xffffffc000000000ull	/* upper half starts here */
#define SV39_VA_SPAN (1ull << 39)	/* both halves, end to end */
#define SV39_ROOT_KERNEL_FIRST 256	/* first root entry of the upper half */

enum {
	SV39_OK = 0,
	SV39_ENOMEM = -1,
	SV39_EINVAL = -2,
	SV39_EEXIST = -3,
	SV39_ENOENT = -4,
};

const char *sv39_strerror(int err);

static inline sv39_pte_t sv39_pte_make(uint64_t pa, uint64_t flags)
{
	return (((pa >> SV39_PAGE_SHIFT) & SV39_PTE_PPN_MASK) << SV39_PTE_PPN_SHIFT) |
	       (flags & SV39_PTE_FLAGS_MASK);
}

static inline uint64_t sv39_pte_pa(sv39_pte_t pte)
{
	return ((pte >> SV39_PTE_PPN_SHIFT) & SV39_PTE_PPN_MASK) << SV39_PAGE_SHIFT;
}

static inline uint64_t sv39_pte_flags(sv39_pte_t pte)
{
	return pte & SV39_PTE_FLAGS_MASK;
}

static inline bool sv39_pte_valid(sv39_pte_t pte)
{
	return (pte & SV39_PTE_V) != 0;
}

/* 4.3.2 step 4: a valid PTE with any of R, W, X is a leaf; with none of
 * them it points to the next table. */
static inline bool sv39_pte_is_leaf(sv39_pte_t pte)
{
	return sv39_pte_valid(pte) && (pte & SV39_PTE_RWX) != 0;
}

/* 4.4.1: bits 63..39 must all equal bit 38, or the access faults. */
static inline bool sv39_va_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 25) >> 25) == va;
}

static inline unsigned sv39_vpn(uint64_t va, int level)
{
	return (unsigned)(va >> (SV39_PAGE_SHIFT + 9 * level)) & (SV39_ENTRIES - 1);
}

static inline uint64_t sv39_level_size(int level)
{
	return SV39_PAGE_SIZE << (9 * level);
}

/*
 * How the library reaches page-table memory. The kernel passes its direct
 * map; the VM server its window onto frames it owns; host tests a malloc'd
 * pool.
 */
struct sv39_mem {
	void *(*table_ptr)(void *ctx, uint64_t pa);	/* pa of a table -> pointer */
	uint64_t (*table_alloc)(void *ctx);	/* pa of a ZEROED 4 KiB frame, 0 if none */
	void (*table_free)(void *ctx, uint64_t pa);
	void *ctx;
};

struct sv39_space {
	uint64_t root_pa;
	const struct sv39_mem *mem;
};

/* The table at physical address pa, as an array of SV39_ENTRIES PTEs. */
static inline sv39_pte_t *sv39_table(const struct sv39_space *s, uint64_t pa)
{
	return (sv39_pte_t *)s->mem->table_ptr(s->mem->ctx, pa);
}

/* Allocate an empty root table. ENOMEM if none. */
int sv39_space_init(struct sv39_space *s, const struct sv39_mem *mem);

/*
 * SV39_OK if flags make a legal leaf, else SV39_EINVAL: at least one of
 * R/W/X; W without R is reserved (4.3.1, table 4.5); W and X together are
 * refused (W^X policy of this kernel); W and COW together are refused
 * (a COW page stays read-only until its store fault is resolved); only
 * V R W X U G A D COW RSW1 may be set. V itself is neither required nor
 * refused.
 */
int sv39_check_leaf_flags(uint64_t flags);

/*
 * Map one leaf at `level`. va and pa aligned to the leaf size, va
 * canonical, pa below 2^56 and flags legal, else EINVAL. V, A and D are
 * always set: some SiFive cores do not update A/D in hardware and would
 * fault instead (4.3.1 allows either). EEXIST if the slot, or a leaf above
 * it on the path, is already valid -- except that a slot holding a table
 * with no leaves left below it (after unmaps) is freed and reused.
 * Intermediate tables are allocated as needed (non-leaf PTE = V only:
 * A, D, U are reserved in non-leaf PTEs, 4.3.1). ENOMEM if an allocation
 * fails; the space then maps exactly what it mapped before (an empty
 * intermediate table may stay linked; destroy frees it).
 */
int sv39_map(struct sv39_space *s, uint64_t va, uint64_t pa, int level, uint64_t flags);

/*
 * Map [va, va+size) -> [pa, pa+size) with the largest leaves (1G, 2M, 4K)
 * that the alignment of both va and pa and the remaining size allow.
 * va, pa and size must be 4 KiB aligned and the range must lie in one
 * half (EINVAL). size 0 maps nothing. On any failure everything this call
 * mapped is unmapped again (and tables it emptied freed) and the error is
 * returned.
 */
int sv39_map_range(struct sv39_space *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);

/*
 * Clear the leaf covering va, whatever its level; *old (if non-NULL) gets
 * the old PTE. ENOENT if nothing is mapped, EINVAL if va is not canonical.
 * Tables are not freed (sv39_unmap_range does that). The caller flushes
 * the TLB.
 */
int sv39_unmap(struct sv39_space *s, uint64_t va, sv39_pte_t *old);

/* The leaf covering va and its level (either pointer may be NULL).
 * ENOENT if unmapped, EINVAL if va is not canonical. */
int sv39_lookup(const struct sv39_space *s, uint64_t va, sv39_pte_t *pte, int *level);

/* Physical address of va, page offset included. Errors as sv39_lookup. */
int sv39_translate(const struct sv39_space *s, uint64_t va, uint64_t *pa);

/*
 * Pointer to the PTE slot for va in the table of `level`, allocating the
 * tables above it if alloc. NULL on failure with *err (err may be NULL):
 * EINVAL (bad va or level), ENOMEM, ENOENT (!alloc and a table is
 * missing), EEXIST (a leaf sits above `level`). The slot itself may hold
 * anything: a leaf, a table pointer or nothing.
 */
sv39_pte_t *sv39_walk(struct sv39_space *s, uint64_t va, int level, bool alloc, int *err);

/*
 * Change the flags of the leaf covering va: new = (old | set) & ~clear.
 * set and clear may name only flag bits (bits 9..0), clearing V is refused
 * (use sv39_unmap), and the result must pass sv39_check_leaf_flags; on
 * EINVAL nothing changes. ENOENT if unmapped. The caller flushes the TLB.
 */
int sv39_protect(struct sv39_space *s, uint64_t va, uint64_t set, uint64_t clear);

/*
 * fork support (copy-on-write). For every valid U leaf of src lying in
 * [va_lo, va_hi): if it is writable, clear W and set COW in src; then
 * install the same PTE in dst at the same va and level. Leaves already COW
 * stay COW; read-only leaves without COW (text, rodata) are shared as they
 * are and never become COW. Non-U leaves are skipped. on_share(arg, pa) is
 * called once per leaf installed in dst, with the leaf's base pa (one call
 * for a whole 2M/1G leaf).
 *
 * EINVAL if va_hi > SV39_USER_TOP, a bound is not page aligned, dst is
 * src, or a leaf straddles a bound (checked before anything changes).
 * va_lo >= va_hi clones nothing. Cost follows the page tables: empty
 * subtrees are skipped whole. Each leaf is installed in dst before src is
 * write-protected, so on error src leaves not yet shared keep W.
 * ENOMEM (or EEXIST if dst already maps a va): dst may be partly built;
 * the caller destroys it. The caller flushes src's TLB.
 */
int sv39_clone_cow(struct sv39_space *dst, struct sv39_space *src, uint64_t va_lo, uint64_t va_hi,
		   void (*on_share)(void *arg, uint64_t pa), void *arg);

/*
 * Clear every leaf lying wholly in [va_lo, va_hi) (a large leaf straddling
 * a bound is left alone), calling on_leaf(arg, va, pte) before clearing
 * each; free every intermediate table that is empty afterwards (except
 * those the upper-half root entries point to). The caller flushes the TLB.
 */
void sv39_unmap_range(struct sv39_space *s, uint64_t va_lo, uint64_t va_hi,
		      void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte), void *arg);

/*
 * Unmap the whole user half (root entries 0..255) as sv39_unmap_range
 * does, free its tables and the root. Root entries 256..511 point at the
 * kernel's shared tables: never descended into, never freed. s->root_pa
 * becomes 0.
 */
void sv39_space_destroy(struct sv39_space *s,
			void (*on_leaf)(void *arg, uint64_t va, sv39_pte_t pte), void *arg);

/*
 * Copy root entries 256..511 from kernel into dst: this is how each new
 * space gets the kernel. The copy is taken now: later changes inside the
 * shared tables are seen by every space, later changes to the kernel's
 * root entries themselves are not, so the kernel fills its upper-half root
 * entries before it creates user spaces.
 */
void sv39_share_kernel_half(struct sv39_space *dst, const struct sv39_space *kernel);

/*
 * Call fn(arg, va, pte, level) for every leaf overlapping [va_lo, va_hi),
 * in ascending va order (lower half first), va being the leaf's base
 * (below va_lo for a large leaf straddling it). A non-zero return from fn
 * stops the walk and is returned; otherwise 0.
 */
int sv39_for_each_leaf(const struct sv39_space *s, uint64_t va_lo, uint64_t va_hi,
		       int (*fn)(void *arg, uint64_t va, sv39_pte_t pte, int level), void *arg);

#endif
