/*
 * bench_sched: scheduler and timer paths (a benchmark, not a test).
 *
 * - sched_yield: SCHEDOP_yield with nothing else runnable (the options
 *   file gives one CPU, so dom0 has one vCPU), ns per yield;
 * - timer_late_median / timer_late_p90: VCPUOP_set_singleshot_timer 1 ms
 *   ahead, then SCHEDOP_block until VIRQ_TIMER's upcall; lateness is the
 *   system time the handler reads minus the deadline, over TIMER_SAMPLES
 *   ticks after TIMER_WARMUP (in us, one decimal).  An early tick counts
 *   as 0 and is reported in the "#" line (evtchn2l checks there are none).
 *   Under QEMU TCG some wakeups from a halted CPU come ~5 ms late on both
 *   hypervisors (not when the guest spins instead of blocking), so the p90
 *   swings from run to run; the median is the steadier figure.
 * See lib/bench.h for the method.
 */
#include "bench.h"

const char test_title[] = "bench_sched: yield, one-shot timer lateness";

#define TIMER_WARMUP   10
#define TIMER_SAMPLES  301
#define TIMER_AHEAD_NS 1000000UL

static volatile unsigned long ticks;
static volatile uint64_t tick_ns;
static uint64_t late_ns[TIMER_SAMPLES];

static void timer_handler(evtchn_port_t port)
{
    tick_ns = system_time_ns();
    ticks++;
}

static void op_yield(unsigned long n)
{
    long rc;

    while ( n-- )
        if ( (rc = hypervisor_sched_op(SCHEDOP_yield, NULL)) != 0 )
            panic("SCHEDOP_yield: %ld", rc);
}

/* One tick TIMER_AHEAD_NS ahead: its lateness in ns (0 if early). */
static uint64_t one_tick(unsigned int *early, unsigned int *spurious)
{
    struct vcpu_set_singleshot_timer t;
    unsigned long before = ticks;
    uint64_t deadline = system_time_ns() + TIMER_AHEAD_NS;
    long rc;

    t.timeout_abs_ns = deadline;
    t.flags = 0;
    if ( (rc = hypervisor_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t)) != 0 )
        panic("VCPUOP_set_singleshot_timer: %ld", rc);
    for ( ;; )
    {
        /* SCHEDOP_block unmasks events; the upcall runs before it returns. */
        if ( (rc = hypervisor_sched_op(SCHEDOP_block, NULL)) != 0 )
            panic("SCHEDOP_block: %ld", rc);
        events_mask();
        if ( ticks != before )
            break;
        ++*spurious;
    }
    if ( tick_ns < deadline )
    {
        ++*early;
        return 0;
    }
    return tick_ns - deadline;
}

static void bench_timer(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    unsigned int i, early = 0, spurious = 0;
    long rc;

    if ( (rc = hypervisor_event_channel_op(EVTCHNOP_bind_virq, &bind)) != 0 )
        panic("EVTCHNOP_bind_virq(VIRQ_TIMER): %ld", rc);
    set_evtchn_handler(bind.port, timer_handler);
    events_mask();

    for ( i = 0; i < TIMER_WARMUP; i++ )
        one_tick(&early, &spurious);
    early = spurious = 0;
    for ( i = 0; i < TIMER_SAMPLES; i++ )
        late_ns[i] = one_tick(&early, &spurious);

    bench_sort(late_ns, TIMER_SAMPLES);
    printk("# timer: %u ticks %lu ns ahead, %u early, %u spurious wakeups; lateness in us:"
           " min %lu p10 %lu p25 %lu p50 %lu p75 %lu p90 %lu max %lu\n",
           TIMER_SAMPLES, TIMER_AHEAD_NS, early, spurious, late_ns[0] / 1000,
           bench_percentile(late_ns, TIMER_SAMPLES, 10) / 1000,
           bench_percentile(late_ns, TIMER_SAMPLES, 25) / 1000,
           bench_percentile(late_ns, TIMER_SAMPLES, 50) / 1000,
           bench_percentile(late_ns, TIMER_SAMPLES, 75) / 1000,
           bench_percentile(late_ns, TIMER_SAMPLES, 90) / 1000,
           late_ns[TIMER_SAMPLES - 1] / 1000);
    bench_report("timer_late_median", bench_percentile(late_ns, TIMER_SAMPLES, 50) / 100, "us");
    bench_report("timer_late_p90", bench_percentile(late_ns, TIMER_SAMPLES, 90) / 100, "us");
    if ( hypervisor_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) )
        panic("VCPUOP_stop_singleshot_timer failed");
}

int main(void)
{
    bench_init();
    bench_run("sched_yield", op_yield, 1, "ns/op");
    bench_timer();
    test_done();
}
