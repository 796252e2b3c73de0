/*
 * test_fdt.c - host unit tests for platform/fdt.c and platform/board_dt.c.
 *
 * Layer: test/ (host only). Loads the DTB fixtures in test/fixtures/
 * (argv[1] names the folder), checks every value board_from_fdt() reads
 * from them, then feeds it broken blobs: truncated, corrupted field by
 * field, built by hand (tiny builder below), and randomly mutated with a
 * fixed seed. Every blob lives in a malloc'd buffer of exactly its size,
 * so AddressSanitizer reports any read past the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/host/check.h"
#include "test/host/fixture.h"
#include "platform/fdt.h"
#include "platform/board.h"

static const char *fixture_dir = "test/fixtures";

/* ---- fixtures ---- */

static struct blob load(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return blob_load(path);
}


static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int parse(struct blob b, struct board *bd)
{
	return board_from_fdt(b.data, b.size, bd);
}

/* Parse a fixture, require success, keep the struct in *bd. */
static int parse_fixture(const char *name, struct board *bd)
{
	struct blob b = load(name);
	int r = parse(b, bd);

	free(b.data);
	return r;
}

/* ---- a tiny DTB builder for hand-made trees ---- */

struct builder {
	uint8_t st[16384];
	uint32_t nst;
	char str[4096];
	uint32_t nstr;
	uint8_t rsv[512];
	uint32_t nrsv;
	uint32_t version;
};

static void b_init(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	b->version = 17;
}

static void b_u32(struct builder *b, uint32_t v)
{
	put32(b->st + b->nst, v);
	b->nst += 4;
}

static void b_begin(struct builder *b, const char *name)
{
	uint32_t n = (uint32_t)strlen(name) + 1;

	b_u32(b, FDT_BEGIN_NODE);
	memcpy(b->st + b->nst, name, n);
	b->nst += (n + 3) & ~3u;
}

static void b_end(struct builder *b)
{
	b_u32(b, FDT_END_NODE);
}

static uint32_t b_stroff(struct builder *b, const char *name)
{
	uint32_t off = b->nstr, n = (uint32_t)strlen(name) + 1;

	memcpy(b->str + b->nstr, name, n);
	b->nstr += n;
	return off;
}

static void b_prop(struct builder *b, const char *name, const void *val, uint32_t len)
{
	b_u32(b, FDT_PROP);
	b_u32(b, len);
	b_u32(b, b_stroff(b, name));
	memcpy(b->st + b->nst, val, len);
	b->nst += (len + 3) & ~3u;
}

