/*
 * test_vm_fault.c - host unit tests of the fault policy: every case of
 * fault_decide, and the kill messages.
 *
 * Layer: test/ (host only).
 */
#include <string.h>

#include "calf/abi.h"
#include "lib/scause.h"
#include "sv39/sv39.h"
#include "test/host/check.h"
#include "vm/fault_policy.h"

static const struct region text = { 0x10000, 0x13000, REGION_R | REGION_X, REGION_ELF };
static const struct region rodata = { 0x13000, 0x14000, REGION_R, REGION_ELF };
static const struct region data = { 0x14000, 0x16000, REGION_R | REGION_W, REGION_ELF };
static const struct region xonly = { 0x30000, 0x31000, REGION_X, REGION_ELF };
static const struct region heap = { 0x20000, 0x28000, REGION_R | REGION_W, REGION_HEAP };
static const struct region guard = { 0x1000, 0x2000, 0, REGION_GUARD };

#define URW (SV39_PTE_V | SV39_PTE_U | SV39_PTE_R | SV39_PTE_W)
#define UR (SV39_PTE_V | SV39_PTE_U | SV39_PTE_R)
#define URX (SV39_PTE_V | SV39_PTE_U | SV39_PTE_R | SV39_PTE_X)
#define UCOW (UR | SV39_PTE_COW)

static struct fault_decision decide(unsigned access, const struct region *r, bool mapped,
				    uint64_t pte, bool zero, uint32_t count)
{
	struct fault_facts f = { access, r, mapped, pte, zero, count };

	return fault_decide(&f);
}

TEST(read_unmapped_anonymous_maps_zero_frame_cow)
{
	struct fault_decision d = decide(CALF_FAULT_READ, &heap, false, 0, false, 0);

	CHECK_EQ(d.action, FAULT_MAP_ZERO);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R | SV39_PTE_COW);   /* no W */
	CHECK_EQ(sv39_check_leaf_flags(d.pte_flags), SV39_OK);
	/* bss beyond the file part of data: same */
	d = decide(CALF_FAULT_READ, &data, false, 0, false, 0);
	CHECK_EQ(d.action, FAULT_MAP_ZERO);
	CHECK(d.pte_flags & SV39_PTE_COW);
}

TEST(read_unmapped_readonly_maps_zero_frame_plain)
{
	struct fault_decision d = decide(CALF_FAULT_READ, &rodata, false, 0, false, 0);

	CHECK_EQ(d.action, FAULT_MAP_ZERO);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R);   /* no COW: never written */
	d = decide(CALF_FAULT_EXEC, &text, false, 0, false, 0);
	CHECK_EQ(d.action, FAULT_MAP_ZERO);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R | SV39_PTE_X);
}

TEST(store_unmapped_anonymous_allocates)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &heap, false, 0, false, 0);

	CHECK_EQ(d.action, FAULT_MAP_NEW);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R | SV39_PTE_W);
	CHECK_EQ(sv39_check_leaf_flags(d.pte_flags), SV39_OK);
}

TEST(store_to_zero_page_gets_zeroed_frame)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &heap, true, UCOW, true, 0xffffffffu);

	CHECK_EQ(d.action, FAULT_COW_ZERO);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R | SV39_PTE_W);
}

TEST(store_to_cow_count_1_reuses)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &data, true, UCOW, false, 1);

	CHECK_EQ(d.action, FAULT_COW_REUSE);
}

TEST(store_to_cow_shared_copies)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &data, true, UCOW, false, 2);

	CHECK_EQ(d.action, FAULT_COW_COPY);
	CHECK_EQ(d.pte_flags, SV39_PTE_U | SV39_PTE_R | SV39_PTE_W);
	d = decide(CALF_FAULT_WRITE, &heap, true, UCOW, false, 7);
	CHECK_EQ(d.action, FAULT_COW_COPY);
}

TEST(already_allowed_retries)
{
	CHECK_EQ(decide(CALF_FAULT_READ, &heap, true, UCOW, true, 0).action, FAULT_RETRY);
	CHECK_EQ(decide(CALF_FAULT_WRITE, &heap, true, URW, false, 1).action, FAULT_RETRY);
	CHECK_EQ(decide(CALF_FAULT_EXEC, &text, true, URX, false, 1).action, FAULT_RETRY);
	CHECK_EQ(decide(CALF_FAULT_READ, &rodata, true, UR, false, 1).action, FAULT_RETRY);
}

TEST(store_to_readonly_region_denied)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &text, true, URX, false, 1);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_STORE_RO);
	d = decide(CALF_FAULT_WRITE, &rodata, false, 0, false, 0);
	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_STORE_RO);
}

TEST(exec_of_non_exec_denied)
{
	struct fault_decision d = decide(CALF_FAULT_EXEC, &data, true, URW, false, 1);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_EXEC_NX);
	d = decide(CALF_FAULT_EXEC, &heap, false, 0, false, 0);
	CHECK_EQ(d.reason, FAULT_EXEC_NX);
}

