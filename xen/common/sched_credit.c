/*
 * sched_credit.c: the credit scheduler (sched=credit), the default. Its
 * accounting lives in sched_credit_acct.c; sched_credit.h holds what the
 * two files share.
 *
 * Theory of operation
 * -------------------
 * Credit. Each vCPU has a balance counted in microseconds of pCPU time.
 * Running costs what was really run: the start is stamped at switch-in,
 * and at every tick while it runs and at every decision the NOW()
 * difference since the stamp is debited (the sub-credit rest carried
 * over), so no time escapes between ticks. Balances stay within one
 * slice's worth (at least three tick periods) either way. A debit also
 * makes its vCPU active: one that accounting gives credit to.
 *
 * Accounting (sched_credit_acct.c), once per tick period on the pool's
 * master pCPU, hands out by weight the pCPU time the pool was busy, and
 * parks or unparks the vCPUs of capped domains. This file sees only its
 * results: new balances (a pCPU re-sorts its run queue once
 * prv->acct_epoch moves), parked flags and the prv->unpark mask.
 *
 * Priorities: BOOST > UNDER (balance >= 0) > OVER (< 0) > IDLE. A vCPU
 * waking in credit is boosted: it preempts UNDER and OVER work and boosted
 * runners (once they have run the ratelimit). A boost covers at most
 * CSCHED_BOOST_RUN of running, ends at the first tick finding the vCPU
 * running, and with a debit that puts it in debt; as debits come from
 * timestamps, a vCPU that runs between the ticks pays for all of it, is
 * soon in debt and no longer boosted: it gets no more than its share.
 *
 * Run queues: one per pCPU, by priority, FIFO among equals, holding the
 * vCPUs waiting for it. do_schedule() charges the running vCPU, requeues
 * it if still runnable and takes the head. After an accounting each pCPU
 * re-sorts its queue once (a linear pass), at its next tick or decision.
 *
 * Ticks, per pCPU, at absolute multiples of the tick period: charge the
 * running vCPU, end its boost, re-sort if needed, and ask for a decision
 * when something better waits, when the running vCPU was parked, or when
 * the pCPU idles while other pCPUs have work queued. The master's tick
 * runs the accounting first.
 *
 * Parking. A vCPU that accounting parked is moved from the run queue to
 * its pCPU's park queue (by the decision accounting asks for, or when met
 * at the head of the queue or by a re-sort), whence it is never picked.
 * Once accounting unparks it, its pCPU puts it back on the run queue. To
 * the framework a parked vCPU is still runnable: parking is ours alone.
 *
 * Stealing. When the best local candidate is worse than UNDER, the pCPU
 * looks at the pool's other pCPUs that have better work queued (pool-wide
 * cpumasks say which), trylocking each (never spinning), and takes the
 * first better vCPU that is not running, not parked, allowed here and not
 * cache hot (off its pCPU for less than vcpu_migr_delay_us). If a lock was
 * busy or a vCPU hot, an idle pCPU looks again after CSCHED_IDLE_RETRY;
 * an idle pCPU's tick looks too: nothing waits more than a tick while an
 * allowed pCPU idles.
 *
 * Placement. A waker is queued on v->processor (pick_cpu() chooses when
 * the framework moves a vCPU: an idle pCPU of the soft, then of the hard
 * affinity, else the current pCPU if allowed, else the next one). Then its
 * pCPU is asked to decide if the waker beats what runs there; otherwise an
 * idle pCPU that may run it is woken to steal it, as is one for a running
 * vCPU that a decision puts back on its queue.
 *
 * Affinity. Hard affinity is never violated: placing, stealing and
 * tickling only use pCPUs in it. Soft affinity is preferred through the
 * two balance steps of sched-if.h.
 *
 * Ratelimit. A running vCPU still runnable keeps its pCPU until it has run
 * ratelimit_us since switch-in (less the timer slop, so that no waker
 * waits longer than that), whoever wakes. Yielders and parked vCPUs are
 * not kept.
 *
 * Parameters, as Xen's credit scheduler has them. Per domain: weight
 * 1..65535 (default 256) and cap in % of one pCPU (0, the default: none);
 * on put, weight 0 and cap 0xFFFF each leave theirs unchanged, and no
 * other value is refused. Per pool: the time slice (1..1000 ms, default
 * 30 or sched_credit_tslice_ms=), the ratelimit (0 = off or 100..500000
 * us, at most the slice; default sched_ratelimit_us=) and the migration
 * delay (0..100000 us), checked together and taking effect at the next
 * tick or decision.
 *
 * Locking:
 *  - A pCPU's schedule lock (the framework's, one per pCPU) protects its
 *    queues and counters and, for each vCPU whose processor it is, where
 *    that is queued, its priority, timestamps and sub-credit rest.
 *  - prv->lock, per pool instance, protects the accounting: the active
 *    domain and vCPU lists and accounting's per-vCPU scratch, the pCPU set
 *    and master, the parameters, the domains' weights and caps.
 *  - Order: a schedule lock, then prv->lock (debits activate vCPUs).
 *    Accounting takes prv->lock alone, never a schedule lock: it reaches
 *    pCPUs only by atomic flags and SCHEDULE_SOFTIRQ. Stealing holds its
 *    own schedule lock and trylocks one peer's at a time. prv->lock is
 *    always taken with IRQs off.
 *  - Lock-free: balances and usage are atomic_t (debits under the schedule
 *    lock, accounting under prv->lock); the flags are atomic bits; a
 *    pCPU's idle clock is written by it and read by accounting; the
 *    pool-wide cpumasks use atomic bit operations and are hints, checked
 *    again under a lock where it matters.
 *  sched_credit_acct.c states the accounting's side of these rules.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/atomic.h>

#include "sched_credit.h"

/* --- Constants. --- */

