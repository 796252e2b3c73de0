# sv39.mk - host unit test of the sv39/ page-table library.
#
# Included by test/host/host.mk. The library is built for the host with
# the sanitizers, so a stray read or write in a page-table walk fails
# the run.

$(eval $(call host_test,test_sv39,test/host/test_sv39.c sv39/sv39.c sv39/sv39_range.c))
