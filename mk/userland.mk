# userland.mk - user programs, their runtime library, and the boot archive.
#
# Included by the top Makefile (after test/host/host.mk); uses
# mk/toolchain.mk's compile rules, ARCH_FLAGS, Q and say. Every folder
# userland/<prog>/ except lib/ is one program: its *.c (and *.S) files
# link into build/user/<prog>.elf with libcalf (userland/lib) and
# picolibc. Adding a program is adding a folder.
#
# The boot archive build/archive.bin packs $(ARCHIVE_ELFS): these
# programs plus whatever other fragments append (vm/vm.mk adds the VM
# server). kernel/archive_blob.S includes it in the kernel image.

# Same ISA and ABI as the kernel (ARCH_FLAGS, docs/architecture.md).
# PICOLIBC_INTEGER_PRINTF_SCANF picks integer-only printf (small), both in
# the headers and, through picolibc.specs, at link time.
USER_CFLAGS := $(ARCH_FLAGS) --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffunction-sections -fdata-sections -fno-stack-protector \
	-Iinclude -Iuserland/lib/include -MMD -MP
USER_LD_SCRIPT := userland/lib/user.ld
# Our own crt0 (-nostartfiles): picolibc's never calls exit() and its
# lp64d variant touches M-mode CSRs (boot-facts.md). -T given to gcc
# itself, so picolibc.specs does not add its own picolibc.ld.
USER_LDFLAGS := $(ARCH_FLAGS) --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-nostartfiles -static -T $(USER_LD_SCRIPT) \
	-Wl,-z,max-page-size=4096 -Wl,--gc-sections

USER_OBJ := $(B)/user/obj
USER_LIB := $(B)/user/libcalf.a
USER_CRT0 := $(USER_OBJ)/userland/lib/crt0.S.o

USER_LIB_SRCS := $(filter-out userland/lib/crt0.S, \
	$(wildcard userland/lib/*.c userland/lib/*.S))
USER_LIB_OBJS := $(patsubst %,$(USER_OBJ)/%.o,$(USER_LIB_SRCS))

USER_PROGS := $(sort $(filter-out lib, $(notdir $(patsubst %/,%, \
	$(dir $(wildcard userland/*/*.c userland/*/*.S))))))
USER_ELFS := $(USER_PROGS:%=$(B)/user/%.elf)

# The list of programs, for the shell's `help` (the VM server has no
# "list the archive" request): $(B)/user/gen/programs.h defines
# CALF_PROGRAMS "bench cowdemo ...". The phony prerequisite runs the
# recipe every time, but the file is replaced only when the list
# changed, so nothing is rebuilt needlessly (the Linux kernel's filechk trick; make looks at the
# file's time again after the recipe). Objects depend on it order-only,
# so it exists before the first compile; -MMD records the real users.
USER_GEN := $(B)/user/gen
USER_PROGRAMS_H := $(USER_GEN)/programs.h
USER_CFLAGS += -I$(USER_GEN)

.PHONY: user-programs-always
$(USER_PROGRAMS_H): user-programs-always
	@mkdir -p $(dir $@)
	@echo '#define CALF_PROGRAMS "$(USER_PROGS)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

.PHONY: userland
userland: $(USER_ELFS) $(B)/archive.bin

$(eval $(call cross_rules,$(USER_OBJ),USER_CFLAGS,$(USER_PROGRAMS_H)))

$(USER_LIB): $(USER_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(say) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# One link rule per program (a program's objects are known only once its
# folder is listed). $(1) = program name.
define USER_PROG_RULE
USER_OBJS_$(1) := $$(patsubst %,$$(USER_OBJ)/%.o,$$(wildcard userland/$(1)/*.c userland/$(1)/*.S))
$$(B)/user/$(1).elf: $$(USER_CRT0) $$(USER_OBJS_$(1)) $$(USER_LIB) $$(USER_LD_SCRIPT)
	$$(say) "  LD      $$@"
	$$(Q)$$(CC) $$(USER_LDFLAGS) $$(USER_CRT0) $$(USER_OBJS_$(1)) $$(USER_LIB) -o $$@
-include $$(USER_OBJS_$(1):.o=.d)
endef
$(foreach p,$(USER_PROGS),$(eval $(call USER_PROG_RULE,$(p))))

-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d)

# ---- the boot archive ----
ARCHIVE_ELFS += $(USER_ELFS)

# The VM server's fragment appends its ELF to ARCHIVE_ELFS; it must be
# read before the archive rule, because make expands a rule's
# prerequisites when it reads the rule (immediate), not when it runs it.
include vm/vm.mk

$(B)/archive.bin: $(ARCHIVE_ELFS) tools/mkarchive.py
	@mkdir -p $(dir $@)
	$(say) "  ARCHIVE $@"
	$(Q)$(PYTHON) tools/mkarchive.py --objcopy $(OBJCOPY) -o $@ $(ARCHIVE_ELFS)

# .incbin is invisible to -MMD: name the dependency by hand.
$(B)/kernel-obj/kernel/archive_blob.S.o: $(B)/archive.bin