#define CSCHED_DEFAULT_WEIGHT       256
/* A putinfo cap that leaves the cap unchanged (weight: 0 does that). */
#define CSCHED_CAP_KEEP             ((uint16_t)~0U)
#define CSCHED_DEFAULT_TSLICE_MS    30
#define CSCHED_TICKS_PER_TSLICE     3
/* One credit is CSCHED_NS_PER_CREDIT (sched_credit.h): 1 us. */
#define CSCHED_CREDITS_PER_MS       (MILLISECS(1) / CSCHED_NS_PER_CREDIT)
/* No debit charges more than this at once (bounds the arithmetic). */
#define CSCHED_MAX_DEBIT_NS         SECONDS(1)
/* Never arm a slice shorter than this. */
#define CSCHED_MIN_TIMER            MICROSECS(XEN_SYSCTL_SCHED_RATELIMIT_MIN)
/* A boosted vCPU keeps its boost for this much running at most. */
#define CSCHED_BOOST_RUN            MILLISECS(1)
/* An idle pCPU that could not look everywhere looks again this soon. */
#define CSCHED_IDLE_RETRY           MILLISECS(1)

/* Priorities: higher is better. */
#define CSCHED_PRI_BOOST             0
#define CSCHED_PRI_UNDER            -1
#define CSCHED_PRI_OVER             -2
#define CSCHED_PRI_IDLE             -64

/* Where a vCPU is queued (svc->where). */
#define CSCHED_NOWHERE              0
#define CSCHED_ON_RUNQ              1
#define CSCHED_ON_PARKQ             2

/* Our data (struct csched_*: sched_credit.h) from the framework's. */
#define CSCHED_PRIV(ops)    ((struct csched_private *)(ops)->sched_data)
#define CSCHED_VCPU(v)      ((struct csched_vcpu *)(v)->sched_priv)
#define CSCHED_DOM(d)       ((struct csched_dom *)(d)->sched_priv)

/* Boot option: the default time slice of every credit pool. */
static unsigned int sched_credit_tslice_ms = CSCHED_DEFAULT_TSLICE_MS;
integer_param("sched_credit_tslice_ms", sched_credit_tslice_ms);

static inline bool is_idle_svc(const struct csched_vcpu *svc)
{
    return svc->sdom == NULL;
}

static inline struct csched_vcpu *runq_elem(const struct list_head *e)
{
    return list_entry(e, struct csched_vcpu, runq_elem);
}

static const char *pri_name(int pri)
{
    static const char *const names[] = { "BOOST", "UNDER", "OVER" };

    return pri <= 0 && pri > -3 ? names[-pri] : "IDLE";
}

/* The next set CPU of mask after cpu, wrapping; NR_CPUS if mask is empty. */
static unsigned int cpu_cycle(unsigned int cpu, const cpumask_t *mask)
{
    unsigned int next = cpumask_next(cpu, mask);

    return next < NR_CPUS ? next : cpumask_first(mask);
}

/* --- Parameters. --- */

static bool ratelimit_valid(unsigned int ratelimit_us, unsigned int tslice_ms)
{
    if ( ratelimit_us == 0 )
        return true;
    return ratelimit_us >= XEN_SYSCTL_SCHED_RATELIMIT_MIN &&
           ratelimit_us <= XEN_SYSCTL_SCHED_RATELIMIT_MAX &&
           MICROSECS(ratelimit_us) <= MILLISECS(tslice_ms);
}

static bool tslice_valid(unsigned int tslice_ms)
{
    return tslice_ms >= XEN_SYSCTL_CSCHED_TSLICE_MIN &&
           tslice_ms <= XEN_SYSCTL_CSCHED_TSLICE_MAX;
}

/* Install checked parameters and what derives from them (prv->lock held,
 * or prv not yet visible). */
static void set_params(struct csched_private *prv, unsigned int tslice_ms,
                       unsigned int ratelimit_us, unsigned int migr_delay_us)
{
    unsigned int ticks = tslice_ms < CSCHED_TICKS_PER_TSLICE ?
                         1 : CSCHED_TICKS_PER_TSLICE;
    unsigned int tick_us = tslice_ms * 1000 / ticks;

    ASSERT(tslice_valid(tslice_ms));
    ASSERT(ratelimit_valid(ratelimit_us, tslice_ms));
    ASSERT(migr_delay_us <= XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US);

    prv->tslice_ms = tslice_ms;
    prv->ratelimit_us = ratelimit_us;
    prv->migr_delay_us = migr_delay_us;
    prv->tslice = MILLISECS(tslice_ms);
    prv->tick_period = MICROSECS(tick_us);
    prv->ratelimit = MICROSECS(ratelimit_us);
    prv->migr_delay = MICROSECS(migr_delay_us);
    prv->period_credit = MICROSECS(tick_us) / CSCHED_NS_PER_CREDIT;
    prv->credit_bound = CSCHED_CREDITS_PER_MS *
        max(tslice_ms, CSCHED_TICKS_PER_TSLICE * tick_us / 1000);
}

/* The boot-time defaults, warning about and replacing bad ones. */
static void default_params(unsigned int *tslice_ms, unsigned int *ratelimit_us)
{
    if ( !tslice_valid(sched_credit_tslice_ms) )
    {
        printk(XENLOG_WARNING
               "sched_credit_tslice_ms=%u outside [%u, %u]: using %u\n",
               sched_credit_tslice_ms, XEN_SYSCTL_CSCHED_TSLICE_MIN,
               XEN_SYSCTL_CSCHED_TSLICE_MAX, CSCHED_DEFAULT_TSLICE_MS);
        sched_credit_tslice_ms = CSCHED_DEFAULT_TSLICE_MS;
    }
    *tslice_ms = sched_credit_tslice_ms;

    /* The framework has checked sched_ratelimit_us= against its range. */
    *ratelimit_us = sched_ratelimit_us;
    if ( MICROSECS(*ratelimit_us) > MILLISECS(*tslice_ms) )
    {
        printk(XENLOG_WARNING
               "credit: ratelimit %uus exceeds the %ums time slice: "
               "using %uus\n", *ratelimit_us, *tslice_ms, *tslice_ms * 1000);
        *ratelimit_us = *tslice_ms * 1000;
    }
}

/* --- Credit. --- */

/* Priority from the balance: OVER when negative; a boost survives only a
 * non-negative balance. */
static void refresh_pri(struct csched_vcpu *svc)
{
    if ( atomic_read(&svc->credit) < 0 )
        svc->pri = CSCHED_PRI_OVER;
    else if ( svc->pri == CSCHED_PRI_OVER )
        svc->pri = CSCHED_PRI_UNDER;
}

/*
 * Charge svc for the time since it was last charged, and make it active
 * if it was not. Its schedule lock is held; takes prv->lock only when it
 * must activate.
 */
