/*
 * ipcpeer.h - the protocol between ipcpeer and its clients (ktest, bench).
 *
 * Layer: userland/. Both sides get the endpoint from the VM server with
 * calf_rendezvous(IPCPEER_KEY). A client calls with any message whose
 * MR0 is not IPCPEER_STOP; ipcpeer answers with every word transformed
 * by ipcpeer_transform(), so a client can check that all six message
 * registers crossed both ways. MR0 = IPCPEER_STOP makes ipcpeer reply
 * (MR0 = 0) and exit with status 0.
 */
#ifndef USERLAND_IPCPEER_H
#define USERLAND_IPCPEER_H

#define IPCPEER_KEY   0x1bcbee5ul
#define IPCPEER_STOP  0x5709ul

/* Word i of the reply: distinct per position, so a shuffled register
 * shows up too. */
static inline unsigned long ipcpeer_transform(int i, unsigned long w)
{
	return w + 1 + (unsigned long)i * 0x100;
}

#endif
