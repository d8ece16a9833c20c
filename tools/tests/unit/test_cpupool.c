/*
 * test_cpupool.c: CPU pools under load, on the simulated machine of
 * sched_sim.c (the real framework, pools and schedulers).
 *
 *   side by side  a credit and a credit2 pool, each busy: every switch is
 *                 of a vCPU of the pCPU's pool, and each pool's vCPUs get
 *                 exactly its pCPUs' time
 *   move a pCPU   out of a busy pool into another busy one and back: the
 *                 capacity follows the pCPU
 *   move a domain between pools while it runs, there and back
 *   refusals      destroying a pool with domains or pCPUs, taking the last
 *                 pCPU of a pool with domains or a pinned vCPU's only
 *                 pCPU, assigning a pCPU that is not free, duplicate ids,
 *                 unknown schedulers: each refused, nothing changed
 *   churn         random pCPU and domain moves under load
 * After every operation the books must balance: each pCPU in exactly one
 * pool or free, n_dom per pool equal to its domains, every vCPU placed on
 * a pCPU of its pool that its hard affinity allows.
 * Each case runs in a child process (sim_isolated), so a crash in one does
 * not take the others with it.
 */
#include <stdio.h>

#include <xen/errno.h>
#include <xen/lib.h>

#include "harness.h"
#include "sched_sim.h"

/* --- The books. --- */

struct book {
    struct sim_pool *p[2];
    struct sim_domain *d[8];
    unsigned int nr_d;
};

/* Every online pCPU is in exactly one pool or free; domains counted. */
static bool books_balance(const struct book *b)
{
    cpumask_t seen;
    unsigned int i, j, n_dom[2] = { 0, 0 }, cpu;
    bool ok = true;

    cpumask_copy(&seen, &cpupool_free_cpus);
    ok &= !cpumask_intersects(&cpupool0->cpu_valid, &seen);
    cpumask_or(&seen, &seen, &cpupool0->cpu_valid);
    for ( i = 0; i < 2; i++ )
    {
        if ( !b->p[i] )
            continue;
        ok &= !cpumask_intersects(&b->p[i]->c->cpu_valid, &seen);
        cpumask_or(&seen, &seen, &b->p[i]->c->cpu_valid);
        for_each_cpu ( cpu, &b->p[i]->c->cpu_valid )
            ok &= get_sched_res(cpu)->cpupool == b->p[i]->c;
    }
    for_each_online_cpu ( cpu )
        ok &= cpumask_test_cpu(cpu, &seen);
    for_each_cpu ( cpu, &cpupool_free_cpus )
        ok &= get_sched_res(cpu)->cpupool == NULL;

    for ( j = 0; j < b->nr_d; j++ )
        for ( i = 0; i < 2; i++ )
            if ( b->p[i] && b->d[j]->d->cpupool == b->p[i]->c )
                n_dom[i]++;
    for ( i = 0; i < 2; i++ )
        if ( b->p[i] )
            ok &= b->p[i]->c->n_dom == n_dom[i];
    ok &= sim_misplaced_vcpus() == 0;
    return ok;
}

static uint64_t pool_runtime(const struct book *b, const struct sim_pool *p)
{
    uint64_t t = 0;
    unsigned int i, j;

    for ( j = 0; j < b->nr_d; j++ )
        if ( b->d[j]->pool == p )
            for ( i = 0; i < b->d[j]->nr; i++ )
                t += sim_vcpu_runtime(b->d[j]->sv[i]);
    return t;
}

static bool add_dom(struct book *b, unsigned int pool, unsigned int nr,
                    const struct sim_behav *beh)
{
    struct sim_domain *d = sim_domain_create(b->p[pool], nr, 0, 0, beh);

    if ( !d )
        return false;
    b->d[b->nr_d++] = d;
    return true;
}

static void teardown(struct book *b)
{
    unsigned int i;

    while ( b->nr_d )
        CHECK_EQ(sim_domain_destroy(b->d[--b->nr_d]), 0);
    for ( i = 0; i < 2; i++ )
        if ( b->p[i] )
            CHECK_EQ(sim_pool_destroy(b->p[i]), 0);
    CHECK_EQ(sim_misplaced_vcpus(), 0);
}

/* Pool 0 is credit, pool 1 credit2 (or the other way round). */
static bool two_pools(struct book *b, unsigned int first_sched,
                      unsigned int cpus0, unsigned int cpus1)
{
    unsigned int other = first_sched == XEN_SCHEDULER_CREDIT
                         ? XEN_SCHEDULER_CREDIT2 : XEN_SCHEDULER_CREDIT;

    b->p[0] = sim_pool_create_at(first_sched, SIM_FIRST_TEST_CPU, cpus0);
    b->p[1] = sim_pool_create_at(other, SIM_FIRST_TEST_CPU + 16, cpus1);
    return b->p[0] && b->p[1];
}

