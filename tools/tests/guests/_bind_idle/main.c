/*
 * _bind_idle: not a test. A dom0 that binds a few event channels (the
 * timer VIRQ, an IPI, an unbound port for domain 0 itself) and then sleeps
 * for good, so the 'e' debug key has something to show
 * (tools/tests/qemu/test_containment.py).
 */
#include "guest.h"

int main(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };

    if ( hypervisor_event_channel_op(EVTCHNOP_bind_virq, &bv) ||
         hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &bi) ||
         hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au) )
        panic("binding failed");
    printk("bind_idle: virq port %u, ipi port %u, unbound port %u\n",
           bv.port, bi.port, au.port);
    for ( ; ; )
        hypervisor_sched_op(SCHEDOP_block, NULL);
}