static void burn_credits(struct csched_private *prv, struct csched_vcpu *svc,
                         s_time_t now)
{
    s_time_t delta = now - svc->start_time;
    uint64_t ns;
    unsigned long flags;

    ASSERT(!is_idle_svc(svc));

    if ( delta > 0 )
    {
        svc->start_time = now;
        ns = (uint64_t)min_t(s_time_t, delta, CSCHED_MAX_DEBIT_NS) +
             svc->residual;
        svc->residual = ns % CSCHED_NS_PER_CREDIT;
        atomic_sub((int)(ns / CSCHED_NS_PER_CREDIT), &svc->credit);
        atomic_add((int)(ns / CSCHED_NS_PER_CREDIT), &svc->used);
    }

    /* Only we (under the schedule lock) make it active: this test is
     * reliable when it says "inactive"; re-checked under prv->lock. */
    if ( list_empty(&svc->active_elem) )
    {
        spin_lock_irqsave(&prv->lock, flags);
        if ( list_empty(&svc->active_elem) )
            csched_acct_start(prv, svc);
        spin_unlock_irqrestore(&prv->lock, flags);
    }

    refresh_pri(svc);
}

/* --- Queues (the pCPU's schedule lock held). --- */

/* Set or clear cpu in a shared mask, writing only on a change. */
static void mask_track(cpumask_t *mask, unsigned int cpu, bool set)
{
    if ( set == cpumask_test_cpu(cpu, mask) )
        return;
    if ( set )
        cpumask_set_cpu(cpu, mask);
    else
        cpumask_clear_cpu(cpu, mask);
}

/* Mirror spc's queue state in the pool-wide masks stealers look at. */
static void publish_queue(struct csched_private *prv, struct csched_pcpu *spc)
{
    mask_track(&prv->queued, spc->cpu, spc->nr_queued);
    mask_track(&prv->queued_under, spc->cpu, spc->nr_under);
}

static void runq_insert(struct csched_private *prv, struct csched_pcpu *spc,
                        struct csched_vcpu *svc)
{
    struct list_head *pos;

    ASSERT(svc->where == CSCHED_NOWHERE);
    ASSERT(svc->pri > CSCHED_PRI_IDLE);

    /* Behind the last vCPU at least as good (searched from the back: the
     * common insertions, OVER ones, stop at once). */
    for ( pos = spc->runq.prev; pos != &spc->runq; pos = pos->prev )
        if ( runq_elem(pos)->pri >= svc->pri )
            break;

    /* A yielder lets one worse vCPU go first, if there is one. */
    if ( test_bit(CSCHED_FLAG_YIELD, &svc->flags) && pos->next != &spc->runq )
        pos = pos->next;

    list_add(&svc->runq_elem, pos);
    svc->where = CSCHED_ON_RUNQ;
    spc->nr_queued++;
    if ( svc->pri >= CSCHED_PRI_UNDER )
        spc->nr_under++;
    publish_queue(prv, spc);
}

static void runq_remove(struct csched_private *prv, struct csched_pcpu *spc,
                        struct csched_vcpu *svc)
{
    ASSERT(svc->where == CSCHED_ON_RUNQ);
    ASSERT(spc->nr_queued > 0);

    list_del_init(&svc->runq_elem);
    svc->where = CSCHED_NOWHERE;
    spc->nr_queued--;
    if ( svc->pri >= CSCHED_PRI_UNDER )
    {
        ASSERT(spc->nr_under > 0);
        spc->nr_under--;
    }
    publish_queue(prv, spc);
}

/* Queue a runnable, not running svc (parked ones on the park queue);
 * true if it went on the run queue. */
static bool queue_vcpu(struct csched_private *prv, struct csched_pcpu *spc,
                       struct csched_vcpu *svc)
{
    if ( !svc_parked(svc) )
    {
        runq_insert(prv, spc, svc);
        return true;
    }
    ASSERT(svc->where == CSCHED_NOWHERE);
    list_add_tail(&svc->runq_elem, &spc->parkq);
    svc->where = CSCHED_ON_PARKQ;
    spc->nr_parked++;
    return false;
}

static void dequeue_vcpu(struct csched_private *prv, struct csched_pcpu *spc,
                         struct csched_vcpu *svc)
{
    if ( svc->where == CSCHED_ON_RUNQ )
        runq_remove(prv, spc, svc);
    else if ( svc->where == CSCHED_ON_PARKQ )
    {
        ASSERT(spc->nr_parked > 0);
        list_del_init(&svc->runq_elem);
        svc->where = CSCHED_NOWHERE;
        spc->nr_parked--;
    }
}

/*
 * After an accounting: recompute the queued vCPUs' priorities, move the
 * newly parked ones to the park queue, and restore priority order (stable:
 * FIFO among equals is kept).
 */
static void runq_sort(struct csched_private *prv, struct csched_pcpu *spc)
{
    struct list_head bucket[3], *b;
    struct csched_vcpu *svc, *next;
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bucket); i++ )
        INIT_LIST_HEAD(&bucket[i]);

    list_for_each_entry_safe ( svc, next, &spc->runq, runq_elem )
    {
        if ( svc_parked(svc) )
        {
            runq_remove(prv, spc, svc);
            queue_vcpu(prv, spc, svc);
            continue;
        }
        refresh_pri(svc);
        ASSERT(svc->pri <= CSCHED_PRI_BOOST && svc->pri >= CSCHED_PRI_OVER);
        list_move_tail(&svc->runq_elem, &bucket[CSCHED_PRI_BOOST - svc->pri]);
    }

    spc->nr_under = 0;
    for ( i = 0; i < ARRAY_SIZE(bucket); i++ )
    {
        b = &bucket[i];
        while ( !list_empty(b) )
        {
            if ( CSCHED_PRI_BOOST - (int)i >= CSCHED_PRI_UNDER )
                spc->nr_under++;
            list_move_tail(b->next, &spc->runq);
        }
    }
    publish_queue(prv, spc);
}

/* Move the vCPUs accounting unparked back to the run queue. */
static void parkq_scan(struct csched_private *prv, struct csched_pcpu *spc)
{
    struct csched_vcpu *svc, *next;

    list_for_each_entry_safe ( svc, next, &spc->parkq, runq_elem )
    {
        if ( svc_parked(svc) )
            continue;
        dequeue_vcpu(prv, spc, svc);
        refresh_pri(svc);
        runq_insert(prv, spc, svc);
    }
}

