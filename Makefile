# Makefile - the one entry point. `make help` lists the targets.
#
# Options (make VAR=value):
#   BOARD=virt|sifive_u|icicle
#                         QEMU machine for run/debug        (default virt)
#   SMP=n                 application harts                 (default 1;
#                         4 on icicle, whose tree lists them all)
#   MEM=size              RAM, as QEMU's -m takes it        (default 512M;
#                         3G on icicle, whose model wants 1.5G or more)
#   APPEND='...'          the kernel command line for run/debug, e.g.
#                         APPEND=crash=store-text or APPEND=asid-bits=2
#                         (docs/architecture.md lists the options)
#   DTB=file.dtb          boot with this device tree instead of the one
#                         QEMU builds (default: none; on icicle, whose
#                         model builds none, test/fixtures/uboot-icicle.dtb)
#   CROSS_COMPILE=prefix  the RISC-V toolchain prefix       (default riscv64-unknown-elf-)
#   HOSTCC=cc             compiler for host unit tests      (default gcc)
#   FASTPATH=0|1          1: the IPC and fault shortcuts are built in;
#                         0: every IPC and fault takes the reference C
#                         path (built in build/fastpath0/) (default 1)
#   DEBUG=0|1             1: the kernel, the VM server and every program
#                         at -Og, so gdb sees locals and arguments (built
#                         in build/debug/; docs/debugging.md) (default 0)

BOARD ?= virt
SMP ?= $(if $(filter icicle,$(BOARD)),4,1)
MEM ?= $(if $(filter icicle,$(BOARD)),3G,512M)
DTB ?= $(if $(filter icicle,$(BOARD)),test/fixtures/uboot-icicle.dtb)
CROSS_COMPILE ?= riscv64-unknown-elf-
HOSTCC ?= gcc
PYTHON ?= python3

# The shortcuts (docs/architecture.md, "Fast paths"): FASTPATH=0 builds
# a kernel without ipc_fastpath.S and fault_fastpath.h and a VM server
# without fault_fast.c, into a build directory of its own.
FASTPATH ?= 1
ifeq ($(FASTPATH),1)
B := build
else ifeq ($(FASTPATH),0)
B := build/fastpath0
else
$(error FASTPATH must be 0 or 1, not "$(FASTPATH)")
endif
export FASTPATH

# DEBUG=1: the same sources at -Og (OPT_CFLAGS, mk/toolchain.mk), in a
# build directory of their own, so the -O2 build (the one make bench
# measures) is never mixed with it.
DEBUG ?= 0
ifeq ($(DEBUG),1)
B := $(B)/debug
else ifneq ($(DEBUG),0)
$(error DEBUG must be 0 or 1, not "$(DEBUG)")
endif
export DEBUG

include mk/toolchain.mk

KERNEL_CFLAGS := $(FREESTANDING_CFLAGS) -DCALF_FASTPATH=$(FASTPATH)
KERNEL_LDFLAGS := $(FREESTANDING_LDFLAGS) -Wl,-T,platform/kernel.ld

