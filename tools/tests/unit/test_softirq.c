/*
 * test_softirq.c: softirqs (xen/common/softirq.c).
 *
 * Simulated CPUs are switched with harness_set_cpu(); the event-check IPI
 * hooks record who was sent what. Every number has a recording handler
 * whose extra behaviour a test chooses through hook[nr].
 */
#include <xen/lib.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <asm/system.h>

#include "harness.h"

#define NR_TEST_CPUS 4

/* --- Arch hooks: record the IPIs. --- */

static unsigned int ipis[NR_CPUS];          /* IPIs received, per CPU */
static unsigned int mask_calls;             /* smp_send_event_check_mask() */
static bool ipi_to_self;

void smp_send_event_check_cpu(unsigned int cpu)
{
    ipi_to_self |= cpu == smp_processor_id();
    ipis[cpu]++;
}

void smp_send_event_check_mask(const cpumask_t *mask)
{
    unsigned int cpu;

    mask_calls++;
    for_each_cpu ( cpu, mask )
    {
        ipi_to_self |= cpu == smp_processor_id();
        ipis[cpu]++;
    }
}

/* --- Recording handlers. --- */

static unsigned int order[64];              /* softirq numbers, as run */
static unsigned int order_cpu[64];
static unsigned int nr_run;
static bool irqs_were_off;
static void (*hook[NR_SOFTIRQS])(void);

static void record(unsigned int nr)
{
    if ( nr_run < ARRAY_SIZE(order) )
    {
        order[nr_run] = nr;
        order_cpu[nr_run] = smp_processor_id();
    }
    nr_run++;
    irqs_were_off |= !local_irq_is_enabled();
    if ( hook[nr] )
        hook[nr]();
}

#define HANDLER(n) static void handler##n(void) { record(n); }
HANDLER(0) HANDLER(1) HANDLER(2) HANDLER(3) HANDLER(4) HANDLER(5) HANDLER(6)

static const softirq_handler handlers[] = {
    handler0, handler1, handler2, handler3, handler4, handler5, handler6,
};

static void setup(void)
{
    unsigned int nr, cpu;

    _Static_assert(ARRAY_SIZE(handlers) == NR_SOFTIRQS, "one per softirq");
    for ( nr = 0; nr < NR_SOFTIRQS; nr++ )
        open_softirq(nr, handlers[nr]);
    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
    {
        harness_set_cpu(cpu);
        softirq_abandon_frame();            /* after a caught assertion */
        softirq_pending(cpu) = 0;
    }
    harness_set_cpu(0);
    local_irq_enable();
    memset(ipis, 0, sizeof(ipis));
    memset(hook, 0, sizeof(hook));
    mask_calls = 0;
    ipi_to_self = false;
    nr_run = 0;
    irqs_were_off = false;
}

static void run_on(unsigned int cpu)
{
    harness_set_cpu(cpu);
    do_softirq();
    harness_set_cpu(0);
}

TEST(raise_runs_once_and_clears)
{
    setup();
    raise_softirq(RCU_SOFTIRQ);
    CHECK_EQ(softirq_pending(0), 1ul << RCU_SOFTIRQ);
    do_softirq();
    CHECK_EQ(nr_run, 1);
    CHECK_EQ(order[0], RCU_SOFTIRQ);
    CHECK_EQ(softirq_pending(0), 0);
    do_softirq();
    CHECK_EQ(nr_run, 1);
    CHECK(!irqs_were_off);
}

TEST(lowest_number_first)
{
    setup();
    raise_softirq(NR_COMMON_SOFTIRQS + 1);
    raise_softirq(TASKLET_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);
    raise_softirq(RCU_SOFTIRQ);
    raise_softirq(RCU_SOFTIRQ);             /* once is once */
    do_softirq();
    CHECK_EQ(nr_run, 4);
    CHECK_EQ(order[0], TIMER_SOFTIRQ);
    CHECK_EQ(order[1], RCU_SOFTIRQ);
    CHECK_EQ(order[2], TASKLET_SOFTIRQ);
    CHECK_EQ(order[3], NR_COMMON_SOFTIRQS + 1);
}

static unsigned int rcu_reraises;

static void rcu_raises_timer(void)
{
    raise_softirq(TIMER_SOFTIRQ);
}

static void rcu_raises_itself(void)
{
    if ( rcu_reraises-- )
        raise_softirq(RCU_SOFTIRQ);
}

TEST(raise_during_handler_overtakes_and_reruns)
{
    setup();
    hook[RCU_SOFTIRQ] = rcu_raises_timer;
    raise_softirq(RCU_SOFTIRQ);
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();
    /* TIMER, raised by RCU's handler, runs before the pending TASKLET. */
    CHECK_EQ(nr_run, 3);
    CHECK_EQ(order[0], RCU_SOFTIRQ);
    CHECK_EQ(order[1], TIMER_SOFTIRQ);
    CHECK_EQ(order[2], TASKLET_SOFTIRQ);

    setup();
    rcu_reraises = 2;
    hook[RCU_SOFTIRQ] = rcu_raises_itself;
    raise_softirq(RCU_SOFTIRQ);
    do_softirq();
    CHECK_EQ(nr_run, 3);                    /* its own raise is not lost */
    CHECK_EQ(softirq_pending(0), 0);
}

