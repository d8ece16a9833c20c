/*
 * test_evtchn.c: event channels (common/event_channel.c, event_2l.c,
 * event_fifo.c, event_poll.c) on the simulated machine of sched_sim.c:
 * real domains and vCPUs, real scheduler and timers. Hypercalls are made
 * as a running vCPU of the calling domain (current), through
 * do_event_channel_op() and sched_poll() with their argument structures
 * in (host) guest memory.
 *
 * What this file supplies in place of the arch code:
 *   - shared_info pages (d->shared_info, v->vcpu_info into it);
 *   - guest memory access: memcpy, with addresses below 4 KiB faulting;
 *   - guest frames for the FIFO pages: NR_FRAMES host pages playing
 *     machine frames 0.., each given to a domain by the test, with
 *     reference counts that must return to zero;
 *   - vcpu_mark_events_pending()/vcpu_kick() as the lead's contract says
 *     (set upcall_pending; kick, i.e. unblock, only if newly set),
 *     counting both;
 *   - hypercall_preempt_check()/create_continuation() under test control.
 *
 * The cases:
 *   ports         lowest free first, buckets of 64 on demand, 2-level
 *                 limit 4095 ports, FIFO beyond
 *   errors        every op's error codes (-EINVAL, -ENOENT, -ESRCH,
 *                 -EPERM, -EEXIST, -EFAULT, -ENOSYS, -EBUSY...)
 *   interdomain   both directions, close -> unbound, rebind, self-bind
 *   virq / ipi    per-vCPU vs global rules, raising from IRQ context and a
 *                 timer, IPIs to another vCPU, bind_vcpu
 *   2-level       the mask / pending / selector edge rules
 *   FIFO          init_control, expand_array, queue order by priority,
 *                 LINKED re-raise, masked ports, the switch from 2-level
 *                 with pending ports, ports moving queue
 *   poll          wakes on the right port only, any-port, timeout
 *   reset         closes everything (preemptibly), back to 2-level
 *   churn         random bind/send/close against a model; nothing leaks
 *   dump          the 'e' key lists every bound port
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/event_ops.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <asm/mm.h>

#include "harness.h"
#include "sched_sim.h"

/* --- Stand-ins for the arch code. --- */

unsigned long raw_copy_from_guest(void *to, const void *from,
                                  unsigned long len)
{
    if ( (unsigned long)from < PAGE_SIZE )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_copy_to_guest(void *to, const void *from,
                                unsigned long len)
{
    if ( (unsigned long)to < PAGE_SIZE )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_clear_guest(void *to, unsigned long len)
{
    if ( (unsigned long)to < PAGE_SIZE )
        return len;
    memset(to, 0, len);
    return 0;
}

bool guest_range_ok(unsigned long va, unsigned long len)
{
    return va >= PAGE_SIZE && va + len >= va;
}

#define NR_FRAMES 8
static unsigned char *ram;
static struct page_info frames[NR_FRAMES];
static struct domain *frame_owner[NR_FRAMES];
static int frame_refs[NR_FRAMES];

struct page_info *get_guest_page_rw(struct domain *d, unsigned long gfn)
{
    if ( gfn >= NR_FRAMES || frame_owner[gfn] != d )
        return NULL;
    frame_refs[gfn]++;
    return &frames[gfn];
}

void put_guest_page_rw(struct page_info *pg)
{
    unsigned long mfn = pg - frames;

    BUG_ON(mfn >= NR_FRAMES || frame_refs[mfn] <= 0);
    frame_refs[mfn]--;
}

static void *frame_va(unsigned int mfn)
{
    return ram + (unsigned long)mfn * PAGE_SIZE;
}

static void give_frame(unsigned int mfn, struct domain *d)
{
    frame_owner[mfn] = d;
    memset(frame_va(mfn), 0, PAGE_SIZE);
}

/* Upcalls: counted per vCPU. */
#define MAX_REC 32
static struct {
    const struct vcpu *v;
    unsigned int marks, kicks;
} rec[MAX_REC];

static unsigned int rec_slot(const struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < MAX_REC && rec[i].v; i++ )
        if ( rec[i].v == v )
            return i;
    BUG_ON(i == MAX_REC);
    rec[i].v = v;
    return i;
}

static unsigned int marks(const struct vcpu *v)
{
    return rec[rec_slot(v)].marks;
}

static unsigned int kicks(const struct vcpu *v)
{
    return rec[rec_slot(v)].kicks;
}

void vcpu_kick(struct vcpu *v)
{
    rec[rec_slot(v)].kicks++;
    vcpu_unblock(v);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    rec[rec_slot(v)].marks++;
    if ( !xchg(&v->vcpu_info->evtchn_upcall_pending, 1) )
        vcpu_kick(v);
}

/* Preemption: true on the preempt_after'th check from now (-1: never). */
static int preempt_after = -1;
static unsigned int nr_continuations;
static unsigned int cont_cmd;

bool hypercall_preempt_check(void)
{
    if ( preempt_after < 0 )
        return false;
    return preempt_after-- == 0;
}

#define CONTINUATION_RC 0x7e57
long hypercall_create_continuation(unsigned int op, const char *fmt, ...)
{
    va_list ap;

    CHECK_EQ(op, __HYPERVISOR_event_channel_op);
    CHECK_STREQ(fmt, "ih");
    va_start(ap, fmt);
    cont_cmd = va_arg(ap, unsigned int);
    va_end(ap);
    nr_continuations++;
    return CONTINUATION_RC;
}

/* --- Test domains. --- */

static struct sim_pool *pool;

struct tdom {
    struct sim_domain *sd;
    struct domain *d;
    struct shared_info *si;
};

static struct vcpu *V(const struct tdom *t, unsigned int i)
{
    return t->d->vcpu[i];
}

static bool setup(const char *name)
{
    if ( !sim_begin(name) )
        return false;
    if ( !ram )
    {
        ram = aligned_alloc(PAGE_SIZE, NR_FRAMES * PAGE_SIZE);
        BUG_ON(!ram);
    }
    host_test_directmap = ram;
    frame_table = frames;
    memset(frame_owner, 0, sizeof(frame_owner));
    memset(frame_refs, 0, sizeof(frame_refs));
    memset(rec, 0, sizeof(rec));
    preempt_after = -1;
    nr_continuations = 0;
    pool = sim_pool_create(XEN_SCHEDULER_CREDIT, 8);
    return pool != NULL;
}

/* A domain of nr always-running vCPUs, with shared_info and events. */
static bool tdom_create(struct tdom *t, unsigned int nr, bool privileged)
{
    struct vcpu *v;
    bool ok;

    memset(t, 0, sizeof(*t));
    t->sd = sim_domain_create(pool, nr, 0, 0, &SIM_B_SPIN);
    if ( !t->sd )
        return false;
    t->d = t->sd->d;
    t->si = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    BUG_ON(!t->si);
    memset(t->si, 0, PAGE_SIZE);
    t->d->shared_info = t->si;
    t->d->is_privileged = privileged;
    for_each_vcpu ( t->d, v )
        v->vcpu_info = &t->si->vcpu_info[v->vcpu_id];
    /* domain_create() set up its ports (evtchn_domain_init()). */
    ok = CHECK(t->d->evtchn != NULL) &&
         CHECK(t->d->evtchn_port_ops == &evtchn_port_ops_2l);
    sim_run_for(MILLISECS(1));      /* every vCPU running on its pCPU */
    return ok;
}

/*
 * domain_kill() closes its ports (evtchn_domain_destroy()), the final
 * put frees them (evtchn_domain_free()); the sim's allocation count and
 * the frame references tell whether anything was left.
 */
static void tdom_destroy(struct tdom *t)
{
    if ( !t->d )
        return;
    sim_domain_destroy(t->sd);
    free(t->si);
    t->d = NULL;
}

static void teardown(void)
{
    unsigned int i;

    for ( i = 0; i < NR_FRAMES; i++ )
        CHECK_EQ(frame_refs[i], 0);
    CHECK_EQ(sim_pool_destroy(pool), 0);
    CHECK(sim_end());
}

/* --- Hypercalls, as vCPU v. --- */

static bool as_begin(struct vcpu *v)
{
    harness_set_cpu(v->processor);
    if ( current == v )
        return true;
    harness_set_cpu(0);
    return CHECK(!"the vCPU is not running");
}

static void as_end(void)
{
    harness_set_cpu(0);
    sim_settle();
}

static long op(struct vcpu *v, int cmd, void *arg)
{
    long rc;

    if ( !as_begin(v) )
        return -9999;
    rc = do_event_channel_op(cmd, guest_handle_from_ptr(arg, void));
    as_end();
    return rc;
}

static long alloc_unbound(struct vcpu *v, domid_t dom, domid_t remote,
                          evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote,
                                      .port = 0xdead };
    long rc = op(v, EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static long bind_interdomain(struct vcpu *v, domid_t rdom,
                             evtchn_port_t rport, evtchn_port_t *lport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom,
                                         .remote_port = rport,
                                         .local_port = 0xdead };
    long rc = op(v, EVTCHNOP_bind_interdomain, &b);

    *lport = b.local_port;
    return rc;
}

static long bind_virq(struct vcpu *v, uint32_t virq, uint32_t vcpu,
                      evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu,
                                  .port = 0xdead };
    long rc = op(v, EVTCHNOP_bind_virq, &b);

    *port = b.port;
    return rc;
}