/* Bring spc's queues up to date with accounting. */
static void queues_refresh(struct csched_private *prv, struct csched_pcpu *spc,
                           bool from_tick)
{
    unsigned int epoch = read_atomic(&prv->acct_epoch);
    /* Unparked vCPUs may also sit here unannounced (they moved between
     * accounting's look and its flag): each tick looks anyway. */
    bool scan = from_tick;

    if ( cpumask_test_cpu(spc->cpu, &prv->unpark) )
    {
        cpumask_clear_cpu(spc->cpu, &prv->unpark);
        scan = true;
    }
    if ( scan && spc->nr_parked )
        parkq_scan(prv, spc);

    if ( epoch != spc->sort_epoch )
    {
        spc->sort_epoch = epoch;
        runq_sort(prv, spc);
    }
}

/*
 * The best queued candidate, moving parked ones aside; NULL if none. A
 * vCPU may stop being runnable a little before its sleep hook dequeues it
 * (domain_pause() counts first, then puts each vCPU to sleep): such a one
 * is dropped from the queue here, and its sleep finds nothing to do.
 */
static struct csched_vcpu *runq_best(struct csched_private *prv,
                                     struct csched_pcpu *spc)
{
    struct csched_vcpu *svc;

    while ( !list_empty(&spc->runq) )
    {
        svc = runq_elem(spc->runq.next);
        if ( !vcpu_runnable(svc->vcpu) )
            runq_remove(prv, spc, svc);
        else if ( svc_parked(svc) )
        {
            runq_remove(prv, spc, svc);
            queue_vcpu(prv, spc, svc);
        }
        else
            return svc;
    }
    return NULL;
}

/* --- Tickling. --- */

/* The priority a running vCPU defends: a boost covers CSCHED_BOOST_RUN. */
static int running_pri(const struct csched_vcpu *svc, s_time_t now)
{
    if ( svc->pri == CSCHED_PRI_BOOST &&
         now - svc->switch_in >= CSCHED_BOOST_RUN )
        return CSCHED_PRI_UNDER;
    return svc->pri;
}

/*
 * Wake an idle pCPU, other than cpu, that may run v (soft affinity first),
 * so that it steals v. The idler leaves prv->idlers, so that the next
 * waker picks another one. True if one was found.
 */
static bool tickle_idler(struct csched_private *prv, const struct vcpu *v,
                         unsigned int cpu)
{
    cpumask_t mask;
    unsigned int step, idler;

    if ( cpumask_empty(&prv->idlers) )
        return false;

    for_each_affinity_balance_step ( step )
    {
        if ( step == BALANCE_SOFT_AFFINITY && !has_soft_affinity(v) )
            continue;
        affinity_balance_cpumask(v, step, &mask);
        cpumask_and(&mask, &mask, &prv->idlers);
        cpumask_clear_cpu(cpu, &mask);
        idler = cpu_cycle(cpu, &mask);
        if ( idler < NR_CPUS )
        {
            cpumask_clear_cpu(idler, &prv->idlers);
            cpu_raise_softirq(idler, SCHEDULE_SOFTIRQ);
            return true;
        }
    }
    return false;
}

/* svc was queued on cpu: preempt there if it is better, else find it an
 * idle pCPU. */
static void runq_tickle(struct csched_private *prv, unsigned int cpu,
                        const struct csched_vcpu *svc)
{
    const struct csched_vcpu *cur = CSCHED_VCPU(curr_on_cpu(cpu));

    /* A boosted waker also displaces a boosted runner, once the latter
     * has had its ratelimit (then it is requeued behind the waker). */
    if ( svc->pri > running_pri(cur, NOW()) ||
         (svc->pri == CSCHED_PRI_BOOST && cur->pri == CSCHED_PRI_BOOST) )
    {
        if ( is_idle_svc(cur) )
            cpumask_clear_cpu(cpu, &prv->idlers);
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        return;
    }
    tickle_idler(prv, svc->vcpu, cpu);
}

/* --- Stealing. --- */

static bool cache_hot(const struct csched_private *prv,
                      const struct csched_vcpu *svc, s_time_t now)
{
    return prv->migr_delay && now - svc->last_sched < prv->migr_delay;
}

/* May v run on cpu in this balance step? */
static bool allowed_here(const struct vcpu *v, unsigned int cpu,
                         unsigned int step)
{
    if ( !cpumask_test_cpu(cpu, &v->cpu_hard_affinity) )
        return false;
    if ( step == BALANCE_HARD_AFFINITY )
        return true;
    return has_soft_affinity(v) &&
           cpumask_test_cpu(cpu, &v->cpu_soft_affinity);
}

/*
 * Take from peer's queue (trylocked) the first vCPU better than pri that
 * may move to cpu. *retry is set when the lock was busy or a candidate
 * was cache hot.
 */
static struct csched_vcpu *steal_from(struct csched_private *prv,
                                      unsigned int cpu, unsigned int peer,
                                      int pri, unsigned int step,
                                      s_time_t now, bool *retry)
{
    spinlock_t *lock = pcpu_schedule_trylock(peer);
    struct csched_pcpu *pspc;
    struct csched_vcpu *svc, *found = NULL;

    if ( !lock )
    {
        *retry = true;
        return NULL;
    }

    /* prv->cpus changes only under the pCPU's lock: stable now. */
    if ( !cpumask_test_cpu(peer, &prv->cpus) )
        goto out;

    pspc = CSCHED_PCPU(peer);
    list_for_each_entry ( svc, &pspc->runq, runq_elem )
    {
        const struct vcpu *v = svc->vcpu;

        if ( svc->pri <= pri )
            break;
        if ( v->is_running || svc_parked(svc) || !vcpu_runnable(v) ||
             !allowed_here(v, cpu, step) )
            continue;
        if ( cache_hot(prv, svc, now) )
        {
            *retry = true;
            continue;
        }
        found = svc;
        break;
    }

    if ( found )
    {
        runq_remove(prv, pspc, found);
        /* Both pCPUs' locks are held, as a processor change requires. */
        found->vcpu->processor = cpu;
    }

 out:
    sched_unlock(lock);
    return found;
}

