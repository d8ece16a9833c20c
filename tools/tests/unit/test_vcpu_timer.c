/*
 * test_vcpu_timer.c: a vCPU's timers, vcpu_op and the time a guest reads
 * (common/vcpu_timer.c, vcpu_op.c, vcpu_info.c, arch/x86/time_guest.c) on
 * the simulated machine of sched_sim.c.
 *
 * A domain with two vCPUs (of three possible) runs in a pool of pCPUs 16
 * and 17; vCPU 0 spins on pCPU 16, so "the guest" makes its hypercalls as
 * pCPU 16 with vCPU 0 current. send_guest_vcpu_virq() is a stub that
 * records each event with the simulated time and pCPU; it can also play a
 * guest that re-arms its one-shot timer from the handler. Guest memory is
 * host memory, except an unmapped window where copies fault and a hole
 * that guest_range_ok() refuses. Guest frames are a small array behind the
 * harness's host_test_directmap. The TSC scale, its origin and the RTC
 * are the test's own (the stubs of time.c and rtc_cmos.c).
 *
 *   single-shot   fires once at its deadline; a past one at once (also
 *                 with VCPU_SSHOTTMR_future, ignored as in Xen 4.17.7);
 *                 stop cancels; only the vCPU itself may use it;
 *                 set_timer_op and its guards
 *   periodic      every period, on the grid, also after a late tick;
 *                 limits; stop; timers follow vcpu_timers_migrate()
 *   re-arming     100 one-shot ticks re-armed from the handler arrive in
 *                 order, each at its deadline on the simulated clock
 *   vcpu_op       -ENOENT/-ENOSYS/-EINVAL codes, up/down/initialise, the
 *                 last vCPU down powers off
 *   runstate      registration writes at once; the update-flag protocol
 *   vcpu_info     registration rules, the copy, the pending marks, refs
 *   time          the guest's formula against tsc_to_ns() for 0.1-5 GHz
 *                 over 5 s, versions, TSC_STABLE, the secondary copy,
 *                 the wall clock
 */
#include <string.h>

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/vcpu_timer.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <asm/rtc.h>
#include <asm/time.h>

#include "harness.h"
#include "sched_sim.h"

#define DOMID      21
#define CPU0       16                   /* vCPU 0's pCPU */
#define CPU1       17                   /* vCPU 1's pCPU */

/* ---- Stubs: events ---- */

#define MAX_EVENTS 1024

struct event {
    struct vcpu *v;
    uint32_t virq;
    s_time_t at;
    unsigned int cpu;
};

static struct event events[MAX_EVENTS];
static unsigned int nr_events;

/* The guest's handler: re-arm the one-shot timer rearm_left more times,
 * each rearm_step after the previous deadline. */
static unsigned int rearm_left;
static s_time_t rearm_step, rearm_deadline;

