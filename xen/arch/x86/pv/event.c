/*
 * pv/event.c: making a PV vCPU notice an event (xen/event.h).
 *
 * The event channel code marks a port pending and then, if the guest
 * wants to hear about it, calls vcpu_mark_events_pending(). That sets the
 * vCPU's upcall_pending flag in its vcpu_info and kicks the vCPU: a
 * blocked vCPU is woken; one running on another pCPU gets an event-check
 * IPI, so that it passes through return_to_guest, which delivers the
 * upcall; one running on this pCPU will see it on its own way out.
 *
 * Locking: none; the flag is set atomically and the wake-up path takes
 * the scheduler's locks.
 */
#include <asm/current.h>
#include <xen/bitops.h>
#include <xen/event.h>
#include <xen/sched.h>
#include <xen/smp.h>

void vcpu_kick(struct vcpu *v)
{
    bool running = v->is_running;

    vcpu_unblock(v);
    if ( running && v != current )
        smp_send_event_check_cpu(v->processor);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    uint8_t *pending = &v->vcpu_info->evtchn_upcall_pending;

    /* The guest clears the flag; only a 0 -> 1 change needs a kick. */
    if ( __atomic_exchange_n(pending, 1, __ATOMIC_SEQ_CST) )
        return;
    vcpu_kick(v);
}
