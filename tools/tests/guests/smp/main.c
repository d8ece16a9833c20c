/*
 * smp: a second vCPU (pv-abi.md 2 vcpu_op; 4 bind_ipi, bind_vcpu).
 *
 * - VCPUOP_is_up: 1 for vCPU 0, 0 for vCPU 1 at boot, -ENOENT for vCPUs
 *   that do not exist (2, 31, ~0);
 * - VCPUOP_up of a vCPU never initialised: -EINVAL; VCPUOP_initialise with
 *   a cr3 that is not an L4 (a writable data page): -EINVAL and the vCPU
 *   stays uninitialised; of vCPU 2: -ENOENT; of vCPU 0: -EEXIST;
 * - VCPUOP_initialise of vCPU 1 with its own stack, callbacks, rdi/rsi and
 *   the kernel L4 leaves it down (no VGCF_online) and not running; a
 *   second initialise is -EEXIST; VCPUOP_up starts it at rip with the
 *   registers given, CS/SS flat kernel, upcall mask 1; is_up says 1 on
 *   both vCPUs; up again is a harmless 0;
 * - an IPI port bound to vCPU 1 (bind_ipi vcpu = 1): send from vCPU 0 sets
 *   vcpu_info[1]'s pending_sel/upcall_pending, not vcpu_info[0]'s; vCPU 1
 *   wakes from SCHEDOP_block and answers on an IPI port of vCPU 0; 100
 *   ping-pongs, none lost; bind_ipi for vCPU 2: -ENOENT;
 * - EVTCHNOP_bind_vcpu moves an interdomain (loopback) port's
 *   notifications to vCPU 1 and back (binding it raised it once on vCPU 0,
 *   as Xen does for every new interdomain binding), and an unbound
 *   port's; refused for an IPI port and a per-vCPU VIRQ (-EINVAL), a
 *   closed port (-EINVAL) and a vCPU that does not exist (-ENOENT);
 * - VCPUOP_down of vCPU 1 from vCPU 0 while it is blocked: is_up 0, a ping
 *   stays unanswered until VCPUOP_up;
 * - VCPUOP_down of vCPU 1 by itself (Xen allows it while another vCPU is
 *   up): is_up 0, the vCPU does not go on; initialise is still -EEXIST;
 *   VCPUOP_up resumes it just after its down hypercall, which returns 0.
 */
#include "guest.h"

const char test_title[] = "smp: VCPUOP is_up/initialise/up/down, IPIs between vCPUs, bind_vcpu";

#define MAGIC_RDI 0x5eed0001c0ffee01UL
#define MAGIC_RSI 0x5eed0002c0ffee02UL
#define MS 1000000UL
#define NR_PINGS 100
#define NR_PORTS 64                 /* the test's ports all sit in word 0 */

enum { CMD_NONE, CMD_DOWN_SELF };

static uint8_t vcpu1_stack[4 * 4096] __attribute__((aligned(4096)));

/* What vCPU 1 saw and did: written by vCPU 1, read by vCPU 0. */
static struct {
    volatile unsigned int alive, go, cmd, resumed;
    volatile long down_rc;
    uint64_t rdi, rsi, rflags;
    uint16_t cs, ss;
    uint8_t mask_at_entry;
    long is_up_self;
} v1;

/* owner[port]: 0 not ours, 1 vCPU 0, 2 vCPU 1 (the vCPU that handles it). */
static volatile uint8_t owner[NR_PORTS];
static volatile unsigned long handled[2][NR_PORTS];
static volatile unsigned long stray_sel[2];
static evtchn_port_t ping_port, pong_port;  /* ping: vCPU 1's IPI; pong: vCPU 0's */

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_send, &s);
}

static bool on_vcpu1(void)
{
    unsigned long sp = (unsigned long)__builtin_frame_address(0);

    return sp >= (unsigned long)vcpu1_stack && sp < (unsigned long)vcpu1_stack + sizeof(vcpu1_stack);
}

