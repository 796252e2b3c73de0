# boards.mk - SD-card images, U-Boot for the HiFive boards, flashing.
#
# Included by the top Makefile (after test/host/host.mk); uses its B, Q,
# say and the deps target. The scripts do the work (tools/mksdcard.sh,
# tools/build-uboot.sh, tools/flash.sh); docs/boards.md is the guide.
#
#   make sdcard                 build/sdcard.img: GPT + FAT with Image and
#                               extlinux/extlinux.conf, for any U-Boot
#   make sdcard-hifive          build/sdcard-unleashed.img and
#                               build/sdcard-unmatched.img: the same plus
#                               U-Boot SPL + ITB, so a blank card boots
#   make sdcard-unleashed       one of them
#   make sdcard-unmatched
#   make flash DEV=/dev/sdX     write build/sdcard.img (HIFIVE=unleashed or
#                               unmatched: that board's image); FORCE=1 for a
#                               non-removable disk, YES=1 to skip the question,
#                               TO_FILE=1 to write a regular file standing for
#                               a card (never one under /dev)
#
# Options: SDCARD_APPEND (the kernel command line in the user images,
# default empty), SDCARD_FAT_MIB (boot partition size, default 32),
# UBOOT_CACHE (where built U-Boots are kept, default ~/.cache/calf/u-boot).
#
#   make dtinfo DTB=board.dtb   what calf reads from a board's device tree,
#                               and whether it would boot on it

SDCARD_APPEND ?=
SDCARD_FAT_MIB ?= 32
HIFIVE_BOARDS := unleashed unmatched
HIFIVE_IMAGES := $(HIFIVE_BOARDS:%=$(B)/sdcard-%.img)
ifneq ($(UBOOT_CACHE),)
export UBOOT_CACHE
endif

MKSDCARD := tools/mksdcard.sh -s $(SDCARD_FAT_MIB)

# The user images depend on the options they were made with: the file
# below changes only when SDCARD_APPEND or SDCARD_FAT_MIB does, so
# `make sdcard SDCARD_APPEND=...` after an earlier `make sdcard` makes
# the image again (and a later plain `make sdcard` drops the line).
SDCARD_OPTIONS := $(B)/sdcard-options
.PHONY: sdcard-options-check
sdcard-options-check:
	@mkdir -p $(B)
	@printf 'fat_mib=%s\nappend=%s\n' '$(SDCARD_FAT_MIB)' '$(subst ','\'',$(SDCARD_APPEND))' \
		> $(SDCARD_OPTIONS).new
	@cmp -s $(SDCARD_OPTIONS).new $(SDCARD_OPTIONS) && rm -f $(SDCARD_OPTIONS).new || \
		mv $(SDCARD_OPTIONS).new $(SDCARD_OPTIONS)
$(SDCARD_OPTIONS): sdcard-options-check
	@:

.PHONY: sdcard sdcard-hifive $(HIFIVE_BOARDS:%=sdcard-%) flash uboot-hifive test-images-boards
sdcard: $(B)/sdcard.img
sdcard-hifive: $(HIFIVE_IMAGES)
$(HIFIVE_BOARDS:%=sdcard-%): sdcard-%: $(B)/sdcard-%.img
uboot-hifive: $(HIFIVE_BOARDS:%=$(B)/u-boot/sifive_%/u-boot.itb)

# deps is order-only: it must run first (sgdisk, mtools, the U-Boot build
# tools), but being phony it must not make the images out of date.
$(B)/sdcard.img: $(B)/Image tools/mksdcard.sh $(SDCARD_OPTIONS) | deps
	$(say) "  SDCARD  $@"
	$(Q)$(MKSDCARD) -k $(B)/Image -o $@ -a "$(SDCARD_APPEND)" >/dev/null

$(HIFIVE_IMAGES): $(B)/sdcard-%.img: $(B)/Image tools/mksdcard.sh $(SDCARD_OPTIONS) \
		$(B)/u-boot/sifive_%/u-boot.itb | deps
	$(say) "  SDCARD  $@"
	$(Q)$(MKSDCARD) -k $(B)/Image -o $@ -a "$(SDCARD_APPEND)" -u $(B)/u-boot/sifive_$* >/dev/null

# The U-Boot build is cached outside build/ (tools/build-uboot.sh): after
# `make clean` this is a copy, not a rebuild.
$(B)/u-boot/sifive_%/u-boot.itb: tools/build-uboot.sh | deps
	$(say) "  U-BOOT  sifive_$*"
	$(Q)tools/build-uboot.sh sifive_$* $(B)/u-boot/sifive_$*

# ---- flashing ----
FLASH_IMAGE := $(if $(HIFIVE),$(B)/sdcard-$(HIFIVE).img,$(B)/sdcard.img)
ifneq ($(filter flash,$(MAKECMDGOALS)),)
ifeq ($(DEV),)
$(error make flash needs DEV=/dev/sdX, the whole SD card (lsblk lists the disks))
endif
ifneq ($(HIFIVE),)
ifeq ($(filter $(HIFIVE),$(HIFIVE_BOARDS)),)
$(error HIFIVE=$(HIFIVE): unleashed or unmatched)
endif
endif
endif
flash: $(FLASH_IMAGE)
	@FORCE="$(FORCE)" YES="$(YES)" TO_FILE="$(TO_FILE)" tools/flash.sh "$(DEV)" $(FLASH_IMAGE)

# ---- bring-up: what calf reads from a board's device tree ----
# tools/dtinfo.c runs the kernel's device-tree reader on the host.
DTINFO_SRCS := tools/dtinfo.c platform/fdt.c platform/board_dt.c platform/quirks.c \
	kernel/phys_ranges.c
$(B)/host/dtinfo: $(patsubst %.c,$(HOST_OBJ)/%.o,$(DTINFO_SRCS))
	$(say) "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $^ -o $@
-include $(patsubst %.c,$(HOST_OBJ)/%.d,$(DTINFO_SRCS))
.PHONY: dtinfo
dtinfo: $(B)/host/dtinfo
	$(if $(DTB),$(B)/host/dtinfo $(DTB),@echo "make dtinfo DTB=board.dtb: what calf reads from a device tree, and whether it boots on it")

# ---- test images ----
# The same script, differing only in the append line: BOARD_TEST_APPEND
# makes the kernel end the QEMU run after its boot self-check
# (test/board_cases.py).
BOARD_TEST_APPEND := stop-after-boot
BOARD_TEST_IMAGES := $(B)/test/sdcard-test.img $(B)/test/sdcard-unleashed-test.img

$(B)/test/sdcard-test.img: $(B)/Image tools/mksdcard.sh | deps
	$(say) "  SDCARD  $@"
	$(Q)$(MKSDCARD) -k $(B)/Image -o $@ -a "$(BOARD_TEST_APPEND)" >/dev/null

$(B)/test/sdcard-unleashed-test.img: $(B)/Image tools/mksdcard.sh \
		$(B)/u-boot/sifive_unleashed/u-boot.itb | deps
	$(say) "  SDCARD  $@"
	$(Q)$(MKSDCARD) -k $(B)/Image -o $@ -a "$(BOARD_TEST_APPEND)" -u $(B)/u-boot/sifive_unleashed >/dev/null

# `make test` also builds the user images: test/test_sdcard.sh checks
# their layout (the Unmatched one cannot boot in QEMU).
test-images-boards: $(BOARD_TEST_IMAGES) $(B)/sdcard.img $(HIFIVE_IMAGES)
test: test-images-boards
