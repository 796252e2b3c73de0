# vm_tests.mk - host unit tests of the VM server's pure parts: the frame
# table, regions, the fault policy, fork's bookkeeping (space.c), the
# command line and the formatter.
#
# Included by test/host/host.mk; also works alone, from the repo root:
#     make -f test/host/vm_tests.mk build/host/test_vm_frame && build/host/test_vm_frame
# The VM server's target-only files (system calls, page-table surgery)
# are not built here: fault_policy.c is where the decisions are.

# Included from another makefile? Then leave its default goal alone.
VM_TESTS_MK_PARENTS := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
VM_TESTS_MK_SAVED_GOAL := $(.DEFAULT_GOAL)

HOSTCC ?= gcc
VM_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I.
VM_HOST_DEPS := test/host/check.h vm/frame.h vm/region.h vm/fault_policy.h vm/print.h \
	vm/cmdline.h vm/space.h kernel/abi.h sv39/sv39.h

build/host/vm/%.o: %.c $(VM_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(VM_HOST_CFLAGS) -c $< -o $@

build/host/test_vm_frame: build/host/vm/test/host/test_vm_frame.o build/host/vm/vm/frame.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

build/host/test_vm_region: build/host/vm/test/host/test_vm_region.o build/host/vm/vm/region.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

build/host/test_vm_fault: build/host/vm/test/host/test_vm_fault.o \
		build/host/vm/vm/fault_policy.o build/host/vm/vm/region.o build/host/vm/vm/print.o \
		build/host/vm/sv39/sv39.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

build/host/test_vm_misc: build/host/vm/test/host/test_vm_misc.o \
		build/host/vm/vm/cmdline.o build/host/vm/vm/print.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

build/host/test_vm_fork: build/host/vm/test/host/test_vm_fork.o build/host/vm/vm/space.o \
		build/host/vm/vm/frame.o build/host/vm/vm/fault_policy.o build/host/vm/vm/region.o \
		build/host/vm/vm/print.o build/host/vm/sv39/sv39.o build/host/vm/sv39/sv39_range.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

HOST_TESTS += build/host/test_vm_frame build/host/test_vm_region build/host/test_vm_fault \
	build/host/test_vm_misc build/host/test_vm_fork

ifneq ($(VM_TESTS_MK_PARENTS),)
.DEFAULT_GOAL := $(VM_TESTS_MK_SAVED_GOAL)
endif
