/*
 * sched_credit_acct.c: the credit scheduler's accounting (see
 * sched_credit.c for the rest of the scheduler, sched_credit.h for what
 * the two share).
 *
 * Theory of operation
 * -------------------
 * Debits (sched_credit.c) take from each vCPU's balance exactly the time
 * it ran. Accounting gives back: once per tick period (10 ms with the
 * default 30 ms slice), on the pool's master pCPU, it hands out the pCPU
 * time the pool was busy since the last accounting, read from per-pCPU
 * idle clocks, plus what parked vCPUs were kept from running. Time the
 * pool idled was wanted by nobody allowed there (stealing makes sure of
 * that), so vCPUs pinned to part of a pool share what that part gives.
 *
 * Who takes part. A vCPU is active, on its domain's list and its domain
 * on the pool's, from its first debit (csched_acct_start(), called by the
 * debit) until an accounting finds it slept through the whole period.
 * Only active vCPUs receive credit, and their weights alone divide it.
 *
 * Sharing, in passes over the active vCPUs (acct_locked()):
 *  1. gather: what each used, and the most it may receive: one pCPU's
 *     worth of the period, its part of its domain's cap and, if it slept
 *     (it had what it wanted), what it used plus what brings its balance
 *     up to a period's worth;
 *  2. fill: the busy time is shared by weight, water filling: a vCPU
 *     whose part exceeds its limit gets its limit and the rest is shared
 *     again among the others;
 *  3. idle: idle time tops up vCPUs that slept and may run where a pCPU
 *     idled, up to their limit;
 *  4. apply: each balance gets its share, kept within one slice's worth
 *     of credit either way.
 * Late ticks stretch the period (the span): limits and the floor of the
 * balances grow with it, so a late tick distorts no share.
 *
 * Caps. A capped domain's active vCPUs get at most cap% of one pCPU per
 * period between them, each an equal part. The apply pass parks a vCPU
 * whose debt exceeds its part of a period's cap (CSCHED_FLAG_PARKED, then
 * a SCHEDULE_SOFTIRQ on its pCPU, which moves it to its park queue and
 * never picks it), and unparks it once out of debt or uncapped (flag
 * cleared, its pCPU marked in prv->unpark and asked to decide, which puts
 * it back on its run queue). A parked vCPU cannot run: the time it was
 * kept from (its cap's worth) is added to what is handed out, and it
 * gets its part of that like the others, so parking delays its credit
 * rather than forfeiting it.
 *
 * Every accounting bumps prv->acct_epoch: each pCPU re-sorts its run
 * queue by the new balances at its next tick or decision.
 *
 * Locking:
 *  - Everything here runs under prv->lock (IRQs off): csched_acct() takes
 *    it on the master pCPU's tick; csched_acct_start() / _stop() are
 *    called with it held. It protects the active lists, the per-vCPU
 *    accounting scratch (acct_*), the pCPUs' accounting marks (acct_time,
 *    acct_idle), prv->cpus and the master, the parameters, the domains'
 *    weights and caps, and the statistics.
 *  - No schedule lock is ever taken here (a debit holding one may wait
 *    for prv->lock: the order is schedule lock, then prv->lock). pCPUs
 *    are reached only by atomic flag bits, the prv->unpark mask and
 *    SCHEDULE_SOFTIRQ.
 *  - Lock-free against the pCPUs: balances change by cmpxchg (debits run
 *    concurrently, under their schedule locks), usage is swapped out with
 *    xchg, the flags are atomic bits, and a pCPU's idle clock (idle_start,
 *    idle_sum), written by that pCPU, is read with read_atomic. A vCPU's
 *    processor is read once and only used to send it a softirq: if the
 *    vCPU moves meanwhile, the new pCPU's next tick looks at its park
 *    queue anyway.
 */
#include <xen/bitops.h>
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/atomic.h>
#include <asm/div64.h>

#include "sched_credit.h"

/* An accounting covers at most this many periods (late ticks). */
#define CSCHED_ACCT_MAX_SPAN        8
/* Water-filling passes of the accounting (see acct_fill()). */
#define CSCHED_ACCT_PASSES          4

/* --- Active vCPUs (prv->lock held). --- */

/* svc starts receiving credit (prv->lock held). */
void csched_acct_start(struct csched_private *prv, struct csched_vcpu *svc)
{
    struct csched_dom *sdom = svc->sdom;

    ASSERT(spin_is_locked(&prv->lock));
    ASSERT(list_empty(&svc->active_elem));

    list_add_tail(&svc->active_elem, &sdom->active_vcpus);
    if ( sdom->nr_active++ == 0 )
        list_add_tail(&sdom->active_elem, &prv->active_sdom);
}

/* svc stops receiving credit (prv->lock held). */
void csched_acct_stop(struct csched_private *prv, struct csched_vcpu *svc)
{
    struct csched_dom *sdom = svc->sdom;

    ASSERT(spin_is_locked(&prv->lock));
    ASSERT(!list_empty(&svc->active_elem));
    ASSERT(sdom->nr_active > 0);

    list_del_init(&svc->active_elem);
    if ( --sdom->nr_active == 0 )
        list_del_init(&sdom->active_elem);
}