static long hypercall_as_current(int cmd, unsigned int vcpuid, void *arg)
{
    return do_vcpu_op(cmd, vcpuid, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    struct vcpu_set_singleshot_timer set = { 0 };

    if ( nr_events < MAX_EVENTS )
        events[nr_events++] = (struct event){
            .v = v, .virq = virq, .at = sim_now(),
            .cpu = smp_processor_id(),
        };
    if ( !rearm_left )
        return;
    rearm_left--;
    rearm_deadline += rearm_step;
    set.timeout_abs_ns = rearm_deadline;
    CHECK(v == current);
    CHECK_EQ(hypercall_as_current(VCPUOP_set_singleshot_timer, v->vcpu_id,
                                  &set), 0);
}

/* ---- Stubs: guest memory ---- */

#define FAULT_LO  0x1000ul              /* [FAULT_LO, FAULT_HI): unmapped */
#define FAULT_HI  0x10000ul
#define HOLE_VA   (1ul << 62)           /* guest_range_ok() refuses above */

struct write {
    unsigned long va, len;
    uint8_t data[64];
};

static struct write wlog[64];
static unsigned int nr_wlog;

static bool faults(unsigned long va, unsigned long len)
{
    return va < FAULT_HI && va + len > FAULT_LO;
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long len)
{
    if ( nr_wlog < ARRAY_SIZE(wlog) )
    {
        wlog[nr_wlog].va = (unsigned long)to;
        wlog[nr_wlog].len = len;
        memcpy(wlog[nr_wlog++].data, from, len < 64 ? len : 64);
    }
    if ( faults((unsigned long)to, len) )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_copy_from_guest(void *to, const void *from,
                                  unsigned long len)
{
    if ( faults((unsigned long)from, len) )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_clear_guest(void *to, unsigned long len)
{
    if ( faults((unsigned long)to, len) )
        return len;
    memset(to, 0, len);
    return 0;
}

bool guest_range_ok(unsigned long va, unsigned long len)
{
    return va + len >= va && va + len <= HOLE_VA;
}

/* ---- Stubs: guest frames (frame 0 is not the guest's) ---- */

#define NR_FRAMES 4

static unsigned char frame_mem[NR_FRAMES * PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE)));
static struct page_info frames[NR_FRAMES];
static int frame_refs[NR_FRAMES];
unsigned long max_page = NR_FRAMES;

struct page_info *get_guest_page_rw(struct domain *d, unsigned long gfn)
{
    if ( !gfn || gfn >= NR_FRAMES )
        return NULL;
    frame_refs[gfn]++;
    return &frames[gfn];
}

void put_guest_page_rw(struct page_info *pg)
{
    frame_refs[pg - frames]--;
}

/* ---- Stubs: the arch and time.c ---- */

static unsigned int nr_initialise;

int arch_initialise_vcpu(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    if ( v->arch.pv.initialised )
        return -EEXIST;
    nr_initialise++;
    v->arch.pv.initialised = true;
    return 0;
}

static unsigned int nr_nmis;

void arch_vcpu_send_nmi(struct vcpu *v)
{
    (void)v;
    nr_nmis++;
}

long hypercall_create_continuation(unsigned int op, const char *fmt, ...)
{
    return op;
}

static uint64_t test_frac, test_origin, test_rtc;
bool tsc_invariant;

int64_t tsc_to_ns(uint64_t ticks)
{
    return (int64_t)(((unsigned __int128)ticks * test_frac) >> 32);
}

uint64_t tsc_stime_origin(void)
{
    return test_origin;
}

uint64_t rtc_boot_time(void)
{
    return test_rtc;
}

/* As time.c computes its scale from the TSC's kHz. */
static void set_tsc_khz(uint64_t khz)
{
    test_frac = (1000000ull << 32) / khz;
}

/* ---- The machine ---- */

static struct sim_pool *pool;
static struct domain *dom;
static struct vcpu *vc[2];
static struct shared_info shinfo __attribute__((aligned(PAGE_SIZE)));
static unsigned int saved_cpu;

static void reset_stubs(void)
{
    nr_events = 0;
    nr_wlog = 0;
    rearm_left = 0;
    nr_initialise = 0;
    memset(frame_refs, 0, sizeof(frame_refs));
    memset(frame_mem, 0, sizeof(frame_mem));
    memset(&shinfo, 0, sizeof(shinfo));
    host_test_directmap = frame_mem;
    frame_table = frames;
    timer_slop = 0;
    set_tsc_khz(3000000);
    test_origin = 1000;
    test_rtc = 0;
    tsc_invariant = false;
}

/* Domain DOMID, vCPU 0 up and spinning on CPU0, vCPU 1 created (on CPU1)
 * and up if up1, vCPU 2 possible but not created. */
static bool setup(const char *name, bool up1)
{
    struct domain_create_args args = { .max_vcpus = 3 };
    unsigned int i;
    int rc;

    reset_stubs();
    if ( !sim_begin(name) )
        return false;
    pool = sim_pool_create(XEN_SCHEDULER_CREDIT, 2);
    if ( !pool )
        return false;
    args.cpupool_id = pool->c->cpupool_id;
    sim_ctl_begin();
    rc = domain_create(DOMID, &args, &dom);
    if ( !CHECK_EQ(rc, 0) ||
         !CHECK_EQ(vcpu_create(dom, 0, CPU0, &vc[0]), 0) ||
         !CHECK_EQ(vcpu_create(dom, 1, CPU1, &vc[1]), 0) )
    {
        sim_ctl_end();
        return false;
    }
    dom->shared_info = &shinfo;
    for ( i = 0; i < 2; i++ )
    {
        vc[i]->vcpu_info = &shinfo.vcpu_info[i];
        CHECK_EQ(vcpu_timers_init(vc[i]), 0);
    }
    vc[0]->arch.pv.initialised = true;
    vcpu_up(vc[0]);
    if ( up1 )
    {
        vc[1]->arch.pv.initialised = true;
        vcpu_up(vc[1]);
    }
    CHECK_EQ(domain_unpause_by_controller(dom), 0);
    sim_ctl_end();
    sim_run_for(MILLISECS(1));
    guest_time_init();                      /* 3 GHz: the exact record */
    harness_set_cpu(CPU0);
    rc = current == vc[0];
    harness_set_cpu(0);
    return CHECK(rc);
}

static void teardown(void)
{
    unsigned int i;

    sim_ctl_begin();
    for ( i = 0; i < 2; i++ )
    {
        unmap_vcpu_info(vc[i]);
        vcpu_timers_destroy(vc[i]);
    }
    dom->shared_info = NULL;
    CHECK_EQ(domain_kill(dom), 0);
    put_domain(dom);
    sim_ctl_end();
    sim_settle();
    CHECK_EQ(sim_pool_destroy(pool), 0);
    CHECK(sim_end());
}

/* Run as vCPU v, on its pCPU, as its hypercalls do. */
static void as_vcpu(struct vcpu *v)
{
    saved_cpu = smp_processor_id();
    harness_set_cpu(v->processor);
    CHECK(current == v);
}

static void as_machine(void)
{
    harness_set_cpu(saved_cpu);
    sim_settle();
}

static long vcpu_op(struct vcpu *caller, int cmd, unsigned int vcpuid,
                    void *arg)
{
    long rc;

    as_vcpu(caller);
    rc = hypercall_as_current(cmd, vcpuid, arg);
    as_machine();
    return rc;
}

static long singleshot(struct vcpu *caller, unsigned int vcpuid,
                       uint64_t timeout, uint32_t flags)
{
    struct vcpu_set_singleshot_timer set = {
        .timeout_abs_ns = timeout, .flags = flags,
    };

    return vcpu_op(caller, VCPUOP_set_singleshot_timer, vcpuid, &set);
}

static long periodic(struct vcpu *caller, unsigned int vcpuid,
                     uint64_t period)
{
    struct vcpu_set_periodic_timer set = { .period_ns = period };

    return vcpu_op(caller, VCPUOP_set_periodic_timer, vcpuid, &set);
}

static long set_timer_op(struct vcpu *caller, s_time_t timeout)
{
    long rc;

    as_vcpu(caller);
    rc = do_set_timer_op(timeout);
    as_machine();
    return rc;
}

static bool is_timer_event(unsigned int i, const struct vcpu *v)
{
    return events[i].v == v && events[i].virq == VIRQ_TIMER;
}

/* ---- Single-shot ---- */

TEST(singleshot_fires_once_at_its_deadline)
{
    s_time_t t0, deadline;

    if ( !setup("singleshot", false) )
        return;
    t0 = sim_now();
    deadline = t0 + MILLISECS(5);
    CHECK_EQ(singleshot(vc[0], 0, deadline, 0), 0);
    sim_run_until(deadline - 1);
    CHECK_EQ(nr_events, 0);
    sim_run_for(MILLISECS(50));
    CHECK_EQ(nr_events, 1);
    CHECK(is_timer_event(0, vc[0]));
    CHECK_EQ(events[0].at, deadline);
    CHECK_EQ(events[0].cpu, CPU0);

    /* With the default slop: at or after the deadline, within the slop. */
    timer_slop = MICROSECS(50);
    deadline = sim_now() + MILLISECS(3);
    CHECK_EQ(singleshot(vc[0], 0, deadline, 0), 0);
    sim_run_for(MILLISECS(10));
    CHECK_EQ(nr_events, 2);
    CHECK(events[1].at >= deadline && events[1].at <= deadline + MICROSECS(50));
    teardown();
}

TEST(singleshot_in_the_past_fires_at_once_with_or_without_the_future_flag)
{
    s_time_t now;

    if ( !setup("singleshot-past", false) )
        return;
    now = sim_now();
    CHECK_EQ(singleshot(vc[0], 0, now - 1, 0), 0);
    CHECK_EQ(nr_events, 1);                     /* during the settle */
    CHECK_EQ(events[0].at, now);

    /* VCPU_SSHOTTMR_future is ignored (Xen 4.17.7): no -ETIME. */
    CHECK_EQ(singleshot(vc[0], 0, now - 1, VCPU_SSHOTTMR_future), 0);
    CHECK_EQ(nr_events, 2);
    CHECK_EQ(singleshot(vc[0], 0, 0, VCPU_SSHOTTMR_future), 0);
    CHECK_EQ(nr_events, 3);
    /* Past 2^63 ns is negative: the past, as in Xen. */
    CHECK_EQ(singleshot(vc[0], 0, 1ull << 63, 0), 0);
    CHECK_EQ(nr_events, 4);

    now = sim_now();
    CHECK_EQ(singleshot(vc[0], 0, now + MICROSECS(10), VCPU_SSHOTTMR_future),
             0);
    CHECK_EQ(nr_events, 4);
    sim_run_for(MILLISECS(1));
    CHECK_EQ(nr_events, 5);
    CHECK_EQ(events[4].at, now + MICROSECS(10));
    teardown();
}

TEST(singleshot_stop_cancels_and_only_the_vcpu_itself_may_use_it)
{
    s_time_t t;

    if ( !setup("singleshot-stop", true) )
        return;
    t = sim_now() + MILLISECS(5);
    CHECK_EQ(singleshot(vc[0], 0, t, 0), 0);
    /* Re-arming replaces the earlier setting. */
    CHECK_EQ(singleshot(vc[0], 0, t + MILLISECS(1), 0), 0);
    sim_run_until(t + MICROSECS(500));
    CHECK_EQ(nr_events, 0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    sim_run_for(MILLISECS(20));
    CHECK_EQ(nr_events, 0);

    /* vCPU 0 cannot arm or stop vCPU 1's; vCPU 1 can. */
    CHECK_EQ(singleshot(vc[0], 1, sim_now() + MILLISECS(1), 0), -EINVAL);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_singleshot_timer, 1, NULL), -EINVAL);
    CHECK_EQ(singleshot(vc[1], 1, sim_now() + MILLISECS(1), 0), 0);
    sim_run_for(MILLISECS(2));
    CHECK_EQ(nr_events, 1);
    CHECK(is_timer_event(0, vc[1]));
    CHECK_EQ(events[0].cpu, CPU1);

    /* A faulting argument arms nothing. */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_set_singleshot_timer, 0,
                     (void *)FAULT_LO), -EFAULT);
    teardown();
}