/* Look on the pool's other pCPUs for a vCPU better than pri for cpu. */
static struct csched_vcpu *load_balance(struct csched_private *prv,
                                        struct csched_pcpu *spc, int pri,
                                        s_time_t now, bool *retry)
{
    const cpumask_t *work = pri >= CSCHED_PRI_OVER ? &prv->queued_under
                                                   : &prv->queued;
    unsigned int cpu = spc->cpu, step, peer;
    struct csched_vcpu *svc;
    cpumask_t peers;

    ASSERT(pri < CSCHED_PRI_UNDER);

    for_each_affinity_balance_step ( step )
    {
        cpumask_and(&peers, work, &prv->cpus);
        cpumask_clear_cpu(cpu, &peers);
        peer = spc->steal_bias;
        while ( (peer = cpu_cycle(peer, &peers)) < NR_CPUS )
        {
            cpumask_clear_cpu(peer, &peers);
            svc = steal_from(prv, cpu, peer, pri, step, now, retry);
            if ( svc )
            {
                spc->steal_bias = peer;
                prv->nr_steals++;
                return svc;
            }
        }
    }
    return NULL;
}

/* --- Deciding. --- */

/*
 * How much longer svc, running, may keep its pCPU against wakers; 0 when
 * no longer. The timer may fire up to timer_slop late, so that much is
 * taken off: a waker never waits more than the ratelimit, and the runner
 * may get the slop less.
 */
static s_time_t ratelimit_left(const struct csched_private *prv,
                               const struct csched_vcpu *svc, s_time_t now)
{
    s_time_t left = prv->ratelimit - (s_time_t)timer_slop -
                    (now - svc->switch_in);

    if ( !prv->ratelimit || left <= 0 || !vcpu_runnable(svc->vcpu) ||
         svc_parked(svc) || test_bit(CSCHED_FLAG_YIELD, &svc->flags) )
        return 0;
    return left;
}

static struct task_slice csched_schedule(const struct scheduler *ops,
                                         s_time_t now)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    unsigned int cpu = smp_processor_id();
    struct csched_pcpu *spc = CSCHED_PCPU(cpu);
    struct vcpu *prev = curr_on_cpu(cpu);
    struct csched_vcpu *sprev = CSCHED_VCPU(prev), *snext, *stolen = NULL;
    struct task_slice ret = { .migrated = false };
    bool requeued = false, retry = false, leaving;
    s_time_t left;
    int pri;

    ASSERT(spin_is_locked(get_sched_res(cpu)->schedule_lock));

    /* Joining or leaving the pool (not in its online mask): idle only. */
    leaving = !cpumask_test_cpu(cpu,
                  cpupool_online_cpumask(get_sched_res(cpu)->cpupool));

    if ( !is_idle_svc(sprev) )
    {
        burn_credits(prv, sprev, now);
        sprev->pri = running_pri(sprev, now);
        sprev->last_sched = now;

        left = leaving ? 0 : ratelimit_left(prv, sprev, now);
        if ( left )
        {
            ret.task = prev;
            ret.time = max_t(s_time_t, CSCHED_MIN_TIMER, left);
            return ret;
        }
    }

    queues_refresh(prv, spc, false);

    if ( !is_idle_svc(sprev) )
    {
        if ( vcpu_runnable(prev) )
            requeued = queue_vcpu(prv, spc, sprev);
        else
            set_bit(CSCHED_FLAG_SLEPT, &sprev->flags);
        clear_bit(CSCHED_FLAG_YIELD, &sprev->flags);
    }

    snext = leaving ? NULL : runq_best(prv, spc);
    pri = snext ? snext->pri : CSCHED_PRI_IDLE;
    if ( !leaving && pri < CSCHED_PRI_UNDER )
        stolen = load_balance(prv, spc, pri, now, &retry);

    if ( stolen )
    {
        snext = stolen;
        ret.migrated = true;
    }
    else if ( snext )
        runq_remove(prv, spc, snext);
    else
        snext = CSCHED_VCPU(idle_vcpu[cpu]);

    if ( snext != sprev )
    {
        snext->start_time = now;
        snext->switch_in = now;
    }

    if ( is_idle_svc(snext) )
    {
        cpumask_set_cpu(cpu, &prv->idlers);
        if ( !is_idle_svc(sprev) )
            write_atomic(&spc->idle_start, now);
        ret.time = retry ? CSCHED_IDLE_RETRY : -1;
    }
    else
    {
        if ( cpumask_test_cpu(cpu, &prv->idlers) )
            cpumask_clear_cpu(cpu, &prv->idlers);
        if ( is_idle_svc(sprev) )
        {
            /* A racing accounting may count this stretch twice; its
             * clamp keeps that to moving time between two periods. */
            write_atomic(&spc->idle_sum,
                         spc->idle_sum + now - spc->idle_start);
            write_atomic(&spc->idle_start, 0);
        }
        ret.time = prv->tslice;
        /* Boosted with boosted vCPUs waiting: decide when the boost ends. */
        if ( snext->pri == CSCHED_PRI_BOOST && spc->nr_queued &&
             runq_elem(spc->runq.next)->pri == CSCHED_PRI_BOOST )
            ret.time = max_t(s_time_t, CSCHED_MIN_TIMER,
                             snext->switch_in + CSCHED_BOOST_RUN - now);
    }

    /* prev waits now: if some idle pCPU may run it, let that one take it. */
    if ( requeued && snext != sprev )
        tickle_idler(prv, prev, cpu);

    ret.task = snext->vcpu;
    return ret;
}

/* --- The tick. --- */

/* The next multiple of the tick period after now. */
static s_time_t next_tick(const struct csched_private *prv, s_time_t now)
{
    s_time_t period = read_atomic(&prv->tick_period);

    return now + period - now % period;
}

/* Does cpu, running scurr, need a decision? */
static bool tick_wants_schedule(struct csched_private *prv,
                                struct csched_pcpu *spc,
                                const struct csched_vcpu *scurr)
{
    cpumask_t others;

    if ( !is_idle_svc(scurr) && svc_parked(scurr) )
        return true;
    if ( spc->nr_queued && runq_elem(spc->runq.next)->pri > scurr->pri )
        return true;
    if ( !is_idle_svc(scurr) )
        return false;
    /* Idle: is there work it might steal? */
    cpumask_and(&others, &prv->queued, &prv->cpus);
    cpumask_clear_cpu(spc->cpu, &others);
    return !cpumask_empty(&others);
}

