/*
 * request.h - the requests of calf/vm_protocol.h, one handler each.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_REQUEST_H
#define VM_REQUEST_H

#include <stdbool.h>

#include "vm/sys.h"

/* Serve the request m from the process whose pid is `badge`. Returns
 * true with the reply in m, or false when no reply is due (the caller
 * exited). */
bool vm_request(unsigned long badge, struct vm_msg *m);

#endif
