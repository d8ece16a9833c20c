/*
 * vcpu_op.c: the vcpu_op hypercall, vcpu_op(cmd, vcpuid, arg), and the
 * guest's copy of a vCPU's runstate.
 *
 * Theory of operation. vcpuid names a vCPU of the caller's own domain;
 * one that does not exist (beyond max_vcpus, or not created) is -ENOENT
 * for every command, which is how Linux counts its possible CPUs
 * (VCPUOP_is_up). Each command reads its argument, checks everything, and
 * only then changes state. The commands, with Xen 4.17's rules:
 *
 *   initialise       the arch loads a vcpu_guest_context (-EINVAL while
 *                    the vCPU has no vcpu_info, i.e. vCPUs 32+ before
 *                    register_vcpu_info)
 *   up               -EINVAL until initialised; down: if it is the last
 *                    vCPU up, the domain is powered off instead
 *   is_up            1 or 0
 *   get_runstate_info, register_runstate_memory_area
 *   set/stop_periodic_timer (any vCPU of the domain),
 *   set/stop_singleshot_timer (only the calling vCPU: -EINVAL otherwise;
 *                    VCPU_SSHOTTMR_future is ignored, as in Xen 4.17.7)
 *   register_vcpu_info, register_vcpu_time_memory_area
 *   send_nmi         a virtual NMI for v (arg must be NULL: -EINVAL), taken
 *                    through its NMI callback (arch_vcpu_send_nmi)
 *   get_physid       -EINVAL: only for a hardware domain whose vCPUs are
 *                    pinned one to one to pCPUs (dom0_vcpus_pin), which we
 *                    do not offer
 *   anything else    -ENOSYS
 *
 * The runstate copy. A guest registers a guest virtual address; the
 * vCPU's runstate (48 bytes) is written there at once and then at every
 * context switch (update_runstate_area()). With VMASST_TYPE_runstate_
 * update_flag enabled, XEN_RUNSTATE_UPDATE (bit 63 of state_entry_time) is
 * set, by a one-byte write of the top byte, before the rest is rewritten
 * and cleared after, so a reader on another vCPU can tell a torn copy.
 * The snapshot is taken under the vCPU's schedule lock, since other pCPUs
 * change the runstate of a vCPU that is not running.
 *
 * Locking: VCPUOP_up and register_vcpu_info take the domain lock (order:
 * domain lock, then schedule locks); the rest take none of their own.
 */
#include <asm/current.h>
#include <asm/pv/hypercall.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/vcpu_timer.h>

/* Offset of the top byte of state_entry_time (x86 is little-endian). */
#define RUNSTATE_FLAG_BYTE \
    (offsetof(struct vcpu_runstate_info, state_entry_time) + 7)

/* ---- The runstate copy ---- */

static void runstate_snapshot(struct vcpu *v, struct vcpu_runstate_info *rs)
{
    unsigned long flags;
    spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

    *rs = v->runstate;
    sched_unlock_irqrestore(lock, flags);
}

static void write_flag_byte(unsigned long va, uint64_t entry_time)
{
    uint8_t top = entry_time >> 56;

    copy_to_guest_va(va + RUNSTATE_FLAG_BYTE, &top, 1);
}

void update_runstate_area(struct vcpu *v)
{
    unsigned long va = ACCESS_ONCE(v->arch.pv.runstate_guest);
    bool flag = test_bit(VMASST_TYPE_runstate_update_flag,
                         &v->domain->vm_assist);
    struct vcpu_runstate_info rs;

    BUILD_BUG_ON(sizeof(rs) != 48);
    if ( !va )
        return;
    runstate_snapshot(v, &rs);

    if ( flag )
    {
        rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
        write_flag_byte(va, rs.state_entry_time);
        smp_wmb();
    }
    copy_to_guest_va(va, &rs, sizeof(rs));
    if ( flag )
    {
        smp_wmb();
        write_flag_byte(va, rs.state_entry_time & ~XEN_RUNSTATE_UPDATE);
    }
}

/* ---- Commands ---- */

static long vcpuop_initialise(struct vcpu *v, int cmd, unsigned int vcpuid,
                              XEN_GUEST_HANDLE_PARAM(void) arg)
{
    long rc;

    if ( !v->vcpu_info )
        return -EINVAL;
    rc = arch_initialise_vcpu(v, arg);
    if ( rc == -ERESTART )
        rc = hypercall_create_continuation(__HYPERVISOR_vcpu_op, "iih",
                                           cmd, vcpuid, arg.p);
    return rc;
}

