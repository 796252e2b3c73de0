/*
 * request.h - the requests of calf/vm_protocol.h, one handler each.
 *
 * Layer: vm/ (target only).
 */
#ifndef VM_REQUEST_H
#define VM_REQUEST_H

#include <stdbool.h>

#include "calf/syscall.h"

/* Serve the request m from thread tid of the process whose pid is
 * `badge`. Returns true with the reply in m, or false when no reply is
 * due (the caller exited, or waits for a child: answered later). */
bool vm_request(unsigned long badge, long tid, struct calf_msg *m);

/* At start-up: what the kernel command line asks of the requests
 * (merge=on: same-page merging on from the start). */
void request_init(void);

#endif
