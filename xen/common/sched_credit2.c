/*
 * sched_credit2.c: the credit2 scheduler ("SMP Credit Scheduler rev2").
 *
 * This file: credit, run queues, caps, the decision and the scheduler's
 * hooks. Moving vCPUs between run queues (load balancing and work
 * stealing) is in sched_credit2_balance.c; what both share is in
 * sched_credit2.h.
 *
 * Theory of operation
 * -------------------
 * Credit. Every vCPU holds credit, in nanoseconds of reference CPU time,
 * starting with CREDIT_INIT (10 ms). Running burns it: t ns of running
 * cost t * max_weight / weight, max_weight being the largest weight of
 * the pool's domains. The heaviest vCPUs burn at the rate of the clock, a
 * vCPU of half their weight twice as fast, so shares follow the weights.
 * Nothing is sampled: a vCPU is charged exactly, from its switch-in, at
 * every decision, so it cannot hide its use from the accounting.
 *
 * Run queues. pCPUs are grouped (credit2_runqueue=cpu|core|socket|all,
 * default socket); each group shares a run queue: the vCPUs that are
 * runnable but not running, sorted by credit, highest first. A vCPU
 * belongs to the run queue of its v->processor. A pCPU runs the first
 * queued vCPU its hard affinity allows there, unless its current vCPU has
 * at least as much credit. The run queue's lock is the schedule lock of
 * all its pCPUs (switch_sched returns it).
 *
 * Reset. When the vCPU chosen to run has no credit left (<= CREDIT_RESET,
 * 0) and no other runnable vCPU of its run queue (queued or running) has
 * any, every vCPU of the run queue gets m * CREDIT_INIT, m the smallest
 * number that makes the chosen one's credit positive, and is cut at
 * CREDIT_INIT: credit = min(credit + m * CREDIT_INIT, CREDIT_INIT).
 * Queued and running vCPUs are updated at once (the queue's order holds:
 * the update is monotonic); the others catch up when next seen, from the
 * run queue's running total of handed-out credit (several resets at once
 * equal them one by one, since the cut only lowers). Debts carry over,
 * so shares stay exact across resets.
 *
 * Slices. The chosen vCPU runs until its credit falls to that of the best
 * vCPU queued for this pCPU (or to 0), in time at its burn rate, within
 * MIN_TIMER (500 us) .. MAX_TIMER (10 ms), at least the rate limit, at
 * most its cap budget. A vCPU that is queued (woken, or preempted) with no
 * less credit than a running vCPU of its run queue preempts the one with
 * the least credit; an idle pCPU of its affinity is preferred, soft
 * affinity first. The rate limit (sched_ratelimit_us, per pool) lets a
 * vCPU keep its pCPU that long after its switch-in unless it yields.
 *
 * Balancing. Each run queue keeps a decaying average (window ~16.8 ms) of
 * its number of runnable vCPUs, and each vCPU of its runnable fraction
 * (load_set keeps the counts). Once per BALANCE_PERIOD (10 ms) a pCPU of
 * each run queue evens its load out with another run queue's, at the end
 * of a decision (c2_balance_load); a pCPU with nothing to run steals work
 * from another run queue (c2_steal_work), and c2_runq_tickle wakes an idle
 * pCPU of another run queue for a vCPU that none of its own can take
 * soon. All this moving between run queues is in sched_credit2_balance.c,
 * which explains it. pick_cpu places vCPUs by the same averages.
 *
 * Caps. A capped domain gets cap% of one pCPU per 10 ms period: a budget
 * refilled at each period boundary (lazily, when next touched), overruns
 * carried over as debt. A vCPU takes a share when switched in (its slice
 * ends when that runs out) and returns the rest when switched out. One
 * that finds no budget is parked (off the run queue, on its run queue's
 * parked list) until the next refill, by which every pCPU of that run
 * queue bounds its slice, so the first to decide then requeues it.
 *
 * Locking:
 *  - rqd->lock: a run queue and all on it (queue, parked list, masks,
 *    load, its vCPUs' scheduling fields); the schedule lock of its pCPUs,
 *    held by the framework around every hook but alloc/free/init/deinit/
 *    adjust. Holding one, another run queue's lock is only trylocked
 *    (stealing, balancing: sched_credit2_balance.c), so they need no
 *    order. What other run queues read without it (loads, nr_queued, idle
 *    masks) are hints.
 *  - sdom->budget_lock: a domain's budget; innermost, taken under a run
 *    queue lock (or two, when stealing) or alone (adjust), always with
 *    IRQs off.
 *  - prv->lock: the domain list, max_weight and the run queue table;
 *    taken alone, IRQs off, in the unlocked hooks only.
 */
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include <asm/atomic.h>

#include "sched_credit2.h"

/* CREDIT_INIT, MIN_TIMER, BALANCE_PERIOD, LOAD_*: sched_credit2.h. */
#define CSCHED2_CREDIT_RESET    0
#define CSCHED2_MAX_TIMER       MILLISECS(10)
#define CSCHED2_DEFAULT_WEIGHT  256
#define CSCHED2_BUDGET_PERIOD   MILLISECS(10)
/* A longer stretch is charged as this much (keeps the products small). */
#define CSCHED2_MAX_CHARGE      SECONDS(1)

/* pick_cpu's preference for the run queue a vCPU is already in. */
#define PICK_RESISTANCE         (LOAD_ONE / 4)

/* --- Run queue grouping: credit2_runqueue=. --- */

enum { C2_GROUP_CPU, C2_GROUP_CORE, C2_GROUP_SOCKET, C2_GROUP_ALL };

static const char *const c2_group_name[] = {
    [C2_GROUP_CPU] = "cpu", [C2_GROUP_CORE] = "core",
    [C2_GROUP_SOCKET] = "socket", [C2_GROUP_ALL] = "all",
};

static unsigned int opt_runqueue = C2_GROUP_SOCKET;

static int parse_credit2_runqueue(const char *s)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(c2_group_name); i++ )
        if ( !strcmp(s, c2_group_name[i]) )
        {
            opt_runqueue = i;
            return 0;
        }
    return -EINVAL;
}
custom_param("credit2_runqueue", parse_credit2_runqueue);

/* --- Data (the shared structures: sched_credit2.h). --- */

