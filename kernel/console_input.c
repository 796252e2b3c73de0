/*
 * console_input.c - the console's receive side (see console_input.h).
 *
 * Layer: kernel/. Input comes by interrupt when the device tree's UART
 * interrupt reaches this hart through the PLIC; otherwise by polling,
 * from the idle loop, which every tick wakes. Polling costs the tick
 * nothing: a hart with work to do does not poll, and input waits in the
 * UART's FIFO until one is idle (a reader blocked on the console means
 * its program waits for input anyway).
 *
 * Whether the interrupt works is learnt from the idle loop too: if a
 * byte has waited in the UART for two ticks while a reader sleeps, the
 * interrupt is not coming (the UART's PLIC source in the device tree is
 * not the one the hardware raises, as with the HiFive Unmatched's tree on
 * QEMU's FU540 model), and input switches to polling, saying so once.
 */
#include "kernel/console_input.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/usercopy.h"
#include "platform/console.h"
#include "platform/memlayout.h"
#include "platform/plic.h"

#define RING_SIZE 256            /* a power of two */
#define READ_MAX 1024

static char ring[RING_SIZE];
static unsigned head, tail;      /* bytes in [tail, head) */
static struct thread_queue readers;
static int plic_ctx = -1;
static uint32_t uart_irq;
static bool polling;             /* input by polling from the idle loop */
static uint64_t byte_seen_at;    /* `time` when a byte was first seen waiting, 0 if none */

void console_input_init(const struct board *b, unsigned long hartid)
{
	for (int i = 0; i < b->nharts; i++)
		if (b->harts[i].hartid == hartid)
			plic_ctx = b->harts[i].plic_s_context;
	if (!b->plic.present || plic_ctx < 0 || b->uart.irq == 0) {
		kprintf("console: no %s for the UART: input by polling on each idle tick\n",
			!b->plic.present ? "PLIC" : b->uart.irq == 0 ? "interrupt in the device tree" :
			"PLIC context on this hart");
		plic_ctx = -1;
		polling = true;
		return;
	}
	uart_irq = b->uart.irq;
	plic_init(phys_to_virt(b->plic.base), b->plic.ndev);
	plic_enable(plic_ctx, uart_irq);
	console_rx_irq_enable();
	csr_set(sie, SIE_SEIE);
}

/* Wake every reader if input waits: each runs its SYS_CONSOLE_READ again. */
static void wake_readers(void)
{
	struct thread *t;

	if (head == tail)
		return;
	while ((t = tq_pop(&readers)))
		sched_make_runnable(t);
}

/* Move every byte the UART holds into the ring (drop what does not fit:
 * nobody is reading fast enough). */
static void drain_uart(void)
{
	int c;
	while ((c = console_getc()) >= 0) {
		if (head - tail < RING_SIZE)
			ring[head++ % RING_SIZE] = (char)c;
	}
}

void console_input_irq(void)
{
	uint32_t irq;

	while ((irq = plic_claim(plic_ctx)) != 0) {
		if (irq == uart_irq)
			drain_uart();
		plic_complete(plic_ctx, irq);
	}
	wake_readers();
}

void console_input_idle(void)
{
	if (tq_empty(&readers)) {
		byte_seen_at = 0;
		return;
	}
	if (polling) {
		drain_uart();
		wake_readers();
		return;
	}
	/* Interrupts are expected: a byte left waiting for two ticks says
	 * they do not come. */
	if (!console_rx_ready()) {
		byte_seen_at = 0;
		return;
	}
	uint64_t now = rdtime();
	if (byte_seen_at == 0) {
		byte_seen_at = now;
		return;
	}
	if (now - byte_seen_at < 2 * timer_timebase() / TIMER_HZ)
		return;
	kprintf("\nconsole: no receive interrupt from the UART (PLIC source %u, as the device "
		"tree says) although a byte waited: input by polling on each idle tick from now on\n",
		uart_irq);
	polling = true;
	drain_uart();
	wake_readers();
}

long sys_console_read(struct thread *t)
{
	char buf[READ_MAX];
	uint64_t dst = t->ctx.regs[REG_A0], len = t->ctx.regs[REG_A1];
	struct usercopy_fault f;
	unsigned n = 0;

	if (len > READ_MAX)
		len = READ_MAX;
	/* Make sure the buffer can take the bytes before taking them from
	 * the ring: a restarted call must not lose input. */
	int err = user_probe_write(t, dst, len, &f);
	if (err)
		return usercopy_fail(t, err, &f);
	if (len == 0)
		return 0;
	if (polling)
		drain_uart();
	if (head == tail) {
		/* Sleep; run this call again when input arrives (by interrupt,
		 * or from the idle loop). */
		t->ctx.sepc -= 4;
		t->state = THREAD_BLOCKED_CONSOLE;
		tq_push(&readers, t);
		if (cpu_self()->current == t)
			cpu_self()->current = NULL;
		return SYSCALL_DONE;
	}
	while (n < len && tail != head)
		buf[n++] = ring[tail++ % RING_SIZE];
	copy_to_user(t, dst, buf, n, &f);   /* checked above: cannot fail */
	return (long)n;
}