static void csched_tick(void *data)
{
    struct csched_pcpu *spc = data;
    struct csched_private *prv = spc->prv;
    unsigned int cpu = spc->cpu;
    struct csched_vcpu *scurr;
    spinlock_t *lock;
    s_time_t now;

    /* Without the schedule lock: accounting never nests inside it. */
    csched_acct(prv, cpu);

    lock = pcpu_schedule_lock_irq(cpu);

    /* Left the pool meanwhile: free_pdata's kill_timer() waits for us. */
    if ( get_sched_res(cpu)->sched_priv != spc )
    {
        sched_unlock_irq(lock);
        return;
    }

    now = NOW();
    spc->nr_ticks++;
    scurr = CSCHED_VCPU(curr_on_cpu(cpu));
    if ( !is_idle_svc(scurr) && scurr->where == CSCHED_NOWHERE )
    {
        /* Found running at a tick: it uses real time, no more boost. */
        if ( scurr->pri == CSCHED_PRI_BOOST )
            scurr->pri = CSCHED_PRI_UNDER;
        burn_credits(prv, scurr, now);
    }

    queues_refresh(prv, spc, true);

    if ( tick_wants_schedule(prv, spc, scurr) )
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);

    set_timer(&spc->ticker, next_tick(prv, now));
    sched_unlock_irq(lock);
}

/* --- Placement. --- */

static unsigned int csched_pick_cpu(const struct scheduler *ops,
                                    const struct vcpu *v)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    unsigned int cpu = v->processor, step, fallback = NR_CPUS;
    cpumask_t mask, idle;

    for_each_affinity_balance_step ( step )
    {
        if ( step == BALANCE_SOFT_AFFINITY && !has_soft_affinity(v) )
            continue;
        affinity_balance_cpumask(v, step, &mask);
        cpumask_and(&mask, &mask, &prv->cpus);
        if ( cpumask_empty(&mask) )
            continue;

        cpumask_and(&idle, &mask, &prv->idlers);
        if ( cpumask_test_cpu(cpu, &idle) )
            return cpu;
        if ( !cpumask_empty(&idle) )
            return cpu_cycle(cpu, &idle);

        if ( fallback == NR_CPUS )
            fallback = cpumask_test_cpu(cpu, &mask) ? cpu
                                                    : cpu_cycle(cpu, &mask);
    }

    /* The framework only asks for vCPUs allowed somewhere in the pool. */
    ASSERT(fallback < NR_CPUS);
    return fallback < NR_CPUS ? fallback : cpu;
}

/* --- Events (v's schedule lock held). --- */

static void csched_vcpu_insert(const struct scheduler *ops, struct vcpu *v)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_vcpu *svc = CSCHED_VCPU(v);
    unsigned int cpu = v->processor;

    ASSERT(!is_idle_svc(svc));
    ASSERT(svc->where == CSCHED_NOWHERE);

    if ( !vcpu_runnable(v) || v->is_running )
        return;
    refresh_pri(svc);
    if ( queue_vcpu(prv, CSCHED_PCPU(cpu), svc) )
        runq_tickle(prv, cpu, svc);
}

static void csched_vcpu_remove(const struct scheduler *ops, struct vcpu *v)
{
    struct csched_vcpu *svc = CSCHED_VCPU(v);

    ASSERT(!is_idle_svc(svc));
    ASSERT(curr_on_cpu(v->processor) != v);

    /*
     * Only the queues: a vCPU that migrates inside the pool is removed and
     * inserted again, and keeps its accounting (a parked one stays parked
     * and active, so that accounting unparks it). free_vdata() stops the
     * accounting of a vCPU that leaves for good.
     */
    dequeue_vcpu(CSCHED_PRIV(ops), CSCHED_PCPU(v->processor), svc);
    clear_bit(CSCHED_FLAG_YIELD, &svc->flags);
}

static void csched_vcpu_sleep(const struct scheduler *ops, struct vcpu *v)
{
    struct csched_vcpu *svc = CSCHED_VCPU(v);
    unsigned int cpu = v->processor;

    ASSERT(!is_idle_svc(svc));

    set_bit(CSCHED_FLAG_SLEPT, &svc->flags);
    if ( curr_on_cpu(cpu) == v )
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
    else
        dequeue_vcpu(CSCHED_PRIV(ops), CSCHED_PCPU(cpu), svc);
}

static void csched_vcpu_wake(const struct scheduler *ops, struct vcpu *v)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_vcpu *svc = CSCHED_VCPU(v);
    unsigned int cpu = v->processor;

    ASSERT(!is_idle_svc(svc));

    if ( curr_on_cpu(cpu) == v || svc->where != CSCHED_NOWHERE )
        return;

    /* Boosted if it has credit (and is not parked): see the top. */
    refresh_pri(svc);
    if ( svc->pri == CSCHED_PRI_UNDER && !svc_parked(svc) )
        svc->pri = CSCHED_PRI_BOOST;

    if ( queue_vcpu(prv, CSCHED_PCPU(cpu), svc) )
        runq_tickle(prv, cpu, svc);
}

static void csched_vcpu_yield(const struct scheduler *ops, struct vcpu *v)
{
    set_bit(CSCHED_FLAG_YIELD, &CSCHED_VCPU(v)->flags);
}

static void csched_context_saved(const struct scheduler *ops, struct vcpu *v)
{
    if ( is_idle_vcpu(v) || !vcpu_runnable(v) )
        return;
    /* Woken while still running: queue it now, as a waker. */
    csched_vcpu_wake(ops, v);
}

/* --- Parameters. --- */