struct csched2_dom {
    struct list_head elem;          /* prv->sdoms */
    struct domain *dom;
    uint16_t weight;
    uint16_t cap;                   /* % of one pCPU, 0 = none */
    spinlock_t budget_lock;
    int64_t budget;                 /* left in this period (may be < 0) */
    int64_t tot_budget;             /* per period */
    s_time_t next_repl;             /* next refill */
};

static inline struct csched2_private *c2_priv(const struct scheduler *ops)
{
    return ops->sched_data;
}

static inline struct csched2_vcpu *c2_vcpu(const struct vcpu *v)
{
    return v->sched_priv;
}

static inline struct csched2_runqueue *c2_rqd(unsigned int cpu)
{
    return get_sched_res(cpu)->sched_priv;
}

static inline bool c2_is_idle(const struct csched2_vcpu *svc)
{
    return !svc->sdom;
}

static inline unsigned int c2_weight(const struct csched2_vcpu *svc)
{
    return ACCESS_ONCE(svc->sdom->weight);
}

static inline bool c2_capped(const struct csched2_vcpu *svc)
{
    return ACCESS_ONCE(svc->sdom->cap) != 0;
}

/* Whether cpu is still one of its pool's pCPUs (not on its way out). */
static bool c2_cpu_in_pool(unsigned int cpu)
{
    const struct cpupool *c = get_sched_res(cpu)->cpupool;

    return c && cpumask_test_cpu(cpu, cpupool_online_cpumask(c));
}

/* --- Credit. --- */

/* Reference credit for t ns run by svc, and the run time c credit buys. */
static int64_t t2c(const struct csched2_private *prv, s_time_t t,
                   const struct csched2_vcpu *svc)
{
    return t * ACCESS_ONCE(prv->max_weight) / c2_weight(svc);
}

static s_time_t c2t(const struct csched2_private *prv, int64_t c,
                    const struct csched2_vcpu *svc)
{
    return c * c2_weight(svc) / ACCESS_ONCE(prv->max_weight);
}

/* Charge svc (running) for its time since acct_start. */
static void burn_credits(const struct csched2_private *prv,
                         struct csched2_runqueue *rqd,
                         struct csched2_vcpu *svc, s_time_t now)
{
    s_time_t delta;

    ASSERT(svc->rqd == rqd);
    credit_sync(rqd, svc);
    delta = now - svc->acct_start;
    if ( delta <= 0 )
        return;
    svc->acct_start = now;
    if ( svc->flags & C2F_BUDGET )
        svc->budget -= delta;
    svc->credit -= t2c(prv, min_t(s_time_t, delta, CSCHED2_MAX_CHARGE), svc);
}

/* --- Load (the averages: sched_credit2.h). --- */

/* Count svc in rqd's load (active) or not; no-op if it already is so. */
static void load_set(struct csched2_runqueue *rqd, struct csched2_vcpu *svc,
                     bool active, s_time_t now)
{
    if ( !!(svc->flags & C2F_ACTIVE) == active )
        return;
    rqd_load_update(rqd, now);
    svc_load_update(svc, now);
    if ( active )
        rqd->load++;
    else
    {
        ASSERT(rqd->load);
        rqd->load--;
    }
    svc->flags ^= C2F_ACTIVE;
}

/* --- Caps. --- */

/* Bring sdom's budget up to now. budget_lock held. */
static void budget_refill(struct csched2_dom *sdom, s_time_t now)
{
    s_time_t periods;

    if ( now < sdom->next_repl )
        return;
    periods = (now - sdom->next_repl) / CSCHED2_BUDGET_PERIOD + 1;
    sdom->next_repl += periods * CSCHED2_BUDGET_PERIOD;
    /* Any debt is far below 1000 periods' budget: cap the product. */
    sdom->budget += min(periods, (s_time_t)1000) * sdom->tot_budget;
    sdom->budget = min(sdom->budget, sdom->tot_budget);
}

/* svc stops running: return the budget it did not use (or its debt). */
static void budget_return(struct csched2_vcpu *svc)
{
    struct csched2_dom *sdom = svc->sdom;

    if ( !(svc->flags & C2F_BUDGET) )
        return;
    spin_lock(&sdom->budget_lock);
    sdom->budget += svc->budget;
    spin_unlock(&sdom->budget_lock);
    svc->budget = 0;
    svc->flags &= ~C2F_BUDGET;
}

/*
 * Whether svc may run now as far as caps go: uncapped, holding budget, or
 * given a share (a fair fraction of the period's, not below MIN_TIMER)
 * of what its domain has left. If not, *until is the next refill.
 */
bool c2_budget_ok(struct csched2_vcpu *svc, s_time_t now, s_time_t *until)
{
    struct csched2_dom *sdom = svc->sdom;
    int64_t share;
    bool ok;

    if ( !c2_capped(svc) )
    {
        budget_return(svc);             /* in case the cap just went */
        return true;
    }
    if ( (svc->flags & C2F_BUDGET) && svc->budget > 0 )
        return true;

    spin_lock(&sdom->budget_lock);
    budget_refill(sdom, now);
    if ( svc->flags & C2F_BUDGET )
        sdom->budget += svc->budget;    /* settle its debt */
    svc->budget = 0;
    svc->flags &= ~C2F_BUDGET;
    ok = !sdom->cap || sdom->budget > 0;
    if ( sdom->cap && ok )
    {
        share = max(sdom->tot_budget / (sdom->dom->max_vcpus ?: 1),
                    (int64_t)CSCHED2_MIN_TIMER);
        svc->budget = min(sdom->budget, share);
        sdom->budget -= svc->budget;
        svc->flags |= C2F_BUDGET;
    }
    *until = sdom->next_repl;
    spin_unlock(&sdom->budget_lock);
    return ok;
}

/* --- The run queue. --- */

