# The presentation of the boot memory map.
SRCS-test_e820 := $(XEN)/arch/x86/e820.c
