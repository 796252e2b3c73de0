/*
 * test_scause.c - host unit tests of the trap-cause names
 * (lib/scause.c).
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "lib/scause.h"
#include "test/host/check.h"

TEST(exceptions)
{
	CHECK(!strcmp(scause_name(EXC_INST_MISALIGNED), "instruction address misaligned"));
	CHECK(!strcmp(scause_name(EXC_ILLEGAL_INST), "illegal instruction"));
	CHECK(!strcmp(scause_name(EXC_ECALL_U), "environment call from U-mode"));
	CHECK(!strcmp(scause_name(EXC_LOAD_PAGE_FAULT), "load page fault"));
	CHECK(!strcmp(scause_name(EXC_STORE_PAGE_FAULT), "store/AMO page fault"));
	/* every defined code has a name, every gap is reserved */
	for (uint64_t code = 0; code < 64; code++) {
		int defined = code <= EXC_ECALL_S || code == EXC_INST_PAGE_FAULT ||
			      code == EXC_LOAD_PAGE_FAULT || code == EXC_STORE_PAGE_FAULT;

		CHECK_EQ(!strcmp(scause_name(code), "reserved exception"), !defined);
	}
	CHECK(!strcmp(scause_name(~0ull >> 1), "reserved exception"));
}

TEST(interrupts)
{
	CHECK(!strcmp(scause_name(SCAUSE_INTERRUPT | IRQ_S_SOFT), "supervisor software interrupt"));
	CHECK(!strcmp(scause_name(SCAUSE_INTERRUPT | IRQ_S_TIMER), "supervisor timer interrupt"));
	CHECK(!strcmp(scause_name(SCAUSE_INTERRUPT | IRQ_S_EXT), "supervisor external interrupt"));
	/* an interrupt code is never read as the exception of that number */
	CHECK(!strcmp(scause_name(SCAUSE_INTERRUPT | EXC_ILLEGAL_INST), "reserved interrupt"));
	CHECK(!strcmp(scause_name(SCAUSE_INTERRUPT), "reserved interrupt"));
}

int main(void)
{
	RUN(exceptions);
	RUN(interrupts);
	return check_summary();
}