TEST(read_of_exec_only_denied)
{
	struct fault_decision d = decide(CALF_FAULT_READ, &xonly, false, 0, false, 0);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_READ_NR);
}

TEST(outside_any_region_denied)
{
	struct fault_decision d;

	d = decide(CALF_FAULT_READ, NULL, false, 0, false, 0);
	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_NO_REGION);
	d = decide(CALF_FAULT_WRITE, NULL, false, 0, false, 0);
	CHECK_EQ(d.reason, FAULT_NO_REGION);
	d = decide(CALF_FAULT_EXEC, NULL, false, 0, false, 0);
	CHECK_EQ(d.reason, FAULT_NO_REGION);
}

TEST(guard_page_denied)
{
	struct fault_decision d = decide(CALF_FAULT_WRITE, &guard, false, 0, false, 0);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_GUARD);
}

TEST(other_exceptions_denied)
{
	struct fault_decision d = decide(CALF_FAULT_OTHER, &text, true, URX, false, 1);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_NOT_MEMORY);
}

TEST(inconsistent_pte_denied_not_guessed)
{
	/* A writable region with a read-only, non-COW page: never built by
	 * the VM server; refused rather than silently made writable. */
	struct fault_decision d = decide(CALF_FAULT_WRITE, &heap, true, UR, false, 1);

	CHECK_EQ(d.action, FAULT_DENY);
	CHECK_EQ(d.reason, FAULT_STORE_RO);
}

TEST(kernel_copy_gets_efault_not_kill)
{
	/* Same policy for the kernel's copy routine ... */
	struct fault_decision d = decide(CALF_FAULT_WRITE, &rodata, true, UR, false, 1);

	CHECK_EQ(d.action, FAULT_DENY);
	/* ... but the answer is -EFAULT for the system call, not death. */
	CHECK_EQ(fault_deny_reply(true), CALF_FAULT_EFAULT);
	CHECK_EQ(fault_deny_reply(false), CALF_FAULT_KILL);
	/* and an allowed kernel access is resolved like the thread's own */
	CHECK_EQ(decide(CALF_FAULT_WRITE, &heap, false, 0, false, 0).action, FAULT_MAP_NEW);
}

TEST(kill_signals)
{
	CHECK_EQ(fault_kill_signal(FAULT_NOT_MEMORY, EXC_ILLEGAL_INST), 4);
	CHECK_EQ(fault_kill_signal(FAULT_NOT_MEMORY, EXC_BREAKPOINT), 5);
	CHECK_EQ(fault_kill_signal(FAULT_NOT_MEMORY, EXC_STORE_MISALIGNED), 7);
	CHECK_EQ(fault_kill_signal(FAULT_STORE_RO, EXC_STORE_PAGE_FAULT), 11);
	CHECK_EQ(fault_kill_signal(FAULT_NO_REGION, EXC_LOAD_PAGE_FAULT), 11);
}

TEST(kill_messages)
{
	char buf[160];
	struct fault_facts f = { CALF_FAULT_WRITE, &text, true, URX, false, 1 };

	fault_describe(buf, sizeof(buf), &f, FAULT_STORE_RO, 0x10234, 0x10100, EXC_STORE_PAGE_FAULT);
	CHECK(!strcmp(buf, "store to read-only text at 0x10234, pc 0x10100"));

	f.access = CALF_FAULT_EXEC;
	f.region = &data;
	fault_describe(buf, sizeof(buf), &f, FAULT_EXEC_NX, 0x14000, 0x14000, EXC_INST_PAGE_FAULT);
	CHECK(!strcmp(buf, "exec of non-executable data at 0x14000, pc 0x14000"));

	f.access = CALF_FAULT_READ;
	f.region = NULL;
	fault_describe(buf, sizeof(buf), &f, FAULT_NO_REGION, 0, 0x10008, EXC_LOAD_PAGE_FAULT);
	CHECK(!strcmp(buf, "load at unmapped address 0x0, pc 0x10008"));

	f.access = CALF_FAULT_WRITE;
	f.region = &guard;
	fault_describe(buf, sizeof(buf), &f, FAULT_GUARD, 0x1ff8, 0x10010, EXC_STORE_PAGE_FAULT);
	CHECK(!strcmp(buf, "stack overflow: store in the stack guard page at 0x1ff8, pc 0x10010"));

	f.access = CALF_FAULT_OTHER;
	f.region = NULL;
	fault_describe(buf, sizeof(buf), &f, FAULT_NOT_MEMORY, 0, 0x10040, EXC_ILLEGAL_INST);
	CHECK(!strcmp(buf, "illegal instruction (scause 2) at pc 0x10040, stval 0x0"));

	fault_describe(buf, 10, &f, FAULT_NOT_MEMORY, 0, 0x10040, EXC_ILLEGAL_INST);
	CHECK(!strcmp(buf, "illegal i"));   /* truncated, still terminated */
}

