/*
 * usercopy.c - checked copies between the kernel and user memory.
 *
 * Layer: kernel/. See usercopy.h for the rules.
 */
#include "calf/abi.h"
#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/riscv.h"
#include "kernel/usercopy.h"
#include "lib/string.h"
#include "platform/board.h"
#include "platform/memlayout.h"
#include "sv39/sv39.h"

static const struct board_range *ram;
static int nram;

void usercopy_set_ram(const void *ranges, int n)
{
	ram = ranges;
	nram = n;
}

static bool in_direct_map(uint64_t pa)
{
	for (int i = 0; i < nram; i++)
		if (pa >= ram[i].base && pa - ram[i].base < ram[i].size)
			return true;
	return false;
}

/* Kernel address of user va for one access, or an error. */
static int user_page(struct thread *t, uint64_t va, bool write, uint8_t **kva,
		     struct usercopy_fault *f)
{
	sv39_pte_t pte;
	int level;

	if (sv39_lookup(&t->as->space, va, &pte, &level) != SV39_OK)
		goto need_page;
	if (!(pte & SV39_PTE_U))
		return -CALF_EFAULT;
	if (write ? !(pte & SV39_PTE_W) : !(pte & SV39_PTE_R))
		goto need_page;
	uint64_t pa = sv39_pte_pa(pte) + (va & (sv39_level_size(level) - 1));
	if (!in_direct_map(pa))
		return -CALF_EFAULT;
	*kva = phys_to_virt(pa);
	return 0;
need_page:
	f->addr = va;
	f->write = write;
	return USERCOPY_NEED_PAGE;
}

static bool range_ok(uint64_t va, size_t len)
{
	/* Lower half only; no wrap; no huge lengths. */
	return va < SV39_USER_TOP && len <= SV39_USER_TOP - va;
}

int copy_from_user(struct thread *t, void *dst, uint64_t src, size_t len,
		   struct usercopy_fault *f)
{
	uint8_t *d = dst;

	if (!range_ok(src, len))
		return -CALF_EFAULT;
	while (len) {
		uint8_t *k;
		size_t chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		int err = user_page(t, src, false, &k, f);
		if (err)
			return err;
		memcpy(d, k, chunk);
		d += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

int user_probe_write(struct thread *t, uint64_t dst, size_t len,
		     struct usercopy_fault *f)
{
	if (!range_ok(dst, len))
		return -CALF_EFAULT;
	for (uint64_t va = dst & ~(uint64_t)(PAGE_SIZE - 1); va < dst + len; va += PAGE_SIZE) {
		uint8_t *k;
		int err = user_page(t, va < dst ? dst : va, true, &k, f);
		if (err)
			return err;
	}
	return 0;
}

int copy_to_user(struct thread *t, uint64_t dst, const void *src, size_t len,
		 struct usercopy_fault *f)
{
	const uint8_t *s = src;

	/* Check every page before writing any, so a restarted call does not
	 * see half its output. */
	int err = user_probe_write(t, dst, len, f);
	if (err)
		return err;
	while (len) {
		uint8_t *k;
		size_t chunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		/* Probed above, but the VM server may have unmapped the page
		 * since, on another hart (it edits page tables without the
		 * kernel's lock): what is written so far stays written. */
		err = user_page(t, dst, true, &k, f);
		if (err)
			return err;
		memcpy(k, s, chunk);
		s += chunk;
		dst += chunk;
		len -= chunk;
	}
	return 0;
}

long usercopy_fail(struct thread *t, int err, const struct usercopy_fault *f)
{
	if (err != USERCOPY_NEED_PAGE)
		return err;
	if (!t->pager)
		return -CALF_EFAULT;
	/* Ask the pager, as if the thread had faulted at its ecall. */
	uint64_t msg[CALF_MSG_WORDS] = {
		[CALF_FAULT_MR_LABEL] = CALF_LABEL_FAULT,
		[CALF_FAULT_MR_ADDR] = f->addr,
		[CALF_FAULT_MR_ACCESS] =
			(f->write ? CALF_FAULT_WRITE : CALF_FAULT_READ) | CALF_FAULT_KERNEL,
		[CALF_FAULT_MR_PC] = t->ctx.sepc - 4,
		[CALF_FAULT_MR_CAUSE] = f->write ? EXC_STORE_PAGE_FAULT : EXC_LOAD_PAGE_FAULT,
		[CALF_FAULT_MR_TID] = t->tid,
	};
	t->ctx.sepc -= 4;        /* back to the ecall: it runs again */
	ipc_call_kernel_msg(t, t->pager, t->pager_badge, msg, FAULT_KERNEL_COPY);
	return SYSCALL_DONE;
}
