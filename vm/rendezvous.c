/*
 * rendezvous.c - key -> endpoint table (see rendezvous.h).
 *
 * Layer: vm/ (target only). The VM server keeps one handle per key in
 * its own handle table (CALF_MAX_HANDLES = 32 slots, handle 0 being the
 * VM endpoint: hence the small limit; half of them, so that the table
 * keeps room). Endpoints are never destroyed: a key stays valid for the
 * life of the system, and a seventeenth key is refused (-CALF_ENOMEM).
 */
#include "vm/rendezvous.h"
#include "calf/syscall.h"

#define VM_MAX_KEYS 16

static struct {
	unsigned long key;
	long ep;        /* our handle; 0 = slot unused (handle 0 is ours) */
} keys[VM_MAX_KEYS];

long vm_rendezvous(struct proc *p, unsigned long key)
{
	long ep = 0;

	for (unsigned i = 0; i < VM_MAX_KEYS && !ep; i++)
		if (keys[i].ep && keys[i].key == key)
			ep = keys[i].ep;
	for (unsigned i = 0; i < VM_MAX_KEYS && !ep; i++) {
		if (keys[i].ep)
			continue;
		ep = calf_endpoint_create();
		if (ep < 0)
			return ep;
		keys[i].key = key;
		keys[i].ep = ep;
	}
	if (!ep)
		return -CALF_ENOMEM;   /* every slot taken */
	/* Both sides of a rendezvous may receive: either may be the server. */
	return calf_handle_grant((unsigned long)p->aspace, (unsigned long)ep, (unsigned long)p->pid,
				CALF_RIGHT_RECV);
}