/*
 * Properties of fault_decide on every input: over every access, region
 * kind and rights, PTE flag combination, zero frame or not, and count,
 * a decision never grants more than the region does, never makes a
 * leaf writable and COW at once, builds only leaves sv39 accepts, and
 * copies or reuses exactly by the count. Both fault paths call this one
 * function, so these hold at run time with or without the shortcut.
 */
TEST(decide_properties_on_every_input)
{
	static const unsigned accesses[] = { CALF_FAULT_READ, CALF_FAULT_WRITE, CALF_FAULT_EXEC,
					     CALF_FAULT_OTHER };
	static const uint64_t bits[] = { SV39_PTE_V, SV39_PTE_R, SV39_PTE_W, SV39_PTE_X,
					 SV39_PTE_U, SV39_PTE_COW };
	static const uint32_t counts[] = { 0, 1, 2, 3, 0xfffffffeu, 0xffffffffu };
	unsigned n = 0, seen[FAULT_DENY + 1] = { 0 };

	for (unsigned a = 0; a < sizeof(accesses) / sizeof(accesses[0]); a++)
	for (int kind = REGION_ELF; kind <= REGION_THREAD_STACK; kind++)
	for (unsigned prot = 0; prot < 8; prot++)
	for (unsigned m = 0; m < 64; m++)
	for (int zero = 0; zero < 2; zero++)
	for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct region r = { 0x20000, 0x28000, prot, (enum region_kind)kind };
		uint64_t pte = (0x80400ull << 10) | SV39_PTE_A | SV39_PTE_D;
		uint64_t allowed = fault_prot_pte_flags(prot) | SV39_PTE_COW;
		struct fault_facts f;
		struct fault_decision d;

		if ((prot & REGION_W) && (prot & REGION_X))
			continue;   /* W^X: region_add refuses such a region */
		for (unsigned b = 0; b < 6; b++)
			if (m & (1u << b))
				pte |= bits[b];
		f = (struct fault_facts){ accesses[a], &r, (pte & SV39_PTE_V) != 0, pte,
					  zero != 0, counts[c] };
		d = fault_decide(&f);
		n++;
		CHECK(d.action >= FAULT_RETRY && d.action <= FAULT_DENY);
		seen[d.action]++;
		CHECK_EQ(d.action == FAULT_DENY, d.reason != FAULT_OK);
		if (d.action == FAULT_DENY || d.action == FAULT_RETRY)
			continue;
		/* A leaf is built: a legal one, within the region's rights. */
		CHECK_EQ(sv39_check_leaf_flags(d.pte_flags), SV39_OK);
		CHECK_EQ(d.pte_flags & ~allowed, 0);
		CHECK(d.pte_flags & SV39_PTE_U);
		CHECK(kind != REGION_GUARD && accesses[a] != CALF_FAULT_OTHER);
		if (d.action == FAULT_MAP_ZERO || d.action == FAULT_MAP_NEW)
			CHECK(!f.mapped);
		if (d.action == FAULT_MAP_ZERO)
			CHECK(!(d.pte_flags & SV39_PTE_W));   /* the zero frame is never written */
		if (d.action == FAULT_COW_ZERO)
			CHECK(zero);
		if (d.action == FAULT_COW_REUSE)
			CHECK(!zero && counts[c] == 1);
		if (d.action == FAULT_COW_COPY)
			CHECK(!zero && counts[c] != 1);
		if (d.action >= FAULT_COW_ZERO) {   /* a store to a COW page, made writable */
			CHECK(accesses[a] == CALF_FAULT_WRITE && (pte & SV39_PTE_COW));
			CHECK_EQ(d.pte_flags, fault_prot_pte_flags(prot));
		}
	}
	for (unsigned k = FAULT_RETRY; k <= FAULT_DENY; k++)
		CHECK(seen[k] > 0);   /* every action was reached */
	CHECK(n > 0);
}

int main(void)
{
	RUN_LAB(zero, read_unmapped_anonymous_maps_zero_frame_cow);
	RUN_LAB(zero, read_unmapped_readonly_maps_zero_frame_plain);
	RUN(store_unmapped_anonymous_allocates);
	RUN(store_to_zero_page_gets_zeroed_frame);
	RUN_LAB(reuse, store_to_cow_count_1_reuses);
	RUN(store_to_cow_shared_copies);
	RUN(already_allowed_retries);
	RUN(store_to_readonly_region_denied);
	RUN(exec_of_non_exec_denied);
	RUN(read_of_exec_only_denied);
	RUN(outside_any_region_denied);
	RUN(guard_page_denied);
	RUN(other_exceptions_denied);
	RUN(inconsistent_pte_denied_not_guessed);
	RUN(kernel_copy_gets_efault_not_kill);
	RUN(kill_signals);
	RUN(kill_messages);
	RUN_LAB(reuse, decide_properties_on_every_input);
	return check_summary();
}
