/*
 * event_poll.c: SCHEDOP_poll, "block until one of these ports is
 * pending, or until a deadline".
 *
 * Theory of operation
 * -------------------
 * Linux uses it for its paravirtual spinlocks: a vCPU waiting for a lock
 * polls the (masked) port the holder will kick, with events masked, so
 * ordinary upcalls do not wake it. The hypercall returns 0 at once if
 * the vCPU has an upcall to take or a port is already pending; otherwise
 * it blocks the vCPU and returns 0. As with SCHEDOP_block, blocking is a
 * flag: the hypercall returns, and the scheduler (raised here) switches
 * the vCPU out on the way back to the guest, so the vCPU resumes after
 * the hypercall when it is woken:
 *   - by evtchn_check_pollers() (event_channel.c) when a port it polls
 *     becomes pending: one port polled names it in v->poll_evtchn, several
 *     (or none) say -1, "any port of the domain", as in Xen;
 *   - by the poll timer at the deadline (an absolute system time; 0 means
 *     none);
 *   - by anything else that unblocks it (an unmasked upcall's kick, a
 *     pause): a spurious return the guest tolerates (it polls in a loop).
 *
 * Lost wake-ups. The poller announces itself (d->poll_mask, VPF_blocked),
 * then, after a full barrier, looks at the ports. A raiser sets the
 * pending bit, then (its locked bit operation being a full barrier) looks
 * at d->poll_mask. One of the two sees the other: either the poller finds
 * the port pending and undoes its block, or the raiser finds the poller
 * and wakes it.
 *
 * Locking: none of its own. The poll timer (initialised on the first poll
 * of each vCPU, killed by evtchn_domain_destroy()) runs on the vCPU's pCPU
 * at the time of that first poll.
 */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/event_ops.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/timer.h>

/* Xen's limit on ports per poll ("fairly arbitrary"). */
#define POLL_MAX_PORTS 128

static void poll_timer_fn(void *data)
{
    struct vcpu *v = data;

    if ( test_and_clear_bit(v->vcpu_id, v->domain->poll_mask) )
    {
        write_atomic(&v->poll_evtchn, 0);
        vcpu_unblock(v);
    }
}

/* Make v's poll timer usable and disarmed (v is current). */
static void poll_timer_prepare(struct vcpu *v)
{
    if ( v->poll_timer.status == TIMER_STATUS_invalid )
        init_timer(&v->poll_timer, poll_timer_fn, v, v->processor);
    else
        stop_timer(&v->poll_timer);    /* left armed by an earlier poll */
}

/* Stop polling (v is current and had announced itself). */
static void poll_undo(struct vcpu *v)
{
    write_atomic(&v->poll_evtchn, 0);
    clear_bit(v->vcpu_id, v->domain->poll_mask);
    clear_bit(_VPF_blocked, &v->pause_flags);
}

/*
 * After announcing: 1 if an event is already there (do not block), 0 if
 * none (*last: the last port read), or -errno.
 */
static int poll_check_ports(struct vcpu *v, const struct sched_poll *sp,
                            evtchn_port_t *last)
{
    struct domain *d = v->domain;
    evtchn_port_t port;
    unsigned int i;

    if ( local_events_need_delivery_v(v) )
        return 1;
    for ( i = 0; i < sp->nr_ports; i++ )
    {
        if ( copy_from_guest_offset(&port, sp->ports, i, 1) )
            return -EFAULT;
        /* As on Xen: a port without storage yet is invalid. */
        if ( !evtchn_port_valid(d, port) )
            return -EINVAL;
        if ( evtchn_port_is_pending(d, port) )
            return 1;
        *last = port;
    }
    return 0;
}

static long do_poll(const struct sched_poll *sp)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    evtchn_port_t port = 0;
    int rc;

    ASSERT(!is_idle_vcpu(v) && d->evtchn);
    if ( sp->nr_ports > POLL_MAX_PORTS )
        return -EINVAL;
    if ( !guest_handle_okay(sp->ports, sp->nr_ports) )
        return -EFAULT;

    poll_timer_prepare(v);
    write_atomic(&v->poll_evtchn, -1);
    set_bit(v->vcpu_id, d->poll_mask);
    set_bit(_VPF_blocked, &v->pause_flags);
    smp_mb();       /* announced before we look (see "Lost wake-ups") */

    rc = poll_check_ports(v, sp, &port);
    if ( rc )
    {
        poll_undo(v);
        return rc < 0 ? rc : 0;
    }
    if ( sp->nr_ports == 1 )
        write_atomic(&v->poll_evtchn, (int)port);
    if ( sp->timeout )
        set_timer(&v->poll_timer, sp->timeout);
    raise_softirq(SCHEDULE_SOFTIRQ);
    return 0;
}

long sched_poll(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct sched_poll sp;

    BUILD_BUG_ON(sizeof(struct sched_poll) != 24);
    if ( copy_from_guest(&sp, arg, 1) )
        return -EFAULT;
    return do_poll(&sp);
}
