/*
 * xen/event.h: event channels (common/event_channel.c and the 2-level and
 * FIFO port ABIs) and how the rest of the hypervisor raises events.
 *
 * A domain's ports live in d->evtchn (private to event_channel.c). Raising
 * a port marks it pending through the domain's port ABI (d->evtchn_port_ops,
 * 2-level until the guest switches to FIFO), which, if the guest has not
 * masked it, marks the bound vCPU's vcpu_info upcall-pending and kicks that
 * vCPU (vcpu_mark_events_pending). The vCPU takes the upcall on its next
 * return to guest mode.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/sched.h>
#include <xen/types.h>
#include <public/event_channel.h>
#include <public/sched.h>

/* ---- Provided by event_channel.c ---- */

/* Set up / tear down d's ports (domain_create / domain_kill). */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);   /* closes every port */
void evtchn_domain_free(struct domain *d);      /* frees the memory, last ref */

/* The hypercall (dispatched from the hypercall table). */
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/* Raise v's binding of a per-vCPU VIRQ (VIRQ_TIMER...), if bound. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
/* Raise d's binding of a global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC...). */
void send_guest_global_virq(struct domain *d, uint32_t virq);
/* Is a global VIRQ bound in d? */
bool virq_is_bound(const struct domain *d, uint32_t virq);

/* Is port pending in d (false for a bad port)? For SCHEDOP_poll. */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);

/* SCHEDOP_poll: block current until one of the ports is pending. */
long sched_poll(XEN_GUEST_HANDLE_PARAM(void) arg);

/* The 'e' debug key. */
void dump_evtchn_info(unsigned char key);
/* At boot: register the 'e' key. */
void evtchn_init(void);

/* ---- Provided by the architecture (arch/x86/pv/event.c) ---- */

/*
 * v has an event: set its upcall_pending and, if that was newly set, kick
 * it (unblock it, and make a running vCPU re-check on another pCPU).
 */
void vcpu_mark_events_pending(struct vcpu *v);
/* Make v notice pending work: wake it if blocked, IPI its pCPU if running. */
void vcpu_kick(struct vcpu *v);

/* Does the vCPU have an event it will take on return to the guest? */
static inline bool local_events_need_delivery_v(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending &&
           !v->vcpu_info->evtchn_upcall_mask;
}

#endif /* XEN_EVENT_H */