static long bind_ipi(struct vcpu *v, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = 0xdead };
    long rc = op(v, EVTCHNOP_bind_ipi, &b);

    *port = b.port;
    return rc;
}

static long ev_close(struct vcpu *v, evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return op(v, EVTCHNOP_close, &c);
}

static long ev_send(struct vcpu *v, evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return op(v, EVTCHNOP_send, &s);
}

static long ev_unmask(struct vcpu *v, evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return op(v, EVTCHNOP_unmask, &u);
}

static long ev_bind_vcpu(struct vcpu *v, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return op(v, EVTCHNOP_bind_vcpu, &b);
}

static long ev_status(struct vcpu *v, domid_t dom, evtchn_port_t port,
                      struct evtchn_status *st)
{
    memset(st, 0xff, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return op(v, EVTCHNOP_status, st);
}

static long ev_reset(struct vcpu *v, domid_t dom, bool cont)
{
    struct evtchn_reset r = { .dom = dom };

    return op(v, cont ? EVTCHNOP_reset_cont : EVTCHNOP_reset, &r);
}

static long init_control(struct vcpu *v, uint64_t gfn, uint32_t offset,
                         uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control i = { .control_gfn = gfn, .offset = offset,
                                     .vcpu = vcpu };
    long rc = op(v, EVTCHNOP_init_control, &i);

    if ( link_bits )
        *link_bits = i.link_bits;
    return rc;
}

static long expand_array(struct vcpu *v, uint64_t gfn)
{
    struct evtchn_expand_array e = { .array_gfn = gfn };

    return op(v, EVTCHNOP_expand_array, &e);
}

static long set_priority(struct vcpu *v, evtchn_port_t port, uint32_t prio)
{
    struct evtchn_set_priority s = { .port = port, .priority = prio };

    return op(v, EVTCHNOP_set_priority, &s);
}

/* Status of port: the EVTCHNSTAT_* value, or -errno. */
static long stat_of(struct vcpu *v, domid_t dom, evtchn_port_t port)
{
    struct evtchn_status st;
    long rc = ev_status(v, dom, port, &st);

    return rc ? rc : (long)st.status;
}

/* --- The guest's view of the 2-level ABI. --- */

static bool pending(const struct tdom *t, evtchn_port_t p)
{
    return test_bit(p, (unsigned long *)t->si->evtchn_pending);
}

static void guest_mask(const struct tdom *t, evtchn_port_t p)
{
    set_bit(p, (unsigned long *)t->si->evtchn_mask);
}

static void guest_clear(const struct tdom *t, evtchn_port_t p)
{
    clear_bit(p, (unsigned long *)t->si->evtchn_pending);
}

static unsigned long sel(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_pending_sel;
}

/* The guest took its upcall: flag and selector cleared. */
static void guest_ack(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_pending = 0;
    v->vcpu_info->evtchn_pending_sel = 0;
}

/* ==== Ports and errors. ==== */

TEST(ports_are_lowest_free_first_in_buckets_on_demand)
{
    struct tdom a;
    evtchn_port_t p, q;
    unsigned int i;

    if ( !setup("ports") || !tdom_create(&a, 1, false) )
        return;
    /* One bucket up front, not the whole port space. */
    CHECK_EQ(a.d->evtchn->valid_ports, EVTCHNS_PER_BUCKET);
    CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, 0), EVTCHNSTAT_closed);
    for ( i = 1; i < 64; i++ )
    {
        CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p), 0);
        if ( !CHECK_EQ(p, i) )
            break;
    }
    CHECK_EQ(a.d->evtchn->valid_ports, 64);
    CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p), 0);
    CHECK_EQ(p, 64);
    CHECK_EQ(a.d->evtchn->valid_ports, 128);        /* a second bucket */
    CHECK_EQ(ev_close(V(&a, 0), 5), 0);
    CHECK_EQ(ev_close(V(&a, 0), 9), 0);
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &q), 0);
    CHECK_EQ(q, 5);                                 /* lowest free */
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &q), 0);
    CHECK_EQ(q, 9);
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &q), 0);
    CHECK_EQ(q, 65);

    /* 2-level: ports 1..4095, then -ENOSPC. */
    for ( i = 66; i < EVTCHN_2L_NR_CHANNELS; i++ )
        if ( !CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p),
                       0) )
            break;
    CHECK_EQ(p, EVTCHN_2L_NR_CHANNELS - 1);
    CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p), -ENOSPC);
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &p), -ENOSPC);
    CHECK_EQ(a.d->evtchn->valid_ports, EVTCHN_2L_NR_CHANNELS);
    CHECK_EQ(a.d->evtchn->active_ports, EVTCHN_2L_NR_CHANNELS - 1);
    tdom_destroy(&a);
    teardown();
}

TEST(hypercall_errors)
{
    struct tdom a, b;
    struct evtchn_status st;
    evtchn_port_t p;

    if ( !setup("errors") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) )
        return;
    /* Unknown commands and unreadable arguments. */
    CHECK_EQ(op(V(&a, 0), 99, &st), -ENOSYS);
    CHECK_EQ(op(V(&a, 0), -1, &st), -ENOSYS);
    CHECK_EQ(op(V(&a, 0), 15, &st), -ENOSYS);
    CHECK_EQ(op(V(&a, 0), EVTCHNOP_close, (void *)8), -EFAULT);
    CHECK_EQ(op(V(&a, 0), EVTCHNOP_bind_ipi, NULL), -EFAULT);

    /* alloc_unbound: another domain needs privilege; no such domain. */
    CHECK_EQ(alloc_unbound(V(&a, 0), b.d->domain_id, DOMID_SELF, &p), -EPERM);
    CHECK_EQ(alloc_unbound(V(&a, 0), 999, DOMID_SELF, &p), -ESRCH);
    CHECK_EQ(alloc_unbound(V(&a, 0), a.d->domain_id, b.d->domain_id, &p), 0);
    CHECK_EQ(p, 1);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, 1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, b.d->domain_id);
    CHECK_EQ(st.vcpu, 0);

    /* status: of another domain (-EPERM), of a bad port (-EINVAL). */
    CHECK_EQ(ev_status(V(&a, 0), b.d->domain_id, 1, &st), -EPERM);
    CHECK_EQ(ev_status(V(&a, 0), 999, 1, &st), -ESRCH);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, 64, &st), -EINVAL);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, 2, &st), 0);  /* has a bucket */
    CHECK_EQ(st.status, EVTCHNSTAT_closed);

    /* close / send / unmask / bind_vcpu of bad ports. */
    CHECK_EQ(ev_close(V(&a, 0), 0), -EINVAL);           /* reserved */
    CHECK_EQ(ev_close(V(&a, 0), 2), -EINVAL);           /* free */
    CHECK_EQ(ev_close(V(&a, 0), 100000), -EINVAL);
    CHECK_EQ(ev_send(V(&a, 0), 0), -EINVAL);
    CHECK_EQ(ev_send(V(&a, 0), 2), -EINVAL);
    CHECK_EQ(ev_send(V(&a, 0), 1), 0);                  /* unbound: dropped */
    CHECK(!pending(&a, 1));
    CHECK_EQ(ev_unmask(V(&a, 0), 4096), -EINVAL);
    CHECK_EQ(ev_unmask(V(&a, 0), 3), 0);                /* free but valid */
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), 1, 2), -ENOENT);
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), 77, 1), -EINVAL);
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), 2, 1), -EINVAL);    /* free */

    /* bind_ipi, bind_virq, bind_pirq. */
    CHECK_EQ(bind_ipi(V(&a, 0), 2, &p), -ENOENT);
    CHECK_EQ(bind_virq(V(&a, 0), NR_VIRQS, 0, &p), -EINVAL);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 5, &p), -ENOENT);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_CONSOLE, 1, &p), -EINVAL);
    {
        struct evtchn_bind_pirq bp = { .pirq = 4 };

        CHECK_EQ(op(V(&a, 0), EVTCHNOP_bind_pirq, &bp), -ENOSYS);
    }

    /* bind_interdomain: no domain, bad port, not offered to us. */
    CHECK_EQ(bind_interdomain(V(&b, 0), 999, 1, &p), -ESRCH);
    CHECK_EQ(bind_interdomain(V(&b, 0), a.d->domain_id, 2, &p), -EINVAL);
    CHECK_EQ(bind_interdomain(V(&b, 0), a.d->domain_id, 5000, &p), -EINVAL);
    CHECK_EQ(bind_interdomain(V(&a, 0), DOMID_SELF, 1, &p), -EINVAL);
    CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, 1), EVTCHNSTAT_unbound);
    CHECK_EQ(b.d->evtchn->active_ports, 0);         /* nothing half made */

    /* FIFO ops in 2-level. */
    CHECK_EQ(expand_array(V(&a, 0), 1), -EOPNOTSUPP);
    CHECK_EQ(set_priority(V(&a, 0), 1, 3), -ENOSYS);
    CHECK_EQ(set_priority(V(&a, 0), 70, 3), -EINVAL);

    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}

