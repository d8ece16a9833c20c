/*
 * test_sched.c: scheduling properties of the credit and credit2
 * schedulers, run on the simulated machine of sched_sim.c (the real
 * framework, schedulers, timers and softirqs; a simulated clock, pCPUs and
 * vCPU workloads).
 *
 * Every case runs against both schedulers, each in its own child process
 * (sim_isolated: a crash in one scheduler does not hide the other's
 * results), and prints one line of figures per scheduler, "[credit] ..."
 * / "[credit2] ...", so a failure names the scheduler and the numbers:
 *   weights      256:512 on one pCPU: each share within 2 points of 1/3, 2/3
 *   cap          cap 50 alone and with a competitor: 50% +- 2 points
 *   attacker     the tick-sampling attacker gets at most 50% + 2 points
 *   wake latency sleepers waking among busy (UNDER) vCPUs run within 1 ms
 *   affinity     32 vCPUs, random hard/soft affinities changed while
 *                running: never switched in (nor left running) outside
 *   work conserv no pCPU idle while a vCPU allowed there waits > 10 ms
 *                (the overlap of the two, measured at every event)
 *   scale        decision cost at 16/4, 100/16, 1000/64 vCPUs/pCPUs
 *   sanity       everyone runs; runstate times add up
 *   params       weight/cap round trip; out-of-range refused
 *   pause        synchronous pauses of a running domain
 * Shares are measured over 3 simulated seconds after 1 s of warm-up.
 * The sim_* cases check the simulator itself against its round-robin
 * scheduler, whose behaviour is known: workloads use what they ask for,
 * latency is measured, an idle pCPU next to waiting work is caught.
 *
 * Debugging: SIM_SCHED=credit2 ./test_sched [case] runs one scheduler;
 * SIM_NOFORK=1 keeps it in-process for gdb; HARNESS_VERBOSE=1 shows
 * printk output (sim_dump() prints the 'r' run-queue dump).
 */
#include <stdio.h>

#include <xen/lib.h>

#include "harness.h"
#include "sched_sim.h"

static const unsigned int scheds[] = {
    XEN_SCHEDULER_CREDIT,
    XEN_SCHEDULER_CREDIT2,
};
#define for_each_sched(i) for ( (i) = 0; (i) < ARRAY_SIZE(scheds); (i)++ )

/* Checks every scenario must pass. */
static void check_common(const struct sim_result *r)
{
    CHECK(r->setup_ok);
    CHECK_EQ(r->violations, 0);
}

