# Event channels on the simulated machine: the scheduler simulator (real
# domains, vCPUs, timers) plus the event channel sources. The test supplies
# shared_info, guest memory access, guest frames and the arch upcall hooks.
EVTCHN_SRCS := $(addprefix $(XEN)/common/,event_channel.c event_2l.c \
               event_fifo.c event_poll.c)
SRCS-test_evtchn = $(SCHED_SIM_SRCS) $(EVTCHN_SRCS)
CFLAGS-test_evtchn = $(SCHED_SIM_CFLAGS)
test_evtchn: $(SCHED_SIM_DEPS)
