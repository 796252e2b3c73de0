/*
 * vm_boot.c - load the VM server and hand it the machine's memory.
 *
 * Layer: kernel/. See vm_boot.h.
 */
#include "kernel/aspace.h"
#include "kernel/endpoint.h"
#include "kernel/frame.h"
#include "kernel/kmap.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/vm_boot.h"
#include "lib/archive.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "platform/memlayout.h"

extern const char boot_archive[], boot_archive_end[];

struct calf_bootinfo boot_info;

static void map_or_panic(struct aspace *as, uint64_t va, uint64_t pa,
			 uint64_t size, uint64_t flags, const char *what)
{
	int err = sv39_map_range(&as->space, va, pa, size, flags | SV39_PTE_U);
	if (err)
		panic("vm_boot: cannot map the VM server's %s: %s", what, sv39_strerror(err));
}

static uint64_t frame_or_panic(void)
{
	uint64_t pa = frame_alloc();
	if (!pa)
		panic("vm_boot: out of memory loading the VM server");
	return pa;
}

/* Copy one PT_LOAD segment into fresh frames and map them. */
static void load_segment(struct aspace *as, const uint8_t *file, const struct elf_segment *s)
{
	uint64_t flags = 0;
	uint64_t lo = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);

	if (s->flags & ELF_PF_R) flags |= SV39_PTE_R;
	if (s->flags & ELF_PF_W) flags |= SV39_PTE_W | SV39_PTE_R;
	if (s->flags & ELF_PF_X) flags |= SV39_PTE_X;
	for (uint64_t va = lo; va < s->vaddr + s->memsz; va += PAGE_SIZE) {
		uint64_t pa = frame_or_panic();       /* zeroed */
		uint8_t *page = phys_to_virt(pa);
		/* The file bytes that fall into [va, va + PAGE_SIZE). */
		uint64_t from = va > s->vaddr ? va : s->vaddr;
		uint64_t to = va + PAGE_SIZE;
		if (to > s->vaddr + s->filesz)
			to = s->vaddr + s->filesz;
		if (from < to)
			memcpy(page + (from - va), file + s->offset + (from - s->vaddr), to - from);
		map_or_panic(as, va, pa, PAGE_SIZE, flags, "program");
	}
}

struct endpoint *vm_endpoint;

void vm_boot(const struct board *b, uint64_t kernel_pa)
{
	uint64_t archive_size = (uint64_t)(boot_archive_end - boot_archive);
	struct archive_entry e;
	struct elf_info elf;

	if (archive_find(boot_archive, archive_size, "vmserver", &e) != 0)
		panic("vm_boot: the boot archive has no \"vmserver\"");
	if (elf_parse(e.data, e.size, &elf) != 0)
		panic("vm_boot: \"vmserver\" is not a valid RISC-V ELF executable");

	struct aspace *as = aspace_create(frame_or_panic());
	if (!as)
		panic("vm_boot: no address space");
	for (int i = 0; i < elf.nsegments; i++) {
		const struct elf_segment *s = &elf.seg[i];

		/* Where vm/vm.ld links it, clear of every user program. */
		if (s->vaddr < VMS_IMAGE_VA || s->vaddr > VMS_IMAGE_END ||
		    s->memsz > VMS_IMAGE_END - s->vaddr)
			panic("vm_boot: a \"vmserver\" segment at 0x%lx is outside "
			      "0x%lx-0x%lx (vm/vm.ld)", s->vaddr, VMS_IMAGE_VA, VMS_IMAGE_END);
		load_segment(as, e.data, s);
	}
	/* The program's text was written through the data side. */
	__asm__ volatile("fence.i" ::: "memory");

	for (int i = 1; i <= VMS_STACK_PAGES; i++)
		map_or_panic(as, VMS_STACK_TOP - (uint64_t)i * PAGE_SIZE, frame_or_panic(),
			     PAGE_SIZE, SV39_PTE_R | SV39_PTE_W, "stack");

	/* The archive lies in the kernel image's rodata, page aligned. */
	uint64_t archive_pa = kernel_pa + ((uint64_t)boot_archive - KERNEL_VMA);
	map_or_panic(as, VMS_ARCHIVE_VA, archive_pa,
		     (archive_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1),
		     SV39_PTE_R, "boot archive");

	/* Hand over every free frame but a reserve, then map them all (the
	 * window's page tables come out of that reserve). */
	struct board_range ranges[CALF_BOOTINFO_MAX_RANGES];
	int n = frame_handover(ranges, CALF_BOOTINFO_MAX_RANGES, KERNEL_KEEP_FRAMES);
	if (n <= 0)
		panic("vm_boot: no free memory for the VM server");
	uint64_t base = ranges[0].base & ~((1ul << 30) - 1);
	for (int i = 0; i < n; i++) {
		if (ranges[i].base + ranges[i].size - base > SV39_USER_TOP - VMS_WINDOW_VA)
			panic("vm_boot: RAM does not fit the VM server's window");
		map_or_panic(as, VMS_WINDOW_VA + (ranges[i].base - base), ranges[i].base,
			     ranges[i].size, SV39_PTE_R | SV39_PTE_W, "window");
		boot_info.ranges[i].base = ranges[i].base;
		boot_info.ranges[i].size = ranges[i].size;
	}
	boot_info.nranges = (unsigned long)n;
	boot_info.window = VMS_WINDOW_VA;
	boot_info.window_pa_base = base;
	boot_info.archive = VMS_ARCHIVE_VA;
	boot_info.archive_size = archive_size;
	boot_info.harts = (unsigned long)__builtin_popcountl(smp_harts_taken(b));
	boot_info.timebase_hz = b->timebase_hz;
	for (unsigned i = 0; i < sizeof(boot_info.cmdline) - 1 && b->bootargs[i]; i++)
		boot_info.cmdline[i] = b->bootargs[i];

	struct endpoint *ep = endpoint_create();
	struct thread *t = thread_alloc();
	if (!ep || !t || handle_install(as, ep, 0, true) != CALF_HANDLE_VM)
		panic("vm_boot: no kernel objects left");
	vm_endpoint = ep;
	t->as = as;
	as->nthreads++;
	t->priority = VMS_PRIORITY;
	t->vm_right = true;
	t->ctx.sepc = elf.entry;
	t->ctx.regs[REG_SP] = VMS_STACK_TOP;
	sched_make_runnable(t);

	uint64_t handed = 0;
	for (int i = 0; i < n; i++)
		handed += ranges[i].size / PAGE_SIZE;
	kprintf("vm: VM server started (thread %lu), %lu frames handed over, "
		"kernel keeps %lu\n", t->tid, handed, frame_free_count());
}
