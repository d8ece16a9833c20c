/*
 * test_sched_params.c: the scheduling parameters of both schedulers, as
 * the toolstack sets them: per domain through sched_adjust()
 * (XEN_DOMCTL_scheduler_op: weight, cap) and per pool through
 * sched_adjust_global() (XEN_SYSCTL_scheduler_op: credit's time slice,
 * ratelimit and migration delay; credit2's ratelimit). Run on the
 * simulated machine of sched_sim.c, each scheduler's part in its own
 * child (sim_isolated).
 *
 * The semantics are Xen's:
 *   domain, both:  getinfo returns what putinfo set; defaults weight 256,
 *                  cap 0 (none); putinfo weight 0 leaves the weight;
 *                  cap 0 removes the cap.
 *   domain credit: cap 0xFFFF leaves the cap; no other value is refused
 *                  (a cap above what the vCPUs can use never binds).
 *   domain credit2: cap above 100 per vCPU is -EINVAL (0xFFFF too: it is
 *                  no marker there); nothing changes then, the weight
 *                  sent along included.
 *   pool credit:   tslice 1..1000 ms (30), ratelimit 0 or 100..500000 us
 *                  and at most the slice (1000), migration delay up to
 *                  100000 us (0); checked together: -EINVAL changes none.
 *   pool credit2:  ratelimit 0 or 100..500000 us (1000).
 *   both:          a sched_id other than the pool's, or another cmd, is
 *                  -EINVAL and changes nothing.
 * New values take effect: a cap kept by the marker still binds, a removed
 * one no longer does; a ratelimit of 0 lets a waker preempt a vCPU that
 * has just been switched in, which the default (1 ms) holds it off for;
 * a 1 ms time slice switches between two spinners far more often than
 * the default 30 ms one.
 */
#include <stdio.h>

#include <xen/errno.h>
#include <xen/lib.h>

#include "harness.h"
#include "sched_sim.h"

static const unsigned int scheds[] = {
    XEN_SCHEDULER_CREDIT,
    XEN_SCHEDULER_CREDIT2,
};
#define for_each_sched(i) for ( (i) = 0; (i) < ARRAY_SIZE(scheds); (i)++ )

#define CAP_KEEP 0xFFFFu    /* credit's "leave the cap unchanged" */

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

static unsigned int other_sched(unsigned int sched)
{
    return sched == XEN_SCHEDULER_CREDIT ? XEN_SCHEDULER_CREDIT2
                                         : XEN_SCHEDULER_CREDIT;
}

/* --- Raw calls, as the toolstack makes them. --- */

/* A domain op with any sched_id and cmd; weight and cap in and out. */
static int dom_op(struct sim_domain *sd, uint32_t sched_id, uint32_t cmd,
                  unsigned int *weight, unsigned int *cap)
{
    struct xen_domctl_scheduler_op op = { .sched_id = sched_id, .cmd = cmd };
    int rc;

    if ( sched_id == XEN_SCHEDULER_CREDIT2 )
    {
        op.u.credit2.weight = *weight;
        op.u.credit2.cap = *cap;
    }
    else
    {
        op.u.credit.weight = *weight;
        op.u.credit.cap = *cap;
    }
    sim_ctl_begin();
    rc = sched_adjust(sd->d, &op);
    sim_ctl_end();
    *weight = sched_id == XEN_SCHEDULER_CREDIT2 ? op.u.credit2.weight
                                                : op.u.credit.weight;
    *cap = sched_id == XEN_SCHEDULER_CREDIT2 ? op.u.credit2.cap
                                             : op.u.credit.cap;
    return rc;
}

static int dom_put(struct sim_domain *sd, unsigned int weight,
                   unsigned int cap)
{
    return dom_op(sd, sd->pool->sched_id, XEN_DOMCTL_SCHEDOP_putinfo,
                  &weight, &cap);
}