/* ==== Interdomain. ==== */

TEST(interdomain_both_ways_close_returns_peer_to_unbound)
{
    struct tdom a, b;
    struct evtchn_status st;
    evtchn_port_t pa, pb, pb2, q;
    domid_t ida, idb;

    if ( !setup("interdomain") || !tdom_create(&a, 1, false) ||
         !tdom_create(&b, 1, false) )
        return;
    ida = a.d->domain_id;
    idb = b.d->domain_id;
    CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, idb, &pa), 0);
    CHECK_EQ(ev_send(V(&a, 0), pa), 0);             /* nobody: dropped */
    CHECK_EQ(bind_interdomain(V(&b, 0), ida, pa, &pb), 0);
    CHECK_EQ(pb, 1);
    /* The new end is raised once, for what was dropped before. */
    CHECK(pending(&b, pb));
    CHECK(!pending(&a, pa));
    CHECK_EQ(ev_status(V(&b, 0), DOMID_SELF, pb, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, ida);
    CHECK_EQ(st.u.interdomain.port, pa);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, pa, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, idb);
    CHECK_EQ(st.u.interdomain.port, pb);

    /* Both directions. */
    guest_clear(&b, pb);
    guest_ack(V(&b, 0));
    CHECK_EQ(ev_send(V(&a, 0), pa), 0);
    CHECK(pending(&b, pb) && !pending(&a, pa));
    CHECK_EQ(V(&b, 0)->vcpu_info->evtchn_upcall_pending, 1);
    CHECK_EQ(ev_send(V(&b, 0), pb), 0);
    CHECK(pending(&a, pa));
    CHECK_EQ(V(&a, 0)->vcpu_info->evtchn_upcall_pending, 1);

    /* A bound port cannot be bound again. */
    CHECK_EQ(bind_interdomain(V(&b, 0), ida, pa, &q), -EINVAL);

    /* B closes: A's end waits for B again, and B's sends are gone. */
    CHECK_EQ(ev_close(V(&b, 0), pb), 0);
    CHECK_EQ(stat_of(V(&b, 0), DOMID_SELF, pb), EVTCHNSTAT_closed);
    CHECK(!pending(&b, pb));                        /* cleared on close */
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, pa, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, idb);
    CHECK_EQ(ev_send(V(&a, 0), pa), 0);
    CHECK(!pending(&b, pb));
    CHECK_EQ(ev_send(V(&b, 0), pb), -EINVAL);

    /* Rebind, then A closes: B's end waits for A. */
    CHECK_EQ(bind_interdomain(V(&b, 0), ida, pa, &pb2), 0);
    CHECK_EQ(pb2, pb);
    CHECK_EQ(ev_close(V(&a, 0), pa), 0);
    CHECK_EQ(ev_status(V(&b, 0), DOMID_SELF, pb2, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, ida);
    /* ... and A binds to it from its side now. */
    CHECK_EQ(bind_interdomain(V(&a, 0), idb, pb2, &q), 0);
    CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, q), EVTCHNSTAT_interdomain);
    CHECK_EQ(ev_close(V(&a, 0), q), 0);
    CHECK_EQ(ev_close(V(&b, 0), pb2), 0);

    /* A domain may bind to its own unbound port (SELF / SELF). */
    CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &pa), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), DOMID_SELF, pa, &q), 0);
    CHECK(q != pa);
    guest_clear(&a, q);
    CHECK_EQ(ev_send(V(&a, 0), q), 0);
    CHECK(pending(&a, pa) && !pending(&a, q));
    CHECK_EQ(ev_send(V(&a, 0), pa), 0);
    CHECK(pending(&a, q));
    CHECK_EQ(ev_close(V(&a, 0), pa), 0);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, q, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, ida);
    CHECK_EQ(ev_close(V(&a, 0), q), 0);
    CHECK_EQ(a.d->evtchn->active_ports, 0);
    CHECK_EQ(b.d->evtchn->active_ports, 0);

    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}

TEST(privileged_domain_builds_channels_for_others)
{
    struct tdom dom0, u;
    struct evtchn_status st;
    evtchn_port_t pu, p0;

    if ( !setup("privileged") || !tdom_create(&dom0, 1, true) ||
         !tdom_create(&u, 1, false) )
        return;
    /* As the toolstack does for xenstore: a port in u for dom0. */
    CHECK_EQ(alloc_unbound(V(&dom0, 0), u.d->domain_id, DOMID_SELF, &pu), 0);
    CHECK_EQ(ev_status(V(&dom0, 0), u.d->domain_id, pu, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, dom0.d->domain_id);   /* SELF = the caller */
    CHECK_EQ(bind_interdomain(V(&dom0, 0), u.d->domain_id, pu, &p0), 0);
    CHECK_EQ(stat_of(V(&u, 0), DOMID_SELF, pu), EVTCHNSTAT_interdomain);

    /* Killing u leaves dom0's end waiting for u. */
    tdom_destroy(&u);
    CHECK_EQ(ev_status(V(&dom0, 0), DOMID_SELF, p0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(ev_send(V(&dom0, 0), p0), 0);
    CHECK_EQ(ev_close(V(&dom0, 0), p0), 0);
    tdom_destroy(&dom0);
    teardown();
}

/* ==== VIRQs, IPIs, bind_vcpu. ==== */

static struct vcpu *timer_target;
static void raise_timer_virq(void *data)
{
    send_guest_vcpu_virq(timer_target, VIRQ_TIMER);
}

TEST(virq_per_vcpu_and_global_rules)
{
    struct tdom a;
    evtchn_port_t t1, t0, con, x;
    struct timer tm;

    if ( !setup("virq") || !tdom_create(&a, 2, false) )
        return;
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 1, &t1), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 1, &x), -EEXIST);
    CHECK_EQ(bind_virq(V(&a, 1), VIRQ_TIMER, 0, &t0), 0);
    CHECK(t0 != t1);
    CHECK_EQ(bind_virq(V(&a, 1), VIRQ_CONSOLE, 0, &con), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_CONSOLE, 0, &x), -EEXIST);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_DOM_EXC, 1, &x), -EINVAL);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_XENPMU, 1, &x), 0);  /* per vCPU */
    CHECK_EQ(ev_close(V(&a, 0), x), 0);
    CHECK(virq_is_bound(a.d, VIRQ_CONSOLE));
    CHECK(!virq_is_bound(a.d, VIRQ_DOM_EXC));
    CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, t1), EVTCHNSTAT_virq);
    CHECK_EQ(ev_send(V(&a, 0), t1), -EINVAL);       /* not sendable */

    /* A per-vCPU VIRQ goes to its vCPU only. */
    sim_ctl_begin();
    send_guest_vcpu_virq(V(&a, 1), VIRQ_TIMER);
    sim_ctl_end();
    CHECK(pending(&a, t1) && !pending(&a, t0));
    CHECK(sel(V(&a, 1)) != 0 && sel(V(&a, 0)) == 0);
    CHECK_EQ(marks(V(&a, 1)), 1);
    CHECK_EQ(marks(V(&a, 0)), 0);

    /* Global: to vCPU 0, or where bind_vcpu moved it. */
    sim_ctl_begin();
    send_guest_global_virq(a.d, VIRQ_CONSOLE);
    sim_ctl_end();
    CHECK(pending(&a, con));
    CHECK_EQ(marks(V(&a, 0)), 1);
    guest_clear(&a, con);
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), con, 1), 0);
    guest_ack(V(&a, 1));
    sim_ctl_begin();
    send_guest_global_virq(a.d, VIRQ_CONSOLE);
    sim_ctl_end();
    CHECK_EQ(marks(V(&a, 1)), 2);
    CHECK_EQ(marks(V(&a, 0)), 1);
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), t1, 0), -EINVAL);  /* per-vCPU VIRQ */

    /* From interrupt context and from a timer (softirq). */
    guest_clear(&a, t0);
    sim_ctl_begin();
    local_irq_disable();
    send_guest_vcpu_virq(V(&a, 0), VIRQ_TIMER);
    local_irq_enable();
    sim_ctl_end();
    CHECK(pending(&a, t0));
    guest_clear(&a, t1);
    timer_target = V(&a, 1);
    sim_ctl_begin();
    init_timer(&tm, raise_timer_virq, NULL, V(&a, 1)->processor);
    set_timer(&tm, NOW() + MICROSECS(100));
    sim_ctl_end();
    CHECK(!pending(&a, t1));
    sim_run_for(MICROSECS(200));
    CHECK(pending(&a, t1));
    sim_ctl_begin();
    kill_timer(&tm);
    sim_ctl_end();

    /* Closed: unbound everywhere, and raising it does nothing. */
    CHECK_EQ(ev_close(V(&a, 0), t1), 0);
    CHECK_EQ(V(&a, 1)->virq_to_evtchn[VIRQ_TIMER], 0);
    CHECK_EQ(ev_close(V(&a, 0), con), 0);
    CHECK(!virq_is_bound(a.d, VIRQ_CONSOLE));
    guest_ack(V(&a, 1));
    sim_ctl_begin();
    send_guest_vcpu_virq(V(&a, 1), VIRQ_TIMER);
    send_guest_global_virq(a.d, VIRQ_CONSOLE);
    sim_ctl_end();
    CHECK_EQ(sel(V(&a, 1)), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 1, &x), 0);  /* free again */
    tdom_destroy(&a);
    teardown();
}