TEST(set_timer_op_arms_stops_and_tames_absurd_deadlines)
{
    s_time_t now;

    if ( !setup("set_timer_op", false) )
        return;
    now = sim_now();
    CHECK_EQ(set_timer_op(vc[0], now + MILLISECS(2)), 0);
    sim_run_for(MILLISECS(3));
    CHECK_EQ(nr_events, 1);
    CHECK_EQ(events[0].at, now + MILLISECS(2));

    /* 0 stops. */
    CHECK_EQ(set_timer_op(vc[0], sim_now() + MILLISECS(2)), 0);
    CHECK_EQ(set_timer_op(vc[0], 0), 0);
    sim_run_for(MILLISECS(5));
    CHECK_EQ(nr_events, 1);

    /* Negative, or 2^50 ns ahead: 100 ms from now instead (Xen's rule). */
    now = sim_now();
    CHECK_EQ(set_timer_op(vc[0], -5), 0);
    sim_run_for(MILLISECS(200));
    CHECK_EQ(nr_events, 2);
    CHECK_EQ(events[1].at, now + MILLISECS(100));
    CHECK_LOG("is absurd");
    now = sim_now();
    CHECK_EQ(set_timer_op(vc[0], now + (1LL << 50)), 0);
    sim_run_for(MILLISECS(200));
    CHECK_EQ(nr_events, 3);
    CHECK_EQ(events[2].at, now + MILLISECS(100));
    /* Just under the limit is taken as it is. */
    CHECK_EQ(set_timer_op(vc[0], sim_now() + (1LL << 50) - 1), 0);
    sim_run_for(MILLISECS(200));
    CHECK_EQ(nr_events, 3);
    CHECK_EQ(set_timer_op(vc[0], 0), 0);
    teardown();
}

