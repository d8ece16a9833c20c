/*
 * sched_sim_scn.c: the standard scenarios on the simulated machine, shared
 * by test_sched.c (which judges them) and sched_bench.c (which prints
 * them). See struct sim_result and the sim_scn_*() comments in
 * sched_sim.h for what each builds and measures. Only the simulator's
 * public interface is used here.
 */
#include <string.h>

#include <xen/lib.h>

#include "harness.h"
#include "sched_sim.h"

#define SCN_MAX_DOMS 512

struct scn {
    struct sim_pool *p;
    struct sim_domain *d[SCN_MAX_DOMS];
    unsigned int nr;
    bool ok;
};

static bool scn_pool(struct scn *s, unsigned int sched_id, unsigned int ncpus)
{
    memset(s, 0, sizeof(*s));
    s->p = sim_pool_create(sched_id, ncpus);
    s->ok = s->p != NULL;
    return s->ok;
}

static struct sim_domain *scn_dom(struct scn *s, unsigned int nr,
                                  unsigned int weight, unsigned int cap,
                                  const struct sim_behav *b)
{
    struct sim_domain *d;

    if ( !s->ok || s->nr == SCN_MAX_DOMS )
    {
        s->ok = false;
        return NULL;
    }
    d = sim_domain_create(s->p, nr, weight, cap, b);
    if ( !d )
        s->ok = false;
    else
        s->d[s->nr++] = d;
    return d;
}

static void scn_end(struct scn *s, struct sim_result *r)
{
    unsigned int i;

    r->violations = sim_stats.affinity_violations + sim_stats.pool_violations +
                    sim_stats.unrunnable_switches + sim_stats.running_outside;
    for ( i = s->nr; i-- > 0; )
        if ( sim_domain_destroy(s->d[i]) )
            s->ok = false;
    if ( s->p && sim_pool_destroy(s->p) )
        s->ok = false;
    r->setup_ok = s->ok;
}

