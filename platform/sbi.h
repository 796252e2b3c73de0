/*
 * sbi.h - calls into the SBI firmware (OpenSBI) running in M-mode.
 *
 * Layer: platform/. The kernel runs in S-mode; timers, starting harts,
 * shutdown and the earliest console go through the Supervisor Binary
 * Interface (RISC-V SBI specification v1.0/v2.0): ecall with the
 * extension id in a7, the function id in a6, arguments in a0-a5; the
 * firmware returns an error in a0 and a value in a1.
 */
#ifndef PLATFORM_SBI_H
#define PLATFORM_SBI_H

#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_EXT_IPI  0x735049   /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM  0x48534d   /* "HSM" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */

/* Standard SBI error codes (SBI spec 3.2). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6

/* SRST types and reasons (SBI spec chapter 10). */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* HSM hart states (SBI spec chapter 9). */
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);

/* Base extension: what firmware is this, what does it offer. */
long sbi_spec_version(void);
long sbi_impl_id(void);
long sbi_impl_version(void);
int sbi_probe(long ext);
const char *sbi_impl_name(long impl_id);
void sbi_probe_all(void);   /* caches which extensions exist */

/* Timer: fire a supervisor timer interrupt when `time` reaches stime. */
void sbi_set_timer(uint64_t stime);

/* Harts (HSM). */
long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque);
long sbi_hart_status(unsigned long hartid);

/* Other harts. hart_mask bit i is hart i (the kernel always passes
 * hart_mask_base 0, SBI spec 3.1). Both fences return when every hart
 * in the mask has done them (SBI spec chapter 8). */
long sbi_send_ipi(unsigned long hart_mask);   /* a supervisor software interrupt */
int sbi_have_remote_fence(void);              /* the RFENCE extension exists */
/* sfence.vma for [start, start + size) in every address space; start 0
 * and size 0: the whole TLB. */
long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long start, unsigned long size);
long sbi_remote_fence_i(unsigned long hart_mask);

/* Earliest console: works before any driver, until SBI v0.2 firmware
 * drops the legacy extensions (OpenSBI still offers them). */
int sbi_have_console(void);   /* the legacy console extension exists */
void sbi_console_putchar(int c);
int sbi_console_getchar(void);

/* Power: ask the firmware to switch the machine off (SRST shutdown,
 * with reason "system failure" if `failure`). Returns only if it
 * refused, with the SBI error: QEMU sifive_u and the HiFive Unleashed
 * have no power switch OpenSBI can drive. Never asks for a reboot (a
 * board that reboots would loop on a refused boot): kernel/power.c
 * parks the machine instead. QEMU 7.2 with OpenSBI 1.1 exits with
 * status 0 even for "system failure", so tests read the console, not
 * the status (docs/porting.md). */
long sbi_system_shutdown(int failure);

#endif