/* --- The accounting (prv->lock held). --- */

/*
 * Add delta to svc's balance, keeping it within [-floor, bound]; returns
 * the new balance. Atomic against debits on other pCPUs.
 */
static int credit_add(struct csched_vcpu *svc, int delta, int floor,
                      int bound)
{
    int old = atomic_read(&svc->credit), new, seen;

    for ( ; ; )
    {
        new = old + delta;
        if ( new < -floor )
            new = -floor;
        else if ( new > bound )
            new = bound;
        seen = atomic_cmpxchg(&svc->credit, old, new);
        if ( seen == old )
            return new;
        old = seen;
    }
}

/*
 * Each active vCPU's part of its domain's cap over span; 0: no cap. Any
 * cap a uint16_t holds is accepted (as in Xen), so this is 64-bit: caps
 * above what the domain's vCPUs can use simply never bind.
 */
static uint64_t acct_cap(const struct csched_dom *sdom, unsigned int span)
{
    uint64_t cap = DIV_ROUND_UP((uint64_t)sdom->cap * span, 100);

    return sdom->cap ? DIV_ROUND_UP(cap, sdom->nr_active) : 0;
}

#define for_each_active_vcpu(prv, sdom, svc)                                \
    list_for_each_entry ( sdom, &(prv)->active_sdom, active_elem )          \
        list_for_each_entry ( svc, &(sdom)->active_vcpus, active_elem )

/*
 * Pass 1: collect what each active vCPU used and the most it may receive;
 * deactivate those that slept through the period. Returns what parked
 * vCPUs were kept from using; *weight gets the active vCPUs' weight.
 */
static uint64_t acct_gather(struct csched_private *prv, unsigned int span,
                            uint64_t *weight)
{
    struct csched_dom *sdom, *next_dom;
    struct csched_vcpu *svc, *next;
    struct list_head *vcpus;
    uint64_t total = 0, cap;
    unsigned int used, limit;
    int lack;
    bool slept;

    list_for_each_entry_safe ( sdom, next_dom, &prv->active_sdom, active_elem )
    {
        cap = acct_cap(sdom, span);
        vcpus = &sdom->active_vcpus;
        list_for_each_entry_safe ( svc, next, vcpus, active_elem )
        {
            used = xchg(&svc->used.counter, 0);
            slept = test_and_clear_bit(CSCHED_FLAG_SLEPT, &svc->flags) ||
                    !vcpu_runnable(svc->vcpu);
            limit = cap ? min_t(uint64_t, cap, span) : span;
            /* Parked by the last accounting or earlier, it could not run
             * in the period: it wanted its cap's worth. */
            if ( svc_parked(svc) )
                total += limit;
            else if ( slept && !used )
            {
                csched_acct_stop(prv, svc);
                continue;
            }
            /*
             * It slept, so it had what it wanted: its use, and what keeps
             * its balance a period's worth in credit (boosted when it
             * wakes). Never more than its fair part, though (acct_fill()).
             */
            svc->acct_slept = slept;
            lack = prv->period_credit - atomic_read(&svc->credit);
            if ( slept )
                limit = min(limit, used + max(lack, 0));
            svc->acct_limit = limit;
            svc->acct_full = false;
            *weight += sdom->weight;
        }
    }
    return total;
}

/*
 * The pool's pCPU time since the last accounting, busy (returned) and
 * idle (*idle), in credits; *idled gets the pCPUs that idled. Read from
 * each pCPU's idle clock, so exact at this instant, unlike the debits of
 * running vCPUs, which come at their pCPUs' ticks. A pCPU's data stays
 * while it is in prv->cpus, which changes only under prv->lock.
 */
static uint64_t acct_busy(struct csched_private *prv, s_time_t now,
                          unsigned int span, uint64_t *idle, cpumask_t *idled)
{
    struct csched_pcpu *spc;
    s_time_t start, sum, d_idle, d_all;
    uint64_t busy = 0;
    unsigned int cpu;

    *idle = 0;
    cpumask_clear(idled);
    for_each_cpu ( cpu, &prv->cpus )
    {
        spc = CSCHED_PCPU(cpu);
        start = read_atomic(&spc->idle_start);
        sum = read_atomic(&spc->idle_sum);
        sum += start ? now - start : 0;
        d_all = now - spc->acct_time;
        d_idle = min(max(sum - spc->acct_idle, (s_time_t)0), d_all);
        spc->acct_time = now;
        spc->acct_idle = sum;
        busy += min_t(uint64_t, (d_all - d_idle) / CSCHED_NS_PER_CREDIT, span);
        *idle += d_idle / CSCHED_NS_PER_CREDIT;
        if ( d_idle )
            cpumask_set_cpu(cpu, idled);
    }
    return busy;
}

