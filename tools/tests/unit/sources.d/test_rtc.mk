# The RTC register decode and the calendar arithmetic; the port accesses
# (xen/arch/x86/rtc_cmos.c) stay out.
SRCS-test_rtc := $(XEN)/arch/x86/rtc.c $(XEN)/common/time_conv.c
