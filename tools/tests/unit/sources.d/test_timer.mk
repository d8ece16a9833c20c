# Timers, through the real softirqs. test_timer.c #includes timer.c (to
# check the queues' invariants); stub_timer_locks.c stands in for the
# spinlocks; kernel.c parses timer_slop=. The printf family is the
# hypervisor's (renamed, as in test_vsprintf), so %ps works in dumps.
SRCS-test_timer := $(XEN)/common/softirq.c $(XEN)/common/kernel.c \
                   $(XEN)/common/lib.c $(XEN)/common/vsprintf.c \
                   stub_timer_locks.c
CFLAGS-test_timer := -pthread \
                     -Dvsnprintf=xen_vsnprintf -Dsnprintf=xen_snprintf \
                     -Dvscnprintf=xen_vscnprintf -Dscnprintf=xen_scnprintf
test_timer: $(XEN)/common/timer.c stub_timer_locks.h
