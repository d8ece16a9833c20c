/*
 * sched_op.c: the sched_op hypercall (29): a guest gives up its pCPU
 * (yield), waits for an event (block, poll) or shuts itself or, if
 * privileged, another domain down.
 *
 * Blocking in a one-stack-per-pCPU hypervisor: SCHEDOP_block marks the
 * vCPU blocked and asks for a reschedule; the hypercall returns 0 into the
 * guest frame at once, and the vCPU leaves the pCPU on the way out
 * (return_to_guest runs the schedule softirq). When an event wakes it, it
 * resumes in the guest just after the hypercall. Block enables event
 * delivery first (the upcall mask is cleared), and an event already
 * pending means no sleep at all (vcpu_block checks after setting the
 * flag, so a racing event is not lost).
 *
 * Locking: none of its own.
 */
#include <asm/pv/hypercall.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

static long sched_shutdown(struct domain *d, XEN_GUEST_HANDLE_PARAM(void) arg,
                           bool record_only)
{
    struct sched_shutdown s;

    if ( raw_copy_from_guest(&s, arg.p, sizeof(s)) )
        return -EFAULT;
    if ( s.reason > SHUTDOWN_MAX )
        return -EINVAL;
    if ( record_only )
    {
        /* SCHEDOP_shutdown_code: say why, for a shutdown that follows. */
        spin_lock(&d->domain_lock);
        if ( !d->is_shutting_down )
            d->shutdown_code = s.reason;
        spin_unlock(&d->domain_lock);
        return 0;
    }
    if ( s.reason == SHUTDOWN_crash )
        printk(XENLOG_ERR "Domain %u asked to be crashed\n", d->domain_id);
    return domain_shutdown(d, s.reason);
}

static long sched_remote_shutdown(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct sched_remote_shutdown s;
    struct domain *d;
    long rc;

    if ( raw_copy_from_guest(&s, arg.p, sizeof(s)) )
        return -EFAULT;
    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( s.reason > SHUTDOWN_MAX )
        return -EINVAL;
    d = get_domain_by_id(s.domain_id);
    if ( !d )
        return -ESRCH;
    rc = domain_shutdown(d, s.reason);
    put_domain(d);
    return rc;
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = current;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;

    case SCHEDOP_block:
        v->vcpu_info->evtchn_upcall_mask = 0;
        vcpu_block();
        return 0;

    case SCHEDOP_shutdown:
        return sched_shutdown(v->domain, arg, false);

    case SCHEDOP_shutdown_code:
        return sched_shutdown(v->domain, arg, true);

    case SCHEDOP_poll:
        return sched_poll(arg);

    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(arg);

    case SCHEDOP_watchdog:
    case SCHEDOP_pin_override:
        /* Not provided yet: Linux treats these as optional. */
        return -ENOSYS;

    default:
        return -ENOSYS;
    }
}