static double pct(uint64_t part, s_time_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static double dabs(double x)
{
    return x < 0 ? -x : x;
}

/* Shares of n vCPUs over [now, now + ns). */
static void measure_shares(struct sim_vcpu **sv, unsigned int n, s_time_t ns,
                           double *share)
{
    uint64_t before[4];
    s_time_t t0 = sim_now();
    unsigned int i;

    ASSERT(n <= 4);
    for ( i = 0; i < n; i++ )
        before[i] = sim_vcpu_runtime(sv[i]);
    sim_run_for(ns);
    for ( i = 0; i < n; i++ )
        share[i] = pct(sim_vcpu_runtime(sv[i]) - before[i], sim_now() - t0);
}

void sim_scn_weights(unsigned int sched_id, struct sim_result *r)
{
    struct sim_domain *a, *b;
    struct sim_vcpu *sv[2];
    struct scn s;

    memset(r, 0, sizeof(*r));
    scn_pool(&s, sched_id, 1);
    a = scn_dom(&s, 1, 256, 0, &SIM_B_SPIN);
    b = scn_dom(&s, 1, 512, 0, &SIM_B_SPIN);
    if ( s.ok )
    {
        sv[0] = a->sv[0];
        sv[1] = b->sv[0];
        sim_run_for(SECONDS(1));
        measure_shares(sv, 2, SECONDS(3), r->share);
        r->err = dabs(r->share[0] - 100.0 / 3);
        if ( dabs(r->share[1] - 200.0 / 3) > r->err )
            r->err = dabs(r->share[1] - 200.0 / 3);
    }
    scn_end(&s, r);
}

void sim_scn_cap(unsigned int sched_id, bool competitor, struct sim_result *r)
{
    struct sim_domain *a, *b = NULL;
    struct sim_vcpu *sv[2];
    struct scn s;

    memset(r, 0, sizeof(*r));
    scn_pool(&s, sched_id, 1);
    a = scn_dom(&s, 1, 256, 50, &SIM_B_SPIN);
    if ( competitor )
        b = scn_dom(&s, 1, 256, 0, &SIM_B_SPIN);
    if ( s.ok )
    {
        sv[0] = a->sv[0];
        if ( b )
            sv[1] = b->sv[0];
        sim_run_for(SECONDS(1));
        measure_shares(sv, b ? 2 : 1, SECONDS(3), r->share);
        r->err = dabs(r->share[0] - 50.0);
    }
    scn_end(&s, r);
}

void sim_scn_attacker(unsigned int sched_id, struct sim_result *r)
{
    struct sim_domain *a, *b;
    struct sim_vcpu *sv[2];
    struct scn s;

    memset(r, 0, sizeof(*r));
    scn_pool(&s, sched_id, 1);
    a = scn_dom(&s, 1, 256, 0, &SIM_B_ATTACKER);
    b = scn_dom(&s, 1, 256, 0, &SIM_B_SPIN);
    if ( s.ok )
    {
        sv[0] = a->sv[0];
        sv[1] = b->sv[0];
        sim_run_for(SECONDS(1));
        measure_shares(sv, 2, SECONDS(3), r->share);
        r->err = r->share[0] - 50.0;
    }
    scn_end(&s, r);
}

/* Pin every vCPU of d to pCPU cpu. */
static void scn_pin(struct scn *s, struct sim_domain *d, unsigned int cpu)
{
    cpumask_t m;
    unsigned int i;

    cpumask_clear(&m);
    cpumask_set_cpu(cpu, &m);
    for ( i = 0; d && i < d->nr; i++ )
        if ( sim_vcpu_set_hard_affinity(d->sv[i], &m) )
            s->ok = false;
}

/* Build one latency variant; the sleepers (whose wakes count) are the
 * domains from the index returned on. */
static unsigned int latency_setup(struct scn *s, unsigned int variant)
{
    unsigned int cpu = s->p ? cpumask_first(&s->p->c->cpu_valid) : 0;

    switch ( variant )
    {
    case 0:
        scn_dom(s, 1, 256, 0, &SIM_B_SPIN);
        scn_dom(s, 1, 256, 0, &SIM_B_SPIN);
        scn_dom(s, 1, 256, 0, &SIM_B_WAKER_J(MILLISECS(5), MICROSECS(100),
                                              0, MILLISECS(4)));
        return 2;
    case 1:
        /* The pool's second pCPU idles, so the spinner's credit covers
         * what it uses: it runs UNDER when the waker wakes next to it. */
        scn_pin(s, scn_dom(s, 1, 256, 0, &SIM_B_SPIN), cpu);
        scn_pin(s, scn_dom(s, 1, 256, 0,
                           &SIM_B_WAKER_J(MILLISECS(3), MICROSECS(50), 0,
                                          MILLISECS(2))), cpu);
        return 1;
    case 2:
        scn_dom(s, 4, 256, 0, &SIM_B_SPIN);
        scn_dom(s, 1, 256, 0, &SIM_B_WAKER_J(MILLISECS(3), MICROSECS(100),
                                              0, MILLISECS(2)));
        return 1;
    case 3:
        scn_dom(s, 4, 256, 0, &SIM_B_SPIN);
        scn_dom(s, 4, 256, 0, &SIM_B_WAKER_J(MILLISECS(7), MICROSECS(200),
                                              0, MILLISECS(5)));
        scn_dom(s, 2, 256, 0, &SIM_B_DUTY(MICROSECS(300), MILLISECS(2)));
        return 1;
    default:
        scn_dom(s, 1, 256, 0, &SIM_B_DUTY(MILLISECS(4), MILLISECS(5)));
        scn_dom(s, 1, 256, 0, &SIM_B_DUTY(MILLISECS(4), MILLISECS(5)));
        scn_dom(s, 1, 256, 0, &SIM_B_WAKER_J(MILLISECS(3), MICROSECS(50), 0,
                                              MILLISECS(2)));
        return 2;
    }
}

void sim_scn_latency(unsigned int sched_id, unsigned int variant,
                     struct sim_result *r)
{
    unsigned int first, i, j;
    struct sim_vcpu *sv;
    double sum = 0;
    struct scn s;

    memset(r, 0, sizeof(*r));
    sim_srand(0x1a7e + variant);
    scn_pool(&s, sched_id, variant == 2 || variant == 3 ? 4 :
                           variant == 1 ? 2 : 1);
    first = latency_setup(&s, variant);
    if ( s.ok )
    {
        sim_run_for(MILLISECS(500));
        sim_stats_reset();
        sim_run_for(SECONDS(2));
        for ( i = first; i < s.nr; i++ )
            for ( j = 0; j < s.d[i]->nr; j++ )
            {
                sv = s.d[i]->sv[j];
                r->nr_lat += sv->nr_lat;
                sum += sv->lat_sum;
                if ( sv->lat_max > r->lat_max_ns )
                    r->lat_max_ns = sv->lat_max;
                /* A wake still waiting to run has waited this long. */
                if ( sv->unblocked_at &&
                     sim_now() - sv->unblocked_at > r->lat_max_ns )
                    r->lat_max_ns = sim_now() - sv->unblocked_at;
            }
        r->lat_mean_ns = r->nr_lat ? sum / r->nr_lat : 0;
    }
    scn_end(&s, r);
}

void sim_scn_scale(unsigned int sched_id, unsigned int ncpus,
                   unsigned int nvcpus, s_time_t measure_ns,
                   struct sim_result *r)
{
    unsigned int left = nvcpus, n, k = 0;
    struct scn s;

    memset(r, 0, sizeof(*r));
    scn_pool(&s, sched_id, ncpus);
    while ( s.ok && left )
    {
        n = left < 4 ? left : 4;
        scn_dom(&s, n, 256, 0, (k++ & 1) ? &SIM_B_DUTY(MICROSECS(500),
                                                        MICROSECS(1500))
                                         : &SIM_B_SPIN);
        left -= n;
    }
    if ( s.ok )
    {
        sim_run_for(MILLISECS(50));
        sim_cost_start();
        sim_run_for(measure_ns);
        sim_cost_stop(&r->cost);
    }
    scn_end(&s, r);
}
