# The domain and vCPU life cycle, on the simulated machine.
SRCS-test_domain = $(SCHED_SIM_SRCS)
CFLAGS-test_domain = $(SCHED_SIM_CFLAGS)
test_domain: $(SCHED_SIM_DEPS)