static void b_str(struct builder *b, const char *name, const char *s)
{
	b_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

/* n big-endian cells */
static void b_cells(struct builder *b, const char *name, int n, const uint32_t *v)
{
	uint8_t buf[256];
	int i;

	for (i = 0; i < n; i++)
		put32(buf + 4 * i, v[i]);
	b_prop(b, name, buf, 4u * (uint32_t)n);
}

static void b_u32prop(struct builder *b, const char *name, uint32_t v)
{
	b_cells(b, name, 1, &v);
}

/* A new builder with the root node begun, 32-bit cells for its
 * children (#address-cells = #size-cells = 1). */
static struct builder *b_new_root(void)
{
	struct builder *bb = malloc(sizeof(*bb));

	b_init(bb);
	b_begin(bb, "");
	b_u32prop(bb, "#address-cells", 1);
	b_u32prop(bb, "#size-cells", 1);
	return bb;
}

static void b_rsv(struct builder *b, uint64_t addr, uint64_t size)
{
	put32(b->rsv + b->nrsv, (uint32_t)(addr >> 32));
	put32(b->rsv + b->nrsv + 4, (uint32_t)addr);
	put32(b->rsv + b->nrsv + 8, (uint32_t)(size >> 32));
	put32(b->rsv + b->nrsv + 12, (uint32_t)size);
	b->nrsv += 16;
}

/* Header, reservation block (+ terminator), structure block (+ FDT_END),
 * strings: in one exact-size buffer. */
static struct blob b_finish(struct builder *b, bool add_end)
{
	struct blob out;
	uint32_t hdr = 40, off_rsv = hdr, off_st, off_str, total;

	if (add_end)
		b_u32(b, FDT_END);
	off_st = off_rsv + b->nrsv + 16;
	off_str = off_st + b->nst;
	total = off_str + b->nstr;
	out.size = total;
	out.data = calloc(1, total);
	if (out.data == NULL)
		exit(2);
	put32(out.data + 0, FDT_MAGIC);
	put32(out.data + 4, total);
	put32(out.data + 8, off_st);
	put32(out.data + 12, off_str);
	put32(out.data + 16, off_rsv);
	put32(out.data + 20, b->version);
	put32(out.data + 24, 16);
	put32(out.data + 28, 0);
	put32(out.data + 32, b->nstr);
	put32(out.data + 36, b->nst);
	memcpy(out.data + off_rsv, b->rsv, b->nrsv);
	memcpy(out.data + off_st, b->st, b->nst);
	memcpy(out.data + off_str, b->str, b->nstr);
	return out;
}

/* Offset (in the file) of the n-th FDT_PROP token of a well-formed blob. */
static uint32_t nth_prop(struct blob b, int n)
{
	struct fdt f;
	int node, p, i = 0;

	if (fdt_open(&f, b.data, b.size) < 0)
		return 0;
	for (node = f.root; node >= 0; node = fdt_next_node(&f, node, NULL))
		for (p = fdt_first_prop(&f, node); p >= 0; p = fdt_next_prop(&f, p))
			if (i++ == n)
				return f.off_struct + (uint32_t)p;
	return 0;
}

/* ---- the QEMU fixtures, exactly as QEMU 7.2 dumps them ---- */

TEST(qemu_virt_smp1_128m)
{
	struct board b;

	CHECK_EQ(parse_fixture("qemu-virt-smp1-128m.dtb", &b), 0);
	CHECK(strcmp(b.model, "riscv-virtio,qemu") == 0);
	CHECK(strcmp(b.compatible, "riscv-virtio") == 0);
	CHECK(strcmp(b.cpu_compatible, "riscv") == 0);
	CHECK_EQ(b.dtb_size, 4222);
	CHECK_EQ(b.nmem, 1);
	CHECK_EQ(b.mem[0].base, 0x80000000);
	CHECK_EQ(b.mem[0].size, 128ull << 20);
	CHECK_EQ(b.nreserved, 0);
	CHECK_EQ(b.timebase_hz, 10000000);
	CHECK_EQ(b.nharts, 1);
	CHECK_EQ(b.nharts_usable, 1);
	CHECK_EQ(b.harts[0].hartid, 0);
	CHECK(b.harts[0].usable);
	CHECK_EQ(b.harts[0].plic_s_context, 1);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	CHECK_EQ(b.uart.base, 0x10000000);
	CHECK_EQ(b.uart.size, 0x100);
	CHECK_EQ(b.uart.irq, 10);
	CHECK_EQ(b.uart.reg_shift, 0);
	CHECK_EQ(b.uart.reg_io_width, 1);
	CHECK_EQ(b.uart.clock_hz, 3686400);	/* "\08@" in dtc's view */
	CHECK(b.plic.present);
	CHECK_EQ(b.plic.base, 0xc000000);
	CHECK_EQ(b.plic.size, 0x600000);
	CHECK_EQ(b.plic.ndev, 0x60);
	CHECK(strcmp(b.bootargs, "") == 0);
	CHECK(!b.truncated);
}

/* virt: harts 0..n-1, every one usable and listed; hart h's S-mode
 * context is 2h+1. */
static void check_virt_harts(const struct board *b, int n)
{
	CHECK_EQ(b->nharts, n);
	CHECK_EQ(b->nharts_usable, n);
	CHECK_EQ(b->nharts_in_tree, n);
	CHECK_EQ(b->nharts_usable_in_tree, n);
	for (int h = 0; h < n; h++) {
		CHECK_EQ(b->harts[h].hartid, h);
		CHECK(b->harts[h].usable);
		CHECK_EQ(b->harts[h].plic_s_context, 2 * h + 1);
	}
}

static void check_virt_smp4_2g(const char *name, uint64_t dtb_size, int nreserved)
{
	struct board b;

	CHECK_EQ(parse_fixture(name, &b), 0);
	CHECK_EQ(b.dtb_size, dtb_size);
	CHECK(strcmp(b.model, "riscv-virtio,qemu") == 0);
	CHECK_EQ(b.nmem, 1);
	CHECK_EQ(b.mem[0].base, 0x80000000);
	CHECK_EQ(b.mem[0].size, 2ull << 30);
	CHECK_EQ(b.nreserved, nreserved);
	if (nreserved) {
		CHECK_EQ(b.reserved[0].base, 0x80000000);
		CHECK_EQ(b.reserved[0].size, 0x80000);
	}
	CHECK_EQ(b.timebase_hz, 10000000);
	check_virt_harts(&b, 4);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	CHECK_EQ(b.uart.base, 0x10000000);
	CHECK_EQ(b.uart.irq, 10);
	CHECK(b.plic.present);
	CHECK_EQ(b.plic.base, 0xc000000);
	CHECK_EQ(b.plic.ndev, 0x60);
	CHECK(!b.truncated);
}

TEST(qemu_virt_smp4_2g)
{
	check_virt_smp4_2g("qemu-virt-smp4-2g.dtb", 5326, 0);
}

/* More harts than the kernel takes (MAX_HARTS, kernel/thread.h): every
 * one is listed, with its PLIC context, so the kernel can say how many
 * the tree has and which ones it leaves alone. */
TEST(qemu_virt_smp40)
{
	struct board b;

	CHECK_EQ(parse_fixture("qemu-virt-smp40-256m.dtb", &b), 0);
	check_virt_harts(&b, 40);
	CHECK(b.plic.present);
	CHECK(!b.truncated);
}

/* sifive_u: hart 0 is the E51 (no MMU); U54 hart h has S context 2h. */
static void check_sifive_u(const char *name, uint64_t dtb_size, const char *cpu_compat)
{
	struct board b;
	int h;

	CHECK_EQ(parse_fixture(name, &b), 0);
	CHECK_EQ(b.dtb_size, dtb_size);
	CHECK(strcmp(b.model, "SiFive HiFive Unleashed A00") == 0);
	CHECK(strcmp(b.compatible, "sifive,hifive-unleashed-a00") == 0);
	CHECK(strcmp(b.cpu_compatible, cpu_compat) == 0);
	CHECK_EQ(b.nmem, 1);
	CHECK_EQ(b.mem[0].base, 0x80000000);
	CHECK_EQ(b.mem[0].size, 1ull << 30);
	CHECK_EQ(b.timebase_hz, 1000000);
	CHECK_EQ(b.nharts, 5);
	CHECK_EQ(b.nharts_usable, 4);
	CHECK_EQ(b.nharts_in_tree, 5);
	CHECK_EQ(b.nharts_usable_in_tree, 4);
	CHECK_EQ(b.harts[0].hartid, 0);
	CHECK(!b.harts[0].usable);
	CHECK_EQ(b.harts[0].plic_s_context, -1);
	for (h = 1; h < 5; h++) {
		CHECK_EQ(b.harts[h].hartid, h);
		CHECK(b.harts[h].usable);
		CHECK_EQ(b.harts[h].plic_s_context, 2 * h);
	}
	CHECK_EQ(b.uart.kind, BOARD_UART_SIFIVE);
	CHECK_EQ(b.uart.base, 0x10010000);
	CHECK_EQ(b.uart.size, 0x1000);
	CHECK_EQ(b.uart.irq, 4);
	CHECK_EQ(b.uart.clock_hz, 0);
	CHECK(b.plic.present);
	CHECK_EQ(b.plic.base, 0xc000000);
	CHECK_EQ(b.plic.size, 0x4000000);
	CHECK_EQ(b.plic.ndev, 0x35);
	CHECK(!b.truncated);
}

TEST(qemu_sifive_u_smp5_1g)
{
	struct board b;

	check_sifive_u("qemu-sifive_u-smp5-1g.dtb", 5535, "riscv");
	if (check_current_failed)
		return;
	CHECK_EQ(parse_fixture("qemu-sifive_u-smp5-1g.dtb", &b), 0);
	CHECK_EQ(b.nreserved, 0);
	CHECK(strcmp(b.bootargs, "") == 0);
}

/* ---- as OpenSBI 1.1 passes them (captured from guest memory) ---- */

TEST(opensbi_virt_smp1_128m)
{
	struct board b;

	CHECK_EQ(parse_fixture("opensbi-virt-smp1-128m.dtb", &b), 0);
	CHECK_EQ(b.dtb_size, 5278);
	CHECK_EQ(b.nmem, 1);
	CHECK_EQ(b.mem[0].base, 0x80000000);
	CHECK_EQ(b.mem[0].size, 128ull << 20);
	CHECK_EQ(b.nreserved, 1);
	CHECK_EQ(b.reserved[0].base, 0x80000000);
	CHECK_EQ(b.reserved[0].size, 0x80000);
	CHECK_EQ(b.nharts, 1);
	CHECK_EQ(b.nharts_usable, 1);
	/* OpenSBI set the M-mode pair's irq to 0xffffffff: still context 1. */
	CHECK_EQ(b.harts[0].plic_s_context, 1);
	CHECK_EQ(b.uart.base, 0x10000000);
}

TEST(opensbi_virt_smp4_2g)
{
	check_virt_smp4_2g("opensbi-virt-smp4-2g.dtb", 6382, 1);
}

TEST(opensbi_sifive_u_smp5_1g)
{
	struct board b;

	check_sifive_u("opensbi-sifive_u-smp5-1g.dtb", 6591, "riscv");
	if (check_current_failed)
		return;
	CHECK_EQ(parse_fixture("opensbi-sifive_u-smp5-1g.dtb", &b), 0);
	CHECK_EQ(b.nreserved, 1);
	CHECK_EQ(b.reserved[0].base, 0x80000000);
	CHECK_EQ(b.reserved[0].size, 0x80000);
}

/* U-Boot-style: stdout-path "serial0:115200n8", a /memreserve/ entry,
 * reserved-memory with a two-range child and a size-only child, M-mode
 * PLIC pairs with the phandle (not the irq) rewritten to 0xffffffff. */
TEST(uboot_sifive_u_alias)
{
	struct board b;

	check_sifive_u("uboot-sifive_u-alias.dtb", 5989, "sifive,u54-mc");
	if (check_current_failed)
		return;
	CHECK_EQ(parse_fixture("uboot-sifive_u-alias.dtb", &b), 0);
	CHECK(strcmp(b.bootargs, "console=ttySIF0 earlycon") == 0);
	CHECK_EQ(b.nreserved, 4);
	CHECK_EQ(b.reserved[0].base, 0xbfe00000);	/* /memreserve/ first */
	CHECK_EQ(b.reserved[0].size, 0x10000);
	CHECK_EQ(b.reserved[1].base, 0x80000000);
	CHECK_EQ(b.reserved[1].size, 0x80000);
	CHECK_EQ(b.reserved[2].base, 0xbf000000);
	CHECK_EQ(b.reserved[2].size, 0x400000);
	CHECK_EQ(b.reserved[3].base, 0xbf800000);
	CHECK_EQ(b.reserved[3].size, 0x100000);
}

TEST(alias_resolution)
{
	struct blob bl = load("uboot-sifive_u-alias.dtb");
	struct fdt f;
	int s0, s1, n;

	CHECK_EQ(fdt_open(&f, bl.data, bl.size), 0);
	s0 = fdt_path_offset(&f, "/soc/serial@10010000", 20);
	s1 = fdt_path_offset(&f, "/soc/serial@10011000", 20);
	CHECK(s0 >= 0 && s1 >= 0 && s0 != s1);
	CHECK(strcmp(fdt_get_alias(&f, "serial1", 7), "/soc/serial@10011000") == 0);
	CHECK(fdt_get_alias(&f, "serial", 6) == NULL);
	CHECK(fdt_get_alias(&f, "serial10", 8) == NULL);
	CHECK_EQ(fdt_path_offset(&f, "serial0", 7), s0);
	CHECK_EQ(fdt_path_offset(&f, "serial1:115200n8", 7), s1);
	CHECK_EQ(fdt_path_offset(&f, "serial9", 7), FDT_ENOTFOUND);
	/* alias + relative path */
	n = fdt_path_offset(&f, "ethernet0/ethernet-phy@0", 24);
	CHECK(n >= 0);
	CHECK(strcmp(fdt_node_name(&f, n), "ethernet-phy@0") == 0);
	free(bl.data);
}

/* stdout-path names an alias for the second of two UARTs: the alias
 * wins over "first UART in the tree". Hand-built, 32-bit cells. */
TEST(stdout_alias_picks_second_uart)
{
	struct builder *bb = b_new_root();
	struct blob bl;
	struct board b;
	uint32_t v[8];

	b_prop(bb, "compatible", "acme,board\0acme,soc", 20);
	b_begin(bb, "aliases");
	b_str(bb, "console", "/soc/uart@2000");
	b_end(bb);
	b_begin(bb, "chosen");
	b_str(bb, "stdout-path", "console:115200n8");
	b_str(bb, "bootargs", "hello");
	b_end(bb);
	b_begin(bb, "memory@40000000");
	b_str(bb, "device_type", "memory");
	v[0] = 0x40000000; v[1] = 0x1000000; v[2] = 0x60000000; v[3] = 0x2000000;
	b_cells(bb, "reg", 4, v);
	b_end(bb);
	b_begin(bb, "cpus");
	b_u32prop(bb, "#address-cells", 1);
	b_u32prop(bb, "#size-cells", 0);
	b_u32prop(bb, "timebase-frequency", 32768);
	b_begin(bb, "cpu@7");
	b_str(bb, "device_type", "cpu");
	b_u32prop(bb, "reg", 7);
	b_str(bb, "mmu-type", "riscv,sv39");
	b_prop(bb, "compatible", "acme,core\0riscv", 16);
	b_begin(bb, "interrupt-controller");
	b_prop(bb, "interrupt-controller", "", 0);
	b_u32prop(bb, "linux,phandle", 0x42);
	b_end(bb);
	b_end(bb);
	b_begin(bb, "cpu@9");
	b_str(bb, "device_type", "cpu");
	b_u32prop(bb, "reg", 9);
	b_str(bb, "mmu-type", "riscv,sv32");	/* not usable here */
	b_end(bb);
	b_end(bb);
	b_begin(bb, "soc");
	b_u32prop(bb, "#address-cells", 1);
	b_u32prop(bb, "#size-cells", 1);
	b_begin(bb, "uart@1000");
	v[0] = 0x1000; v[1] = 0x100;
	b_cells(bb, "reg", 2, v);
	b_str(bb, "compatible", "ns16550a");
	b_end(bb);
	b_begin(bb, "uart@2000");
	v[0] = 0x2000; v[1] = 0x40;
	b_cells(bb, "reg", 2, v);
	b_str(bb, "compatible", "sifive,uart0");
	v[0] = 0x43; v[1] = 17;
	b_cells(bb, "interrupts-extended", 2, v);
	b_end(bb);
	b_begin(bb, "plic@c000000");
	b_str(bb, "compatible", "riscv,plic0");
	v[0] = 0xc000000; v[1] = 0x4000000;
	b_cells(bb, "reg", 2, v);
	v[0] = 0x42; v[1] = 11; v[2] = 0x42; v[3] = 9;
	b_cells(bb, "interrupts-extended", 4, v);
	b_end(bb);
	b_end(bb);
	b_end(bb);
	bl = b_finish(bb, true);
	free(bb);

	CHECK_EQ(parse(bl, &b), 0);
	CHECK(strcmp(b.model, "acme,board") == 0);	/* no /model */
	CHECK(strcmp(b.compatible, "acme,board acme,soc") == 0);
	CHECK(strcmp(b.cpu_compatible, "acme,core") == 0);
	CHECK(strcmp(b.bootargs, "hello") == 0);
	CHECK_EQ(b.nmem, 2);
	CHECK_EQ(b.mem[1].base, 0x60000000);
	CHECK_EQ(b.mem[1].size, 0x2000000);
	CHECK_EQ(b.timebase_hz, 32768);
	CHECK_EQ(b.nharts, 2);
	CHECK_EQ(b.nharts_usable, 1);
	CHECK_EQ(b.harts[0].hartid, 7);
	CHECK_EQ(b.harts[0].plic_s_context, 1);	/* via linux,phandle */
	CHECK_EQ(b.harts[1].hartid, 9);
	CHECK(!b.harts[1].usable);
	CHECK_EQ(b.uart.kind, BOARD_UART_SIFIVE);
	CHECK_EQ(b.uart.base, 0x2000);
	CHECK_EQ(b.uart.size, 0x40);
	CHECK_EQ(b.uart.irq, 17);			/* interrupts-extended */
	CHECK(b.plic.present);
	CHECK_EQ(b.plic.base, 0xc000000);
	CHECK_EQ(b.plic.ndev, 0);
	free(bl.data);
}

TEST(no_memory_node_is_not_an_error)
{
	struct board b;

	CHECK_EQ(parse_fixture("virt-no-memory.dtb", &b), 0);
	CHECK_EQ(b.nmem, 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	CHECK_EQ(b.nharts, 1);
}

TEST(no_uart_is_not_an_error)
{
	struct board b;

	CHECK_EQ(parse_fixture("virt-no-uart.dtb", &b), 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NONE);
	CHECK_EQ(b.uart.base, 0);
	CHECK_EQ(b.nmem, 1);
	CHECK_EQ(b.mem[0].size, 128ull << 20);
}

/* stdout-path names the RTC; the first UART is disabled; the next one is
 * a DesignWare-style "ns16550" with reg-shift 2, reg-io-width 4. */
TEST(uart_fallback_and_reg_shift)
{
	struct board b;

	CHECK_EQ(parse_fixture("virt-odd-uart.dtb", &b), 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	CHECK_EQ(b.uart.base, 0x10020000);
	CHECK_EQ(b.uart.size, 0x100);
	CHECK_EQ(b.uart.reg_shift, 2);
	CHECK_EQ(b.uart.reg_io_width, 4);
	CHECK_EQ(b.uart.irq, 12);
	CHECK_EQ(b.uart.clock_hz, 50000000);
	CHECK(strcmp(b.uart.compatible, "snps,dw-apb-uart") == 0);	/* the first listed */
}

/* ---- the console UART: every compatible string and access width ---- */

/* A tree with one UART at 0x10000000: compatible list `compat` (len
 * bytes, NUL-separated), reg-io-width `width` (0: none), reg-shift 2,
 * status `status` (NULL: none), named by stdout-path. */
static struct blob uart_tree(const char *compat, uint32_t len, uint32_t width,
			     const char *status)
{
	struct builder *bb = b_new_root();
	struct blob bl;
	uint32_t v[4];

	b_begin(bb, "chosen");
	b_str(bb, "stdout-path", "/uart@10000000:115200n8");
	b_end(bb);
	b_begin(bb, "uart@10000000");
	v[0] = 0x10000000; v[1] = 0x400;
	b_cells(bb, "reg", 2, v);
	b_prop(bb, "compatible", compat, len);
	b_u32prop(bb, "reg-shift", 2);
	if (width)
		b_u32prop(bb, "reg-io-width", width);
	b_u32prop(bb, "interrupts", 33);
	if (status)
		b_str(bb, "status", status);
	b_end(bb);
	b_end(bb);
	bl = b_finish(bb, true);
	free(bb);
	return bl;
}

/* ns16550a (QEMU virt, PolarFire), ns16550, and snps,dw-apb-uart
 * (StarFive JH7100/JH7110, ESWIN EIC7700; listed with "ns16550a" or
 * alone) all go to the 16550 driver, at each width the binding allows. */
TEST(uart_16550_compatibles_and_widths)
{
	static const struct { const char *compat; uint32_t len; const char *matched; } c[] = {
		{ "ns16550a", 9, "ns16550a" },
		{ "ns16550", 8, "ns16550" },
		{ "snps,dw-apb-uart", 17, "snps,dw-apb-uart" },
		{ "starfive,jh7110-uart\0snps,dw-apb-uart", 38, "snps,dw-apb-uart" },
		{ "snps,dw-apb-uart\0ns16550a", 26, "snps,dw-apb-uart" },
	};
	static const uint32_t widths[] = { 0, 1, 2, 4 };
	struct board b;
	unsigned i, w;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (w = 0; w < 4; w++) {
			struct blob bl = uart_tree(c[i].compat, c[i].len, widths[w], NULL);

			CHECK_EQ(parse(bl, &b), 0);
			CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
			CHECK(strcmp(b.uart.compatible, c[i].matched) == 0);
			CHECK_EQ(b.uart.base, 0x10000000);
			CHECK_EQ(b.uart.reg_shift, 2);
			CHECK_EQ(b.uart.reg_io_width, widths[w] ? widths[w] : 1);
			CHECK_EQ(b.uart.irq, 33);
			free(bl.data);
		}
	}
}

/* A width the binding does not allow is refused (Linux's 8250 driver
 * refuses it too): no UART, rather than a guess. So is a disabled one,
 * even when stdout-path names it. sifive,uart0 ignores reg-io-width. */
TEST(uart_bad_width_and_disabled_refused)
{
	static const uint32_t bad[] = { 3, 8, 5 };
	struct blob bl;
	struct board b;
	unsigned i;

	for (i = 0; i < 3; i++) {
		bl = uart_tree("snps,dw-apb-uart", 17, bad[i], NULL);
		CHECK_EQ(parse(bl, &b), 0);
		CHECK_EQ(b.uart.kind, BOARD_UART_NONE);
		CHECK(strcmp(b.uart.compatible, "") == 0);
		free(bl.data);
	}
	bl = uart_tree("ns16550a", 9, 1, "disabled");
	CHECK_EQ(parse(bl, &b), 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NONE);
	free(bl.data);
	bl = uart_tree("ns16550a", 9, 1, "okay");
	CHECK_EQ(parse(bl, &b), 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	free(bl.data);
	bl = uart_tree("sifive,fu740-c000-uart\0sifive,uart0", 36, 3, NULL);
	CHECK_EQ(parse(bl, &b), 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_SIFIVE);
	CHECK(strcmp(b.uart.compatible, "sifive,uart0") == 0);
	free(bl.data);
}

/* ---- real boards' trees (test/fixtures/README.md) ---- */

/* The HiFive Unmatched's, as U-Boot passes it: 16 GiB, the S7 monitor
 * hart without MMU, the console's interrupt 39, a CLINT. */
TEST(uboot_unmatched)
{
	static const char *const names[] = { "uboot-unmatched.dtb", "uboot-unmatched-qemu.dtb" };
	struct board b;
	int n, h;

	for (n = 0; n < 2; n++) {
		CHECK_EQ(parse_fixture(names[n], &b), 0);
		CHECK(strcmp(b.model, "SiFive HiFive Unmatched A00") == 0);
		CHECK_EQ(b.nmem, 1);
		CHECK_EQ(b.mem[0].base, 0x80000000);
		CHECK_EQ(b.mem[0].size, 16ull << 30);
		CHECK_EQ(b.nharts, 5);
		CHECK_EQ(b.nharts_usable, 4);
		CHECK(!b.harts[0].usable);
		for (h = 1; h < 5; h++)
			CHECK_EQ(b.harts[h].plic_s_context, 2 * h);
		CHECK_EQ(b.timebase_hz, 1000000);
		CHECK_EQ(b.uart.kind, BOARD_UART_SIFIVE);
		CHECK_EQ(b.uart.base, 0x10010000);
		CHECK_EQ(b.uart.irq, 39);
		CHECK(b.plic.present);
		CHECK_EQ(b.plic.ndev, 69);
		CHECK(b.mtimer);
		CHECK(!b.truncated);
	}
}

/* Linux's HiFive Unleashed tree has no CLINT: nothing for OpenSBI's
 * timer; the -clint fixture adds one. */
TEST(linux_unleashed_mtimer)
{
	struct board b;

	CHECK_EQ(parse_fixture("linux-unleashed.dtb", &b), 0);
	CHECK(strcmp(b.model, "SiFive HiFive Unleashed A00") == 0);
	CHECK_EQ(b.mem[0].size, 8ull << 30);
	CHECK_EQ(b.nharts, 5);
	CHECK_EQ(b.nharts_usable, 4);
	CHECK_EQ(b.uart.irq, 4);
	CHECK(!b.mtimer);
	CHECK_EQ(parse_fixture("linux-unleashed-clint.dtb", &b), 0);
	CHECK(b.mtimer);
	CHECK_EQ(b.nharts_usable, 4);
}

/* PolarFire Icicle Kit: a 16550 with 32-bit registers 4 bytes apart,
 * named by an alias; RAM in two banks. */
TEST(uboot_icicle)
{
	struct board b;

	CHECK_EQ(parse_fixture("uboot-icicle.dtb", &b), 0);
	CHECK(strcmp(b.model, "Microchip PolarFire-SoC Icicle Kit") == 0);
	CHECK_EQ(b.nmem, 2);
	CHECK_EQ(b.mem[0].base, 0x80000000);
	CHECK_EQ(b.mem[0].size, 1ull << 30);
	CHECK_EQ(b.mem[1].base, 0x1040000000ull);
	CHECK_EQ(b.mem[1].size, 1ull << 30);
	CHECK_EQ(b.uart.kind, BOARD_UART_NS16550A);
	CHECK(strcmp(b.uart.compatible, "ns16550a") == 0);
	CHECK_EQ(b.uart.base, 0x20100000);
	CHECK_EQ(b.uart.reg_shift, 2);
	CHECK_EQ(b.uart.reg_io_width, 4);
	CHECK_EQ(b.nharts, 5);
	CHECK_EQ(b.nharts_usable, 4);
	CHECK(b.mtimer);
}

/* ---- the generic fdt_* API on a real tree ---- */

TEST(fdt_api_on_virt)
{
	struct blob bl = load("qemu-virt-smp4-2g.dtb");
	struct fdt f;
	uint64_t total = 0, base, size;
	uint32_t len, u;
	const void *v;
	int soc, uart, plic, cpu1, intc, n, depth, count;

	CHECK_EQ(fdt_check(bl.data, bl.size, &total), 0);
	CHECK_EQ(total, bl.size);
	CHECK_EQ(fdt_open(&f, bl.data, bl.size), 0);
	CHECK(strcmp(fdt_node_name(&f, f.root), "") == 0);
	CHECK_EQ(fdt_parent(&f, f.root), FDT_ENOTFOUND);

	soc = fdt_path_offset(&f, "/soc", 4);
	uart = fdt_path_offset(&f, "/soc/serial@10000000", 20);
	CHECK(soc >= 0 && uart >= 0);
	CHECK_EQ(fdt_path_offset(&f, "/soc/serial", 11), uart);	/* no unit address */
	CHECK_EQ(fdt_path_offset(&f, "//soc//serial@10000000/", 23), uart);
	CHECK_EQ(fdt_path_offset(&f, "/soc/serial@1000000", 19), FDT_ENOTFOUND);
	CHECK_EQ(fdt_path_offset(&f, "/nope", 5), FDT_ENOTFOUND);
	CHECK_EQ(fdt_path_offset(&f, "", 0), FDT_ENOTFOUND);
	CHECK_EQ(fdt_path_offset(&f, "/", 1), f.root);
	CHECK_EQ(fdt_parent(&f, uart), soc);
	CHECK(fdt_node_is_compatible(&f, uart, "ns16550a"));
	CHECK(!fdt_node_is_compatible(&f, uart, "ns16550"));
	CHECK(fdt_node_is_available(&f, uart));
	CHECK_EQ(fdt_address_cells(&f, soc), 2);
	CHECK_EQ(fdt_size_cells(&f, soc), 2);
	CHECK_EQ(fdt_reg(&f, uart, 2, 2, 0, &base, &size), 0);
	CHECK_EQ(base, 0x10000000);
	CHECK_EQ(size, 0x100);
	CHECK_EQ(fdt_reg(&f, uart, 2, 2, 1, &base, &size), FDT_ENOTFOUND);
	CHECK_EQ(fdt_getprop_u32(&f, uart, "interrupts", &u), 0);
	CHECK_EQ(u, 10);
	CHECK_EQ(fdt_getprop_u32(&f, uart, "reg", &u), FDT_EBADVALUE);
	CHECK_EQ(fdt_getprop_u32(&f, uart, "nope", &u), FDT_ENOTFOUND);
	CHECK(strcmp(fdt_getprop_str(&f, uart, "compatible"), "ns16550a") == 0);
	CHECK(fdt_getprop_str(&f, uart, "nope") == NULL);
	n = fdt_path_offset(&f, "/fw-cfg", 7);
	CHECK(fdt_hasprop(&f, n, "dma-coherent"));
	CHECK(fdt_getprop(&f, n, "dma-coherent", &len) != NULL && len == 0);
	CHECK(fdt_getprop_str(&f, n, "dma-coherent") == NULL);	/* empty: no string */

	plic = fdt_path_offset(&f, "/soc/plic@c000000", 17);
	CHECK(plic >= 0);
	CHECK_EQ(fdt_get_phandle(&f, plic), 9);
	CHECK_EQ(fdt_node_by_phandle(&f, 9), plic);
	CHECK_EQ(fdt_node_by_phandle(&f, 0), FDT_ENOTFOUND);
	CHECK_EQ(fdt_node_by_phandle(&f, 0xffffffff), FDT_ENOTFOUND);
	CHECK_EQ(fdt_node_by_phandle(&f, 0x1234), FDT_ENOTFOUND);
	v = fdt_getprop(&f, plic, "compatible", &len);
	CHECK(v != NULL);
	CHECK(strcmp(fdt_stringlist_get(v, len, 1), "riscv,plic0") == 0);
	CHECK(fdt_stringlist_get(v, len, 2) == NULL);
	CHECK(fdt_hasprop(&f, plic, "interrupt-controller"));

	cpu1 = fdt_path_offset(&f, "/cpus/cpu@1", 11);
	intc = fdt_first_child(&f, cpu1);
	CHECK(intc >= 0);
	CHECK_EQ(fdt_path_offset(&f, "/cpus/cpu@1/interrupt-controller", 32), intc);
	CHECK_EQ(fdt_parent(&f, intc), cpu1);
	CHECK_EQ(fdt_first_child(&f, intc), FDT_ENOTFOUND);
	CHECK_EQ(fdt_next_sibling(&f, intc), FDT_ENOTFOUND);
	CHECK(strcmp(fdt_node_name(&f, fdt_next_sibling(&f, cpu1)), "cpu@2") == 0);

	/* Walk everything: depth never negative, node count sane. */
	count = 0;
	depth = 0;
	for (n = f.root; n >= 0; n = fdt_next_node(&f, n, &depth)) {
		CHECK(depth >= 0 && depth <= 5);
		count++;
	}
	CHECK_EQ(n, FDT_ENOTFOUND);
	CHECK(count > 30 && count < 60);

	/* Offsets that do not name a node are refused, not followed. */
	CHECK(fdt_node_name(&f, f.root + 4) == NULL);
	CHECK(fdt_next_node(&f, 2, NULL) < 0);
	CHECK(fdt_first_prop(&f, 1 << 20) < 0);
	CHECK(fdt_next_prop(&f, uart) < 0);
	CHECK(fdt_prop_value(&f, uart, NULL, NULL) == NULL);
	CHECK(fdt_node_name(&f, -3) == NULL);
	free(bl.data);
}

TEST(cells_and_strings)
{
	static const uint8_t v[] = { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4 };
	uint64_t out;
	uint32_t pos = 0;

	CHECK_EQ(fdt_read_cells(v, 16, &pos, 2, &out), 0);
	CHECK_EQ(out, 0x100000002ull);
	CHECK_EQ(pos, 8);
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 1, &out), 0);
	CHECK_EQ(out, 3);
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 2, &out), FDT_ETRUNCATED);
	pos = 0;
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 3, &out), FDT_EBADVALUE);	/* 1 in cell 0 */
	pos = 0;
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 5, &out), FDT_EBADVALUE);
	pos = 0;
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 0, &out), 0);
	CHECK_EQ(out, 0);
	pos = 0xfffffffc;
	CHECK_EQ(fdt_read_cells(v, 16, &pos, 2, &out), FDT_ETRUNCATED);

	CHECK(fdt_stringlist_contains("a\0bc\0", 5, "bc"));
	CHECK(!fdt_stringlist_contains("a\0bc", 4, "bc"));	/* unterminated */
	CHECK(!fdt_stringlist_contains("", 0, ""));
	CHECK(fdt_stringlist_get("a\0bc", 4, 0) != NULL);
	CHECK(fdt_stringlist_get("a\0bc", 4, 1) == NULL);
	CHECK(fdt_stringlist_get("a", 1, 0) == NULL);
	CHECK(fdt_stringlist_get("a", 2, -1) == NULL);
	CHECK_EQ(fdt_be32("\x12\x34\x56\x78"), 0x12345678);
	CHECK_EQ(fdt_be64("\x01\x02\x03\x04\x05\x06\x07\x08"), 0x0102030405060708ull);
}

