/*
 * evtchn_fifo: FIFO event channels (pv-abi.md 4, EVTCHNOP 11-13).
 *
 * While still 2-level:
 * - expand_array before any init_control: -EOPNOTSUPP;
 * - init_control for a vCPU that does not exist: -ENOENT; an offset that
 *   is not 8-byte aligned, or puts the 72-byte block across the page end:
 *   -EINVAL; a frame that cannot be writable (the L4): -EINVAL.  None of
 *   these switches the domain (expand_array is still -EOPNOTSUPP);
 * - an IPI port X bound and raised while 2-level stays pending across the
 *   switch.
 * Then init_control for vCPU 0 (block at offset 64 of a page of ours)
 * returns link_bits 17.  An IPI Y raised before any event-array page
 * exists is kept; expand_array adds the page and links both: head[7] = X,
 * X's LINK = Y, both P|L, READY bit 7, upcall_pending; the upcall takes X
 * then Y.
 * With the vCPU masked: IPIs A, C (priority 7), B (set_priority 3), a
 * masked port D, and VIRQ_TIMER T (priority 0) are raised: A's word P|L
 * with LINK = C, head[7] = A, head[3] = B, head[0] = T, READY = bits 0, 3,
 * 7; D is P|M and not linked; a second send of A changes nothing;
 * EVTCHNOP_unmask of D links it after C.  Unmasking the vCPU delivers
 * T, B, A, C, D in that order, and every word ends with P and L clear.
 * set_priority 16 or of a closed port: -EINVAL.  init_control again for
 * vCPU 0: -EINVAL; expand_array with the L4: -EINVAL.
 */
#include "guest.h"

const char test_title[] = "evtchn_fifo: FIFO event channels, control block, queues, priorities";

#define P_BIT (1U << EVTCHN_FIFO_PENDING)
#define M_BIT (1U << EVTCHN_FIFO_MASKED)
#define L_BIT (1U << EVTCHN_FIFO_LINKED)
#define CB_OFFSET 64
#define MS 1000000UL

static volatile event_word_t *words;                 /* event array page 0 */
static volatile struct evtchn_fifo_control_block *cb;
static uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES];
static evtchn_port_t order[32];
static volatile unsigned int nr_order, nr_fifo_upcalls;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypervisor_event_channel_op(cmd, arg);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

static evtchn_port_t bind_ipi(void)
{
    struct evtchn_bind_ipi b = { .vcpu = 0 };

    if ( evtchn_op(EVTCHNOP_bind_ipi, &b) )
        panic("bind_ipi failed");
    ASSERT(b.port < 1024);
    return b.port;
}

static long set_priority(evtchn_port_t port, uint32_t prio)
{
    struct evtchn_set_priority s = { .port = port, .priority = prio };

    return evtchn_op(EVTCHNOP_set_priority, &s);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_init_control, &ic);

    if ( link_bits )
        *link_bits = ic.link_bits;
    return rc;
}

static long expand_array(uint64_t gfn)
{
    struct evtchn_expand_array ea = { .array_gfn = gfn };

    return evtchn_op(EVTCHNOP_expand_array, &ea);
}

/* ---- the consumer (as a FIFO guest does it) ---- */

static void consume_one(unsigned int q)
{
    uint32_t port = local_head[q] ? local_head[q] : cb->head[q];
    event_word_t w, nw;

    if ( !port )
    {
        __atomic_fetch_and(&cb->ready, ~(1U << q), __ATOMIC_SEQ_CST);
        return;
    }
    /* unlink: clear L and LINK, learn the next port of the queue */
    w = words[port];
    do {
        nw = w & ~(L_BIT | EVTCHN_FIFO_LINK_MASK);
    } while ( !__atomic_compare_exchange_n(&words[port], &w, nw, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) );
    local_head[q] = w & EVTCHN_FIFO_LINK_MASK;
    if ( !local_head[q] )
        __atomic_fetch_and(&cb->ready, ~(1U << q), __ATOMIC_SEQ_CST);
    if ( (w & P_BIT) && !(w & M_BIT) )
    {
        __atomic_fetch_and(&words[port], ~P_BIT, __ATOMIC_SEQ_CST);
        if ( nr_order < ARRAY_SIZE(order) )
            order[nr_order] = port;
        nr_order++;
    }
}

