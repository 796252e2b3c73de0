/*
 * lottery_test.c - lottery-test=join|park (see lottery_test.h).
 *
 * Layer: kernel/.
 */
#include "kernel/lottery_test.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "platform/boot.h"
#include "platform/lottery.h"
#include "platform/memlayout.h"
#include "platform/sbi.h"

/* The ticks a joined hart must take to count as one of the kernel's. */
#define JOINED_TICKS 10

extern char _start[];

int lottery_test_pending;
static enum { OFF, HELD, SEND, WATCH } step;
static uint64_t hart;             /* the hart sent to the image entry */
static int join;                  /* its gate is open */
static uint64_t image_entry_pa;   /* _start, where firmware enters */
static uint64_t deadline;         /* `time`: when to send it, then to give up */

static uint64_t ms_to_time(uint64_t ms)
{
	return timer_timebase() * ms / 1000;
}

uint64_t lottery_test_setup(const struct board *b, uint64_t candidates)
{
	char mode[8];

	if (!cmdline_value(b->bootargs, "lottery-test", mode, sizeof(mode)))
		return 0;
	join = strcmp(mode, "join") == 0;
	if (!join && strcmp(mode, "park") != 0) {
		kprintf("lottery-test: '%s' is neither join nor park: ignored\n", mode);
		return 0;
	}
	if (candidates == 0) {
		kprintf("lottery-test: no other hart to send to the image entry\n");
		return 0;
	}
	hart = 63 - (uint64_t)__builtin_clzl(candidates);
	step = HELD;
	return 1ul << hart;
}

uint64_t lottery_test_start(uint64_t kernel_pa)
{
	if (step != HELD)
		return 0;
	image_entry_pa = kernel_pa + ((uint64_t)_start - KERNEL_VMA);
	deadline = rdtime() + ms_to_time(LOTTERY_TEST_DELAY_MS);
	step = SEND;
	lottery_test_pending = 1;
	kprintf("lottery-test: hart %lu held back; in %d ms it goes to the image entry, to %s\n",
		hart, LOTTERY_TEST_DELAY_MS, join ? "join" : "park");
	return join ? 0 : 1ul << hart;
}

static void done(void)
{
	lottery_test_pending = 0;
	step = OFF;
}

void lottery_test_tick_slow(void)
{
	uint64_t now = rdtime(), bit = 1ul << hart;

	if (step == SEND) {
		if (now < deadline)
			return;
		/* What a firmware that raced does: the image entry, hart id
		 * in a0, the device tree in a1. */
		long err = sbi_hart_start(hart, image_entry_pa, boot_dtb_pa);
		kprintf("lottery-test: hart %lu sent to the image entry 0x%lx, a1 = 0x%lx "
			"(the device tree)\n", hart, image_entry_pa, boot_dtb_pa);
		if (err) {
			kprintf("lottery-test: hart_start failed (SBI error %ld)\n", err);
			done();
			return;
		}
		deadline = now + ms_to_time(LOTTERY_TEST_WATCH_MS);
		step = WATCH;
		return;
	}
	if (join && (smp_online_mask & bit) && cpus[hart].ticks >= JOINED_TICKS) {
		kprintf("lottery-test: hart %lu runs as a secondary: online, %lu ticks\n", hart,
			cpus[hart].ticks);
		done();
	} else if (!join && (__atomic_load_n(&boot_late_harts, __ATOMIC_ACQUIRE) & bit)) {
		kprintf("lottery-test: hart %lu waits at the image entry: parked\n", hart);
		done();
	} else if (now > deadline) {
		kprintf("lottery-test: hart %lu did not %s within %d ms\n", hart,
			join ? "join" : "park", LOTTERY_TEST_WATCH_MS);
		done();
	}
}
