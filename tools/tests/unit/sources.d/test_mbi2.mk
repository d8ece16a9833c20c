# mbi2_parse(), and e820_print() to check the map as users will see it.
SRCS-test_mbi2 := $(XEN)/arch/x86/boot/mbi2.c $(XEN)/arch/x86/e820.c
