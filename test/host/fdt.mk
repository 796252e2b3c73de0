# fdt.mk - host unit test for the devicetree parser (platform/fdt.c,
# platform/board_dt.c). Included by the top Makefile; also works alone:
#     make -f test/host/fdt.mk $(B)/host/test_fdt && $(B)/host/test_fdt test/fixtures

# Included from another makefile? Then leave its default goal alone.
B ?= build
FDT_MK_PARENTS := $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST))
FDT_MK_SAVED_GOAL := $(.DEFAULT_GOAL)

HOSTCC ?= gcc
FDT_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -I. -Iinclude

FDT_TEST_SRCS := test/host/test_fdt.c platform/fdt.c platform/board_dt.c
FDT_TEST_OBJS := $(patsubst %.c,$(B)/host/fdt/%.o,$(FDT_TEST_SRCS))
FDT_TEST_DEPS := test/host/check.h test/host/fixture.h platform/fdt.h platform/board.h

$(B)/host/fdt/%.o: %.c $(FDT_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(FDT_HOST_CFLAGS) -c $< -o $@

$(B)/host/test_fdt: $(FDT_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(FDT_HOST_CFLAGS) $^ -o $@

HOST_TESTS += $(B)/host/test_fdt

ifneq ($(FDT_MK_PARENTS),)
.DEFAULT_GOAL := $(FDT_MK_SAVED_GOAL)
endif
