# fuzz.mk - fuzzing the parsers and the page-table library (docs/testing.md).
#
# Included by the top Makefile. Two fuzz targets, test/fuzz/fuzz_<t>.c:
#   fdt    board_from_fdt() and the FDT reader on arbitrary bytes
#   sv39   the sv39/ library driven by a sequence of operations, checked
#          against a model after each one
# each built two ways:
#
#   make fuzz         clang + libFuzzer + ASan/UBSan, FUZZ_SECONDS per
#                     target, starting from the committed corpus
#                     test/fuzz/corpus/<t>/. New inputs go to
#                     build/fuzz/new/<t>/, crashes to build/fuzz/artifacts/<t>/;
#                     the committed corpus is not touched.
#   make fuzz-merge   add to test/fuzz/corpus/<t>/ only the new inputs that
#                     bring new coverage (libFuzzer -merge=1), to commit.
#   make fuzz-replay  (and `make test`) gcc + ASan/UBSan, no clang: every
#                     corpus file runs once, one test per file.
#
# Options: FUZZ_SECONDS=60 (per target), FUZZ_TARGETS="fdt sv39",
# FUZZ_CC=clang. `make fuzz-sv39` fuzzes one target.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fdt sv39
FUZZ_B := $(B)/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -I. -Iinclude \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS_fdt := test/fuzz/fuzz_fdt.c platform/fdt.c platform/board_dt.c
FUZZ_SRCS_sv39 := test/fuzz/fuzz_sv39.c sv39/sv39.c sv39/sv39_range.c
FUZZ_DEPS_fdt := platform/fdt.h platform/board.h
FUZZ_DEPS_sv39 := sv39/sv39.h
# libFuzzer options: inputs up to 4 KiB for sv39 (400 operations at
# most are read anyway), whole DTBs for fdt; a stuck input is a bug.
FUZZ_OPTS_fdt := -max_len=16384 -timeout=10
FUZZ_OPTS_sv39 := -max_len=4096 -timeout=10

.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay fuzz-check-clang

# clang and its fuzzer runtime are needed here only (never by `make test`).
fuzz-check-clang:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
		echo "fuzz: $(FUZZ_CC) not found: sudo apt-get install clang libclang-rt-14-dev"; \
		exit 1; }

define FUZZ_TARGET_RULES
$(FUZZ_B)/fuzz_$(1): $(FUZZ_SRCS_$(1)) $(FUZZ_DEPS_$(1)) | fuzz-check-clang
	@mkdir -p $$(dir $$@)
	$$(say) "  CLANG   $$@"
	$$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SRCS_$(1)) -o $$@

# The replay driver is compiled once per target: its corpus is built in.
$(HOST_OBJ)/test/fuzz/replay_$(1).o: test/fuzz/replay.c
	@mkdir -p $$(dir $$@)
	$$(say) "  HOSTCC  $$<"
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) -MMD -MP \
		-DFUZZ_CORPUS='"$(CURDIR)/test/fuzz/corpus/$(1)"' -c $$< -o $$@
-include $(HOST_OBJ)/test/fuzz/replay_$(1).d
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULES,$(t))))
$(foreach t,$(FUZZ_TARGETS),$(eval $(call host_test,fuzz_replay_$(t),$(FUZZ_SRCS_$(t)),\
	$(HOST_OBJ)/test/fuzz/replay_$(t).o)))

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)

# A crash stops the run with the input in build/fuzz/artifacts/<t>/;
# reproduce it with
#     build/fuzz/fuzz_<t> build/fuzz/artifacts/<t>/crash-...
# or, without clang, $(B)/host/fuzz_replay_<t> build/fuzz/artifacts/<t>/crash-...
define FUZZ_RUN_RULE
.PHONY: fuzz-$(1)
fuzz-$(1): $(FUZZ_B)/fuzz_$(1)
	@mkdir -p $(FUZZ_B)/new/$(1) $(FUZZ_B)/artifacts/$(1)
	@echo "== fuzz $(1): $(FUZZ_SECONDS) s, log $(FUZZ_B)/$(1).log"
	@$(FUZZ_B)/fuzz_$(1) $(FUZZ_OPTS_$(1)) -max_total_time=$(FUZZ_SECONDS) \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_B)/artifacts/$(1)/ \
		$(FUZZ_B)/new/$(1) test/fuzz/corpus/$(1) 2>$(FUZZ_B)/$(1).log \
		|| { tail -60 $(FUZZ_B)/$(1).log; echo "fuzz $(1): FAIL (log: $(FUZZ_B)/$(1).log)"; exit 1; }
	@grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" $(FUZZ_B)/$(1).log || true
	@echo "fuzz $(1): ok, $$$$(ls $(FUZZ_B)/new/$(1) | wc -l) inputs in $(FUZZ_B)/new/$(1)"
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RUN_RULE,$(t))))

# One target after the other (a sub-make keeps the order under -j).
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz-$$t; done

# Keep the committed corpus small: only inputs that reach new edges go in
# (-use_counters=0: edges, not hit counts; about 10x fewer files).
fuzz-merge: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		before=$$(ls test/fuzz/corpus/$$t | wc -l); \
		$(FUZZ_B)/fuzz_$$t -merge=1 -use_counters=0 test/fuzz/corpus/$$t $(FUZZ_B)/new/$$t \
			2>$(FUZZ_B)/$$t-merge.log || { tail -30 $(FUZZ_B)/$$t-merge.log; exit 1; }; \
		echo "fuzz-merge $$t: $$before -> $$(ls test/fuzz/corpus/$$t | wc -l) files in test/fuzz/corpus/$$t"; \
	done

fuzz-replay: $(FUZZ_TARGETS:%=$(B)/host/fuzz_replay_%)
	@for t in $(FUZZ_TARGETS); do $(B)/host/fuzz_replay_$$t | tail -1; done