/* getinfo must work and give weight w, cap c. */
#define CHECK_DOM(sd, w, c)                                                 \
    do {                                                                    \
        unsigned int w_ = 0, c_ = 0;                                        \
                                                                            \
        CHECK_EQ(dom_op(sd, (sd)->pool->sched_id,                           \
                        XEN_DOMCTL_SCHEDOP_getinfo, &w_, &c_), 0);          \
        CHECK_EQ(w_, w);                                                    \
        CHECK_EQ(c_, c);                                                    \
    } while ( 0 )

/* Pool parameters; credit2 has only the ratelimit. */
struct gparams {
    uint32_t tslice_ms, ratelimit_us, migr_delay_us;
};

static int pool_op_id(uint32_t poolid, uint32_t sched_id, uint32_t cmd,
                      struct gparams *g)
{
    struct xen_sysctl_scheduler_op op = {
        .cpupool_id = poolid, .sched_id = sched_id, .cmd = cmd,
    };
    int rc;

    if ( sched_id == XEN_SCHEDULER_CREDIT2 )
        op.u.sched_credit2.ratelimit_us = g->ratelimit_us;
    else
    {
        op.u.sched_credit.tslice_ms = g->tslice_ms;
        op.u.sched_credit.ratelimit_us = g->ratelimit_us;
        op.u.sched_credit.vcpu_migr_delay_us = g->migr_delay_us;
    }
    sim_ctl_begin();
    rc = sched_adjust_global(&op);
    sim_ctl_end();
    if ( sched_id == XEN_SCHEDULER_CREDIT2 )
        g->ratelimit_us = op.u.sched_credit2.ratelimit_us;
    else
    {
        g->tslice_ms = op.u.sched_credit.tslice_ms;
        g->ratelimit_us = op.u.sched_credit.ratelimit_us;
        g->migr_delay_us = op.u.sched_credit.vcpu_migr_delay_us;
    }
    return rc;
}

static int pool_put(struct sim_pool *p, uint32_t tslice_ms,
                    uint32_t ratelimit_us, uint32_t migr_delay_us)
{
    struct gparams g = { tslice_ms, ratelimit_us, migr_delay_us };

    return pool_op_id(p->c->cpupool_id, p->sched_id,
                      XEN_SYSCTL_SCHEDOP_putinfo, &g);
}

/* getinfo must work and give these (credit2: the ratelimit only). */
#define CHECK_POOL(p, ts, rl, md)                                           \
    do {                                                                    \
        struct gparams g_ = { 0, 0, 0 };                                    \
                                                                            \
        CHECK_EQ(pool_op_id((p)->c->cpupool_id, (p)->sched_id,              \
                            XEN_SYSCTL_SCHEDOP_getinfo, &g_), 0);           \
        CHECK_EQ(g_.ratelimit_us, rl);                                      \
        if ( (p)->sched_id == XEN_SCHEDULER_CREDIT )                        \
        {                                                                   \
            CHECK_EQ(g_.tslice_ms, ts);                                     \
            CHECK_EQ(g_.migr_delay_us, md);                                 \
        }                                                                   \
    } while ( 0 )

/* Percent of one pCPU sv used over the next ns. */
static double share_over(struct sim_vcpu *sv, s_time_t ns)
{
    uint64_t before = sim_vcpu_runtime(sv);

    sim_run_for(ns);
    return (sim_vcpu_runtime(sv) - before) * 100.0 / ns;
}

/* --- Per domain. --- */

