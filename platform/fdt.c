/*
 * fdt.c - read-only flattened devicetree (DTB) access.
 *
 * Layer: platform/. Pure C: no libc, no allocation, no globals, so it
 * runs before the kernel has a heap and inside the host unit tests alike.
 *
 * Format: Devicetree Specification v0.4, chapter 5 "Flattened Devicetree
 * (DTB) Format". Everything in the blob is big-endian; we read it byte by
 * byte because the blob may sit at any 4-byte aligned address and real
 * RISC-V cores trap on misaligned 64-bit loads (QEMU does not).
 *
 * The blob is untrusted firmware input. Rules kept throughout:
 *   - every offset and length is checked against the block it lies in
 *     before a byte is read (sums are done in 64 bits, so no wrap);
 *   - every loop has a bound derived from the block size;
 *   - fdt_open() validates the whole structure block once, so a
 *     malformed blob is refused with an error code up front; the
 *     accessors still check what they read, so they stay safe even if
 *     handed an offset that does not name a node.
 */
#include "platform/fdt.h"

/* Offsets are ints (negative = error), so cap blobs far below 2 GiB. */
#define FDT_MAX_TOTALSIZE 0x10000000u

/* Header field offsets (spec 5.2, struct fdt_header). */
#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP_VERSION	24
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

/* ---- tiny local helpers (no libc) ---- */

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return ((uint64_t)fdt_be32(b) << 32) | fdt_be32(b + 4);
}

/* Length of the string at s, looking at no more than max bytes; returns
 * max if there is no NUL in them. */
static uint32_t fdt_strnlen(const char *s, uint32_t max)
{
	uint32_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

static bool fdt_streq(const char *a, const char *b)
{
	/* Both are known to be NUL-terminated: one is ours, the other was
	 * checked by whoever found it in the blob. */
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Does the NUL-terminated s equal the n bytes at p? */
static bool fdt_streq_n(const char *s, const char *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] != p[i])
			return false;
	return s[n] == '\0';
}

static uint32_t fdt_align4(uint32_t x)
{
	return (x + 3u) & ~3u;
}

/* Upper bound on tokens in the structure block: each is >= 4 bytes. */
static uint32_t fdt_max_steps(const struct fdt *f)
{
	return f->size_struct / 4u + 2u;
}

static const uint8_t *fdt_struct_base(const struct fdt *f)
{
	return f->blob + f->off_struct;
}

/*
 * Messages indexed by -err. A 2-D char array, not an array of pointers:
 * the kernel may call this before paging, while it runs at its physical
 * address, and a table of absolute pointers would hold link-time (upper
 * half) addresses. Indexing this array is PC-relative.
 */
static const char fdt_errmsg[][36] = {
	[-FDT_OK] = "ok",
	[-FDT_EBADMAGIC] = "bad magic (not a devicetree blob)",
	[-FDT_ETRUNCATED] = "truncated",
	[-FDT_EBADVERSION] = "unsupported version",
	[-FDT_EBADSTRUCTURE] = "malformed structure",
	[-FDT_ENOTFOUND] = "not found",
	[-FDT_EBADVALUE] = "bad property value",
	[-FDT_ETOODEEP] = "nodes nested too deep",
};

const char *fdt_strerror(int err)
{
	if (err > 0 || err < FDT_ETOODEEP)
		return "unknown error";
	return fdt_errmsg[-err];
}

/* ---- header (spec 5.2) ---- */

/* A block [off, off+size) must lie inside [hdrsize, totalsize). */
static bool fdt_block_ok(uint32_t off, uint32_t size, uint32_t hdrsize, uint32_t totalsize)
{
	return off >= hdrsize && off <= totalsize &&
	       (uint64_t)off + size <= totalsize;
}

