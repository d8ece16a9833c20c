/*
 * domctl.c: the toolstack's control hypercall (__HYPERVISOR_domctl).
 *
 * Theory of operation. Only a privileged domain may call it (-EPERM
 * otherwise), and only with the interface version this hypervisor speaks
 * (-EACCES otherwise: the structure's layout is version-specific, so a
 * mismatched caller's data cannot be trusted to mean what it says). The
 * command acts on the domain named in the structure, looked up and
 * referenced for the duration. Commands run one at a time (the domctl
 * lock), so two toolstack calls never race on one domain's life cycle.
 *
 * Commands so far: destroydomain (domain_kill; the structure is freed
 * when its last reference goes). The rest of the interface comes with
 * the toolstack and answers -ENOSYS until then.
 *
 * Locking: domctl_lock, outermost; domain_kill() takes the domain's own
 * locks inside it.
 */
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/domctl.h>

static DEFINE_SPINLOCK(domctl_lock);

static long destroy_domain(struct domain *d)
{
    if ( d == current->domain )
        return -EINVAL;             /* a domain cannot destroy itself */
    return domain_kill(d);
}

long do_domctl(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_domctl op;
    struct domain *d;
    long rc;

    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;

    d = get_domain_by_id(op.domain);
    if ( !d )
        return -ESRCH;
    spin_lock(&domctl_lock);
    switch ( op.cmd )
    {
    case XEN_DOMCTL_destroydomain:
        rc = destroy_domain(d);
        break;
    default:
        rc = -ENOSYS;
        break;
    }
    spin_unlock(&domctl_lock);
    put_domain(d);
    return rc;
}
