/*
 * main.c - kmain: from the boot entry to a running kernel.
 *
 * Layer: kernel/. entry.S calls kmain on the boot hart with paging on
 * (the boot map), a stack, and tp = hart id. The order matters:
 *   1. traps first, so any mistake after this point is a readable panic;
 *   2. read the device tree (through the boot direct map) into struct board;
 *   3. free memory = RAM minus kernel image, DTB and reserved regions;
 *   4. build the real kernel map and switch to it;
 *   5. only now the UART: its registers are mapped in step 4;
 *   6. banner, timer.
 * Until step 5 the console is SBI's legacy console.
 */
#include "kernel/aspace.h"
#include "kernel/console_input.h"
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/lock.h"
#include "kernel/panic.h"
#include "kernel/phys_ranges.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/usercopy.h"
#include "kernel/vm_boot.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "platform/board.h"
#include "platform/console.h"
#include "platform/fdt.h"
#include "platform/memlayout.h"
#include "platform/quirks.h"
#include "platform/sbi.h"

#define KERNEL_NAME "calf"
#define BOOT_TICKS 3   /* ticks the boot self-check waits for */

extern char _kernel_start[], _kernel_end[], boot_stack_top[];

static struct board board;
static struct quirks quirks;
static struct board_range ram[32];   /* what the direct map covers */

void kmain(unsigned long hartid, uint64_t dtb_pa, uint64_t kernel_pa);

/* A machine we cannot run on: say why on whatever console exists (the
 * SBI console here), then power off with a failure status. */
