/*
 * trace.c - the fault trace (see trace.h).
 *
 * Layer: vm/ (target only).
 */
#include "vm/trace.h"
#include "calf/syscall.h"
#include "vm/print.h"
#include "vm/vm.h"

bool trace_on;
static long trace_pid;              /* 0: every process */
static unsigned long count;         /* faults traced since trace on */
static unsigned long second;        /* the second (of `time`) the budget is for */
static unsigned lines;              /* lines printed in that second */
static unsigned long dropped;       /* faults not shown for want of budget */

static void say_dropped(void)
{
	if (dropped)
		vm_printf("trace: %lu faults not shown (at most %d lines a second)\n", dropped,
			  TRACE_LINES_PER_SECOND);
	dropped = 0;
}

long trace_set(unsigned long on, long pid)
{
	if (on > 1)
		return -CALF_EINVAL;
	if (on && pid != 0 && !proc_live_by_pid(pid))
		return -CALF_ESRCH;
	if (!on)
		say_dropped();
	trace_on = on;
	trace_pid = on ? pid : 0;
	count = 0;
	lines = 0;
	return 0;
}

static const char *access_name(unsigned access)
{
	static const char *const names[] = {
		[CALF_FAULT_READ] = "load",
		[CALF_FAULT_WRITE] = "store",
		[CALF_FAULT_EXEC] = "exec",
		[CALF_FAULT_OTHER] = "other",
	};

	return access < sizeof(names) / sizeof(names[0]) ? names[access] : "?";
}

void trace_fault(const struct proc *p, const struct fault_msg *f, struct fault_decision d,
		 bool table_copied)
{
	unsigned long now = calf_time() / (vm_boot.timebase_hz ? vm_boot.timebase_hz : 1);

	if (trace_pid != 0 && (!p || p->pid != trace_pid))
		return;
	count++;
	if (now != second) {
		second = now;
		lines = 0;
	}
	if (lines >= TRACE_LINES_PER_SECOND) {
		dropped++;
		return;
	}
	lines++;
	say_dropped();
	vm_printf("trace %lu: pid %ld %s %s 0x%lx pc 0x%lx: %s%s\n", count, p ? p->pid : -1L,
		  p ? p->name : "(unknown thread)", access_name(f->access),
		  (unsigned long)f->addr, (unsigned long)f->pc, table_copied ? "table copy, " : "",
		  fault_action_name(d.action, f->by_kernel));
}