/* 2-level dispatch for one vCPU: only the ports it owns. */
static void do_events(unsigned int cpu)
{
    struct vcpu_info *vi = &shared->vcpu_info[cpu];

    while ( ACCESS_ONCE(vi->evtchn_upcall_pending) )
    {
        uint64_t sel, mine = 0, bits;
        unsigned int p;

        vi->evtchn_upcall_pending = 0;
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        if ( sel & ~1UL )
            stray_sel[cpu]++;
        if ( !(sel & 1) )
            continue;
        for ( p = 1; p < NR_PORTS; p++ )
            if ( owner[p] == cpu + 1 )
                mine |= 1UL << p;
        bits = shared->evtchn_pending[0] & ~shared->evtchn_mask[0] & mine;
        while ( bits )
        {
            p = __builtin_ctzl(bits);
            bits &= bits - 1;
            __atomic_fetch_and(&shared->evtchn_pending[0], ~(1UL << p), __ATOMIC_SEQ_CST);
            handled[cpu][p]++;
            if ( cpu == 1 )
                send(pong_port);    /* vCPU 1 answers everything it gets */
        }
    }
}

static bool event_handler(struct trap_frame *f)
{
    do_events(on_vcpu1() ? 1 : 0);
    return true;
}

/* ---- vCPU 1 ---- */

static noreturn void vcpu1_main(uint64_t rdi, uint64_t rsi)
{
    struct vcpu_info *vi = &shared->vcpu_info[1];
    uint16_t cs, ss;
    uint64_t fl;

    asm volatile ( "mov %%cs, %0\n\tmov %%ss, %1\n\tpushfq\n\tpopq %2"
                   : "=r" (cs), "=r" (ss), "=r" (fl) );
    v1.mask_at_entry = vi->evtchn_upcall_mask;
    vi->evtchn_upcall_mask = 1;
    barrier();
    v1.rdi = rdi;
    v1.rsi = rsi;
    v1.cs = cs;
    v1.ss = ss;
    v1.rflags = fl;
    install_trap_table();           /* the trap table is per vCPU */
    v1.is_up_self = hypervisor_vcpu_op(VCPUOP_is_up, 1, NULL);
    __atomic_store_n(&v1.alive, 1, __ATOMIC_SEQ_CST);

    while ( !ACCESS_ONCE(v1.go) )
        asm volatile ( "pause" ::: "memory" );
    for ( ;; )
    {
        if ( ACCESS_ONCE(v1.cmd) == CMD_DOWN_SELF )
        {
            v1.down_rc = hypervisor_vcpu_op(VCPUOP_down, 1, NULL);
            __atomic_store_n(&v1.resumed, 1, __ATOMIC_SEQ_CST);
            v1.cmd = CMD_NONE;
        }
        /* unmasks events; pings wake it, their upcall answers them */
        hypervisor_sched_op(SCHEDOP_block, NULL);
    }
}

/* ---- vCPU 0 helpers ---- */

static uint64_t deadline_in(uint64_t ns)
{
    return system_time_ns() + ns;
}

/* Yield (events unmasked, so upcalls run) until cond or the deadline. */
#define WAIT_FOR(cond, ns) ({                                             \
        uint64_t dl_ = deadline_in(ns);                                   \
        while ( !(cond) && system_time_ns() < dl_ )                       \
            hypervisor_sched_op(SCHEDOP_yield, NULL);                     \
        (cond);                                                           \
    })

static long is_up(unsigned int vcpu)
{
    return hypervisor_vcpu_op(VCPUOP_is_up, vcpu, NULL);
}

static struct vcpu_guest_context ctx;

static void fill_ctx(void)
{
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)vcpu1_main;
    ctx.user_regs.rsp = (uint64_t)vcpu1_stack + sizeof(vcpu1_stack) - 8;
    ctx.user_regs.rdi = MAGIC_RDI;
    ctx.user_regs.rsi = MAGIC_RSI;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.user_regs.rflags = 0x200;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    ctx.event_callback_eip = (uint64_t)event_entry;
    ctx.failsafe_callback_eip = (uint64_t)failsafe_entry;
}

static long status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return hypervisor_event_channel_op(EVTCHNOP_status, st);
}

static long bind_vcpu(evtchn_port_t port, unsigned int vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return hypervisor_event_channel_op(EVTCHNOP_bind_vcpu, &b);
}

static evtchn_port_t bind_ipi(unsigned int vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &b);

    if ( rc )
        panic("bind_ipi(vcpu %u): %ld", vcpu, rc);
    ASSERT(b.port < NR_PORTS);
    owner[b.port] = vcpu + 1;
    return b.port;
}