int fdt_check(const void *blob, uint64_t size_limit, uint64_t *totalsize)
{
	const uint8_t *h = blob;
	uint32_t total, version, last_comp, hdrsize;
	uint32_t off_struct, off_strings, off_rsvmap, size_struct, size_strings;

	if (blob == NULL)
		return FDT_EBADMAGIC;
	/* Read only the magic until we know the header fits. */
	if (size_limit < 4)
		return FDT_ETRUNCATED;
	if (fdt_be32(h + HDR_MAGIC) != FDT_MAGIC)
		return FDT_EBADMAGIC;
	if (size_limit < FDT_HEADER_SIZE_V16)
		return FDT_ETRUNCATED;

	/* Version 17 readers can read anything whose last compatible
	 * version is <= 17 (spec 5.2: last_comp_version); we need at least
	 * version 16's fields. */
	version = fdt_be32(h + HDR_VERSION);
	last_comp = fdt_be32(h + HDR_LAST_COMP_VERSION);
	if (version < 16 || last_comp > 17 || last_comp > version)
		return FDT_EBADVERSION;
	hdrsize = version >= 17 ? FDT_HEADER_SIZE : FDT_HEADER_SIZE_V16;
	if (size_limit < hdrsize)
		return FDT_ETRUNCATED;

	total = fdt_be32(h + HDR_TOTALSIZE);
	if (total < hdrsize || total > FDT_MAX_TOTALSIZE)
		return FDT_EBADSTRUCTURE;
	if (total > size_limit)
		return FDT_ETRUNCATED;

	off_struct = fdt_be32(h + HDR_OFF_STRUCT);
	off_strings = fdt_be32(h + HDR_OFF_STRINGS);
	off_rsvmap = fdt_be32(h + HDR_OFF_RSVMAP);
	size_strings = fdt_be32(h + HDR_SIZE_STRINGS);
	if (version >= 17)
		size_struct = fdt_be32(h + HDR_SIZE_STRUCT);
	else if (off_struct <= total)
		size_struct = total - off_struct;	/* v16: no size field */
	else
		return FDT_EBADSTRUCTURE;

	/* Tokens are 32-bit aligned (spec 5.4.1); the reservation block's
	 * 16-byte entries must at least start inside the blob. */
	if (off_struct % 4 != 0)
		return FDT_EBADSTRUCTURE;
	if (!fdt_block_ok(off_struct, size_struct, hdrsize, total) ||
	    !fdt_block_ok(off_strings, size_strings, hdrsize, total) ||
	    !fdt_block_ok(off_rsvmap, 0, hdrsize, total))
		return FDT_EBADSTRUCTURE;

	if (totalsize != NULL)
		*totalsize = total;
	return FDT_OK;
}

/* ---- structure block tokens (spec 5.4) ---- */

/*
 * Decode the token at structure-block offset off: its tag, and the offset
 * of the token after it. Checks everything the token refers to: a node
 * name must end inside the block, a property value must fit in the block
 * and its name offset must name a NUL-terminated string inside the
 * strings block.
 */
static int fdt_token(const struct fdt *f, uint32_t off, uint32_t *tag, uint32_t *next)
{
	const uint8_t *s = fdt_struct_base(f);
	uint32_t size = f->size_struct;
	uint32_t len, nameoff, n;

	if (off % 4 != 0 || off > size || size - off < 4)
		return FDT_ETRUNCATED;
	*tag = fdt_be32(s + off);
	switch (*tag) {
	case FDT_BEGIN_NODE:
		/* Name (with unit address), NUL, padding to 4 bytes. */
		n = fdt_strnlen((const char *)s + off + 4, size - off - 4);
		if (n == size - off - 4)
			return FDT_ETRUNCATED;	/* no NUL before the end */
		*next = fdt_align4(off + 4 + n + 1);
		return FDT_OK;
	case FDT_PROP:
		/* struct { uint32 len; uint32 nameoff; } then len bytes. */
		if (size - off < 12)
			return FDT_ETRUNCATED;
		len = fdt_be32(s + off + 4);
		nameoff = fdt_be32(s + off + 8);
		if (len > size - off - 12)
			return FDT_ETRUNCATED;
		if (nameoff >= f->size_strings)
			return FDT_EBADSTRUCTURE;
		n = fdt_strnlen((const char *)f->blob + f->off_strings + nameoff,
				f->size_strings - nameoff);
		if (n == f->size_strings - nameoff)
			return FDT_EBADSTRUCTURE;	/* name not terminated */
		*next = off + 12 + fdt_align4(len);
		return FDT_OK;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		*next = off + 4;
		return FDT_OK;
	default:
		return FDT_EBADSTRUCTURE;
	}
}

/* The reservation block must end with a (0, 0) entry inside the blob. */
static int fdt_check_rsvmap(const struct fdt *f)
{
	uint64_t off;

	for (off = f->off_rsvmap; off + 16 <= f->totalsize; off += 16) {
		if (fdt_be64(f->blob + off) == 0 && fdt_be64(f->blob + off + 8) == 0)
			return FDT_OK;
	}
	return FDT_ETRUNCATED;
}

