/*
 * event_2l.c: the 2-level event channel ABI, every domain's ABI until it
 * switches to FIFO.
 *
 * Theory of operation
 * -------------------
 * shared_info holds two bitmaps of 4096 bits, evtchn_pending and
 * evtchn_mask, bit p for port p. Each vCPU's vcpu_info holds a 64-bit
 * selector, evtchn_pending_sel, bit w meaning "word w of evtchn_pending
 * may have a pending, unmasked port for you", and the upcall_pending flag.
 * The guest handles an upcall by clearing upcall_pending, exchanging the
 * selector with 0, and scanning the selected words for pending & ~mask.
 *
 * Raising port p bound to vCPU v, in this order:
 *   1. test-and-set pending bit p; if it was already set, stop: the guest
 *      has yet to see the earlier raise, and one notification covers both;
 *   2. if p is masked, stop: the guest asked not to be told (it finds p
 *      when it unmasks);
 *   3. test-and-set selector bit p / 64 of v; if it was already set, stop:
 *      an upcall for that word is already on its way;
 *   4. vcpu_mark_events_pending(v): upcall_pending = 1, and a kick if that
 *      was newly set.
 * EVTCHNOP_unmask clears the mask bit and, if the port was masked and is
 * pending, does steps 3 and 4.
 *
 * The bits live in guest memory and the guest changes them concurrently,
 * so every read-modify-write is a locked bit operation, and each step
 * reads the guest's state afresh. Nothing here takes a lock.
 */
#include <xen/bitops.h>
#include <xen/event.h>
#include <xen/event_ops.h>
#include <xen/lib.h>
#include <xen/sched.h>

/* The ABI's words are xen_ulong_t; the bit operations take longs. */
static unsigned long *pending_bits(const struct domain *d)
{
    BUILD_BUG_ON(sizeof(xen_ulong_t) != sizeof(unsigned long));
    BUILD_BUG_ON(EVTCHN_2L_NR_CHANNELS != 4096);
    ASSERT(d->shared_info);
    return (unsigned long *)d->shared_info->evtchn_pending;
}

static unsigned long *mask_bits(const struct domain *d)
{
    ASSERT(d->shared_info);
    return (unsigned long *)d->shared_info->evtchn_mask;
}

/* Steps 3 and 4: tell the vCPU about port's word. */
static void notify_word(struct vcpu *v, evtchn_port_t port)
{
    unsigned long *sel;

    if ( !v )
        return;
    ASSERT(v->vcpu_info);
    sel = (unsigned long *)&v->vcpu_info->evtchn_pending_sel;
    if ( !test_and_set_bit(port / BITS_PER_LONG, sel) )
        vcpu_mark_events_pending(v);
}

static bool evtchn_2l_set_pending(struct domain *d, struct evtchn *chn)
{
    evtchn_port_t port = chn->port;

    if ( test_and_set_bit(port, pending_bits(d)) )
        return false;
    if ( !test_bit(port, mask_bits(d)) )
        notify_word(evtchn_notify_vcpu(d, chn), port);
    return true;
}

static void evtchn_2l_clear_pending(struct domain *d, struct evtchn *chn)
{
    clear_bit(chn->port, pending_bits(d));
}

static void evtchn_2l_unmask(struct domain *d, struct evtchn *chn)
{
    evtchn_port_t port = chn->port;

    /* Only a port that was masked can have missed its notification. */
    if ( test_and_clear_bit(port, mask_bits(d)) &&
         test_bit(port, pending_bits(d)) )
        notify_word(evtchn_notify_vcpu(d, chn), port);
}

static bool evtchn_2l_is_pending(const struct domain *d,
                                 const struct evtchn *chn)
{
    return test_bit(chn->port, pending_bits(d));
}

static bool evtchn_2l_is_masked(const struct domain *d,
                                const struct evtchn *chn)
{
    return test_bit(chn->port, mask_bits(d));
}

const struct evtchn_port_ops evtchn_port_ops_2l = {
    .name          = "2-level",
    .set_pending   = evtchn_2l_set_pending,
    .clear_pending = evtchn_2l_clear_pending,
    .unmask        = evtchn_2l_unmask,
    .is_pending    = evtchn_2l_is_pending,
    .is_masked     = evtchn_2l_is_masked,
};
