# toolchain.mk - the compilers, the flags the layers share, and the
# compile rules, each written once for every fragment.
#
# Included first by the top Makefile; the fragments after it (mk/*.mk,
# vm/vm.mk, test/host/*.mk) use what it defines. Everything is built
# under $(B), which the top Makefile sets.
#
# Variables:
#   CC OBJCOPY OBJDUMP AR  the RISC-V cross tools ($(CROSS_COMPILE)gcc ...)
#   ARCH_FLAGS             the ISA and ABI of everything that runs on the
#                          board: kernel, VM server, user programs
#   OPT_CFLAGS             the optimization of everything that runs on the
#                          board: -O2, or -Og with DEBUG=1 (top Makefile)
#   FREESTANDING_CFLAGS    the C flags of the kernel and the VM server (no
#                          libc); each layer copies them into its own
#                          variable (KERNEL_CFLAGS, VM_CFLAGS) so that one
#                          layer's options can be added to it alone
#   FREESTANDING_LDFLAGS   their link flags; each adds its -T linker script
#   HOST_CFLAGS            host unit tests: the host compiler with ASan
#                          and UBSan, so a stray access fails the test
#   Q, say                 quiet output: one line per file; V=1 shows the
#                          whole commands
#
# Rules, made with $(eval $(call ...)):
#   cross_rules,DIR,CFLAGS-VAR[,ORDER-ONLY]
#       DIR/<path>.c.o from <path>.c and DIR/<path>.S.o from <path>.S
#       with the cross compiler and $(CFLAGS-VAR) (named, not expanded:
#       target-specific additions apply); ORDER-ONLY prerequisites exist
#       before any C file of DIR compiles (generated headers).
#   host_test,NAME,SOURCES[,PREREQS]
#       $(B)/host/NAME, a host test linked from SOURCES (each compiled
#       once into $(HOST_OBJ), whichever tests share it) and the .o files
#       among PREREQS; added to HOST_TESTS. Other PREREQS (fixtures the
#       test reads) are made first.

CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
OBJDUMP := $(CROSS_COMPILE)objdump
AR := $(CROSS_COMPILE)ar

ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @echo
endif

# RV64IMAC, soft-float ABI. -misa-spec=2.2 keeps csr and fence.i in the
# base ISA so the lp64 multilib of libgcc and picolibc links (see
# docs/architecture.md).
ARCH_FLAGS := -march=rv64imac -mabi=lp64 -misa-spec=2.2 -mcmodel=medany

# -Og keeps arguments and locals where gdb can read them (docs/debugging.md).
ifeq ($(DEBUG),1)
OPT_CFLAGS := -Og
else
OPT_CFLAGS := -O2
endif

# -fno-builtin and -fno-tree-loop-distribute-patterns: our own string
# functions (lib/string.c) are the only memset and memcpy, and gcc
# must not turn their loops into calls to themselves.
FREESTANDING_CFLAGS := -std=gnu11 -Wall -Wextra -Werror $(OPT_CFLAGS) -g $(ARCH_FLAGS) \
	-ffreestanding -fno-builtin -nostdlib -fno-stack-protector \
	-fno-tree-loop-distribute-patterns \
	-I. -Iinclude -MMD -MP
FREESTANDING_LDFLAGS := -nostdlib -static -Wl,--no-dynamic-linker -Wl,--gc-sections \
	-Wl,-z,max-page-size=4096

HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I. -Iinclude
HOST_OBJ := $(B)/host/obj
HOST_TESTS :=

define cross_rules
$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	$$(say) "  AS      $$<"
	$$(Q)$$(CC) $$($(2)) -D__ASSEMBLER__ -c $$< -o $$@

$(1)/%.c.o: %.c $(if $(3),| $(3))
	@mkdir -p $$(dir $$@)
	$$(say) "  CC      $$<"
	$$(Q)$$(CC) $$($(2)) -c $$< -o $$@
endef

$(HOST_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

define host_test
$(B)/host/$(1): $(patsubst %.c,$(HOST_OBJ)/%.o,$(2)) $(3)
	$$(say) "  HOSTLD  $$@"
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(filter %.o,$$^) -o $$@
HOST_TESTS += $(B)/host/$(1)
-include $(patsubst %.c,$(HOST_OBJ)/%.d,$(2))
endef
