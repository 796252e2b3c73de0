# userland_tests.mk - host unit tests of the ELF parser (kernel/elf.c),
# the boot-archive reader (kernel/archive.c) and tools/mkarchive.py.
#
# Included by test/host/host.mk; also works alone, from the repo root:
#     make -f test/host/userland_tests.mk $(B)/host/test_elf && $(B)/host/test_elf
# The archive test reads an archive mkarchive.py made from the ELF
# fixtures, so the packer and the reader are checked against each other.

# Included from another makefile? Then leave its default goal alone.
B ?= build
USERLAND_TESTS_MK_PARENTS := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
USERLAND_TESTS_MK_SAVED_GOAL := $(.DEFAULT_GOAL)

HOSTCC ?= gcc
PYTHON ?= python3
USERLAND_TEST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I. -Iinclude

# In the order test_archive.c expects (sorted by name).
ELF_FIXTURES := test/fixtures/elf/default-ld.elf test/fixtures/elf/faulter.elf \
	test/fixtures/elf/ipcpeer.elf

$(B)/host/test_elf: test/host/test_elf.c kernel/elf.c kernel/elf.h include/calf/abi.h \
		test/host/check.h test/host/fixture.h $(ELF_FIXTURES)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(USERLAND_TEST_CFLAGS) test/host/test_elf.c kernel/elf.c -o $@

$(B)/host/test-archive.bin: tools/mkarchive.py $(ELF_FIXTURES)
	@mkdir -p $(dir $@)
	$(PYTHON) tools/mkarchive.py -o $@ $(ELF_FIXTURES)

# The binary depends on the archive it reads, so building the test
# (what `make test-host` does) makes the archive too.
$(B)/host/test_archive: test/host/test_archive.c kernel/archive.c kernel/archive.h \
		kernel/elf.c kernel/elf.h include/calf/abi.h test/host/check.h test/host/fixture.h \
		$(B)/host/test-archive.bin
	@mkdir -p $(dir $@)
	$(HOSTCC) $(USERLAND_TEST_CFLAGS) test/host/test_archive.c kernel/archive.c \
		kernel/elf.c -o $@

HOST_TESTS += $(B)/host/test_elf $(B)/host/test_archive

ifneq ($(USERLAND_TESTS_MK_PARENTS),)
.DEFAULT_GOAL := $(USERLAND_TESTS_MK_SAVED_GOAL)
endif