/* Defaults, round trips, the edges of the weight and of the cap. */
static void dom_roundtrip_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 2);
    struct sim_domain *d, *e;

    if ( !p )
        return;
    d = sim_domain_create(p, 2, 0, 0, &SIM_B_SPIN);
    e = sim_domain_create(p, 3, 0, 0, &SIM_B_DUTY(MILLISECS(1),
                                                  MILLISECS(2)));
    if ( d && e )
    {
        CHECK_DOM(d, 256, 0);
        CHECK_DOM(e, 256, 0);

        CHECK_EQ(dom_put(d, 1000, 150), 0);
        CHECK_DOM(d, 1000, 150);
        CHECK_DOM(e, 256, 0);               /* per domain */
        sim_run_for(MILLISECS(30));
        CHECK_DOM(d, 1000, 150);            /* running changes nothing */

        CHECK_EQ(dom_put(d, 1, 1), 0);      /* the smallest */
        CHECK_DOM(d, 1, 1);
        CHECK_EQ(dom_put(d, 65535, 200), 0);/* the largest weight; 100/vCPU */
        CHECK_DOM(d, 65535, 200);
        CHECK_EQ(dom_put(e, 512, 300), 0);
        CHECK_DOM(e, 512, 300);
        CHECK_EQ(dom_put(e, 256, 0), 0);    /* cap 0: none again */
        CHECK_DOM(e, 256, 0);
        sim_run_for(MILLISECS(30));
        CHECK_DOM(d, 65535, 200);
    }
    if ( e )
        CHECK_EQ(sim_domain_destroy(e), 0);
    if ( d )
        CHECK_EQ(sim_domain_destroy(d), 0);
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_dom_roundtrip, dom_roundtrip_part)

/*
 * The "unchanged" markers, and that what is left in place still acts: a
 * one-vCPU spinner capped at 50 alone on a pCPU. Weight 0 keeps the
 * weight (both). Cap 0xFFFF keeps the cap with credit; credit2 refuses it
 * and keeps everything, the weight sent along too. Cap 0 frees it.
 */
static void dom_markers_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_domain *d;
    double share;

    if ( !p )
        return;
    d = sim_domain_create(p, 1, 300, 50, &SIM_B_SPIN);
    if ( d )
    {
        CHECK_DOM(d, 300, 50);
        CHECK_EQ(dom_put(d, 0, 40), 0);         /* weight kept */
        CHECK_DOM(d, 300, 40);
        CHECK_EQ(dom_put(d, 0, 50), 0);
        CHECK_DOM(d, 300, 50);

        if ( sched == XEN_SCHEDULER_CREDIT )
        {
            CHECK_EQ(dom_put(d, 512, CAP_KEEP), 0);
            CHECK_DOM(d, 512, 50);
            CHECK_EQ(dom_put(d, 0, CAP_KEEP), 0);   /* both kept */
            CHECK_DOM(d, 512, 50);
        }
        else
        {
            CHECK_EQ(dom_put(d, 512, CAP_KEEP), -EINVAL);
            CHECK_DOM(d, 300, 50);
        }

        /* The cap still binds. */
        sim_run_for(MILLISECS(500));
        share = share_over(d->sv[0], SECONDS(2));
        printf("  [%s] cap 50 after the markers: %.2f%%\n",
               sim_sched_name(sched), share);
        CHECK(share > 47.0 && share < 53.0);

        /* Cap 0 removes it (weight 0 keeps the weight). */
        CHECK_EQ(dom_put(d, 0, 0), 0);
        CHECK_DOM(d, sched == XEN_SCHEDULER_CREDIT ? 512 : 300, 0);
        sim_run_for(MILLISECS(500));
        share = share_over(d->sv[0], SECONDS(1));
        printf("  [%s] cap removed: %.2f%%\n", sim_sched_name(sched), share);
        CHECK(share > 99.0);
        CHECK_EQ(sim_domain_destroy(d), 0);
    }
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_dom_markers, dom_markers_part)

/*
 * Caps above 100 per vCPU: credit2 refuses them and changes nothing;
 * credit (as Xen's) takes any, and such a cap never binds: a spinner
 * with a cap of 150 or 65534 on its own pCPU runs all the time.
 */