/* One ping to vCPU 1; true if its answer came back in time. */
static bool ping(uint64_t timeout_ns)
{
    unsigned long n = handled[0][pong_port];

    CHECK_EQ(send(ping_port), 0);
    return WAIT_FOR(handled[0][pong_port] > n, timeout_ns);
}

/* ---- the tests ---- */

static void boot_state(void)
{
    long rc;

    CHECK_EQ(sizeof(ctx), 5168);
    CHECK_EQ(is_up(0), 1);
    rc = is_up(1);
    if ( rc == -ENOENT )
        test_result(SKIP, "no vCPU 1 (boot with dom0_max_vcpus=2)");
    CHECK_EQ(rc, 0);
    CHECK_EQ(is_up(2), -ENOENT);
    CHECK_EQ(is_up(31), -ENOENT);
    CHECK_EQ(is_up(~0U), -ENOENT);
    /* never initialised: up is refused */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
}

static void initialise_tests(void)
{
    /* a cr3 that cannot be an L4: refused, vCPU 1 stays uninitialised */
    fill_ctx();
    ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn(vcpu1_stack));
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);

    fill_ctx();
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 2, &ctx), -ENOENT);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 0, &ctx), -EEXIST);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
    /* initialised but not online (no VGCF_online): down, not running */
    CHECK_EQ(is_up(1), 0);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
    WAIT_FOR(v1.alive, 10 * MS);
    CHECK_EQ(v1.alive, 0);

    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK_EQ(is_up(1), 1);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), 0);   /* already up */
    if ( !WAIT_FOR(v1.alive, 2000 * MS) )
        test_result(FAILURE, "vCPU 1 did not run within 2 s of VCPUOP_up");
    CHECK_EQ(v1.rdi, MAGIC_RDI);
    CHECK_EQ(v1.rsi, MAGIC_RSI);
    CHECK_EQ(v1.cs, FLAT_KERNEL_CS);
    CHECK_EQ(v1.ss, FLAT_KERNEL_SS);
    CHECK_EQ(v1.mask_at_entry, 1);
    CHECK_EQ(v1.is_up_self, 1);
    printk("vCPU 1 up: rflags %#lx\n", v1.rflags);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
}

static void ipi_tests(void)
{
    struct vcpu_info *vi0 = &shared->vcpu_info[0], *vi1 = &shared->vcpu_info[1];
    struct evtchn_bind_ipi bad = { .vcpu = 2 };
    struct evtchn_status st;
    uint64_t t0, t1;
    unsigned int i, lost = 0;

    ping_port = bind_ipi(1);
    pong_port = bind_ipi(0);
    printk("ping port %u (vCPU 1), pong port %u (vCPU 0)\n", ping_port, pong_port);
    CHECK_EQ(status(ping_port, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 1);
    CHECK_EQ(status(pong_port, &st), 0);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &bad), -ENOENT);

    /* Both vCPUs masked: the send marks vCPU 1's vcpu_info only. */
    events_mask();
    vi0->evtchn_pending_sel = 0;
    vi0->evtchn_upcall_pending = 0;
    CHECK_EQ(send(ping_port), 0);
    CHECK(shared->evtchn_pending[0] & (1UL << ping_port));
    CHECK_EQ(vi1->evtchn_pending_sel & 1, 1);
    CHECK_EQ(vi1->evtchn_upcall_pending, 1);
    CHECK_EQ(vi0->evtchn_pending_sel, 0);
    CHECK_EQ(vi0->evtchn_upcall_pending, 0);
    CHECK_EQ(handled[1][ping_port], 0);

    /* vCPU 1 blocks (unmasking itself): the ping is taken, the pong comes back. */
    events_unmask();
    v1.go = 1;
    if ( !WAIT_FOR(handled[0][pong_port] == 1, 1000 * MS) )
        test_result(FAILURE, "no answer from vCPU 1 (handled %lu pings)", handled[1][ping_port]);
    CHECK_EQ(handled[1][ping_port], 1);

    t0 = system_time_ns();
    for ( i = 0; i < NR_PINGS; i++ )
        if ( !ping(500 * MS) && lost++ > 3 )
            break;
    t1 = system_time_ns();
    printk("%u ping-pongs in %lu us (%lu us each), %u lost\n", i, (t1 - t0) / 1000,
           (t1 - t0) / 1000 / (i ? i : 1), lost);
    CHECK_EQ(lost, 0);
    CHECK_EQ(handled[1][ping_port], NR_PINGS + 1);
    CHECK_EQ(handled[0][ping_port], 0);
    CHECK_EQ(handled[1][pong_port], 0);
}

