/*
 * evtchn2l: 2-level event channels (pv-abi.md 4) and the one-shot timer.
 *
 * - bind_ipi gives a port > 0 with status IPI on vCPU 0;
 * - send with the vCPU masked: pending bit, pending_sel bit, upcall_pending
 *   set, no upcall; unmasking the vCPU delivers one upcall;
 * - a masked port: send sets only its pending bit; EVTCHNOP_unmask then
 *   raises pending_sel/upcall_pending (an upcall if the vCPU is unmasked);
 * - edges: a send to a port already pending changes nothing else;
 * - close: status closed; send to it, closing it again, a port never
 *   allocated, a port past the 2-level limit: -EINVAL;
 * - VIRQ_TIMER with VCPUOP_set_singleshot_timer: 100 ticks of 1 ms, each
 *   no earlier than its deadline, and the TSC agrees about the total;
 *   a deadline in the past fires at once, with or without
 *   VCPU_SSHOTTMR_future (4.17.7 ignores that flag: no -ETIME).
 */
#include "guest.h"

const char test_title[] = "evtchn2l: 2-level event channels, IPI and VIRQ_TIMER";

static volatile unsigned int ipi_count, timer_count;
static volatile uint64_t last_tick_ns;

static void ipi_handler(evtchn_port_t port)
{
    ipi_count++;
}

static void timer_handler(evtchn_port_t port)
{
    last_tick_ns = system_time_ns();
    timer_count++;
}

static bool test_bit(const volatile xen_ulong_t *map, unsigned int port)
{
    return (map[port / 64] >> (port % 64)) & 1;
}

static void set_bit(volatile xen_ulong_t *map, unsigned int port)
{
    __atomic_fetch_or(&map[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
}

static void clear_bit(volatile xen_ulong_t *map, unsigned int port)
{
    __atomic_fetch_and(&map[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_send, &s);
}

static long unmask_port(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_unmask, &u);
}

/* Forget everything pending (vCPU masked). */
static void reset_pending(evtchn_port_t port)
{
    clear_bit(shared->evtchn_pending, port);
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
}

static void ipi_tests(void)
{
    struct evtchn_bind_ipi bind = { .vcpu = 0 };
    struct evtchn_status st = { .dom = DOMID_SELF };
    struct evtchn_close cl;
    evtchn_port_t p;
    unsigned int n;

    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &bind), 0);
    p = bind.port;
    printk("IPI port %u\n", p);
    CHECK(p > 0);
    set_evtchn_handler(p, ipi_handler);
    st.port = p;
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 0);
    /* a fresh port is unmasked and not pending */
    CHECK(!test_bit(shared->evtchn_mask, p));
    CHECK(!test_bit(shared->evtchn_pending, p));

    /* Send with the vCPU masked: everything set, no upcall. */
    events_mask();
    n = nr_upcalls;
    CHECK_EQ(send(p), 0);
    CHECK(test_bit(shared->evtchn_pending, p));
    CHECK(vcpu0()->evtchn_pending_sel & (1UL << (p / 64)));
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);
    CHECK_EQ(nr_upcalls, n);
    CHECK_EQ(ipi_count, 0);

    /* Edge: already pending, so a second send sets nothing else. */
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
    CHECK_EQ(send(p), 0);
    CHECK_EQ(vcpu0()->evtchn_pending_sel, 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 0);

    /* Unmask the vCPU with an event pending: one upcall. */
    reset_pending(p);
    CHECK_EQ(send(p), 0);
    events_unmask();
    CHECK_EQ(nr_upcalls, n + 1);
    CHECK_EQ(ipi_count, 1);
    CHECK(!test_bit(shared->evtchn_pending, p));
    /* With the vCPU unmasked, a send upcalls on the way out of the call. */
    CHECK_EQ(send(p), 0);
    CHECK_EQ(ipi_count, 2);
    events_mask();

    /* A masked port: only its pending bit. */
    set_bit(shared->evtchn_mask, p);
    CHECK_EQ(send(p), 0);
    CHECK(test_bit(shared->evtchn_pending, p));
    CHECK_EQ(vcpu0()->evtchn_pending_sel, 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 0);
    /* EVTCHNOP_unmask with it pending raises the upcall. */
    CHECK_EQ(unmask_port(p), 0);
    CHECK(!test_bit(shared->evtchn_mask, p));
    CHECK(vcpu0()->evtchn_pending_sel & (1UL << (p / 64)));
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);
    events_unmask();
    CHECK_EQ(ipi_count, 3);
    /* unmask of a port that is not pending: nothing */
    events_mask();
    CHECK_EQ(unmask_port(p), 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 0);

    cl.port = p;
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_close, &cl), 0);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(send(p), -EINVAL);
    CHECK_EQ(send(4000), -EINVAL);
    CHECK_EQ(send(EVTCHN_2L_NR_CHANNELS), -EINVAL);
    CHECK_EQ(unmask_port(EVTCHN_2L_NR_CHANNELS), -EINVAL);
    cl.port = p;
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_close, &cl), -EINVAL);   /* again */
}

