/*
 * board_dt.c - build a struct board from the devicetree blob.
 *
 * Layer: platform/. Pure C: no libc, no allocation, so it runs first
 * thing at boot, before paging, and in the host unit tests.
 *
 * One kernel binary serves QEMU virt, QEMU sifive_u and HiFive boards
 * under U-Boot, so nothing here names a board: each fact is found the way
 * the Devicetree Specification v0.4 (chapter 3, "Device Node
 * Requirements") and the Linux bindings say it is published.
 *
 * A malformed blob is an error (fdt_open() checks it whole first). A
 * well-formed blob that lacks something, or has an odd property value, is
 * not: that item is left empty and the kernel decides what it can live
 * without.
 */
#include "platform/board.h"
#include "platform/fdt.h"

/* mip/mie bit 9: supervisor external interrupt (privileged spec 3.1.9). */
#define IRQ_S_EXT 9

/* ---- tiny local helpers (no libc) ---- */

static void board_zero(void *p, uint64_t n)
{
	/* volatile: keep the compiler from turning this into a memset()
	 * call, which the freestanding kernel need not provide. */
	volatile uint8_t *b = p;
	uint64_t i;

	for (i = 0; i < n; i++)
		b[i] = 0;
}

static bool board_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Append NUL-terminated src to dst[0..cap) at *pos, always leaving dst
 * terminated; stops quietly when full. */
static void board_append(char *dst, uint32_t cap, uint32_t *pos, const char *src)
{
	while (*src != '\0' && *pos + 1 < cap)
		dst[(*pos)++] = *src++;
	dst[*pos] = '\0';
}

static void board_copy(char *dst, uint32_t cap, const char *src)
{
	uint32_t pos = 0;

	board_append(dst, cap, &pos, src);
}

/* ---- root, reservation block, chosen ---- */

static void board_root(const struct fdt *f, struct board *b)
{
	const char *model, *s;
	const void *compat;
	uint32_t len, pos = 0;
	int i;

	compat = fdt_getprop(f, f->root, "compatible", &len);
	if (compat != NULL) {
		for (i = 0; (uint32_t)i < len; i++) {
			s = fdt_stringlist_get(compat, len, i);
			if (s == NULL)
				break;
			if (i > 0)
				board_append(b->compatible, sizeof(b->compatible), &pos, " ");
			board_append(b->compatible, sizeof(b->compatible), &pos, s);
		}
	}

	model = fdt_getprop_str(f, f->root, "model");
	if (model == NULL && compat != NULL)
		model = fdt_stringlist_get(compat, len, 0);
	board_copy(b->model, sizeof(b->model), model != NULL ? model : "unknown");
}

static void board_add_range(struct board_range *arr, int max, int *n, bool *truncated,
			    uint64_t base, uint64_t size)
{
	if (*n >= max) {
		*truncated = true;
		return;
	}
	arr[*n].base = base;
	arr[*n].size = size;
	(*n)++;
}

/* The memory reservation block (spec 5.3): regions the OS must not use,
 * e.g. where the firmware keeps itself. */
static void board_rsvmap(const struct fdt *f, struct board *b)
{
	uint64_t addr, size;
	int i;

	for (i = 0; fdt_rsvmap_get(f, i, &addr, &size) == FDT_OK; i++)
		board_add_range(b->reserved, BOARD_MAX_RESERVED, &b->nreserved,
				&b->truncated, addr, size);
}

static void board_chosen(const struct fdt *f, struct board *b)
{
	const char *args;
	uint32_t len, i;
	int chosen;

	chosen = fdt_path_offset(f, "/chosen", 7);
	if (chosen < 0)
		return;
	args = fdt_getprop(f, chosen, "bootargs", &len);
	if (args == NULL)
		return;
	/* Copy by length: a bootargs value need not be terminated. */
	for (i = 0; i < len && i + 1 < sizeof(b->bootargs) && args[i] != '\0'; i++)
		b->bootargs[i] = args[i];
	b->bootargs[i] = '\0';
}

