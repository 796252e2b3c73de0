/*
 * test_phys_ranges.c - host tests for kernel/phys_ranges.c: which
 * physical memory becomes free frames and direct map.
 */
#include "kernel/phys_ranges.h"
#include "test/host/check.h"

#define K 1024ull
#define M (1024 * K)
#define G (1024 * M)
#define R(b, s) ((struct board_range){ (b), (s) })

TEST(ram_minus_opensbi_and_kernel)
{
	/* QEMU virt, 128 MiB: OpenSBI's 512 KiB at the start, the kernel at
	 * +2 MiB, the DTB near the top. */
	struct board_range mem[] = { R(0x80000000, 128 * M) };
	struct board_range ex[] = { R(0x80000000, 512 * K), R(0x80200000, 100 * K),
				    R(0x87e00000, 0x1234) };
	struct board_range out[8];
	int n = phys_ranges_subtract(mem, 1, ex, 3, 4096, out, 8);
	CHECK_EQ(n, 3);
	CHECK_EQ(out[0].base, 0x80080000);
	CHECK_EQ(out[0].size, 0x80200000 - 0x80080000);
	CHECK_EQ(out[1].base, 0x80200000 + 100 * K);  /* 100 KiB is page aligned */
	CHECK_EQ(out[2].base, 0x87e00000 + 0x2000);   /* partial page excluded whole */
	CHECK_EQ(out[2].base + out[2].size, 0x88000000);
	CHECK_EQ(phys_ranges_total(out, n),
		 128 * M - 512 * K - 100 * K - 0x2000);
}

TEST(unaligned_memory_shrinks_inward)
{
	struct board_range mem[] = { R(0x80000100, 3 * 4096) };
	struct board_range out[4];
	int n = phys_ranges_subtract(mem, 1, 0, 0, 4096, out, 4);
	CHECK_EQ(n, 1);
	CHECK_EQ(out[0].base, 0x80001000);
	CHECK_EQ(out[0].size, 2 * 4096);
}

TEST(exclusion_covering_everything)
{
	struct board_range mem[] = { R(0x80000000, 16 * M) };
	struct board_range ex[] = { R(0x70000000, 1 * G) };
	struct board_range out[4];
	CHECK_EQ(phys_ranges_subtract(mem, 1, ex, 1, 4096, out, 4), 0);
}

TEST(several_banks_sorted_and_overlap_counted_once)
{
	struct board_range mem[] = { R(0x100000000, 1 * G), R(0x80000000, 1 * G),
				     R(0x80000000 + 512 * M, 1 * G) };
	struct board_range out[8];
	int n = phys_ranges_subtract(mem, 3, 0, 0, 4096, out, 8);
	CHECK(n >= 1);
	CHECK_EQ(out[0].base, 0x80000000);
	/* 0x80000000..0xe0000000 (two banks overlapping by 512 MiB, counted
	 * once) and 0x100000000..0x140000000. */
	CHECK_EQ(phys_ranges_total(out, n), (0xe0000000 - 0x80000000) + 0x40000000);
	for (int i = 1; i < n; i++)
		CHECK(out[i - 1].base + out[i - 1].size <= out[i].base);
}

TEST(wrapping_sizes_are_clamped)
{
	struct board_range mem[] = { R(0xfffffffffff00000ull, 0x200000) };
	struct board_range ex[] = { R(0xfffffffffff80000ull, ~0ull) };
	struct board_range out[4];
	int n = phys_ranges_subtract(mem, 1, ex, 1, 4096, out, 4);
	CHECK_EQ(n, 1);
	CHECK_EQ(out[0].base, 0xfffffffffff00000ull);
	CHECK_EQ(out[0].size, 0x80000);
}

TEST(too_many_pieces_is_an_error)
{
	struct board_range mem[] = { R(0x80000000, 64 * M) };
	struct board_range ex[8];
	struct board_range out[4];
	for (int i = 0; i < 8; i++)
		ex[i] = R(0x80000000 + (uint64_t)(2 * i + 1) * M, 4096);
	CHECK_EQ(phys_ranges_subtract(mem, 1, ex, 8, 4096, out, 4), -1);
	CHECK_EQ(phys_ranges_subtract(mem, 1, ex, 8, 4096, out, 4) , -1);
}

TEST(empty_and_zero_sized)
{
	struct board_range mem[] = { R(0x80000000, 0), R(0x90000000, 4095) };
	struct board_range ex[] = { R(0x80000000, 0) };
	struct board_range out[4];
	CHECK_EQ(phys_ranges_subtract(mem, 2, ex, 1, 4096, out, 4), 0);
}

int main(void)
{
	RUN(ram_minus_opensbi_and_kernel);
	RUN(unaligned_memory_shrinks_inward);
	RUN(exclusion_covering_everything);
	RUN(several_banks_sorted_and_overlap_counted_once);
	RUN(wrapping_sizes_are_clamped);
	RUN(too_many_pieces_is_an_error);
	RUN(empty_and_zero_sized);
	return check_summary();
}