void c2_runq_insert(struct csched2_runqueue *rqd, struct csched2_vcpu *svc)
{
    struct list_head *pos = &rqd->runq;
    struct csched2_vcpu *head, *tail;

    ASSERT(spin_is_locked(&rqd->lock) && svc->rqd == rqd);
    ASSERT(!(svc->flags & (C2F_QUEUED | C2F_PARKED | C2F_DELAYED)));
    ASSERT(!svc->vcpu->is_running);

    credit_sync(rqd, svc);
    svc->flags |= C2F_QUEUED;
    rqd->nr_queued++;
    if ( list_empty(&rqd->runq) )
    {
        list_add(&svc->runq_elem, &rqd->runq);
        return;
    }

    /* Equal credits queue in arrival order. Walk from the nearer end. */
    head = list_first_entry(&rqd->runq, struct csched2_vcpu, runq_elem);
    tail = list_last_entry(&rqd->runq, struct csched2_vcpu, runq_elem);
    if ( svc->credit > tail->credit &&
         head->credit - svc->credit < svc->credit - tail->credit )
    {
        for ( pos = rqd->runq.next; pos != &rqd->runq; pos = pos->next )
            if ( list_entry(pos, struct csched2_vcpu,
                            runq_elem)->credit < svc->credit )
                break;
    }
    else if ( svc->credit > tail->credit )
    {
        for ( pos = rqd->runq.prev; pos != &rqd->runq; pos = pos->prev )
            if ( list_entry(pos, struct csched2_vcpu,
                            runq_elem)->credit >= svc->credit )
                break;
        pos = pos->next;
    }
    list_add_tail(&svc->runq_elem, pos);    /* before pos */
}