TEST(ipi_to_another_vcpu_and_bind_vcpu_moves_notifications)
{
    struct tdom a, b;
    evtchn_port_t ipi, pa, pb;
    struct evtchn_status st;

    if ( !setup("ipi") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) )
        return;
    CHECK_EQ(bind_ipi(V(&a, 0), 1, &ipi), 0);
    CHECK_EQ(ev_send(V(&a, 0), ipi), 0);
    CHECK(pending(&a, ipi));
    CHECK_EQ(marks(V(&a, 1)), 1);
    CHECK_EQ(kicks(V(&a, 1)), 1);
    CHECK_EQ(marks(V(&a, 0)), 0);
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), ipi, 0), -EINVAL);   /* IPIs stay */
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, ipi, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 1);

    /* An interdomain port moved to vCPU 1 notifies vCPU 1. */
    CHECK_EQ(alloc_unbound(V(&b, 0), DOMID_SELF, a.d->domain_id, &pb), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &pa), 0);
    guest_clear(&a, pa);
    guest_ack(V(&a, 0));
    guest_ack(V(&a, 1));
    CHECK_EQ(ev_bind_vcpu(V(&a, 1), pa, 1), 0);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, pa, &st), 0);
    CHECK_EQ(st.vcpu, 1);
    CHECK_EQ(ev_send(V(&b, 0), pb), 0);
    CHECK(sel(V(&a, 1)) != 0);
    CHECK_EQ(sel(V(&a, 0)), 0);
    CHECK_EQ(V(&a, 0)->vcpu_info->evtchn_upcall_pending, 0);
    /* Closed and reallocated ports start on vCPU 0 again. */
    CHECK_EQ(ev_close(V(&a, 0), pa), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &pa), 0);
    CHECK_EQ(ev_status(V(&a, 0), DOMID_SELF, pa, &st), 0);
    CHECK_EQ(st.vcpu, 0);
    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}

/* ==== The 2-level edge rules. ==== */

TEST(two_level_mask_pending_selector_edges)
{
    struct tdom a;
    evtchn_port_t p, p2, far;
    struct vcpu *v;
    unsigned int i;

    if ( !setup("2l-edges") || !tdom_create(&a, 1, false) )
        return;
    v = V(&a, 0);
    CHECK_EQ(bind_ipi(v, 0, &p), 0);
    CHECK_EQ(bind_ipi(v, 0, &p2), 0);               /* same word as p */
    for ( i = 0; i < 64; i++ )
        CHECK_EQ(bind_ipi(v, 0, &far), 0);          /* far: next word */
    CHECK(far / 64 != p / 64 && p / 64 == p2 / 64);

    /* Masked: pending, but no selector bit and no upcall. */
    guest_mask(&a, p);
    CHECK_EQ(ev_send(v, p), 0);
    CHECK(pending(&a, p));
    CHECK_EQ(sel(v), 0);
    CHECK_EQ(marks(v), 0);
    CHECK_EQ(v->vcpu_info->evtchn_upcall_pending, 0);

    /* Unmasking a pending port delivers it. */
    CHECK_EQ(ev_unmask(v, p), 0);
    CHECK(!test_bit(p, (unsigned long *)a.si->evtchn_mask));
    CHECK_EQ(sel(v), 1ul << (p / 64));
    CHECK_EQ(marks(v), 1);
    CHECK_EQ(kicks(v), 1);
    CHECK_EQ(v->vcpu_info->evtchn_upcall_pending, 1);
    /* Unmasking an unmasked port does not deliver it again, even once
     * the guest has taken the selector (it is still to scan the word). */
    guest_ack(v);
    CHECK_EQ(ev_unmask(v, p), 0);
    CHECK_EQ(sel(v), 0);
    CHECK_EQ(marks(v), 1);

    /* Already pending: nothing more, even after the guest's ack. */
    guest_ack(v);
    CHECK_EQ(ev_send(v, p), 0);
    CHECK_EQ(sel(v), 0);
    CHECK_EQ(marks(v), 1);

    /* The selector bit only on 0 -> 1: p2 shares p's word. */
    guest_clear(&a, p);
    CHECK_EQ(ev_send(v, p), 0);
    CHECK_EQ(marks(v), 2);
    CHECK_EQ(kicks(v), 2);
    CHECK_EQ(ev_send(v, p2), 0);
    CHECK(pending(&a, p2));
    CHECK_EQ(marks(v), 2);                          /* word already there */
    /* Another word: a new selector bit, upcall already pending: no kick. */
    CHECK_EQ(ev_send(v, far), 0);
    CHECK_EQ(sel(v), (1ul << (p / 64)) | (1ul << (far / 64)));
    CHECK_EQ(marks(v), 3);
    CHECK_EQ(kicks(v), 2);

    /* Masked and unmasked while not pending: no upcall. */
    guest_ack(v);
    guest_clear(&a, p2);
    guest_mask(&a, p2);
    CHECK_EQ(ev_unmask(v, p2), 0);
    CHECK_EQ(sel(v), 0);
    CHECK_EQ(marks(v), 3);
    tdom_destroy(&a);
    teardown();
}

/* ==== FIFO. ==== */