int fdt_open(struct fdt *f, const void *blob, uint64_t size_limit)
{
	const uint8_t *h = blob;
	uint64_t total;
	uint32_t off = 0, next = 0, tag = 0, steps;
	int open = 0, root = -1, r;

	r = fdt_check(blob, size_limit, &total);
	if (r < 0)
		return r;
	f->blob = h;
	f->totalsize = (uint32_t)total;
	f->version = fdt_be32(h + HDR_VERSION);
	f->off_rsvmap = fdt_be32(h + HDR_OFF_RSVMAP);
	f->off_struct = fdt_be32(h + HDR_OFF_STRUCT);
	f->off_strings = fdt_be32(h + HDR_OFF_STRINGS);
	f->size_strings = fdt_be32(h + HDR_SIZE_STRINGS);
	f->size_struct = f->version >= 17 ? fdt_be32(h + HDR_SIZE_STRUCT)
					   : f->totalsize - f->off_struct;
	f->root = -1;

	r = fdt_check_rsvmap(f);
	if (r < 0)
		return r;

	/* One pass over every token (spec 5.4.2 lexical structure). `open`
	 * counts unclosed nodes: the root is depth 0, so a node at depth d
	 * makes it d+1. */
	for (steps = 0; steps < fdt_max_steps(f); steps++) {
		r = fdt_token(f, off, &tag, &next);
		if (r < 0)
			return r;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (open == 0 && root >= 0)
				return FDT_EBADSTRUCTURE;	/* a second root */
			if (root < 0)
				root = (int)off;
			if (++open > FDT_MAX_DEPTH + 1)
				return FDT_ETOODEEP;
			break;
		case FDT_PROP:
			if (open == 0)
				return FDT_EBADSTRUCTURE;	/* outside any node */
			break;
		case FDT_END_NODE:
			if (open == 0)
				return FDT_EBADSTRUCTURE;
			open--;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (open != 0 || root < 0)
				return FDT_EBADSTRUCTURE;
			f->root = root;
			return FDT_OK;
		}
		off = next;
	}
	return FDT_EBADSTRUCTURE;
}

/* ---- memory reservation block (spec 5.3) ---- */

int fdt_rsvmap_get(const struct fdt *f, int index, uint64_t *addr, uint64_t *size)
{
	uint64_t off = f->off_rsvmap, a, s;
	int i;

	if (index < 0)
		return FDT_ENOTFOUND;
	for (i = 0; off + 16 <= f->totalsize; i++, off += 16) {
		a = fdt_be64(f->blob + off);
		s = fdt_be64(f->blob + off + 8);
		if (a == 0 && s == 0)
			return FDT_ENOTFOUND;	/* the terminator */
		if (i == index) {
			*addr = a;
			*size = s;
			return FDT_OK;
		}
	}
	return FDT_ETRUNCATED;
}

/* ---- nodes ---- */

/* The offset of the first token after node's BEGIN_NODE and name. */
static int fdt_node_body(const struct fdt *f, int node, uint32_t *body)
{
	uint32_t tag, next;
	int r;

	if (node < 0)
		return FDT_ENOTFOUND;
	r = fdt_token(f, (uint32_t)node, &tag, &next);
	if (r < 0)
		return r;
	if (tag != FDT_BEGIN_NODE)
		return FDT_EBADSTRUCTURE;	/* offset does not name a node */
	*body = next;
	return FDT_OK;
}

const char *fdt_node_name(const struct fdt *f, int node)
{
	uint32_t body;

	if (fdt_node_body(f, node, &body) < 0)
		return NULL;
	/* fdt_token() checked that the name is terminated. */
	return (const char *)fdt_struct_base(f) + node + 4;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	uint32_t off, next, tag, steps;
	int d = 0, r;

	r = fdt_node_body(f, node, &off);
	if (r < 0)
		return r;
	for (steps = 0; steps < fdt_max_steps(f); steps++) {
		r = fdt_token(f, off, &tag, &next);
		if (r < 0)
			return r;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth != NULL)
				*depth += d + 1;
			return (int)off;
		case FDT_END_NODE:
			d--;
			break;
		case FDT_END:
			return FDT_ENOTFOUND;
		default:	/* FDT_PROP, FDT_NOP */
			break;
		}
		off = next;
	}
	return FDT_EBADSTRUCTURE;
}

