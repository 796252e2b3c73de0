# sv39.mk - host unit test of the sv39/ page-table library.
#
# Included by the top Makefile; also works alone, from the repo root:
#     make -f test/host/sv39.mk $(B)/host/test_sv39 && $(B)/host/test_sv39
# The library is built for the host with the sanitizers, so a stray read
# or write in a page-table walk fails the run.

B ?= build
HOSTCC ?= gcc
HOST_CFLAGS ?= -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -I. -Iinclude

SV39_SRCS := sv39/sv39.c sv39/sv39_range.c
SV39_HOST_OBJS := $(SV39_SRCS:%.c=$(B)/host/%.o)

HOST_TESTS += $(B)/host/test_sv39

$(B)/host/sv39/%.o: sv39/%.c sv39/sv39.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/host/test_sv39.o: test/host/test_sv39.c sv39/sv39.h test/host/check.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/host/test_sv39: $(B)/host/test_sv39.o $(SV39_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^
