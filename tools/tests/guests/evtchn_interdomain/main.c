/*
 * evtchn_interdomain: an interdomain channel from dom0 to itself
 * (pv-abi.md 4: alloc_unbound, bind_interdomain, status, send, close).
 *
 * - alloc_unbound {SELF, SELF}: status unbound, remote dom 0 (SELF is
 *   resolved), vCPU 0; {0, 0} works as well;
 * - bind_interdomain {SELF, A} gives B; both ends' status is interdomain,
 *   dom 0, the other's port; the new local port B is raised once by the
 *   bind itself (Xen's "lost notifications" fix-up), A is not;
 * - send on either end raises the other end only (pending bit, selector,
 *   upcall_pending; the upcall runs its handler once);
 * - bind_interdomain to a port that is not unbound (A, now bound; a port
 *   never allocated) or that waits for another domain: -EINVAL; to a
 *   domain that does not exist: -ESRCH;
 * - alloc_unbound with remote_dom 7 (no such domain yet) is accepted,
 *   status shows remote dom 7; alloc_unbound for a dom that does not exist
 *   (1, DOMID_INVALID): -ESRCH; status of another domain's port: -ESRCH;
 * - close A: B becomes unbound waiting for dom 0; send on B is silently
 *   dropped (0, nothing pending); send/close on A: -EINVAL; B can be bound
 *   again (bind_interdomain {SELF, B}) and the new pair works.
 */
#include "guest.h"

const char test_title[] = "evtchn_interdomain: loopback interdomain channels, status, close";

static volatile unsigned int hits[64];

static void count_handler(evtchn_port_t port)
{
    if ( port < ARRAY_SIZE(hits) )
        hits[port]++;
}

static bool test_bit(const volatile xen_ulong_t *map, unsigned int port)
{
    return (map[port / 64] >> (port % 64)) & 1;
}

static void clear_bit(volatile xen_ulong_t *map, unsigned int port)
{
    __atomic_fetch_and(&map[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_send, &s);
}

static long close_port(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_close, &c);
}

static long status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return hypervisor_event_channel_op(EVTCHNOP_status, st);
}

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static long bind_interdomain(domid_t rdom, evtchn_port_t rport, evtchn_port_t *local)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport };
    long rc = hypervisor_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    *local = b.local_port;
    return rc;
}

/* Forget everything pending (vCPU masked). */
static void reset_pending(void)
{
    memset((void *)shared->evtchn_pending, 0, sizeof(shared->evtchn_pending));
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
}

static void check_unbound(evtchn_port_t p, domid_t remote)
{
    struct evtchn_status st;

    CHECK_EQ(status(DOMID_SELF, p, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(st.u.unbound.dom, remote);
}

static void check_interdomain(evtchn_port_t p, evtchn_port_t peer)
{
    struct evtchn_status st;

    CHECK_EQ(status(DOMID_SELF, p, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(st.u.interdomain.dom, 0);
    CHECK_EQ(st.u.interdomain.port, peer);
}

/* Send on `from` (vCPU masked): only `to` is raised. */
static void check_send(evtchn_port_t from, evtchn_port_t to)
{
    reset_pending();
    CHECK_EQ(send(from), 0);
    CHECK(test_bit(shared->evtchn_pending, to));
    CHECK(!test_bit(shared->evtchn_pending, from));
    CHECK_EQ(vcpu0()->evtchn_pending_sel, 1UL << (to / 64));
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);
}

static void pair_tests(evtchn_port_t *pa, evtchn_port_t *pb)
{
    evtchn_port_t a, b, a0, dummy;

    CHECK_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF, &a), 0);
    printk("unbound port %u\n", a);
    CHECK(a > 0);
    check_unbound(a, 0);
    /* our own id instead of DOMID_SELF */
    CHECK_EQ(alloc_unbound(0, 0, &a0), 0);
    CHECK(a0 != a);
    check_unbound(a0, 0);

    events_mask();
    reset_pending();
    CHECK_EQ(bind_interdomain(DOMID_SELF, a, &b), 0);
    printk("bound port %u to %u\n", b, a);
    CHECK(b != a && b != a0);
    check_interdomain(a, b);
    check_interdomain(b, a);
    /* the bind raised the new local end, not the remote one */
    CHECK(test_bit(shared->evtchn_pending, b));
    CHECK(!test_bit(shared->evtchn_pending, a));
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);

    check_send(a, b);
    check_send(b, a);

    /* with the vCPU unmasked the upcall runs each end's handler once */
    reset_pending();
    set_evtchn_handler(a, count_handler);
    set_evtchn_handler(b, count_handler);
    events_unmask();
    CHECK_EQ(send(a), 0);
    CHECK_EQ(hits[b], 1);
    CHECK_EQ(hits[a], 0);
    CHECK_EQ(send(b), 0);
    CHECK_EQ(hits[a], 1);
    CHECK_EQ(hits[b], 1);
    events_mask();

    /* binding again: a is bound now, 1000 was never allocated */
    CHECK_EQ(bind_interdomain(DOMID_SELF, a, &dummy), -EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, b, &dummy), -EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, 1000, &dummy), -EINVAL);
    CHECK_EQ(bind_interdomain(0, 1000, &dummy), -EINVAL);
    CHECK_EQ(bind_interdomain(5, a0, &dummy), -ESRCH);
    CHECK_EQ(close_port(a0), 0);
    *pa = a;
    *pb = b;
}

static void foreign_tests(void)
{
    struct evtchn_status st;
    evtchn_port_t p, dummy;

    /* an unbound port waiting for a domain that does not exist (yet) */
    CHECK_EQ(alloc_unbound(DOMID_SELF, 7, &p), 0);
    check_unbound(p, 7);
    /* we are not domain 7: binding to it is refused */
    CHECK_EQ(bind_interdomain(DOMID_SELF, p, &dummy), -EINVAL);
    CHECK_EQ(close_port(p), 0);

    /* ports in domains that do not exist */
    CHECK_EQ(alloc_unbound(1, DOMID_SELF, &dummy), -ESRCH);
    CHECK_EQ(alloc_unbound(DOMID_INVALID, DOMID_SELF, &dummy), -ESRCH);
    CHECK_EQ(status(1, 1, &st), -ESRCH);
}

static void close_tests(evtchn_port_t a, evtchn_port_t b)
{
    evtchn_port_t c;

    CHECK_EQ(close_port(a), 0);
    check_unbound(b, 0);
    {
        struct evtchn_status st;

        CHECK_EQ(status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
    }
    /* a send on an unbound port goes nowhere */
    reset_pending();
    CHECK_EQ(send(b), 0);
    CHECK_EQ(shared->evtchn_pending[0], 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 0);
    CHECK_EQ(send(a), -EINVAL);
    CHECK_EQ(close_port(a), -EINVAL);

    /* the surviving end can be bound again */
    CHECK_EQ(bind_interdomain(0, b, &c), 0);
    printk("rebound port %u to %u\n", c, b);
    check_interdomain(b, c);
    check_interdomain(c, b);
    check_send(c, b);
    check_send(b, c);
    clear_bit(shared->evtchn_pending, c);
    CHECK_EQ(close_port(b), 0);
    check_unbound(c, 0);
    CHECK_EQ(close_port(c), 0);
}

int main(void)
{
    evtchn_port_t a, b;

    pair_tests(&a, &b);
    foreign_tests();
    close_tests(a, b);
    test_done();
}
