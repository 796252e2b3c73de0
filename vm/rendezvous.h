/*
 * rendezvous.h - VM_RENDEZVOUS: a key names an endpoint, so that two
 * programs can find each other without a name server.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_RENDEZVOUS_H
#define VM_RENDEZVOUS_H

#include "vm/process.h"

/* A handle in p's table to the endpoint of `key` (created on first
 * use), badged with p's pid so the receiver knows who calls. Returns the
 * handle, or a negated CALF_E* code. */
long vm_rendezvous(struct proc *p, unsigned long key);

#endif
