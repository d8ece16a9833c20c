# The debug-key registry. test_keyhandler.c #includes the module (to reset
# the key table between cases), so it is a prerequisite, not a source.
# Normal handlers run from a tasklet: the real tasklets and softirqs.
SRCS-test_keyhandler := $(XEN)/common/tasklet.c $(XEN)/common/softirq.c \
                        stub_spinlock.c
test_keyhandler: $(XEN)/common/keyhandler.c