static void dom_cap_range_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_domain *d;
    double share;

    if ( !p )
        return;
    d = sim_domain_create(p, 1, 0, 0, &SIM_B_SPIN);
    if ( d )
    {
        CHECK_EQ(dom_put(d, 0, 100), 0);        /* 100 per vCPU: valid */
        CHECK_DOM(d, 256, 100);
        if ( sched == XEN_SCHEDULER_CREDIT2 )
        {
            CHECK_EQ(dom_put(d, 700, 101), -EINVAL);
            CHECK_DOM(d, 256, 100);
            CHECK_EQ(dom_put(d, 0, 65534), -EINVAL);
            CHECK_DOM(d, 256, 100);
        }
        else
        {
            CHECK_EQ(dom_put(d, 700, 150), 0);
            CHECK_DOM(d, 700, 150);
            sim_run_for(MILLISECS(300));
            share = share_over(d->sv[0], SECONDS(1));
            printf("  [credit] cap 150 on one vCPU: %.2f%%\n", share);
            CHECK(share > 99.0);
            CHECK_EQ(dom_put(d, 0, 65534), 0);
            CHECK_DOM(d, 700, 65534);
            sim_run_for(MILLISECS(300));
            share = share_over(d->sv[0], SECONDS(1));
            printf("  [credit] cap 65534 on one vCPU: %.2f%%\n", share);
            CHECK(share > 99.0);
        }
        CHECK_EQ(sim_domain_destroy(d), 0);
    }
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_dom_cap_range, dom_cap_range_part)

/* Another scheduler's id, an unknown id, or a cmd other than put/get. */
static void dom_bad_op_part(unsigned int sched)
{
    static const uint32_t bad_cmds[] = {
        XEN_DOMCTL_SCHEDOP_putvcpuinfo, XEN_DOMCTL_SCHEDOP_getvcpuinfo, 77,
    };
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_domain *d;
    unsigned int w, c, i;

    if ( !p )
        return;
    d = sim_domain_create(p, 2, 400, 60, &SIM_B_SPIN);
    if ( d )
    {
        w = 999, c = 10;
        CHECK_EQ(dom_op(d, other_sched(sched), XEN_DOMCTL_SCHEDOP_putinfo,
                        &w, &c), -EINVAL);
        w = 999, c = 10;
        CHECK_EQ(dom_op(d, XEN_SCHEDULER_RTDS, XEN_DOMCTL_SCHEDOP_putinfo,
                        &w, &c), -EINVAL);
        w = 999, c = 10;
        CHECK_EQ(dom_op(d, 0, XEN_DOMCTL_SCHEDOP_putinfo, &w, &c), -EINVAL);
        w = c = 0;
        CHECK_EQ(dom_op(d, other_sched(sched), XEN_DOMCTL_SCHEDOP_getinfo,
                        &w, &c), -EINVAL);
        for ( i = 0; i < ARRAY_SIZE(bad_cmds); i++ )
        {
            w = 999, c = 10;
            CHECK_EQ(dom_op(d, sched, bad_cmds[i], &w, &c), -EINVAL);
        }
        CHECK_DOM(d, 400, 60);
        CHECK_EQ(sim_domain_destroy(d), 0);
    }
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_dom_bad_op, dom_bad_op_part)

/* --- Per pool. --- */

/* Defaults, round trips, per-pool independence. */
static void pool_roundtrip_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_pool *q = p ? sim_pool_create(sched, 1) : NULL;

    if ( q )
    {
        CHECK_POOL(p, 30, 1000, 0);
        CHECK_POOL(q, 30, 1000, 0);
        CHECK_EQ(pool_put(p, 10, 500, 2000), 0);
        CHECK_POOL(p, 10, 500, 2000);
        CHECK_POOL(q, 30, 1000, 0);                 /* per pool */

        CHECK_EQ(pool_put(p, 1, 1000, 100000), 0);  /* rl = slice: valid */
        CHECK_POOL(p, 1, 1000, 100000);
        CHECK_EQ(pool_put(p, 1000, 500000, 0), 0);
        CHECK_POOL(p, 1000, 500000, 0);
        CHECK_EQ(pool_put(p, 30, 100, 0), 0);
        CHECK_POOL(p, 30, 100, 0);
        CHECK_EQ(pool_put(p, 30, 0, 0), 0);         /* off */
        CHECK_POOL(p, 30, 0, 0);
        CHECK_POOL(q, 30, 1000, 0);
        CHECK_EQ(sim_pool_destroy(q), 0);
    }
    if ( p )
        CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_pool_roundtrip, pool_roundtrip_part)