TEST(strerror_names_every_error)
{
	int e, f;

	for (e = FDT_ETOODEEP; e <= FDT_OK; e++) {
		CHECK(fdt_strerror(e) != NULL);
		CHECK(strcmp(fdt_strerror(e), "unknown error") != 0);
		for (f = FDT_ETOODEEP; f < e; f++)
			CHECK(strcmp(fdt_strerror(e), fdt_strerror(f)) != 0);
	}
	CHECK(strcmp(fdt_strerror(1), "unknown error") == 0);
	CHECK(strcmp(fdt_strerror(-100), "unknown error") == 0);
}

/* The blob need not be 8-byte aligned: results must not change at an
 * odd address (UBSan flags any misaligned wide load). */
TEST(misaligned_blob)
{
	struct blob bl = load("opensbi-sifive_u-smp5-1g.dtb");
	struct board a, b;
	uint8_t *buf = malloc(bl.size + 7);
	int shift;

	CHECK_EQ(parse(bl, &a), 0);
	for (shift = 1; shift < 8; shift++) {
		memcpy(buf + shift, bl.data, bl.size);
		CHECK_EQ(board_from_fdt(buf + shift, bl.size, &b), 0);
		CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	}
	free(buf);
	free(bl.data);
}

/* ---- broken blobs ---- */