TEST(remote_raise_sends_one_ipi_until_handled)
{
    setup();
    cpu_raise_softirq(2, SCHEDULE_SOFTIRQ);
    CHECK_EQ(ipis[2], 1);
    CHECK_EQ(softirq_pending(2), 1ul << SCHEDULE_SOFTIRQ);
    CHECK_EQ(softirq_pending(0), 0);

    /* Already pending there: the target has been told. */
    cpu_raise_softirq(2, SCHEDULE_SOFTIRQ);
    harness_set_cpu(1);
    cpu_raise_softirq(2, SCHEDULE_SOFTIRQ);
    harness_set_cpu(0);
    CHECK_EQ(ipis[2], 1);

    /* Not run by the raiser: by the target. */
    do_softirq();
    CHECK_EQ(nr_run, 0);
    run_on(2);
    CHECK_EQ(nr_run, 1);
    CHECK_EQ(order_cpu[0], 2);

    /* Handled: the next raise needs a new IPI. */
    cpu_raise_softirq(2, SCHEDULE_SOFTIRQ);
    CHECK_EQ(ipis[2], 2);

    /* A different softirq is a different bit. */
    cpu_raise_softirq(2, RCU_SOFTIRQ);
    CHECK_EQ(ipis[2], 3);
    CHECK(!ipi_to_self);
}

TEST(raise_on_own_cpu_sends_no_ipi)
{
    setup();
    harness_set_cpu(3);
    cpu_raise_softirq(3, TIMER_SOFTIRQ);
    harness_set_cpu(0);
    CHECK_EQ(ipis[3], 0);
    CHECK_EQ(softirq_pending(3), 1ul << TIMER_SOFTIRQ);
    CHECK(!ipi_to_self);
}

TEST(mask_raise_batches_ipis)
{
    cpumask_t mask;
    unsigned int cpu;

    setup();
    cpumask_clear(&mask);
    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
        cpumask_set_cpu(cpu, &mask);
    cpu_raise_softirq(2, TASKLET_SOFTIRQ);  /* 2 is told already */
    CHECK_EQ(ipis[2], 1);

    harness_set_cpu(1);
    cpumask_raise_softirq(&mask, TASKLET_SOFTIRQ);
    harness_set_cpu(0);
    CHECK_EQ(mask_calls, 1);
    CHECK_EQ(ipis[0], 1);
    CHECK_EQ(ipis[1], 0);                   /* the raiser itself */
    CHECK_EQ(ipis[2], 1);
    CHECK_EQ(ipis[3], 1);
    CHECK(!ipi_to_self);
    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
        CHECK_EQ(softirq_pending(cpu), 1ul << TASKLET_SOFTIRQ);

    /* Nobody to wake: no call at all. */
    cpumask_raise_softirq(&mask, TASKLET_SOFTIRQ);
    CHECK_EQ(mask_calls, 1);
    cpumask_clear(&mask);
    cpumask_raise_softirq(&mask, TASKLET_SOFTIRQ);
    CHECK_EQ(mask_calls, 1);
}

TEST(process_pending_leaves_schedule)
{
    setup();
    raise_softirq(SCHEDULE_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);
    raise_softirq(RCU_SOFTIRQ);
    process_pending_softirqs();
    CHECK_EQ(nr_run, 2);
    CHECK_EQ(order[0], TIMER_SOFTIRQ);
    CHECK_EQ(order[1], RCU_SOFTIRQ);
    CHECK_EQ(softirq_pending(0), 1ul << SCHEDULE_SOFTIRQ);
    do_softirq();
    CHECK_EQ(nr_run, 3);
    CHECK_EQ(order[2], SCHEDULE_SOFTIRQ);
}

static void nest_do_softirq(void)
{
    do_softirq();
}

static void nest_process_pending(void)
{
    process_pending_softirqs();
}

static void raise_and_run_nested(void)
{
    raise_softirq(RCU_SOFTIRQ);
    do_softirq();
}

TEST(nesting_is_caught)
{
    setup();
    hook[RCU_SOFTIRQ] = nest_do_softirq;
    CHECK(harness_panics(raise_and_run_nested));
    CHECK(strstr(harness_last_panic(), "softirq_active") != NULL);

    setup();
    hook[RCU_SOFTIRQ] = nest_process_pending;
    CHECK(harness_panics(raise_and_run_nested));

    /* A handler that switched stacks says so; then softirqs run again. */
    setup();
    softirq_abandon_frame();
    raise_softirq(RCU_SOFTIRQ);
    do_softirq();
    CHECK_EQ(nr_run, 1);
}

static void run_with_irqs_off(void)
{
    local_irq_disable();
    do_softirq();
}

TEST(needs_interrupts_enabled)
{
    setup();
    raise_softirq(RCU_SOFTIRQ);
    CHECK(harness_panics(run_with_irqs_off));
    local_irq_enable();
    CHECK_EQ(nr_run, 0);
}

static void open_out_of_range(void)
{
    open_softirq(NR_SOFTIRQS, handler0);
}

static void open_taken_number(void)
{
    open_softirq(TIMER_SOFTIRQ, handler1);
}

TEST(open_checks_its_arguments)
{
    setup();
    CHECK(harness_panics(open_out_of_range));
    CHECK(harness_panics(open_taken_number));
    open_softirq(TIMER_SOFTIRQ, handler0);  /* the same owner again is fine */
}

TEST(cpus_are_independent)
{
    setup();
    cpu_raise_softirq(1, RCU_SOFTIRQ);
    cpu_raise_softirq(3, TIMER_SOFTIRQ);
    run_on(3);
    CHECK_EQ(nr_run, 1);
    CHECK_EQ(order[0], TIMER_SOFTIRQ);
    CHECK_EQ(order_cpu[0], 3);
    CHECK_EQ(softirq_pending(1), 1ul << RCU_SOFTIRQ);
    run_on(1);
    CHECK_EQ(nr_run, 2);
    CHECK_EQ(order_cpu[1], 1);
}
