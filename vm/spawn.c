/*
 * spawn.c - build a process: address space, ELF segments, heap, stack,
 * arguments, kernel objects, thread (see spawn.h).
 *
 * Layer: vm/ (target only). The whole space is built in page tables the
 * VM server owns before the kernel hears of it (SYS_ASPACE_CREATE comes
 * last), so no TLB can hold anything of it yet and no flush is needed
 * while building.
 */
#include "vm/spawn.h"
#include "vm/fault_policy.h"
#include "lib/string.h"
#include "vm/load.h"
#include "vm/process.h"
#include "calf/vm_protocol.h"
#include "calf/syscall.h"
#include "vm/thread.h"
#include "vm/uspace.h"
#include "vm/vm.h"

#define PAGE SV39_PAGE_SIZE
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

/* Where the heap may grow: from the end of the program up to this much,
 * and never into the stack's guard page. */
#define VM_USER_HEAP_MAX (256ul << 20)

/* sv39 errors -> CALF errors: only ENOMEM is expected here. */
static int map_err(int sv39_err)
{
	return sv39_err == SV39_ENOMEM ? -CALF_ENOMEM : -CALF_EINVAL;
}

/* One PT_LOAD segment: its region, and a private frame for every page
 * that holds file bytes (the rest of the segment, bss, is anonymous and
 * appears zeroed on first touch). */
static int load_segment(struct proc *p, const struct vm_segment *s)
{
	uint64_t start = PAGE_DOWN(s->vaddr), end = PAGE_UP(s->vaddr + s->memsz);
	uint64_t file_end = s->vaddr + s->filesz;
	const struct region *r;
	uint64_t flags;
	int err;

	err = region_add(&p->regions, start, end, s->prot, REGION_ELF);
	if (err)
		return err == -CALF_ENOMEM ? err : -CALF_EINVAL;   /* overlapping segments */
	r = region_find(&p->regions, start);
	flags = fault_prot_pte_flags(r->prot);

	for (uint64_t va = start; s->filesz && va < file_end; va += PAGE) {
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE < file_end ? va + PAGE : file_end;
		uint64_t pa = frame_alloc(&vm_frames);

		if (pa == FRAME_NONE)
			return -CALF_ENOMEM;
		/* The frame is zeroed: bytes of the page outside the file
		 * part (the start of bss, or before vaddr) stay zero. */
		memcpy((uint8_t *)frame_ptr(&vm_frames, pa) + (lo - va), s->data + (lo - s->vaddr),
		       hi - lo);
		err = uspace_map(p, va, pa, flags);
		if (err) {
			frame_unref(&vm_frames, pa);
			return map_err(err);
		}
	}
	return 0;
}

/* Count the strings of a NUL-separated block; -1 if it is malformed. */
static long count_args(const char *block, size_t len)
{
	long argc = 0;

	if (len < 2 || len > VM_ARGS_MAX || block[len - 1] != '\0' || block[0] == '\0')
		return -1;
	for (size_t i = 0; i < len; i++)
		if (block[i] == '\0')
			argc++;
	return argc;
}

/* The args page at VM_USER_ARGS: argc, argv[argc + 1], then the
 * strings, argv pointing into them (user addresses). */
static int build_args(struct proc *p, const char *block, size_t len, long argc)
{
	uint64_t strings = 8 + 8 * (uint64_t)(argc + 1);
	uint64_t pa, *words;
	const char *s = block;
	char *dst;
	int err;

	if (strings + len > PAGE)
		return -CALF_EINVAL;
	err = region_add(&p->regions, VM_USER_ARGS, VM_USER_ARGS + PAGE, REGION_R | REGION_W,
			 REGION_ARGS);
	if (err)
		return err;
	pa = frame_alloc(&vm_frames);
	if (pa == FRAME_NONE)
		return -CALF_ENOMEM;
	words = frame_ptr(&vm_frames, pa);
	dst = (char *)words + strings;
	memcpy(dst, block, len);
	words[0] = (uint64_t)argc;
	for (long i = 0; i < argc; i++) {
		words[1 + i] = VM_USER_ARGS + strings + (uint64_t)(s - block);
		s += strlen(s) + 1;
	}
	words[1 + argc] = 0;   /* argv[argc] = NULL, as C requires */
	err = uspace_map(p, VM_USER_ARGS, pa, SV39_PTE_U | SV39_PTE_R | SV39_PTE_W);
	if (err) {
		frame_unref(&vm_frames, pa);
		return map_err(err);
	}
	return 0;
}

/* Everything but the kernel objects. */
static int build_space(struct proc *p, const struct vm_image *img, const char *block, size_t len,
		       long argc)
{
	uint64_t heap_start = 0, heap_limit;
	uint64_t guard = VM_USER_STACK_TOP - VM_USER_STACK_MAX - PAGE;
	int err;

	if (sv39_space_init(&p->space, &vm_sv39_mem) != SV39_OK)
		return -CALF_ENOMEM;
	for (unsigned i = 0; i < img->nseg; i++) {
		uint64_t end = PAGE_UP(img->seg[i].vaddr + img->seg[i].memsz);

		err = load_segment(p, &img->seg[i]);
		if (err)
			return err;
		if (end > heap_start)
			heap_start = end;
	}
	err = region_add_stack(&p->regions, VM_USER_STACK_TOP, VM_USER_STACK_MAX);
	if (err)
		return -CALF_EINVAL;   /* the program overlaps the stack */
	if (heap_start >= guard)
		return -CALF_EINVAL;
	heap_limit = guard - heap_start > VM_USER_HEAP_MAX ? heap_start + VM_USER_HEAP_MAX : guard;
	err = region_add_heap(&p->regions, heap_start, heap_limit);
	if (err)
		return err;
	return build_args(p, block, len, argc);
}