static void tickle_cpu(struct csched2_runqueue *rqd, unsigned int cpu)
{
    cpumask_set_cpu(cpu, &rqd->tickled);
    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

/* An idle, untickled pCPU of rqd for v, soft affinity first; or NR_CPUS. */
unsigned int c2_idle_cpu_for(const struct csched2_runqueue *rqd,
                             const struct vcpu *v)
{
    cpumask_t mask;
    int step;

    for_each_affinity_balance_step ( step )
    {
        if ( step == BALANCE_SOFT_AFFINITY && !has_soft_affinity(v) )
            continue;
        affinity_balance_cpumask(v, step, &mask);
        cpumask_and(&mask, &mask, &rqd->idle);
        cpumask_andnot(&mask, &mask, &rqd->tickled);
        if ( !cpumask_empty(&mask) )
            return cpumask_test_cpu(v->processor, &mask) ? v->processor
                                                         : cpumask_first(&mask);
    }
    return NR_CPUS;
}

/*
 * svc was just queued on rqd: find it a pCPU. An idle one of its run
 * queue; else preempt the running vCPU of its run queue with the least
 * credit, if that is not more than svc's (a tie happens at the top, when
 * a reset has filled both up to CREDIT_INIT: the running one's slice is
 * then cut to the rate limit, after which it has burnt some and loses);
 * else wake an idle pCPU of another run queue that may run it, to steal
 * it.
 */
void c2_runq_tickle(const struct csched2_private *prv,
                    struct csched2_runqueue *rqd,
                    struct csched2_vcpu *svc, s_time_t now)
{
    const struct vcpu *v = svc->vcpu;
    unsigned int cpu = c2_idle_cpu_for(rqd, v), best = NR_CPUS;
    int64_t lowest = svc->credit + 1;
    struct csched2_vcpu *cur;
    cpumask_t mask;

    if ( cpu < NR_CPUS )
    {
        tickle_cpu(rqd, cpu);
        return;
    }

    affinity_balance_cpumask(v, BALANCE_HARD_AFFINITY, &mask);
    cpumask_and(&mask, &mask, &rqd->active);
    cpumask_andnot(&mask, &mask, &rqd->tickled);
    for_each_cpu ( cpu, &mask )
    {
        cur = c2_vcpu(curr_on_cpu(cpu));
        if ( c2_is_idle(cur) )
            continue;
        burn_credits(prv, rqd, cur, now);
        if ( cur->credit < lowest )
        {
            lowest = cur->credit;
            best = cpu;
        }
    }
    if ( best < NR_CPUS )
    {
        tickle_cpu(rqd, best);
        return;
    }

    affinity_balance_cpumask(v, BALANCE_HARD_AFFINITY, &mask);
    cpumask_and(&mask, &mask, &prv->idlers);
    cpumask_andnot(&mask, &mask, &rqd->active);
    if ( !cpumask_empty(&mask) )
        cpu_raise_softirq(cpumask_first(&mask), SCHEDULE_SOFTIRQ);
}

/* Queue svc (runnable, counted in rqd's load) and find it a pCPU. */
static void runq_enqueue(const struct csched2_private *prv,
                         struct csched2_runqueue *rqd,
                         struct csched2_vcpu *svc, s_time_t now)
{
    if ( svc->vcpu->is_running )
    {
        svc->flags |= C2F_DELAYED;      /* context_saved will queue it */
        return;
    }
    c2_runq_insert(rqd, svc);
    c2_runq_tickle(prv, rqd, svc, now);
}

/* --- Parking (caps). --- */

static void park(struct csched2_runqueue *rqd, struct csched2_vcpu *svc,
                 s_time_t until, s_time_t now)
{
    if ( svc->flags & C2F_QUEUED )
        runq_remove(rqd, svc);
    load_set(rqd, svc, false, now);
    svc->flags |= C2F_PARKED;
    list_add_tail(&svc->runq_elem, &rqd->parked);
    rqd->next_unpark = min(rqd->next_unpark, until);
}

static void unpark(const struct csched2_private *prv,
                   struct csched2_runqueue *rqd,
                   struct csched2_vcpu *svc, s_time_t now)
{
    ASSERT(svc->flags & C2F_PARKED);
    list_del_init(&svc->runq_elem);
    svc->flags &= ~C2F_PARKED;
    if ( !vcpu_runnable(svc->vcpu) )
        return;
    load_set(rqd, svc, true, now);
    runq_enqueue(prv, rqd, svc, now);
}

/* Requeue every parked vCPU once the earliest refill is due. */
static void unpark_due(const struct csched2_private *prv,
                       struct csched2_runqueue *rqd, s_time_t now)
{
    struct csched2_vcpu *svc, *tmp;

    if ( list_empty(&rqd->parked) || now < rqd->next_unpark )
        return;
    rqd->next_unpark = STIME_MAX;
    list_for_each_entry_safe ( svc, tmp, &rqd->parked, runq_elem )
        unpark(prv, rqd, svc, now);
}

/* --- The decision. --- */

/*
 * Whether svc, allowed on cpu but not in its soft affinity, should be
 * left to an idle pCPU of rqd that is (which is then told).
 */
static bool leave_to_soft(struct csched2_runqueue *rqd,
                          const struct csched2_vcpu *svc, unsigned int cpu)
{
    const struct vcpu *v = svc->vcpu;
    cpumask_t mask;

    if ( cpumask_test_cpu(cpu, &v->cpu_soft_affinity) || !has_soft_affinity(v) )
        return false;
    affinity_balance_cpumask(v, BALANCE_SOFT_AFFINITY, &mask);
    cpumask_and(&mask, &mask, &rqd->idle);
    cpumask_andnot(&mask, &mask, &rqd->tickled);
    cpumask_clear_cpu(cpu, &mask);
    if ( cpumask_empty(&mask) )
        return false;
    tickle_cpu(rqd, cpumask_first(&mask));
    return true;
}

/*
 * What cpu runs next from its run queue: scurr, a queued vCPU, or NULL.
 * Capped vCPUs found without budget are parked on the way. *merit says
 * the choice was made on credit (not forced by the rate limit or a
 * yield), which a reset requires.
 */
static struct csched2_vcpu *runq_candidate(const struct csched2_private *prv,
                                           struct csched2_runqueue *rqd,
                                           struct csched2_vcpu *scurr,
                                           unsigned int cpu, s_time_t now,
                                           bool *merit)
{
    struct csched2_vcpu *svc, *tmp, *fallback = NULL;
    bool yield = !c2_is_idle(scurr) && (scurr->flags & C2F_YIELD);
    bool curr_ok = false;
    s_time_t until = STIME_MAX;

    *merit = true;
    if ( !c2_cpu_in_pool(cpu) )
        return NULL;

    if ( !c2_is_idle(scurr) && vcpu_runnable(scurr->vcpu) &&
         cpumask_test_cpu(cpu, &scurr->vcpu->cpu_hard_affinity) )
    {
        curr_ok = c2_budget_ok(scurr, now, &until);
        if ( !curr_ok )
            park(rqd, scurr, until, now);
    }
    if ( curr_ok && !yield && prv->ratelimit_us &&
         now - scurr->run_start < MICROSECS(prv->ratelimit_us) )
    {
        *merit = false;
        return scurr;
    }

    list_for_each_entry_safe ( svc, tmp, &rqd->runq, runq_elem )
    {
        if ( !c2_may_pick(svc, cpu) )
            continue;
        if ( curr_ok && !yield && svc->credit <= scurr->credit )
            break;                      /* sorted: nothing better follows */
        if ( !fallback && leave_to_soft(rqd, svc, cpu) )
        {
            fallback = svc;
            continue;
        }
        if ( !c2_budget_ok(svc, now, &until) )
        {
            park(rqd, svc, until, now);
            continue;
        }
        *merit = !yield;
        return svc;
    }

    if ( curr_ok )
        return scurr;
    /* Rather run the one left to its soft affinity here than idle. */
    if ( fallback && !c2_budget_ok(fallback, now, &until) )
    {
        park(rqd, fallback, until, now);
        fallback = NULL;
    }
    return fallback;
}

/*
 * Whether a runnable vCPU of rqd other than snext still has credit: queued
 * (the head has the most), this pCPU's current or another pCPU's.
 */
static bool others_have_credit(const struct csched2_private *prv,
                               struct csched2_runqueue *rqd,
                               const struct csched2_vcpu *scurr,
                               const struct csched2_vcpu *snext, s_time_t now)
{
    struct csched2_vcpu *svc;
    unsigned int cpu;

    if ( !list_empty(&rqd->runq) )
    {
        svc = list_first_entry(&rqd->runq, struct csched2_vcpu, runq_elem);
        if ( svc != snext && svc->credit > CSCHED2_CREDIT_RESET )
            return true;
    }
    if ( scurr != snext && !c2_is_idle(scurr) &&
         !(scurr->flags & C2F_PARKED) && vcpu_runnable(scurr->vcpu) &&
         scurr->credit > CSCHED2_CREDIT_RESET )
        return true;
    for_each_cpu ( cpu, &rqd->active )
    {
        svc = c2_vcpu(curr_on_cpu(cpu));
        if ( svc == scurr || svc == snext || c2_is_idle(svc) )
            continue;
        burn_credits(prv, rqd, svc, now);
        if ( svc->credit > CSCHED2_CREDIT_RESET )
            return true;
    }
    return false;
}

/* Hand out credit to every vCPU of rqd, enough to make snext's positive. */
static void reset_credit(const struct csched2_private *prv,
                         struct csched2_runqueue *rqd,
                         struct csched2_vcpu *snext, s_time_t now)
{
    struct csched2_vcpu *svc;
    unsigned int cpu;

    ASSERT(snext->credit <= CSCHED2_CREDIT_RESET);
    /* Charge the running ones first: the cut applies to what is left. */
    for_each_cpu ( cpu, &rqd->active )
    {
        svc = c2_vcpu(curr_on_cpu(cpu));
        if ( !c2_is_idle(svc) )
            burn_credits(prv, rqd, svc, now);
    }
    rqd->reset_sum += (1 + (uint64_t)(CSCHED2_CREDIT_RESET - snext->credit) /
                           CSCHED2_CREDIT_INIT) * CSCHED2_CREDIT_INIT;
    rqd->nr_resets++;

    for_each_cpu ( cpu, &rqd->active )
    {
        svc = c2_vcpu(curr_on_cpu(cpu));
        if ( !c2_is_idle(svc) )
            credit_sync(rqd, svc);
    }
    list_for_each_entry ( svc, &rqd->runq, runq_elem )
        credit_sync(rqd, svc);
    credit_sync(rqd, snext);
}

/*
 * How long snext (not idle) runs before cpu decides again: until its
 * credit comes down to that of the best vCPU queued for cpu, or to none.
 * (A vCPU just switched out is not queued yet and does not count: the
 * longer slice saves switches, and credit keeps the shares right.)
 */
static s_time_t slice_for(const struct csched2_private *prv,
                          const struct csched2_runqueue *rqd,
                          const struct csched2_vcpu *snext, unsigned int cpu,
                          s_time_t now)
{
    const struct csched2_vcpu *svc, *rival = NULL;
    s_time_t t;

    list_for_each_entry ( svc, &rqd->runq, runq_elem )
        if ( c2_may_pick(svc, cpu) )
        {
            rival = svc;
            break;
        }
    t = c2t(prv, snext->credit - (rival ? rival->credit : 0), snext);
    t = max_t(s_time_t, min_t(s_time_t, t, CSCHED2_MAX_TIMER),
              CSCHED2_MIN_TIMER);
    if ( prv->ratelimit_us )
        t = max_t(s_time_t, t,
                  snext->run_start + MICROSECS(prv->ratelimit_us) - now);
    if ( snext->flags & C2F_BUDGET )
        t = min(t, max(snext->budget, (int64_t)0));
    return t;
}

/* prev (not idle) stops running on cpu. */
static void deschedule(struct csched2_runqueue *rqd,
                       struct csched2_vcpu *scurr, s_time_t now)
{
    budget_return(scurr);
    scurr->flags &= ~C2F_YIELD;
    if ( scurr->flags & C2F_PARKED )
        return;                         /* parked by runq_candidate */
    if ( vcpu_runnable(scurr->vcpu) )
        scurr->flags |= C2F_DELAYED;    /* requeued by context_saved */
    else
        load_set(rqd, scurr, false, now);
}

static struct task_slice csched2_schedule(const struct scheduler *ops,
                                          s_time_t now)
{
    struct csched2_private *prv = c2_priv(ops);
    unsigned int cpu = smp_processor_id();
    struct csched2_runqueue *rqd = c2_rqd(cpu);
    struct csched2_vcpu *scurr = c2_vcpu(curr_on_cpu(cpu)), *snext;
    struct task_slice ret = { .migrated = false };
    bool merit;

    ASSERT(spin_is_locked(&rqd->lock));
    cpumask_clear_cpu(cpu, &rqd->tickled);
    if ( !c2_is_idle(scurr) )
        burn_credits(prv, rqd, scurr, now);
    unpark_due(prv, rqd, now);

    snext = runq_candidate(prv, rqd, scurr, cpu, now, &merit);
    if ( !snext && c2_cpu_in_pool(cpu) )
    {
        snext = c2_steal_work(prv, rqd, cpu, now);
        ret.migrated = snext != NULL;
    }
    if ( snext && merit && snext->credit <= CSCHED2_CREDIT_RESET &&
         !others_have_credit(prv, rqd, scurr, snext, now) )
        reset_credit(prv, rqd, snext, now);
    if ( !snext )
        snext = c2_vcpu(idle_vcpu[cpu]);

    if ( snext != scurr )
    {
        if ( !c2_is_idle(scurr) )
            deschedule(rqd, scurr, now);
        if ( !c2_is_idle(snext) )
        {
            if ( snext->flags & C2F_QUEUED )
                runq_remove(rqd, snext);
            if ( snext->vcpu->processor != cpu )
            {
                ret.migrated = true;
                write_atomic(&snext->vcpu->processor, cpu);
            }
            snext->run_start = snext->acct_start = now;
        }
    }
    else if ( !c2_is_idle(scurr) )
        scurr->flags &= ~C2F_YIELD;

    ret.task = snext->vcpu;
    if ( c2_is_idle(snext) )
    {
        cpumask_set_cpu(cpu, &rqd->idle);
        cpumask_set_cpu(cpu, &prv->idlers);
        ret.time = -1;
    }
    else
    {
        cpumask_clear_cpu(cpu, &rqd->idle);
        cpumask_clear_cpu(cpu, &prv->idlers);
        ret.time = slice_for(prv, rqd, snext, cpu, now);
    }
    /* Someone must requeue the parked in time. */
    if ( !list_empty(&rqd->parked) &&
         (ret.time < 0 || now + ret.time > rqd->next_unpark) )
        ret.time = max(rqd->next_unpark - now, (s_time_t)0);

    if ( now >= rqd->next_balance && c2_cpu_in_pool(cpu) )
        c2_balance_load(prv, rqd, now);
    return ret;
}

/* --- Events. --- */

static void csched2_insert_vcpu(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);
    struct csched2_runqueue *rqd = c2_rqd(v->processor);
    s_time_t now = NOW();

    ASSERT(!c2_is_idle(svc));
    ASSERT(!(svc->flags & (C2F_QUEUED | C2F_PARKED | C2F_ACTIVE)));
    credit_attach(rqd, svc);
    svc->load_stamp = now;
    if ( !vcpu_runnable(v) )
        return;
    load_set(rqd, svc, true, now);
    runq_enqueue(c2_priv(ops), rqd, svc, now);
}