TEST(truncated_everywhere)
{
	struct blob bl = load("qemu-virt-smp1-128m.dtb");
	struct board b;
	struct blob c;
	uint64_t n;
	uint32_t off_struct = fdt_be32(bl.data + 8), size_struct = fdt_be32(bl.data + 36);
	int r;

	/* header only, half the struct block, one byte short */
	c = blob_copy(bl, 40);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	free(c.data);
	c = blob_copy(bl, off_struct + size_struct / 2);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	free(c.data);
	c = blob_copy(bl, bl.size - 1);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	free(c.data);
	CHECK_EQ(board_from_fdt(bl.data, 0, &b), FDT_ETRUNCATED);
	CHECK_EQ(board_from_fdt(NULL, 100, &b), FDT_EBADMAGIC);

	/* every shorter length is refused, and nothing is read past it */
	for (n = 0; n < bl.size; n++) {
		c = blob_copy(bl, n);
		r = parse(c, &b);
		free(c.data);
		CHECK_EQ(r, FDT_ETRUNCATED);
	}
	/* the exact size and more are fine */
	c = blob_copy(bl, bl.size);
	CHECK_EQ(parse(c, &b), 0);
	free(c.data);
	CHECK_EQ(board_from_fdt(bl.data, bl.size, &b), 0);
	free(bl.data);
}