static long set_timer(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };

    return hypervisor_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static void block(void)
{
    /* SCHEDOP_block unmasks events itself; mask again afterwards. */
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_block, NULL), 0);
    events_mask();
}

static void timer_tests(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint64_t start_ns, start_tsc, deadline, late_max = 0, ns, tsc_ns;
    const struct vcpu_time_info *t = &vcpu0()->time;
    unsigned int i, early = 0, spurious = 0;

    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_virq, &bind), 0);
    printk("VIRQ_TIMER port %u\n", bind.port);
    set_evtchn_handler(bind.port, timer_handler);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    events_mask();

    /* A deadline in the past fires at once... */
    timer_count = 0;
    CHECK_EQ(set_timer(1, 0), 0);
    block();
    CHECK_EQ(timer_count, 1);
    /*
     * VCPU_SSHOTTMR_future used to mean -ETIME for a past deadline; Xen
     * 4.17.7 ignores the flag (Linux misused it), so this fires at once too.
     */
    timer_count = 0;
    CHECK_EQ(set_timer(1, VCPU_SSHOTTMR_future), 0);
    block();
    CHECK_EQ(timer_count, 1);

    timer_count = 0;
    start_ns = system_time_ns();
    start_tsc = rdtsc();
    for ( i = 0; i < 100; i++ )
    {
        unsigned int before = timer_count;

        deadline = system_time_ns() + 1000000;
        CHECK_EQ(set_timer(deadline, 0), 0);
        while ( timer_count == before )
        {
            block();
            if ( timer_count == before )
                spurious++;
        }
        if ( last_tick_ns < deadline )
            early++;
        else if ( last_tick_ns - deadline > late_max )
            late_max = last_tick_ns - deadline;
    }
    ns = system_time_ns() - start_ns;
    /* the TSC's view of the same interval, through mul/shift */
    tsc_ns = rdtsc() - start_tsc;
    tsc_ns = t->tsc_shift >= 0 ? tsc_ns << t->tsc_shift : tsc_ns >> -t->tsc_shift;
    tsc_ns = (uint64_t)(((unsigned __int128)tsc_ns * t->tsc_to_system_mul) >> 32);
    printk("100 ticks in %lu ns (TSC: %lu ns), latest %lu ns late, %u early, %u spurious wakeups\n",
           ns, tsc_ns, late_max, early, spurious);
    CHECK_EQ(timer_count, 100);
    CHECK_EQ(early, 0);
    CHECK(ns >= 100000000UL);
    CHECK(tsc_ns + 1000000 >= ns && tsc_ns <= ns + 1000000);
    CHECK(late_max < 100000000UL);

    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
}

int main(void)
{
    ipi_tests();
    timer_tests();
    test_done();
}
