SRCS-test_dom0_opts := $(XEN)/common/dom0_opts.c $(XEN)/common/lib.c
