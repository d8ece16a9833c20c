/*
 * sched_credit2_balance.c: credit2's moving of vCPUs between run queues.
 *
 * Theory of operation
 * -------------------
 * A pCPU decides (sched_credit2.c) only among the vCPUs of its own run
 * queue. Left alone, run queues would drift apart: one with more runnable
 * vCPUs per pCPU than another gives each of them less. Two mechanisms move
 * queued vCPUs across; both run from csched2_schedule, at the end of a
 * pCPU's decision (balancing) or when it found nothing to run (stealing).
 *
 * Load. Each run queue keeps a decaying average of how many of its vCPUs
 * are runnable (queued or running), each vCPU one of how much of the time
 * it is runnable: fixed point, LOAD_ONE for one always-runnable vCPU,
 * closing on the current value over a window of 2^24 ns (~16.8 ms), and
 * brought up to date lazily, when the count changes or the value is read
 * (sched_credit2.h). A vCPU that moves takes its average with it, so both
 * run queues' averages show the move at once and the next round does not
 * move more for an imbalance already dealt with.
 *
 * Balancing. Once per BALANCE_PERIOD (10 ms) per run queue, the first of
 * its pCPUs to decide after the deadline compares the run queue's average
 * load per pCPU with every other run queue's and picks the one furthest
 * from it. Beyond BALANCE_TOLERANCE (1/64 of a vCPU per pCPU) it looks at
 * the first BALANCE_SCAN vCPUs queued on the busier side as candidates to
 * push across, and at swapping each of the first SWAP_SCAN of them with
 * one of the first SWAP_SCAN queued on the other side (a swap moves the
 * difference of two loads, finer than either). Only queued vCPUs move:
 * a running one is busy and a parked one adds no load. The candidate that
 * leaves the smallest difference is taken if it shrinks the difference by
 * at least BALANCE_MIN_GAIN: demanding that every move shrinks it is what
 * keeps vCPUs from bouncing back and forth between run queues. Hard
 * affinity is a must (a vCPU goes only where a pCPU may run it); soft
 * affinity a preference: the best move that keeps each vCPU it moves in
 * its soft affinity (or moves one that was not in it anyway) wins if it
 * helps at all, else the best of all. A moved vCPU settles its credit
 * with its old run queue's resets, follows the new one's from then on,
 * and is queued and tickled there like a waking vCPU.
 *
 * Stealing. Balancing works on averages, over tens of ms; stealing makes
 * sure that no pCPU idles while a vCPU it may run waits elsewhere. A pCPU
 * whose run queue has nothing for it goes through the other run queues
 * with vCPUs queued and takes the first of their first STEAL_SCAN that
 * its hard affinity allows and its cap budget lets run (queues are sorted,
 * so the one with the most credit), to run at once. The queuing side does
 * its part (c2_runq_tickle): a vCPU queued where no pCPU is idle and none
 * would be preempted for it wakes an idle pCPU of another run queue that
 * may run it, which then steals it.
 *
 * Locking: everything here runs from csched2_schedule, with the deciding
 * pCPU's run queue lock held (its schedule lock, IRQs off). Another run
 * queue's lock is only ever trylocked, and given up at once on failure
 * (balancing then retries after MIN_TIMER, stealing tries the next run
 * queue): two run queues may be balancing towards each other, so run
 * queue locks have no order and must never be waited for here. Moving a
 * vCPU (move_rqd, migrate_queued) needs both locks. Without a run queue's
 * lock only hints are read: its nr_cpus, nr_queued and load, and
 * prv->active_rqds; what matters is checked again under the lock (an
 * empty run queue has nothing queued). prv->rqd[] is read without
 * prv->lock: entries are only added, and freed at deinit. Stealing takes
 * sdom->budget_lock (c2_budget_ok) under both run queue locks: it is
 * innermost everywhere.
 */
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/atomic.h>

#include "sched_credit2.h"

/*
 * Per-pCPU load difference worth a look, and the least gain worth a move
 * (a move must shrink the difference: that alone prevents ping-pong).
 */
#define BALANCE_TOLERANCE       (LOAD_ONE / 64)
#define BALANCE_MIN_GAIN        (LOAD_ONE / 64)
/* How far down a queue balancing and stealing look. */
#define BALANCE_SCAN            32
#define SWAP_SCAN               8
#define STEAL_SCAN              64

