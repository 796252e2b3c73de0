# lib_tests.mk - host unit tests of lib/: the ELF parser (lib/elf.c),
# the boot-archive reader (lib/archive.c) with tools/mkarchive.py, the
# printf engine (lib/fmt.c), the command-line reader (lib/cmdline.c) and
# the trap-cause names (lib/scause.c).
#
# Included by test/host/host.mk. The archive test reads an archive
# mkarchive.py made from the ELF fixtures, so the packer and the reader
# are checked against each other.

# In the order test_archive.c expects (sorted by name).
ELF_FIXTURES := test/fixtures/elf/default-ld.elf test/fixtures/elf/faulter.elf \
	test/fixtures/elf/ipcpeer.elf

$(eval $(call host_test,test_elf,test/host/test_elf.c lib/elf.c,$(ELF_FIXTURES)))

$(B)/host/test-archive.bin: tools/mkarchive.py $(ELF_FIXTURES)
	@mkdir -p $(dir $@)
	$(PYTHON) tools/mkarchive.py -o $@ $(ELF_FIXTURES)

# The binary depends on the archive it reads, so building the test
# (what `make test-host` does) makes the archive too.
$(eval $(call host_test,test_archive,test/host/test_archive.c lib/archive.c lib/elf.c,\
	$(B)/host/test-archive.bin))

$(eval $(call host_test,test_fmt,test/host/test_fmt.c lib/fmt.c))
$(eval $(call host_test,test_cmdline,test/host/test_cmdline.c lib/cmdline.c))
$(eval $(call host_test,test_scause,test/host/test_scause.c lib/scause.c))

# The shell's line editor (userland/lib/edit.c): pure C, so the host runs
# the same code. It includes "edit.h" from libcalf's include folder.
$(HOST_OBJ)/userland/lib/edit.o: HOST_CFLAGS += -Iuserland/lib/include
$(eval $(call host_test,test_edit,test/host/test_edit.c userland/lib/edit.c))
