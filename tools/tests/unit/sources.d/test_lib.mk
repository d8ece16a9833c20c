SRCS-test_lib := $(XEN)/common/lib.c
