# host.mk - host unit tests, built with the host compiler and sanitizers.
#
# Each fragment adds its binaries to HOST_TESTS. The code under test is
# compiled again for the host: sv39/, the FDT parser and the pure parts of
# kernel/ are written so that this works (no CSRs, no libc).

B ?= build
HOSTCC ?= gcc
HOST_CFLAGS ?= -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I. -Iinclude

-include test/host/sv39.mk
-include test/host/fdt.mk
-include test/host/vm_tests.mk
-include test/host/userland_tests.mk

$(B)/host/test_phys_ranges: test/host/test_phys_ranges.c kernel/phys_ranges.c \
		kernel/phys_ranges.h platform/board.h test/host/check.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) test/host/test_phys_ranges.c kernel/phys_ranges.c -o $@
HOST_TESTS += $(B)/host/test_phys_ranges
