/*
 * event_channel.c: event channels: ports, their bindings, the
 * event_channel_op hypercall, raising events from the hypervisor (VIRQs),
 * waking SCHEDOP_poll callers, and the 'e' debug key.
 *
 * Theory of operation
 * -------------------
 * A port is a small number in a domain that the guest binds to a source
 * of events. Raising a port marks it pending in memory the guest shares
 * with us, through the domain's port ABI (d->evtchn_port_ops: 2-level in
 * event_2l.c, FIFO in event_fifo.c), and, if the guest has not masked it,
 * makes the vCPU it is bound to (notify_vcpu_id) take an upcall. What a
 * port is bound to (struct evtchn's state):
 *
 *   unbound      allocated for a named remote domain to connect to
 *                (EVTCHNOP_alloc_unbound); sends on it are dropped;
 *   interdomain  connected to a port of another (or the same) domain:
 *                EVTCHNOP_send raises the other end. bind_interdomain
 *                connects to the remote's unbound port; closing either
 *                end returns the other to unbound, waiting for the closer;
 *   virq         a virtual IRQ the hypervisor raises: per-vCPU ones
 *                (VIRQ_TIMER...) on any vCPU, global ones on vCPU 0 only
 *                (EVTCHNOP_bind_vcpu may then move their notifications);
 *                v->virq_to_evtchn[] maps a vCPU's VIRQs to ports;
 *   ipi          EVTCHNOP_send raises the port itself, for its vCPU;
 *   pirq         a physical IRQ: not implemented yet (no physical IRQ
 *                routing to guests): EVTCHNOP_bind_pirq says -ENOSYS.
 *
 * Ports live in buckets of 64 allocated when the lowest free port needs
 * one (see xen/event_ops.h), up to the ABI's limit: 4096 for 2-level,
 * 2^17 for FIFO. Port 0 is reserved and never handed out. A new port is
 * always the lowest free one, as Xen does.
 *
 * Every hypercall checks its arguments before it changes anything; the
 * changes themselves (under the locks below) cannot fail.
 *
 * Locking:
 *   d->event_lock (a spinlock, taken only in hypercall/toolstack context,
 *     interrupts enabled) serialises allocation, binding, closing, ABI
 *     changes and reset of d's ports. An operation on two domains
 *     (bind_interdomain, closing an interdomain channel) takes both, the
 *     lower address first.
 *   chn->lock (IRQ-safe) guards a channel's state and binding: they
 *     change only with the event_lock(s) AND the channel lock(s) held (two
 *     channels: the lower address first). Raising a port needs its binding
 *     stable and nothing else, so it holds one channel lock only: its own
 *     (VIRQs, IPIs, unmask) or, for a send across an interdomain channel,
 *     the sender's end, since closing either end takes both ends' locks.
 *     The ABI code copes with two raises of one port at once (atomic bit
 *     operations on guest memory, FIFO queue locks), so senders never
 *     take two channel locks and cannot deadlock; VIRQs are raised from
 *     softirqs and interrupt handlers this way.
 *   Order: event_lock (lower domain first) -> channel locks (lower
 *     address first) -> FIFO queue lock -> scheduler locks (taken by
 *     vcpu_mark_events_pending() and vcpu_unblock()).
 *   Lookups need no lock: a bucket stays until the domain is freed and
 *   valid_ports grows only after its bucket is written. The FIFO state is
 *   torn down only with every port closed (reset, destroy), when nothing
 *   can raise a port; ops that read it without a channel binding (unmask,
 *   is_pending, set_priority) hold the event_lock.
 *   v->virq_lock is not used: a VIRQ sender reads virq_to_evtchn[] once
 *   and checks, under the channel lock, that the port is still that VIRQ.
 *
 * SCHEDOP_poll (event_poll.c) puts a vCPU in d->poll_mask with the port it
 * waits for in v->poll_evtchn; whenever a port becomes pending,
 * evtchn_check_pollers() wakes the vCPUs polling it.
 */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/event_ops.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>

/* Ports closed between preemption checks in EVTCHNOP_reset. */
#define RESET_BATCH 64

