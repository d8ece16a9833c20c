# The hypervisor's printf family, renamed to xen_* so that it does not
# replace the C library's (the test compares the two). The harness, built
# with the same flags, formats its printk()/panic() output with xen_* too.
SRCS-test_vsprintf := $(XEN)/common/vsprintf.c
CFLAGS-test_vsprintf := -Dvsnprintf=xen_vsnprintf -Dsnprintf=xen_snprintf \
                        -Dvscnprintf=xen_vscnprintf -Dscnprintf=xen_scnprintf
