/*
 * trace.h - the fault trace: one console line per fault, with what the
 * VM server decided (VM_TRACE; the shell's `trace on`).
 *
 * Layer: vm/ (target only). fault.c calls trace_fault once per fault it
 * resolves; while a trace is on, vm_fault sends every fault there (no
 * shortcut), so nothing escapes the trace and the shortcut pays nothing
 * for it but the test of trace_on.
 */
#ifndef VM_TRACE_H
#define VM_TRACE_H

#include <stdbool.h>

#include "vm/fault.h"
#include "vm/fault_policy.h"
#include "vm/process.h"

extern bool trace_on;

/* VM_TRACE: on (1) or off (0), for process pid (0: every process).
 * 0, -CALF_EINVAL or -CALF_ESRCH. */
long trace_set(unsigned long on, long pid);

/* One line for the fault f of process p (NULL: a thread we do not
 * know), decided d, after copying a page table shared with a fork
 * (table_copied). At most TRACE_LINES_PER_SECOND lines a second: the
 * rest are counted, and the count is printed with the next line a
 * later second allows, or when the trace is switched off. */
#define TRACE_LINES_PER_SECOND 64
void trace_fault(const struct proc *p, const struct fault_msg *f, struct fault_decision d,
		 bool table_copied);

#endif
