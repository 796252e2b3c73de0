# vm.mk - builds the VM server, build/user/vmserver.elf.
#
# Included by mk/userland.mk (`-include vm/vm.mk`), which packs every
# program in ARCHIVE_ELFS into the boot archive; also works alone, from
# the repo root:
#     make -f vm/vm.mk build/user/vmserver.elf
# Freestanding: no picolibc, its own crt0 (vm/start.S), linker script
# (vm/vm.ld) and printf (vm/print.c). It compiles in sv39/ (page tables)
# and the kernel's pure archive and ELF readers and string functions
# (kernel/string.c), which are written to build anywhere.

# Included from another makefile? Then leave its default goal alone.
VM_MK_PARENTS := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
VM_MK_SAVED_GOAL := $(.DEFAULT_GOAL)

CROSS_COMPILE ?= riscv64-unknown-elf-
B ?= build
# The top Makefile's quiet style (Q, say) when included; loud alone.
Q ?=
say ?= @true

VM_CC := $(CROSS_COMPILE)gcc
VM_ARCH_FLAGS := -march=rv64imac -mabi=lp64 -misa-spec=2.2 -mcmodel=medany
VM_CFLAGS := $(VM_ARCH_FLAGS) -O2 -g -std=gnu11 -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -nostdlib \
	-fno-stack-protector -I. -Iinclude -MMD -MP
VM_LDFLAGS := -nostdlib -static -Wl,--no-dynamic-linker -Wl,-T,vm/vm.ld \
	-Wl,--gc-sections -Wl,-z,max-page-size=4096

VM_SRCS := vm/start.S $(wildcard vm/*.c) $(wildcard sv39/*.c) kernel/elf.c kernel/archive.c \
	kernel/string.c
VM_OBJS := $(patsubst %,$(B)/vm-obj/%.o,$(VM_SRCS))

$(B)/vm-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(say) "  AS      $<"
	$(Q)$(VM_CC) $(VM_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(B)/vm-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(say) "  CC      $<"
	$(Q)$(VM_CC) $(VM_CFLAGS) -c $< -o $@

$(B)/user/vmserver.elf: $(VM_OBJS) vm/vm.ld
	@mkdir -p $(dir $@)
	$(say) "  LD      $@"
	$(Q)$(VM_CC) $(VM_ARCH_FLAGS) $(VM_LDFLAGS) $(VM_OBJS) -lgcc -o $@

ARCHIVE_ELFS += $(B)/user/vmserver.elf

-include $(VM_OBJS:.o=.d)

ifneq ($(VM_MK_PARENTS),)
.DEFAULT_GOAL := $(VM_MK_SAVED_GOAL)
endif