/* Every reg range of `node`, decoded with its parent's cells. */
static void board_add_reg(const struct fdt *f, int node, int ac, int sc,
			  struct board_range *arr, int max, int *n, bool *truncated)
{
	uint64_t base, size;
	int i;

	/* A reg entry is at least 4 bytes, so this is bounded by the blob. */
	for (i = 0; (uint32_t)i < f->totalsize / 4; i++) {
		if (fdt_reg(f, node, ac, sc, i, &base, &size) < 0)
			return;
		if (size != 0)
			board_add_range(arr, max, n, truncated, base, size);
	}
}

/* ---- UART ---- */

/* The compatible strings each driver takes, most specific first (the
 * one matched is what the banner shows). The DesignWare APB UART of the
 * StarFive JH7100/JH7110 and the ESWIN EIC7700 is a 16550 with its
 * registers 4 bytes apart (reg-shift 2, reg-io-width 4): the 16550
 * driver drives it. */
static const struct {
	const char *compatible;
	enum board_uart_kind kind;
} board_uarts[] = {
	{ "snps,dw-apb-uart", BOARD_UART_NS16550A },
	{ "ns16550a", BOARD_UART_NS16550A },
	{ "ns16550", BOARD_UART_NS16550A },
	{ "sifive,uart0", BOARD_UART_SIFIVE },
};

/* The entry of board_uarts the node matches, or -1. A 16550 whose
 * reg-io-width is not 1, 2 or 4 matches none: the driver could only
 * guess (Linux's 8250 driver refuses it too). */
static int board_uart_match(const struct fdt *f, int node)
{
	uint32_t i, width;

	for (i = 0; i < sizeof(board_uarts) / sizeof(board_uarts[0]); i++) {
		if (!fdt_node_is_compatible(f, node, board_uarts[i].compatible))
			continue;
		if (board_uarts[i].kind == BOARD_UART_NS16550A &&
		    fdt_getprop_u32(f, node, "reg-io-width", &width) == FDT_OK &&
		    width != 1 && width != 2 && width != 4)
			return -1;
		return (int)i;
	}
	return -1;
}

static enum board_uart_kind board_uart_kind(const struct fdt *f, int node)
{
	int i = board_uart_match(f, node);

	return i < 0 ? BOARD_UART_NONE : board_uarts[i].kind;
}

/* The first cell of the node's interrupt specifier, or 0. */
static uint32_t board_first_irq(const struct fdt *f, int node)
{
	const void *v;
	uint32_t len;

	v = fdt_getprop(f, node, "interrupts", &len);
	if (v != NULL && len >= 4)
		return fdt_be32(v);
	/* interrupts-extended = <&parent irq ...>: skip the phandle. */
	v = fdt_getprop(f, node, "interrupts-extended", &len);
	if (v != NULL && len >= 8)
		return fdt_be32((const uint8_t *)v + 4);
	return 0;
}

static void board_set_uart(const struct fdt *f, struct board *b, int node)
{
	uint64_t base, size, clock;
	uint32_t v;
	int parent, ac, sc;

	parent = fdt_parent(f, node);
	if (parent < 0)
		return;
	ac = fdt_address_cells(f, parent);
	sc = fdt_size_cells(f, parent);
	if (fdt_reg(f, node, ac, sc, 0, &base, &size) < 0)
		return;		/* a UART we cannot find is no UART */

	b->uart.kind = board_uart_kind(f, node);
	if (b->uart.kind != BOARD_UART_NONE)
		board_copy(b->uart.compatible, sizeof(b->uart.compatible),
			   board_uarts[board_uart_match(f, node)].compatible);
	b->uart.base = base;
	b->uart.size = size;
	b->uart.reg_shift = 0;
	b->uart.reg_io_width = 1;
	if (b->uart.kind == BOARD_UART_NS16550A) {
		/* Registers 1 << reg-shift bytes apart, accessed reg-io-width
		 * bytes wide (Linux binding serial/8250.yaml). */
		if (fdt_getprop_u32(f, node, "reg-shift", &v) == FDT_OK && v < 8)
			b->uart.reg_shift = v;
		if (fdt_getprop_u32(f, node, "reg-io-width", &v) == FDT_OK)
			b->uart.reg_io_width = v;	/* 1, 2 or 4: board_uart_match */
	}
	b->uart.irq = board_first_irq(f, node);
	/* QEMU virt stores clock-frequency as 4 bytes that dtc shows as a
	 * string ("\08@" = 3686400); it is still one big-endian cell. */
	if (fdt_getprop_u64(f, node, "clock-frequency", &clock) == FDT_OK &&
	    clock <= 0xffffffffu)
		b->uart.clock_hz = (uint32_t)clock;
}

