/*
 * plic.c - PLIC register access (see plic.h).
 *
 * Layer: platform/. Offsets from the PLIC specification: priority of
 * source n at 4n; enable bits of context c at 0x2000 + 0x80c; threshold
 * of context c at 0x200000 + 0x1000c, claim/complete 4 bytes after it.
 */
#include "platform/plic.h"

static volatile uint8_t *plic;
static uint32_t sources;

static volatile uint32_t *reg(uint64_t off)
{
	return (volatile uint32_t *)(plic + off);
}

void plic_init(volatile uint8_t *base, uint32_t ndev)
{
	plic = base;
	sources = ndev;
}

void plic_enable(int ctx, uint32_t irq)
{
	if (!plic || ctx < 0 || irq == 0 || irq > sources)
		return;
	*reg(4ul * irq) = 1;
	*reg(0x2000ul + 0x80ul * (uint64_t)ctx + 4ul * (irq / 32)) |= 1u << (irq % 32);
	*reg(0x200000ul + 0x1000ul * (uint64_t)ctx) = 0;
}

uint32_t plic_claim(int ctx)
{
	if (!plic || ctx < 0)
		return 0;
	return *reg(0x200004ul + 0x1000ul * (uint64_t)ctx);
}

void plic_complete(int ctx, uint32_t irq)
{
	if (plic && ctx >= 0)
		*reg(0x200004ul + 0x1000ul * (uint64_t)ctx) = irq;
}