static bool virq_is_global(uint32_t virq)
{
    ASSERT(virq < NR_VIRQS);
    switch ( virq )
    {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

/* --- Domains named by a hypercall. --- */

/*
 * A reference to domain dom (DOMID_SELF: the caller's) that has event
 * channels: -ESRCH if there is none. With other_needs_priv, naming another
 * domain needs a privileged caller (-EPERM), as Xen's XSM_TARGET check
 * with the default policy.
 */
static int get_evtchn_domain(domid_t dom, bool other_needs_priv,
                             struct domain **out)
{
    struct domain *cd = current->domain, *d;

    if ( dom == DOMID_SELF || dom == cd->domain_id )
    {
        if ( !get_domain(cd) )
            return -ESRCH;
        *out = cd;
        return 0;
    }
    d = get_domain_by_id(dom);
    if ( !d || !d->evtchn )
    {
        if ( d )
            put_domain(d);
        return -ESRCH;
    }
    if ( other_needs_priv && !cd->is_privileged )
    {
        put_domain(d);
        return -EPERM;
    }
    *out = d;
    return 0;
}

static void double_event_lock(struct domain *a, struct domain *b)
{
    if ( a == b )
    {
        spin_lock(&a->event_lock);
        return;
    }
    spin_lock(a < b ? &a->event_lock : &b->event_lock);
    spin_lock(a < b ? &b->event_lock : &a->event_lock);
}

static void double_event_unlock(struct domain *a, struct domain *b)
{
    if ( a != b )
        spin_unlock(&b->event_lock);
    spin_unlock(&a->event_lock);
}

static void double_chn_lock(struct evtchn *a, struct evtchn *b,
                            unsigned long *flags)
{
    ASSERT(a != b);
    spin_lock_irqsave(a < b ? &a->lock : &b->lock, *flags);
    spin_lock(a < b ? &b->lock : &a->lock);
}

static void double_chn_unlock(struct evtchn *a, struct evtchn *b,
                              unsigned long flags)
{
    spin_unlock(a < b ? &b->lock : &a->lock);
    spin_unlock_irqrestore(a < b ? &a->lock : &b->lock, flags);
}

/* --- The port table. --- */

/* Add the bucket of ports [valid_ports, valid_ports + 64). */
static int add_bucket(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int first = ed->valid_ports, i;
    unsigned int g = first / EVTCHNS_PER_GROUP;
    unsigned int b = (first / EVTCHNS_PER_BUCKET) % BUCKETS_PER_GROUP;
    struct evtchn *bucket;

    ASSERT(first < EVTCHN_MAX_PORTS && !(first % EVTCHNS_PER_BUCKET));
    if ( !ed->groups[g] &&
         !(ed->groups[g] = xzalloc_array(struct evtchn *, BUCKETS_PER_GROUP)) )
        return -ENOMEM;
    bucket = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
    if ( !bucket )
        return -ENOMEM;
    for ( i = 0; i < EVTCHNS_PER_BUCKET; i++ )
    {
        spin_lock_init(&bucket[i].lock);
        bucket[i].port = first + i;
        bucket[i].state = ECS_FREE;
        bucket[i].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        bucket[i].last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    }
    ed->groups[g][b] = bucket;
    smp_wmb();      /* the bucket before the ports it makes valid */
    write_atomic(&ed->valid_ports, first + EVTCHNS_PER_BUCKET);
    return 0;
}

/* The lowest free port of d, adding a bucket if needed; or -errno. */
static int get_free_port(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int port;
    int rc;

    ASSERT(spin_is_locked(&d->event_lock));
    if ( ed->dying )
        return -EINVAL;
    for ( port = ed->free_hint; port < ed->valid_ports; port++ )
    {
        if ( port >= ed->max_ports )
            return -ENOSPC;
        if ( evtchn_from_port(d, port)->state == ECS_FREE )
            break;
    }
    if ( port >= ed->max_ports )
        return -ENOSPC;
    if ( port == ed->valid_ports && (rc = add_bucket(d)) )
        return rc;
    ed->free_hint = port + 1;
    return port;
}

/* chn (locked, its state and binding just set) is now in use. */
static void port_bound(struct domain *d, struct evtchn *chn)
{
    ASSERT(spin_is_locked(&d->event_lock) && spin_is_locked(&chn->lock));
    d->evtchn->active_ports++;
    if ( d->evtchn_port_ops->init )
        d->evtchn_port_ops->init(d, chn);
}

/* chn (locked) goes back to free. */
static void free_port(struct domain *d, struct evtchn *chn)
{
    struct evtchn_domain *ed = d->evtchn;

    ASSERT(spin_is_locked(&d->event_lock) && spin_is_locked(&chn->lock));
    d->evtchn_port_ops->clear_pending(d, chn);
    chn->state = ECS_FREE;
    chn->notify_vcpu_id = 0;
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    memset(&chn->u, 0, sizeof(chn->u));
    ed->active_ports--;
    if ( chn->port < ed->free_hint )
        ed->free_hint = chn->port;
}

/* --- Raising. --- */

/* Raise chn of d; its binding is held stable by the caller. */
static void evtchn_raise(struct domain *d, struct evtchn *chn)
{
    const struct evtchn_port_ops *ops = read_atomic(&d->evtchn_port_ops);

    if ( ops->set_pending(d, chn) )
        evtchn_check_pollers(d, chn->port);
}

void evtchn_check_pollers(struct domain *d, evtchn_port_t port)
{
    unsigned int id;
    struct vcpu *v;
    int want;

    for ( id = find_first_bit(d->poll_mask, d->max_vcpus);
          id < d->max_vcpus;
          id = find_next_bit(d->poll_mask, d->max_vcpus, id + 1) )
    {
        v = d->vcpu[id];
        if ( !v )
            continue;
        /* -1: any port; 0: still setting up its poll (be safe: wake). */
        want = read_atomic(&v->poll_evtchn);
        if ( (want <= 0 || want == (int)port) &&
             test_and_clear_bit(id, d->poll_mask) )
        {
            write_atomic(&v->poll_evtchn, 0);
            vcpu_unblock(v);
        }
    }
}

/* Raise port of d if it is still bound to virq (of vCPU vcpu_id >= 0). */
static void raise_virq_port(struct domain *d, evtchn_port_t port,
                            uint32_t virq, int vcpu_id)
{
    struct evtchn *chn;
    unsigned long flags;

    if ( !d->evtchn || !evtchn_port_valid(d, port) )
        return;
    chn = evtchn_from_port(d, port);
    spin_lock_irqsave(&chn->lock, flags);
    if ( chn->state == ECS_VIRQ && chn->u.virq == virq &&
         (vcpu_id < 0 || chn->notify_vcpu_id == (uint32_t)vcpu_id) )
        evtchn_raise(d, chn);
    spin_unlock_irqrestore(&chn->lock, flags);
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    evtchn_port_t port;

    ASSERT(!virq_is_global(virq));
    port = read_atomic(&v->virq_to_evtchn[virq]);
    if ( port )
        raise_virq_port(v->domain, port, virq, v->vcpu_id);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    evtchn_port_t port;

    ASSERT(virq_is_global(virq));
    if ( !d || !d->vcpu || !d->vcpu[0] )
        return;
    port = read_atomic(&d->vcpu[0]->virq_to_evtchn[virq]);
    if ( port )
        raise_virq_port(d, port, virq, -1);
}

bool virq_is_bound(const struct domain *d, uint32_t virq)
{
    if ( virq >= NR_VIRQS || !d || !d->vcpu || !d->vcpu[0] )
        return false;
    return read_atomic(&d->vcpu[0]->virq_to_evtchn[virq]) != 0;
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    bool pending = false;

    if ( !d->evtchn )
        return false;
    spin_lock(&d->event_lock);
    if ( evtchn_port_valid(d, port) )
        pending = d->evtchn_port_ops->is_pending(d, evtchn_from_port(d, port));
    spin_unlock(&d->event_lock);
    return pending;
}

/* --- Binding. --- */

static int evtchn_alloc_unbound(struct evtchn_alloc_unbound *alloc)
{
    domid_t remote = alloc->remote_dom;
    struct evtchn *chn;
    struct domain *d;
    unsigned long flags;
    int port, rc;

    rc = get_evtchn_domain(alloc->dom, true, &d);
    if ( rc )
        return rc;
    if ( remote == DOMID_SELF )
        remote = current->domain->domain_id;

    spin_lock(&d->event_lock);
    port = get_free_port(d);
    if ( port >= 0 )
    {
        chn = evtchn_from_port(d, port);
        spin_lock_irqsave(&chn->lock, flags);
        chn->state = ECS_UNBOUND;
        chn->u.unbound.remote_domid = remote;
        port_bound(d, chn);
        spin_unlock_irqrestore(&chn->lock, flags);
        alloc->port = port;
    }
    spin_unlock(&d->event_lock);
    put_domain(d);
    return port < 0 ? port : 0;
}

/* Connect lchn (free, of ld) with rchn (unbound for ld, of rd). */
static void connect(struct domain *ld, struct evtchn *lchn,
                    struct domain *rd, struct evtchn *rchn)
{
    unsigned long flags;

    double_chn_lock(lchn, rchn, &flags);
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = rchn->port;
    lchn->state = ECS_INTERDOMAIN;
    port_bound(ld, lchn);
    rchn->u.interdomain.remote_dom = ld;
    rchn->u.interdomain.remote_port = lchn->port;
    rchn->state = ECS_INTERDOMAIN;
    /*
     * Sends to the unbound end were dropped: raise the new end once, so
     * that the guest looks at whatever it shares with the remote.
     */
    evtchn_raise(ld, lchn);
    double_chn_unlock(lchn, rchn, flags);
}

static int evtchn_bind_interdomain(struct evtchn_bind_interdomain *bind)
{
    struct domain *ld = current->domain, *rd;
    evtchn_port_t rport = bind->remote_port;
    struct evtchn *rchn;
    int lport, rc;

    /* Any domain may connect to a port offered to it. */
    rc = get_evtchn_domain(bind->remote_dom, false, &rd);
    if ( rc )
        return rc;

    double_event_lock(ld, rd);
    rc = -EINVAL;
    if ( !evtchn_port_valid(rd, rport) )
        goto out;
    rchn = evtchn_from_port(rd, rport);
    if ( rchn->state != ECS_UNBOUND ||
         rchn->u.unbound.remote_domid != ld->domain_id )
        goto out;
    rc = lport = get_free_port(ld);
    if ( lport < 0 )
        goto out;

    connect(ld, evtchn_from_port(ld, lport), rd, rchn);
    bind->local_port = lport;
    rc = 0;
 out:
    double_event_unlock(ld, rd);
    put_domain(rd);
    return rc;
}

/* Bind a free port of d for vCPU vcpu_id in state (VIRQ or IPI). */
static int bind_local(struct domain *d, enum evtchn_state state,
                      uint32_t vcpu_id, uint32_t virq)
{
    struct evtchn *chn;
    unsigned long flags;
    int port = get_free_port(d);

    if ( port < 0 )
        return port;
    chn = evtchn_from_port(d, port);
    spin_lock_irqsave(&chn->lock, flags);
    chn->state = state;
    chn->notify_vcpu_id = vcpu_id;
    if ( state == ECS_VIRQ )
        chn->u.virq = virq;
    port_bound(d, chn);
    spin_unlock_irqrestore(&chn->lock, flags);
    return port;
}

static struct vcpu *domain_vcpu(const struct domain *d, uint32_t id)
{
    return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

static int evtchn_bind_virq(struct evtchn_bind_virq *bind)
{
    struct domain *d = current->domain;
    uint32_t virq = bind->virq;
    struct vcpu *v;
    int port;

    if ( virq >= NR_VIRQS )
        return -EINVAL;
    if ( virq_is_global(virq) && bind->vcpu != 0 )
        return -EINVAL;
    if ( !(v = domain_vcpu(d, bind->vcpu)) )
        return -ENOENT;

    spin_lock(&d->event_lock);
    if ( v->virq_to_evtchn[virq] )
        port = -EEXIST;
    else
        port = bind_local(d, ECS_VIRQ, v->vcpu_id, virq);
    /* After the channel says VIRQ: senders check it. */
    if ( port > 0 )
        write_atomic(&v->virq_to_evtchn[virq], port);
    spin_unlock(&d->event_lock);
    if ( port < 0 )
        return port;
    bind->port = port;
    return 0;
}

static int evtchn_bind_ipi(struct evtchn_bind_ipi *bind)
{
    struct domain *d = current->domain;
    int port;

    if ( !domain_vcpu(d, bind->vcpu) )
        return -ENOENT;
    spin_lock(&d->event_lock);
    port = bind_local(d, ECS_IPI, bind->vcpu, 0);
    spin_unlock(&d->event_lock);
    if ( port < 0 )
        return port;
    bind->port = port;
    return 0;
}

/*
 * There is no physical IRQ routing to guests yet (no PHYSDEVOP_map_pirq,
 * no IRQ ownership): refuse plainly. Linux only warns ("Failed to obtain
 * physical IRQ") and carries on without the device's interrupt.
 */
static int evtchn_bind_pirq(const struct evtchn_bind_pirq *bind)
{
    return -ENOSYS;
}

/* --- Closing. --- */

/* Close chn1 of d1; d1's event_lock is held, and the peer's if any. */
static void close_locked(struct domain *d1, struct evtchn *chn1)
{
    struct domain *d2;
    struct evtchn *chn2;
    unsigned long flags;
    struct vcpu *v;

    switch ( chn1->state )
    {
    case ECS_VIRQ:
        for_each_vcpu ( d1, v )
            if ( v->virq_to_evtchn[chn1->u.virq] == chn1->port )
                write_atomic(&v->virq_to_evtchn[chn1->u.virq], 0);
        /* fall through */
    case ECS_UNBOUND:
    case ECS_IPI:
    case ECS_PIRQ:
        spin_lock_irqsave(&chn1->lock, flags);
        free_port(d1, chn1);
        spin_unlock_irqrestore(&chn1->lock, flags);
        break;

    case ECS_INTERDOMAIN:
        d2 = chn1->u.interdomain.remote_dom;
        ASSERT(spin_is_locked(&d2->event_lock));
        BUG_ON(!evtchn_port_valid(d2, chn1->u.interdomain.remote_port));
        chn2 = evtchn_from_port(d2, chn1->u.interdomain.remote_port);
        double_chn_lock(chn1, chn2, &flags);
        BUG_ON(chn2->state != ECS_INTERDOMAIN ||
               chn2->u.interdomain.remote_dom != d1);
        chn2->state = ECS_UNBOUND;
        chn2->u.unbound.remote_domid = d1->domain_id;
        free_port(d1, chn1);
        double_chn_unlock(chn1, chn2, flags);
        break;

    default:
        ASSERT_UNREACHABLE();
    }
}

/*
 * Close port1 of d1. An interdomain channel needs the peer's event_lock
 * too, taken in address order: when the peer's comes first, drop ours,
 * take both, and look again (the port may have changed meanwhile).
 */
static int evtchn_close(struct domain *d1, evtchn_port_t port1)
{
    struct domain *d2 = NULL, *peer;
    struct evtchn *chn1;
    int rc = 0;

 again:
    spin_lock(&d1->event_lock);
    if ( !evtchn_port_valid(d1, port1) )
    {
        rc = -EINVAL;
        goto out;
    }
    chn1 = evtchn_from_port(d1, port1);
    if ( chn1->state == ECS_FREE || chn1->state == ECS_RESERVED )
    {
        rc = -EINVAL;
        goto out;
    }
    peer = chn1->state == ECS_INTERDOMAIN
           ? chn1->u.interdomain.remote_dom : d1;
    if ( peer != d1 && peer != d2 )
    {
        if ( d2 )
        {
            spin_unlock(&d2->event_lock);
            put_domain(d2);
        }
        /* Bound to us, so its destruction has not got past this port. */
        BUG_ON(!get_domain(peer));
        d2 = peer;
        if ( d1 > d2 )
        {
            spin_unlock(&d1->event_lock);
            spin_lock(&d2->event_lock);
            goto again;
        }
        spin_lock(&d2->event_lock);
    }
    close_locked(d1, chn1);
 out:
    spin_unlock(&d1->event_lock);
    if ( d2 )
    {
        spin_unlock(&d2->event_lock);
        put_domain(d2);
    }
    return rc;
}

/* --- Sending, status, moving, unmasking. --- */

static int evtchn_send(struct domain *ld, evtchn_port_t lport)
{
    struct evtchn *lchn, *rchn;
    struct domain *rd;
    unsigned long flags;
    int rc = 0;

    if ( !evtchn_port_valid(ld, lport) )
        return -EINVAL;
    lchn = evtchn_from_port(ld, lport);
    spin_lock_irqsave(&lchn->lock, flags);
    switch ( lchn->state )
    {
    case ECS_INTERDOMAIN:
        rd = lchn->u.interdomain.remote_dom;
        rchn = evtchn_from_port(rd, lchn->u.interdomain.remote_port);
        evtchn_raise(rd, rchn);
        break;
    case ECS_IPI:
        evtchn_raise(ld, lchn);
        break;
    case ECS_UNBOUND:
        break;          /* nobody listens yet: dropped, as Xen does */
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock_irqrestore(&lchn->lock, flags);
    return rc;
}

static void fill_status(const struct evtchn *chn, struct evtchn_status *st)
{
    static const uint32_t stat[] = {
        [ECS_FREE] = EVTCHNSTAT_closed,     [ECS_RESERVED] = EVTCHNSTAT_closed,
        [ECS_UNBOUND] = EVTCHNSTAT_unbound,
        [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
        [ECS_PIRQ] = EVTCHNSTAT_pirq,       [ECS_VIRQ] = EVTCHNSTAT_virq,
        [ECS_IPI] = EVTCHNSTAT_ipi,
    };

    memset(&st->u, 0, sizeof(st->u));
    st->status = stat[chn->state];
    st->vcpu = chn->notify_vcpu_id;
    switch ( chn->state )
    {
    case ECS_UNBOUND:
        st->u.unbound.dom = chn->u.unbound.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
        st->u.interdomain.port = chn->u.interdomain.remote_port;
        break;
    case ECS_PIRQ:
        st->u.pirq = chn->u.pirq;
        break;
    case ECS_VIRQ:
        st->u.virq = chn->u.virq;
        break;
    }
}

static int evtchn_status(struct evtchn_status *st)
{
    struct domain *d;
    int rc = get_evtchn_domain(st->dom, true, &d);

    if ( rc )
        return rc;
    spin_lock(&d->event_lock);
    if ( evtchn_port_valid(d, st->port) )
        fill_status(evtchn_from_port(d, st->port), st);
    else
        rc = -EINVAL;
    spin_unlock(&d->event_lock);
    put_domain(d);
    return rc;
}

static int evtchn_bind_vcpu(const struct evtchn_bind_vcpu *bind)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    unsigned long flags;
    int rc = -EINVAL;

    if ( !domain_vcpu(d, bind->vcpu) )
        return -ENOENT;
    spin_lock(&d->event_lock);
    if ( !evtchn_port_valid(d, bind->port) )
        goto out;
    chn = evtchn_from_port(d, bind->port);
    switch ( chn->state )
    {
    case ECS_VIRQ:
        if ( !virq_is_global(chn->u.virq) )
            goto out;               /* a per-vCPU VIRQ stays on its vCPU */
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        break;
    default:
        goto out;                   /* free, reserved, IPI */
    }
    spin_lock_irqsave(&chn->lock, flags);
    write_atomic(&chn->notify_vcpu_id, bind->vcpu);
    spin_unlock_irqrestore(&chn->lock, flags);
    rc = 0;
 out:
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    unsigned long flags;
    int rc = 0;

    spin_lock(&d->event_lock);
    if ( evtchn_port_valid(d, port) )
    {
        chn = evtchn_from_port(d, port);
        spin_lock_irqsave(&chn->lock, flags);
        d->evtchn_port_ops->unmask(d, chn);
        spin_unlock_irqrestore(&chn->lock, flags);
    }
    else
        rc = -EINVAL;
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_set_priority(struct domain *d,
                               const struct evtchn_set_priority *set)
{
    struct evtchn *chn;
    unsigned long flags;
    int rc = -EINVAL;

    spin_lock(&d->event_lock);
    if ( evtchn_port_valid(d, set->port) )
    {
        chn = evtchn_from_port(d, set->port);
        rc = -ENOSYS;
        if ( d->evtchn_port_ops->set_priority )
        {
            spin_lock_irqsave(&chn->lock, flags);
            rc = d->evtchn_port_ops->set_priority(d, chn, set->priority);
            spin_unlock_irqrestore(&chn->lock, flags);
        }
    }
    spin_unlock(&d->event_lock);
    return rc;
}

/* --- ABI changes and reset. --- */

static int evtchn_init_control(struct domain *d,
                               struct evtchn_init_control *init)
{
    int rc;

    spin_lock(&d->event_lock);
    rc = d->evtchn->dying ? -EINVAL : evtchn_fifo_init_control(d, init);
    spin_unlock(&d->event_lock);
    return rc;
}

static int evtchn_expand_array(struct domain *d,
                               const struct evtchn_expand_array *expand)
{
    int rc;

    spin_lock(&d->event_lock);
    rc = evtchn_fifo_expand_array(d, expand);
    spin_unlock(&d->event_lock);
    return rc;
}

/* Back to the 2-level ABI, every port closed (event_lock held). */
static void back_to_2l(struct domain *d)
{
    unsigned int i;

    ASSERT(spin_is_locked(&d->event_lock) && !d->evtchn->active_ports);
    if ( !d->evtchn->fifo )
        return;
    evtchn_fifo_destroy(d);
    write_atomic(&d->evtchn->max_ports, EVTCHN_2L_NR_CHANNELS);
    write_atomic(&d->evtchn_port_ops, &evtchn_port_ops_2l);
    /* Bits left from before the switch name ports that are all closed. */
    if ( !d->shared_info )
        return;
    for ( i = 0; i < ARRAY_SIZE(d->shared_info->evtchn_pending); i++ )
        write_atomic(&d->shared_info->evtchn_pending[i], 0);
}

/*
 * EVTCHNOP_reset: close every port of d (preemptibly: -ERESTART with
 * reset_next recording the progress), then return d to 2-level. -EBUSY
 * for a reset while one is in progress, or a continuation without one;
 * -EAGAIN if a port was bound meanwhile.
 */
static int evtchn_reset(struct domain *d, bool resuming)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int port;
    int rc = 0;

    if ( d != current->domain &&
         !atomic_read(&d->pause_count[DOMPAUSE_controller]) )
        return -EINVAL;         /* the toolstack resets paused domains */

    spin_lock(&d->event_lock);
    if ( resuming ? !ed->reset_next : ed->reset_next )
        rc = -EBUSY;
    else if ( !resuming )
        ed->reset_next = 1;
    port = ed->reset_next;
    spin_unlock(&d->event_lock);
    if ( rc )
        return rc;

    for ( ; port < read_atomic(&ed->valid_ports); port++ )
    {
        evtchn_close(d, port);          /* free ports: -EINVAL, fine */
        if ( !((port + 1) % RESET_BATCH) && hypercall_preempt_check() )
        {
            spin_lock(&d->event_lock);
            ed->reset_next = port + 1;
            spin_unlock(&d->event_lock);
            return -ERESTART;
        }
    }

    spin_lock(&d->event_lock);
    ed->reset_next = 0;
    if ( ed->active_ports )
        rc = -EAGAIN;
    else
        back_to_2l(d);
    spin_unlock(&d->event_lock);
    return rc;
}

static long reset_op(const struct evtchn_reset *reset, bool resuming,
                     XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    long rc = get_evtchn_domain(reset->dom, true, &d);

    if ( rc )
        return rc;
    rc = evtchn_reset(d, resuming);
    put_domain(d);
    if ( rc == -ERESTART )
        rc = hypercall_create_continuation(__HYPERVISOR_event_channel_op,
                                           "ih", EVTCHNOP_reset_cont, arg);
    return rc;
}

/* --- The hypercall. --- */

union evtchn_op_args {
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_bind_pirq bind_pirq;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_status status;
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_bind_vcpu bind_vcpu;
    struct evtchn_unmask unmask;
    struct evtchn_reset reset;
    struct evtchn_init_control init_control;
    struct evtchn_expand_array expand_array;
    struct evtchn_set_priority set_priority;
};

/* Each command's argument: its size, and whether it has OUT fields. */
static const struct {
    uint8_t size;
    bool out;
} op_arg[] = {
#define ARG(cmd, type, out) [EVTCHNOP_ ## cmd] = { sizeof(struct type), out }
    ARG(bind_interdomain, evtchn_bind_interdomain, true),
    ARG(bind_virq,        evtchn_bind_virq,        true),
    ARG(bind_pirq,        evtchn_bind_pirq,        true),
    ARG(close,            evtchn_close,            false),
    ARG(send,             evtchn_send,             false),
    ARG(status,           evtchn_status,           true),
    ARG(alloc_unbound,    evtchn_alloc_unbound,    true),
    ARG(bind_ipi,         evtchn_bind_ipi,         true),
    ARG(bind_vcpu,        evtchn_bind_vcpu,        false),
    ARG(unmask,           evtchn_unmask,           false),
    ARG(reset,            evtchn_reset,            false),
    ARG(init_control,     evtchn_init_control,     true),
    ARG(expand_array,     evtchn_expand_array,     false),
    ARG(set_priority,     evtchn_set_priority,     false),
    ARG(reset_cont,       evtchn_reset,            false),
#undef ARG
};

static long dispatch(int cmd, union evtchn_op_args *a,
                     XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *cd = current->domain;

    switch ( cmd )
    {
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(&a->bind_interdomain);
    case EVTCHNOP_bind_virq:     return evtchn_bind_virq(&a->bind_virq);
    case EVTCHNOP_bind_pirq:     return evtchn_bind_pirq(&a->bind_pirq);
    case EVTCHNOP_close:         return evtchn_close(cd, a->close.port);
    case EVTCHNOP_send:          return evtchn_send(cd, a->send.port);
    case EVTCHNOP_status:        return evtchn_status(&a->status);
    case EVTCHNOP_alloc_unbound: return evtchn_alloc_unbound(&a->alloc_unbound);
    case EVTCHNOP_bind_ipi:      return evtchn_bind_ipi(&a->bind_ipi);
    case EVTCHNOP_bind_vcpu:     return evtchn_bind_vcpu(&a->bind_vcpu);
    case EVTCHNOP_unmask:        return evtchn_unmask(cd, a->unmask.port);
    case EVTCHNOP_reset:
    case EVTCHNOP_reset_cont:
        return reset_op(&a->reset, cmd == EVTCHNOP_reset_cont, arg);
    case EVTCHNOP_init_control:
        return evtchn_init_control(cd, &a->init_control);
    case EVTCHNOP_expand_array:
        return evtchn_expand_array(cd, &a->expand_array);
    case EVTCHNOP_set_priority:
        return evtchn_set_priority(cd, &a->set_priority);
    }
    ASSERT_UNREACHABLE();
    return -ENOSYS;
}

long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    union evtchn_op_args a;
    unsigned int size;
    long rc;

    BUILD_BUG_ON(sizeof(struct evtchn_status) != 24);
    BUILD_BUG_ON(sizeof(struct evtchn_init_control) != 24);
    BUILD_BUG_ON(sizeof(a) > 255);
    if ( cmd < 0 || cmd >= (int)ARRAY_SIZE(op_arg) || !op_arg[cmd].size )
        return -ENOSYS;
    ASSERT(current->domain->evtchn);
    size = op_arg[cmd].size;
    if ( raw_copy_from_guest(&a, arg.p, size) )
        return -EFAULT;
    rc = dispatch(cmd, &a, arg);
    if ( !rc && op_arg[cmd].out && raw_copy_to_guest(arg.p, &a, size) )
        rc = -EFAULT;       /* done, but the guest cannot learn the result */
    return rc;
}

/* --- Domain life cycle. --- */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed;
    int rc;

    ASSERT(!d->evtchn);
    ed = xzalloc(struct evtchn_domain);
    if ( !ed )
        return -ENOMEM;
    spin_lock_init(&d->event_lock);
    ed->max_ports = EVTCHN_2L_NR_CHANNELS;
    ed->free_hint = 1;
    d->evtchn = ed;
    d->evtchn_port_ops = &evtchn_port_ops_2l;
    rc = add_bucket(d);
    if ( rc )
    {
        d->evtchn = NULL;
        xfree(ed);
        return rc;
    }
    evtchn_from_port(d, 0)->state = ECS_RESERVED;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int port;
    struct vcpu *v;
    bool first;

    if ( !ed )
        return;
    spin_lock(&d->event_lock);
    first = !ed->dying;
    ed->dying = true;
    spin_unlock(&d->event_lock);
    if ( !first )
        return;

    for ( port = 1; port < read_atomic(&ed->valid_ports); port++ )
        evtchn_close(d, port);
    for_each_vcpu ( d, v )
    {
        kill_timer(&v->poll_timer);
        clear_bit(v->vcpu_id, d->poll_mask);
        v->poll_evtchn = 0;
    }
    spin_lock(&d->event_lock);
    back_to_2l(d);
    spin_unlock(&d->event_lock);
}

void evtchn_domain_free(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    unsigned int g, b;

    if ( !ed )
        return;
    ASSERT(!ed->active_ports);
    evtchn_fifo_destroy(d);
    for ( g = 0; g < EVTCHN_NR_GROUPS; g++ )
    {
        if ( !ed->groups[g] )
            continue;
        for ( b = 0; b < BUCKETS_PER_GROUP; b++ )
            xfree(ed->groups[g][b]);
        xfree(ed->groups[g]);
    }
    d->evtchn = NULL;
    xfree(ed);
}

/* --- The 'e' debug key. --- */

static void dump_port(const struct domain *d, const struct evtchn *chn)
{
    const struct evtchn_port_ops *ops = d->evtchn_port_ops;
    char flags[4] = {
        ops->is_pending(d, chn) ? 'P' : '-',
        ops->is_masked(d, chn) ? 'M' : '-',
        ops->is_linked && ops->is_linked(d, chn) ? 'L' : '-',
        '\0',
    };

    printk("    %5u %s v%-3u ", chn->port, flags, chn->notify_vcpu_id);
    switch ( chn->state )
    {
    case ECS_UNBOUND:
        printk("unbound, for d%u\n", chn->u.unbound.remote_domid);
        break;
    case ECS_INTERDOMAIN:
        printk("interdomain, d%u port %u\n",
               chn->u.interdomain.remote_dom->domain_id,
               chn->u.interdomain.remote_port);
        break;
    case ECS_VIRQ:
        printk("virq %u\n", chn->u.virq);
        break;
    case ECS_IPI:
        printk("ipi\n");
        break;
    case ECS_PIRQ:
        printk("pirq %u\n", chn->u.pirq);
        break;
    default:
        printk("state %u?\n", chn->state);
        break;
    }
}

static void dump_domain_ports(struct domain *d)
{
    const struct evtchn_domain *ed = d->evtchn;
    const struct evtchn *chn;
    unsigned int port;

    if ( !ed )
        return;
    /* A key may interrupt a holder of the lock: never wait for it. */
    if ( !spin_trylock(&d->event_lock) )
    {
        printk("d%u: event channels busy, not dumped\n", d->domain_id);
        return;
    }
    printk("d%u: %s ABI, %u port(s) bound, %u allocated (P pending, "
           "M masked, L linked)\n", d->domain_id, d->evtchn_port_ops->name,
           ed->active_ports, ed->valid_ports);
    for ( port = 1; port < ed->valid_ports; port++ )
    {
        chn = evtchn_from_port(d, port);
        if ( chn->state != ECS_FREE )
            dump_port(d, chn);
    }
    spin_unlock(&d->event_lock);
}

void dump_evtchn_info(unsigned char key)
{
    struct domain *d;

    printk("'%c' pressed -> dumping event-channel info\n", key);
    read_lock(&domlist_lock);
    for_each_domain ( d )
        dump_domain_ports(d);
    read_unlock(&domlist_lock);
}

void evtchn_init(void)
{
    register_keyhandler('e', dump_evtchn_info, "dump evtchn info", true);
}