static int csched_adjust(const struct scheduler *ops, struct domain *d,
                         struct xen_domctl_scheduler_op *op)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_dom *sdom = CSCHED_DOM(d);
    unsigned long flags;

    switch ( op->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        spin_lock_irqsave(&prv->lock, flags);
        op->u.credit.weight = sdom->weight;
        op->u.credit.cap = sdom->cap;
        spin_unlock_irqrestore(&prv->lock, flags);
        return 0;

    case XEN_DOMCTL_SCHEDOP_putinfo:
        /*
         * Xen's semantics: weight 0 and cap CSCHED_CAP_KEEP leave that
         * parameter as it is; every other value is taken as it comes, a
         * cap of 0 removing the cap. The toolstack checks caps against the
         * vCPU count; a larger one merely never binds (see acct_cap() in
         * sched_credit_acct.c).
         */
        spin_lock_irqsave(&prv->lock, flags);
        if ( op->u.credit.weight != 0 )
            sdom->weight = op->u.credit.weight;
        if ( op->u.credit.cap != CSCHED_CAP_KEEP )
            sdom->cap = op->u.credit.cap;
        spin_unlock_irqrestore(&prv->lock, flags);
        return 0;
    }

    return -EINVAL;
}

static int csched_adjust_global(struct scheduler *ops,
                                struct xen_sysctl_scheduler_op *op)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;
    unsigned long flags;

    switch ( op->cmd )
    {
    case XEN_SYSCTL_SCHEDOP_getinfo:
        spin_lock_irqsave(&prv->lock, flags);
        p->tslice_ms = prv->tslice_ms;
        p->ratelimit_us = prv->ratelimit_us;
        p->vcpu_migr_delay_us = prv->migr_delay_us;
        spin_unlock_irqrestore(&prv->lock, flags);
        return 0;

    case XEN_SYSCTL_SCHEDOP_putinfo:
        if ( !tslice_valid(p->tslice_ms) ||
             !ratelimit_valid(p->ratelimit_us, p->tslice_ms) ||
             p->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US )
            return -EINVAL;

        spin_lock_irqsave(&prv->lock, flags);
        set_params(prv, p->tslice_ms, p->ratelimit_us, p->vcpu_migr_delay_us);
        spin_unlock_irqrestore(&prv->lock, flags);
        return 0;
    }

    return -EINVAL;
}

/* --- The 'r' key. --- */

static void csched_dump_settings(const struct scheduler *ops)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_dom *sdom;
    unsigned long flags;

    spin_lock_irqsave(&prv->lock, flags);
    printk("credit: tslice %ums, tick %"PRI_stime"us, ratelimit %uus, "
           "migration delay %uus\n", prv->tslice_ms,
           (s_time_t)(prv->tick_period / MICROSECS(1)), prv->ratelimit_us,
           prv->migr_delay_us);
    printk("credit: %u pCPUs, master CPU%u, %u credits per pCPU per period "
           "(1 credit = 1us), bound +-%d\n", prv->ncpus, prv->master,
           prv->period_credit, prv->credit_bound);
    printk("credit: %lu credits handed out last; %lu accountings, "
           "%lu steals, %lu parks, %lu unparks\n",
           (unsigned long)prv->last_total, prv->nr_acct, prv->nr_steals,
           prv->nr_parks, prv->nr_unparks);
    list_for_each_entry ( sdom, &prv->active_sdom, active_elem )
        printk("credit:   d%u weight %u cap %u active vCPUs %u\n",
               sdom->dom->domain_id, sdom->weight, sdom->cap,
               sdom->nr_active);
    spin_unlock_irqrestore(&prv->lock, flags);
}

/* After the framework's "CPUn: running ..." line. */
static void csched_dump_cpu_state(const struct scheduler *ops,
                                  unsigned int cpu)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_pcpu *spc = CSCHED_PCPU(cpu);
    const struct list_head *q[] = { &spc->runq, &spc->parkq };
    const struct csched_vcpu *svc;
    unsigned int i, n;

    printk("  credit: %s%s, %u queued (%u UNDER or better), %u parked, "
           "%lu ticks\n",
           cpumask_test_cpu(cpu, &prv->idlers) ? "idle" : "busy",
           cpu == prv->master ? ", master" : "", spc->nr_queued,
           spc->nr_under, spc->nr_parked, spc->nr_ticks);
    for ( i = 0; i < ARRAY_SIZE(q); i++ )
    {
        n = 0;
        list_for_each_entry ( svc, q[i], runq_elem )
            printk("  %s %u: d%uv%u %s credit %d\n", i ? "parked" : "runq",
                   n++, svc->vcpu->domain->domain_id, svc->vcpu->vcpu_id,
                   pri_name(svc->pri), atomic_read(&svc->credit));
    }
}

static void csched_dump_vcpu(const struct scheduler *ops,
                             const struct vcpu *v)
{
    const struct csched_vcpu *svc = CSCHED_VCPU(v);

    if ( is_idle_svc(svc) )
    {
        printk("pri IDLE");
        return;
    }
    printk("pri %s credit %d weight %u cap %u%s%s%s", pri_name(svc->pri),
           atomic_read(&svc->credit), svc->sdom->weight, svc->sdom->cap,
           list_empty(&svc->active_elem) ? "" : " active",
           svc_parked(svc) ? " parked" : "",
           test_bit(CSCHED_FLAG_YIELD, &svc->flags) ? " yield" : "");
}

/* --- Set-up and tear-down. --- */

static int csched_init(struct scheduler *ops)
{
    struct csched_private *prv = xzalloc(struct csched_private);
    unsigned int tslice_ms, ratelimit_us;

    if ( !prv )
        return -ENOMEM;

    spin_lock_init(&prv->lock);
    INIT_LIST_HEAD(&prv->active_sdom);
    prv->master = NR_CPUS;
    default_params(&tslice_ms, &ratelimit_us);
    set_params(prv, tslice_ms, ratelimit_us, 0);

    ops->sched_data = prv;
    return 0;
}

static void csched_deinit(struct scheduler *ops)
{
    struct csched_private *prv = CSCHED_PRIV(ops);

    ASSERT(!prv || (!prv->ncpus && list_empty(&prv->active_sdom)));
    xfree(prv);
    ops->sched_data = NULL;
}

static void *csched_alloc_pdata(const struct scheduler *ops, unsigned int cpu)
{
    struct csched_pcpu *spc = xzalloc(struct csched_pcpu);

    if ( !spc )
        return NULL;

    INIT_LIST_HEAD(&spc->runq);
    INIT_LIST_HEAD(&spc->parkq);
    spc->cpu = cpu;
    spc->steal_bias = cpu;
    spc->prv = CSCHED_PRIV(ops);
    spc->sort_epoch = read_atomic(&spc->prv->acct_epoch);
    init_timer(&spc->ticker, csched_tick, spc, cpu);
    return spc;
}