/* Apply one 32-bit header edit to a copy of the fixture; expect err. */
static int header_edit(struct blob bl, uint32_t field, uint32_t value)
{
	struct blob c = blob_copy(bl, bl.size);
	struct board b;
	int r;

	put32(c.data + field, value);
	r = parse(c, &b);
	free(c.data);
	return r;
}

TEST(corrupt_header)
{
	struct blob bl = load("qemu-virt-smp1-128m.dtb");
	uint32_t total = (uint32_t)bl.size;

	CHECK_EQ(header_edit(bl, 0, 0xd00dfeee), FDT_EBADMAGIC);
	CHECK_EQ(header_edit(bl, 0, 0xedfe0dd0), FDT_EBADMAGIC);	/* little-endian */
	CHECK_EQ(header_edit(bl, 4, total + 1), FDT_ETRUNCATED);	/* totalsize > file */
	CHECK_EQ(header_edit(bl, 4, 0xffffffff), FDT_EBADSTRUCTURE);
	CHECK_EQ(header_edit(bl, 4, 8), FDT_EBADSTRUCTURE);	/* smaller than a header */
	CHECK_EQ(header_edit(bl, 4, total - 1), FDT_EBADSTRUCTURE);	/* strings past it */
	CHECK_EQ(header_edit(bl, 8, 0x3a), FDT_EBADSTRUCTURE);	/* struct misaligned */
	CHECK_EQ(header_edit(bl, 8, total), FDT_EBADSTRUCTURE);
	CHECK_EQ(header_edit(bl, 8, 0), FDT_EBADSTRUCTURE);	/* inside the header */
	CHECK_EQ(header_edit(bl, 12, total + 100), FDT_EBADSTRUCTURE);
	CHECK_EQ(header_edit(bl, 16, total + 16), FDT_EBADSTRUCTURE);
	CHECK_EQ(header_edit(bl, 16, total - 8), FDT_ETRUNCATED);	/* rsvmap never ends */
	CHECK_EQ(header_edit(bl, 20, 15), FDT_EBADVERSION);
	CHECK_EQ(header_edit(bl, 24, 18), FDT_EBADVERSION);
	CHECK_EQ(header_edit(bl, 32, 0xfffffff0), FDT_EBADSTRUCTURE);	/* size_strings */
	CHECK_EQ(header_edit(bl, 36, 0xfffffff0), FDT_EBADSTRUCTURE);	/* size_struct */
	CHECK_EQ(header_edit(bl, 36, 8), FDT_ETRUNCATED);	/* struct ends in the root */
	free(bl.data);
}