/* Each scheduler's part of a case runs in its own child (sim_isolated). */
#define SCHED_CASE(name, fn)                                                \
    TEST(name)                                                              \
    {                                                                       \
        unsigned int i_;                                                    \
                                                                            \
        if ( !sim_begin(#name) )                                            \
            return;                                                         \
        for_each_sched ( i_ )                                               \
            sim_isolated(fn, scheds[i_]);                                   \
        sim_end();                                                          \
    }

static void weights_case(unsigned int sched)
{
    struct sim_result r;

    sim_scn_weights(sched, &r);
    printf("  [%s] weights 256:512: shares %.2f%% / %.2f%% "
           "(ideal 33.33 / 66.67), error %.2f points\n",
           sim_sched_name(sched), r.share[0], r.share[1], r.err);
    check_common(&r);
    CHECK(r.err <= 2.0);
}
SCHED_CASE(sched_weights_256_512, weights_case)

static void cap_case(unsigned int sched)
{
    struct sim_result r;
    unsigned int with;

    for ( with = 0; with <= 1; with++ )
    {
        sim_scn_cap(sched, with, &r);
        printf("  [%s] cap 50 %s: capped %.2f%%, competitor %.2f%%\n",
               sim_sched_name(sched), with ? "with a competitor" : "alone",
               r.share[0], r.share[1]);
        check_common(&r);
        CHECK(r.err <= 2.0);
        /* The competitor gets what the cap leaves. */
        if ( with )
            CHECK(r.share[1] >= 48.0);
    }
}
SCHED_CASE(sched_cap_50, cap_case)

static void attacker_case(unsigned int sched)
{
    struct sim_result r;

    sim_scn_attacker(sched, &r);
    printf("  [%s] tick attacker vs spinner (equal weights): "
           "attacker %.2f%%, spinner %.2f%%\n",
           sim_sched_name(sched), r.share[0], r.share[1]);
    check_common(&r);
    CHECK(r.share[0] <= 52.0);
    /* The pCPU is not left idle either. */
    CHECK(r.share[0] + r.share[1] >= 97.0);
}
SCHED_CASE(sched_tick_attacker, attacker_case)

static void latency_case(unsigned int sched)
{
    struct sim_result r;
    unsigned int v;

    for ( v = 0; v < SIM_LAT_VARIANTS; v++ )
    {
        sim_scn_latency(sched, v, &r);
        printf("  [%s] wake latency, variant %u: mean %.1f us, "
               "max %.1f us over %lu wakes\n", sim_sched_name(sched), v,
               r.lat_mean_ns / 1000, r.lat_max_ns / 1000.0, r.nr_lat);
        check_common(&r);
        CHECK(r.nr_lat >= 100);
        if ( v < SIM_LAT_CHECKED )
            CHECK(r.lat_max_ns <= MILLISECS(1));
    }
}
SCHED_CASE(sched_wake_latency, latency_case)

/* --- Hard affinity under random changes. --- */

#define AFF_CPUS 8
#define AFF_VCPUS 32

struct aff_ctx {
    struct sim_pool *p;
    struct sim_domain *d[8];
    unsigned int nr_d;
    unsigned int changes, refused;
};

static struct sim_vcpu *aff_vcpu(struct aff_ctx *c, unsigned int n)
{
    return c->d[n / 4]->sv[n % 4];
}

/* A random non-empty subset of the pool's pCPUs. */
static void random_mask(const struct sim_pool *p, cpumask_t *m)
{
    unsigned int cpu;

    do {
        cpumask_clear(m);
        for_each_cpu ( cpu, &p->c->cpu_valid )
            if ( sim_rand() % 3 == 0 )
                cpumask_set_cpu(cpu, m);
    } while ( cpumask_empty(m) );
}

static void aff_change(void *arg)
{
    struct aff_ctx *c = arg;
    struct sim_vcpu *sv = aff_vcpu(c, sim_rand() % AFF_VCPUS);
    cpumask_t m;
    int rc;

    random_mask(c->p, &m);
    if ( sim_rand() % 4 == 0 )
        rc = sim_vcpu_set_soft_affinity(sv, &m);
    else
        rc = sim_vcpu_set_hard_affinity(sv, &m);
    c->changes++;
    if ( rc )
        c->refused++;
}

static const struct sim_behav *mixed_behaviour(unsigned int n)
{
    static const struct sim_behav b[] = {
        SIM_B_SPIN,
        SIM_B_DUTY(MILLISECS(2), MILLISECS(3)),
        SIM_B_DUTY(MICROSECS(300), MILLISECS(1)),
        SIM_B_WAKER(MILLISECS(5), MICROSECS(200), 0),
        SIM_B_ATTACKER,
        SIM_B_DUTY(MILLISECS(15), MILLISECS(20)),
        SIM_B_WAKER(MILLISECS(1), MICROSECS(100), MICROSECS(500)),
        SIM_B_SPIN,
    };

    return &b[n % ARRAY_SIZE(b)];
}

static void affinity_run(unsigned int sched_id, unsigned int seed)
{
    struct aff_ctx c = { 0 };
    unsigned int i, never_ran = 0;
    cpumask_t m;

    sim_stats_reset();
    sim_srand(seed);
    /* Within a socket, or across two (credit2: two run queues). */
    c.p = sim_pool_create_at(sched_id, seed & 1 ? 28 : SIM_FIRST_TEST_CPU,
                             AFF_CPUS);
    if ( !c.p )
        return;
    for ( i = 0; i < AFF_VCPUS / 4; i++ )
    {
        c.d[i] = sim_domain_create(c.p, 4, 128 << (i % 3), 0,
                                   mixed_behaviour(i));
        if ( !c.d[i] )
            goto out;
        c.nr_d++;
    }
    for ( i = 0; i < AFF_VCPUS; i++ )
    {
        random_mask(c.p, &m);
        CHECK_EQ(sim_vcpu_set_hard_affinity(aff_vcpu(&c, i), &m), 0);
        if ( i % 3 == 0 )
        {
            random_mask(c.p, &m);
            CHECK_EQ(sim_vcpu_set_soft_affinity(aff_vcpu(&c, i), &m), 0);
        }
    }
    sim_periodic(MICROSECS(1500), aff_change, &c);
    sim_run_for(SECONDS(1));
    sim_periodic_clear();
    sim_run_for(MILLISECS(100));    /* everyone gets a chance to run */

    for ( i = 0; i < AFF_VCPUS; i++ )
        if ( !sim_vcpu_runtime(aff_vcpu(&c, i)) )
            never_ran++;
    printf("  [%s] affinity (seed %#x): %lu switches, %u affinity changes; "
           "outside hard affinity: %lu switched in, %lu left running; "
           "outside pool %lu; %u vCPUs never ran%s%s\n",
           sim_sched_name(sched_id), seed,
           sim_stats.switches, c.changes, sim_stats.affinity_violations,
           sim_stats.running_outside, sim_stats.pool_violations, never_ran,
           sim_stats.affinity_first[0] ? "; first: " : "",
           sim_stats.affinity_first);
    CHECK_EQ(c.refused, 0);
    CHECK_EQ(sim_stats.affinity_violations, 0);
    CHECK_EQ(sim_stats.running_outside, 0);
    CHECK_EQ(sim_stats.pool_violations, 0);
    CHECK_EQ(sim_stats.unrunnable_switches, 0);
    CHECK_EQ(never_ran, 0);
    CHECK(sim_stats.switches > 1000);

 out:
    while ( c.nr_d )
        CHECK_EQ(sim_domain_destroy(c.d[--c.nr_d]), 0);
    CHECK_EQ(sim_pool_destroy(c.p), 0);
}

static void affinity_case(unsigned int sched_id)
{
    unsigned int seed;

    for ( seed = 1; seed <= 3; seed++ )
        affinity_run(sched_id, 0xaff0 + seed * 7919 + sched_id);
}
SCHED_CASE(sched_hard_affinity, affinity_case)

/* --- Work conservation. --- */

/*
 * nr single-vCPU domains of mixed behaviours on 8 pCPUs from first; every
 * pinned-th one pinned to a random subset. About 5-6 pCPUs of demand for
 * 12 vCPUs, about 9 for 20: some pCPUs idle now and then, and work waits.
 * From pCPU 28 the pool spans two sockets (two credit2 run queues).
 */
static void work_conservation_run(unsigned int sched_id, unsigned int first,
                                  unsigned int nr, unsigned int pinned)
{
    static const struct sim_behav b[] = {
        SIM_B_SPIN,
        SIM_B_DUTY(MILLISECS(3), MILLISECS(4)),
        SIM_B_DUTY(MILLISECS(20), MILLISECS(10)),
        SIM_B_WAKER(MILLISECS(4), MILLISECS(1), 0),
        SIM_B_DUTY(MICROSECS(500), MICROSECS(700)),
        SIM_B_DUTY(MILLISECS(40), MILLISECS(40)),
    };
    struct sim_domain *d[20] = { NULL };
    struct sim_pool *p;
    unsigned int i;
    cpumask_t m;

    ASSERT(nr <= ARRAY_SIZE(d));
    sim_srand(0x3c0 + sched_id + nr);
    p = sim_pool_create_at(sched_id, first, 8);
    if ( !p )
        return;
    for ( i = 0; i < nr; i++ )
    {
        d[i] = sim_domain_create(p, 1, 256, 0, &b[i % ARRAY_SIZE(b)]);
        if ( !d[i] )
            goto out;
        if ( i % pinned == pinned - 1 )
        {
            random_mask(p, &m);
            CHECK_EQ(sim_vcpu_set_hard_affinity(d[i]->sv[0], &m), 0);
        }
    }
    sim_run_for(MILLISECS(200));
    sim_stats_reset();
    sim_check_work_conservation(true, MILLISECS(10));
    sim_run_for(SECONDS(2));
    sim_check_work_conservation(false, 0);

    printf("  [%s] work conservation, %u vCPUs on pCPUs %u-%u: worst "
           "idle-pCPU/waiting-vCPU overlap %.2f ms, %lu instants over 10 ms"
           "%s%s\n", sim_sched_name(sched_id), nr, first, first + 7,
           sim_stats.wc_worst / 1e6, sim_stats.wc_violations,
           sim_stats.wc_first[0] ? "; first: " : "", sim_stats.wc_first);
    CHECK_EQ(sim_stats.wc_violations, 0);
    CHECK_EQ(sim_stats.affinity_violations + sim_stats.running_outside, 0);

 out:
    for ( i = ARRAY_SIZE(d); i-- > 0; )
        if ( d[i] )
            CHECK_EQ(sim_domain_destroy(d[i]), 0);
    CHECK_EQ(sim_pool_destroy(p), 0);
}

static void work_conservation_case(unsigned int sched_id)
{
    work_conservation_run(sched_id, SIM_FIRST_TEST_CPU, 12, 2);
    work_conservation_run(sched_id, 28, 20, 3);
    work_conservation_run(sched_id, 28, 12, 1);
    /* No SMT, two cores a socket: the pool spans four sockets. */
    sim_set_topology(1, 2);
    work_conservation_run(sched_id, 30, 20, 2);
    sim_set_topology(2, 8);
}
SCHED_CASE(sched_work_conservation, work_conservation_case)

/* --- Scale. --- */

static void scale_case(unsigned int sched)
{
    static const struct { unsigned int cpus, vcpus; s_time_t ns; } cfg[] = {
        { 4, 16, MILLISECS(500) },
        { 16, 100, MILLISECS(300) },
        { 64, 1000, MILLISECS(200) },
    };
    struct sim_result r;
    unsigned int k;

    for ( k = 0; k < ARRAY_SIZE(cfg); k++ )
    {
        sim_scn_scale(sched, cfg[k].cpus, cfg[k].vcpus, cfg[k].ns, &r);
        printf("  [%s] decision cost, %u vCPUs on %u pCPUs: mean %.2f us, "
               "p99 %.2f us, max %.1f us (%lu decisions)\n",
               sim_sched_name(sched), cfg[k].vcpus, cfg[k].cpus,
               r.cost.mean_ns / 1000, r.cost.p99_ns / 1000,
               r.cost.max_ns / 1000, r.cost.n);
        check_common(&r);
        CHECK(r.cost.n >= 100);
        /* Generous: host timing is noisy; the figures go to the bench. */
        CHECK(r.cost.mean_ns < 50000);
    }
}
SCHED_CASE(sched_scale, scale_case)

/* --- Sanity: everyone runs, times add up. --- */

static void sanity_case(unsigned int sched_id)
{
    struct sim_domain *d[5] = { NULL };
    struct vcpu_runstate_info rs;
    struct sim_pool *p;
    uint64_t run0[20], total = 0, sum;
    s_time_t t0, elapsed;
    unsigned int i, j, n = 0, bad_sum = 0, never = 0;

    p = sim_pool_create(sched_id, 4);
    if ( !p )
        return;
    for ( i = 0; i < ARRAY_SIZE(d); i++ )
    {
        d[i] = sim_domain_create(p, 4, 256, 0, mixed_behaviour(i));
        if ( !d[i] )
            goto out;
    }
    t0 = sim_now();
    for ( i = 0; i < ARRAY_SIZE(d); i++ )
        for ( j = 0; j < 4; j++ )
            run0[i * 4 + j] = sim_vcpu_runtime(d[i]->sv[j]);
    sim_run_for(SECONDS(1));
    elapsed = sim_now() - t0;

    for ( i = 0; i < ARRAY_SIZE(d); i++ )
        for ( j = 0; j < 4; j++ )
        {
            struct sim_vcpu *sv = d[i]->sv[j];

            sim_vcpu_runstate(sv, &rs);
            sum = rs.time[0] + rs.time[1] + rs.time[2] + rs.time[3];
            if ( sum != (uint64_t)(sim_now() - sv->created_at) )
                bad_sum++;
            if ( rs.time[RUNSTATE_running] == run0[i * 4 + j] )
                never++;
            total += rs.time[RUNSTATE_running] - run0[i * 4 + j];
            n++;
        }
    printf("  [%s] sanity: %u vCPUs on 4 pCPUs for 1 s: busy %.2f of 4 "
           "pCPUs, %u did not run, %u runstate sums off\n",
           sim_sched_name(sched_id), n, (double)total / elapsed, never,
           bad_sum);
    CHECK_EQ(never, 0);
    CHECK(total <= (uint64_t)elapsed * 4);
    /* Four SPIN vCPUs alone keep all four pCPUs busy. */
    CHECK(total >= (uint64_t)elapsed * 4 * 98 / 100);
    CHECK_EQ(bad_sum, 0);
    CHECK_EQ(sim_stats.affinity_violations + sim_stats.pool_violations +
             sim_stats.unrunnable_switches, 0);

 out:
    for ( i = ARRAY_SIZE(d); i-- > 0; )
        if ( d[i] )
            CHECK_EQ(sim_domain_destroy(d[i]), 0);
    CHECK_EQ(sim_pool_destroy(p), 0);
}

SCHED_CASE(sched_sanity, sanity_case)

/* Parameters round-trip and out-of-range values are refused. */
static void params_case(unsigned int sched)
{
    struct sim_domain *d;
    struct sim_pool *p;
    unsigned int w, c;

    {
        p = sim_pool_create(sched, 1);
        if ( !p )
            return;
        d = sim_domain_create(p, 2, 0, 0, &SIM_B_SPIN);
        if ( d )
        {
            CHECK_EQ(sim_domain_get_params(d, &w, &c), 0);
            CHECK_EQ(w, 256);
            CHECK_EQ(c, 0);
            CHECK_EQ(sim_domain_set_params(d, 1000, 150), 0);
            CHECK_EQ(sim_domain_get_params(d, &w, &c), 0);
            CHECK_EQ(w, 1000);
            CHECK_EQ(c, 150);
            /* Weight 0 leaves the weight alone; cap 0 removes the cap. */
            CHECK_EQ(sim_domain_set_params(d, 0, 0), 0);
            CHECK_EQ(sim_domain_get_params(d, &w, &c), 0);
            CHECK_EQ(w, 1000);
            CHECK_EQ(c, 0);
            /* More than 100% per vCPU: credit2 refuses it and changes
             * nothing; credit, as Xen's, takes any cap but 0xFFFF ("keep
             * the cap"). test_sched_params covers both in full. */
            if ( sched == XEN_SCHEDULER_CREDIT2 )
            {
                CHECK(sim_domain_set_params(d, 300, 201) != 0);
                CHECK_EQ(sim_domain_get_params(d, &w, &c), 0);
                CHECK_EQ(w, 1000);
                CHECK_EQ(c, 0);
            }
            sim_run_for(MILLISECS(50));
            CHECK_EQ(sim_domain_destroy(d), 0);
        }
        CHECK_EQ(sim_pool_destroy(p), 0);
    }
}
SCHED_CASE(sched_params, params_case)

/* --- The simulator's own checks, against its round-robin scheduler. --- */

/* Each behaviour alone on a pCPU uses exactly what it asks for. */
static void behaviours_part(unsigned int rr)
{
    static const struct {
        struct sim_behav b;
        double share;
        unsigned int wakes;
    } cases[] = {
        { SIM_B_SPIN, 100.0, 0 },
        { SIM_B_DUTY(MILLISECS(2), MILLISECS(3)), 40.0, 200 },
        { SIM_B_WAKER(MILLISECS(5), MICROSECS(100), 0), 2.0, 200 },
        { SIM_B_ATTACKER, 98.0, 100 },
    };
    struct sim_pool *p[ARRAY_SIZE(cases)] = { NULL };
    struct sim_domain *d[ARRAY_SIZE(cases)] = { NULL };
    uint64_t run0[ARRAY_SIZE(cases)];
    s_time_t t0;
    unsigned int i;
    double share;

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        p[i] = sim_pool_create(rr, 1);
        if ( p[i] )
            d[i] = sim_domain_create(p[i], 1, 0, 0, &cases[i].b);
    }
    sim_run_for(MILLISECS(100));
    sim_stats_reset();
    t0 = sim_now();
    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
        run0[i] = d[i] ? sim_vcpu_runtime(d[i]->sv[0]) : 0;
    sim_run_for(SECONDS(1));
    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        if ( !CHECK(d[i]) )
            continue;
        share = 100.0 * (sim_vcpu_runtime(d[i]->sv[0]) - run0[i]) /
                (sim_now() - t0);
        if ( !CHECK(share > cases[i].share - 0.3 &&
                    share < cases[i].share + 0.3) )
            printf("  behaviour %u: share %.3f%%, expected %.1f%%\n", i, share,
                   cases[i].share);
        CHECK(d[i]->sv[0]->nr_wakes + 1 >= cases[i].wakes &&
              d[i]->sv[0]->nr_wakes <= cases[i].wakes + 1);
        /* Alone on its pCPU: it runs the instant it wakes. */
        CHECK_EQ(d[i]->sv[0]->lat_max, 0);
    }
    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        if ( d[i] )
            CHECK_EQ(sim_domain_destroy(d[i]), 0);
        if ( p[i] )
            CHECK_EQ(sim_pool_destroy(p[i]), 0);
    }
}

