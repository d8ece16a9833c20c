/*
 * sched: sched_op yield, block and poll (pv-abi.md 2, hypercall 29).
 *
 * - SCHEDOP_yield returns 0;
 * - SCHEDOP_block with an event already pending returns at once, unmasks
 *   the vCPU and the upcall runs; with nothing pending it sleeps until the
 *   one-shot timer fires, and the vCPU's blocked time grows;
 * - SCHEDOP_poll (vCPU masked): a pending port returns at once, a quiet one
 *   sleeps until the timeout (absolute system time) and returns 0; a bad
 *   port gives -EINVAL; the upcall mask is left as it was.  4.17 also
 *   polls with the vCPU unmasked (no -EINVAL).
 */
#include "guest.h"

const char test_title[] = "sched: yield, block, poll";

static volatile unsigned int ipi_count, timer_count;

static void ipi_handler(evtchn_port_t port)
{
    ipi_count++;
}

static void timer_handler(evtchn_port_t port)
{
    timer_count++;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_send, &s);
}

static long set_timer(uint64_t deadline)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };

    return hypervisor_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static long poll(evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
    struct sched_poll p = { .nr_ports = n, .timeout = timeout };

    set_xen_guest_handle(p.ports, ports);
    return hypervisor_sched_op(SCHEDOP_poll, &p);
}

int main(void)
{
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct vcpu_runstate_info rs0, rs1;
    evtchn_port_t port, bad = 4095;
    uint64_t t0, t1;
    long rc;

    CHECK_EQ(hypervisor_sched_op(SCHEDOP_yield, NULL), 0);

    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
    port = ipi.port;
    set_evtchn_handler(port, ipi_handler);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_virq, &virq), 0);
    set_evtchn_handler(virq.port, timer_handler);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);

    /* Block with an event pending: back at once, upcall delivered. */
    events_mask();
    CHECK_EQ(send(port), 0);
    t0 = system_time_ns();
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_block, NULL), 0);
    t1 = system_time_ns();
    CHECK_EQ(ipi_count, 1);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 0);
    printk("block with an event pending: %lu ns\n", t1 - t0);
    CHECK(t1 - t0 < 20000000UL);

    /* Block with nothing pending: sleeps until the timer. */
    events_mask();
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 0, &rs0), 0);
    t0 = system_time_ns();
    CHECK_EQ(set_timer(t0 + 20000000UL), 0);
    while ( !timer_count )
    {
        CHECK_EQ(hypervisor_sched_op(SCHEDOP_block, NULL), 0);
        events_mask();
    }
    t1 = system_time_ns();
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 0, &rs1), 0);
    printk("block until a 20 ms timer: %lu ns, blocked time +%lu ns\n", t1 - t0,
           rs1.time[RUNSTATE_blocked] - rs0.time[RUNSTATE_blocked]);
    CHECK(t1 - t0 >= 20000000UL);
    CHECK(rs1.time[RUNSTATE_blocked] - rs0.time[RUNSTATE_blocked] >= 10000000UL);

    /* Poll, vCPU masked: a pending port returns at once. */
    CHECK_EQ(send(port), 0);
    t0 = system_time_ns();
    CHECK_EQ(poll(&port, 1, t0 + 1000000000UL), 0);
    t1 = system_time_ns();
    CHECK(t1 - t0 < 20000000UL);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 1);
    CHECK(shared->evtchn_pending[port / 64] & (1UL << (port % 64)));
    events_unmask();                    /* deliver it */
    CHECK_EQ(ipi_count, 2);
    events_mask();

    /* A quiet port: the timeout ends it. */
    t0 = system_time_ns();
    rc = poll(&port, 1, t0 + 30000000UL);
    t1 = system_time_ns();
    printk("poll with a 30 ms timeout: rc %ld after %lu ns\n", rc, t1 - t0);
    CHECK_EQ(rc, 0);
    CHECK(t1 - t0 >= 30000000UL);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 1);

    /* Bad polls. */
    CHECK_EQ(poll(&bad, 1, system_time_ns() + 1000000UL), -EINVAL);
    /* 4.17 does not insist on a masked vCPU: it polls all the same. */
    vcpu0()->evtchn_upcall_mask = 0;
    t0 = system_time_ns();
    rc = poll(&port, 1, t0 + 5000000UL);
    t1 = system_time_ns();
    events_mask();
    CHECK_EQ(rc, 0);
    CHECK(t1 - t0 >= 5000000UL);

    test_done();
}
