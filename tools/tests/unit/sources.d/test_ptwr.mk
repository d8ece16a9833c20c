# The writable page-table emulator: pure, its callbacks faked by the test.
SRCS-test_ptwr := $(XEN)/arch/x86/pv/ptwr.c
test_ptwr: $(XEN)/arch/x86/include/asm/pv/ptwr.h