/* What a guest vCPU keeps to consume its queues (as Linux does). */
struct gfifo {
    struct evtchn_fifo_control_block *cb;
    event_word_t *words;            /* the array pages, contiguous here */
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

#define W(g, port) ((g)->words[port])
#define FBIT(b) (1u << EVTCHN_FIFO_ ## b)

/*
 * Consume every ready queue, highest priority first. Ports that are
 * pending and not masked are reported (and acked: PENDING cleared, if
 * ack). Returns how many were reported.
 */
static unsigned int fifo_drain(struct gfifo *g, evtchn_port_t *out,
                               unsigned int max, bool ack)
{
    uint32_t ready = xchg(&g->cb->ready, 0);
    unsigned int n = 0, q;
    event_word_t old, seen;
    evtchn_port_t port;

    while ( ready )
    {
        q = __builtin_ctz(ready);
        port = g->head[q] ? g->head[q] : read_atomic(&g->cb->head[q]);
        if ( !CHECK(port) )
            break;
        seen = read_atomic(&W(g, port));
        do {
            old = seen;
            seen = cmpxchg(&W(g, port), old,
                           old & ~(FBIT(LINKED) | EVTCHN_FIFO_LINK_MASK));
        } while ( seen != old );
        g->head[q] = old & EVTCHN_FIFO_LINK_MASK;
        if ( !g->head[q] )
            ready &= ~(1u << q);
        if ( (old & FBIT(PENDING)) && !(old & FBIT(MASKED)) )
        {
            if ( ack )
                __atomic_fetch_and(&W(g, port), ~FBIT(PENDING),
                                   __ATOMIC_SEQ_CST);
            if ( n < max )
                out[n] = port;
            n++;
        }
        ready |= xchg(&g->cb->ready, 0);
    }
    return n;
}

/* Frames: 1 = control blocks (vCPU i at offset 128 * i), 2.. = array. */
#define CB_FRAME    1
#define ARRAY_FRAME 2

static void gfifo_init(struct gfifo *g, unsigned int vcpu)
{
    memset(g, 0, sizeof(*g));
    g->cb = (void *)((char *)frame_va(CB_FRAME) + 128 * vcpu);
    g->words = frame_va(ARRAY_FRAME);
}

/* Switch t to FIFO with one array page; control blocks for vCPUs < nr. */
static bool fifo_setup(struct tdom *t, unsigned int nr, struct gfifo *g)
{
    unsigned int i;
    uint8_t bits = 0;
    bool ok = true;

    give_frame(CB_FRAME, t->d);
    give_frame(ARRAY_FRAME, t->d);
    give_frame(ARRAY_FRAME + 1, t->d);
    for ( i = 0; i < nr; i++ )
    {
        ok &= CHECK_EQ(init_control(V(t, 0), CB_FRAME, 128 * i, i, &bits), 0);
        ok &= CHECK_EQ(bits, EVTCHN_FIFO_LINK_BITS);
        gfifo_init(&g[i], i);
    }
    ok &= CHECK_EQ(expand_array(V(t, 0), ARRAY_FRAME), 0);
    return ok;
}

TEST(fifo_init_control_and_expand_array)
{
    struct tdom a, b;
    evtchn_port_t p;
    unsigned int i;
    uint8_t bits = 0;

    if ( !setup("fifo-setup") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) )
        return;
    give_frame(CB_FRAME, a.d);
    give_frame(ARRAY_FRAME, a.d);
    give_frame(ARRAY_FRAME + 1, b.d);
    CHECK_EQ(expand_array(V(&a, 0), ARRAY_FRAME), -EOPNOTSUPP);
    CHECK_EQ(init_control(V(&a, 0), CB_FRAME, 0, 2, NULL), -ENOENT);
    CHECK_EQ(init_control(V(&a, 0), CB_FRAME, 4, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(V(&a, 0), CB_FRAME, PAGE_SIZE - 64, 0, NULL),
             -EINVAL);                              /* crosses the page */
    CHECK_EQ(init_control(V(&a, 0), ARRAY_FRAME + 1, 0, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(V(&a, 0), NR_FRAMES + 5, 0, 0, NULL), -EINVAL);
    CHECK(a.d->evtchn_port_ops == &evtchn_port_ops_2l);   /* unchanged */
    CHECK_EQ(frame_refs[CB_FRAME], 0);

    CHECK_EQ(init_control(V(&a, 0), CB_FRAME, PAGE_SIZE - 72, 0, &bits), 0);
    CHECK_EQ(bits, EVTCHN_FIFO_LINK_BITS);
    CHECK(a.d->evtchn_port_ops == &evtchn_port_ops_fifo);
    CHECK_EQ(frame_refs[CB_FRAME], 1);
    CHECK_EQ(init_control(V(&a, 0), CB_FRAME, 0, 0, NULL), -EINVAL); /* twice */
    CHECK_EQ(init_control(V(&a, 1), CB_FRAME, 512, 1, NULL), 0);
    CHECK_EQ(frame_refs[CB_FRAME], 2);

    CHECK_EQ(expand_array(V(&a, 0), ARRAY_FRAME + 1), -EINVAL);   /* b's */
    for ( i = 0; i < EVTCHN_FIFO_NR_CHANNELS / 1024; i++ )
        if ( !CHECK_EQ(expand_array(V(&a, 0), ARRAY_FRAME), 0) )
            break;
    CHECK_EQ(expand_array(V(&a, 0), ARRAY_FRAME), -ENOSPC);
    CHECK_EQ(frame_refs[ARRAY_FRAME], EVTCHN_FIFO_NR_CHANNELS / 1024);

    /* Beyond 4096 ports now. */
    for ( i = 1; i <= EVTCHN_2L_NR_CHANNELS + 3; i++ )
        if ( !CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p),
                       0) )
            break;
    CHECK_EQ(p, EVTCHN_2L_NR_CHANNELS + 3);
    CHECK_EQ(set_priority(V(&a, 0), p, EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
    CHECK_EQ(set_priority(V(&a, 0), p, EVTCHN_FIFO_PRIORITY_MIN), 0);
    CHECK_EQ(set_priority(V(&a, 0), 100000, 1), -EINVAL);

    /* Back to 2-level (reset) releases the pages. */
    CHECK_EQ(ev_reset(V(&a, 0), DOMID_SELF, false), 0);
    CHECK(a.d->evtchn_port_ops == &evtchn_port_ops_2l);
    CHECK_EQ(frame_refs[CB_FRAME], 0);
    CHECK_EQ(frame_refs[ARRAY_FRAME], 0);
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &p), 0);
    CHECK_EQ(p, 1);

    /* Destroying a FIFO domain releases them too. */
    give_frame(CB_FRAME, b.d);
    CHECK_EQ(init_control(V(&b, 0), CB_FRAME, 0, 0, NULL), 0);
    CHECK_EQ(expand_array(V(&b, 0), ARRAY_FRAME + 1), 0);
    CHECK_EQ(frame_refs[CB_FRAME] + frame_refs[ARRAY_FRAME + 1], 2);
    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}

TEST(fifo_queues_by_priority_then_order)
{
    struct tdom a;
    struct gfifo g[1];
    evtchn_port_t p[7], got[8];
    unsigned int i, n;
    struct vcpu *v;

    if ( !setup("fifo-order") || !tdom_create(&a, 1, false) )
        return;
    v = V(&a, 0);
    if ( !fifo_setup(&a, 1, g) )
        goto out;
    for ( i = 1; i <= 6; i++ )
        CHECK_EQ(bind_ipi(v, 0, &p[i]), 0);
    CHECK_EQ(set_priority(v, p[1], 10), 0);
    CHECK_EQ(set_priority(v, p[2], 3), 0);

    CHECK_EQ(ev_send(v, p[1]), 0);                  /* queue 10 */
    CHECK_EQ(ev_send(v, p[3]), 0);                  /* queue 7 */
    CHECK_EQ(ev_send(v, p[4]), 0);                  /* queue 7, after p3 */
    CHECK_EQ(ev_send(v, p[2]), 0);                  /* queue 3 */
    CHECK_EQ(ev_send(v, p[5]), 0);                  /* queue 7, after p4 */
    CHECK_EQ(g->cb->ready, (1u << 10) | (1u << 7) | (1u << 3));
    CHECK_EQ(g->cb->head[7], p[3]);
    CHECK_EQ(W(g, p[3]) & EVTCHN_FIFO_LINK_MASK, p[4]);
    CHECK_EQ(W(g, p[4]) & EVTCHN_FIFO_LINK_MASK, p[5]);
    CHECK_EQ(W(g, p[5]) & EVTCHN_FIFO_LINK_MASK, 0);
    CHECK(W(g, p[4]) & FBIT(LINKED));
    /* One upcall per queue made ready, one kick. */
    CHECK_EQ(marks(v), 3);
    CHECK_EQ(kicks(v), 1);
    CHECK(evtchn_port_is_pending(a.d, p[4]));

    n = fifo_drain(g, got, 8, true);
    CHECK_EQ(n, 5);
    CHECK_EQ(got[0], p[2]);
    CHECK_EQ(got[1], p[3]);
    CHECK_EQ(got[2], p[4]);
    CHECK_EQ(got[3], p[5]);
    CHECK_EQ(got[4], p[1]);
    CHECK_EQ(W(g, p[4]), 0);                        /* unlinked, acked */

    /* Empty queues: the next raise is a head again. */
    v->vcpu_info->evtchn_upcall_pending = 0;
    CHECK_EQ(ev_send(v, p[6]), 0);
    CHECK_EQ(g->cb->head[7], p[6]);
    CHECK_EQ(g->cb->ready, 1u << 7);
    CHECK_EQ(kicks(v), 2);
 out:
    tdom_destroy(&a);
    teardown();
}

TEST(fifo_linked_reraise_and_masked_ports)
{
    struct tdom a;
    struct gfifo g[1];
    evtchn_port_t p, q, got[4];
    struct vcpu *v;

    if ( !setup("fifo-linked") || !tdom_create(&a, 1, false) )
        return;
    v = V(&a, 0);
    if ( !fifo_setup(&a, 1, g) )
        goto out;
    CHECK_EQ(bind_ipi(v, 0, &p), 0);
    CHECK_EQ(bind_ipi(v, 0, &q), 0);

    /* Raised twice before the guest looks: linked once. */
    CHECK_EQ(ev_send(v, p), 0);
    CHECK_EQ(ev_send(v, p), 0);
    CHECK_EQ(marks(v), 1);
    CHECK_EQ(W(g, p) & EVTCHN_FIFO_LINK_MASK, 0);   /* not linked to itself */
    /* Consumed but not acked (still PENDING): raised again, linked again. */
    CHECK_EQ(fifo_drain(g, got, 4, false), 1);
    CHECK(!(W(g, p) & FBIT(LINKED)) && (W(g, p) & FBIT(PENDING)));
    CHECK_EQ(ev_send(v, p), 0);
    CHECK(W(g, p) & FBIT(LINKED));
    CHECK_EQ(g->cb->head[7], p);
    CHECK_EQ(fifo_drain(g, got, 4, true), 1);
    CHECK_EQ(got[0], p);

    /* Masked: pending, not linked, no upcall; unmask links it. */
    __atomic_fetch_or(&W(g, q), FBIT(MASKED), __ATOMIC_SEQ_CST);
    v->vcpu_info->evtchn_upcall_pending = 0;
    CHECK_EQ(ev_send(v, q), 0);
    CHECK_EQ(W(g, q), FBIT(PENDING) | FBIT(MASKED));
    CHECK_EQ(g->cb->ready, 0);
    CHECK_EQ(marks(v), 2);
    CHECK(evtchn_port_is_pending(a.d, q));
    /* EVTCHNOP_unmask clears MASKED itself (Xen 4.17, guest evtchn_fifo). */
    CHECK_EQ(ev_unmask(v, q), 0);
    CHECK(!(W(g, q) & FBIT(MASKED)));
    CHECK(W(g, q) & FBIT(LINKED));
    CHECK_EQ(g->cb->ready, 1u << 7);
    CHECK_EQ(marks(v), 3);
    CHECK_EQ(v->vcpu_info->evtchn_upcall_pending, 1);
    CHECK_EQ(fifo_drain(g, got, 4, true), 1);
    CHECK_EQ(got[0], q);
    /* Unmask of a port that is not pending links nothing. */
    CHECK_EQ(ev_unmask(v, q), 0);
    CHECK(!(W(g, q) & FBIT(LINKED)));

    /* Closing clears PENDING. */
    CHECK_EQ(ev_send(v, q), 0);
    CHECK_EQ(ev_close(v, q), 0);
    CHECK(!(W(g, q) & FBIT(PENDING)));
 out:
    tdom_destroy(&a);
    teardown();
}