/*
 * The console is what /chosen/stdout-path names (spec 3.6): an absolute
 * path or an alias, optionally followed by ":<options>" such as
 * ":115200n8", which we cut off. If that names no UART we can drive
 * (or one whose status is "disabled"), take the first available UART in
 * the tree (`fallback`).
 */
static void board_uart(const struct fdt *f, struct board *b, int fallback)
{
	const char *path;
	uint32_t len, n;
	int chosen, node;

	chosen = fdt_path_offset(f, "/chosen", 7);
	if (chosen >= 0) {
		path = fdt_getprop(f, chosen, "stdout-path", &len);
		if (path == NULL)	/* the pre-spec name */
			path = fdt_getprop(f, chosen, "linux,stdout-path", &len);
		if (path != NULL) {
			for (n = 0; n < len && path[n] != '\0' && path[n] != ':'; n++)
				;
			node = fdt_path_offset(f, path, n);
			if (node >= 0 && fdt_node_is_available(f, node) &&
			    board_uart_kind(f, node) != BOARD_UART_NONE) {
				board_set_uart(f, b, node);
				if (b->uart.kind != BOARD_UART_NONE)
					return;
			}
		}
	}
	if (fallback >= 0)
		board_set_uart(f, b, fallback);
}

/* ---- harts and PLIC ---- */

static bool board_mmu_ok(const struct fdt *f, int cpu)
{
	const char *mmu = fdt_getprop_str(f, cpu, "mmu-type");

	/* An Sv48 or Sv57 MMU also implements Sv39 (privileged spec 4.5,
	 * 4.6), which is all this kernel uses. */
	return mmu != NULL && (board_streq(mmu, "riscv,sv39") ||
			       board_streq(mmu, "riscv,sv48") ||
			       board_streq(mmu, "riscv,sv57"));
}

/* Phandle of the cpu's local interrupt controller (a child node with
 * the interrupt-controller property, compatible "riscv,cpu-intc"). */
static uint32_t board_cpu_intc(const struct fdt *f, int cpu)
{
	uint32_t steps;
	int child = fdt_first_child(f, cpu);

	for (steps = 0; child >= 0 && steps < f->size_struct / 4; steps++) {
		if (fdt_hasprop(f, child, "interrupt-controller") ||
		    fdt_node_is_compatible(f, child, "riscv,cpu-intc"))
			return fdt_get_phandle(f, child);
		child = fdt_next_sibling(f, child);
	}
	return 0;
}

/* Harts: each /cpus child with device_type "cpu" (spec 3.7, 3.8).
 * intc[i] receives the phandle of harts[i]'s interrupt controller. */
