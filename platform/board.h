/*
 * board.h - what board we are on, as told by the devicetree.
 *
 * Layer: platform/. board_from_fdt() (board_dt.c) reads the DTB the
 * firmware passed in a1 and fills a struct board.
 * Everything above platform/ learns about RAM, the console UART, the
 * timer frequency, the harts and the PLIC from this struct and never
 * names a board.
 */
#ifndef PLATFORM_BOARD_H
#define PLATFORM_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#define BOARD_MAX_MEM		8
#define BOARD_MAX_RESERVED	16
/* cpu nodes listed in harts[]: above the kernel's hart limit (MAX_HARTS,
 * kernel/thread.h), so a board with a monitor core or two besides its
 * application harts is listed whole. */
#define BOARD_MAX_HARTS		64

/* NS16550A: the 16550 family (ns16550a, ns16550, snps,dw-apb-uart);
 * SIFIVE: sifive,uart0. */
enum board_uart_kind { BOARD_UART_NONE, BOARD_UART_NS16550A, BOARD_UART_SIFIVE };

struct board_range { uint64_t base, size; };

struct board_hart {
	uint32_t hartid;	/* cpu node's reg */
	bool usable;		/* status okay (or absent) and mmu-type riscv,sv39/sv48/sv57 */
	int plic_s_context;	/* PLIC context for this hart's S-mode external interrupt, -1 if none */
};

struct board {
	char model[64];		/* /model, else first string of root /compatible, else "unknown" */
	char compatible[128];	/* root /compatible strings joined with ' ' (cut to fit) */
	char cpu_compatible[64];	/* first compatible string of the first usable cpu, "" if none */

	/* Every reg range (size > 0) of every available device_type =
	 * "memory" node. */
	struct board_range mem[BOARD_MAX_MEM];
	int nmem;

	/* Memory reservation block entries, then the reg ranges of every
	 * available /reserved-memory child. Children with only `size`
	 * (dynamic allocations the OS may place) are ignored. */
	struct board_range reserved[BOARD_MAX_RESERVED];
	int nreserved;

	uint64_t timebase_hz;	/* /cpus timebase-frequency (or the first cpu's); 0 if absent */

	/* Every /cpus child with device_type "cpu" and a readable reg, in
	 * tree order; disabled ones too, with usable false. The first
	 * BOARD_MAX_HARTS are listed in harts[]; the *_in_tree counts take
	 * in every one, so the kernel can say what it leaves out. */
	struct board_hart harts[BOARD_MAX_HARTS];
	int nharts;			/* listed in harts[] */
	int nharts_usable;		/* usable, of those listed */
	int nharts_in_tree;		/* in the tree, listed or not */
	int nharts_usable_in_tree;	/* usable, listed or not */

	struct {
		enum board_uart_kind kind;
		char compatible[24];	/* the compatible string matched, "" if none */
		uint64_t base, size;
		uint32_t reg_shift, reg_io_width;	/* ns16550a: reg-shift / reg-io-width (1, 2 or 4), default 0 / 1 */
		uint32_t irq;				/* interrupts property, 0 if none */
		uint32_t clock_hz;			/* clock-frequency if present, else 0 */
	} uart;

	struct { bool present; uint64_t base, size; uint32_t ndev; } plic;

	/* A CLINT or ACLINT timer node (riscv,clint0, sifive,clint0,
	 * riscv,aclint-mtimer, thead,c900-clint) is in the tree: what
	 * OpenSBI needs to give the kernel a timer. */
	bool mtimer;

	char bootargs[256];	/* /chosen bootargs, "" if none (cut to fit) */
	uint64_t dtb_size;	/* header totalsize */

	/* An array above ran out of room: its first entries were kept. */
	bool truncated;
};

/*
 * Fill *out from the DTB at blob, reading no byte at or past
 * blob + size_limit. Returns 0, or a negative FDT_E* error (fdt.h) for a
 * malformed blob. Missing pieces (no memory node, no UART, no PLIC) are
 * not errors: they show as nmem == 0, uart.kind == BOARD_UART_NONE,
 * plic.present == false, and the kernel decides.
 */
int board_from_fdt(const void *blob, uint64_t size_limit, struct board *out);

/*
 * Whether the kernel can run on *b: 0 if it can, else the first reason
 * it refuses the board with (the boot says it and stops), and in
 * *detail a hint or 0. One list for the kernel's boot and the host tool
 * that checks a tree before it goes on a card (tools/dtinfo.c).
 */
const char *board_refusal(const struct board *b, const char **detail);

#endif