/* Out of range: -EINVAL, and nothing changes. */
static void pool_range_part(unsigned int sched)
{
    static const struct gparams bad_credit[] = {
        { 0, 1000, 0 },             /* slice below 1 ms */
        { 1001, 1000, 0 },          /* above 1000 ms */
        { 30, 99, 0 },              /* ratelimit below 100 us */
        { 30, 1, 0 },
        { 1000, 500001, 0 },        /* above 500000 us */
        { 1, 1001, 0 },             /* longer than the slice */
        { 30, 1000, 100001 },       /* migration delay above 100 ms */
        { 0, 0, 0 },
    };
    static const uint32_t bad_rl[] = { 1, 99, 500001, 0xFFFFFFFFu };
    struct sim_pool *p = sim_pool_create(sched, 1);
    unsigned int i;

    if ( !p )
        return;
    CHECK_EQ(pool_put(p, 20, 700, 300), 0);
    if ( sched == XEN_SCHEDULER_CREDIT )
        for ( i = 0; i < ARRAY_SIZE(bad_credit); i++ )
            CHECK_EQ(pool_put(p, bad_credit[i].tslice_ms,
                              bad_credit[i].ratelimit_us,
                              bad_credit[i].migr_delay_us), -EINVAL);
    for ( i = 0; i < ARRAY_SIZE(bad_rl); i++ )
        CHECK_EQ(pool_put(p, 20, bad_rl[i], 300), -EINVAL);
    CHECK_POOL(p, 20, 700, 300);
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_pool_range, pool_range_part)

/* Another scheduler's id, another cmd, a pool that does not exist. */
static void pool_bad_op_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct gparams g;
    uint32_t id;

    if ( !p )
        return;
    id = p->c->cpupool_id;
    CHECK_EQ(pool_put(p, 20, 700, 300), 0);

    g = (struct gparams){ 10, 200, 0 };
    CHECK_EQ(pool_op_id(id, other_sched(sched), XEN_SYSCTL_SCHEDOP_putinfo,
                        &g), -EINVAL);
    g = (struct gparams){ 10, 200, 0 };
    CHECK_EQ(pool_op_id(id, XEN_SCHEDULER_ARINC653,
                        XEN_SYSCTL_SCHEDOP_putinfo, &g), -EINVAL);
    g = (struct gparams){ 0, 0, 0 };
    CHECK_EQ(pool_op_id(id, other_sched(sched), XEN_SYSCTL_SCHEDOP_getinfo,
                        &g), -EINVAL);
    g = (struct gparams){ 10, 200, 0 };
    CHECK_EQ(pool_op_id(id, sched, 2, &g), -EINVAL);
    g = (struct gparams){ 10, 200, 0 };
    CHECK_EQ(pool_op_id(id, sched, 0xFFFFFFFFu, &g), -EINVAL);
    /* No such pool: an error (Xen's is -ESRCH). */
    g = (struct gparams){ 10, 200, 0 };
    CHECK(pool_op_id(id + 100, sched, XEN_SYSCTL_SCHEDOP_putinfo, &g) < 0);
    CHECK_POOL(p, 20, 700, 300);
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_pool_bad_op, pool_bad_op_part)

/* --- New values take effect. --- */

/*
 * One pCPU: a spinner, and two wakers (5 ms period, 100 us of work) 300
 * us apart. The first waker's wake preempts the spinner, which is then
 * switched in again 100 us later; the second wakes 200 us after that. The
 * default ratelimit (1 ms) keeps the spinner on for most of its first
 * millisecond, so the second waker waits; a ratelimit of 0 lets it in at
 * once. Returns the second waker's mean latency over 2 s (ns); *max its
 * worst.
 */
static double late_waker_latency(struct sim_vcpu *late, s_time_t *max)
{
    sim_run_for(MILLISECS(300));
    sim_stats_reset();
    sim_run_for(SECONDS(2));
    *max = late->lat_max;
    return late->nr_lat ? (double)late->lat_sum / late->nr_lat : 1e12;
}

