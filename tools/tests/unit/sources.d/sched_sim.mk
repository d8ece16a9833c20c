# The scheduler simulator (sched_sim.c, its standard scenarios in
# sched_sim_scn.c) and the hypervisor sources it runs:
# the scheduling framework, both schedulers, timers, softirqs, tasklets and
# the real spinlocks (single-threaded here: every simulated pCPU runs on
# one host thread). The printf family is the hypervisor's, renamed as in
# test_vsprintf. sched_rr_sim.c is a round-robin scheduler for the
# simulator's own tests; it also stands in for a scheduler whose file is
# not in the tree (yet), so the simulator still links.
SCHED_SIM_XEN := schedule.c cpupool.c domain.c tasklet.c timer.c softirq.c \
                 spinlock.c cpumask.c lib.c vsprintf.c
SCHED_SIM_CREDIT := $(wildcard $(XEN)/common/sched_credit.c $(XEN)/common/sched_credit_acct.c)
SCHED_SIM_CREDIT2 := $(wildcard $(XEN)/common/sched_credit2*.c)
SCHED_SIM_SRCS = sched_sim.c sched_sim_scn.c $(addprefix $(XEN)/common/,$(SCHED_SIM_XEN)) \
                 $(SCHED_SIM_CREDIT) $(SCHED_SIM_CREDIT2) sched_rr_sim.c
SCHED_SIM_CFLAGS = -Dvsnprintf=xen_vsnprintf -Dsnprintf=xen_snprintf \
                   -Dvscnprintf=xen_vscnprintf -Dscnprintf=xen_scnprintf \
                   $(if $(SCHED_SIM_CREDIT),,-DSIM_RR_AS_CREDIT) \
                   $(if $(SCHED_SIM_CREDIT2),,-DSIM_RR_AS_CREDIT2)
SCHED_SIM_DEPS := sched_sim.h $(wildcard $(XEN)/common/sched_credit*.h)