/* The arguments and the program they name: argc, or a negated CALF_E*. */
static long find_program(const char *block, size_t len, struct vm_image *img)
{
	long argc = count_args(block, len);
	int err;

	if (argc < 0)
		return -CALF_EINVAL;
	/* argv[0] is both the program's name and its archive entry. */
	err = vm_image_find((const void *)vm_boot.archive, vm_boot.archive_size, block, img);
	return err ? err : argc;
}

/*
 * Build the program img into p, whose space, regions and kernel objects
 * are still empty: the space, then the kernel's aspace over it, handle 0,
 * and the thread, created suspended (*tid) so that the caller decides
 * when it runs. On failure everything built is given back.
 */
static int build_program(struct proc *p, const struct vm_image *img, const char *block,
			 size_t len, long argc, long *tid)
{
	long r;
	int err;

	err = build_space(p, img, block, len, argc);
	if (err)
		goto fail;

	/* Now the kernel: it copies its upper-half root entries into our
	 * root and gives the space an ASID. */
	r = calf_aspace_create(p->space.root_pa);
	if (r < 0) {
		err = r == -CALF_ENOMEM ? -CALF_ENOMEM : -CALF_EINVAL;
		goto fail;
	}
	p->aspace = r;
	/* Instructions were written as data through the window: make every
	 * hart's instruction cache see them (real SiFive cores need it;
	 * the unprivileged spec, "Zifencei"). */
	calf_fence_i();
	/* Handle 0 of the child: the VM endpoint, badged with its pid, so
	 * every request says who sent it and cannot lie about it. */
	r = calf_handle_grant((unsigned long)p->aspace, VM_EP, (unsigned long)p->pid, 0);
	if (r != CALF_HANDLE_VM) {
		err = r == -CALF_ENOMEM ? -CALF_ENOMEM : -CALF_EINVAL;
		goto fail;
	}
	r = calf_sys_thread_create((unsigned long)p->aspace, img->entry, VM_USER_STACK_TOP,
				   VM_EP, CALF_PRIO_DEFAULT | CALF_THREAD_SUSPENDED, VM_USER_ARGS);
	if (r < 0) {
		err = -CALF_ENOMEM;
		goto fail;
	}
	*tid = r;
	return 0;

fail:
	if (p->aspace >= 0)
		calf_aspace_destroy((unsigned long)p->aspace);
	p->aspace = -1;
	uspace_destroy(p);
	return err;
}

long vm_spawn(long ppid, const char *block, size_t len)
{
	struct vm_image img;
	struct proc *p;
	long argc = find_program(block, len, &img), tid;
	int err;

	if (argc < 0)
		return argc;
	p = proc_alloc(ppid, block);
	if (!p)
		return -CALF_ENOMEM;   /* the process table is full (calf/vm_protocol.h) */
	err = build_program(p, &img, block, len, argc, &tid);
	if (!err && !thread_add(p, tid)) {
		calf_aspace_destroy((unsigned long)p->aspace);   /* and the thread */
		uspace_destroy(p);
		err = -CALF_EAGAIN;
	}
	if (err) {
		proc_free(p);
		return err;
	}
	calf_thread_start((unsigned long)tid);
	return p->pid;
}

long vm_exec(struct proc *p, const char *block, size_t len)
{
	/* Static: a struct proc is large for the VM server's stack. */
	static struct proc fresh;
	struct vm_image img;
	long argc = find_program(block, len, &img), tid;
	size_t n;
	int err;

	if (argc < 0)
		return argc;
	/* The new program is built beside the old one, so any failure
	 * leaves the old program running unchanged. */
	memset(&fresh, 0, sizeof(fresh));
	fresh.pid = p->pid;
	fresh.aspace = -1;
	region_set_init(&fresh.regions);
	err = build_program(&fresh, &img, block, len, argc, &tid);
	if (err)
		return err;

	/* The point of no return. Destroying the old aspace kills the old
	 * threads, the caller blocked in this very call among them (the
	 * kernel drops the call we will never answer); then its frames and
	 * tables go back. */
	calf_aspace_destroy((unsigned long)p->aspace);
	thread_forget_all(p);
	uspace_destroy(p);
	p->aspace = fresh.aspace;
	p->space = fresh.space;
	region_set_copy(&p->regions, &fresh.regions);
	p->merge = fresh.merge;         /* none: advice goes with the image */
	n = strlen(block);
	if (n >= VM_NAME_MAX)
		n = VM_NAME_MAX - 1;
	memcpy(p->name, block, n);
	p->name[n] = '\0';
	/* A record is free: the old threads' were given back just above. */
	thread_add(p, tid);
	calf_thread_start((unsigned long)tid);
	return 0;
}
