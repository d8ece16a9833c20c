SRCS-test_param := $(XEN)/common/kernel.c $(XEN)/common/lib.c
