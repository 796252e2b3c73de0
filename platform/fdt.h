/*
 * fdt.h - read-only access to a flattened devicetree (FDT, "DTB").
 *
 * Layer: platform/. Pure C, freestanding (no libc), so the kernel and
 * the host unit tests use the same code.
 *
 * The format is the Devicetree Specification v0.4, chapter 5 "Flattened
 * Devicetree (DTB) Format": a header (5.2), a memory reservation block
 * (5.3), a structure block of big-endian 32-bit tokens (5.4) and a
 * strings block holding property names (5.5).
 *
 * The blob comes from firmware and may be damaged, so fdt_open() checks
 * the header and walks the whole structure block once before anything
 * else looks at it; every accessor below also checks each offset and
 * length against the block it lies in, and every loop is bounded by the
 * block size. Multi-byte values are read byte by byte: the blob may be
 * only 4-byte aligned and real cores trap on misaligned 64-bit loads.
 *
 * Nodes and properties are named by their byte offset from the start of
 * the structure block (an int >= 0); a negative int is an FDT_E* error.
 */
#ifndef PLATFORM_FDT_H
#define PLATFORM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	FDT_OK = 0,
	FDT_EBADMAGIC = -1,	/* header magic is not 0xd00dfeed */
	FDT_ETRUNCATED = -2,	/* the data ends before the format says it should */
	FDT_EBADVERSION = -3,	/* not readable as version 16 or 17 */
	FDT_EBADSTRUCTURE = -4,	/* bad offsets, tokens, names or nesting */
	FDT_ENOTFOUND = -5,	/* no such node, property or entry */
	FDT_EBADVALUE = -6,	/* a property value has the wrong length or range */
	FDT_ETOODEEP = -7,	/* nodes nested deeper than FDT_MAX_DEPTH */
};

/* Header sizes (spec 5.2): version 17 adds size_dt_struct to version 16. */
#define FDT_MAGIC		0xd00dfeedu
#define FDT_HEADER_SIZE_V16	36u
#define FDT_HEADER_SIZE		40u

/* Structure block tokens (spec 5.4.1). */
#define FDT_BEGIN_NODE	0x1u
#define FDT_END_NODE	0x2u
#define FDT_PROP	0x3u
#define FDT_NOP		0x4u
#define FDT_END		0x9u

/* Deepest node accepted; the root is depth 0. Real trees use about 5. */
#define FDT_MAX_DEPTH	32

/* A checked blob. Fill it with fdt_open(); read-only afterwards. */
struct fdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t version;
	uint32_t off_rsvmap;
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
	int root;		/* structure-block offset of the root node */
};

/* Errors. */
const char *fdt_strerror(int err);

/* Header only: magic, version, totalsize <= size_limit, blocks inside
 * totalsize, structure block 4-byte aligned. Stores totalsize if asked. */
int fdt_check(const void *blob, uint64_t size_limit, uint64_t *totalsize);

/* fdt_check() plus a full walk of the structure block: tokens, node names
 * terminated, property lengths and name offsets in range, nesting balanced
 * and no deeper than FDT_MAX_DEPTH, exactly one root, FDT_END present. */
int fdt_open(struct fdt *f, const void *blob, uint64_t size_limit);

/* Byte-wise big-endian loads. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

/* Memory reservation block (spec 5.3): entry `index`, or FDT_ENOTFOUND
 * past the terminating (0, 0) entry. */
int fdt_rsvmap_get(const struct fdt *f, int index, uint64_t *addr, uint64_t *size);

/* Walking nodes. fdt_next_node() returns the next node in document order
 * and adds the change of depth to *depth (if not NULL); FDT_ENOTFOUND at
 * the end. The others return FDT_ENOTFOUND when there is no such node. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
int fdt_parent(const struct fdt *f, int node);
const char *fdt_node_name(const struct fdt *f, int node);	/* NULL if bad */

/* Properties. Values point into the blob: never write through them. */
int fdt_first_prop(const struct fdt *f, int node);
int fdt_next_prop(const struct fdt *f, int prop);
const void *fdt_prop_value(const struct fdt *f, int prop, const char **name, uint32_t *len);
const void *fdt_getprop(const struct fdt *f, int node, const char *name, uint32_t *len);
bool fdt_hasprop(const struct fdt *f, int node, const char *name);
/* The value if it is one NUL-terminated string, else NULL. */
const char *fdt_getprop_str(const struct fdt *f, int node, const char *name);
/* One cell; FDT_ENOTFOUND or FDT_EBADVALUE (length not 4). */
int fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *out);
/* One or two cells (a frequency may be either). */
int fdt_getprop_u64(const struct fdt *f, int node, const char *name, uint64_t *out);

/* String lists ("a\0b\0"), such as compatible. */
const char *fdt_stringlist_get(const void *val, uint32_t len, int index);
bool fdt_stringlist_contains(const void *val, uint32_t len, const char *s);
bool fdt_node_is_compatible(const struct fdt *f, int node, const char *compat);
/* status absent, "okay" or "ok" (spec 2.3.4). */
bool fdt_node_is_available(const struct fdt *f, int node);

/* Paths (spec 2.2.3). An absolute path "/soc/serial@10000000", or one
 * starting with an alias name from /aliases ("serial0", "serial0/x").
 * A component without '@' also matches "name@unit". `len` bytes of path
 * are used, so a caller can cut a ":115200n8" suffix off without a copy. */
int fdt_path_offset(const struct fdt *f, const char *path, uint32_t len);
/* The /aliases value (an absolute path string) or NULL. */
const char *fdt_get_alias(const struct fdt *f, const char *name, uint32_t namelen);

/* Phandles (spec 2.3.3): `phandle`, or the older `linux,phandle`. 0 and
 * 0xffffffff are never valid phandles. */
uint32_t fdt_get_phandle(const struct fdt *f, int node);
int fdt_node_by_phandle(const struct fdt *f, uint32_t phandle);

/* #address-cells / #size-cells a node gives its children (spec 2.3.5):
 * defaults 2 and 1; FDT_EBADVALUE if the value is above 4. */
int fdt_address_cells(const struct fdt *f, int node);
int fdt_size_cells(const struct fdt *f, int node);

/* Read `ncells` cells at byte *pos of val[0..len) into *out and advance
 * *pos. More than two cells fit 64 bits only if the upper ones are zero
 * (else FDT_EBADVALUE); past the end is FDT_ETRUNCATED. */
int fdt_read_cells(const void *val, uint32_t len, uint32_t *pos, int ncells, uint64_t *out);

/* reg entry `index` of `node`, decoded with the parent's cell counts ac
 * and sc. FDT_ENOTFOUND past the last whole entry. */
int fdt_reg(const struct fdt *f, int node, int ac, int sc, int index,
	    uint64_t *base, uint64_t *size);

#endif
