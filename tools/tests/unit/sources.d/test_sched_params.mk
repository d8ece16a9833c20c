# Scheduler parameters (sched_adjust, sched_adjust_global) of both
# schedulers, on the simulated machine.
SRCS-test_sched_params = $(SCHED_SIM_SRCS)
CFLAGS-test_sched_params = $(SCHED_SIM_CFLAGS)
test_sched_params: $(SCHED_SIM_DEPS)
