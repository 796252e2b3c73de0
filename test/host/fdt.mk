# fdt.mk - host unit test for the devicetree parser (platform/fdt.c,
# platform/board_dt.c). Included by test/host/host.mk; run alone with
#     make build/host/test_fdt && build/host/test_fdt test/fixtures

$(eval $(call host_test,test_fdt,test/host/test_fdt.c platform/fdt.c platform/board_dt.c))

# The 16550 driver against a fake register block, at every reg-shift and
# reg-io-width a board's tree may give: make build/host/test_uart
$(eval $(call host_test,test_uart,test/host/test_uart.c platform/uart_ns16550a.c))

# The boot page table (the image, nothing else) and the device tree copy.
$(eval $(call host_test,test_boot,test/host/test_boot.c platform/boot.c))
