/*
 * xen/selftest.h: boot-time SMP self-checks (debug builds only),
 * selected with selftest=<list>.
 */
#ifndef XEN_SELFTEST_H
#define XEN_SELFTEST_H

#if CONFIG_DEBUG
void selftest_run(void);

/* Hypervisor-internal test vCPUs and domains (common/sched_selftest.c). */
void sched_selftest_weights(void);
void sched_selftest_lifecycle(void);
void sched_selftest_fpu(void);
#else
static inline void selftest_run(void) { }
#endif

#endif /* XEN_SELFTEST_H */
