/*
 * main.c - kmain: from the boot entry to a running kernel.
 *
 * Layer: kernel/. entry.S calls kmain on the boot hart with paging on
 * (the boot map), a stack, and tp = hart id. The order matters:
 *   1. traps first, so any mistake after this point is a readable panic;
 *   2. read the device tree (boot_copy_dtb, platform/boot.c, copied it
 *      into the image) into struct board, or refuse the board (board_refusal),
 *      and send the other harts it lists to the image entry, where they
 *      wait until the kernel is ready for them (smp.c, platform/lottery.h);
 *   3. free memory = RAM minus kernel image, DTB and reserved regions;
 *   4. build the real kernel map and switch to it;
 *   5. only now the UART: its registers are mapped in step 4;
 *   6. banner, timer, and a self-check that ticks arrive (with a deadline);
 *   7. crash= and stop-after-boot;
 *   8. the big lock, the UART's interrupt, the VM server, the other harts.
 * Until step 5 the console is SBI's legacy console. The boot page table
 * maps the image only (platform/boot.c): nothing outside it is touched
 * before step 4.
 */
#include "kernel/aspace.h"
#include "kernel/console_input.h"
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/lock.h"
#include "kernel/panic.h"
#include "kernel/phys_ranges.h"
#include "kernel/power.h"
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
#include "platform/boot.h"
#include "platform/console.h"
#include "platform/fdt.h"
#include "platform/memlayout.h"
#include "platform/quirks.h"
#include "platform/sbi.h"

#define KERNEL_NAME "calf"
#define BOOT_TICKS 3   /* ticks the boot self-check waits for */
/* How long it waits for them, in seconds of the `time` CSR; and how
 * many reads of `time` may find it unchanged before it is taken to
 * stand still (a firmware with no timer may emulate it as 0). */
#define BOOT_TICK_DEADLINE_S 1
#define BOOT_TIME_STILL_LIMIT (1ul << 20)

extern char _kernel_start[], _kernel_end[], boot_stack_top[];

static struct board board;
static struct quirks quirks;
static struct board_range ram[32];   /* what the direct map covers */

void kmain(unsigned long hartid, uint64_t dtb_pa, uint64_t kernel_pa);

/* A machine we cannot run on: say why on the firmware's console (where
 * OpenSBI's own driver works, should ours not), then switch off, or
 * park if the firmware cannot (kernel/power.c): never reboot into the
 * same failure. */
