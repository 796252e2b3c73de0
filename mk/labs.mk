# labs.mk - the labs: a student tree of one lab, and its grade.
#
# Included by the top Makefile; uses its B, PYTHON and deps target.
#   make lab LAB=cow DIR=../cow-lab   write the student tree of a lab
#                                     (tools/mklab.py, labs/README.md)
#   make grade [LAB=cow]              build, then grade the lab in QEMU
#                                     (test/grade.py): one line per test
#                                     with points, then "Score: N/M";
#                                     without LAB, a student tree's own
#                                     lab, or every lab in the full tree.
#                                     VERBOSE=1 prints every run's whole
#                                     console; SMP and MEM, given on the
#                                     command line, are passed on (else
#                                     grade.py's 1 hart and 128M, not the
#                                     Makefile's defaults for make run)

.PHONY: lab grade

lab:
	@if [ -z "$(LAB)" ] || [ -z "$(DIR)" ]; then \
		echo "usage: make lab LAB=<$(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "tools"); import labs; print("|".join(labs.LABS))')> DIR=<new directory>"; \
		exit 2; \
	fi
	$(PYTHON) tools/mklab.py $(LAB) $(DIR)

# The options given, as one line (make echoes the command: no empty
# continuation lines).
GRADE_ARGS = $(strip $(if $(LAB),--lab $(LAB)) $(if $(filter 1,$(VERBOSE)),--verbose) \
	$(if $(filter command line,$(origin SMP)),--smp $(SMP)) \
	$(if $(filter command line,$(origin MEM)),--mem $(MEM)))

grade: deps all
	$(PYTHON) test/grade.py --kernel $(B)/kernel.elf $(GRADE_ARGS)