int fdt_first_child(const struct fdt *f, int node)
{
	int d = 0, n;

	n = fdt_next_node(f, node, &d);
	if (n < 0)
		return n;
	return d == 1 ? n : FDT_ENOTFOUND;
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	uint32_t steps;
	int d = 0, n = node;

	for (steps = 0; steps < fdt_max_steps(f); steps++) {
		n = fdt_next_node(f, n, &d);
		if (n < 0)
			return n;
		if (d == 0)
			return n;
		if (d < 0)
			return FDT_ENOTFOUND;	/* left the parent */
	}
	return FDT_EBADSTRUCTURE;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH + 1];
	int n = f->root, d = 0;
	uint32_t steps;

	if (node == f->root)
		return FDT_ENOTFOUND;
	stack[0] = f->root;
	for (steps = 0; steps < fdt_max_steps(f); steps++) {
		n = fdt_next_node(f, n, &d);
		if (n < 0)
			return n == FDT_ENOTFOUND ? FDT_ENOTFOUND : n;
		if (d < 1 || d > FDT_MAX_DEPTH)
			return FDT_EBADSTRUCTURE;
		stack[d] = n;
		if (n == node)
			return stack[d - 1];
	}
	return FDT_EBADSTRUCTURE;
}

/* ---- properties ---- */

/* From structure-block offset off, skip NOPs; the PROP found, or
 * FDT_ENOTFOUND at the first child or end of the node. */
static int fdt_prop_from(const struct fdt *f, uint32_t off)
{
	uint32_t tag, next, steps;
	int r;

	for (steps = 0; steps < fdt_max_steps(f); steps++) {
		r = fdt_token(f, off, &tag, &next);
		if (r < 0)
			return r;
		if (tag == FDT_PROP)
			return (int)off;
		if (tag != FDT_NOP)
			return FDT_ENOTFOUND;
		off = next;
	}
	return FDT_EBADSTRUCTURE;
}

int fdt_first_prop(const struct fdt *f, int node)
{
	uint32_t body;
	int r;

	r = fdt_node_body(f, node, &body);
	if (r < 0)
		return r;
	return fdt_prop_from(f, body);
}

int fdt_next_prop(const struct fdt *f, int prop)
{
	uint32_t tag, next;
	int r;

	if (prop < 0)
		return FDT_ENOTFOUND;
	r = fdt_token(f, (uint32_t)prop, &tag, &next);
	if (r < 0)
		return r;
	if (tag != FDT_PROP)
		return FDT_EBADSTRUCTURE;
	return fdt_prop_from(f, next);
}

const void *fdt_prop_value(const struct fdt *f, int prop, const char **name, uint32_t *len)
{
	const uint8_t *s = fdt_struct_base(f);
	uint32_t tag, next;

	if (prop < 0 || fdt_token(f, (uint32_t)prop, &tag, &next) < 0 ||
	    tag != FDT_PROP)
		return NULL;
	/* fdt_token() checked the length and the name offset. */
	if (name != NULL)
		*name = (const char *)f->blob + f->off_strings + fdt_be32(s + prop + 8);
	if (len != NULL)
		*len = fdt_be32(s + prop + 4);
	return s + prop + 12;
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name, uint32_t *len)
{
	const char *pname;
	const void *val;
	uint32_t steps, plen;
	int p;

	p = fdt_first_prop(f, node);
	for (steps = 0; p >= 0 && steps < fdt_max_steps(f); steps++) {
		val = fdt_prop_value(f, p, &pname, &plen);
		if (val == NULL)
			return NULL;
		if (fdt_streq(name, pname)) {
			if (len != NULL)
				*len = plen;
			return val;
		}
		p = fdt_next_prop(f, p);
	}
	return NULL;
}

bool fdt_hasprop(const struct fdt *f, int node, const char *name)
{
	return fdt_getprop(f, node, name, NULL) != NULL;
}

const char *fdt_getprop_str(const struct fdt *f, int node, const char *name)
{
	uint32_t len;
	const char *v = fdt_getprop(f, node, name, &len);

	if (v == NULL || len == 0 || fdt_strnlen(v, len) == len)
		return NULL;
	return v;
}

int fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
	uint32_t len;
	const void *v = fdt_getprop(f, node, name, &len);

	if (v == NULL)
		return FDT_ENOTFOUND;
	if (len != 4)
		return FDT_EBADVALUE;
	*out = fdt_be32(v);
	return FDT_OK;
}

