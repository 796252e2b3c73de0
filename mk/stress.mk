# stress.mk - the long runs under QEMU (test/stress.py, docs/testing.md).
#
# Included by the top Makefile. Not part of `make test`: each run is one
# boot of a stress program (forkstress, badcalls, cowtest, forkbomb,
# usertests) with a timeout of up to an hour each.
#
#   make stress                          every run, one after the other
#   make stress STRESS_ONLY=forkbomb     the runs whose name matches a regex
#   make stress STRESS_SEED=1234         badcalls with this seed (default random)
#   make stress STRESS_JOBS=2            two QEMUs at once
#   make stress STRESS_SCALE=2           every timeout doubled (slow host)
#   make stress-list                     what would run
#
# One summary line per run (ok / FAIL / MISSING and the duration); each
# run's console is in build/stress/<run>.log.

STRESS_ONLY ?=
STRESS_SEED ?=
STRESS_JOBS ?= 1
STRESS_SCALE ?= 1
STRESS_FLAGS := --kernel $(B)/kernel.elf --jobs $(STRESS_JOBS) --timeout-scale $(STRESS_SCALE) \
	$(if $(STRESS_ONLY),--only '$(STRESS_ONLY)') $(if $(STRESS_SEED),--seed $(STRESS_SEED))

.PHONY: stress stress-list
stress: deps all
	$(PYTHON) test/stress.py $(STRESS_FLAGS)

stress-list:
	@$(PYTHON) test/stress.py $(STRESS_FLAGS) --list