TEST(corrupt_struct_block)
{
	struct blob bl = load("qemu-virt-smp1-128m.dtb");
	struct blob c;
	struct board b;
	uint32_t off_struct = fdt_be32(bl.data + 8), size_struct = fdt_be32(bl.data + 36);
	uint32_t size_strings = fdt_be32(bl.data + 32);
	uint32_t p = nth_prop(bl, 3);

	CHECK(p != 0);
	/* string offset outside the strings block */
	c = blob_copy(bl, bl.size);
	put32(c.data + p + 8, size_strings);
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	put32(c.data + p + 8, 0xffffffff);
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	/* name offset at the strings block's last byte (not NUL): unterminated */
	put32(c.data + p + 8, size_strings - 1);
	c.data[fdt_be32(bl.data + 12) + size_strings - 1] = 'x';
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	free(c.data);

	/* property length past the end of the struct block */
	c = blob_copy(bl, bl.size);
	put32(c.data + p + 4, size_struct);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	put32(c.data + p + 4, 0xfffffffd);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	free(c.data);

	/* unknown token */
	c = blob_copy(bl, bl.size);
	put32(c.data + p, 7);
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	free(c.data);

	/* FDT_END replaced by NOP: the walk runs off the end, cleanly */
	c = blob_copy(bl, bl.size);
	CHECK_EQ(fdt_be32(c.data + off_struct + size_struct - 4), FDT_END);
	put32(c.data + off_struct + size_struct - 4, FDT_NOP);
	CHECK_EQ(parse(c, &b), FDT_ETRUNCATED);
	/* ...or by an extra END_NODE */
	put32(c.data + off_struct + size_struct - 4, FDT_END_NODE);
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	/* root closed early: the root's END_NODE becomes END */
	put32(c.data + off_struct + size_struct - 4, FDT_END);
	put32(c.data + off_struct + size_struct - 8, FDT_END);
	CHECK_EQ(parse(c, &b), FDT_EBADSTRUCTURE);
	free(c.data);

	/* a property before the root node */
	c = blob_copy(bl, bl.size);
	put32(c.data + off_struct, FDT_PROP);
	CHECK(parse(c, &b) < 0);
	free(c.data);
	free(bl.data);
}

