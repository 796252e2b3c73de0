/*
 * sbi.c - SBI calls (see sbi.h).
 *
 * Layer: platform/.
 */
#include "platform/sbi.h"

static int have_time, have_hsm, have_srst, have_ipi, have_rfence, have_putchar, probed;

/* An SBI call with up to five arguments (RFENCE with an ASID needs
 * them all): a0-a4 in, a6 = function, a7 = extension (SBI spec 3). */
static struct sbiret sbi_call5(long ext, long fid, long a0, long a1, long a2, long a3,
			       long a4)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = ext;
	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ .error = r_a0, .value = r_a1 };
}

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	return sbi_call5(ext, fid, a0, a1, a2, 0, 0);
}

long sbi_spec_version(void) { return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value; }
long sbi_impl_id(void) { return sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value; }
long sbi_impl_version(void) { return sbi_call(SBI_EXT_BASE, 2, 0, 0, 0).value; }

int sbi_probe(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
	return r.error == SBI_SUCCESS && r.value != 0;
}

const char *sbi_impl_name(long impl_id)
{
	/* SBI spec 4.9: implementation ids. */
	switch (impl_id) {
	case 0: return "BBL";
	case 1: return "OpenSBI";
	case 2: return "Xvisor";
	case 3: return "KVM";
	case 4: return "RustSBI";
	case 5: return "Diosix";
	case 6: return "Coffer";
	default: return "unknown";
	}
}

void sbi_probe_all(void)
{
	have_time = sbi_probe(SBI_EXT_TIME);
	have_hsm = sbi_probe(SBI_EXT_HSM);
	have_srst = sbi_probe(SBI_EXT_SRST);
	have_ipi = sbi_probe(SBI_EXT_IPI);
	have_rfence = sbi_probe(SBI_EXT_RFENCE);
	have_putchar = sbi_probe(SBI_EXT_LEGACY_PUTCHAR);
	probed = 1;
}

void sbi_set_timer(uint64_t stime)
{
	if (!probed || have_time)
		sbi_call(SBI_EXT_TIME, 0, (long)stime, 0, 0);
	else
		sbi_call(0x00, 0, (long)stime, 0, 0); /* legacy set_timer */
}

long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque)
{
	if (probed && !have_hsm)
		return SBI_ERR_NOT_SUPPORTED;
	return sbi_call(SBI_EXT_HSM, 0, (long)hartid, (long)start_pa, (long)opaque).error;
}

long sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, (long)hartid, 0, 0);
	return r.error ? r.error : r.value;
}

long sbi_send_ipi(unsigned long hart_mask)
{
	if (have_ipi)
		return sbi_call(SBI_EXT_IPI, 0, (long)hart_mask, 0, 0).error;
	/* Legacy extension 0x04 takes a pointer to the mask. */
	return sbi_call(0x04, 0, (long)&hart_mask, 0, 0).error;
}

int sbi_have_remote_fence(void)
{
	return have_rfence;
}

long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long start, unsigned long size)
{
	if (!have_rfence)
		return SBI_ERR_NOT_SUPPORTED;
	/* SBI spec 8.2 (function 1): start 0 and size 0 mean everything. */
	return sbi_call5(SBI_EXT_RFENCE, 1, (long)hart_mask, 0, (long)start, (long)size, 0).error;
}

long sbi_remote_fence_i(unsigned long hart_mask)
{
	if (!have_rfence)
		return SBI_ERR_NOT_SUPPORTED;
	return sbi_call(SBI_EXT_RFENCE, 0, (long)hart_mask, 0, 0).error;
}

int sbi_have_console(void)
{
	return !probed || have_putchar;
}

void sbi_console_putchar(int c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
}

int sbi_console_getchar(void)
{
	return (int)sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0).error;
}

long sbi_system_shutdown(int failure)
{
	long reason = failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE;

	if (!probed || have_srst)
		return sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, reason, 0).error;
	/* SBI 0.3 or later without SRST: the firmware has no power switch
	 * (OpenSBI leaves SRST out when no device can reset). The legacy
	 * call would hang every hart inside OpenSBI, silently: only firmware
	 * older than SRST gets it. */
	if (sbi_spec_version() >= 3)   /* 0.3: major in bits 30:24 */
		return SBI_ERR_NOT_SUPPORTED;
	sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	return SBI_ERR_NOT_SUPPORTED;
}