static void __attribute__((noreturn)) boot_fail(const char *what, const char *detail)
{
	kprintf("boot: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	kprintf("boot: cannot continue, powering off\n");
	sbi_shutdown(1);
}

static void read_device_tree(uint64_t dtb_pa, uint64_t kernel_pa)
{
	/* The boot map covers BOOT_DMAP_GIGS GiB from the image's gigapage. */
	uint64_t map_lo = kernel_pa & ~((1ul << 30) - 1);
	uint64_t map_hi = map_lo + ((uint64_t)BOOT_DMAP_GIGS << 30);
	static char why[96];

	if (dtb_pa < map_lo || dtb_pa >= map_hi - 64 || (dtb_pa & 3)) {
		fmt_snprintf(why, sizeof(why), "device tree address 0x%lx is not usable", dtb_pa);
		boot_fail(why, 0);
	}
	uint64_t limit = map_hi - dtb_pa;
	if (limit > (1ul << 24))
		limit = 1ul << 24;   /* no device tree is 16 MiB */
	int err = board_from_fdt(phys_to_virt(dtb_pa), limit, &board);
	if (err)
		boot_fail("the device tree is malformed", fdt_strerror(err));
	if (board.nmem == 0)
		boot_fail("the device tree has no memory node", 0);
	if (board.uart.kind == BOARD_UART_NONE)
		boot_fail("the device tree names no usable UART (ns16550a or sifive,uart0)", 0);
	if (board.nharts_usable == 0)
		boot_fail("the device tree has no hart with Sv39 paging", 0);
}

/*
 * The kernel's options on its command line (/chosen/bootargs), read with
 * lib/cmdline.h; the VM server reads init= and the words after "--"
 * (vm/cmdline.h):
 *   stop-after-boot  power off once the kernel's own boot is complete,
 *                    before user space starts (used by tests)
 *   asid-bits=N      use at most N ASID bits (0-16): tests force ASID
 *                    generation roll-overs with a small N
 *   crash=KIND       fault on purpose after the banner, to show (and
 *                    test) the panic report and the kernel's W^X
 *                    mappings: load (read address 0), store-text (write
 *                    to kernel text), exec-data (jump into kernel data)
 */

/* crash=KIND: fault on purpose. */
static void crash_on_request(void)
{
	static uint64_t data_word = 0x00100073;   /* an ebreak, in data */
	char kind[16];

	if (!cmdline_value(board.bootargs, "crash", kind, sizeof(kind)))
		return;
	kprintf("crash: %s, on request\n", kind);
	if (strcmp(kind, "load") == 0)
		(void)*(volatile uint64_t *)0;                  /* user half: unmapped */
	else if (strcmp(kind, "store-text") == 0)
		*(volatile uint32_t *)(void *)kmain = 0;        /* text is R-X */
	else if (strcmp(kind, "exec-data") == 0)
		((void (*)(void))(void *)&data_word)();         /* data is RW- */
	panic("crash=%s did not fault", kind);
}

static void print_banner(unsigned long hartid, uint64_t free_frames)
{
	uint64_t ram = phys_ranges_total(board.mem, board.nmem);

	kprintf("\n%s: RISC-V Sv39 microkernel, booted on hart %lu\n", KERNEL_NAME, hartid);
	kprintf("  board    %s\n", board.model);
	kprintf("  harts    %d usable (%d in the device tree)\n", board.nharts_usable,
		board.nharts);
	kprintf("  RAM      %lu MiB at 0x%lx\n", ram >> 20, board.mem[0].base);
	kprintf("  console  %s at 0x%lx\n", console_name(), board.uart.base);
	kprintf("  firmware %s %ld.%ld, SBI %ld.%ld\n", sbi_impl_name(sbi_impl_id()),
		sbi_impl_version() >> 16, sbi_impl_version() & 0xffff,
		(sbi_spec_version() >> 24) & 0x7f, sbi_spec_version() & 0xffffff);
	kprintf("  timebase %lu Hz, tick %d Hz\n", board.timebase_hz, TIMER_HZ);
	kprintf("  frames   %lu free (%lu MiB)\n", free_frames, free_frames >> 8);
	kprintf("  paging   Sv39, %u ASID bits\n", asid_bits());
	/* Which build this is (docs/architecture.md, "Fast paths"). */
	if (CALF_FASTPATH)
		kprintf("  fastpath on: IPC and page faults take their shortcuts\n");
	else
		kprintf("  fastpath off: every IPC and page fault takes the reference path\n");
	if (quirks.names[0])
		kprintf("  quirks   %s\n", quirks.names);
	if (board.bootargs[0])
		kprintf("  cmdline  %s\n", board.bootargs);
}

void kmain(unsigned long hartid, uint64_t dtb_pa, uint64_t kernel_pa)
{
	struct board_range excl[BOARD_MAX_RESERVED + 2];
	struct board_range free[32];
	uint64_t image_size = (uint64_t)(_kernel_end - _kernel_start);
	int nfree, nram, nexcl = 0, err;

	trap_init();
	sbi_probe_all();
	if (hartid >= MAX_HARTS)   /* cpus[hartid], from the first tick on */
		boot_fail("the boot hart's id is too large for this kernel", 0);
	read_device_tree(dtb_pa, kernel_pa);

	/* RAM for the direct map: what the device tree lists, minus what
	 * firmware reserved, minus the image (no writable alias of text). */
	for (int i = 0; i < board.nreserved; i++)
		excl[nexcl++] = board.reserved[i];
	excl[nexcl++] = (struct board_range){ kernel_pa, image_size };
	nram = phys_ranges_subtract(board.mem, board.nmem, excl, nexcl, PAGE_SIZE, ram, 32);
	/* Free frames: the direct map minus the DTB, which stays readable. */
	excl[nexcl++] = (struct board_range){ dtb_pa, board.dtb_size };
	nfree = phys_ranges_subtract(board.mem, board.nmem, excl, nexcl, PAGE_SIZE, free, 32);
	if (nram < 0 || nfree < 0)
		boot_fail("too many memory and reserved ranges in the device tree", 0);
	frame_init(free, nfree);

	err = kmap_init(&board, ram, nram, kernel_pa);
	if (err)
		panic("cannot build the kernel page table: %s", sv39_strerror(err));
	if (console_use_uart(&board) != 0)
		boot_fail("no driver for the UART", 0);
	usercopy_set_ram(ram, nram);
	unsigned long asid_limit = 16;
	cmdline_uint(board.bootargs, "asid-bits", &asid_limit);
	asid_init((unsigned)asid_limit);
	quirks_from_board(&board, &quirks);
	tlb_flush_by_address_broken = quirks.sfence_vma_addr_broken;

	print_banner(hartid, frame_free_count());

	timer_init(board.timebase_hz);
	intr_on();

	/* Boot self-check: the timer interrupt arrives and is handled. */
	while (timer_ticks() < BOOT_TICKS)
		wfi();
	kprintf("timer: %d ticks received\n", BOOT_TICKS);
	crash_on_request();

	if (cmdline_has(board.bootargs, "stop-after-boot")) {
		kprintf("poweroff: boot complete\n");
		sbi_shutdown(0);
	}

	/* Into user space: the VM server first; it starts everything else.
	 * From here on the kernel runs under the big lock (lock.h); the other
	 * harts start, and wait for it until this one enters user mode. */
	intr_off();
	kernel_lock();
	cpus[hartid].hartid = hartid;
	cpus[hartid].mask = 1ul << hartid;
	cpus[hartid].kstack_top = (uint64_t)boot_stack_top;
	console_input_init(&board, hartid);
	vm_boot(&board, kernel_pa);
	smp_start(&board, kernel_pa);
	struct user_context *next = sched_next_context();
	user_return(next ? next : sched_idle());
}
