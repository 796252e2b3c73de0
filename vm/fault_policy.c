/*
 * fault_policy.c - the fault policy as a pure decision (see
 * fault_policy.h), plus the words the kill messages are made of.
 *
 * Layer: vm/ (pure, host-tested by test_vm_fault.c).
 */
#include "vm/fault_policy.h"
#include "vm/print.h"
#include "calf/abi.h"
#include "lib/scause.h"
#include "sv39/sv39.h"

unsigned long fault_deny_reply(bool by_kernel)
{
	return by_kernel ? CALF_FAULT_EFAULT : CALF_FAULT_KILL;
}

const char *fault_action_name(enum fault_action a, bool by_kernel)
{
	switch (a) {
	case FAULT_RETRY:
		return "retry (stale TLB entry)";
	case FAULT_MAP_ZERO:
		return "zero map";
	case FAULT_MAP_NEW:
		return "zero fill";
	case FAULT_COW_ZERO:
		return "zero fill (over the zero frame)";
	case FAULT_COW_REUSE:
		return "COW reuse";
	case FAULT_COW_COPY:
		return "COW copy";
	case FAULT_DENY:
		return fault_deny_reply(by_kernel) == CALF_FAULT_EFAULT ? "EFAULT" : "kill";
	}
	return "?";
}

int fault_kill_signal(enum fault_reason reason, uint64_t scause)
{
	/* Signal numbers as POSIX shells know them, so "exit 139" reads as
	 * a segmentation fault and "exit 132" as an illegal instruction. */
	if (reason != FAULT_NOT_MEMORY)
		return 11;   /* SIGSEGV */
	switch (scause) {
	case EXC_ILLEGAL_INST:
		return 4;    /* SIGILL */
	case EXC_BREAKPOINT:
		return 5;    /* SIGTRAP */
	case EXC_INST_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		return 7;    /* SIGBUS: misaligned */
	default:
		return 11;   /* access faults and the rest: SIGSEGV */
	}
}

static const char *access_verb(unsigned access)
{
	switch (access) {
	case CALF_FAULT_READ:
		return "load";
	case CALF_FAULT_WRITE:
		return "store";
	case CALF_FAULT_EXEC:
		return "exec";
	}
	return "access";
}

char *fault_describe(char *buf, size_t size, const struct fault_facts *f,
		     enum fault_reason reason, uint64_t addr, uint64_t pc, uint64_t scause)
{
	const char *verb = access_verb(f->access);
	const char *where = f->region ? region_name(f->region) : "";

	switch (reason) {
	case FAULT_NO_REGION:
		vm_snprintf(buf, size, "%s at unmapped address 0x%lx, pc 0x%lx", verb,
			    (unsigned long)addr, (unsigned long)pc);
		break;
	case FAULT_GUARD:
		vm_snprintf(buf, size, "stack overflow: %s in the stack guard page at 0x%lx, pc 0x%lx",
			    verb, (unsigned long)addr, (unsigned long)pc);
		break;
	case FAULT_STORE_RO:
		vm_snprintf(buf, size, "store to read-only %s at 0x%lx, pc 0x%lx", where,
			    (unsigned long)addr, (unsigned long)pc);
		break;
	case FAULT_EXEC_NX:
		vm_snprintf(buf, size, "exec of non-executable %s at 0x%lx, pc 0x%lx", where,
			    (unsigned long)addr, (unsigned long)pc);
		break;
	case FAULT_READ_NR:
		vm_snprintf(buf, size, "load from unreadable %s at 0x%lx, pc 0x%lx", where,
			    (unsigned long)addr, (unsigned long)pc);
		break;
	case FAULT_NOT_MEMORY:
		vm_snprintf(buf, size, "%s (scause %lu) at pc 0x%lx, stval 0x%lx",
			    scause_name(scause), (unsigned long)scause, (unsigned long)pc,
			    (unsigned long)addr);
		break;
	default:
		vm_snprintf(buf, size, "%s fault at 0x%lx, pc 0x%lx", verb, (unsigned long)addr,
			    (unsigned long)pc);
		break;
	}
	return buf;
}