TEST(unterminated_node_name)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	struct board b;

	b_init(bb);
	b_u32(bb, FDT_BEGIN_NODE);
	memcpy(bb->st + bb->nst, "abcdefgh", 8);	/* no NUL, then end */
	bb->nst += 8;
	bl = b_finish(bb, false);
	CHECK_EQ(parse(bl, &b), FDT_ETRUNCATED);
	free(bl.data);

	/* a NUL-free name running into FDT_END is just a long name then a
	 * missing END_NODE: still an error, never a crash */
	b_init(bb);
	b_u32(bb, FDT_BEGIN_NODE);
	memcpy(bb->st + bb->nst, "abcdefgh", 8);
	bb->nst += 8;
	bl = b_finish(bb, true);
	CHECK(parse(bl, &b) < 0);
	free(bl.data);
	free(bb);
}

static struct blob nested(int levels)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	int i;

	b_init(bb);
	b_begin(bb, "");
	for (i = 0; i < levels; i++)
		b_begin(bb, "n");
	for (i = 0; i <= levels; i++)
		b_end(bb);
	bl = b_finish(bb, true);
	free(bb);
	return bl;
}

TEST(deep_nesting)
{
	struct board b;
	struct blob bl;

	bl = nested(FDT_MAX_DEPTH);	/* deepest node at depth FDT_MAX_DEPTH: fine */
	CHECK_EQ(parse(bl, &b), 0);
	free(bl.data);
	bl = nested(FDT_MAX_DEPTH + 1);
	CHECK_EQ(parse(bl, &b), FDT_ETOODEEP);
	free(bl.data);
	bl = nested(1000);
	CHECK_EQ(parse(bl, &b), FDT_ETOODEEP);
	free(bl.data);
}

TEST(two_roots_and_empty)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	struct board b;

	b_init(bb);
	b_begin(bb, "");
	b_end(bb);
	b_begin(bb, "");
	b_end(bb);
	bl = b_finish(bb, true);
	CHECK_EQ(parse(bl, &b), FDT_EBADSTRUCTURE);
	free(bl.data);

	b_init(bb);	/* no root at all */
	bl = b_finish(bb, true);
	CHECK_EQ(parse(bl, &b), FDT_EBADSTRUCTURE);
	free(bl.data);

	b_init(bb);	/* the smallest tree: an empty root */
	b_begin(bb, "");
	b_end(bb);
	bl = b_finish(bb, true);
	CHECK_EQ(parse(bl, &b), 0);
	CHECK(strcmp(b.model, "unknown") == 0);
	CHECK_EQ(b.nmem + b.nharts + b.nreserved, 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NONE);
	CHECK(!b.plic.present);
	free(bl.data);
	free(bb);
}

TEST(version16_header)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	struct board b;

	b_init(bb);
	bb->version = 16;
	b_begin(bb, "");
	b_str(bb, "model", "v16");
	b_end(bb);
	bl = b_finish(bb, true);
	CHECK_EQ(parse(bl, &b), 0);
	CHECK(strcmp(b.model, "v16") == 0);
	free(bl.data);
	free(bb);
}

/* Too many entries: the first ones are kept and `truncated` is set;
 * over-long strings are cut and stay terminated. */
TEST(arrays_overflow_cleanly)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	struct board b;
	char name[32], longs[400];
	uint32_t v[4];
	int i;

	memset(longs, 'm', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	b_init(bb);
	for (i = 0; i < 20; i++)
		b_rsv(bb, 0x1000u * (uint32_t)(i + 1), 0x100);
	b_begin(bb, "");
	b_str(bb, "model", longs);
	b_str(bb, "compatible", longs);
	b_begin(bb, "chosen");
	b_str(bb, "bootargs", longs);
	b_end(bb);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "memory@%d", i);
		b_begin(bb, name);
		b_str(bb, "device_type", "memory");
		v[0] = 0; v[1] = 0x80000000u + (uint32_t)i * 0x1000000; v[2] = 0x1000000;
		b_cells(bb, "reg", 3, v);	/* root default cells: 2 + 1 */
		b_end(bb);
	}
	b_begin(bb, "cpus");
	b_u32prop(bb, "#address-cells", 1);
	b_u32prop(bb, "#size-cells", 0);
	for (i = 0; i < BOARD_MAX_HARTS + 4; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		b_begin(bb, name);
		b_str(bb, "device_type", "cpu");
		b_u32prop(bb, "reg", (uint32_t)i);
		b_str(bb, "mmu-type", "riscv,sv57");
		b_end(bb);
	}
	b_end(bb);
	b_end(bb);
	bl = b_finish(bb, true);
	free(bb);

	CHECK_EQ(parse(bl, &b), 0);
	CHECK(b.truncated);
	CHECK_EQ(b.nreserved, BOARD_MAX_RESERVED);
	CHECK_EQ(b.reserved[15].base, 0x10000);
	CHECK_EQ(b.nmem, BOARD_MAX_MEM);
	CHECK_EQ(b.mem[7].base, 0x87000000);
	CHECK_EQ(b.mem[7].size, 0x1000000);
	CHECK_EQ(b.nharts, BOARD_MAX_HARTS);
	CHECK_EQ(b.nharts_usable, BOARD_MAX_HARTS);
	CHECK_EQ(b.harts[BOARD_MAX_HARTS - 1].hartid, BOARD_MAX_HARTS - 1);
	/* the ones not listed are still counted */
	CHECK_EQ(b.nharts_in_tree, BOARD_MAX_HARTS + 4);
	CHECK_EQ(b.nharts_usable_in_tree, BOARD_MAX_HARTS + 4);
	CHECK_EQ(strlen(b.model), sizeof(b.model) - 1);
	CHECK_EQ(strlen(b.compatible), sizeof(b.compatible) - 1);
	CHECK_EQ(strlen(b.bootargs), sizeof(b.bootargs) - 1);
	free(bl.data);
}