TEST(fifo_switch_carries_pending_ports_and_late_pages)
{
    struct tdom a;
    struct gfifo g[1];
    evtchn_port_t p, q, r, far = 0, got[4];
    unsigned int i;
    struct vcpu *v;

    if ( !setup("fifo-switch") || !tdom_create(&a, 1, false) )
        return;
    v = V(&a, 0);
    CHECK_EQ(bind_ipi(v, 0, &p), 0);
    CHECK_EQ(bind_ipi(v, 0, &q), 0);
    CHECK_EQ(bind_ipi(v, 0, &r), 0);
    guest_mask(&a, p);
    CHECK_EQ(ev_send(v, p), 0);                     /* pending in 2-level */

    give_frame(CB_FRAME, a.d);
    give_frame(ARRAY_FRAME, a.d);
    give_frame(ARRAY_FRAME + 1, a.d);
    CHECK_EQ(init_control(v, CB_FRAME, 0, 0, NULL), 0);
    gfifo_init(g, 0);
    /* No event array yet: pending kept aside, and a raise now too. */
    CHECK(evtchn_port_is_pending(a.d, p));
    CHECK(!evtchn_port_is_pending(a.d, q));
    CHECK_EQ(ev_send(v, q), 0);
    CHECK(evtchn_port_is_pending(a.d, q));
    CHECK_EQ(g->cb->ready, 0);

    /* The page arrives: both raised, in port order, default priority. */
    CHECK_EQ(expand_array(v, ARRAY_FRAME), 0);
    CHECK(W(g, p) & FBIT(PENDING));
    CHECK(W(g, q) & FBIT(PENDING));
    CHECK(!(W(g, r) & FBIT(PENDING)));
    CHECK_EQ(g->cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(fifo_drain(g, got, 4, true), 2);
    CHECK_EQ(got[0], p);
    CHECK_EQ(got[1], q);

    /* A port beyond the array waits for its page the same way. */
    for ( i = r + 1; i < 1030; i++ )
        CHECK_EQ(bind_ipi(v, 0, &far), 0);
    CHECK_EQ(far, 1029);
    CHECK_EQ(ev_send(v, far), 0);
    CHECK(evtchn_port_is_pending(a.d, far));
    CHECK_EQ(g->cb->ready, 0);
    CHECK_EQ(expand_array(v, ARRAY_FRAME + 1), 0);
    CHECK(W(g, far) & FBIT(PENDING));
    CHECK_EQ(g->cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], far);
    CHECK_EQ(fifo_drain(g, got, 4, true), 1);
    CHECK_EQ(got[0], far);
    tdom_destroy(&a);
    teardown();
}

TEST(fifo_port_moving_queues_leaves_the_old_queue_sound)
{
    struct tdom a, b;
    struct gfifo g[2];
    evtchn_port_t pa, pb, ipi, got[4];

    if ( !setup("fifo-move") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) )
        return;
    if ( !fifo_setup(&a, 2, g) )
        goto out;
    CHECK_EQ(alloc_unbound(V(&b, 0), DOMID_SELF, a.d->domain_id, &pb), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &pa), 0);
    CHECK_EQ(bind_ipi(V(&a, 0), 0, &ipi), 0);
    /* pa was raised on binding: linked on vCPU 0's queue 7, its tail. */
    CHECK_EQ(g[0].cb->head[7], pa);
    CHECK_EQ(fifo_drain(&g[0], got, 4, true), 1);

    /* Moved to vCPU 1, raised: goes to vCPU 1's queue. */
    CHECK_EQ(ev_bind_vcpu(V(&a, 0), pa, 1), 0);
    CHECK_EQ(ev_send(V(&b, 0), pb), 0);
    CHECK_EQ(g[1].cb->head[7], pa);
    CHECK_EQ(g[1].cb->ready, 1u << 7);
    /* vCPU 0's queue 7 forgot pa as its tail: ipi becomes a new head. */
    CHECK_EQ(ev_send(V(&a, 0), ipi), 0);
    CHECK_EQ(g[0].cb->head[7], ipi);
    CHECK_EQ(W(&g[0], pa) & EVTCHN_FIFO_LINK_MASK, 0);
    CHECK_EQ(fifo_drain(&g[0], got, 4, true), 1);
    CHECK_EQ(got[0], ipi);
    CHECK_EQ(fifo_drain(&g[1], got, 4, true), 1);
    CHECK_EQ(got[0], pa);

    /* New priority: the next raise goes on the new queue. */
    CHECK_EQ(set_priority(V(&a, 0), pa, 2), 0);
    CHECK_EQ(ev_send(V(&b, 0), pb), 0);
    CHECK_EQ(g[1].cb->ready, 1u << 2);
    CHECK_EQ(g[1].cb->head[2], pa);
 out:
    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}

/* ==== SCHEDOP_poll. ==== */

static long poll(struct vcpu *v, evtchn_port_t *ports, unsigned int n,
                 uint64_t timeout)
{
    struct sched_poll sp = { .nr_ports = n, .timeout = timeout };
    long rc;

    set_xen_guest_handle(sp.ports, ports);
    if ( !as_begin(v) )
        return -9999;
    rc = sched_poll(guest_handle_from_ptr(&sp, void));
    as_end();
    return rc;
}

static bool polling(const struct vcpu *v)
{
    return test_bit(v->vcpu_id, v->domain->poll_mask);
}

TEST(poll_wakes_on_its_port_only_and_on_timeout)
{
    struct tdom a;
    evtchn_port_t pa, pb, ports[2];
    struct vcpu *v0, *v1;

    if ( !setup("poll") || !tdom_create(&a, 2, false) )
        return;
    v0 = V(&a, 0);
    v1 = V(&a, 1);
    CHECK_EQ(bind_ipi(v0, 1, &pa), 0);
    CHECK_EQ(bind_ipi(v0, 1, &pb), 0);
    /* As Linux's spinlock slow path: events off, its ports masked. */
    v1->vcpu_info->evtchn_upcall_mask = 1;
    guest_mask(&a, pa);
    guest_mask(&a, pb);

    /* Refusals. */
    CHECK_EQ(poll(v1, ports, 129, 0), -EINVAL);
    CHECK_EQ(poll(v1, (void *)8, 1, 0), -EFAULT);
    ports[0] = EVTCHN_2L_NR_CHANNELS;
    CHECK_EQ(poll(v1, ports, 1, 0), -EINVAL);
    CHECK(v1->is_running && !polling(v1));
    {
        struct sched_poll *bad = (void *)16;

        CHECK(as_begin(v1));
        CHECK_EQ(sched_poll(guest_handle_from_ptr(bad, void)), -EFAULT);
        as_end();
    }

    /* Already pending: returns at once. */
    CHECK_EQ(ev_send(v0, pa), 0);
    ports[0] = pa;
    CHECK_EQ(poll(v1, ports, 1, 0), 0);
    CHECK(v1->is_running && !polling(v1));
    guest_clear(&a, pa);

    /* Blocks; another port does not wake it, its port does. */
    CHECK_EQ(poll(v1, ports, 1, 0), 0);
    CHECK(!v1->is_running && polling(v1));
    CHECK_EQ(v1->poll_evtchn, (int)pa);
    CHECK_EQ(v1->runstate.state, RUNSTATE_blocked);
    CHECK_EQ(ev_send(v0, pb), 0);
    sim_run_for(MICROSECS(100));
    CHECK(!v1->is_running && polling(v1));
    CHECK_EQ(ev_send(v0, pa), 0);
    sim_run_for(MICROSECS(100));
    CHECK(v1->is_running && !polling(v1));
    CHECK_EQ(v1->poll_evtchn, 0);
    guest_clear(&a, pa);
    guest_clear(&a, pb);

    /* Several ports: any of the domain's wakes it. */
    ports[0] = pa;
    ports[1] = pb;
    CHECK_EQ(poll(v1, ports, 2, 0), 0);
    CHECK(!v1->is_running && v1->poll_evtchn == -1);
    CHECK_EQ(ev_send(v0, pb), 0);
    sim_run_for(MICROSECS(100));
    CHECK(v1->is_running && !polling(v1));
    guest_clear(&a, pb);

    /* Timeout (absolute). */
    CHECK_EQ(poll(v1, ports, 1, NOW() + MILLISECS(2)), 0);
    sim_run_for(MILLISECS(1));
    CHECK(!v1->is_running && polling(v1));
    sim_run_for(MILLISECS(2));
    CHECK(v1->is_running && !polling(v1));
    /* A poll woken early leaves no timer to cut the next one short. */
    CHECK_EQ(poll(v1, ports, 1, NOW() + MILLISECS(2)), 0);
    CHECK_EQ(ev_send(v0, pa), 0);
    sim_run_for(MICROSECS(100));
    CHECK(v1->is_running);
    guest_clear(&a, pa);
    CHECK_EQ(poll(v1, ports, 1, 0), 0);
    sim_run_for(MILLISECS(5));
    CHECK(!v1->is_running && polling(v1));
    CHECK_EQ(ev_send(v0, pa), 0);
    sim_run_for(MICROSECS(100));
    CHECK(v1->is_running);
    guest_clear(&a, pa);

    /* An upcall it can take: returns at once. */
    v1->vcpu_info->evtchn_upcall_mask = 0;
    v1->vcpu_info->evtchn_upcall_pending = 1;
    CHECK_EQ(poll(v1, ports, 1, 0), 0);
    CHECK(v1->is_running && !polling(v1));
    v1->vcpu_info->evtchn_upcall_pending = 0;

    /* Killed while polling: woken by nothing, timer gone, mask clean. */
    CHECK_EQ(poll(v1, ports, 1, NOW() + MILLISECS(1)), 0);
    CHECK(polling(v1));
    tdom_destroy(&a);
    teardown();
}

