# vm_tests.mk - host unit tests of the VM server's pure parts: the frame
# table, regions, the fault policy, fork's bookkeeping (space.c), the
# command line and the fork and ps replies (reply.c).
#
# Included by test/host/host.mk. The VM server's target-only files
# (system calls, page-table surgery) are not built here: fault_policy.c
# is where the decisions are.

$(eval $(call host_test,test_vm_frame,test/host/test_vm_frame.c vm/frame.c))
$(eval $(call host_test,test_vm_region,test/host/test_vm_region.c vm/region.c))
$(eval $(call host_test,test_vm_fault,test/host/test_vm_fault.c vm/fault_policy.c vm/region.c \
	lib/fmt.c lib/scause.c sv39/sv39.c))
$(eval $(call host_test,test_vm_misc,test/host/test_vm_misc.c vm/cmdline.c vm/reply.c \
	lib/cmdline.c))
$(eval $(call host_test,test_vm_fork,test/host/test_vm_fork.c vm/space.c vm/space_share.c vm/space_pages.c vm/lab.c \
	vm/fault.c vm/fault_fast.c vm/fault_apply.c vm/frame.c vm/fault_policy.c vm/region.c lib/fmt.c \
	lib/scause.c sv39/sv39.c sv39/sv39_range.c))
$(eval $(call host_test,test_vm_inspect,test/host/test_vm_inspect.c vm/inspect.c vm/space.c vm/space_share.c \
	vm/space_pages.c vm/lab.c vm/frame.c lib/fmt.c sv39/sv39.c sv39/sv39_range.c))
$(eval $(call host_test,test_vm_merge,test/host/test_vm_merge.c vm/merge.c vm/space.c \
	vm/space_share.c vm/space_pages.c vm/lab.c vm/frame.c vm/region.c lib/fmt.c sv39/sv39.c \
	sv39/sv39_range.c))