TEST(one_hundred_ticks_rearmed_from_the_handler_arrive_in_order)
{
    s_time_t start;
    unsigned int i;
    bool ok = true;

    if ( !setup("rearm", false) )
        return;
    start = sim_now() + MICROSECS(700);
    rearm_deadline = start;
    rearm_step = MICROSECS(1500);
    rearm_left = 99;
    CHECK_EQ(singleshot(vc[0], 0, start, 0), 0);
    sim_run_for(MILLISECS(400));
    CHECK_EQ(nr_events, 100);
    CHECK_EQ(rearm_left, 0);
    for ( i = 0; i < nr_events && ok; i++ )
        ok = CHECK(is_timer_event(i, vc[0])) &&
             CHECK_EQ(events[i].at, start + i * rearm_step) &&
             CHECK_EQ(events[i].cpu, CPU0);
    teardown();
}

/* ---- Periodic ---- */

TEST(periodic_ticks_on_its_grid_and_stops)
{
    s_time_t t0;
    unsigned int i;
    bool ok = true;

    if ( !setup("periodic", false) )
        return;
    t0 = sim_now();
    CHECK_EQ(periodic(vc[0], 0, MILLISECS(10)), 0);
    sim_run_until(t0 + SECONDS(1) + MILLISECS(5));
    CHECK_EQ(nr_events, 100);
    for ( i = 0; i < nr_events && ok; i++ )
        ok = CHECK(is_timer_event(i, vc[0])) &&
             CHECK_EQ(events[i].at, t0 + (i + 1) * MILLISECS(10));

    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_periodic_timer, 0, NULL), 0);
    sim_run_for(MILLISECS(100));
    CHECK_EQ(nr_events, 100);

    /* Limits: 1 ms to 2^62 ns; 0 is not a period. */
    CHECK_EQ(periodic(vc[0], 0, MILLISECS(1) - 1), -EINVAL);
    CHECK_EQ(periodic(vc[0], 0, 0), -EINVAL);
    CHECK_EQ(periodic(vc[0], 0, (uint64_t)STIME_DELTA_MAX + 1), -EINVAL);
    CHECK_EQ(periodic(vc[0], 0, ~0ull), -EINVAL);
    CHECK_EQ(periodic(vc[0], 0, STIME_DELTA_MAX), 0);
    CHECK_EQ(periodic(vc[0], 0, MILLISECS(1)), 0);
    t0 = sim_now();
    sim_run_for(MILLISECS(10) + 1);
    CHECK_EQ(nr_events, 110);
    CHECK_EQ(events[109].at, t0 + MILLISECS(10));

    /* Any vCPU of the domain may set another's (Xen allows it). */
    CHECK_EQ(periodic(vc[0], 1, MILLISECS(2)), 0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_periodic_timer, 0, NULL), 0);
    sim_run_for(MILLISECS(5));
    CHECK_EQ(nr_events, 112);
    CHECK(is_timer_event(111, vc[1]));
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_periodic_timer, 1, NULL), 0);
    sim_run_for(MILLISECS(5));
    CHECK_EQ(nr_events, 112);
    teardown();
}

TEST(periodic_keeps_its_phase_after_a_late_tick)
{
    s_time_t t0;

    if ( !setup("periodic-late", false) )
        return;
    t0 = sim_now();
    CHECK_EQ(periodic(vc[0], 0, MILLISECS(10)), 0);
    /* The tick due at t0+10 ms comes 15 ms late (the pCPU was busy). */
    sim_ctl_begin();
    set_timer(&vc[0]->periodic_timer, t0 + MILLISECS(25));
    sim_ctl_end();
    sim_run_until(t0 + MILLISECS(45));
    /* One event for the missed ticks, then back on the grid. */
    CHECK_EQ(nr_events, 3);
    CHECK_EQ(events[0].at, t0 + MILLISECS(25));
    CHECK_EQ(events[1].at, t0 + MILLISECS(30));
    CHECK_EQ(events[2].at, t0 + MILLISECS(40));
    CHECK_EQ(vc[0]->periodic_last_event, t0 + MILLISECS(40));
    teardown();
}

