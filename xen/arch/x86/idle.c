/*
 * idle.c: what a CPU does when it has nothing to do.
 *
 * Pending softirqs first (timers, later scheduling), then a batch of page
 * scrubbing, else sleep until the next interrupt. "cli; check; sti; hlt"
 * closes the race with an interrupt that raises a softirq between the
 * check and the hlt: sti takes effect after the next instruction, so the
 * interrupt can only arrive once the CPU is halted, and wakes it.
 */
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/percpu.h>
#include <xen/softirq.h>

static void safe_halt(void)
{
    __asm__ __volatile__ ( "sti; hlt" ::: "memory" );
}

void idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for ( ; ; )
    {
        if ( softirq_pending(cpu) )
        {
            do_softirq();
            continue;
        }
        if ( scrub_free_pages() )
            continue;
        local_irq_disable();
        if ( !softirq_pending(cpu) )
            safe_halt();
        local_irq_enable();
    }
}