TEST(sim_behaviours_alone)
{
    if ( !sim_begin("sim_behaviours_alone") )
        return;
    sim_isolated(behaviours_part, SIM_SCHED_RR);
    sim_end();
}

/*
 * A scheduler that leaves a pCPU idle while a vCPU allowed there waits is
 * caught: round robin with 20 ms slices never moves v1 off v0's pCPU.
 */
static void idle_while_waiting_part(unsigned int rr)
{
    struct sim_domain *d;
    struct sim_pool *p;
    unsigned int a, b;
    cpumask_t m;

    sim_rr_slice = MILLISECS(20);
    p = sim_pool_create(rr, 2);
    d = p ? sim_domain_create(p, 2, 0, 0, &SIM_B_SPIN) : NULL;
    if ( d )
    {
        /* Balanced: one vCPU per pCPU, no waiting at all. */
        sim_check_work_conservation(true, MILLISECS(10));
        sim_run_for(MILLISECS(100));
        CHECK_EQ(sim_stats.wc_violations, 0);
        CHECK_EQ(sim_stats.wc_worst, 0);

        /* Both on pCPU a, v1 still allowed on b. */
        a = d->sv[0]->v->processor;
        b = d->sv[1]->v->processor;
        cpumask_clear(&m);
        cpumask_set_cpu(a, &m);
        CHECK_EQ(sim_vcpu_set_hard_affinity(d->sv[1], &m), 0);
        cpumask_set_cpu(b, &m);
        CHECK_EQ(sim_vcpu_set_hard_affinity(d->sv[1], &m), 0);
        CHECK_EQ(d->sv[1]->v->processor, a);
        sim_stats_reset();
        sim_run_for(MILLISECS(100));
        CHECK(sim_stats.wc_violations > 0);
        CHECK(sim_stats.wc_worst >= MILLISECS(19) &&
              sim_stats.wc_worst <= MILLISECS(21));
        CHECK_EQ(sim_stats.affinity_violations + sim_stats.running_outside, 0);
        sim_check_work_conservation(false, 0);
        CHECK_EQ(sim_domain_destroy(d), 0);
    }
    if ( p )
        CHECK_EQ(sim_pool_destroy(p), 0);
    sim_rr_slice = MILLISECS(1);
}

