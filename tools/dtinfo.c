/*
 * dtinfo.c - what calf reads from a device tree, and whether it boots on it.
 *
 * Layer: tools/ (runs on the host). Bring-up on a new board starts with
 * its device tree: this reads a .dtb with the kernel's own parser
 * (platform/fdt.c, platform/board_dt.c), prints what the boot banner
 * would say about it and everything else calf takes from it, and ends
 * with the kernel's verdict (board_refusal, the list the boot itself
 * uses). Build and run:
 *
 *     make dtinfo DTB=board.dtb        (or build/host/dtinfo FILE.dtb...)
 *
 * Exit status: 0 if calf would boot on every tree given, 1 otherwise
 * (refused, malformed, or no timer for OpenSBI: the last line says which).
 * docs/boards.md, "Bring-up on a new board", says what each line means.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/phys_ranges.h"  /* phys_ranges_total: RAM as the banner counts it */
#include "kernel/thread.h"       /* MAX_HARTS: the hart ids the kernel takes */
#include "platform/boot.h"       /* BOOT_DTB_MAX: the largest tree the boot copies */
#include "platform/board.h"
#include "platform/fdt.h"
#include "platform/quirks.h"

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			unsigned char *more = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (!more) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = more;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*size = n;
	return buf;
}

static void print_harts(const struct board *b)
{
	int taken = 0;

	for (int i = 0; i < b->nharts; i++)
		taken += b->harts[i].usable && b->harts[i].hartid < MAX_HARTS;
	printf("  harts    %d usable (%d in the device tree", b->nharts_usable_in_tree,
	       b->nharts_in_tree);
	if (taken < b->nharts_usable_in_tree)
		printf("; the kernel takes %d", taken);
	printf(")\n");
	for (int i = 0; i < b->nharts; i++) {
		const struct board_hart *h = &b->harts[i];

		printf("           hart %u: %s", h->hartid,
		       !h->usable ? "left alone (disabled, or no Sv39 MMU: a monitor core)" :
		       h->hartid >= MAX_HARTS ? "parked (id above the kernel's limit)" :
		       "runs threads");
		if (h->usable && h->plic_s_context >= 0)
			printf(", PLIC S-mode context %d", h->plic_s_context);
		printf("\n");
	}
	if (b->nharts < b->nharts_in_tree)
		printf("           (%d more cpu nodes not listed)\n", b->nharts_in_tree - b->nharts);
}

static void print_memory(const struct board *b)
{
	uint64_t total = phys_ranges_total(b->mem, b->nmem);

	printf("  RAM      %llu MiB", (unsigned long long)(total >> 20));
	if (b->nmem)
		printf(" at 0x%llx", (unsigned long long)b->mem[0].base);
	if (b->nmem > 1)
		printf(" in %d ranges", b->nmem);
	printf("\n");
	for (int i = 0; i < b->nmem; i++)
		printf("           0x%llx-0x%llx\n", (unsigned long long)b->mem[i].base,
		       (unsigned long long)(b->mem[i].base + b->mem[i].size - 1));
	for (int i = 0; i < b->nreserved; i++)
		printf("  reserved 0x%llx-0x%llx (left out of free memory)\n",
		       (unsigned long long)b->reserved[i].base,
		       (unsigned long long)(b->reserved[i].base + b->reserved[i].size - 1));
}

static void print_console(const struct board *b)
{
	if (b->uart.kind == BOARD_UART_NONE) {
		printf("  console  none calf drives\n");
		return;
	}
	printf("  console  %s at 0x%llx", b->uart.compatible, (unsigned long long)b->uart.base);
	if (b->uart.reg_shift || b->uart.reg_io_width != 1)
		printf(", reg-shift %u, reg-io-width %u", b->uart.reg_shift, b->uart.reg_io_width);
	printf(" (%s driver)\n", b->uart.kind == BOARD_UART_SIFIVE ? "sifive,uart0" : "ns16550a");
	if (!b->plic.present)
		printf("  input    no PLIC: by polling on each idle tick\n");
	else if (b->uart.irq == 0)
		printf("  input    the UART has no interrupt: by polling on each idle tick\n");
	else
		printf("  input    PLIC at 0x%llx (%u sources), UART interrupt %u; polling if it "
		       "never comes\n", (unsigned long long)b->plic.base, b->plic.ndev, b->uart.irq);
}

/* One tree: print it; 0 if calf would boot on it. */
static int show(const char *path)
{
	size_t size = 0;
	unsigned char *blob = read_file(path, &size);
	struct board b;
	struct quirks q;
	const char *detail, *refusal;
	int err;

	printf("%s:\n", path);
	if (!blob) {
		perror("  cannot read it");
		return 1;
	}
	err = board_from_fdt(blob, size, &b);
	free(blob);
	if (err) {
		printf("  malformed: %s\n  calf refuses it: the device tree is malformed\n",
		       fdt_strerror(err));
		return 1;
	}
	quirks_from_board(&b, &q);
	printf("  board    %s\n", b.model);
	printf("  compatible %s\n", b.compatible);
	print_harts(&b);
	print_memory(&b);
	print_console(&b);
	printf("  timebase %llu Hz\n", (unsigned long long)b.timebase_hz);
	printf("  timer    %s\n", b.mtimer ?
	       "a CLINT/ACLINT node: the firmware can drive the SBI timer" :
	       "no CLINT or ACLINT node: OpenSBI, given this tree, has no timer");
	if (q.names[0])
		printf("  quirks   %s\n", q.names);
	if (b.bootargs[0])
		printf("  cmdline  %s\n", b.bootargs);
	if (b.truncated)
		printf("  note     a list ran out of room: only its first entries were kept\n");
	printf("  size     %llu bytes (the boot copies up to %u KiB)\n",
	       (unsigned long long)b.dtb_size, BOOT_DTB_MAX / 1024);

	refusal = board_refusal(&b, &detail);
	if (!refusal && b.dtb_size > BOOT_DTB_MAX) {
		refusal = "the device tree is larger than the boot copies";
		detail = "raise BOOT_DTB_MAX in platform/boot.h";
	}
	if (refusal) {
		printf("  calf refuses it: %s%s%s\n", refusal, detail ? ": " : "", detail ? detail : "");
		return 1;
	}
	if (!b.mtimer) {
		printf("  calf stops at its timer check with it: no tick comes unless the firmware "
		       "has a timer of its own (give OpenSBI a tree with a CLINT)\n");
		return 1;
	}
	printf("  calf boots on it\n");
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s FILE.dtb...\n"
			"prints what calf reads from each device tree and whether it boots on it\n",
			argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			printf("\n");
		bad |= show(argv[i]);
	}
	return bad;
}