static inline int64_t c2_abs(int64_t x)
{
    return x < 0 ? -x : x;
}

/* --- Moving vCPUs between run queues (both locks held). --- */

/*
 * svc (not queued, not running) leaves src for cpu of dst. Its load
 * average goes with it, or balancing would overshoot.
 */
static void move_rqd(struct csched2_runqueue *src, struct csched2_runqueue *dst,
                     struct csched2_vcpu *svc, unsigned int cpu, s_time_t now)
{
    int64_t l;

    ASSERT(!(svc->flags & (C2F_QUEUED | C2F_PARKED | C2F_DELAYED)));
    ASSERT(!svc->vcpu->is_running);
    ASSERT(spin_is_locked(&src->lock) && spin_is_locked(&dst->lock));

    if ( svc->flags & C2F_ACTIVE )
    {
        rqd_load_update(src, now);
        rqd_load_update(dst, now);
        svc_load_update(svc, now);
        src->load--;
        dst->load++;
        l = svc->avgload;
        src->avgload = src->avgload > l ? src->avgload - l : 0;
        dst->avgload += l;
    }
    credit_sync(src, svc);
    credit_attach(dst, svc);
    write_atomic(&svc->vcpu->processor, cpu);
}

/* Move queued svc from src to dst, queue it there and find it a pCPU. */
static void migrate_queued(const struct csched2_private *prv,
                           struct csched2_runqueue *src,
                           struct csched2_runqueue *dst,
                           struct csched2_vcpu *svc, s_time_t now)
{
    const struct vcpu *v = svc->vcpu;
    unsigned int cpu = c2_idle_cpu_for(dst, v);
    cpumask_t mask;

    if ( cpu >= NR_CPUS )
    {
        affinity_balance_cpumask(v, BALANCE_HARD_AFFINITY, &mask);
        cpumask_and(&mask, &mask, &dst->active);
        ASSERT(!cpumask_empty(&mask));
        cpu = cpumask_first(&mask);
    }
    runq_remove(src, svc);
    move_rqd(src, dst, svc, cpu, now);
    c2_runq_insert(dst, svc);
    c2_runq_tickle(prv, dst, svc, now);
}

/* --- Balancing. --- */

/* Whether v's hard affinity has a pCPU of rqd. */
static bool may_run_in(const struct vcpu *v, const struct csched2_runqueue *rqd)
{
    cpumask_t mask;

    affinity_balance_cpumask(v, BALANCE_HARD_AFFINITY, &mask);
    return c2_intersects(&mask, &rqd->active);
}

/* Whether moving v from src to dst keeps it in its soft affinity. */
static bool soft_ok(const struct vcpu *v, const struct csched2_runqueue *src,
                    const struct csched2_runqueue *dst)
{
    return !has_soft_affinity(v) ||
           c2_intersects(&v->cpu_soft_affinity, &dst->active) ||
           !c2_intersects(&v->cpu_soft_affinity, &src->active);
}

/* |per-pCPU load of src - that of dst| after moving delta from src. */
static int64_t imbalance(const struct csched2_runqueue *src,
                         const struct csched2_runqueue *dst, int64_t delta)
{
    return c2_abs((src->avgload - delta) / src->nr_cpus -
                  (dst->avgload + delta) / dst->nr_cpus);
}

/* A candidate move: push from src (and pull back, for a swap). */
struct balance_move {
    struct csched2_vcpu *push, *pull;
    int64_t result;
};

static void consider(struct balance_move *m, struct csched2_vcpu *push,
                     struct csched2_vcpu *pull, int64_t result)
{
    if ( result < m->result )
        *m = (struct balance_move){ push, pull, result };
}

/*
 * src is the busier of the two: find the queued vCPU (or pair, swapped)
 * whose move evens the loads out the most, and make it. Moves keeping
 * vCPUs in their soft affinity win when they help at all.
 */
static void balance_pair(const struct csched2_private *prv,
                         struct csched2_runqueue *src,
                         struct csched2_runqueue *dst, s_time_t now)
{
    struct balance_move soft = { .result = INT64_MAX }, any = soft;
    int64_t before = imbalance(src, dst, 0), ls, r;
    struct csched2_vcpu *s, *d;
    unsigned int ns = 0, nd;
    bool sok;

