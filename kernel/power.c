/*
 * power.c - switching the machine off, or parking it (see power.h).
 *
 * Layer: kernel/.
 */
#include "kernel/lock.h"
#include "kernel/power.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/smp.h"
#include "platform/sbi.h"

volatile bool power_parking;

void power_park_here(void)
{
	intr_off();
	csr_write(sie, 0);
	kernel_unlock();
	for (;;)
		wfi();
}

void power_off(int failure)
{
	long err = sbi_system_shutdown(failure);

	/* Still here: the firmware refused. Say so while the console
	 * works, then stop the other harts (those running threads take
	 * the IPI at their next interrupt window and park) and this one. */
	intr_off();
	kprintf("poweroff: the firmware cannot switch this machine off (SBI error %ld)\n", err);
	kprintf("poweroff: it is safe to switch it off now; every hart is parked\n");
	power_parking = true;
	uint64_t others = smp_online_mask & ~(1ul << cpu_hartid());
	if (others)
		sbi_send_ipi(others);
	power_park_here();
}