static bool fifo_upcall(struct trap_frame *f)
{
    uint32_t ready;

    nr_fifo_upcalls++;
    vcpu0()->evtchn_upcall_pending = 0;
    while ( (ready = __atomic_load_n(&cb->ready, __ATOMIC_SEQ_CST)) != 0 )
        consume_one(__builtin_ctz(ready));
    return true;
}

static void expect_order(const evtchn_port_t *want, unsigned int n)
{
    unsigned int i;

    CHECK_EQ(nr_order, n);
    for ( i = 0; i < n && i < nr_order; i++ )
        if ( order[i] != want[i] )
            fail("delivery %u: port %u, expected %u", i, order[i], want[i]);
    nr_order = 0;
}

/* ---- the tests ---- */

static void bad_args(uint64_t cb_gfn)
{
    uint64_t l4_gfn = virt_to_mfn((void *)start_info->pt_base);

    CHECK_EQ(expand_array(cb_gfn), -EOPNOTSUPP);
    CHECK_EQ(init_control(cb_gfn, 0, 100, NULL), -ENOENT);
    CHECK_EQ(init_control(cb_gfn, 0, ~0U, NULL), -ENOENT);
    CHECK_EQ(init_control(cb_gfn, 4, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(cb_gfn, CB_OFFSET + 1, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(cb_gfn, PAGE_SIZE - sizeof(*cb) + 8, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(cb_gfn, PAGE_SIZE, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(l4_gfn, 0, 0, NULL), -EINVAL);
    /* still 2-level */
    CHECK_EQ(expand_array(cb_gfn), -EOPNOTSUPP);
}

static void switch_tests(void *cb_page, void *array_page, evtchn_port_t *px, evtchn_port_t *py)
{
    evtchn_port_t x, y;
    uint8_t link_bits = 0;
    long rc;

    /* X raised while 2-level (vCPU masked) */
    x = bind_ipi();
    CHECK_EQ(send(x), 0);
    CHECK(shared->evtchn_pending[0] & (1UL << x));
    vcpu0()->evtchn_upcall_pending = 0;

    rc = init_control(virt_to_mfn(cb_page), CB_OFFSET, 0, &link_bits);
    if ( rc == -ENOSYS )
        test_result(SKIP, "no FIFO event channels");
    CHECK_EQ(rc, 0);
    CHECK_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
    cb = (void *)((char *)cb_page + CB_OFFSET);
    words = array_page;

    /* Y raised with no event-array page yet: remembered */
    y = bind_ipi();
    printk("ports: X %u, Y %u\n", x, y);
    CHECK_EQ(send(y), 0);
    CHECK_EQ(cb->ready, 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 0);

    CHECK_EQ(expand_array(virt_to_mfn(array_page)), 0);
    printk("after expand_array: ready %#x head[7] %u word X %#x word Y %#x\n",
           cb->ready, cb->head[7], words[x], words[y]);
    CHECK_EQ(cb->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], x);
    CHECK_EQ(words[x], P_BIT | L_BIT | y);
    CHECK_EQ(words[y], P_BIT | L_BIT);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);

    events_unmask();
    events_mask();
    {
        const evtchn_port_t want[] = { x, y };

        expect_order(want, ARRAY_SIZE(want));
    }
    CHECK_EQ(words[x], 0);
    CHECK_EQ(words[y], 0);
    CHECK_EQ(cb->ready, 0);
    *px = x;
    *py = y;
}

static long set_timer(uint64_t deadline)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };

    return hypervisor_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static void queue_tests(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_unmask um;
    evtchn_port_t a, b, c, d, t;
    uint64_t dl;
    unsigned int i;

    a = bind_ipi();
    b = bind_ipi();
    c = bind_ipi();
    d = bind_ipi();
    /* no periodic ticks: T is raised only by our one-shot timer */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    t = bv.port;
    printk("ports: A %u, B %u, C %u, D %u, T %u\n", a, b, c, d, t);
    CHECK_EQ(words[t], 0);
    CHECK_EQ(set_priority(b, 3), 0);
    CHECK_EQ(set_priority(t, EVTCHN_FIFO_PRIORITY_MAX), 0);
    __atomic_fetch_or(&words[d], M_BIT, __ATOMIC_SEQ_CST);
    vcpu0()->evtchn_upcall_pending = 0;

    CHECK_EQ(send(a), 0);
    CHECK_EQ(words[a], P_BIT | L_BIT);
    CHECK_EQ(cb->head[7], a);
    CHECK_EQ(cb->ready, 1U << 7);
    CHECK_EQ(vcpu0()->evtchn_upcall_pending, 1);
    CHECK_EQ(send(a), 0);               /* already linked: nothing */
    CHECK_EQ(words[a], P_BIT | L_BIT);
    CHECK_EQ(send(c), 0);
    CHECK_EQ(words[a], P_BIT | L_BIT | c);
    CHECK_EQ(words[c], P_BIT | L_BIT);
    CHECK_EQ(cb->head[7], a);
    CHECK_EQ(send(b), 0);
    CHECK_EQ(words[b], P_BIT | L_BIT);
    CHECK_EQ(cb->head[3], b);
    CHECK_EQ(cb->ready, (1U << 7) | (1U << 3));
    /* masked: pending but not linked, no queue touched */
    CHECK_EQ(send(d), 0);
    CHECK_EQ(words[d], P_BIT | M_BIT);
    CHECK_EQ(words[c], P_BIT | L_BIT);
    CHECK_EQ(cb->ready, (1U << 7) | (1U << 3));

    /* VIRQ_TIMER at priority 0 */
    CHECK_EQ(set_timer(system_time_ns() + MS), 0);
    dl = system_time_ns() + 1000 * MS;
    while ( !(words[t] & P_BIT) && system_time_ns() < dl )
        asm volatile ( "pause" ::: "memory" );
    CHECK_EQ(words[t], P_BIT | L_BIT);
    CHECK_EQ(cb->head[0], t);
    CHECK_EQ(cb->ready, (1U << 7) | (1U << 3) | 1);

    /* EVTCHNOP_unmask of a pending port links it at the tail */
    um.port = d;
    CHECK_EQ(evtchn_op(EVTCHNOP_unmask, &um), 0);
    CHECK_EQ(words[d], P_BIT | L_BIT);
    CHECK_EQ(words[c], P_BIT | L_BIT | d);
    CHECK_EQ(cb->head[7], a);

    printk("ready %#x heads %u %u %u, words A %#x B %#x C %#x D %#x T %#x\n", cb->ready,
           cb->head[0], cb->head[3], cb->head[7], words[a], words[b], words[c], words[d], words[t]);
    CHECK_EQ(nr_order, 0);
    events_unmask();
    events_mask();
    {
        const evtchn_port_t want[] = { t, b, a, c, d };

        expect_order(want, ARRAY_SIZE(want));
    }
    for ( i = 1; i < 16; i++ )
        if ( words[i] & (P_BIT | L_BIT) )
            fail("port %u: word %#x after delivery", i, words[i]);
    CHECK_EQ(cb->ready, 0);

    /* the queues work again after being emptied */
    CHECK_EQ(send(c), 0);
    CHECK_EQ(cb->head[7], c);
    CHECK_EQ(words[c], P_BIT | L_BIT);
    events_unmask();
    events_mask();
    {
        const evtchn_port_t want[] = { c };

        expect_order(want, ARRAY_SIZE(want));
    }

    CHECK_EQ(set_priority(a, EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
    CHECK_EQ(set_priority(1000, 3), -EINVAL);
}

int main(void)
{
    void *cb_page = alloc_page();
    void *array_page = alloc_page();
    evtchn_port_t x, y;

    set_trap_handler(KIND_EVENT, fifo_upcall);
    events_mask();
    bad_args(virt_to_mfn(cb_page));
    switch_tests(cb_page, array_page, &x, &y);
    queue_tests();

    /* once per vCPU; and the L4 is no event array */
    CHECK_EQ(init_control(virt_to_mfn(cb_page), CB_OFFSET, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(virt_to_mfn(cb_page), 4, 0, NULL), -EINVAL);
    CHECK_EQ(expand_array(virt_to_mfn((void *)start_info->pt_base)), -EINVAL);
    printk("%u FIFO upcalls\n", nr_fifo_upcalls);
    test_done();
}