static void board_cpus(const struct fdt *f, struct board *b, uint32_t *intc)
{
	struct board_hart *h;
	const char *type, *compat;
	uint64_t hartid, size, hz;
	uint32_t steps;
	int cpus, cpu, ac, sc, first_cpu = -1;
	bool usable;

	cpus = fdt_path_offset(f, "/cpus", 5);
	if (cpus < 0)
		return;
	ac = fdt_address_cells(f, cpus);
	sc = fdt_size_cells(f, cpus);

	cpu = fdt_first_child(f, cpus);
	for (steps = 0; cpu >= 0 && steps < f->size_struct / 4; steps++,
	     cpu = fdt_next_sibling(f, cpu)) {
		type = fdt_getprop_str(f, cpu, "device_type");
		if (type == NULL || !board_streq(type, "cpu"))
			continue;	/* e.g. cpu-map */
		if (first_cpu < 0)
			first_cpu = cpu;
		/* reg is the hart id (spec 3.8.1); without one the hart
		 * cannot be started, so it is not listed. */
		if (fdt_reg(f, cpu, ac, sc, 0, &hartid, &size) < 0 ||
		    hartid > 0xffffffffu)
			continue;
		/* The SiFive E51/S7 monitor core has no MMU: it has no
		 * mmu-type, and OpenSBI marks it disabled. */
		usable = fdt_node_is_available(f, cpu) && board_mmu_ok(f, cpu);
		b->nharts_in_tree++;
		b->nharts_usable_in_tree += usable;
		if (b->nharts >= BOARD_MAX_HARTS) {
			b->truncated = true;
			continue;	/* counted, not listed */
		}
		h = &b->harts[b->nharts];
		h->hartid = (uint32_t)hartid;
		h->plic_s_context = -1;
		h->usable = usable;
		intc[b->nharts] = board_cpu_intc(f, cpu);
		if (h->usable) {
			if (b->nharts_usable == 0) {
				compat = fdt_getprop_str(f, cpu, "compatible");
				if (compat != NULL)
					board_copy(b->cpu_compatible,
						   sizeof(b->cpu_compatible), compat);
			}
			b->nharts_usable++;
		}
		b->nharts++;
	}

	/* timebase-frequency belongs in /cpus, but may be per cpu. */
	if (fdt_getprop_u64(f, cpus, "timebase-frequency", &hz) == FDT_OK ||
	    (first_cpu >= 0 &&
	     fdt_getprop_u64(f, first_cpu, "timebase-frequency", &hz) == FDT_OK))
		b->timebase_hz = hz;
}

/*
 * PLIC (binding sifive,plic-1.0.0.yaml). interrupts-extended lists one
 * <phandle irq> pair per PLIC context, in context order; a pair whose irq
 * is 9 (S-mode external) and whose phandle is a hart's cpu-intc gives
 * that hart's S-mode context. Pairs we do not know (OpenSBI 1.1 rewrites
 * the M-mode pairs' irq to 0xffffffff; others may rewrite the phandle)
 * are skipped, but still count as a context. The pairs assume cpu-intc's
 * #interrupt-cells = 1, which the RISC-V cpu binding requires.
 */
static void board_plic(const struct fdt *f, struct board *b, int node, const uint32_t *intc)
{
	const void *v;
	uint64_t base, size;
	uint32_t len, i, ph, irq, ndev;
	int parent, ac, sc, h;

	parent = fdt_parent(f, node);
	if (parent < 0)
		return;
	ac = fdt_address_cells(f, parent);
	sc = fdt_size_cells(f, parent);
	if (fdt_reg(f, node, ac, sc, 0, &base, &size) < 0)
		return;
	b->plic.present = true;
	b->plic.base = base;
	b->plic.size = size;
	if (fdt_getprop_u32(f, node, "riscv,ndev", &ndev) == FDT_OK)
		b->plic.ndev = ndev;

	v = fdt_getprop(f, node, "interrupts-extended", &len);
	if (v == NULL)
		return;
	for (i = 0; i < len / 8 && i < 0x7fffffffu; i++) {
		ph = fdt_be32((const uint8_t *)v + 8 * i);
		irq = fdt_be32((const uint8_t *)v + 8 * i + 4);
		if (irq != IRQ_S_EXT || ph == 0 || ph == 0xffffffffu)
			continue;
		for (h = 0; h < b->nharts; h++) {
			if (intc[h] == ph && b->harts[h].plic_s_context < 0) {
				b->harts[h].plic_s_context = (int)i;
				break;
			}
		}
	}
}

/* ---- the whole-tree walk ---- */

struct board_found {
	int uart;	/* first available UART node we can drive */
	int plic;	/* first PLIC node */
};

/*
 * One pass over every node in document order, keeping each level's
 * #address-cells/#size-cells on a stack so a node's reg is decoded with
 * its parent's (spec 2.3.5). Collects RAM, reserved memory, and the
 * first UART and PLIC nodes.
 */