/* Measure both pools' use of their pCPUs over ns: pCPUs' worth each. */
static void measure(const struct book *b, s_time_t ns, double *used)
{
    uint64_t r0 = pool_runtime(b, b->p[0]), r1 = pool_runtime(b, b->p[1]);

    sim_run_for(ns);
    used[0] = (double)(pool_runtime(b, b->p[0]) - r0) / ns;
    used[1] = (double)(pool_runtime(b, b->p[1]) - r1) / ns;
}

/* --- Side by side. --- */

static void side_by_side(unsigned int first_sched)
{
    struct book b = { 0 };
    double used[2];

    if ( two_pools(&b, first_sched, 4, 3) &&
         add_dom(&b, 0, 4, &SIM_B_SPIN) &&
         add_dom(&b, 0, 3, &SIM_B_DUTY(MILLISECS(2), MILLISECS(1))) &&
         add_dom(&b, 1, 3, &SIM_B_SPIN) &&
         add_dom(&b, 1, 2, &SIM_B_WAKER(MILLISECS(2), MICROSECS(500), 0)) )
    {
        CHECK(books_balance(&b));
        sim_run_for(MILLISECS(200));
        measure(&b, SECONDS(1), used);
        printf("  [%s + %s] side by side: pool of 4 pCPUs used %.3f, "
               "pool of 3 used %.3f; %lu switches outside their pool\n",
               sim_sched_name(first_sched), sim_sched_name(b.p[1]->sched_id),
               used[0], used[1], sim_stats.pool_violations);
        /* Each pool busy on all its pCPUs and never on the other's. */
        CHECK(used[0] >= 3.96 && used[0] <= 4.0);
        CHECK(used[1] >= 2.97 && used[1] <= 3.0);
        CHECK_EQ(sim_stats.pool_violations, 0);
        CHECK_EQ(sim_stats.affinity_violations, 0);
        CHECK_EQ(b.p[0]->c->n_dom, 2);
        CHECK_EQ(b.p[1]->c->n_dom, 2);
        CHECK(books_balance(&b));
    }
    teardown(&b);
}

static void side_by_side_case(unsigned int sched)
{
    side_by_side(sched);
}

/* --- Moving a pCPU. --- */

static void move_cpu_case(unsigned int first_sched)
{
    struct book b = { 0 };
    unsigned int cpu, from, to, round;
    double used[2];
    int rc;

    if ( !two_pools(&b, first_sched, 4, 2) ||
         !add_dom(&b, 0, 6, &SIM_B_SPIN) ||
         !add_dom(&b, 1, 6, &SIM_B_SPIN) )
        goto out;
    sim_run_for(MILLISECS(200));

    for ( round = 0; round < 4; round++ )
    {
        /* 4+2 -> 3+3 -> 4+2 -> 3+3 -> 4+2 */
        from = round % 2 ? 1 : 0;
        to = !from;
        cpu = cpumask_first(&b.p[from]->c->cpu_valid);
        rc = sim_pool_unassign(b.p[from], cpu);
        CHECK_EQ(rc, 0);
        if ( rc )
            break;
        CHECK(cpumask_test_cpu(cpu, &cpupool_free_cpus));
        CHECK(books_balance(&b));
        CHECK_EQ(sim_pool_assign(b.p[to], cpu), 0);
        CHECK(books_balance(&b));
        sim_run_for(MILLISECS(100));
        sim_stats_reset();
        measure(&b, MILLISECS(500), used);
        printf("  [%s + %s] CPU%u moved to pool %u: pools use %.3f and "
               "%.3f pCPUs (have %u and %u)\n", sim_sched_name(first_sched),
               sim_sched_name(b.p[1]->sched_id), cpu,
               b.p[to]->c->cpupool_id, used[0], used[1],
               sim_pool_nr_cpus(b.p[0]), sim_pool_nr_cpus(b.p[1]));
        CHECK(used[0] >= sim_pool_nr_cpus(b.p[0]) * 0.99 &&
              used[0] <= sim_pool_nr_cpus(b.p[0]));
        CHECK(used[1] >= sim_pool_nr_cpus(b.p[1]) * 0.99 &&
              used[1] <= sim_pool_nr_cpus(b.p[1]));
        CHECK_EQ(sim_stats.pool_violations, 0);
    }
 out:
    teardown(&b);
}

/* --- Moving a domain. --- */