/* Pin vCPU 0 to one pCPU and let the scheduler move it there. */
static void move_vcpu0(unsigned int cpu)
{
    cpumask_t mask;

    cpumask_clear(&mask);
    cpumask_set_cpu(cpu, &mask);
    sim_ctl_begin();
    CHECK_EQ(vcpu_set_hard_affinity(vc[0], &mask), 0);
    sim_ctl_end();
    sim_run_for(MICROSECS(100));
    CHECK_EQ(vc[0]->processor, cpu);
}

TEST(timers_follow_the_vcpu_to_its_new_pcpu)
{
    s_time_t t;
    unsigned int n;

    if ( !setup("migrate", false) )
        return;
    CHECK_EQ(periodic(vc[0], 0, MILLISECS(4)), 0);
    t = sim_now() + MILLISECS(3);
    CHECK_EQ(singleshot(vc[0], 0, t, 0), 0);

    /* The scheduler moves the vCPU, and its timers with it. */
    move_vcpu0(CPU1);
    sim_ctl_begin();
    vcpu_timers_migrate(vc[0], vc[0]->processor);
    sim_ctl_end();
    CHECK_EQ(vc[0]->periodic_timer.cpu, CPU1);
    CHECK_EQ(vc[0]->singleshot_timer.cpu, CPU1);
    sim_run_for(MILLISECS(5));
    CHECK_EQ(nr_events, 2);
    CHECK_EQ(events[0].at, t);                 /* still armed, same time */
    CHECK_EQ(events[0].cpu, CPU1);
    CHECK_EQ(events[1].cpu, CPU1);

    /* Moved back without a migrate call: the periodic timer follows at
     * its next tick. */
    move_vcpu0(CPU0);
    n = nr_events;
    sim_run_for(MILLISECS(8));
    CHECK_EQ(nr_events, n + 2);
    CHECK_EQ(events[n].cpu, CPU1);
    CHECK_EQ(events[n + 1].cpu, CPU0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_stop_periodic_timer, 0, NULL), 0);
    teardown();
}

/* ---- vcpu_op ---- */

TEST(vcpu_op_answers_for_missing_vcpus_and_unknown_commands)
{
    if ( !setup("vcpu_op-codes", false) )
        return;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 0, NULL), 1);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 1, NULL), 0);         /* down */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 2, NULL), -ENOENT);   /* not made */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 3, NULL), -ENOENT);   /* > max */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, MAX_VIRT_CPUS, NULL), -ENOENT);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, ~0u, NULL), -ENOENT);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_up, 2, NULL), -ENOENT);
    CHECK_EQ(vcpu_op(vc[0], 99, 0, NULL), -ENOSYS);
    CHECK_EQ(vcpu_op(vc[0], -1, 0, NULL), -ENOSYS);
    CHECK_EQ(vcpu_op(vc[0], 99, 7, NULL), -ENOENT);     /* vCPU first */
    nr_nmis = 0;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_send_nmi, 1, NULL), 0);
    CHECK_EQ(nr_nmis, 1);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_send_nmi, 1, &nr_nmis), -EINVAL);  /* arg must be NULL */
    CHECK_EQ(nr_nmis, 1);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_get_physid, 0, NULL), -EINVAL);
    teardown();
}

TEST(vcpu_op_up_needs_initialise_and_the_last_down_powers_off)
{
    if ( !setup("vcpu_op-updown", false) )
        return;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_up, 1, NULL), -EINVAL);  /* no state */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 1, NULL), 0);

    /* initialise needs a vcpu_info first. */
    vc[1]->vcpu_info = NULL;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_initialise, 1, NULL), -EINVAL);
    CHECK_EQ(nr_initialise, 0);
    vc[1]->vcpu_info = &shinfo.vcpu_info[1];
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_initialise, 1, NULL), 0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_initialise, 1, NULL), -EEXIST);
    CHECK_EQ(nr_initialise, 1);

    CHECK_EQ(vcpu_op(vc[0], VCPUOP_up, 1, NULL), 0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 1, NULL), 1);
    sim_run_for(MILLISECS(2));
    CHECK_EQ(vc[1]->runstate.state, RUNSTATE_running);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_up, 1, NULL), 0);        /* already up */

    CHECK_EQ(vcpu_op(vc[0], VCPUOP_down, 1, NULL), 0);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_is_up, 1, NULL), 0);
    sim_run_for(MILLISECS(2));
    CHECK_EQ(vc[1]->runstate.state, RUNSTATE_offline);
    CHECK(!dom->is_shutting_down);

    /* vCPU 0 is the last one up: taking it down powers the domain off. */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_down, 0, NULL), 0);
    CHECK(dom->is_shutting_down);
    CHECK_EQ(dom->shutdown_code, SHUTDOWN_poweroff);
    CHECK(!test_bit(_VPF_down, &vc[0]->pause_flags));      /* as Xen */
    teardown();
}

/* ---- Runstate ---- */