TEST(poll_works_with_fifo)
{
    struct tdom a;
    struct gfifo g[2];
    evtchn_port_t p, q, ports[1];
    struct vcpu *v1;

    if ( !setup("poll-fifo") || !tdom_create(&a, 2, false) )
        return;
    v1 = V(&a, 1);
    if ( !fifo_setup(&a, 2, g) )
        goto out;
    CHECK_EQ(bind_ipi(V(&a, 0), 1, &p), 0);
    CHECK_EQ(bind_ipi(V(&a, 0), 1, &q), 0);
    v1->vcpu_info->evtchn_upcall_mask = 1;
    __atomic_fetch_or(&W(&g[1], p), FBIT(MASKED), __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&W(&g[1], q), FBIT(MASKED), __ATOMIC_SEQ_CST);
    ports[0] = p;
    CHECK_EQ(poll(v1, ports, 1, 0), 0);
    CHECK(!v1->is_running);
    CHECK_EQ(ev_send(V(&a, 0), q), 0);
    sim_run_for(MICROSECS(100));
    CHECK(!v1->is_running);
    CHECK_EQ(ev_send(V(&a, 0), p), 0);
    sim_run_for(MICROSECS(100));
    CHECK(v1->is_running && !polling(v1));
 out:
    tdom_destroy(&a);
    teardown();
}

/* ==== Reset. ==== */

TEST(reset_closes_everything_preemptibly)
{
    struct tdom a, b, dom0;
    struct gfifo g[1];
    evtchn_port_t pa, pb, p;
    struct evtchn_status st;
    unsigned int i, rounds;
    long rc;

    if ( !setup("reset") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) || !tdom_create(&dom0, 1, true) )
        return;
    if ( !fifo_setup(&a, 1, g) )
        goto out;
    CHECK_EQ(alloc_unbound(V(&b, 0), DOMID_SELF, a.d->domain_id, &pb), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &pa), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 1, &p), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_CONSOLE, 0, &p), 0);
    for ( i = 0; i < 200; i++ )
        CHECK_EQ(bind_ipi(V(&a, 0), i & 1, &p), 0);
    CHECK_EQ(alloc_unbound(V(&a, 0), DOMID_SELF, DOMID_SELF, &p), 0);

    /* Who may reset whom. */
    CHECK_EQ(ev_reset(V(&b, 0), a.d->domain_id, false), -EPERM);
    CHECK_EQ(ev_reset(V(&dom0, 0), a.d->domain_id, false), -EINVAL);
    CHECK_EQ(ev_reset(V(&dom0, 0), 999, false), -ESRCH);
    CHECK_EQ(ev_reset(V(&a, 0), DOMID_SELF, true), -EBUSY);   /* none */

    /* Preempted after each batch: continued with reset_cont. */
    preempt_after = 0;
    rc = ev_reset(V(&a, 0), DOMID_SELF, false);
    CHECK_EQ(rc, CONTINUATION_RC);
    CHECK_EQ(cont_cmd, EVTCHNOP_reset_cont);
    CHECK_EQ(ev_reset(V(&a, 0), DOMID_SELF, false), -EBUSY);  /* running */
    for ( rounds = 0; rc == CONTINUATION_RC && rounds < 100; rounds++ )
    {
        preempt_after = 0;
        rc = ev_reset(V(&a, 0), DOMID_SELF, true);
    }
    preempt_after = -1;
    CHECK_EQ(rc, 0);
    CHECK_EQ(rounds, 4);                    /* 255 ports, 64 a batch */
    CHECK_EQ(nr_continuations, rounds);

    CHECK_EQ(a.d->evtchn->active_ports, 0);
    for ( i = 1; i < a.d->evtchn->valid_ports; i++ )
        if ( !CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, i), EVTCHNSTAT_closed) )
            break;
    CHECK_EQ(V(&a, 1)->virq_to_evtchn[VIRQ_TIMER], 0);
    CHECK(!virq_is_bound(a.d, VIRQ_CONSOLE));
    CHECK(a.d->evtchn_port_ops == &evtchn_port_ops_2l);
    CHECK_EQ(frame_refs[CB_FRAME] + frame_refs[ARRAY_FRAME], 0);
    CHECK_EQ(ev_status(V(&b, 0), DOMID_SELF, pb, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, a.d->domain_id);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &p), 0);
    CHECK_EQ(p, 1);

    /* The toolstack resets a paused domain. */
    sim_ctl_begin();
    CHECK_EQ(domain_pause_by_controller(b.d), 0);
    sim_ctl_end();
    CHECK_EQ(ev_reset(V(&dom0, 0), b.d->domain_id, false), 0);
    CHECK_EQ(stat_of(V(&a, 0), DOMID_SELF, p), EVTCHNSTAT_unbound);
    sim_ctl_begin();
    CHECK_EQ(domain_unpause_by_controller(b.d), 0);
    sim_ctl_end();
    sim_run_for(MILLISECS(1));
 out:
    tdom_destroy(&a);
    tdom_destroy(&b);
    tdom_destroy(&dom0);
    teardown();
}

/* ==== Random churn against a model. ==== */

#define CHURN_DOMS  3
#define CHURN_PORTS 48              /* ports the model tracks per domain */
#define CHURN_MAX   40              /* ports the churn binds and closes */

struct mport {
    int stat;                       /* EVTCHNSTAT_* */
    unsigned int rdom;              /* index of the other domain */
    evtchn_port_t rport;
    uint32_t virq, vcpu;
};

static struct mport model[CHURN_DOMS][CHURN_PORTS];

static evtchn_port_t model_lowest_free(unsigned int d)
{
    evtchn_port_t p;

    for ( p = 1; p < CHURN_PORTS && model[d][p].stat != EVTCHNSTAT_closed;
          p++ )
        ;
    return p;
}

/* A random port of domain d in state stat (0 if none). */
static evtchn_port_t model_pick(unsigned int d, int stat)
{
    evtchn_port_t p, start = 1 + sim_rand() % (CHURN_PORTS - 1);

    for ( p = start; ; )
    {
        if ( model[d][p].stat == stat )
            return p;
        p = p + 1 < CHURN_PORTS ? p + 1 : 1;
        if ( p == start )
            return 0;
    }
}

