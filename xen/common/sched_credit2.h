/*
 * sched_credit2.h: what the two halves of the credit2 scheduler share.
 *
 * Private to sched_credit2.c (credit, run queues, the decision, the
 * scheduler's hooks) and sched_credit2_balance.c (moving vCPUs between
 * run queues: periodic load balancing and work stealing); nothing else
 * includes it. It holds the data both halves touch, the small helpers
 * both call (static inline), and the functions each half calls in the
 * other: those are global symbols, hence their c2_ prefix.
 * Each half's theory of operation and locking rules head its own file.
 */
#ifndef XEN_COMMON_SCHED_CREDIT2_H
#define XEN_COMMON_SCHED_CREDIT2_H

#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/types.h>

#define CSCHED2_CREDIT_INIT     MILLISECS(10)
#define CSCHED2_MIN_TIMER       MICROSECS(500)
#define CSCHED2_BALANCE_PERIOD  MILLISECS(10)

/* Loads: fixed point, LOAD_ONE = one always-runnable vCPU. */
#define LOAD_SHIFT              10
#define LOAD_ONE                (1LL << LOAD_SHIFT)
#define LOAD_WINDOW             ((s_time_t)1 << 24)

/* --- Data. --- */

/* A run queue; also the per-pCPU data of each of its pCPUs. */
struct csched2_runqueue {
    spinlock_t lock;                /* schedule lock of its pCPUs */
    unsigned int id;                /* index in prv->rqd[] */
    unsigned long key;              /* topology group it serves */

    cpumask_t active;               /* its pCPUs (in the instance) */
    cpumask_t idle;                 /* those running their idle vCPU */
    cpumask_t tickled;              /* told to decide, not done yet */
    unsigned int nr_cpus;

    struct list_head runq;          /* queued, by credit, highest first */
    unsigned int nr_queued;
    struct list_head parked;        /* capped, out of budget */
    s_time_t next_unpark;           /* STIME_MAX when none parked */

    uint64_t reset_sum;             /* credit handed out by resets so far */
    unsigned int load;              /* runnable vCPUs (queued or running) */
    int64_t avgload;                /* decaying average of load, fixed */
    s_time_t load_stamp;
    s_time_t next_balance;

    unsigned long nr_resets, nr_steals, nr_pushed, nr_pulled;
};

struct csched2_private {
    spinlock_t lock;
    struct list_head sdoms;         /* the instance's domains */
    unsigned int max_weight;        /* largest weight in sdoms */
    unsigned int ratelimit_us;
    unsigned int grouping;          /* C2_GROUP_*, fixed at init */
    unsigned int nr_rqd;            /* entries of rqd[] in use */
    struct csched2_runqueue *rqd[NR_CPUS];
    cpumask_t active_rqds;          /* rqd[] ids with pCPUs (as a bitmap) */
    cpumask_t cpus;                 /* pCPUs switched to this instance */
    cpumask_t idlers;               /* of those, idle (hint) */
};

/* Defined in sched_credit2.c: only budgets and parameters look inside. */
struct csched2_dom;

/* svc->flags */
#define C2F_QUEUED   (1u << 0)      /* on rqd->runq */
#define C2F_PARKED   (1u << 1)      /* on rqd->parked */
#define C2F_DELAYED  (1u << 2)      /* requeue at context_saved */
#define C2F_ACTIVE   (1u << 3)      /* counted in rqd->load */
#define C2F_YIELD    (1u << 4)      /* yielding its slice */
#define C2F_BUDGET   (1u << 5)      /* holds budget of a capped domain */

struct csched2_vcpu {
    struct vcpu *vcpu;
    struct csched2_dom *sdom;       /* NULL for idle vCPUs */
    struct csched2_runqueue *rqd;   /* whose resets credit follows */
    struct list_head runq_elem;     /* rqd->runq or rqd->parked */
    unsigned int flags;             /* C2F_* */
    int64_t credit;
    uint64_t reset_seen;            /* rqd->reset_sum already applied */
    s_time_t acct_start;            /* charged up to here (running) */
    s_time_t run_start;             /* switched in at */
    int64_t budget;                 /* held while running, if C2F_BUDGET */
    int64_t avgload;                /* decaying runnable fraction, fixed */
    s_time_t load_stamp;
};

static inline bool c2_intersects(const cpumask_t *a, const cpumask_t *b)
{
    cpumask_t t;

    cpumask_and(&t, a, b);
    return !cpumask_empty(&t);
}

/*
 * Whether cpu may take queued svc. A queued vCPU may have stopped being
 * runnable a moment before its sleep hook dequeues it (a domain pause
 * raises the count for all its vCPUs, then puts them to sleep one by one).
 */