TEST(runstate_area_is_written_at_once_and_with_the_update_flag)
{
    struct vcpu_runstate_info area, got;
    struct vcpu_register_runstate_memory_area reg;
    const unsigned long flag_off = 15;
    unsigned long va = (unsigned long)&area;

    if ( !setup("runstate", false) )
        return;
    memset(&area, 0xff, sizeof(area));
    reg.addr.p = va;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_runstate_memory_area, 0, &reg), 0);
    CHECK_EQ(vc[0]->arch.pv.runstate_guest, va);
    CHECK_EQ(nr_wlog, 1);                       /* no flag: one write */
    CHECK_EQ(area.state, RUNSTATE_running);
    CHECK_EQ(area.state_entry_time, vc[0]->runstate.state_entry_time);
    CHECK(!memcmp(area.time, vc[0]->runstate.time, sizeof(area.time)));

    /* With the flag: top byte set, the record, top byte cleared. */
    set_bit(VMASST_TYPE_runstate_update_flag, &dom->vm_assist);
    nr_wlog = 0;
    sim_run_for(MILLISECS(1));
    update_runstate_area(vc[0]);
    CHECK_EQ(nr_wlog, 3);
    CHECK_EQ(wlog[0].va, va + flag_off);
    CHECK_EQ(wlog[0].len, 1);
    CHECK(wlog[0].data[0] & 0x80);
    CHECK_EQ(wlog[1].len, sizeof(area));
    memcpy(&got, wlog[1].data, sizeof(got));
    CHECK(got.state_entry_time & XEN_RUNSTATE_UPDATE);
    CHECK_EQ(wlog[2].va, va + flag_off);
    CHECK(!(wlog[2].data[0] & 0x80));
    CHECK_EQ(area.state_entry_time, vc[0]->runstate.state_entry_time);

    /* get_runstate_info: time up to now. */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_get_runstate_info, 0, &got), 0);
    CHECK_EQ(got.state, RUNSTATE_running);
    CHECK_EQ(got.time[RUNSTATE_running],
             (uint64_t)(sim_now() - vc[0]->runstate.state_entry_time) +
             vc[0]->runstate.time[RUNSTATE_running]);
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_get_runstate_info, 0, (void *)FAULT_LO),
             -EFAULT);

    /* Bad addresses; 0 unregisters. */
    reg.addr.p = HOLE_VA - 8;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_runstate_memory_area, 0, &reg),
             -EFAULT);
    CHECK_EQ(vc[0]->arch.pv.runstate_guest, va);    /* unchanged */
    reg.addr.p = 0;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_runstate_memory_area, 0, &reg), 0);
    nr_wlog = 0;
    update_runstate_area(vc[0]);
    CHECK_EQ(nr_wlog, 0);
    teardown();
}

/* ---- vcpu_info ---- */

static long register_vcpu_info(struct vcpu *caller, unsigned int vcpuid,
                               uint64_t mfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info info = { .mfn = mfn, .offset = offset };

    return vcpu_op(caller, VCPUOP_register_vcpu_info, vcpuid, &info);
}

TEST(register_vcpu_info_moves_it_once_and_marks_everything_pending)
{
    struct vcpu_info *slot = &shinfo.vcpu_info[0], *moved;

    if ( !setup("vcpu_info", true) )
        return;
    slot->evtchn_upcall_mask = 1;
    slot->evtchn_pending_sel = 0x5;
    slot->arch.cr2 = 0xabc;

    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, PAGE_SIZE - 56), -EINVAL);
    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, PAGE_SIZE), -EINVAL);
    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, ~0u - 7), -EINVAL);
    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, 4), -EINVAL);  /* misaligned */
    CHECK_EQ(register_vcpu_info(vc[0], 0, 0, 0), -EINVAL);  /* not its frame */
    CHECK_EQ(register_vcpu_info(vc[0], 0, NR_FRAMES, 0), -EINVAL);
    CHECK_EQ(register_vcpu_info(vc[0], 1, 2, 0), -EINVAL);  /* 1 is running */
    CHECK(vc[0]->vcpu_info == slot);
    CHECK_EQ(frame_refs[1] + frame_refs[2], 0);

    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, PAGE_SIZE - 64), 0);
    moved = (struct vcpu_info *)(frame_mem + 2 * PAGE_SIZE - 64);
    CHECK(vc[0]->vcpu_info == moved);
    CHECK_EQ(frame_refs[1], 1);
    CHECK_EQ(moved->evtchn_upcall_mask, 1);
    CHECK_EQ(moved->arch.cr2, 0xabc);
    CHECK_EQ(moved->evtchn_pending_sel, ~0ul);
    CHECK_EQ(moved->evtchn_upcall_pending, 1);

    /* Once only, even at the same place. */
    CHECK_EQ(register_vcpu_info(vc[0], 0, 1, PAGE_SIZE - 64), -EINVAL);
    CHECK_EQ(register_vcpu_info(vc[0], 0, 2, 0), -EINVAL);
    CHECK_EQ(frame_refs[1] + frame_refs[2], 1);

    /* Another vCPU's, once it is down. */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_down, 1, NULL), 0);
    sim_run_for(MILLISECS(1));
    CHECK_EQ(register_vcpu_info(vc[0], 1, 2, 128), 0);
    moved = (struct vcpu_info *)(frame_mem + 2 * PAGE_SIZE + 128);
    CHECK(vc[1]->vcpu_info == moved);
    CHECK_EQ(frame_refs[2], 1);

    /* A faulting argument. */
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_vcpu_info, 0, (void *)FAULT_LO),
             -EFAULT);

    /* Given back at destruction; the slot is in use again. */
    sim_ctl_begin();
    unmap_vcpu_info(vc[0]);
    unmap_vcpu_info(vc[0]);                 /* harmless twice */
    sim_ctl_end();
    CHECK(vc[0]->vcpu_info == slot);
    CHECK_EQ(frame_refs[1], 0);
    teardown();                             /* unmaps vCPU 1's */
    CHECK_EQ(frame_refs[2], 0);
}

