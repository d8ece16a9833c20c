/*
 * xen/event_ops.h: what the three event channel files share
 * (common/event_channel.c, event_2l.c, event_fifo.c, event_poll.c).
 * Nothing outside them includes this; the rest of the hypervisor uses
 * xen/event.h.
 *
 * A domain's ports are struct evtchn, allocated in buckets of
 * EVTCHNS_PER_BUCKET as ports are needed; buckets hang off groups of
 * BUCKETS_PER_GROUP, and the groups off struct evtchn_domain. A bucket, once
 * allocated, stays until the domain is freed, so a port below valid_ports
 * can be looked up without a lock.
 *
 * The port ABI (2-level or FIFO) is a struct evtchn_port_ops: how a port
 * is marked pending, cleared, unmasked and inspected in the memory the
 * guest shares with us. See event_channel.c's Locking: comment for who may
 * call which op with which lock held.
 */
#ifndef XEN_EVENT_OPS_H
#define XEN_EVENT_OPS_H

#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/event_channel.h>

/* What a port is bound to. */
enum evtchn_state {
    ECS_FREE,           /* not in use: the next allocation may take it */
    ECS_RESERVED,       /* port 0: never handed out */
    ECS_UNBOUND,        /* waiting for u.unbound.remote_domid to bind */
    ECS_INTERDOMAIN,    /* connected to u.interdomain */
    ECS_PIRQ,           /* a physical IRQ (not entered yet: no routing) */
    ECS_VIRQ,           /* virtual IRQ u.virq of vCPU notify_vcpu_id */
    ECS_IPI,            /* notifies notify_vcpu_id of the same domain */
};

struct evtchn {
    /*
     * Guards state, u and notify_vcpu_id (changed only with the domain's
     * event_lock held too) and serialises raising through this channel.
     * Always taken with interrupts off: VIRQs are raised from softirqs
     * and interrupt handlers.
     */
    spinlock_t lock;
    uint8_t state;                  /* ECS_* */
    uint8_t priority;               /* FIFO queue it goes on (0 highest) */
    uint8_t last_priority;          /* FIFO: queue it was last linked on ... */
    bool fifo_pending;              /* FIFO: raised while it had no word */
    uint32_t last_vcpu_id;          /* ... of this vCPU (its queue lock) */
    evtchn_port_t port;
    uint32_t notify_vcpu_id;        /* whose upcall it raises */
    union {
        struct {
            domid_t remote_domid;   /* who may bind to it */
        } unbound;
        struct {
            struct domain *remote_dom;
            evtchn_port_t remote_port;
        } interdomain;
        uint32_t virq;
        uint32_t pirq;
    } u;
};

#define EVTCHNS_PER_BUCKET   64
#define BUCKETS_PER_GROUP    64
#define EVTCHNS_PER_GROUP    (EVTCHNS_PER_BUCKET * BUCKETS_PER_GROUP)
/* The largest port space of any ABI (FIFO). */
#define EVTCHN_MAX_PORTS     EVTCHN_FIFO_NR_CHANNELS
#define EVTCHN_NR_GROUPS     (EVTCHN_MAX_PORTS / EVTCHNS_PER_GROUP)

struct evtchn_fifo_domain;

struct evtchn_domain {
    /* groups[port / EVTCHNS_PER_GROUP][bucket in group][port % 64] */
    struct evtchn **groups[EVTCHN_NR_GROUPS];
    unsigned int valid_ports;       /* have a bucket; only grows */
    unsigned int max_ports;         /* the ABI's limit: 4096 or 2^17 */
    /* The rest is guarded by the domain's event_lock. */
    unsigned int active_ports;      /* neither free nor reserved */
    unsigned int free_hint;         /* no free port below this one */
    unsigned int reset_next;        /* EVTCHNOP_reset in progress: next
                                       port to close; 0 when none is */
    bool dying;                     /* destroyed: no new port */
    struct evtchn_fifo_domain *fifo; /* FIFO state; NULL with 2-level */
};

/* Is port a port of d now (it has a bucket and fits the ABI)? */
static inline bool evtchn_port_valid(const struct domain *d,
                                     evtchn_port_t port)
{
    const struct evtchn_domain *ed = d->evtchn;

    return port < read_atomic(&ed->max_ports) &&
           port < read_atomic(&ed->valid_ports);
}

/* The channel of a valid port (after evtchn_port_valid()). */
static inline struct evtchn *evtchn_from_port(const struct domain *d,
                                              evtchn_port_t port)
{
    smp_rmb();      /* the bucket was written before valid_ports grew */
    return &d->evtchn->groups[port / EVTCHNS_PER_GROUP]
                             [(port / EVTCHNS_PER_BUCKET) % BUCKETS_PER_GROUP]
                             [port % EVTCHNS_PER_BUCKET];
}

/*
 * A port ABI. Every op is called with the channel's binding stable: the
 * caller holds chn->lock, or, when raising an interdomain channel, the
 * lock of its peer (closing either end needs both locks).
 */
struct evtchn_port_ops {
    const char *name;
    /* chn was just bound: give it the ABI's initial state (may be NULL). */
    void (*init)(struct domain *d, struct evtchn *chn);
    /*
     * Mark chn pending and, if the guest can see it (unmasked, and for
     * FIFO linked into its queue), make its vCPU take an upcall. True if
     * it was not pending before (pollers are then woken by the caller).
     */
    bool (*set_pending)(struct domain *d, struct evtchn *chn);
    void (*clear_pending)(struct domain *d, struct evtchn *chn);
    /* EVTCHNOP_unmask: deliver chn if it is pending. */
    void (*unmask)(struct domain *d, struct evtchn *chn);
    bool (*is_pending)(const struct domain *d, const struct evtchn *chn);
    bool (*is_masked)(const struct domain *d, const struct evtchn *chn);
    /* FIFO only (NULL: -ENOSYS): the queue chn's next raise goes on. */
    int (*set_priority)(struct domain *d, struct evtchn *chn,
                        unsigned int priority);
    /* For the 'e' dump (NULL: the ABI has no such state). */
    bool (*is_linked)(const struct domain *d, const struct evtchn *chn);
};

extern const struct evtchn_port_ops evtchn_port_ops_2l;
extern const struct evtchn_port_ops evtchn_port_ops_fifo;

/* event_channel.c */

/* The vCPU chn notifies, or NULL if it does not exist (yet). */
static inline struct vcpu *evtchn_notify_vcpu(const struct domain *d,
                                              const struct evtchn *chn)
{
    uint32_t id = read_atomic(&chn->notify_vcpu_id);

    return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

/* port just became pending: wake the vCPUs of d polling it (or any). */
void evtchn_check_pollers(struct domain *d, evtchn_port_t port);

/* event_fifo.c (the caller holds d->event_lock for all three) */

/* EVTCHNOP_init_control; the first call switches d to FIFO. */
int evtchn_fifo_init_control(struct domain *d,
                             struct evtchn_init_control *init);
/* EVTCHNOP_expand_array. */
int evtchn_fifo_expand_array(struct domain *d,
                             const struct evtchn_expand_array *expand);
/*
 * Drop the FIFO state (control blocks, event array, page references).
 * Only when no port of d can be raised: all closed, or d being freed.
 */
void evtchn_fifo_destroy(struct domain *d);

#endif /* XEN_EVENT_OPS_H */
