/*
 * panic.c - print the state of the machine and power off.
 *
 * Layer: kernel/. It needs nothing but the console and SBI, so it works
 * as early as the console does (the SBI console before the UART is up).
 */
#include <stdarg.h>

#include "kernel/panic.h"
#include "kernel/power.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static int panicking;

static void enter_panic(void)
{
	intr_off();
	if (panicking++) {
		/* A panic while printing a panic: say nothing more. */
		power_off(1);
	}
}

static void print_cause(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	kprintf("  scause 0x%016lx (%s)\n", scause, scause_name(scause));
	kprintf("  sepc   0x%016lx\n", sepc);
	kprintf("  stval  0x%016lx\n", stval);
}

static void finish(void) __attribute__((noreturn));
static void finish(void)
{
	kprintf("kernel panic: powering off\n");
	power_off(1);
}

void panic_frame(const struct trap_frame *tf, const char *why)
{
	enter_panic();
	kprintf("\npanic: %s on hart %lu\n", why, tf->regs[4]);  /* tp = hart id */
	print_cause(tf->scause, tf->sepc, tf->stval);
	kprintf("  sstatus 0x%016lx (from %s mode)\n", tf->sstatus,
		(tf->sstatus & SSTATUS_SPP) ? "S" : "U");
	for (int i = 1; i < 32; i++) {
		kprintf("  %-4s 0x%016lx%s", reg_names[i], tf->regs[i],
			(i % 3 == 0) ? "\n" : "");
	}
	kprintf("\n");
	finish();
}

void panic(const char *fmt, ...)
{
	uint64_t ra, sp;
	va_list ap;

	__asm__ volatile("mv %0, ra" : "=r"(ra));
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	enter_panic();
	kprintf("\npanic on hart %lu: ", cpu_hartid());
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n  (not a trap; the last trap's CSRs follow)\n");
	print_cause(csr_read(scause), csr_read(sepc), csr_read(stval));
	kprintf("  ra   0x%016lx  sp   0x%016lx\n", ra, sp);
	finish();
}
