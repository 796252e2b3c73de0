# userland.mk - user programs, their runtime library, and the boot archive.
#
# Included by the top Makefile (after test/host/host.mk); uses
# mk/toolchain.mk's compile rules, ARCH_FLAGS, Q and say. Every folder
# userland/<prog>/ except lib/ and tests/ is one program (the system,
# tools, demos), and so is every folder userland/tests/<prog>/ (the test
# suites and their helpers): its *.c (and *.S) files link into
# build/user/<prog>.elf with libcalf (userland/lib) and picolibc. Adding
# a program is adding a folder; its name is the folder's, wherever it is.
# Its main must call calf_usage (its --help, which the shell's help
# shows): the build stops with a word if it does not.
#
# Programs include only include/ (calf/abi.h, calf/vm_protocol.h),
# libcalf's userland/lib/include and the generated headers: no -I., so
# the kernel's and the VM server's own headers are out of reach. A
# program shares a header with another by relative path
# ("../tests/ipcpeer/ipcpeer.h").
#
# The boot archive build/archive.bin packs $(ARCHIVE_ELFS): these
# programs plus whatever other fragments append (vm/vm.mk adds the VM
# server). kernel/archive_blob.S includes it in the kernel image.

# Same ISA and ABI as the kernel (ARCH_FLAGS; docs/architecture.md,
# docs/porting.md).
# PICOLIBC_INTEGER_PRINTF_SCANF picks integer-only printf (small), both in
# the headers and, through picolibc.specs, at link time.
USER_CFLAGS := $(ARCH_FLAGS) --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-std=gnu11 $(OPT_CFLAGS) -g -Wall -Wextra -Werror \
	-ffunction-sections -fdata-sections -fno-stack-protector \
	-Iinclude -Iuserland/lib/include -MMD -MP
USER_LD_SCRIPT := userland/lib/user.ld
# Our own crt0 (-nostartfiles): picolibc's never calls exit() and its
# lp64d variant touches M-mode CSRs (docs/porting.md). -T given to gcc
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

prog_dirs = $(sort $(patsubst %/,%,$(dir $(wildcard $(1)/*/*.c $(1)/*/*.S))))
USER_PROG_DIRS := $(filter-out userland/lib userland/tests,$(call prog_dirs,userland)) \
	$(call prog_dirs,userland/tests)
USER_TEST_PROGS := $(notdir $(call prog_dirs,userland/tests))
USER_PROGS := $(sort $(notdir $(USER_PROG_DIRS)))
USER_MAIN_PROGS := $(filter-out $(USER_TEST_PROGS),$(USER_PROGS))
ifneq ($(words $(USER_PROGS)),$(words $(USER_PROG_DIRS)))
$(error two program folders of one name in userland/ and userland/tests/)
endif
USER_ELFS := $(USER_PROGS:%=$(B)/user/%.elf)

# The table of programs, for the shell's `help` (the VM server has no
# "list the archive" request): $(B)/user/gen/programs.h has each
# program's name, arguments and what it does, read by
# tools/mkprograms.py from the calf_usage() call every program makes
# (its --help), and whether it is a test (userland/tests/<prog>/). The
# phony prerequisite runs the script every time, but it replaces the
# file only when the table changed, so nothing is rebuilt needlessly
# (make looks at the file's time again after the recipe). Objects
# depend on it order-only, so it exists before the first compile; -MMD
# records the real users.
USER_GEN := $(B)/user/gen
USER_PROGRAMS_H := $(USER_GEN)/programs.h
USER_CFLAGS += -I$(USER_GEN)

.PHONY: user-programs-always
$(USER_PROGRAMS_H): user-programs-always tools/mkprograms.py
	$(Q)$(PYTHON) tools/mkprograms.py -o $@ \
		--programs $(addprefix userland/,$(USER_MAIN_PROGS)) \
		--tests $(addprefix userland/tests/,$(USER_TEST_PROGS))

.PHONY: userland
userland: $(USER_ELFS) $(B)/archive.bin

$(eval $(call cross_rules,$(USER_OBJ),USER_CFLAGS,$(USER_PROGRAMS_H)))

$(USER_LIB): $(USER_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(say) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# One link rule per program (a program's objects are known only once its
# folder is listed). $(1) = program name, $(2) = its folder.
define USER_PROG_RULE
USER_OBJS_$(1) := $$(patsubst %,$$(USER_OBJ)/%.o,$$(wildcard $(2)/*.c $(2)/*.S))
$$(B)/user/$(1).elf: $$(USER_CRT0) $$(USER_OBJS_$(1)) $$(USER_LIB) $$(USER_LD_SCRIPT)
	$$(say) "  LD      $$@"
	$$(Q)$$(CC) $$(USER_LDFLAGS) $$(USER_CRT0) $$(USER_OBJS_$(1)) $$(USER_LIB) -o $$@
-include $$(USER_OBJS_$(1):.o=.d)
endef
$(foreach d,$(USER_PROG_DIRS),$(eval $(call USER_PROG_RULE,$(notdir $(d)),$(d))))

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
