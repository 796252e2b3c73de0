# host.mk - host unit tests, built with the host compiler and sanitizers.
#
# Included by the top Makefile. Each fragment adds its binaries to
# HOST_TESTS with mk/toolchain.mk's host_test (one compile rule and
# HOST_CFLAGS for all of them); `make build/host/test_sv39` builds one.
# The code under test is compiled again for the host: sv39/, lib/, the
# FDT parser and the pure parts of kernel/ and vm/ are written so that
# this works (no CSRs, no libc).

# The labs (check.h, RUN_LAB): every lab, and the labs after a student
# tree's own (none in the full tree), whose tests are skipped. A student
# tree is written before its first build, so its objects never hold
# another tree's list.
HOST_CFLAGS += -DCHECK_LABS='"$(shell $(PYTHON) tools/labs.py all)"' \
	-DCHECK_LABS_LATER='"$(shell $(PYTHON) tools/labs.py later)"'

include test/host/sv39.mk
include test/host/fdt.mk
include test/host/vm_tests.mk
include test/host/lib_tests.mk

$(eval $(call host_test,test_phys_ranges,test/host/test_phys_ranges.c kernel/phys_ranges.c))