static spinlock_t *csched_switch_sched(struct scheduler *ops, unsigned int cpu,
                                       void *pdata, void *idle_vdata)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct sched_resource *sr = get_sched_res(cpu);
    struct csched_pcpu *spc = pdata;
    unsigned long flags;

    ASSERT(spc && spc->cpu == cpu && idle_vdata);
    ASSERT(is_idle_svc((struct csched_vcpu *)idle_vdata));

    idle_vcpu[cpu]->sched_priv = idle_vdata;
    sr->sched_priv = spc;
    ASSERT(is_idle_vcpu(sr->curr));
    spc->idle_start = spc->acct_time = NOW();

    spin_lock_irqsave(&prv->lock, flags);
    ASSERT(!cpumask_test_cpu(cpu, &prv->cpus));
    cpumask_set_cpu(cpu, &prv->cpus);
    prv->ncpus++;
    if ( prv->master >= NR_CPUS )
        prv->master = cpu;
    spin_unlock_irqrestore(&prv->lock, flags);

    /* It joins idle; its first decision says otherwise if need be. */
    cpumask_set_cpu(cpu, &prv->idlers);
    set_timer(&spc->ticker, next_tick(prv, NOW()));

    return &sr->_lock;
}

static void csched_deinit_pdata(const struct scheduler *ops, void *pdata,
                                unsigned int cpu)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_pcpu *spc = pdata;
    unsigned long flags;

    if ( !spc )
        return;

    ASSERT(list_empty(&spc->runq) && list_empty(&spc->parkq));

    /* Not kill_timer(): a running tick may wait for the lock we hold. */
    stop_timer(&spc->ticker);

    spin_lock_irqsave(&prv->lock, flags);
    ASSERT(cpumask_test_cpu(cpu, &prv->cpus));
    cpumask_clear_cpu(cpu, &prv->cpus);
    prv->ncpus--;
    if ( prv->master == cpu )
        prv->master = min_t(unsigned int, cpumask_first(&prv->cpus), NR_CPUS);
    spin_unlock_irqrestore(&prv->lock, flags);

    cpumask_clear_cpu(cpu, &prv->idlers);
    cpumask_clear_cpu(cpu, &prv->queued);
    cpumask_clear_cpu(cpu, &prv->queued_under);
    cpumask_clear_cpu(cpu, &prv->unpark);
}

static void csched_free_pdata(const struct scheduler *ops, void *pdata,
                              unsigned int cpu)
{
    struct csched_pcpu *spc = pdata;

    if ( !spc )
        return;
    kill_timer(&spc->ticker);
    xfree(spc);
}

static void *csched_alloc_domdata(const struct scheduler *ops,
                                  struct domain *d)
{
    struct csched_dom *sdom = xzalloc(struct csched_dom);

    if ( !sdom )
        return NULL;

    sdom->dom = d;
    sdom->weight = CSCHED_DEFAULT_WEIGHT;
    INIT_LIST_HEAD(&sdom->active_vcpus);
    INIT_LIST_HEAD(&sdom->active_elem);
    return sdom;
}

static void csched_free_domdata(const struct scheduler *ops, void *data)
{
    struct csched_dom *sdom = data;

    if ( sdom )
        ASSERT(sdom->nr_active == 0 && list_empty(&sdom->active_elem));
    xfree(sdom);
}

static void *csched_alloc_vdata(const struct scheduler *ops, struct vcpu *v,
                                void *dom_data)
{
    struct csched_vcpu *svc = xzalloc(struct csched_vcpu);

    if ( !svc )
        return NULL;

    svc->vcpu = v;
    svc->sdom = dom_data;
    ASSERT(!svc->sdom == is_idle_vcpu(v));
    INIT_LIST_HEAD(&svc->runq_elem);
    INIT_LIST_HEAD(&svc->active_elem);
    atomic_set(&svc->credit, 0);
    svc->pri = svc->sdom ? CSCHED_PRI_UNDER : CSCHED_PRI_IDLE;
    svc->where = CSCHED_NOWHERE;
    return svc;
}

static void csched_free_vdata(const struct scheduler *ops, void *vdata)
{
    struct csched_private *prv = CSCHED_PRIV(ops);
    struct csched_vcpu *svc = vdata;
    unsigned long flags;

    if ( !svc )
        return;
    ASSERT(svc->where == CSCHED_NOWHERE);

    /* Removed (and unreachable for debits): only accounting touches it. */
    if ( !list_empty(&svc->active_elem) )
    {
        spin_lock_irqsave(&prv->lock, flags);
        if ( !list_empty(&svc->active_elem) )
            csched_acct_stop(prv, svc);
        spin_unlock_irqrestore(&prv->lock, flags);
    }
    xfree(svc);
}

const struct scheduler sched_credit_def = {
    .name           = "SMP Credit Scheduler",
    .opt_name       = "credit",
    .sched_id       = XEN_SCHEDULER_CREDIT,
    .sched_data     = NULL,

    .init           = csched_init,
    .deinit         = csched_deinit,

    .alloc_pdata    = csched_alloc_pdata,
    .switch_sched   = csched_switch_sched,
    .deinit_pdata   = csched_deinit_pdata,
    .free_pdata     = csched_free_pdata,

    .alloc_domdata  = csched_alloc_domdata,
    .free_domdata   = csched_free_domdata,

    .alloc_vdata    = csched_alloc_vdata,
    .free_vdata     = csched_free_vdata,
    .insert_vcpu    = csched_vcpu_insert,
    .remove_vcpu    = csched_vcpu_remove,

    .sleep          = csched_vcpu_sleep,
    .wake           = csched_vcpu_wake,
    .yield          = csched_vcpu_yield,
    .context_saved  = csched_context_saved,

    .do_schedule    = csched_schedule,
    .pick_cpu       = csched_pick_cpu,

    .adjust         = csched_adjust,
    .adjust_global  = csched_adjust_global,

    .dump_settings  = csched_dump_settings,
    .dump_cpu_state = csched_dump_cpu_state,
    .dump_vcpu      = csched_dump_vcpu,
};
