/*
 * xen/smp.h: running code on other CPUs.
 */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include <xen/cpumask.h>
#include <xen/types.h>

/*
 * Run fn(info) on every CPU in mask (the calling CPU included if it is in
 * the mask) and, if wait, return only when all have finished. Must be
 * called with interrupts enabled (another CPU may be calling us).
 */
void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *info),
                      void *info, bool wait);
/* All online CPUs but this one. */
void smp_call_function(void (*fn)(void *info), void *info, bool wait);

/* Make CPUs look at their softirqs / event state. */
void smp_send_event_check_cpu(unsigned int cpu);
void smp_send_event_check_mask(const cpumask_t *mask);

/* Flush the TLBs (global entries too) of the CPUs in mask, and wait. */
void flush_tlb_mask(const cpumask_t *mask);

/* Stop every other CPU (panic, shutdown). */
void smp_send_stop(void);

void smp_intr_init(void);

/*
 * Where a pCPU sits: its package (socket) and its core within it, as
 * numbered at boot from the APIC IDs (smpboot.c). Host tests supply their
 * own.
 */
unsigned int cpu_to_socket(unsigned int cpu);
unsigned int cpu_to_core(unsigned int cpu);

#endif /* XEN_SMP_H */