int fdt_getprop_u64(const struct fdt *f, int node, const char *name, uint64_t *out)
{
	uint32_t len;
	const void *v = fdt_getprop(f, node, name, &len);

	if (v == NULL)
		return FDT_ENOTFOUND;
	if (len == 4)
		*out = fdt_be32(v);
	else if (len == 8)
		*out = fdt_be64(v);
	else
		return FDT_EBADVALUE;
	return FDT_OK;
}

/* ---- string lists (spec 2.2.4.1 "stringlist") ---- */

const char *fdt_stringlist_get(const void *val, uint32_t len, int index)
{
	const char *s = val;
	uint32_t pos = 0, n;
	int i;

	if (val == NULL || index < 0)
		return NULL;
	/* pos grows by at least 1 per string, so this ends within len. */
	for (i = 0; pos < len; i++) {
		n = fdt_strnlen(s + pos, len - pos);
		if (n == len - pos)
			return NULL;	/* last string not terminated */
		if (i == index)
			return s + pos;
		pos += n + 1;
	}
	return NULL;
}

bool fdt_stringlist_contains(const void *val, uint32_t len, const char *str)
{
	const char *s;
	int i;

	for (i = 0; (uint32_t)i < len; i++) {
		s = fdt_stringlist_get(val, len, i);
		if (s == NULL)
			return false;
		if (fdt_streq(str, s))
			return true;
	}
	return false;
}

bool fdt_node_is_compatible(const struct fdt *f, int node, const char *compat)
{
	uint32_t len;
	const void *v = fdt_getprop(f, node, "compatible", &len);

	return v != NULL && fdt_stringlist_contains(v, len, compat);
}

bool fdt_node_is_available(const struct fdt *f, int node)
{
	uint32_t len;
	const char *s = fdt_getprop(f, node, "status", &len);

	if (s == NULL)
		return true;
	/* "okay"; "ok" is the older spelling still found in the wild. */
	return fdt_stringlist_contains(s, len, "okay") ||
	       fdt_stringlist_contains(s, len, "ok");
}

/* ---- paths and aliases (spec 2.2.3, 3.3) ---- */

/* Does node name `name` match path component p[0..n)? "serial" matches
 * "serial@10000000"; "serial@10000000" must match exactly. */
static bool fdt_name_matches(const char *name, const char *p, uint32_t n)
{
	uint32_t i;
	bool has_at = false;

	for (i = 0; i < n; i++) {
		if (name[i] == '\0' || name[i] != p[i])
			return false;
		if (p[i] == '@')
			has_at = true;
	}
	return name[n] == '\0' || (name[n] == '@' && !has_at);
}

/* Follow path[0..len) (relative to `node`, slashes anywhere) downwards. */
static int fdt_walk_path(const struct fdt *f, int node, const char *path, uint32_t len)
{
	uint32_t pos = 0, start, steps;
	const char *name;
	int child;

	while (pos < len && path[pos] != '\0') {
		if (path[pos] == '/') {
			pos++;
			continue;
		}
		start = pos;
		while (pos < len && path[pos] != '/' && path[pos] != '\0')
			pos++;
		if (pos < len && path[pos] == '\0')
			len = pos;	/* a NUL ends the path early */
		child = fdt_first_child(f, node);
		for (steps = 0; child >= 0 && steps < fdt_max_steps(f); steps++) {
			name = fdt_node_name(f, child);
			if (name != NULL && fdt_name_matches(name, path + start, pos - start))
				break;
			child = fdt_next_sibling(f, child);
		}
		if (child < 0)
			return child;
		if (steps == fdt_max_steps(f))
			return FDT_EBADSTRUCTURE;
		node = child;
	}
	return node;
}

const char *fdt_get_alias(const struct fdt *f, const char *name, uint32_t namelen)
{
	const char *pname, *val;
	uint32_t len, steps;
	int aliases, p;

	aliases = fdt_walk_path(f, f->root, "aliases", 7);
	if (aliases < 0)
		return NULL;
	p = fdt_first_prop(f, aliases);
	for (steps = 0; p >= 0 && steps < fdt_max_steps(f); steps++) {
		val = fdt_prop_value(f, p, &pname, &len);
		if (val == NULL)
			return NULL;
		if (fdt_streq_n(pname, name, namelen)) {
			if (len == 0 || fdt_strnlen(val, len) == len)
				return NULL;	/* not a string */
			return val;
		}
		p = fdt_next_prop(f, p);
	}
	return NULL;
}