static int board_walk(const struct fdt *f, struct board *b, struct board_found *found)
{
	int ac[FDT_MAX_DEPTH + 1], sc[FDT_MAX_DEPTH + 1], nodes[FDT_MAX_DEPTH + 1];
	int node = f->root, depth = 0, resv = -1;
	const char *type, *name;
	uint32_t steps;

	found->uart = -1;
	found->plic = -1;
	for (steps = 0; steps < f->size_struct / 4 + 1; steps++) {
		nodes[depth] = node;
		ac[depth] = fdt_address_cells(f, node);
		sc[depth] = fdt_size_cells(f, node);

		if (depth == 1) {
			name = fdt_node_name(f, node);
			if (name != NULL && board_streq(name, "reserved-memory"))
				resv = node;
		}
		if (depth >= 1 && fdt_node_is_available(f, node)) {
			type = fdt_getprop_str(f, node, "device_type");
			if (type != NULL && board_streq(type, "memory"))
				board_add_reg(f, node, ac[depth - 1], sc[depth - 1],
					      b->mem, BOARD_MAX_MEM, &b->nmem, &b->truncated);
			/* reserved-memory children with reg are fixed
			 * carve-outs; ones with only size are not yet placed
			 * (reserved-memory.yaml). */
			if (depth == 2 && nodes[1] == resv)
				board_add_reg(f, node, ac[1], sc[1], b->reserved,
					      BOARD_MAX_RESERVED, &b->nreserved, &b->truncated);
			if (found->uart < 0 && board_uart_kind(f, node) != BOARD_UART_NONE)
				found->uart = node;
			if (found->plic < 0 && (fdt_node_is_compatible(f, node, "riscv,plic0") ||
						fdt_node_is_compatible(f, node, "sifive,plic-1.0.0")))
				found->plic = node;
			/* The machine timer the firmware drives for SBI TIME:
			 * without one, no timer interrupt ever comes. */
			if (fdt_node_is_compatible(f, node, "riscv,clint0") ||
			    fdt_node_is_compatible(f, node, "sifive,clint0") ||
			    fdt_node_is_compatible(f, node, "riscv,aclint-mtimer") ||
			    fdt_node_is_compatible(f, node, "thead,c900-clint"))
				b->mtimer = true;
		}

		node = fdt_next_node(f, node, &depth);
		if (node == FDT_ENOTFOUND)
			return FDT_OK;
		if (node < 0)
			return node;
		if (depth < 1 || depth > FDT_MAX_DEPTH)
			return depth < 1 ? FDT_OK : FDT_ETOODEEP;
	}
	return FDT_EBADSTRUCTURE;
}

int board_from_fdt(const void *blob, uint64_t size_limit, struct board *out)
{
	struct fdt f;
	struct board_found found;
	uint32_t intc[BOARD_MAX_HARTS];
	int r, i;

	board_zero(out, sizeof(*out));
	for (i = 0; i < BOARD_MAX_HARTS; i++)
		intc[i] = 0;

	r = fdt_open(&f, blob, size_limit);
	if (r < 0)
		return r;
	out->dtb_size = f.totalsize;

	board_root(&f, out);
	board_rsvmap(&f, out);
	r = board_walk(&f, out, &found);
	if (r < 0)
		return r;
	board_cpus(&f, out, intc);
	if (found.plic >= 0)
		board_plic(&f, out, found.plic, intc);
	board_uart(&f, out, found.uart);
	board_chosen(&f, out);
	return FDT_OK;
}

const char *board_refusal(const struct board *b, const char **detail)
{
	*detail = 0;
	if (b->nmem == 0)
		return "the device tree has no memory node";
	if (b->uart.kind == BOARD_UART_NONE) {
		*detail = "ns16550a, ns16550 or snps,dw-apb-uart with reg-io-width 1, 2 or 4, "
			  "or sifive,uart0; not disabled";
		return "the device tree names no usable UART";
	}
	if (b->nharts_usable == 0)
		return "the device tree has no hart with Sv39 paging";
	if (b->timebase_hz == 0)
		return "the device tree has no timebase-frequency in /cpus";
	return 0;
}
