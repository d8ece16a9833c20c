# vCPU timers, vcpu_op, vcpu_info registration and guest time, on the
# simulated machine (sched_sim.mk); the test file stubs the event channels,
# guest memory and frames, the arch's initialise and time.c's TSC scale.
VCPU_TIMER_SRCS := $(addprefix $(XEN)/common/,vcpu_timer.c vcpu_op.c \
                                 vcpu_info.c) \
                   $(XEN)/arch/x86/time_guest.c
SRCS-test_vcpu_timer = $(SCHED_SIM_SRCS) $(VCPU_TIMER_SRCS)
CFLAGS-test_vcpu_timer = $(SCHED_SIM_CFLAGS)
test_vcpu_timer: $(SCHED_SIM_DEPS)