static inline bool c2_may_pick(const struct csched2_vcpu *svc,
                               unsigned int cpu)
{
    return cpumask_test_cpu(cpu, &svc->vcpu->cpu_hard_affinity) &&
           vcpu_runnable(svc->vcpu);
}

/* --- Credit. --- */

/* Apply the resets of rqd that svc has not seen yet. */
static inline void credit_sync(const struct csched2_runqueue *rqd,
                               struct csched2_vcpu *svc)
{
    uint64_t sum = ACCESS_ONCE(rqd->reset_sum);
    uint64_t add = sum - svc->reset_seen;

    if ( !add )
        return;
    svc->reset_seen = sum;
    ASSERT(svc->credit <= CSCHED2_CREDIT_INIT);
    if ( add >= (uint64_t)(CSCHED2_CREDIT_INIT - svc->credit) )
        svc->credit = CSCHED2_CREDIT_INIT;
    else
        svc->credit += (int64_t)add;
}

/* svc joins rqd: its credit follows rqd's resets from now on. */
static inline void credit_attach(struct csched2_runqueue *rqd,
                                 struct csched2_vcpu *svc)
{
    if ( svc->rqd && svc->rqd != rqd )
        credit_sync(svc->rqd, svc);     /* racy read of a running sum */
    svc->rqd = rqd;
    svc->reset_seen = rqd->reset_sum;
}

/* --- Load: decaying averages, for balancing and placement. --- */

static inline int64_t load_decay(int64_t avg, unsigned int load,
                                 s_time_t delta)
{
    int64_t target = (int64_t)load << LOAD_SHIFT;

    if ( delta <= 0 )
        return avg;
    if ( delta >= LOAD_WINDOW )
        return target;
    return avg + (target - avg) * delta / LOAD_WINDOW;
}

static inline void rqd_load_update(struct csched2_runqueue *rqd, s_time_t now)
{
    if ( now <= rqd->load_stamp )
        return;
    rqd->avgload = load_decay(rqd->avgload, rqd->load, now - rqd->load_stamp);
    rqd->load_stamp = now;
}

static inline int64_t svc_load_now(const struct csched2_vcpu *svc,
                                   s_time_t now)
{
    return load_decay(svc->avgload, !!(svc->flags & C2F_ACTIVE),
                      now - svc->load_stamp);
}

static inline void svc_load_update(struct csched2_vcpu *svc, s_time_t now)
{
    if ( now <= svc->load_stamp )
        return;
    svc->avgload = svc_load_now(svc, now);
    svc->load_stamp = now;
}

/* rqd's average load per pCPU; read without its lock (a hint). */
static inline int64_t rqd_load_per_cpu(const struct csched2_runqueue *rqd,
                                       s_time_t now)
{
    unsigned int n = ACCESS_ONCE(rqd->nr_cpus);
    int64_t avg = load_decay(ACCESS_ONCE(rqd->avgload), ACCESS_ONCE(rqd->load),
                             now - ACCESS_ONCE(rqd->load_stamp));

    return n ? avg / n : INT64_MAX;
}

/* --- The run queue (rqd->lock held). --- */

static inline void runq_remove(struct csched2_runqueue *rqd,
                               struct csched2_vcpu *svc)
{
    ASSERT((svc->flags & C2F_QUEUED) && rqd->nr_queued);
    list_del_init(&svc->runq_elem);
    svc->flags &= ~C2F_QUEUED;
    rqd->nr_queued--;
}

/* --- sched_credit2.c, for balancing and stealing. --- */

/* Queue svc on rqd, by credit (not running, on no list). */
void c2_runq_insert(struct csched2_runqueue *rqd, struct csched2_vcpu *svc);
/* svc was just queued on rqd: tell a pCPU to take it. */
void c2_runq_tickle(const struct csched2_private *prv,
                    struct csched2_runqueue *rqd,
                    struct csched2_vcpu *svc, s_time_t now);
/* An idle, untickled pCPU of rqd for v, soft affinity first; or NR_CPUS. */
unsigned int c2_idle_cpu_for(const struct csched2_runqueue *rqd,
                             const struct vcpu *v);
/* Whether svc may run now as far as caps go (takes sdom->budget_lock). */
bool c2_budget_ok(struct csched2_vcpu *svc, s_time_t now, s_time_t *until);

/* --- sched_credit2_balance.c, for the decision (rqd->lock held). --- */

/* Every BALANCE_PERIOD, from a pCPU of rqd: even out with another. */
void c2_balance_load(const struct csched2_private *prv,
                     struct csched2_runqueue *rqd, s_time_t now);
/* cpu has nothing to run from rqd: a vCPU from another run queue, or NULL. */
struct csched2_vcpu *c2_steal_work(const struct csched2_private *prv,
                                   struct csched2_runqueue *rqd,
                                   unsigned int cpu, s_time_t now);

#endif /* XEN_COMMON_SCHED_CREDIT2_H */