TEST(sim_detects_idle_while_waiting)
{
    if ( !sim_begin("sim_detects_idle_while_waiting") )
        return;
    sim_isolated(idle_while_waiting_part, SIM_SCHED_RR);
    sim_end();
}

/*
 * Wake latency is measured: round robin (1 ms slices) makes a waker wait
 * for the spinner's slice to end, by an amount that creeps by 100 us
 * (the waker's run) each period, so all of 0..1 ms shows up.
 */
static void latency_part(unsigned int rr)
{
    struct sim_domain *spin = NULL, *w = NULL;
    struct sim_pool *p;
    const struct sim_vcpu *sv;
    double mean;

    p = sim_pool_create(rr, 1);
    if ( p )
        spin = sim_domain_create(p, 1, 0, 0, &SIM_B_SPIN);
    if ( spin )
        w = sim_domain_create(p, 1, 0, 0,
                              &SIM_B_WAKER(MILLISECS(5), MICROSECS(100),
                                           MICROSECS(300)));
    if ( w )
    {
        sim_run_for(MILLISECS(100));
        sim_stats_reset();
        sim_run_for(SECONDS(1));
        sv = w->sv[0];
        mean = sv->nr_lat ? (double)sv->lat_sum / sv->nr_lat : 0;
        CHECK(sv->nr_lat >= 199 && sv->nr_lat <= 201);
        CHECK(mean > MICROSECS(300) && mean < MICROSECS(700));
        CHECK(sv->lat_max > MICROSECS(800) && sv->lat_max <= MILLISECS(1));
        CHECK_EQ(sv->nr_lat, sv->nr_wakes);
        CHECK_EQ(sim_domain_destroy(w), 0);
    }
    if ( spin )
        CHECK_EQ(sim_domain_destroy(spin), 0);
    if ( p )
        CHECK_EQ(sim_pool_destroy(p), 0);
}

