# labs.mk - the labs: a student tree of one lab, and its grade.
#
# Included by the top Makefile; uses its B, PYTHON and deps target.
#   make lab LAB=cow DIR=../cow-lab   write the student tree of a lab
#                                     (tools/mklab.py, labs/README.md)
#   make grade [LAB=cow]              build, then grade the lab in QEMU
#                                     (test/grade.py): one line per test
#                                     with points, then "Score: N/M";
#                                     without LAB, a student tree's own
#                                     lab, or every lab in the full tree

.PHONY: lab grade

lab:
	@if [ -z "$(LAB)" ] || [ -z "$(DIR)" ]; then \
		echo "usage: make lab LAB=<$(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "tools"); import labs; print("|".join(labs.LABS))')> DIR=<new directory>"; \
		exit 2; \
	fi
	$(PYTHON) tools/mklab.py $(LAB) $(DIR)

grade: deps all
	$(PYTHON) test/grade.py --kernel $(B)/kernel.elf $(if $(LAB),--lab $(LAB))