static void move_domain_case(unsigned int first_sched)
{
    struct book b = { 0 };
    struct sim_domain *d;
    double used[2];
    unsigned int round, to;
    uint64_t r0;

    if ( !two_pools(&b, first_sched, 2, 2) ||
         !add_dom(&b, 0, 4, &SIM_B_SPIN) ||
         !add_dom(&b, 1, 1, &SIM_B_SPIN) )
        goto out;
    d = b.d[0];
    sim_run_for(MILLISECS(100));

    for ( round = 0; round < 2; round++ )
    {
        to = !round;
        CHECK_EQ(sim_domain_move(d, b.p[to]), 0);
        CHECK(d->d->cpupool == b.p[to]->c);
        CHECK_EQ(b.p[to]->c->n_dom, 2 - round);
        CHECK_EQ(b.p[!to]->c->n_dom, round);
        CHECK(books_balance(&b));
        r0 = sim_vcpu_runtime(d->sv[0]) + sim_vcpu_runtime(d->sv[3]);
        sim_stats_reset();
        measure(&b, MILLISECS(500), used);
        printf("  [%s + %s] 4-vCPU domain moved to pool %u: pools use %.3f "
               "and %.3f pCPUs\n", sim_sched_name(first_sched),
               sim_sched_name(b.p[1]->sched_id), b.p[to]->c->cpupool_id,
               used[0], used[1]);
        /* It runs in its new pool (5 vCPUs share 2 pCPUs there) ... */
        CHECK(sim_vcpu_runtime(d->sv[0]) + sim_vcpu_runtime(d->sv[3]) > r0);
        CHECK(used[to] >= 1.98 && used[to] <= 2.0);
        /* ... and no longer in the old one: pool 1 keeps its spinner. */
        if ( to == 1 )
            CHECK(used[0] == 0);
        else
            CHECK(used[1] >= 0.99 && used[1] <= 1.0);
        CHECK_EQ(sim_stats.pool_violations, 0);
        CHECK_EQ(sim_stats.affinity_violations, 0);
    }
    /* Moving to the pool it is in is a no-op. */
    CHECK_EQ(sim_domain_move(d, d->pool), 0);
    CHECK(books_balance(&b));
 out:
    teardown(&b);
}

/* --- Refusals. --- */

static void refusals_case(unsigned int sched)
{
    struct book b = { 0 };
    struct cpupool *c = NULL, *c2 = NULL;
    unsigned int first, second, nfree;
    cpumask_t m;
    int rc;

    b.p[0] = sim_pool_create(sched, 2);
    if ( !b.p[0] || !add_dom(&b, 0, 2, &SIM_B_SPIN) )
        goto out;
    first = cpumask_first(&b.p[0]->c->cpu_valid);
    second = cpumask_next(first, &b.p[0]->c->cpu_valid);
    sim_run_for(MILLISECS(50));
    nfree = cpumask_weight(&cpupool_free_cpus);

    sim_ctl_begin();
    /* Not an empty pool: domains (and pCPUs). */
    CHECK_EQ(cpupool_destroy(b.p[0]->c), -EBUSY);
    /* Pool 0 never goes. */
    CHECK(cpupool_destroy(cpupool0) != 0);
    /* A pCPU already in a pool is not free. */
    CHECK_EQ(cpupool_assign_cpu(b.p[0]->c, 0), -EBUSY);
    CHECK_EQ(cpupool_assign_cpu(b.p[0]->c, first), -EBUSY);
    /* Ids and schedulers. */
    CHECK_EQ(cpupool_create(b.p[0]->c->cpupool_id, sched, &c), -EEXIST);
    CHECK_EQ(cpupool_create(CPUPOOLID_NONE, XEN_SCHEDULER_RTDS, &c), -EINVAL);
    CHECK_EQ(cpupool_create(CPUPOOLID_NONE, 12345, &c), -EINVAL);
    /* An empty pool (no pCPU) holds no domain. */
    rc = cpupool_create(CPUPOOLID_NONE, sched, &c2);
    CHECK_EQ(rc, 0);
    if ( !rc )
        CHECK_EQ(cpupool_move_domain(b.d[0]->d, c2), -ENODEV);
    sim_ctl_end();
    CHECK(books_balance(&b));
    CHECK_EQ(cpumask_weight(&cpupool_free_cpus), nfree);

    /* A vCPU pinned to the pCPU keeps it in the pool. */
    cpumask_clear(&m);
    cpumask_set_cpu(second, &m);
    CHECK_EQ(sim_vcpu_set_hard_affinity(b.d[0]->sv[1], &m), 0);
    sim_run_for(MILLISECS(20));
    CHECK_EQ(b.d[0]->sv[1]->v->processor, second);
    CHECK_EQ(sim_pool_unassign(b.p[0], second), -EBUSY);
    CHECK(cpumask_test_cpu(second, &b.p[0]->c->cpu_valid));
    CHECK(books_balance(&b));

    /* The other one may go: its vCPUs move over. */
    CHECK_EQ(sim_pool_unassign(b.p[0], first), 0);
    CHECK(books_balance(&b));
    CHECK_EQ(cpumask_weight(&cpupool_free_cpus), nfree + 1);
    sim_run_for(MILLISECS(50));
    CHECK_EQ(sim_stats.pool_violations, 0);

    /* The last pCPU of a pool with a domain stays, pinned or not. */
    cpumask_copy(&m, &cpu_possible_map);
    CHECK_EQ(sim_vcpu_set_hard_affinity(b.d[0]->sv[1], &m), 0);
    CHECK_EQ(sim_pool_unassign(b.p[0], second), -EBUSY);
    CHECK_EQ(sim_pool_nr_cpus(b.p[0]), 1);
    CHECK(books_balance(&b));

    /* Without domains the pool can be emptied, then destroyed. */
    CHECK_EQ(sim_domain_destroy(b.d[--b.nr_d]), 0);
    CHECK_EQ(b.p[0]->c->n_dom, 0);
    CHECK(books_balance(&b));
    printf("  [%s] refusals: all refused with nothing changed\n",
           sim_sched_name(sched));

 out:
    if ( c2 )
    {
        sim_ctl_begin();
        CHECK_EQ(cpupool_destroy(c2), 0);
        sim_ctl_end();
    }
    teardown(&b);
}