TEST(sim_measures_latency)
{
    if ( !sim_begin("sim_measures_latency") )
        return;
    sim_isolated(latency_part, SIM_SCHED_RR);
    sim_end();
}

/*
 * Synchronous pauses of a running domain (domain_pause, the controller's
 * pause, vcpu_pause) while its other vCPUs queue behind the running ones
 * (so a pCPU may reschedule while the pause is under way): the pause returns
 * with none of its vCPUs running, they stay off while paused, and run
 * again once unpaused.
 */
static uint64_t dom_runtime(const struct sim_domain *d)
{
    uint64_t t = 0;
    unsigned int i;

    for ( i = 0; i < d->nr; i++ )
        t += sim_vcpu_runtime(d->sv[i]);
    return t;
}

static bool none_running(const struct sim_domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->nr; i++ )
        if ( d->sv[i]->v->is_running ||
             d->sv[i]->v->runstate.state != RUNSTATE_offline )
            return false;
    return true;
}

static void pause_case(unsigned int sched)
{
    struct sim_domain *d, *e;
    struct sim_pool *p;
    uint64_t rd, re;
    unsigned int how;
    int rc = 0;

    /* Two vCPUs of d per pCPU: one runs while the other waits. */
    p = sim_pool_create(sched, 4);
    d = p ? sim_domain_create(p, 8, 256, 0, &SIM_B_SPIN) : NULL;
    e = d ? sim_domain_create(p, 4, 256, 0,
                              &SIM_B_DUTY(MILLISECS(7), MILLISECS(1))) : NULL;
    for ( how = 0; e && how < 6; how++ )
    {
        sim_run_for(MILLISECS(37 + 17 * how));
        sim_ctl_begin();
        if ( how % 2 == 0 )
            domain_pause(d->d);
        else
            rc = domain_pause_by_controller(d->d);
        sim_ctl_end();
        CHECK_EQ(rc, 0);
        CHECK(none_running(d));
        rd = dom_runtime(d);
        re = dom_runtime(e);
        sim_run_for(MILLISECS(100));
        CHECK_EQ(dom_runtime(d), rd);
        CHECK(dom_runtime(e) - re >= MILLISECS(300));
        sim_ctl_begin();
        if ( how % 2 == 0 )
            domain_unpause(d->d);
        else
            rc = domain_unpause_by_controller(d->d);
        sim_ctl_end();
        CHECK_EQ(rc, 0);
        rd = dom_runtime(d);
        sim_run_for(MILLISECS(100));
        CHECK(dom_runtime(d) - rd >= MILLISECS(100));
    }
    if ( e )
    {
        /* One vCPU, while it runs. */
        struct vcpu *v = d->sv[0]->v;

        sim_run_for(MILLISECS(3));
        sim_ctl_begin();
        vcpu_pause(v);
        sim_ctl_end();
        CHECK(!v->is_running && !vcpu_runnable(v));
        rd = sim_vcpu_runtime(d->sv[0]);
        sim_run_for(MILLISECS(50));
        CHECK_EQ(sim_vcpu_runtime(d->sv[0]), rd);
        sim_ctl_begin();
        vcpu_unpause(v);
        sim_ctl_end();
        sim_run_for(MILLISECS(100));
        CHECK(sim_vcpu_runtime(d->sv[0]) > rd);
        CHECK_EQ(sim_domain_destroy(e), 0);
    }
    printf("  [%s] synchronous pauses of a running 8-vCPU domain: done\n",
           sim_sched_name(sched));
    if ( d )
        CHECK_EQ(sim_domain_destroy(d), 0);
    if ( p )
        CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(sched_pause_running_domain, pause_case)
