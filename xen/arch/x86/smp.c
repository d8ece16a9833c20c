/*
 * smp.c: inter-processor interrupts.
 *
 * Theory of operation. Three IPIs, each with a fixed vector:
 *
 *   EVENT_CHECK: does nothing but interrupt; the target notices pending
 *       softirqs on its way back (out of hlt, or to a guest);
 *   CALL_FUNCTION: the target runs the function described in call_data
 *       and acknowledges by clearing its bit in call_data.selected;
 *   INVALIDATE_TLB: the target flushes its whole TLB and clears its bit
 *       in flush_cpumask.
 *
 * Only one cross-CPU call or flush is in flight at a time (call_lock);
 * the initiator waits for every target's acknowledgement with interrupts
 * enabled, so two CPUs calling each other cannot deadlock on each other's
 * IPIs, only queue on the lock. A CPU in the mask that is the initiator
 * runs the function (or flushes) itself, directly.
 *
 * Locking: call_lock serialises initiators (taken with IRQs enabled; it
 * is never taken from IRQ context).
 */
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>

static DEFINE_SPINLOCK(call_lock);

static struct call_data {
    void (*fn)(void *info);
    void *info;
    bool wait;                  /* acknowledge after running, not before */
    cpumask_t selected;         /* still to acknowledge */
} call_data;

static cpumask_t flush_cpumask;

void smp_send_event_check_cpu(unsigned int cpu)
{
    cpumask_t m;

    cpumask_clear(&m);
    cpumask_set_cpu(cpu, &m);
    smp_send_event_check_mask(&m);
}

void smp_send_event_check_mask(const cpumask_t *mask)
{
    cpumask_t m;

    cpumask_and(&m, mask, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &m);
    if ( !cpumask_empty(&m) )
        send_ipi_mask(&m, EVENT_CHECK_VECTOR);
}

static void event_check_interrupt(const struct cpu_user_regs *regs)
{
    /* Softirqs are looked at on the way out of the interrupt. */
}

static void call_function_interrupt(const struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();
    void (*fn)(void *info);
    void *info;

    if ( !cpumask_test_cpu(cpu, &call_data.selected) )
        return;
    /* Our bit is set: call_data is this round's and stays so until we ack. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    fn = call_data.fn;
    info = call_data.info;
    /*
     * Without wait, the initiator only needs us to have taken fn and info:
     * acknowledge first, and call_data may be reused while fn runs.
     */
    if ( !call_data.wait )
    {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        cpumask_clear_cpu(cpu, &call_data.selected);
        fn(info);
        return;
    }
    fn(info);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cpumask_clear_cpu(cpu, &call_data.selected);
}

static void invalidate_interrupt(const struct cpu_user_regs *regs)
{
    flush_tlb_all_local();
    cpumask_clear_cpu(smp_processor_id(), &flush_cpumask);
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *info),
                      void *info, bool wait)
{
    unsigned int me = smp_processor_id();
    cpumask_t targets;

    ASSERT(local_irq_is_enabled());
    cpumask_and(&targets, mask, &cpu_online_map);

    spin_lock(&call_lock);
    call_data.fn = fn;
    call_data.info = info;
    call_data.wait = wait;
    cpumask_copy(&call_data.selected, &targets);
    cpumask_clear_cpu(me, &call_data.selected);
    if ( !cpumask_empty(&call_data.selected) )
        send_ipi_mask(&call_data.selected, CALL_FUNCTION_VECTOR);

    if ( cpumask_test_cpu(me, &targets) )
    {
        unsigned long flags;

        local_irq_save(flags);
        fn(info);
        local_irq_restore(flags);
    }
    /* Until every target has acknowledged (ran fn, or took it if !wait). */
    while ( !cpumask_empty(&call_data.selected) )
        cpu_relax();
    spin_unlock(&call_lock);
}

void smp_call_function(void (*fn)(void *info), void *info, bool wait)
{
    cpumask_t m;

    cpumask_copy(&m, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &m);
    on_selected_cpus(&m, fn, info, wait);
}

void flush_tlb_mask(const cpumask_t *mask)
{
    unsigned int me = smp_processor_id();
    cpumask_t targets;

    cpumask_and(&targets, mask, &cpu_online_map);
    if ( cpumask_test_cpu(me, mask) )
        flush_tlb_all_local();
    cpumask_clear_cpu(me, &targets);
    if ( cpumask_empty(&targets) )
        return;

    /* Early in boot, or with interrupts off, nobody else can be flushing. */
    if ( !local_irq_is_enabled() )
    {
        ASSERT(num_online_cpus() == 1);
        return;
    }
    spin_lock(&call_lock);
    cpumask_copy(&flush_cpumask, &targets);
    send_ipi_mask(&targets, INVALIDATE_TLB_VECTOR);
    while ( !cpumask_empty(&flush_cpumask) )
        cpu_relax();
    spin_unlock(&call_lock);
}

void flush_tlb_all(void)
{
    flush_tlb_mask(&cpu_online_map);
}

static void stop_this_cpu(void *unused)
{
    cpumask_clear_cpu(smp_processor_id(), &cpu_online_map);
    cpu_halt_forever();
}

void smp_send_stop(void)
{
    cpumask_t m;
    unsigned int spins;

    cpumask_copy(&m, &cpu_online_map);
    cpumask_clear_cpu(smp_processor_id(), &m);
    if ( cpumask_empty(&m) )
        return;
    /* Not through call_lock: the caller may be panicking while holding it. */
    call_data.fn = stop_this_cpu;
    call_data.wait = false;
    cpumask_copy(&call_data.selected, &m);
    send_ipi_mask(&m, CALL_FUNCTION_VECTOR);
    for ( spins = 0; spins < 1000 && num_online_cpus() > 1; spins++ )
        udelay(100);
}

void smp_intr_init(void)
{
    set_direct_apic_vector(EVENT_CHECK_VECTOR, event_check_interrupt);
    set_direct_apic_vector(CALL_FUNCTION_VECTOR, call_function_interrupt);
    set_direct_apic_vector(INVALIDATE_TLB_VECTOR, invalidate_interrupt);
}