/* Take svc off its queue or parked list, out of the load; not running. */
static void c2_stop(struct csched2_runqueue *rqd, struct csched2_vcpu *svc,
                    s_time_t now)
{
    if ( svc->flags & C2F_QUEUED )
        runq_remove(rqd, svc);
    if ( svc->flags & C2F_PARKED )
    {
        list_del_init(&svc->runq_elem);
        svc->flags &= ~C2F_PARKED;
    }
    svc->flags &= ~C2F_DELAYED;
    load_set(rqd, svc, false, now);
}

static void csched2_remove_vcpu(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);

    ASSERT(!v->is_running);
    if ( !svc->rqd )
        return;
    ASSERT(svc->rqd == c2_rqd(v->processor));
    c2_stop(svc->rqd, svc, NOW());
    svc->flags &= ~C2F_YIELD;
    budget_return(svc);
    credit_sync(svc->rqd, svc);
    svc->rqd = NULL;
}

static void csched2_sleep(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);

    if ( c2_is_idle(svc) || !svc->rqd )
        return;
    if ( curr_on_cpu(v->processor) == v )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else
        c2_stop(svc->rqd, svc, NOW());
}

/* svc is runnable, not running and not queued anywhere: queue it. */
static void make_queued(const struct csched2_private *prv,
                        struct csched2_vcpu *svc, s_time_t now)
{
    struct csched2_runqueue *rqd = c2_rqd(svc->vcpu->processor);

    if ( svc->rqd != rqd )
        credit_attach(rqd, svc);
    load_set(rqd, svc, true, now);
    runq_enqueue(prv, rqd, svc, now);
}

