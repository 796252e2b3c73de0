# vm.mk - builds the VM server, $(B)/user/vmserver.elf.
#
# Included by mk/userland.mk, which packs every program in ARCHIVE_ELFS
# into the boot archive; `make build/user/vmserver.elf` builds it alone.
# Uses mk/toolchain.mk's compile rules and flags.
# Freestanding: no picolibc, its own crt0 (vm/start.S), linker script
# (vm/vm.ld) and printf front end (vm/console.c). It compiles in the
# pure layers with its own flags: sv39/ (page tables) and lib/ (the
# archive and ELF readers, the string functions, the printf engine),
# the same files the kernel links.

VM_CFLAGS := $(FREESTANDING_CFLAGS) -DCALF_FASTPATH=$(FASTPATH)
VM_LDFLAGS := $(FREESTANDING_LDFLAGS) -Wl,-T,vm/vm.ld

VM_SRCS := vm/start.S $(wildcard vm/*.c) $(wildcard sv39/*.c) $(wildcard lib/*.c)
# FASTPATH=0: no shortcut; every fault takes the reference path (fault.c).
ifeq ($(FASTPATH),0)
VM_SRCS := $(filter-out vm/fault_fast.c,$(VM_SRCS))
endif
VM_OBJS := $(patsubst %,$(B)/vm-obj/%.o,$(VM_SRCS))

$(eval $(call cross_rules,$(B)/vm-obj,VM_CFLAGS))

$(B)/user/vmserver.elf: $(VM_OBJS) vm/vm.ld
	@mkdir -p $(dir $@)
	$(say) "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(VM_LDFLAGS) $(VM_OBJS) -lgcc -o $@

ARCHIVE_ELFS += $(B)/user/vmserver.elf

-include $(VM_OBJS:.o=.d)