/* --- Churn. --- */

struct churn {
    struct book *b;
    unsigned int ops, refused;
    bool books_ok;
};

static void churn_step(void *arg)
{
    struct churn *ch = arg;
    struct book *b = ch->b;
    unsigned int from = sim_rand() % 2, cpu;
    struct sim_domain *d;

    if ( sim_rand() % 2 )
    {
        /* A pCPU from one pool to the other. A pool keeps one at least
         * (the refusal of the last one is refusals_case's business). */
        if ( sim_pool_nr_cpus(b->p[from]) == 1 )
            from = !from;
        cpu = cpumask_first(&b->p[from]->c->cpu_valid);
        if ( sim_rand() % 2 )
            cpu = cpumask_next(cpu, &b->p[from]->c->cpu_valid);
        if ( sim_pool_unassign(b->p[from], cpu) )
            ch->refused++;
        else if ( sim_pool_assign(b->p[!from], cpu) )
            ch->books_ok = false;
    }
    else
    {
        d = b->d[sim_rand() % b->nr_d];
        if ( sim_domain_move(d, b->p[d->pool == b->p[0]]) )
            ch->books_ok = false;
    }
    ch->ops++;
    ch->books_ok &= books_balance(b);
}

static void churn_case(unsigned int first_sched)
{
    struct book b = { 0 };
    struct churn ch = { .b = &b, .books_ok = true };
    double used[2];

    sim_srand(0xc4c4 + first_sched);
    if ( !two_pools(&b, first_sched, 3, 3) ||
         !add_dom(&b, 0, 3, &SIM_B_SPIN) ||
         !add_dom(&b, 0, 2, &SIM_B_DUTY(MILLISECS(1), MILLISECS(2))) ||
         !add_dom(&b, 1, 2, &SIM_B_SPIN) ||
         !add_dom(&b, 1, 4, &SIM_B_WAKER(MILLISECS(3), MICROSECS(300), 0)) )
        goto out;
    sim_periodic(MILLISECS(7), churn_step, &ch);
    sim_run_for(SECONDS(1));
    sim_periodic_clear();
    sim_run_for(MILLISECS(50));
    sim_stats_reset();
    measure(&b, MILLISECS(200), used);
    printf("  [%s + %s] churn: %u pool operations (%u refused), books %s; "
           "now %u + %u pCPUs, using %.2f + %.2f\n",
           sim_sched_name(first_sched), sim_sched_name(b.p[1]->sched_id),
           ch.ops, ch.refused, ch.books_ok ? "balanced" : "WRONG",
           sim_pool_nr_cpus(b.p[0]), sim_pool_nr_cpus(b.p[1]), used[0],
           used[1]);
    CHECK(ch.books_ok);
    CHECK(ch.ops >= 100);
    CHECK_EQ(sim_stats.pool_violations, 0);
    CHECK_EQ(sim_stats.affinity_violations + sim_stats.running_outside, 0);
 out:
    teardown(&b);
}

/* Each case twice: credit first, then credit2 first. */
#define POOL_CASE(name, fn)                                                 \
    TEST(name)                                                              \
    {                                                                       \
        if ( !sim_begin(#name) )                                            \
            return;                                                         \
        sim_isolated(fn, XEN_SCHEDULER_CREDIT);                             \
        sim_isolated(fn, XEN_SCHEDULER_CREDIT2);                            \
        sim_end();                                                          \
    }

POOL_CASE(cpupool_side_by_side, side_by_side_case)
POOL_CASE(cpupool_refusals, refusals_case)
POOL_CASE(cpupool_move_cpu_loaded, move_cpu_case)
POOL_CASE(cpupool_move_domain_running, move_domain_case)
POOL_CASE(cpupool_churn, churn_case)
