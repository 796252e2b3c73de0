/*
 * lab.h - what a lab's stub says (labs/README.md).
 *
 * Layer: vm/. In the full tree nothing calls this: the solutions are
 * there. `make lab` replaces a lab's solution regions by stubs, and a
 * stub that cannot do the job in a simpler way calls lab_missing, so
 * that the student sees which lab and which function, and the request
 * or the faulting process fails - never the VM server or the kernel.
 */
#ifndef VM_LAB_H
#define VM_LAB_H

/* Print "vm: lab LAB: WHAT is not written yet (labs/LAB/README.md)"
 * (once per WHAT) and return -CALF_ENOSYS. */
long lab_missing(const char *lab, const char *what);

#endif
