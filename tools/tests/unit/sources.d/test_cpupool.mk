# CPU pool operations under load, on the simulated machine.
SRCS-test_cpupool = $(SCHED_SIM_SRCS)
CFLAGS-test_cpupool = $(SCHED_SIM_CFLAGS)
test_cpupool: $(SCHED_SIM_DEPS)
