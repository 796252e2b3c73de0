# vm_tests.mk - host unit tests of the VM server's pure parts: the frame
# table, regions, the fault policy, fork's bookkeeping (space.c), the
# command line and the formatter.
#
# Included by test/host/host.mk; also works alone, from the repo root:
#     make -f test/host/vm_tests.mk $(B)/host/test_vm_frame && $(B)/host/test_vm_frame
# The VM server's target-only files (system calls, page-table surgery)
# are not built here: fault_policy.c is where the decisions are.

# Included from another makefile? Then leave its default goal alone.
B ?= build
VM_TESTS_MK_PARENTS := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
VM_TESTS_MK_SAVED_GOAL := $(.DEFAULT_GOAL)

HOSTCC ?= gcc
VM_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I. -Iinclude
VM_HOST_DEPS := test/host/check.h test/host/fixture.h vm/frame.h vm/region.h vm/fault_policy.h vm/print.h \
	vm/cmdline.h vm/space.h include/calf/abi.h sv39/sv39.h

$(B)/host/vm/%.o: %.c $(VM_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(VM_HOST_CFLAGS) -c $< -o $@

$(B)/host/test_vm_frame: $(B)/host/vm/test/host/test_vm_frame.o $(B)/host/vm/vm/frame.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

$(B)/host/test_vm_region: $(B)/host/vm/test/host/test_vm_region.o $(B)/host/vm/vm/region.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

$(B)/host/test_vm_fault: $(B)/host/vm/test/host/test_vm_fault.o \
		$(B)/host/vm/vm/fault_policy.o $(B)/host/vm/vm/region.o $(B)/host/vm/vm/print.o \
		$(B)/host/vm/sv39/sv39.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

$(B)/host/test_vm_misc: $(B)/host/vm/test/host/test_vm_misc.o \
		$(B)/host/vm/vm/cmdline.o $(B)/host/vm/vm/print.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

$(B)/host/test_vm_fork: $(B)/host/vm/test/host/test_vm_fork.o $(B)/host/vm/vm/space.o \
		$(B)/host/vm/vm/frame.o $(B)/host/vm/vm/fault_policy.o $(B)/host/vm/vm/region.o \
		$(B)/host/vm/vm/print.o $(B)/host/vm/sv39/sv39.o $(B)/host/vm/sv39/sv39_range.o
	$(HOSTCC) $(VM_HOST_CFLAGS) $^ -o $@

HOST_TESTS += $(B)/host/test_vm_frame $(B)/host/test_vm_region $(B)/host/test_vm_fault \
	$(B)/host/test_vm_misc $(B)/host/test_vm_fork

ifneq ($(VM_TESTS_MK_PARENTS),)
.DEFAULT_GOAL := $(VM_TESTS_MK_SAVED_GOAL)
endif
