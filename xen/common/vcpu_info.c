/*
 * vcpu_info.c: VCPUOP_register_vcpu_info, moving a vCPU's vcpu_info out of
 * shared_info into a page of the guest's choosing.
 *
 * Theory of operation. shared_info holds vcpu_info slots for vCPUs 0-31
 * only; a guest with more vCPUs, or one that wants its vcpu_info in per-CPU
 * memory (Linux always does), names a frame and an offset. The vcpu_info
 * (64 bytes) must lie wholly inside that page, 8-byte aligned, and the
 * move happens once per vCPU: the hypervisor keeps a general and a
 * writable-type reference on the frame (get_guest_page_rw(), so it can
 * never become a page table under our writes) and writes it through the
 * direct map until unmap_vcpu_info() at domain destruction.
 *
 * The move: the old contents are copied across (upcall mask, pending
 * flags, the time record with its version), v->vcpu_info is switched, and
 * then every selector bit and upcall_pending are set in the new copy. An
 * event raised on another pCPU while we copied may have landed in the old
 * copy; marking everything pending afterwards, as Xen does, guarantees the
 * guest rescans its event bitmaps, which hold the truth, and costs at most
 * one spurious upcall. No kick is needed: v is either current (it checks
 * on its way back to the guest) or down (it checks when brought up).
 *
 * Locking: the caller holds the domain lock, which serialises this with
 * VCPUOP_up and a second registration of the same vCPU.
 */
#include <asm/atomic.h>
#include <asm/current.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/vcpu_timer.h>

/* Where v's vcpu_info lives when it has not registered one. */
static struct vcpu_info *default_vcpu_info(const struct vcpu *v)
{
    struct shared_info *s = v->domain->shared_info;

    if ( !s || v->vcpu_id >= XEN_LEGACY_MAX_VCPUS )
        return NULL;
    return &s->vcpu_info[v->vcpu_id];
}

static int check_map_args(const struct vcpu *v, unsigned int offset)
{
    BUILD_BUG_ON(sizeof(struct vcpu_info) != 64);

    if ( offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
         (offset & (__alignof__(struct vcpu_info) - 1)) )
        return -EINVAL;
    if ( v->vcpu_info_registered )
        return -EINVAL;
    /* Only on oneself, or on a vCPU that is down (Xen's rule). */
    if ( v != current && !(v->pause_flags & VPF_down) )
        return -EINVAL;
    return 0;
}

int map_vcpu_info(struct vcpu *v, unsigned long gfn, unsigned int offset)
{
    struct domain *d = v->domain;
    struct vcpu_info *new;
    struct page_info *pg;
    int rc;

    ASSERT(spin_is_locked(&d->domain_lock));
    rc = check_map_args(v, offset);
    if ( rc )
        return rc;
    pg = get_guest_page_rw(d, gfn);
    if ( !pg )
        return -EINVAL;

    /* Commit: nothing below fails. */
    new = (struct vcpu_info *)((char *)page_to_virt(pg) + offset);
    if ( v->vcpu_info )
        memcpy(new, v->vcpu_info, sizeof(*new));
    else
    {
        memset(new, 0, sizeof(*new));
        new->evtchn_upcall_mask = 1;
    }
    v->arch.pv.vcpu_info_page = pg;
    v->vcpu_info_registered = true;
    write_atomic(&v->vcpu_info, new);
    smp_wmb();      /* the new pointer before the pending marks */
    write_atomic(&new->evtchn_pending_sel, ~(xen_ulong_t)0);
    write_atomic(&new->evtchn_upcall_pending, 1);

    if ( v == current )
        update_vcpu_system_time(v);     /* a fresh record (was it zeroed?) */
    return 0;
}

void unmap_vcpu_info(struct vcpu *v)
{
    struct page_info *pg = v->arch.pv.vcpu_info_page;

    if ( !v->vcpu_info_registered )
        return;
    write_atomic(&v->vcpu_info, default_vcpu_info(v));
    v->vcpu_info_registered = false;
    v->arch.pv.vcpu_info_page = NULL;
    put_guest_page_rw(pg);
}