static void csched2_wake(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);

    if ( c2_is_idle(svc) || curr_on_cpu(v->processor) == v ||
         (svc->flags & (C2F_QUEUED | C2F_PARKED | C2F_DELAYED)) ||
         !vcpu_runnable(v) )
        return;
    make_queued(c2_priv(ops), svc, NOW());
}

/* The framework calls no wake while v still runs: queue it now. */
static void csched2_context_saved(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);

    ASSERT(!v->is_running);
    svc->flags &= ~C2F_DELAYED;
    if ( (svc->flags & (C2F_QUEUED | C2F_PARKED)) ||
         curr_on_cpu(v->processor) == v )
        return;
    if ( vcpu_runnable(v) )
        make_queued(c2_priv(ops), svc, NOW());
    else
        load_set(svc->rqd, svc, false, NOW());
}

static void csched2_yield(const struct scheduler *ops, struct vcpu *v)
{
    struct csched2_vcpu *svc = c2_vcpu(v);

    if ( !c2_is_idle(svc) )
        svc->flags |= C2F_YIELD;
}

/* --- Placement. --- */

/* cpu if in mask, else one of mask in cur's run queue, else any. */
static unsigned int prefer(const cpumask_t *mask, unsigned int cpu,
                           const struct csched2_runqueue *cur)
{
    cpumask_t tmp;

    if ( cpumask_test_cpu(cpu, mask) )
        return cpu;
    if ( cur )
    {
        cpumask_and(&tmp, mask, &cur->active);
        if ( !cpumask_empty(&tmp) )
            return cpumask_first(&tmp);
    }
    return cpumask_first(mask);
}

/*
 * An idle pCPU of v's affinity (soft first), where it is if possible;
 * else a pCPU of the least loaded run queue of its soft affinity (or
 * hard), with a bias for the one it is in.
 */
static unsigned int csched2_pick_cpu(const struct scheduler *ops,
                                     const struct vcpu *v)
{
    struct csched2_private *prv = c2_priv(ops);
    const struct csched2_runqueue *cur = NULL, *best = NULL, *o;
    unsigned int cpu = v->processor, i;
    int64_t l, best_load = 0;
    s_time_t now = NOW();
    cpumask_t mask, tmp;
    int step;

    if ( cpumask_test_cpu(cpu, &prv->cpus) )
        cur = c2_rqd(cpu);
    for_each_affinity_balance_step ( step )
    {
        if ( step == BALANCE_SOFT_AFFINITY && !has_soft_affinity(v) )
            continue;
        affinity_balance_cpumask(v, step, &mask);
        cpumask_and(&tmp, &mask, &prv->idlers);
        if ( !cpumask_empty(&tmp) )
            return prefer(&tmp, cpu, cur);
    }

    affinity_balance_cpumask(v, has_soft_affinity(v) ? BALANCE_SOFT_AFFINITY
                                                     : BALANCE_HARD_AFFINITY,
                             &mask);
    for_each_cpu ( i, &prv->active_rqds )
    {
        o = prv->rqd[i];
        if ( !c2_intersects(&mask, &o->active) )
            continue;
        l = rqd_load_per_cpu(o, now) - (o == cur ? PICK_RESISTANCE : 0);
        if ( !best || l < best_load )
        {
            best = o;
            best_load = l;
        }
    }
    if ( best )
        cpumask_and(&mask, &mask, &best->active);
    /* The framework asks only for vCPUs that may run in the pool. */
    ASSERT(!cpumask_empty(&mask));
    return prefer(&mask, cpu, NULL);
}

/* --- Parameters. --- */

/* prv->lock held. */
static void update_max_weight(struct csched2_private *prv)
{
    const struct csched2_dom *sdom;
    unsigned int w = CSCHED2_DEFAULT_WEIGHT;

    if ( !list_empty(&prv->sdoms) )
        w = 1;
    list_for_each_entry ( sdom, &prv->sdoms, elem )
        w = max(w, (unsigned int)sdom->weight);
    prv->max_weight = w;
}

/* Commit a cap; parked vCPUs get another look at once. */
static void set_cap(const struct scheduler *ops, struct domain *d,
                    struct csched2_dom *sdom, uint16_t cap)
{
    struct csched2_vcpu *svc;
    unsigned long flags;
    struct vcpu *v;
    spinlock_t *lock;
    s_time_t now = NOW();

    spin_lock_irqsave(&sdom->budget_lock, flags);
    if ( sdom->cap == cap )
    {
        spin_unlock_irqrestore(&sdom->budget_lock, flags);
        return;
    }
    sdom->cap = cap;
    sdom->budget = sdom->tot_budget = CSCHED2_BUDGET_PERIOD * cap / 100;
    sdom->next_repl = now + CSCHED2_BUDGET_PERIOD;
    spin_unlock_irqrestore(&sdom->budget_lock, flags);

    for_each_vcpu ( d, v )
    {
        lock = vcpu_schedule_lock_irqsave(v, &flags);
        svc = c2_vcpu(v);
        if ( svc->flags & C2F_PARKED )
            unpark(c2_priv(ops), svc->rqd, svc, now);
        sched_unlock_irqrestore(lock, flags);
    }
}

static int csched2_adjust(const struct scheduler *ops, struct domain *d,
                          struct xen_domctl_scheduler_op *op)
{
    struct csched2_private *prv = c2_priv(ops);
    struct csched2_dom *sdom = d->sched_priv;
    unsigned long flags;

    switch ( op->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        op->u.credit2.weight = ACCESS_ONCE(sdom->weight);
        op->u.credit2.cap = ACCESS_ONCE(sdom->cap);
        return 0;

    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* weight: 1..65535 by its type, 0 = unchanged. */
        if ( op->u.credit2.cap > 100u * d->max_vcpus )
            return -EINVAL;
        if ( op->u.credit2.weight )
        {
            spin_lock_irqsave(&prv->lock, flags);
            sdom->weight = op->u.credit2.weight;
            update_max_weight(prv);
            spin_unlock_irqrestore(&prv->lock, flags);
        }
        set_cap(ops, d, sdom, op->u.credit2.cap);
        return 0;
    }
    return -EINVAL;
}

static int csched2_adjust_global(struct scheduler *ops,
                                 struct xen_sysctl_scheduler_op *op)
{
    struct csched2_private *prv = c2_priv(ops);
    uint32_t rl = op->u.sched_credit2.ratelimit_us;

