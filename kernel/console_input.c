/*
 * console_input.c - the console as user programs see it (see
 * console_input.h).
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
 *
 * Nothing here is on the system-call or IPC fast paths: the interrupt
 * character is looked for only when the UART is drained, and the
 * bookkeeping of output only in SYS_CONSOLE_WRITE.
 */
#include "kernel/aspace.h"
#include "kernel/console_input.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/usercopy.h"
#include "kernel/vm_boot.h"
#include "platform/console.h"
#include "platform/memlayout.h"
#include "platform/plic.h"

#define RING_SIZE 1024           /* a power of two; four lines of the shell */
#define READ_MAX 1024

static char ring[RING_SIZE];
static unsigned head, tail;      /* bytes in [tail, head) */
static struct thread_queue readers;
static int plic_ctx = -1;
static uint32_t uart_irq;
static bool polling;             /* input by polling from the idle loop */
static uint64_t byte_seen_at;    /* `time` when a byte was first seen waiting, 0 if none */

/* Output (console_user_write): the address space of the last
 * SYS_CONSOLE_WRITE, and whether it left its line unfinished (its last
 * byte was not a newline). The reader: the address space that last
 * called SYS_CONSOLE_READ (there is one in practice, the shell), and
 * whether others wrote since it was last told so. Kept here,
 * not in struct thread, so that creating a thread costs nothing more. */
static uint64_t last_writer;
static bool line_open;
static uint64_t reader;
static bool reader_behind;

/* The message that tells the VM server of the interrupt character. An
 * interrupt handler has no thread to send it from, and cannot block:
 * this thread object never runs, and ipc_send_from_kernel queues it on
 * the VM server's endpoint when the server is busy (ipc.h). */
static struct thread intr_sender;

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

/* Ctrl-C while nobody waits to read: the program in the foreground, if
 * there is one, is not listening. Drop what was typed ahead (as a
 * terminal does: it was meant for the program being interrupted) and
 * tell the VM server, which knows which program that is. The character
 * itself still goes into the input: if no program was running (the
 * shell was busy between two reads), the shell's editor gets it. */
static void interrupt(void)
{
	const uint64_t msg[CALF_MSG_WORDS] = { [0] = CALF_LABEL_CONSOLE_INTR };

	tail = head;
	if (vm_endpoint)
		ipc_send_from_kernel(&intr_sender, vm_endpoint, msg);
}

/* Move every byte the UART holds into the ring. What does not fit is
 * dropped (nobody reads fast enough), and the newest byte kept becomes
 * CONSOLE_LOST_CHAR, so that a reader knows where input went missing:
 * a line with a hole in it must not be taken for the line typed. */
static void drain_uart(void)
{
	int c;
	while ((c = console_getc()) >= 0) {
		if (c == CONSOLE_INTR_CHAR && !polling && tq_empty(&readers))
			interrupt();
		if (head - tail < RING_SIZE)
			ring[head++ % RING_SIZE] = (char)c;
		else
			ring[(head - 1) % RING_SIZE] = (char)CONSOLE_LOST_CHAR;
	}
}

/* Every waiting reader runs its SYS_CONSOLE_READ again. */
static void wake_readers(void)
{
	struct thread *t;

	while ((t = tq_pop(&readers)))
		sched_make_runnable(t);
}

void console_input_irq(void)
{
	uint32_t irq;

	while ((irq = plic_claim(plic_ctx)) != 0) {
		if (irq == uart_irq)
			drain_uart();
		plic_complete(plic_ctx, irq);
	}
	if (head != tail)
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
		if (head != tail)
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
	if (head != tail)
		wake_readers();
}

void console_user_write(struct thread *t, const char *buf, unsigned long len)
{
	if (len == 0)
		return;
	/* Another program's unfinished line (a prompt, a line being typed)
	 * is not run on into: this output starts below it. (Nor by the
	 * kernel's own messages: console_end_user_line.) */
	if (line_open && last_writer != t->as->id)
		console_putc('\n');
	console_write(buf, len);
	line_open = buf[len - 1] != '\n';
	last_writer = t->as->id;
	/* A reader waiting with a line on the screen must draw it again. */
	if (t->as->id != reader)
		reader_behind = true;
	wake_readers();
}

void console_end_user_line(void)
{
	if (line_open)
		console_putc('\n');
	line_open = false;
}

long sys_console_read(struct thread *t)
{
	char buf[READ_MAX];
	uint64_t dst = t->ctx.regs[REG_A0], len = t->ctx.regs[REG_A1];
	struct usercopy_fault f;
	unsigned n = 0;

	/* Nothing asked, nothing to check: 0 whatever dst is, as read(2)
	 * with a zero count returns 0. */
	if (len == 0)
		return 0;
	if (len > READ_MAX)
		len = READ_MAX;
	/* Make sure the buffer can take the bytes before taking them from
	 * the ring: a restarted call must not lose input. */
	int err = user_probe_write(t, dst, len, &f);
	if (err)
		return usercopy_fail(t, err, &f);
	if (t->as->id != reader) {
		reader = t->as->id;        /* a new reader: nothing to tell it */
		reader_behind = false;
	} else if (reader_behind) {
		/* Others wrote since this reader last did: say so once. */
		reader_behind = false;
		return -CALF_EINTR;
	}
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
	unsigned next = tail;

	while (n < len && next != head)
		buf[n++] = ring[next++ % RING_SIZE];
	/* The probe above can be out of date: the VM server, on another
	 * hart, may unmap the buffer meanwhile. Then nothing is taken from
	 * the ring, and the call runs again once the pager has answered. */
	err = copy_to_user(t, dst, buf, n, &f);
	if (err)
		return usercopy_fail(t, err, &f);
	tail = next;
	return (long)n;
}
