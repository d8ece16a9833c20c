/*
 * softirq.c: deferred work, run per CPU outside interrupt context.
 *
 * Theory of operation
 * -------------------
 * Interrupt handlers must be short and cannot take the locks that ordinary
 * hypervisor code holds with interrupts enabled. Work that needs more than
 * that is deferred: the handler raises a softirq, and the work runs later
 * on the same CPU, with interrupts enabled, from a point where no lock is
 * held: the idle loop, and the exit path back to a guest. A softirq may
 * also be raised on another CPU, to have work done there (the scheduler
 * and the timers do this).
 *
 * Each CPU has a word of pending bits, softirq_pending(cpu). Raising sets
 * a bit; do_softirq() repeatedly takes the lowest pending bit, clears it
 * and calls its handler, until the word is empty. Because the word is
 * re-read after every handler, a softirq raised meanwhile runs in the same
 * call, and a lower-numbered one overtakes the higher ones still pending:
 * the numbering is a priority order (timers first). The bit is cleared
 * before the handler runs, so a raise during the handler means "run
 * again", never "lost".
 *
 * Raising on another CPU sets the bit and then sends that CPU the
 * event-check IPI, which gets it out of hlt or out of its guest into a
 * path that runs softirqs. The IPI is sent only by whoever turned the bit
 * from 0 to 1: if it was already set, the target has been told already
 * (or set it itself) and will see the bit before it next idles or enters
 * a guest, since those paths check the word with interrupts disabled.
 * Raising on a whole mask sends one batched IPI to the CPUs that need it.
 *
 * do_softirq() does not nest on a CPU: a handler that called it (directly
 * or through process_pending_softirqs()) would run other handlers, or
 * itself, in the middle of its own work, and handlers are written
 * assuming they are not re-entered on their CPU. Debug builds assert it.
 * The context switch leaves a softirq handler by jumping to a fresh stack;
 * it calls softirq_abandon_frame() to say so.
 *
 * Concurrency: no locks. A pending word is changed with atomic bit
 * operations by any CPU (set) and by its owner (clear); the handler table
 * is written at boot, before other CPUs run.
 */
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/softirq.h>
#include <asm/atomic.h>
#include <asm/system.h>

DEFINE_PER_CPU(unsigned long, softirq_pending);

/* True while this CPU is inside do_softirq()/process_pending_softirqs(). */
static DEFINE_PER_CPU(bool, softirq_active);

static softirq_handler softirq_handlers[NR_SOFTIRQS];

void open_softirq(unsigned int nr, softirq_handler handler)
{
    BUILD_BUG_ON(NR_SOFTIRQS > BITS_PER_LONG);
    BUG_ON(nr >= NR_SOFTIRQS);
    ASSERT(handler);
    /* One owner per number: a second subsystem here is a numbering bug. */
    ASSERT(!softirq_handlers[nr] || softirq_handlers[nr] == handler);

    softirq_handlers[nr] = handler;
}

void raise_softirq(unsigned int nr)
{
    ASSERT(nr < NR_SOFTIRQS);
    set_bit(nr, &this_cpu(softirq_pending));
}

/*
 * Set nr pending on cpu. Returns true if the caller must wake cpu: it
 * turned the bit on, and cpu is not the caller's own CPU.
 */
static bool set_pending(unsigned int cpu, unsigned int nr)
{
    ASSERT(nr < NR_SOFTIRQS);
    ASSERT(cpu < NR_CPUS);

    if ( test_and_set_bit(nr, &softirq_pending(cpu)) )
        return false;
    return cpu != smp_processor_id();
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if ( set_pending(cpu, nr) )
        smp_send_event_check_cpu(cpu);
}

void cpumask_raise_softirq(const cpumask_t *mask, unsigned int nr)
{
    cpumask_t wake;
    unsigned int cpu;

    cpumask_clear(&wake);
    for_each_cpu ( cpu, mask )
        if ( set_pending(cpu, nr) )
            cpumask_set_cpu(cpu, &wake);

    if ( !cpumask_empty(&wake) )
        smp_send_event_check_mask(&wake);
}

/* Run the pending softirqs of this CPU that are not in ignore. */
static void run_pending(unsigned long ignore)
{
    unsigned int cpu = smp_processor_id();
    unsigned long pending;
    softirq_handler handler;
    unsigned int nr;

    ASSERT(local_irq_is_enabled());
    ASSERT(!per_cpu(softirq_active, cpu));
    per_cpu(softirq_active, cpu) = true;

    while ( (pending = read_atomic(&softirq_pending(cpu)) & ~ignore) != 0 )
    {
        nr = ffsl(pending) - 1;
        clear_bit(nr, &softirq_pending(cpu));

        handler = softirq_handlers[nr];
        if ( likely(handler) )
            handler();
        else
            ASSERT_UNREACHABLE();       /* raised but never opened */
    }

    per_cpu(softirq_active, cpu) = false;
}

void do_softirq(void)
{
    run_pending(0);
}

void process_pending_softirqs(void)
{
    run_pending(1ul << SCHEDULE_SOFTIRQ);
}

void softirq_abandon_frame(void)
{
    this_cpu(softirq_active) = false;
}
