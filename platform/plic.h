/*
 * plic.h - the RISC-V Platform-Level Interrupt Controller.
 *
 * Layer: platform/. Routes device interrupts (the UART's) to a hart's
 * S-mode external interrupt. The S-mode context of each hart comes from
 * the device tree (struct board_hart.plic_s_context): it is 2h+1 on QEMU
 * virt but 2h on the FU540's U54 harts, so it must never be computed.
 * Register layout: RISC-V PLIC specification v1.0.0, chapter 3.
 */
#ifndef PLATFORM_PLIC_H
#define PLATFORM_PLIC_H

#include <stdint.h>

void plic_init(volatile uint8_t *base, uint32_t ndev);
/* Let irq reach context ctx (priority 1, context threshold 0). */
void plic_enable(int ctx, uint32_t irq);
/* The highest pending irq for ctx, 0 if none; it stays claimed until
 * plic_complete. */
uint32_t plic_claim(int ctx);
void plic_complete(int ctx, uint32_t irq);

#endif