static void ratelimit_effect_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_domain *s = NULL, *a = NULL, *b = NULL;
    double mean_on, mean_off;
    s_time_t max_on, max_off;

    if ( !p )
        return;
    s = sim_domain_create(p, 1, 0, 0, &SIM_B_SPIN);
    a = sim_domain_create(p, 1, 0, 0, &SIM_B_WAKER(MILLISECS(5),
                                                   MICROSECS(100), 0));
    b = sim_domain_create(p, 1, 0, 0, &SIM_B_WAKER(MILLISECS(5),
                                                   MICROSECS(100),
                                                   MICROSECS(300)));
    if ( s && a && b )
    {
        CHECK_POOL(p, 30, 1000, 0);
        mean_on = late_waker_latency(b->sv[0], &max_on);
        CHECK_EQ(pool_put(p, 30, 0, 0), 0);
        mean_off = late_waker_latency(b->sv[0], &max_off);
        printf("  [%s] waker 200 us after a switch-in: mean %.1f us "
               "(max %.1f) with ratelimit 1000 us, %.1f us (max %.1f) "
               "with 0\n", sim_sched_name(sched), mean_on / 1000,
               max_on / 1000.0, mean_off / 1000, max_off / 1000.0);
        /* Held off for the rest of the ratelimit (less the timer slop). */
        CHECK(mean_on > MICROSECS(500));
        CHECK(max_on <= MICROSECS(1000));
        /* Straight in. */
        CHECK(max_off <= MICROSECS(50));

        /* And back: the ratelimit holds again. */
        CHECK_EQ(pool_put(p, 30, 1000, 0), 0);
        mean_on = late_waker_latency(b->sv[0], &max_on);
        CHECK(mean_on > MICROSECS(500));
    }
    if ( b )
        CHECK_EQ(sim_domain_destroy(b), 0);
    if ( a )
        CHECK_EQ(sim_domain_destroy(a), 0);
    if ( s )
        CHECK_EQ(sim_domain_destroy(s), 0);
    CHECK_EQ(sim_pool_destroy(p), 0);
}
SCHED_CASE(params_ratelimit_effect, ratelimit_effect_part)

/*
 * credit's time slice: two spinners of one weight on one pCPU take turns
 * a slice at a time, or sooner when a tick finds the waiting one ahead in
 * credit: with the default 30 ms slice (10 ms ticks) about every 10 ms.
 * With a 1 ms slice (1 ms ticks) they switch at least ten times as often,
 * and still share evenly.
 */
static void tslice_effect_part(unsigned int sched)
{
    struct sim_pool *p = sim_pool_create(sched, 1);
    struct sim_domain *d;
    unsigned long sw_30, sw_1;
    double share;

    if ( !p )
        return;
    d = sim_domain_create(p, 2, 0, 0, &SIM_B_SPIN);
    if ( d )
    {
        sim_run_for(MILLISECS(300));
        sim_stats_reset();
        sim_run_for(SECONDS(1));
        sw_30 = sim_stats.switches;

        CHECK_EQ(pool_put(p, 1, 1000, 0), 0);
        sim_run_for(MILLISECS(300));
        sim_stats_reset();
        share = share_over(d->sv[0], SECONDS(1));
        sw_1 = sim_stats.switches;
        printf("  [credit] two spinners, one pCPU: %lu switches/s with a "
               "30 ms slice, %lu with 1 ms (share %.2f%%)\n", sw_30, sw_1,
               share);
        CHECK(sw_30 >= 30 && sw_30 <= 110);
        CHECK(sw_1 >= 10 * sw_30);
        CHECK(share > 45.0 && share < 55.0);
        CHECK_EQ(sim_domain_destroy(d), 0);
    }
    CHECK_EQ(sim_pool_destroy(p), 0);
}

TEST(params_tslice_effect)
{
    if ( !sim_begin("params_tslice_effect") )
        return;
    sim_isolated(tslice_effect_part, XEN_SCHEDULER_CREDIT);
    sim_end();
}