static bool model_check(struct tdom *t, unsigned int nd)
{
    struct evtchn_status st;
    unsigned int d, p;
    const struct mport *m;

    for ( d = 0; d < nd; d++ )
        for ( p = 1; p < CHURN_PORTS; p++ )
        {
            m = &model[d][p];
            if ( ev_status(V(&t[d], 0), DOMID_SELF, p, &st) )
            {
                if ( !CHECK_EQ(m->stat, EVTCHNSTAT_closed) )
                    return false;
                continue;
            }
            if ( !CHECK_EQ(st.status, m->stat) )
                return false;
            if ( m->stat == EVTCHNSTAT_interdomain &&
                 (!CHECK_EQ(st.u.interdomain.dom,
                            t[m->rdom].d->domain_id) ||
                  !CHECK_EQ(st.u.interdomain.port, m->rport)) )
                return false;
            if ( m->stat == EVTCHNSTAT_unbound &&
                 !CHECK_EQ(st.u.unbound.dom, t[m->rdom].d->domain_id) )
                return false;
            if ( m->stat == EVTCHNSTAT_virq && !CHECK_EQ(st.u.virq, m->virq) )
                return false;
        }
    return true;
}

/* One random operation by domain d; false on a mismatch. */
static bool churn_step(struct tdom *t, unsigned int d)
{
    unsigned int o = (d + 1 + sim_rand() % (CHURN_DOMS - 1)) % CHURN_DOMS;
    struct vcpu *v = V(&t[d], sim_rand() % 2);
    evtchn_port_t p, q, want;
    struct mport *m;
    uint32_t virq;
    long rc;

    switch ( sim_rand() % 7 )
    {
    case 0:                                         /* offer a port */
        want = model_lowest_free(d);
        if ( want > CHURN_MAX )
            return true;
        rc = alloc_unbound(v, DOMID_SELF, t[o].d->domain_id, &p);
        if ( !CHECK_EQ(rc, 0) || !CHECK_EQ(p, want) )
            return false;
        model[d][p] = (struct mport){ .stat = EVTCHNSTAT_unbound, .rdom = o };
        return true;
    case 1:                                         /* take one offered */
        q = 0;
        for ( p = 1; p < CHURN_PORTS && !q; p++ )
            if ( model[o][p].stat == EVTCHNSTAT_unbound &&
                 model[o][p].rdom == d )
                q = p;
        want = model_lowest_free(d);
        if ( !q || want > CHURN_MAX )
            return true;
        rc = bind_interdomain(v, t[o].d->domain_id, q, &p);
        if ( !CHECK_EQ(rc, 0) || !CHECK_EQ(p, want) )
            return false;
        model[d][p] = (struct mport){ .stat = EVTCHNSTAT_interdomain,
                                      .rdom = o, .rport = q };
        model[o][q] = (struct mport){ .stat = EVTCHNSTAT_interdomain,
                                      .rdom = d, .rport = p };
        return true;
    case 2:                                         /* a VIRQ */
        virq = sim_rand() % 2 ? VIRQ_TIMER : VIRQ_CONSOLE;
        want = model_lowest_free(d);
        if ( want > CHURN_MAX )
            return true;
        rc = bind_virq(v, virq, 0, &p);
        for ( q = 1; q < CHURN_PORTS; q++ )
            if ( model[d][q].stat == EVTCHNSTAT_virq &&
                 model[d][q].virq == virq )
                return CHECK_EQ(rc, -EEXIST);
        if ( !CHECK_EQ(rc, 0) || !CHECK_EQ(p, want) )
            return false;
        model[d][p] = (struct mport){ .stat = EVTCHNSTAT_virq, .virq = virq };
        return true;
    case 3:                                         /* an IPI */
        want = model_lowest_free(d);
        if ( want > CHURN_MAX )
            return true;
        rc = bind_ipi(v, 1, &p);
        if ( !CHECK_EQ(rc, 0) || !CHECK_EQ(p, want) )
            return false;
        model[d][p] = (struct mport){ .stat = EVTCHNSTAT_ipi, .vcpu = 1 };
        return true;
    case 4:                                         /* close anything */
    case 5:
        p = 1 + sim_rand() % CHURN_MAX;
        m = &model[d][p];
        rc = ev_close(v, p);
        if ( m->stat == EVTCHNSTAT_closed )
            return CHECK_EQ(rc, -EINVAL);
        if ( !CHECK_EQ(rc, 0) )
            return false;
        if ( m->stat == EVTCHNSTAT_interdomain )
            model[m->rdom][m->rport] = (struct mport){
                .stat = EVTCHNSTAT_unbound, .rdom = d };
        *m = (struct mport){ .stat = EVTCHNSTAT_closed };
        return true;
    default:                                        /* send anything */
        p = 1 + sim_rand() % CHURN_MAX;
        m = &model[d][p];
        rc = ev_send(v, p);
        switch ( m->stat )
        {
        case EVTCHNSTAT_interdomain:
            guest_clear(&t[m->rdom], m->rport);
            rc = ev_send(v, p);
            return CHECK_EQ(rc, 0) && CHECK(pending(&t[m->rdom], m->rport));
        case EVTCHNSTAT_ipi:
        case EVTCHNSTAT_unbound:
            return CHECK_EQ(rc, 0);
        default:
            return CHECK_EQ(rc, -EINVAL);
        }
    }
}

TEST(random_churn_matches_a_model_and_leaks_nothing)
{
    struct tdom t[CHURN_DOMS];
    unsigned int i, d, p, created = 0;
    bool ok = true;

    memset(model, 0, sizeof(model));
    if ( !setup("churn") )
        return;
    for ( d = 0; d < CHURN_DOMS; d++ )
        if ( tdom_create(&t[d], 2, false) )
            created++;
    if ( !CHECK_EQ(created, CHURN_DOMS) )
        goto out;
    sim_srand(20240607);
    for ( i = 0; i < 3000 && ok; i++ )
    {
        ok = churn_step(t, sim_rand() % CHURN_DOMS);
        if ( ok && !(i % 500) )
            ok = model_check(t, CHURN_DOMS);
    }
    CHECK(ok && model_check(t, CHURN_DOMS));

    /* Close every port, in random order across domains. */
    for ( i = 0; i < 20000 && ok; i++ )
    {
        d = sim_rand() % CHURN_DOMS;
        p = model_pick(d, EVTCHNSTAT_ipi);
        if ( !p )
            p = model_pick(d, EVTCHNSTAT_interdomain);
        if ( !p )
            p = model_pick(d, EVTCHNSTAT_virq);
        if ( !p )
            p = model_pick(d, EVTCHNSTAT_unbound);
        if ( !p )
            continue;
        ok = CHECK_EQ(ev_close(V(&t[d], 0), p), 0);
        if ( model[d][p].stat == EVTCHNSTAT_interdomain )
            model[model[d][p].rdom][model[d][p].rport] = (struct mport){
                .stat = EVTCHNSTAT_unbound, .rdom = d };
        model[d][p] = (struct mport){ .stat = EVTCHNSTAT_closed };
    }
    for ( d = 0; d < CHURN_DOMS; d++ )
    {
        CHECK_EQ(t[d].d->evtchn->active_ports, 0);
        CHECK(t[d].d->evtchn->valid_ports <= 64);   /* few ports, 1 bucket */
    }
    CHECK(model_check(t, CHURN_DOMS));
 out:
    for ( d = 0; d < CHURN_DOMS; d++ )
        tdom_destroy(&t[d]);
    teardown();
}

/* ==== The 'e' key. ==== */

TEST(dump_lists_every_bound_port)
{
    struct tdom a, b;
    struct gfifo g[1];
    evtchn_port_t pa, pb, p;
    char line[96];

    if ( !setup("dump") || !tdom_create(&a, 2, false) ||
         !tdom_create(&b, 1, false) )
        return;
    CHECK_EQ(alloc_unbound(V(&b, 0), DOMID_SELF, a.d->domain_id, &pb), 0);
    CHECK_EQ(bind_interdomain(V(&a, 0), b.d->domain_id, pb, &pa), 0);
    CHECK_EQ(bind_virq(V(&a, 0), VIRQ_TIMER, 1, &p), 0);
    CHECK_EQ(bind_ipi(V(&b, 0), 0, &p), 0);
    CHECK_EQ(alloc_unbound(V(&b, 0), DOMID_SELF, 7, &p), 0);
    guest_mask(&b, p);
    CHECK(fifo_setup(&a, 1, g));

    harness_log_clear();
    sim_ctl_begin();
    dump_evtchn_info('e');
    sim_ctl_end();
    CHECK_LOG("'e' pressed -> dumping event-channel info");
    snprintf(line, sizeof(line), "d%u: FIFO ABI, 2 port(s) bound",
             a.d->domain_id);
    CHECK(harness_log_contains(line));
    snprintf(line, sizeof(line), "d%u: 2-level ABI, 3 port(s) bound",
             b.d->domain_id);
    CHECK(harness_log_contains(line));
    snprintf(line, sizeof(line), "        1 P-L v0   interdomain, d%u port %u",
             b.d->domain_id, pb);
    CHECK(harness_log_contains(line));
    CHECK_LOG("        2 --- v1   virq 0");
    CHECK_LOG("        2 --- v0   ipi");
    CHECK_LOG("        3 -M- v0   unbound, for d7");
    tdom_destroy(&a);
    tdom_destroy(&b);
    teardown();
}