    list_for_each_entry ( s, &src->runq, runq_elem )
    {
        if ( ++ns > BALANCE_SCAN )
            break;
        if ( !may_run_in(s->vcpu, dst) )
            continue;
        ls = svc_load_now(s, now);
        sok = soft_ok(s->vcpu, src, dst);
        r = imbalance(src, dst, ls);
        consider(&any, s, NULL, r);
        if ( sok )
            consider(&soft, s, NULL, r);
        nd = 0;
        list_for_each_entry ( d, &dst->runq, runq_elem )
        {
            if ( ns > SWAP_SCAN || ++nd > SWAP_SCAN )
                break;
            if ( !may_run_in(d->vcpu, src) )
                continue;
            r = imbalance(src, dst, ls - svc_load_now(d, now));
            consider(&any, s, d, r);
            if ( sok && soft_ok(d->vcpu, dst, src) )
                consider(&soft, s, d, r);
        }
    }

    if ( soft.push && soft.result + BALANCE_MIN_GAIN <= before )
        any = soft;
    else if ( !any.push || any.result + BALANCE_MIN_GAIN > before )
        return;

    migrate_queued(prv, src, dst, any.push, now);
    src->nr_pushed++;
    dst->nr_pulled++;
    if ( any.pull )
    {
        migrate_queued(prv, dst, src, any.pull, now);
        dst->nr_pushed++;
        src->nr_pulled++;
    }
}

/* Every BALANCE_PERIOD, from a pCPU of rqd: even out with another. */
void c2_balance_load(const struct csched2_private *prv,
                     struct csched2_runqueue *rqd, s_time_t now)
{
    struct csched2_runqueue *o, *other = NULL;
    int64_t mine, diff, best = 0;
    unsigned int i;

    rqd->next_balance = now + CSCHED2_BALANCE_PERIOD;
    rqd_load_update(rqd, now);
    mine = rqd->avgload / rqd->nr_cpus;
    for_each_cpu ( i, &prv->active_rqds )
    {
        o = prv->rqd[i];
        if ( o == rqd || !ACCESS_ONCE(o->nr_cpus) )
            continue;
        diff = mine - rqd_load_per_cpu(o, now);
        if ( c2_abs(diff) > c2_abs(best) )
        {
            best = diff;
            other = o;
        }
    }
    if ( !other || c2_abs(best) <= BALANCE_TOLERANCE )
        return;
    if ( !spin_trylock(&other->lock) )
    {
        rqd->next_balance = now + CSCHED2_MIN_TIMER;    /* soon again */
        return;
    }
    if ( other->nr_cpus )
    {
        rqd_load_update(other, now);
        if ( best > 0 )
            balance_pair(prv, rqd, other, now);
        else
            balance_pair(prv, other, rqd, now);
    }
    spin_unlock(&other->lock);
}

/* --- Stealing. --- */

/*
 * cpu has nothing to run from rqd: take the best queued vCPU it may run
 * from another run queue (trylock, so never waiting with ours held).
 */
struct csched2_vcpu *c2_steal_work(const struct csched2_private *prv,
                                   struct csched2_runqueue *rqd,
                                   unsigned int cpu, s_time_t now)
{
    struct csched2_runqueue *o;
    struct csched2_vcpu *svc;
    unsigned int i, n;
    s_time_t until;

    for_each_cpu ( i, &prv->active_rqds )
    {
        o = prv->rqd[i];
        if ( o == rqd || !ACCESS_ONCE(o->nr_queued) || !spin_trylock(&o->lock) )
            continue;
        n = 0;
        list_for_each_entry ( svc, &o->runq, runq_elem )
        {
            if ( ++n > STEAL_SCAN )
                break;
            if ( !c2_may_pick(svc, cpu) || !c2_budget_ok(svc, now, &until) )
                continue;
            runq_remove(o, svc);
            move_rqd(o, rqd, svc, cpu, now);
            o->nr_pushed++;
            rqd->nr_steals++;
            spin_unlock(&o->lock);
            return svc;
        }
        spin_unlock(&o->lock);
    }
    return NULL;
}
