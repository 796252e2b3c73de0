/*
 * fuzz_fdt.c - fuzz target: the devicetree parser on arbitrary bytes.
 *
 * Layer: test/ (host only). Built two ways (mk/fuzz.mk):
 *  - with clang -fsanitize=fuzzer,address,undefined for `make fuzz`
 *    (libFuzzer calls LLVMFuzzerTestOneInput with mutated inputs);
 *  - with gcc -fsanitize=address,undefined and test/fuzz/replay.c as the
 *    main(), which runs every file of test/fuzz/corpus/fdt once (part of
 *    `make test`).
 *
 * The input is the whole blob, copied into a malloc'd buffer of exactly
 * its size, so AddressSanitizer catches any read past the end. What must
 * hold for any input:
 *  - board_from_fdt() returns 0 or a negative FDT_E* error, reads nothing
 *    outside the blob, and never loops for ever (libFuzzer's -timeout);
 *  - on success the struct board is consistent: counts within the arrays,
 *    strings NUL-terminated, ranges of non-zero size, dtb_size within the
 *    blob;
 *  - the generic accessors (walk every node and property, aliases, paths,
 *    phandles, reg) stay inside the blob too once fdt_open() accepted it.
 * A broken invariant calls abort(), which both drivers report as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/board.h"
#include "platform/fdt.h"

#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_fdt: %s:%d: invariant %s broken\n", \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

static void check_string(const char *s, size_t cap)
{
	FUZZ_CHECK(memchr(s, '\0', cap) != NULL);
}

static void check_board(const struct board *b, size_t size)
{
	check_string(b->model, sizeof(b->model));
	check_string(b->compatible, sizeof(b->compatible));
	check_string(b->cpu_compatible, sizeof(b->cpu_compatible));
	check_string(b->bootargs, sizeof(b->bootargs));
	FUZZ_CHECK(b->nmem >= 0 && b->nmem <= BOARD_MAX_MEM);
	FUZZ_CHECK(b->nreserved >= 0 && b->nreserved <= BOARD_MAX_RESERVED);
	FUZZ_CHECK(b->nharts >= 0 && b->nharts <= BOARD_MAX_HARTS);
	FUZZ_CHECK(b->nharts_usable >= 0 && b->nharts_usable <= b->nharts);
	for (int i = 0; i < b->nmem; i++)
		FUZZ_CHECK(b->mem[i].size > 0);
	int usable = 0;
	for (int i = 0; i < b->nharts; i++)
		usable += b->harts[i].usable;
	FUZZ_CHECK(usable == b->nharts_usable);
	/* The counts take in the cpu nodes not listed too. */
	FUZZ_CHECK(b->nharts_in_tree >= b->nharts);
	FUZZ_CHECK(b->nharts_usable_in_tree >= b->nharts_usable &&
		   b->nharts_usable_in_tree <= b->nharts_in_tree);
	FUZZ_CHECK(b->nharts_in_tree == b->nharts || b->truncated);
	FUZZ_CHECK(b->uart.kind == BOARD_UART_NONE || b->uart.kind == BOARD_UART_NS16550A ||
		   b->uart.kind == BOARD_UART_SIFIVE);
	FUZZ_CHECK(b->dtb_size >= FDT_HEADER_SIZE_V16 && b->dtb_size <= size);
}

/* Touch everything the generic reader offers, as a driver might. */
static void walk(const struct fdt *f)
{
	int depth = 0, n = 0;

	for (int i = 0; i < 64; i++) {
		uint64_t a, s;

		if (fdt_rsvmap_get(f, i, &a, &s) != FDT_OK)
			break;
	}
	for (int node = f->root; node >= 0 && n < 4096; node = fdt_next_node(f, node, &depth), n++) {
		const char *name = fdt_node_name(f, node);
		int ac = fdt_address_cells(f, node), sc = fdt_size_cells(f, node);
		int parent = fdt_parent(f, node);

		FUZZ_CHECK(depth >= 0 && depth <= FDT_MAX_DEPTH);
		if (name != NULL)
			(void)strlen(name);
		for (int p = fdt_first_prop(f, node), k = 0; p >= 0 && k < 4096;
		     p = fdt_next_prop(f, p), k++) {
			const char *pname = NULL;
			uint32_t len = 0;
			const uint8_t *val = fdt_prop_value(f, p, &pname, &len);

			if (val != NULL && len > 0) {
				/* every byte of the value must be readable */
				volatile uint8_t sink = val[0] ^ val[len - 1];
				(void)sink;
				for (int j = 0; j < 4; j++)
					(void)fdt_stringlist_get(val, len, j);
			}
		}
		(void)fdt_node_is_available(f, node);
		(void)fdt_node_is_compatible(f, node, "riscv");
		(void)fdt_get_phandle(f, node);
		if (parent >= 0) {
			int pac = fdt_address_cells(f, parent), psc = fdt_size_cells(f, parent);

			if (pac >= 0 && psc >= 0) {
				for (int i = 0; i < 8; i++) {
					uint64_t base, size;

					if (fdt_reg(f, node, pac, psc, i, &base, &size) != FDT_OK)
						break;
				}
			}
		}
		(void)ac;
		(void)sc;
	}
	(void)fdt_path_offset(f, "/soc/serial", 11);
	(void)fdt_path_offset(f, "serial0", 7);
	(void)fdt_path_offset(f, "/chosen", 7);
	(void)fdt_get_alias(f, "serial0", 7);
	(void)fdt_node_by_phandle(f, 1);
	(void)fdt_first_child(f, f->root);
	(void)fdt_next_sibling(f, f->root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob = malloc(size ? size : 1);
	struct board b;
	struct fdt f;
	int err;

	if (blob == NULL)
		return 0;
	memcpy(blob, data, size);

	memset(&b, 0x5a, sizeof(b));	/* the parser must fill every field it reports */
	err = board_from_fdt(blob, size, &b);
	FUZZ_CHECK(err <= 0 && err >= FDT_ETOODEEP);
	FUZZ_CHECK(fdt_strerror(err) != NULL);
	if (err == 0)
		check_board(&b, size);

	err = fdt_open(&f, blob, size);
	FUZZ_CHECK(err <= 0 && err >= FDT_ETOODEEP);
	if (err == FDT_OK) {
		FUZZ_CHECK(f.totalsize <= size);
		walk(&f);
	}
	free(blob);
	return 0;
}