    switch ( op->cmd )
    {
    case XEN_SYSCTL_SCHEDOP_getinfo:
        op->u.sched_credit2.ratelimit_us = ACCESS_ONCE(prv->ratelimit_us);
        return 0;

    case XEN_SYSCTL_SCHEDOP_putinfo:
        if ( rl && (rl < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
                    rl > XEN_SYSCTL_SCHED_RATELIMIT_MAX) )
            return -EINVAL;
        write_atomic(&prv->ratelimit_us, rl);
        return 0;
    }
    return -EINVAL;
}

/* --- Instance, pCPUs, domains, vCPUs. --- */

static int csched2_init(struct scheduler *ops)
{
    struct csched2_private *prv = xzalloc(struct csched2_private);

    if ( !prv )
        return -ENOMEM;
    spin_lock_init(&prv->lock);
    INIT_LIST_HEAD(&prv->sdoms);
    prv->max_weight = CSCHED2_DEFAULT_WEIGHT;
    prv->ratelimit_us = sched_ratelimit_us;
    prv->grouping = opt_runqueue;
    ops->sched_data = prv;
    return 0;
}

static void csched2_deinit(struct scheduler *ops)
{
    struct csched2_private *prv = c2_priv(ops);
    unsigned int i;

    if ( !prv )
        return;
    ASSERT(list_empty(&prv->sdoms) && cpumask_empty(&prv->cpus));
    for ( i = 0; i < prv->nr_rqd; i++ )
        xfree(prv->rqd[i]);
    xfree(prv);
    ops->sched_data = NULL;
}

static unsigned long group_key(unsigned int grouping, unsigned int cpu)
{
    switch ( grouping )
    {
    case C2_GROUP_CPU:
        return cpu;
    case C2_GROUP_CORE:
        return ((unsigned long)cpu_to_socket(cpu) << 32) | cpu_to_core(cpu);
    case C2_GROUP_SOCKET:
        return cpu_to_socket(cpu);
    }
    return 0;
}

/*
 * The pCPU's data is its run queue, made when the first pCPU of its group
 * joins and kept until deinit (so free_pdata has nothing to do).
 */
static void *csched2_alloc_pdata(const struct scheduler *ops, unsigned int cpu)
{
    struct csched2_private *prv = c2_priv(ops);
    unsigned long key = group_key(prv->grouping, cpu), flags;
    struct csched2_runqueue *rqd = NULL, *fresh = xzalloc(struct csched2_runqueue);
    unsigned int i;

    if ( fresh )
    {
        spin_lock_init(&fresh->lock);
        fresh->key = key;
        INIT_LIST_HEAD(&fresh->runq);
        INIT_LIST_HEAD(&fresh->parked);
        fresh->next_unpark = STIME_MAX;
    }

    spin_lock_irqsave(&prv->lock, flags);
    for ( i = 0; i < prv->nr_rqd && !rqd; i++ )
        if ( prv->rqd[i]->key == key )
            rqd = prv->rqd[i];
    if ( !rqd && fresh )
    {
        /* At most one run queue per pCPU: the table cannot overflow. */
        BUG_ON(prv->nr_rqd >= ARRAY_SIZE(prv->rqd));
        fresh->id = prv->nr_rqd;
        prv->rqd[prv->nr_rqd++] = rqd = fresh;
        fresh = NULL;
    }
    spin_unlock_irqrestore(&prv->lock, flags);
    xfree(fresh);
    return rqd;
}

static void csched2_free_pdata(const struct scheduler *ops, void *pdata,
                               unsigned int cpu)
{
}

static spinlock_t *csched2_switch_sched(struct scheduler *ops, unsigned int cpu,
                                        void *pdata, void *idle_vdata)
{
    struct csched2_private *prv = c2_priv(ops);
    struct csched2_runqueue *rqd = pdata;
    s_time_t now = NOW();

    ASSERT(c2_is_idle(idle_vdata));
    spin_lock(&rqd->lock);
    ASSERT(!cpumask_test_cpu(cpu, &rqd->active));
    if ( !rqd->nr_cpus++ )
    {
        rqd_load_update(rqd, now);
        rqd->next_balance = now + CSCHED2_BALANCE_PERIOD;
        cpumask_set_cpu(rqd->id, &prv->active_rqds);
    }
    cpumask_set_cpu(cpu, &rqd->active);
    cpumask_set_cpu(cpu, &rqd->idle);
    cpumask_clear_cpu(cpu, &rqd->tickled);
    cpumask_set_cpu(cpu, &prv->cpus);
    cpumask_set_cpu(cpu, &prv->idlers);
    idle_vcpu[cpu]->sched_priv = idle_vdata;
    get_sched_res(cpu)->sched_priv = rqd;
    spin_unlock(&rqd->lock);
    return &rqd->lock;
}

/*
 * cpu leaves (its lock, rqd's, held). The pool has moved away every vCPU
 * whose v->processor was cpu; every other queued vCPU has its
 * v->processor, another pCPU of rqd, in its hard affinity (all paths that
 * set v->processor keep that), so none is left that rqd cannot run.
 */
static void csched2_deinit_pdata(const struct scheduler *ops, void *pdata,
                                 unsigned int cpu)
{
    struct csched2_private *prv = c2_priv(ops);
    struct csched2_runqueue *rqd = pdata;

    ASSERT(spin_is_locked(&rqd->lock) && rqd->nr_cpus);
    ASSERT(cpumask_test_cpu(cpu, &rqd->active));
    cpumask_clear_cpu(cpu, &rqd->active);
    cpumask_clear_cpu(cpu, &rqd->idle);
    cpumask_clear_cpu(cpu, &rqd->tickled);
    cpumask_clear_cpu(cpu, &prv->cpus);
    cpumask_clear_cpu(cpu, &prv->idlers);
    if ( --rqd->nr_cpus )
        return;
    ASSERT(list_empty(&rqd->runq) && list_empty(&rqd->parked));
    cpumask_clear_cpu(rqd->id, &prv->active_rqds);
}

static void *csched2_alloc_domdata(const struct scheduler *ops,
                                   struct domain *d)
{
    struct csched2_private *prv = c2_priv(ops);
    struct csched2_dom *sdom = xzalloc(struct csched2_dom);
    unsigned long flags;