/* Odd values in a well-formed tree are skipped, not fatal. */
TEST(odd_values_are_skipped)
{
	struct builder *bb = malloc(sizeof(*bb));
	struct blob bl;
	struct board b;
	uint32_t v[4] = { 0, 0x80000000, 0x100000, 7 };

	b_init(bb);
	b_begin(bb, "");
	b_prop(bb, "model", "no-nul", 6);		/* not a string */
	b_prop(bb, "compatible", "ok\0bad", 6);	/* last one unterminated */
	b_u32prop(bb, "#size-cells", 9);		/* out of range */
	b_begin(bb, "memory@0");
	b_str(bb, "device_type", "memory");
	b_cells(bb, "reg", 4, v);
	b_end(bb);
	b_begin(bb, "serial@1");
	b_str(bb, "compatible", "ns16550a");
	b_str(bb, "status", "disabled");
	b_end(bb);
	b_begin(bb, "cpus");
	b_begin(bb, "cpu@0");
	b_str(bb, "device_type", "cpu");	/* no reg: not listed */
	b_end(bb);
	b_end(bb);
	b_end(bb);
	bl = b_finish(bb, true);
	free(bb);

	CHECK_EQ(parse(bl, &b), 0);
	CHECK(strcmp(b.model, "ok") == 0);
	CHECK(strcmp(b.compatible, "ok") == 0);
	CHECK_EQ(b.nmem, 0);
	CHECK_EQ(b.uart.kind, BOARD_UART_NONE);
	CHECK_EQ(b.nharts, 0);
	free(bl.data);
}

/* ---- random mutation (fixed seed) ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	return xorshift_next(&rng_state);
}

static int fuzz_ok, fuzz_err;

static void fuzz(struct blob bl, int rounds, bool structured)
{
	uint32_t off_struct = fdt_be32(bl.data + 8), size_struct = fdt_be32(bl.data + 36);
	static const uint32_t small[] = { 0, 1, 2, 3, 4, 9, 0xffffffff, 0x7fffffff, 0x80000000 };
	struct board b;
	struct blob c;
	int i, k, nflips, r;
	uint32_t pos;

	for (i = 0; i < rounds; i++) {
		c = blob_copy(bl, bl.size);
		nflips = 1 + (int)(rng() % 8);
		for (k = 0; k < nflips; k++) {
			if (structured) {
				/* a token-aligned word in the structure block
				 * becomes a token, length or offset-like value */
				pos = off_struct + 4 * (rng() % (size_struct / 4));
				put32(c.data + pos, rng() % 2 ? small[rng() % 9] : rng() % 64);
			} else {
				pos = rng() % (uint32_t)c.size;
				c.data[pos] ^= (uint8_t)(1u << (rng() % 8));
			}
		}
		r = parse(c, &b);
		free(c.data);
		if (r == 0) {
			fuzz_ok++;
			CHECK(b.nmem >= 0 && b.nmem <= BOARD_MAX_MEM);
			CHECK(b.nreserved >= 0 && b.nreserved <= BOARD_MAX_RESERVED);
			CHECK(b.nharts >= 0 && b.nharts <= BOARD_MAX_HARTS);
			CHECK(b.nharts_usable <= b.nharts);
			CHECK(memchr(b.model, 0, sizeof(b.model)) != NULL);
			CHECK(memchr(b.compatible, 0, sizeof(b.compatible)) != NULL);
			CHECK(memchr(b.cpu_compatible, 0, sizeof(b.cpu_compatible)) != NULL);
			CHECK(memchr(b.bootargs, 0, sizeof(b.bootargs)) != NULL);
		} else {
			fuzz_err++;
			CHECK(r >= FDT_ETOODEEP && r < 0);
		}
	}
}

TEST(random_mutations)
{
	struct blob virt = load("opensbi-virt-smp4-2g.dtb");
	struct blob su = load("uboot-sifive_u-alias.dtb");

	fuzz(virt, 3000, false);
	fuzz(virt, 3000, true);
	fuzz(su, 1000, false);
	fuzz(su, 1000, true);
	/* both outcomes must actually occur, or the fuzzing tests nothing */
	CHECK(fuzz_ok > 100);
	CHECK(fuzz_err > 100);
	printf("  mutations: %d parsed, %d refused\n", fuzz_ok, fuzz_err);
	free(virt.data);
	free(su.data);
}

int main(int argc, char **argv)
{
	/* Unbuffered, so the results show even if a sanitizer ends the run. */
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		fixture_dir = argv[1];

	RUN(qemu_virt_smp1_128m);
	RUN(qemu_virt_smp4_2g);
	RUN(qemu_virt_smp40);
	RUN(qemu_sifive_u_smp5_1g);
	RUN(opensbi_virt_smp1_128m);
	RUN(opensbi_virt_smp4_2g);
	RUN(opensbi_sifive_u_smp5_1g);
	RUN(uboot_sifive_u_alias);
	RUN(alias_resolution);
	RUN(stdout_alias_picks_second_uart);
	RUN(no_memory_node_is_not_an_error);
	RUN(no_uart_is_not_an_error);
	RUN(uart_fallback_and_reg_shift);
	RUN(uart_16550_compatibles_and_widths);
	RUN(uart_bad_width_and_disabled_refused);
	RUN(uboot_unmatched);
	RUN(linux_unleashed_mtimer);
	RUN(uboot_icicle);
	RUN(fdt_api_on_virt);
	RUN(cells_and_strings);
	RUN(strerror_names_every_error);
	RUN(misaligned_blob);
	RUN(truncated_everywhere);
	RUN(corrupt_header);
	RUN(corrupt_struct_block);
	RUN(unterminated_node_name);
	RUN(deep_nesting);
	RUN(two_roots_and_empty);
	RUN(version16_header);
	RUN(arrays_overflow_cleanly);
	RUN(odd_values_are_skipped);
	RUN(random_mutations);
	return check_summary();
}
