/*
 * tasklet.c: deferred work, run from TASKLET_SOFTIRQ.
 *
 * Theory of operation. Each pCPU has a FIFO of queued tasklets. A
 * tasklet is in one of three states: idle (scheduled_on == -1, not
 * running), queued on a pCPU (scheduled_on == that pCPU, on its list), or
 * running (is_running), possibly already asked to run again
 * (scheduled_on set but not yet on a list: it is queued when the current
 * run ends, so one tasklet never runs on two pCPUs at once). The softirq
 * handler takes tasklets off its pCPU's list one at a time and runs each
 * with no lock held and interrupts enabled.
 *
 * Locking: tasklet_lock (IRQ-safe, since tasklets are scheduled from
 * interrupt handlers) protects every list and every tasklet's state. It is
 * a leaf lock: nothing is called with it held.
 */
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <asm/atomic.h>
#include <asm/processor.h>

static DEFINE_SPINLOCK(tasklet_lock);
static DEFINE_PER_CPU(struct list_head, tasklet_list);

/* Per-CPU areas are copies of a zeroed template: set heads up lazily. */
static struct list_head *cpu_list(unsigned int cpu)
{
    struct list_head *h = &per_cpu(tasklet_list, cpu);

    if ( !h->next )
        INIT_LIST_HEAD(h);
    return h;
}

void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data)
{
    INIT_LIST_HEAD(&t->list);
    t->scheduled_on = -1;
    t->is_running = false;
    t->is_dead = false;
    t->func = func;
    t->data = data;
}

/* Put t on its pCPU's list and kick that pCPU. Lock held. */
static void enqueue(struct tasklet *t)
{
    ASSERT(t->scheduled_on >= 0 && !t->is_running);
    list_add_tail(&t->list, cpu_list(t->scheduled_on));
    cpu_raise_softirq(t->scheduled_on, TASKLET_SOFTIRQ);
}

void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu)
{
    unsigned long flags;

    ASSERT(cpu < NR_CPUS);
    spin_lock_irqsave(&tasklet_lock, flags);
    if ( !t->is_dead && t->scheduled_on < 0 )
    {
        t->scheduled_on = cpu;
        if ( !t->is_running )
            enqueue(t);
    }
    spin_unlock_irqrestore(&tasklet_lock, flags);
}

void tasklet_schedule(struct tasklet *t)
{
    tasklet_schedule_on_cpu(t, smp_processor_id());
}

void tasklet_kill(struct tasklet *t)
{
    unsigned long flags;

    spin_lock_irqsave(&tasklet_lock, flags);
    t->is_dead = true;
    if ( t->scheduled_on >= 0 && !t->is_running )
        list_del_init(&t->list);
    t->scheduled_on = -1;
    while ( t->is_running )
    {
        spin_unlock_irqrestore(&tasklet_lock, flags);
        cpu_relax();
        spin_lock_irqsave(&tasklet_lock, flags);
    }
    spin_unlock_irqrestore(&tasklet_lock, flags);
}

static void tasklet_softirq(void)
{
    struct list_head *h = cpu_list(smp_processor_id());
    struct tasklet *t;

    spin_lock_irq(&tasklet_lock);
    while ( !list_empty(h) )
    {
        t = list_first_entry(h, struct tasklet, list);
        list_del_init(&t->list);
        t->scheduled_on = -1;
        t->is_running = true;
        spin_unlock_irq(&tasklet_lock);

        t->func(t->data);

        spin_lock_irq(&tasklet_lock);
        t->is_running = false;
        if ( t->scheduled_on >= 0 )
            enqueue(t);         /* asked for again while it ran */
    }
    spin_unlock_irq(&tasklet_lock);
}

void tasklet_subsys_init(void)
{
    open_softirq(TASKLET_SOFTIRQ, tasklet_softirq);
}
