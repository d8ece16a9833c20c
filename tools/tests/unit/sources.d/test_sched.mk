# Scheduler property tests (both schedulers) on the simulated machine.
SRCS-test_sched = $(SCHED_SIM_SRCS)
CFLAGS-test_sched = $(SCHED_SIM_CFLAGS)
test_sched: $(SCHED_SIM_DEPS)
