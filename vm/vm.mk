# vm.mk - builds the VM server, $(B)/user/vmserver.elf.
#
# Included by mk/userland.mk, which packs every program in ARCHIVE_ELFS
# into the boot archive; `make build/user/vmserver.elf` builds it alone.
# Uses mk/toolchain.mk's compile rules and flags.
# Freestanding: no picolibc, its own crt0 (vm/start.S), linker script
# (vm/vm.ld) and printf (vm/print.c). It compiles in sv39/ (page tables)
# and the kernel's pure archive and ELF readers and string functions
# (kernel/string.c), which are written to build anywhere.

VM_CFLAGS := $(FREESTANDING_CFLAGS)
VM_LDFLAGS := $(FREESTANDING_LDFLAGS) -Wl,-T,vm/vm.ld

VM_SRCS := vm/start.S $(wildcard vm/*.c) $(wildcard sv39/*.c) kernel/elf.c kernel/archive.c \
	kernel/string.c
VM_OBJS := $(patsubst %,$(B)/vm-obj/%.o,$(VM_SRCS))

$(eval $(call cross_rules,$(B)/vm-obj,VM_CFLAGS))

$(B)/user/vmserver.elf: $(VM_OBJS) vm/vm.ld
	@mkdir -p $(dir $@)
	$(say) "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(VM_LDFLAGS) $(VM_OBJS) -lgcc -o $@

ARCHIVE_ELFS += $(B)/user/vmserver.elf

-include $(VM_OBJS:.o=.d)