static long vcpuop_up(struct vcpu *v)
{
    struct domain *d = v->domain;
    long rc = 0;

    spin_lock(&d->domain_lock);
    if ( !v->arch.pv.initialised )
        rc = -EINVAL;
    else
        vcpu_up(v);
    spin_unlock(&d->domain_lock);
    return rc;
}

/* Taking the last vCPU down powers the domain off (as Xen). */
static long vcpuop_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu *o;

    for_each_vcpu ( d, o )
        if ( o != v && !test_bit(_VPF_down, &o->pause_flags) )
        {
            vcpu_down(v);
            return 0;
        }
    domain_shutdown(d, SHUTDOWN_poweroff);
    return 0;
}

static long vcpuop_get_runstate(struct vcpu *v,
                                XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs);
    return copy_to_guest(arg, &rs, 1) ? -EFAULT : 0;
}

/* A guest VA for a record of len bytes, read from the argument. */
static long read_area_va(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned long len,
                         unsigned long *va)
{
    uint64_t p;

    if ( copy_from_guest(&p, arg, 1) )
        return -EFAULT;
    if ( !guest_range_ok(p, len) )
        return -EFAULT;
    *va = p;
    return 0;
}

static long vcpuop_register_runstate(struct vcpu *v,
                                     XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned long va;
    long rc;

    BUILD_BUG_ON(sizeof(struct vcpu_register_runstate_memory_area) != 8);
    rc = read_area_va(arg, sizeof(struct vcpu_runstate_info), &va);
    if ( rc )
        return rc;
    write_atomic(&v->arch.pv.runstate_guest, va);      /* 0: none */
    update_runstate_area(v);
    return 0;
}

static long vcpuop_register_time_area(struct vcpu *v,
                                      XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned long va;
    long rc;

    BUILD_BUG_ON(sizeof(struct vcpu_register_time_memory_area) != 8);
    rc = read_area_va(arg, sizeof(struct vcpu_time_info), &va);
    if ( rc )
        return rc;
    register_vcpu_time_area(v, va);
    return 0;
}

static long vcpuop_set_periodic(struct vcpu *v,
                                XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_set_periodic_timer set;

    if ( copy_from_guest(&set, arg, 1) )
        return -EFAULT;
    if ( !set.period_ns )
        return -EINVAL;                 /* 0 would mean "stop" below */
    return vcpu_set_periodic_timer(v, set.period_ns);
}

static long vcpuop_set_singleshot(struct vcpu *v,
                                  XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_set_singleshot_timer set;

    if ( v != current )
        return -EINVAL;
    if ( copy_from_guest(&set, arg, 1) )
        return -EFAULT;
    vcpu_set_singleshot_timer(v, set.timeout_abs_ns);  /* flags ignored */
    return 0;
}

static long vcpuop_register_vcpu_info(struct vcpu *v,
                                      XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info info;
    long rc;

    if ( copy_from_guest(&info, arg, 1) )
        return -EFAULT;
    spin_lock(&d->domain_lock);
    rc = map_vcpu_info(v, info.mfn, info.offset);
    spin_unlock(&d->domain_lock);
    return rc;
}

long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    if ( vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]) )
        return -ENOENT;

    switch ( cmd )
    {
    case VCPUOP_initialise:
        return vcpuop_initialise(v, cmd, vcpuid, arg);
    case VCPUOP_up:
        return vcpuop_up(v);
    case VCPUOP_down:
        return vcpuop_down(v);
    case VCPUOP_is_up:
        return !test_bit(_VPF_down, &v->pause_flags);
    case VCPUOP_get_runstate_info:
        return vcpuop_get_runstate(v, arg);
    case VCPUOP_register_runstate_memory_area:
        return vcpuop_register_runstate(v, arg);
    case VCPUOP_set_periodic_timer:
        return vcpuop_set_periodic(v, arg);
    case VCPUOP_stop_periodic_timer:
        return vcpu_set_periodic_timer(v, 0);
    case VCPUOP_set_singleshot_timer:
        return vcpuop_set_singleshot(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        vcpu_stop_singleshot_timer(v);
        return 0;
    case VCPUOP_register_vcpu_info:
        return vcpuop_register_vcpu_info(v, arg);
    case VCPUOP_register_vcpu_time_memory_area:
        return vcpuop_register_time_area(v, arg);
    case VCPUOP_send_nmi:
        if ( !guest_handle_is_null(arg) )
            return -EINVAL;
        arch_vcpu_send_nmi(v);
        return 0;
    case VCPUOP_get_physid:
        return -EINVAL;
    default:
        return -ENOSYS;
    }
}
