# Spinlocks, recursive locks and rwlocks, raced by real host threads.
SRCS-test_spinlock := $(XEN)/common/spinlock.c
CFLAGS-test_spinlock := -pthread