int fdt_path_offset(const struct fdt *f, const char *path, uint32_t len)
{
	const char *alias;
	uint32_t n = 0;
	int node;

	if (path == NULL || len == 0 || path[0] == '\0')
		return FDT_ENOTFOUND;
	if (path[0] == '/')
		return fdt_walk_path(f, f->root, path, len);

	/* "alias/rest": the alias must expand to an absolute path, which
	 * also rules out an alias naming another alias (no recursion). */
	while (n < len && path[n] != '/' && path[n] != '\0')
		n++;
	alias = fdt_get_alias(f, path, n);
	if (alias == NULL || alias[0] != '/')
		return FDT_ENOTFOUND;
	/* fdt_get_alias() checked the NUL; the walk stops there. */
	node = fdt_walk_path(f, f->root, alias, fdt_strnlen(alias, f->totalsize));
	if (node < 0)
		return node;
	return fdt_walk_path(f, node, path + n, len - n);
}

/* ---- phandles (spec 2.3.3) ---- */

uint32_t fdt_get_phandle(const struct fdt *f, int node)
{
	uint32_t ph;

	if (fdt_getprop_u32(f, node, "phandle", &ph) == FDT_OK)
		return ph;
	if (fdt_getprop_u32(f, node, "linux,phandle", &ph) == FDT_OK)
		return ph;
	return 0;
}

int fdt_node_by_phandle(const struct fdt *f, uint32_t phandle)
{
	uint32_t steps;
	int node = f->root;

	if (phandle == 0 || phandle == 0xffffffffu)
		return FDT_ENOTFOUND;
	for (steps = 0; node >= 0 && steps < fdt_max_steps(f); steps++) {
		if (fdt_get_phandle(f, node) == phandle)
			return node;
		node = fdt_next_node(f, node, NULL);
	}
	return node < 0 ? node : FDT_EBADSTRUCTURE;
}

/* ---- cells and reg (spec 2.3.5, 2.3.6) ---- */

static int fdt_cells(const struct fdt *f, int node, const char *name, int dflt)
{
	uint32_t v;
	int r = fdt_getprop_u32(f, node, name, &v);

	if (r == FDT_ENOTFOUND)
		return dflt;
	if (r < 0)
		return r;
	return v > 4 ? FDT_EBADVALUE : (int)v;
}

int fdt_address_cells(const struct fdt *f, int node)
{
	return fdt_cells(f, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *f, int node)
{
	return fdt_cells(f, node, "#size-cells", 1);
}

int fdt_read_cells(const void *val, uint32_t len, uint32_t *pos, int ncells, uint64_t *out)
{
	const uint8_t *p = val;
	uint64_t v = 0;
	uint32_t c;
	int i;

	if (ncells < 0 || ncells > 4)
		return FDT_EBADVALUE;
	if ((uint64_t)*pos + 4u * (uint32_t)ncells > len)
		return FDT_ETRUNCATED;
	for (i = 0; i < ncells; i++) {
		c = fdt_be32(p + *pos + 4u * (uint32_t)i);
		if (i < ncells - 2 && c != 0)
			return FDT_EBADVALUE;	/* does not fit 64 bits */
		v = (v << 32) | c;
	}
	*pos += 4u * (uint32_t)ncells;
	*out = v;
	return FDT_OK;
}

int fdt_reg(const struct fdt *f, int node, int ac, int sc, int index,
	    uint64_t *base, uint64_t *size)
{
	const void *v;
	uint32_t len, pos, entry;
	int r;

	if (ac < 0 || ac > 4 || sc < 0 || sc > 4)
		return FDT_EBADVALUE;
	v = fdt_getprop(f, node, "reg", &len);
	if (v == NULL)
		return FDT_ENOTFOUND;
	entry = 4u * (uint32_t)(ac + sc);
	if (entry == 0)
		return FDT_EBADVALUE;
	if (index < 0 || ((uint64_t)index + 1) * entry > len)
		return FDT_ENOTFOUND;
	pos = (uint32_t)index * entry;
	r = fdt_read_cells(v, len, &pos, ac, base);
	if (r < 0)
		return r;
	return fdt_read_cells(v, len, &pos, sc, size);
}