static void __attribute__((noreturn)) boot_fail(const char *what, const char *detail)
{
	console_use_firmware();
	kprintf("boot: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	kprintf("boot: cannot continue, powering off\n");
	power_off(1);
}

static void read_device_tree(void)
{
	static char why[112];

	switch (boot_dtb_status) {
	case BOOT_DTB_OK:
		break;
	case BOOT_DTB_TOO_LARGE:
		fmt_snprintf(why, sizeof(why), "the device tree at 0x%lx has %lu bytes, more than the %u KiB the boot copies",
			     boot_dtb_pa, boot_dtb_size, BOOT_DTB_MAX / 1024);
		boot_fail(why, "raise BOOT_DTB_MAX in platform/boot.h");
	default:
		fmt_snprintf(why, sizeof(why), "no device tree at a1 = 0x%lx (%s)", boot_dtb_pa,
			     boot_dtb_status == BOOT_DTB_NO_ADDRESS ? "zero or not 8-byte aligned" :
			     boot_dtb_status == BOOT_DTB_NO_MAGIC ? "no FDT magic there" :
			     "header too short");
		boot_fail(why, 0);
	}
	int err = board_from_fdt(boot_dtb, boot_dtb_size, &board);
	if (err)
		boot_fail("the device tree is malformed", fdt_strerror(err));
	const char *detail, *refusal = board_refusal(&board, &detail);
	if (refusal)
		boot_fail(refusal, detail);
}

/* Boot self-check: timer interrupts come, each at its time. A firmware
 * without a timer device (OpenSBI given a device tree with no CLINT)
 * takes the requests and then either never interrupts or raises the
 * interrupt at once, every time (a storm in which the kernel would
 * never get past its handler). So the check runs with interrupts off,
 * watching sip.STIP and calling the tick by hand, with a deadline: it
 * says what is missing and stops, rather than hang or livelock. */
static void timer_self_check(void)
{
	uint64_t start = rdtime(), last = start, still = 0;
	uint64_t limit = board.timebase_hz * BOOT_TICK_DEADLINE_S;
	const char *why = 0;

	while (!why && timer_ticks() < BOOT_TICKS) {
		int pending = (csr_read(sip) & SIE_STIE) != 0;   /* STIP: bit 5 too */
		uint64_t now = rdtime();                        /* after sip: no race */

		if (pending && now < timer_next_deadline())
			why = "the timer interrupt is raised before its time";
		else if (pending)
			timer_tick();
		else if ((still = now == last ? still + 1 : 0) >= BOOT_TIME_STILL_LIMIT)
			why = "the time CSR stands still and no tick came";
		else if (now - start > limit)
			why = "no tick came within 1 s";
		last = now;
	}
	if (why) {
		kprintf("timer: %s (%d expected, one every %d ms)\n", why, BOOT_TICKS,
			1000 / TIMER_HZ);
		if (!sbi_probe(SBI_EXT_TIME))
			kprintf("timer: the firmware has no SBI TIME extension\n");
		if (!board.mtimer)
			kprintf("timer: the device tree has no CLINT or ACLINT timer node (riscv,clint0, "
				"sifive,clint0, riscv,aclint-mtimer), so the firmware has no timer to drive: "
				"its banner says \"Platform Timer Device : ---\"\n");
		else
			kprintf("timer: the firmware has a timer node but no working timer: check its "
				"banner's \"Platform Timer Device\" and MIDELEG (bit 5)\n");
		boot_fail("no timer interrupt", "the kernel cannot schedule without one");
	}
	kprintf("timer: %d ticks received\n", BOOT_TICKS);
}

/*
 * The kernel's options on its command line (/chosen/bootargs), read with
 * lib/cmdline.h; the VM server reads init= and the words after "--"
 * (vm/cmdline.h):
 *   stop-after-boot  power off once the kernel's own boot is complete,
 *                    before user space starts (used by tests)
 *   asid-bits=N      use at most N ASID bits (0-16): tests force ASID
 *                    generation roll-overs with a small N
 *   mem=SIZE         use at most SIZE bytes of RAM (N, NK, NM or NG), in
 *                    the order the device tree lists it, as Linux's mem=
 *                    does: tests run the memory-hungry suites on a
 *                    board's real tree without QEMU touching 16 GiB
 *   crash=KIND       fault on purpose after the banner, to show (and
 *                    test) the panic report and the kernel's W^X
 *                    mappings: load (read address 0), store-text (write
 *                    to kernel text), exec-data (jump into kernel data)
 *   lottery-test=M   send a hart to the image entry while the system
 *                    runs, as a firmware that raced would; M = join (it
 *                    must come in as a secondary) or park (it must wait
 *                    there): tests the boot lottery (kernel/lottery_test.h)
 */

/* crash=KIND: fault on purpose. */
static void crash_on_request(void)
{
	static uint64_t data_word = 0x00100073;   /* an ebreak, in data */
	char kind[16];

	if (!cmdline_value(board.bootargs, "crash", kind, sizeof(kind)))
		return;
	bool load = strcmp(kind, "load") == 0, store_text = strcmp(kind, "store-text") == 0,
	     exec_data = strcmp(kind, "exec-data") == 0;

	if (!load && !store_text && !exec_data) {
		kprintf("crash: unknown kind \"%s\" (load, store-text or exec-data): no crash\n",
			kind);
		return;
	}
	kprintf("crash: %s, on request\n", kind);
	if (load)
		(void)*(volatile uint64_t *)0;                  /* user half: unmapped */
	else if (store_text)
		*(volatile uint32_t *)(void *)kmain = 0;        /* text is R-X */
	else
		((void (*)(void))(void *)&data_word)();         /* data is RW- */
	panic("crash=%s did not fault", kind);
}

static uint64_t ram_listed;   /* bytes of RAM the device tree lists */

/* mem=SIZE: cut board.mem down to SIZE bytes. */
static void limit_memory(void)
{
	char v[24];
	uint64_t size = 0, left;
	int i = 0;

	ram_listed = phys_ranges_total(board.mem, board.nmem);
	if (!cmdline_value(board.bootargs, "mem", v, sizeof(v)))
		return;
	for (; v[i] >= '0' && v[i] <= '9' && size < (1ul << 50); i++)
		size = size * 10 + (uint64_t)(v[i] - '0');
	if (v[i] == 'K' || v[i] == 'M' || v[i] == 'G')
		size <<= v[i] == 'K' ? 10 : v[i] == 'M' ? 20 : 30, i++;
	if (i == 0 || v[i] != '\0' || size < (16ul << 20)) {
		kprintf("boot: mem=%s is not a size of 16M or more (N, NK, NM or NG): ignored\n", v);
		return;
	}
	left = size;
	for (i = 0; i < board.nmem; i++) {
		if (board.mem[i].size > left)
			board.mem[i].size = left;
		left -= board.mem[i].size;
	}
}

static void print_banner(unsigned long hartid, uint64_t free_frames)
{
	uint64_t ram = phys_ranges_total(board.mem, board.nmem);

	kprintf("\n%s: RISC-V Sv39 microkernel, booted on hart %lu\n", KERNEL_NAME, hartid);
	kprintf("  board    %s\n", board.model);
	/* What the tree has, and what the kernel runs on when that is less
	 * (ids at or above MAX_HARTS, or beyond the cpu nodes it lists). */
	int taken = __builtin_popcountl(smp_harts_taken(&board));
	kprintf("  harts    %d usable (%d in the device tree", board.nharts_usable_in_tree,
		board.nharts_in_tree);
	if (taken < board.nharts_usable_in_tree)
		kprintf("; the kernel takes %d", taken);
	kprintf(")\n");
	kprintf("  RAM      %lu MiB at 0x%lx", ram_listed >> 20, board.mem[0].base);
	if (board.nmem > 1)
		kprintf(" in %d ranges", board.nmem);
	if (ram < ram_listed)
		kprintf(", %lu MiB used (mem=)", ram >> 20);
	kprintf("\n");
	kprintf("  console  %s at 0x%lx", board.uart.compatible, board.uart.base);
	if (board.uart.reg_shift || board.uart.reg_io_width != 1)
		kprintf(", reg-shift %u, reg-io-width %u", board.uart.reg_shift,
			board.uart.reg_io_width);
	kprintf(" (%s driver)\n", console_name());
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
	struct board_range excl[BOARD_MAX_RESERVED + 4];
	struct board_range free[32];
	uint64_t image_size = (uint64_t)(_kernel_end - _kernel_start);
	int nfree, nram, nexcl = 0, err;

	trap_init();
	sbi_probe_all();
	if (hartid >= MAX_HARTS)   /* cpus[hartid], from the first tick on */
		boot_fail("the boot hart's id is too large for this kernel", 0);
	read_device_tree();
	limit_memory();
	/* The other harts wait at the image entry from now on, asleep,
	 * until smp_start lets them in (platform/lottery.h). */
	smp_gather(&board, kernel_pa, dtb_pa);

	/* RAM for the direct map: what the device tree lists, minus what
	 * firmware reserved, minus the image (no writable alias of text)
	 * but for the pool that holds the kernel's page tables (kmap.c). */
	uint64_t pool_off = (uint64_t)kmap_pool - (uint64_t)_kernel_start;
	uint64_t pool_end = pool_off + sizeof(kmap_pool);
	for (int i = 0; i < board.nreserved; i++)
		excl[nexcl++] = board.reserved[i];
	excl[nexcl++] = (struct board_range){ kernel_pa, pool_off };
	excl[nexcl++] = (struct board_range){ kernel_pa + pool_end, image_size - pool_end };
	nram = phys_ranges_subtract(board.mem, board.nmem, excl, nexcl, PAGE_SIZE, ram, 32);
	/* Free frames: the direct map minus the pool and the DTB, which is
	 * left as the firmware passed it (as Linux leaves its own). */
	excl[nexcl++] = (struct board_range){ kernel_pa + pool_off, sizeof(kmap_pool) };
	excl[nexcl++] = (struct board_range){ dtb_pa, board.dtb_size };
	nfree = phys_ranges_subtract(board.mem, board.nmem, excl, nexcl, PAGE_SIZE, free, 32);
	if (nram < 0 || nfree < 0)
		boot_fail("too many memory and reserved ranges in the device tree", 0);
	frame_init(free, nfree);

	err = kmap_init(&board, ram, nram, kernel_pa);
	if (err == SV39_ENOMEM)
		boot_fail("the kernel page table needs more tables than kmap_pool holds",
			  "raise KMAP_POOL_TABLES in kernel/kmap.h");
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
	timer_self_check();
	intr_on();
	crash_on_request();

	if (cmdline_has(board.bootargs, "stop-after-boot")) {
		kprintf("poweroff: boot complete\n");
		power_off(0);
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