static void bind_vcpu_tests(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_status st;
    evtchn_port_t a, b, c;
    unsigned long n;

    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    a = au.port;
    bi.remote_port = a;
    /* binding raises the new local port once (lost notifications): take it */
    events_mask();
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    b = bi.local_port;
    ASSERT(a < NR_PORTS && b < NR_PORTS);
    owner[a] = owner[b] = 1;
    events_unmask();
    CHECK_EQ(handled[0][b], 1);
    handled[0][b] = 0;
    CHECK_EQ(status(b, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.vcpu, 0);

    /* b's notifications to vCPU 1: it handles b (and answers) */
    owner[b] = 2;
    CHECK_EQ(bind_vcpu(b, 1), 0);
    CHECK_EQ(status(b, &st), 0);
    CHECK_EQ(st.vcpu, 1);
    n = handled[0][pong_port];
    CHECK_EQ(send(a), 0);
    CHECK(WAIT_FOR(handled[0][pong_port] > n, 1000 * MS));
    CHECK_EQ(handled[1][b], 1);
    CHECK_EQ(handled[0][b], 0);
    /* and back to vCPU 0 (unmasked: the upcall runs as the send returns) */
    owner[b] = 1;
    CHECK_EQ(bind_vcpu(b, 0), 0);
    CHECK_EQ(status(b, &st), 0);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(send(a), 0);
    CHECK(WAIT_FOR(handled[0][b] == 1, 100 * MS));
    CHECK_EQ(handled[1][b], 1);

    /* an unbound port may move too */
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    c = au.port;
    CHECK_EQ(bind_vcpu(c, 1), 0);
    CHECK_EQ(status(c, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.vcpu, 1);

    /* refused: IPI, per-vCPU VIRQ, closed port, no such vCPU */
    CHECK_EQ(bind_vcpu(ping_port, 0), -EINVAL);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    CHECK_EQ(bind_vcpu(bv.port, 1), -EINVAL);
    CHECK_EQ(bind_vcpu(NR_PORTS + 100, 0), -EINVAL);
    CHECK_EQ(bind_vcpu(b, 2), -ENOENT);
    CHECK_EQ(bind_vcpu(b, ~0U), -ENOENT);
    CHECK_EQ(status(ping_port, &st), 0);
    CHECK_EQ(st.vcpu, 1);
}

static void down_tests(void)
{
    /* down from vCPU 0 while vCPU 1 is blocked */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_down, 1, NULL), 0);
    CHECK_EQ(is_up(1), 0);
    CHECK(!ping(50 * MS));
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK_EQ(is_up(1), 1);
    /* the ping sent while it was down is answered now */
    CHECK(WAIT_FOR(handled[1][ping_port] == NR_PINGS + 2, 1000 * MS));
    CHECK(ping(1000 * MS));

    /* down by itself */
    v1.down_rc = -1;
    v1.cmd = CMD_DOWN_SELF;
    CHECK(ping(1000 * MS));         /* wakes it; it goes down after the pong */
    if ( !WAIT_FOR(is_up(1) == 0, 1000 * MS) )
    {
        fail("vCPU 1 still up 1 s after its VCPUOP_down");
        return;
    }
    WAIT_FOR(v1.resumed, 20 * MS);
    CHECK_EQ(v1.resumed, 0);        /* it did not go on */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(WAIT_FOR(v1.resumed, 1000 * MS));
    CHECK_EQ(v1.down_rc, 0);
    CHECK_EQ(is_up(1), 1);
    CHECK(ping(1000 * MS));
}

int main(void)
{
    set_trap_handler(KIND_EVENT, event_handler);
    boot_state();
    initialise_tests();
    ipi_tests();
    bind_vcpu_tests();
    down_tests();
    CHECK_EQ(stray_sel[0], 0);
    CHECK_EQ(stray_sel[1], 0);
    test_done();
}