    if ( !sdom )
        return NULL;
    sdom->dom = d;
    sdom->weight = CSCHED2_DEFAULT_WEIGHT;
    spin_lock_init(&sdom->budget_lock);
    spin_lock_irqsave(&prv->lock, flags);
    list_add_tail(&sdom->elem, &prv->sdoms);
    update_max_weight(prv);
    spin_unlock_irqrestore(&prv->lock, flags);
    return sdom;
}

static void csched2_free_domdata(const struct scheduler *ops, void *data)
{
    struct csched2_private *prv = c2_priv(ops);
    struct csched2_dom *sdom = data;
    unsigned long flags;

    if ( !sdom )
        return;
    spin_lock_irqsave(&prv->lock, flags);
    list_del_init(&sdom->elem);
    update_max_weight(prv);
    spin_unlock_irqrestore(&prv->lock, flags);
    xfree(sdom);
}

static void *csched2_alloc_vdata(const struct scheduler *ops, struct vcpu *v,
                                 void *dom_data)
{
    struct csched2_vcpu *svc = xzalloc(struct csched2_vcpu);

    if ( !svc )
        return NULL;
    svc->vcpu = v;
    svc->sdom = dom_data;
    INIT_LIST_HEAD(&svc->runq_elem);
    svc->credit = CSCHED2_CREDIT_INIT;
    svc->acct_start = svc->run_start = svc->load_stamp = NOW();
    return svc;
}

static void csched2_free_vdata(const struct scheduler *ops, void *vdata)
{
    const struct csched2_vcpu *svc = vdata;

    ASSERT(!svc || !(svc->flags & (C2F_QUEUED | C2F_PARKED)));
    xfree(vdata);
}

/* --- The 'r' key. --- */

static unsigned int load_pct(int64_t fixed)
{
    return (unsigned int)((fixed * 100) >> LOAD_SHIFT);
}

static void csched2_dump_settings(const struct scheduler *ops)
{
    const struct csched2_private *prv = c2_priv(ops);
    const struct csched2_runqueue *rqd;
    unsigned int i;
    char buf[64];

    printk("  credit2: ratelimit %uus, run queues per %s, max weight %u\n",
           prv->ratelimit_us, c2_group_name[prv->grouping], prv->max_weight);
    for_each_cpu ( i, &prv->active_rqds )
    {
        rqd = prv->rqd[i];
        cpumask_scnprintf(buf, sizeof(buf), &rqd->active);
        printk("  runqueue %u: pCPUs %s, load %u (avg %u%% per pCPU), "
               "queued %u, resets %lu, steals %lu, pushed %lu, pulled %lu\n",
               rqd->id, buf, rqd->load, load_pct(rqd_load_per_cpu(rqd, NOW())),
               rqd->nr_queued, rqd->nr_resets, rqd->nr_steals, rqd->nr_pushed,
               rqd->nr_pulled);
    }
}

/* The pCPU's run queue; the queue itself once, with its first pCPU. */
static void csched2_dump_cpu_state(const struct scheduler *ops,
                                   unsigned int cpu)
{
    const struct csched2_runqueue *rqd = c2_rqd(cpu);
    const struct list_head *lists[] = { &rqd->runq, &rqd->parked };
    const struct csched2_vcpu *svc;
    unsigned int i, n;

    printk("  runqueue %u%s%s\n", rqd->id,
           cpumask_test_cpu(cpu, &rqd->idle) ? ", idle" : "",
           cpumask_test_cpu(cpu, &rqd->tickled) ? ", tickled" : "");
    if ( cpu != cpumask_first(&rqd->active) )
        return;
    for ( i = 0; i < ARRAY_SIZE(lists); i++ )
    {
        if ( list_empty(lists[i]) )
            continue;
        printk(i ? "  parked:" : "  queued (credit in us):");
        n = 0;
        list_for_each_entry ( svc, lists[i], runq_elem )
        {
            if ( ++n > 64 )
            {
                printk(" ...");
                break;
            }
            printk("%s d%uv%u(%ld)", n % 8 ? "" : "\n   ",
                   svc->vcpu->domain->domain_id, svc->vcpu->vcpu_id,
                   (long)(svc->credit / 1000));
        }
        printk("\n");
    }
}

static void csched2_dump_vcpu(const struct scheduler *ops,
                              const struct vcpu *v)
{
    const struct csched2_vcpu *svc = c2_vcpu(v);

    if ( c2_is_idle(svc) )
        return;
    printk("credit=%ldus weight=%u cap=%u load=%u%% rq=%d%s%s",
           (long)(svc->credit / 1000), svc->sdom->weight, svc->sdom->cap,
           load_pct(svc_load_now(svc, NOW())),
           svc->rqd ? (int)svc->rqd->id : -1,
           (svc->flags & C2F_QUEUED) ? " queued" : "",
           (svc->flags & C2F_PARKED) ? " parked" : "");
}

const struct scheduler sched_credit2_def = {
    .name           = "SMP Credit Scheduler rev2",
    .opt_name       = "credit2",
    .sched_id       = XEN_SCHEDULER_CREDIT2,

    .init           = csched2_init,
    .deinit         = csched2_deinit,
    .alloc_pdata    = csched2_alloc_pdata,
    .switch_sched   = csched2_switch_sched,
    .deinit_pdata   = csched2_deinit_pdata,
    .free_pdata     = csched2_free_pdata,
    .alloc_domdata  = csched2_alloc_domdata,
    .free_domdata   = csched2_free_domdata,
    .alloc_vdata    = csched2_alloc_vdata,
    .free_vdata     = csched2_free_vdata,
    .insert_vcpu    = csched2_insert_vcpu,
    .remove_vcpu    = csched2_remove_vcpu,

    .sleep          = csched2_sleep,
    .wake           = csched2_wake,
    .yield          = csched2_yield,
    .context_saved  = csched2_context_saved,
    .do_schedule    = csched2_schedule,
    .pick_cpu       = csched2_pick_cpu,

    .adjust         = csched2_adjust,
    .adjust_global  = csched2_adjust_global,
    .dump_settings  = csched2_dump_settings,
    .dump_cpu_state = csched2_dump_cpu_state,
    .dump_vcpu      = csched2_dump_vcpu,
};
