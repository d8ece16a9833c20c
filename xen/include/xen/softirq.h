/*
 * xen/softirq.h: softirqs, work deferred out of interrupt context.
 *
 * A softirq is a numbered handler that runs on a CPU some time after it
 * was raised there, with interrupts enabled, outside any interrupt
 * handler: from the idle loop and on the way back to a guest. Each CPU
 * has a bitmap of pending softirqs; raising sets a bit, do_softirq()
 * clears and runs them, lowest number first. See xen/common/softirq.c.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include <xen/cpumask.h>
#include <xen/percpu.h>
#include <xen/types.h>

/* Lower numbers run first. */
enum {
    TIMER_SOFTIRQ = 0,
    SCHEDULE_SOFTIRQ,
    NEW_TLBFLUSH_CLOCK_PERIOD_SOFTIRQ,
    RCU_SOFTIRQ,
    TASKLET_SOFTIRQ,
    NR_COMMON_SOFTIRQS
};

/*
 * The arch's softirqs are numbered from NR_COMMON_SOFTIRQS upwards. Room
 * for two is reserved until x86 defines its own (it will want one for
 * machine-check reports and one for the timer calibration rendezvous) and
 * moves this count into an asm header.
 */
#define NR_ARCH_SOFTIRQS 2
#define NR_SOFTIRQS (NR_COMMON_SOFTIRQS + NR_ARCH_SOFTIRQS)

typedef void (*softirq_handler)(void);

/* Install the handler of softirq nr (at boot, before it can be raised). */
void open_softirq(unsigned int nr, softirq_handler handler);

/* Mark softirq nr pending on this CPU / on cpu / on every CPU of mask. */
void raise_softirq(unsigned int nr);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
void cpumask_raise_softirq(const cpumask_t *mask, unsigned int nr);

/* The pending bitmap of cpu (bit n = softirq n). */
DECLARE_PER_CPU(unsigned long, softirq_pending);
#define softirq_pending(cpu) per_cpu(softirq_pending, cpu)

/*
 * Run this CPU's pending softirqs until none is left. Interrupts must be
 * enabled; never called from a softirq handler.
 */
void do_softirq(void);

/*
 * The same for code that runs for a long time outside the idle loop: runs
 * every pending softirq except SCHEDULE_SOFTIRQ, since the caller cannot
 * be descheduled in the middle of its work.
 */
void process_pending_softirqs(void);

/*
 * For the code that switches this CPU to a fresh stack from inside a
 * softirq handler (the context switch): the do_softirq() below it will
 * never be returned to, so this CPU is no longer running softirqs.
 */
void softirq_abandon_frame(void);

/*
 * Arch hooks: send cpu (each CPU of mask; never the caller) the
 * event-check IPI. Its handler does nothing: the interrupt only wakes the
 * target out of hlt or out of a guest, and the paths back to the idle
 * loop and to the guest run the pending softirqs.
 */
void smp_send_event_check_cpu(unsigned int cpu);
void smp_send_event_check_mask(const cpumask_t *mask);

#endif /* XEN_SOFTIRQ_H */