KERNEL_SRCS := $(wildcard platform/*.S platform/*.c kernel/*.S kernel/*.c sv39/*.c lib/*.c)
ifeq ($(FASTPATH),0)
KERNEL_SRCS := $(filter-out kernel/ipc_fastpath.S,$(KERNEL_SRCS))
endif
KERNEL_OBJS := $(patsubst %,$(B)/kernel-obj/%.o,$(KERNEL_SRCS))

.PHONY: all run debug test test-host test-qemu bench deps clean help
all: $(B)/kernel.elf $(B)/Image

help:
	@echo "make            build build/kernel.elf and build/Image"
	@echo "make run        boot in QEMU (BOARD=$(BOARD) SMP=$(SMP) MEM=$(MEM)$(if $(DTB), DTB=$(DTB))); Ctrl-A X quits"
	@echo "                BOARD=virt|sifive_u|icicle, DTB=file.dtb: a board's own tree (docs/boards.md)"
	@echo "                APPEND='...': the kernel command line, e.g. APPEND=asid-bits=2"
	@echo "make debug      boot halted, waiting for gdb-multiarch -x tools/calf.gdb on port 1234"
	@echo "make test       host unit tests, then QEMU integration tests (docs/testing.md)"
	@echo "make test-host  the host unit tests alone"
	@echo "                FASTPATH=0: the reference paths alone; DEBUG=1: everything at -Og (any target)"
	@echo "make bench      instructions per operation under QEMU -icount -> build/bench.json"
	@echo "make sdcard     build/sdcard.img: GPT + FAT with Image and extlinux.conf for U-Boot"
	@echo "                SDCARD_APPEND='...': the kernel command line; SDCARD_FAT_MIB=32: the FAT's size"
	@echo "make sdcard-hifive  the same plus U-Boot SPL and ITB for HiFive Unleashed and Unmatched"
	@echo "                (make sdcard-unleashed or make sdcard-unmatched: one of them)"
	@echo "make flash DEV=/dev/sdX [HIFIVE=unleashed|unmatched]  write an image (asks first)"
	@echo "make dtinfo DTB=board.dtb  what calf reads from a board's device tree, and whether it boots on it"
	@echo "make fuzz       libFuzzer on the FDT parser and sv39 (FUZZ_SECONDS=60 each; needs clang)"
	@echo "make stress     long runs: 100,000 forks, big process trees, the syscall fuzzer"
	@echo "make lab LAB=cow DIR=../cow-lab  a lab's student tree (labs/README.md)"
	@echo "make grade [LAB=cow] [VERBOSE=1]  grade a lab in QEMU: points per test, why one lost points, Score: N/M"
	@echo "make deps       install missing Debian packages (as root)"
	@echo "make clean      remove build/"

$(eval $(call cross_rules,$(B)/kernel-obj,KERNEL_CFLAGS))

$(B)/kernel.elf: $(KERNEL_OBJS) platform/kernel.ld
	$(say) "  LD      $@"
	$(Q)$(CC) $(ARCH_FLAGS) $(KERNEL_LDFLAGS) $(KERNEL_OBJS) -lgcc -o $@

# The flat Image (what U-Boot's booti loads) starts with the Image header.
$(B)/Image: $(B)/kernel.elf
	$(say) "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

# The boot archive is found on the assembler's include path, so the image
# always embeds the archive of this build directory.
$(B)/kernel-obj/kernel/archive_blob.S.o: KERNEL_CFLAGS += -Wa,-I$(B)

-include $(KERNEL_OBJS:.o=.d)

# ---- host unit tests (host gcc, sanitizers) ----
include test/host/host.mk
include mk/boards.mk
include mk/userland.mk
include mk/fuzz.mk
include mk/stress.mk
include mk/labs.mk

# ---- running ----
QEMU_RUN := $(PYTHON) test/qemu_run.py --board $(BOARD) --smp $(SMP) --mem $(MEM) $(if $(DTB),--dtb $(DTB)) \
	$(if $(APPEND),--append '$(subst ','\'',$(APPEND))')

run: deps all
	$(QEMU_RUN) --interactive --kernel $(B)/kernel.elf

debug: deps all
	@echo "QEMU waits for gdb on port 1234. In another terminal:"
	@echo "  gdb-multiarch -x tools/calf.gdb $(B)/kernel.elf"
	@echo "(docs/debugging.md; make debug DEBUG=1 builds everything at -Og first)"
	$(QEMU_RUN) --interactive --gdb --kernel $(B)/kernel.elf

# ---- tests ----
# With the shortcuts built in (the default), the reference paths are
# built too (FASTPATH=0, in build/fastpath0/) and a subset of the QEMU
# cases runs on them as well (test/run_tests.py, REFERENCE_CASES).
ifeq ($(FASTPATH),1)
TEST_REFERENCE := --reference-kernel build/fastpath0$(if $(filter 1,$(DEBUG)),/debug)/kernel.elf
.PHONY: reference-build
reference-build:
	$(Q)$(MAKE) --no-print-directory FASTPATH=0 all
test: reference-build
endif

# The gdb kit (test/check_gdb.py) runs on this build and, to check that
# -Og keeps fault_resolve's locals, on a DEBUG=1 build (in $(B)/debug/).
ifeq ($(DEBUG),0)
TEST_DEBUG := --debug-kernel $(B)/debug/kernel.elf
.PHONY: debug-build
debug-build:
	$(Q)$(MAKE) --no-print-directory DEBUG=1 all
test: debug-build
endif

test: deps all $(HOST_TESTS) $(B)/host/dtinfo
	BUILD=$(B) $(PYTHON) test/run_tests.py --host $(HOST_TESTS) --kernel $(B)/kernel.elf \
		$(TEST_REFERENCE) $(TEST_DEBUG) --labs-kernel $(B)/kernel.elf

# Instructions per operation, exact under QEMU -icount (docs/performance.md).
bench: deps all
	$(PYTHON) test/bench.py --kernel $(B)/kernel.elf --out $(B)/bench.json --fastpath $(FASTPATH)

test-host: $(HOST_TESTS)
	$(PYTHON) test/run_tests.py --host $(HOST_TESTS)

deps:
	@tools/deps.sh

clean:
	rm -rf $(B)