/* ---- Time ---- */

/* The guest's side, as Linux's pvclock computes it. */
static uint64_t guest_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t d = tsc - t->tsc_timestamp;

    if ( t->tsc_shift >= 0 )
        d <<= t->tsc_shift;
    else
        d >>= -t->tsc_shift;
    return t->system_time +
           (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static int64_t worst_error(const struct vcpu_time_info *t, uint64_t khz)
{
    uint64_t span = khz * 5000;                 /* 5 s of ticks */
    uint64_t d, tsc;
    int64_t err, worst = 0;
    unsigned int i;

    for ( i = 0; i <= 2000; i++ )
    {
        if ( i < 1000 )
            d = i;                              /* the first ticks */
        else if ( i < 2000 )
            d = (sim_rand() * (uint64_t)sim_rand()) % span;
        else
            d = span;
        tsc = t->tsc_timestamp + d;
        err = (int64_t)guest_ns(t, tsc) - tsc_to_ns(tsc - test_origin);
        if ( err < 0 )
            err = -err;
        if ( err > worst )
            worst = err;
    }
    return worst;
}

/* One TSC frequency: the record's stamp and the formula's error. */
static void check_scale(uint64_t khz)
{
    struct vcpu_time_info *t = &shinfo.vcpu_info[1].time;
    unsigned int zeros = __builtin_ctzll(test_frac);
    uint64_t before, p;
    uint32_t ver;
    int64_t err;

    test_origin = rdtsc() - khz * 1000 * 10;            /* 10 s ago */
    guest_time_init();
    ver = t->version;
    before = rdtsc();
    update_vcpu_system_time(vc[1]);             /* down: may be written */
    CHECK_EQ(t->version, ver + 2);
    CHECK_EQ(t->flags, 0);
    CHECK(t->tsc_timestamp <= rdtsc());
    CHECK_EQ(t->system_time, tsc_to_ns(t->tsc_timestamp - test_origin));
    err = worst_error(t, khz);
    if ( zeros >= (unsigned int)t->tsc_shift )
    {
        /* Exact: stamped on the grid of P ticks, NOW() to the ns. */
        p = zeros >= 32 ? 1 : 1ull << (32 - zeros);
        CHECK_EQ((t->tsc_timestamp - test_origin) % p, 0);
        CHECK(t->tsc_timestamp + p > before);
        if ( !CHECK_EQ(err, 0) )
            printk("%lu kHz: off by %ld ns\n", (unsigned long)khz, (long)err);
    }
    else
    {
        CHECK(t->tsc_shift > 0);
        CHECK(t->tsc_timestamp >= before);      /* stamped now */
        if ( !CHECK(err <= 2) )
            printk("%lu kHz: off by %ld ns\n", (unsigned long)khz, (long)err);
    }
}

TEST(guest_formula_matches_system_time_from_0_1_to_5_ghz)
{
    static const uint64_t khz[] = {
        1000001, 1234567, 1999999, 2000000, 2400000, 2599840, 2900000,
        3000000, 3333333, 4200000, 5000000,     /* shift 0 */
        1000000, 999999, 800000, 777777, 500000, 333333, 123457, 100000,
    };
    unsigned int i;

    if ( !setup("time-scale", false) )
        return;
    sim_srand(42);
    for ( i = 0; i < ARRAY_SIZE(khz); i++ )
    {
        /* frac as time.c computes it ... */
        set_tsc_khz(khz[i]);
        check_scale(khz[i]);
        /* ... and with 8 trailing zero bits: stamps within 2^24 ticks. */
        test_frac &= ~0xffull;
        check_scale(khz[i]);
    }
    teardown();
}

TEST(records_are_refreshed_every_second_while_the_vcpu_runs)
{
    struct vcpu_time_info *t = &shinfo.vcpu_info[0].time;
    uint32_t ver, n;

    if ( !setup("time-refresh", false) )
        return;
    as_vcpu(vc[0]);
    update_vcpu_system_time(vc[0]);         /* arms CPU0's refresh */
    as_machine();
    ver = t->version;
    sim_run_for(SECONDS(3) + MILLISECS(500));
    n = (t->version - ver) / 2;
    CHECK(n >= 3 && n <= 4);                /* at most 1 s apart */
    CHECK_EQ(t->version & 1, 0);

    /* Once its pCPU idles, the refresh stops. */
    sim_ctl_begin();
    vcpu_down(vc[0]);
    sim_ctl_end();
    sim_run_for(SECONDS(1) + MILLISECS(1));
    ver = t->version;
    sim_run_for(SECONDS(3));
    CHECK_EQ(t->version, ver);
    teardown();
}

TEST(guest_time_scale_rounds_and_fits)
{
    uint32_t mul;
    int8_t shift;

    guest_time_scale(1ull << 32, &mul, &shift);         /* 1 GHz */
    CHECK_EQ(mul, 1u << 31);
    CHECK_EQ(shift, 1);
    guest_time_scale(0xffffffffull, &mul, &shift);
    CHECK_EQ(mul, 0xffffffffu);
    CHECK_EQ(shift, 0);
    guest_time_scale(0x300000001ull, &mul, &shift);     /* rounds to nearest */
    CHECK_EQ(mul, 0xc0000000u);
    CHECK_EQ(shift, 2);
    guest_time_scale(0x300000003ull, &mul, &shift);
    CHECK_EQ(mul, 0xc0000001u);
    CHECK_EQ(shift, 2);
}

TEST(time_record_versions_flags_and_the_secondary_copy)
{
    struct vcpu_time_info *t = &shinfo.vcpu_info[0].time, area;
    struct vcpu_register_time_memory_area reg;
    uint32_t ver;

    if ( !setup("time-record", false) )
        return;
    tsc_invariant = true;
    guest_time_init();
    sim_ctl_begin();
    update_vcpu_system_time(vc[1]);
    sim_ctl_end();
    CHECK_EQ(shinfo.vcpu_info[1].time.flags, XEN_PVCLOCK_TSC_STABLE_BIT);

    /* Registration as the running vCPU, in kernel mode: written at once
     * with the same version as the primary. */
    vc[0]->arch.pv.kernel_mode = true;
    memset(&area, 0, sizeof(area));
    reg.addr.p = (unsigned long)&area;
    ver = t->version;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_vcpu_time_memory_area, 0, &reg),
             0);
    CHECK_EQ(t->version, ver + 2);
    CHECK(!memcmp(&area, t, sizeof(area)));
    CHECK_EQ(nr_wlog, 3);                       /* odd, record, even */
    CHECK_EQ(wlog[0].len, 4);
    CHECK_EQ(*(uint32_t *)wlog[0].data, ver + 1);

    /* Each update bumps both by 2; in user mode only the primary. */
    as_vcpu(vc[0]);
    update_vcpu_system_time(vc[0]);
    as_machine();
    CHECK_EQ(area.version, ver + 4);
    vc[0]->arch.pv.kernel_mode = false;
    as_vcpu(vc[0]);
    update_vcpu_system_time(vc[0]);
    as_machine();
    CHECK_EQ(t->version, ver + 6);
    CHECK_EQ(area.version, ver + 4);

    /* Refused addresses leave the registration alone. */
    reg.addr.p = HOLE_VA;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_vcpu_time_memory_area, 0, &reg),
             -EFAULT);
    CHECK_EQ(vc[0]->arch.pv.time_info_guest, (unsigned long)&area);
    /* A faulting one is dropped without harm. */
    vc[0]->arch.pv.kernel_mode = true;
    reg.addr.p = FAULT_LO;
    CHECK_EQ(vcpu_op(vc[0], VCPUOP_register_vcpu_time_memory_area, 0, &reg),
             0);
    CHECK_EQ(t->version & 1, 0);

    /* No invariant TSC, no TSC_STABLE. */
    tsc_invariant = false;
    guest_time_init();
    sim_ctl_begin();
    update_vcpu_system_time(vc[1]);
    sim_ctl_end();
    CHECK_EQ(shinfo.vcpu_info[1].time.flags, 0);
    teardown();
}

