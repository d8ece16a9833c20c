# Softirqs; the test records the event-check IPIs the arch would send.
SRCS-test_softirq := $(XEN)/common/softirq.c