/*
 * Passes 2 and on: share total by weight, water filling: a vCPU whose part
 * exceeds its limit gets its limit, and the rest is shared again among the
 * others. The level only rises, so a few passes settle it; any vCPU still
 * above its limit after the last is held to it.
 */
static void acct_fill(struct csched_private *prv, uint64_t total,
                      uint64_t weight)
{
    struct csched_dom *sdom;
    struct csched_vcpu *svc;
    uint64_t level_t, level_w;
    unsigned int pass;
    bool more = true;

    for ( pass = 0; pass < CSCHED_ACCT_PASSES && more && weight; pass++ )
    {
        more = false;
        level_t = total;
        level_w = weight;
        for_each_active_vcpu ( prv, sdom, svc )
        {
            if ( svc->acct_full ||
                 muldiv64(level_t, sdom->weight, level_w) < svc->acct_limit )
                continue;
            svc->acct_full = true;
            svc->acct_share = svc->acct_limit;
            total -= min_t(uint64_t, total, svc->acct_limit);
            weight -= sdom->weight;
            more = true;
        }
    }

    for_each_active_vcpu ( prv, sdom, svc )
        if ( !svc->acct_full )
            svc->acct_share = min_t(uint64_t, svc->acct_limit,
                                    muldiv64(total, sdom->weight, weight));
}

/*
 * pCPU time that idled may go to vCPUs that slept (so were not held back
 * by others) and may run where it idled, up to their limit: this keeps
 * the balances of vCPUs that want less than their share in credit when
 * the pool is not busy. vCPUs that never sleep get none of it, so those
 * pinned where no pCPU idles still share exactly the time they use.
 */
static void acct_idle(struct csched_private *prv, uint64_t idle,
                      const cpumask_t *idled)
{
    struct csched_dom *sdom;
    struct csched_vcpu *svc;
    unsigned int extra;

    for_each_active_vcpu ( prv, sdom, svc )
    {
        if ( !idle )
            break;
        if ( !svc->acct_slept || svc->acct_share >= svc->acct_limit ||
             !cpumask_intersects(&svc->vcpu->cpu_hard_affinity, idled) )
            continue;
        extra = min_t(uint64_t, svc->acct_limit - svc->acct_share, idle);
        svc->acct_share += extra;
        idle -= extra;
    }
}

/*
 * Last pass: credit each vCPU its share and act on the new balance: park
 * it when its domain is capped and it is more than its per-period cap in
 * debt; unpark it when out of debt or the cap is gone.
 */
static void acct_apply(struct csched_private *prv, int floor)
{
    struct csched_dom *sdom;
    struct csched_vcpu *svc;
    uint64_t cap;
    unsigned int cpu;
    int credit;

    for_each_active_vcpu ( prv, sdom, svc )
    {
        cap = acct_cap(sdom, prv->period_credit);
        credit = credit_add(svc, svc->acct_share, floor, prv->credit_bound);
        cpu = read_atomic(&svc->vcpu->processor);

        if ( cap && credit < -(int64_t)cap )
        {
            if ( !test_and_set_bit(CSCHED_FLAG_PARKED, &svc->flags) )
            {
                prv->nr_parks++;
                cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
            }
        }
        else if ( (credit >= 0 || !cap) &&
                  test_and_clear_bit(CSCHED_FLAG_PARKED, &svc->flags) )
        {
            prv->nr_unparks++;
            cpumask_set_cpu(cpu, &prv->unpark);
            cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        }
    }
}

/*
 * One accounting. Its span is the time since the last one: ticks may come
 * late (a busy or emulated machine), and then the limits grow with the
 * time handed out, and so does the floor of the balances (debits of the
 * whole span have landed), so late ticks distort no share.
 */
static void acct_locked(struct csched_private *prv)
{
    s_time_t now = NOW();
    unsigned int span = prv->period_credit;
    uint64_t weight = 0, total, idle;
    cpumask_t idled;

    ASSERT(spin_is_locked(&prv->lock));

    if ( prv->acct_last && now > prv->acct_last )
        span = min_t(s_time_t, (now - prv->acct_last) / CSCHED_NS_PER_CREDIT,
                     CSCHED_ACCT_MAX_SPAN * span);
    prv->acct_last = now;
    prv->nr_acct++;

    total = acct_busy(prv, now, span, &idle, &idled);
    total += acct_gather(prv, span, &weight);
    prv->last_total = total;
    acct_fill(prv, total, weight);
    acct_idle(prv, idle, &idled);
    acct_apply(prv, prv->credit_bound + span - min(span, prv->period_credit));
}

/* Run the accounting if cpu is the pool's master. */
void csched_acct(struct csched_private *prv, unsigned int cpu)
{
    unsigned long flags;

    if ( read_atomic(&prv->master) != cpu )
        return;

    spin_lock_irqsave(&prv->lock, flags);
    if ( prv->master == cpu )
    {
        acct_locked(prv);
        write_atomic(&prv->acct_epoch, prv->acct_epoch + 1);
    }
    spin_unlock_irqrestore(&prv->lock, flags);
}