TEST(wall_clock_is_unix_time_at_system_time_zero)
{
    const uint64_t rtc = 1700000000ull;
    uint64_t base, sec;
    uint32_t ver;
    s_time_t now;

    if ( !setup("wallclock", false) )
        return;
    test_rtc = rtc;
    now = sim_now();
    guest_time_init();
    base = rtc * 1000000000ull - now;
    CHECK_EQ(wallclock_base(), base);

    ver = shinfo.wc_version;
    sim_ctl_begin();
    update_domain_wallclock_time(dom);
    sim_ctl_end();
    CHECK_EQ(shinfo.wc_version, ver + 2);
    CHECK_EQ(shinfo.wc_sec, base / 1000000000ull);
    CHECK_EQ(shinfo.wc_nsec, base % 1000000000ull);
    CHECK_EQ(shinfo.wc_sec_hi, 0);

    /* dom0 sets it: secs.nsecs was system time now; past 2106. */
    sim_run_for(MILLISECS(7));
    now = sim_now();
    sim_ctl_begin();
    wallclock_set(5000000000ull, 123, now);
    sim_ctl_end();
    base = 5000000000ull * 1000000000ull + 123 - now;
    sec = base / 1000000000ull;
    CHECK_EQ(wallclock_base(), base);
    CHECK_EQ(shinfo.wc_version, ver + 4);       /* every domain rewritten */
    CHECK_EQ(shinfo.wc_sec, (uint32_t)sec);
    CHECK_EQ(shinfo.wc_sec_hi, sec >> 32);
    CHECK_EQ(shinfo.wc_nsec, base % 1000000000ull);

    /* No RTC: the epoch. */
    test_rtc = 0;
    guest_time_init();
    CHECK_EQ(wallclock_base(), 0);
    teardown();
}
