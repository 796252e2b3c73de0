/*
 * console_input.c - the console's receive side (see console_input.h).
 *
 * Layer: kernel/.
 */
#include "kernel/console_input.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
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

void console_input_init(const struct board *b, unsigned long hartid)
{
	for (int i = 0; i < b->nharts; i++)
		if (b->harts[i].hartid == hartid)
			plic_ctx = b->harts[i].plic_s_context;
	if (!b->plic.present || plic_ctx < 0 || b->uart.irq == 0) {
		plic_ctx = -1;
		return;
	}
	uart_irq = b->uart.irq;
	plic_init(phys_to_virt(b->plic.base), b->plic.ndev);
	plic_enable(plic_ctx, uart_irq);
	console_rx_irq_enable();
	csr_set(sie, SIE_SEIE);
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
	if (head == tail)
		return;
	/* Wake every reader: each runs its SYS_CONSOLE_READ again. */
	struct thread *t;
	while ((t = tq_pop(&readers)))
		sched_make_runnable(t);
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
	if (plic_ctx < 0)
		drain_uart();              /* no interrupts: poll */
	if (head == tail) {
		if (plic_ctx < 0)
			return 0;
		/* Sleep; run this call again when input arrives. */
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
