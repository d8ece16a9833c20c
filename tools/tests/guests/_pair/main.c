/*
 * _pair: not a test by itself. Booted twice, as dom0 and as domU 1
 * (domu_modules=1), it checks an interdomain event channel between two
 * real domains (tools/tests/qemu/test_containment.py); the reference has
 * no second boot-time domain, so the guest test evtchn_interdomain checks
 * the same semantics within one domain there.
 *
 *   dom0: alloc_unbound for domain 1 (its first port, so port 1), waits on
 *         it with SCHEDOP_poll, answers with a send on the same port.
 *   domU: binds to dom0's port 1 (retrying until dom0 has offered it),
 *         sends, waits for the answer, shuts down.
 */
#include "guest.h"

static long poll_port(evtchn_port_t port, uint64_t timeout_ns)
{
    struct sched_poll p = { .nr_ports = 1, .timeout = system_time_ns() + timeout_ns };

    set_xen_guest_handle(p.ports, &port);
    return hypervisor_sched_op(SCHEDOP_poll, &p);
}

static bool pending(evtchn_port_t port)
{
    return shared->evtchn_pending[port / 64] & (1UL << (port % 64));
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static void wait_for(evtchn_port_t port, const char *what)
{
    unsigned int i;

    for ( i = 0; i < 100 && !pending(port); i++ )
        poll_port(port, 100000000UL);          /* 100 ms at a time */
    if ( !pending(port) )
        panic("no event on port %u: %s", port, what);
    clear_pending(port);
}

static void dom0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    struct evtchn_send s;

    if ( hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au) )
        panic("alloc_unbound failed");
    printk("pair: dom0 offers port %u to d1\n", au.port);
    wait_for(au.port, "from d1");
    printk("pair: dom0 got d1's event on port %u\n", au.port);
    s.port = au.port;
    if ( hypervisor_event_channel_op(EVTCHNOP_send, &s) )
        panic("send failed");
    for ( ; ; )
        hypervisor_sched_op(SCHEDOP_block, NULL);
}

static void domu(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct evtchn_send s;
    unsigned int i;
    long rc = -EINVAL;

    for ( i = 0; i < 200 && rc; i++ )
    {
        rc = hypervisor_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
        if ( rc )
        {
            uint64_t until = system_time_ns() + 10000000UL;     /* 10 ms */

            while ( system_time_ns() < until )
                hypervisor_sched_op(SCHEDOP_yield, NULL);
        }
    }
    if ( rc )
        panic("bind_interdomain to d0 port 1 failed: %ld", rc);
    printk("pair: d1 bound port %u to d0 port 1\n", bi.local_port);
    /* bind_interdomain raises the new port once (as Xen): drop that. */
    clear_pending(bi.local_port);
    s.port = bi.local_port;
    if ( hypervisor_event_channel_op(EVTCHNOP_send, &s) )
        panic("send failed");
    wait_for(bi.local_port, "d0's answer");
    printk("pair: d1 got d0's answer\n");
    test_result(SUCCESS, "%s", "");
}

int main(void)
{
    if ( start_info->flags & SIF_INITDOMAIN )
        dom0();
    domu();
    return 0;
}
