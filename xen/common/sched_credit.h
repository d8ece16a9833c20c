/*
 * sched_credit.h: what the two files of the credit scheduler share.
 *
 * Private to sched_credit.c (debits, run queues, ticks, the decision,
 * stealing, the scheduler's hooks) and sched_credit_acct.c (the periodic
 * accounting that hands out credit and parks or unparks capped vCPUs);
 * nothing else includes it. It holds the data both files touch, the
 * constants and small helpers (static inline) both use, and the functions
 * one file calls in the other: those are global symbols, hence their
 * csched_ prefix. Each file's theory of operation and locking rules head
 * the file itself.
 */
#ifndef XEN_COMMON_SCHED_CREDIT_H
#define XEN_COMMON_SCHED_CREDIT_H

#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/atomic.h>

/* One credit is one microsecond of pCPU time. */
#define CSCHED_NS_PER_CREDIT        1000

/* svc->flags, atomic bit numbers. */
#define CSCHED_FLAG_PARKED          0   /* over its cap: never picked */
#define CSCHED_FLAG_YIELD           1   /* yielded: requeue behind one more */
#define CSCHED_FLAG_SLEPT           2   /* stopped being runnable lately */

/* --- Data. --- */

/* One per pool instance (ops->sched_data). */
struct csched_private {
    spinlock_t lock;                /* see Locking, both files */
    struct list_head active_sdom;   /* domains with active vCPUs */
    uint64_t last_total;            /* credit handed out last period */
    s_time_t acct_last;             /* time of the last accounting */
    unsigned int ncpus;             /* pCPUs in prv->cpus */
    unsigned int master;            /* runs the accounting; NR_CPUS: none */
    unsigned int acct_epoch;        /* bumped by every accounting */

    cpumask_t cpus;                 /* pCPUs with our per-pCPU data */
    cpumask_t idlers;               /* running idle, not yet tickled */
    cpumask_t queued;               /* have vCPUs on their run queue */
    cpumask_t queued_under;         /* ... of priority UNDER or better */
    cpumask_t unpark;               /* accounting unparked vCPUs there */

    /* Parameters (prv->lock; read without it) and what follows from them. */
    unsigned int tslice_ms;
    unsigned int ratelimit_us;
    unsigned int migr_delay_us;
    s_time_t tslice;                /* ns */
    s_time_t tick_period;           /* ns; also the accounting period */
    s_time_t ratelimit;             /* ns; 0: off */
    s_time_t migr_delay;            /* ns */
    unsigned int period_credit;     /* one pCPU for one tick period */
    int credit_bound;               /* one slice's worth */

    /* Statistics for the 'r' key. */
    unsigned long nr_acct, nr_parks, nr_unparks, nr_steals;
};

/* One per pCPU of the pool (get_sched_res(cpu)->sched_priv). */
struct csched_pcpu {
    struct list_head runq;          /* by priority, FIFO among equals */
    struct list_head parkq;         /* parked here */
    unsigned int nr_queued;         /* on runq */
    unsigned int nr_under;          /* on runq with priority >= UNDER */
    unsigned int nr_parked;         /* on parkq */
    unsigned int sort_epoch;        /* acct_epoch runq was sorted for */
    unsigned int steal_bias;        /* look for work after this pCPU */
    unsigned int cpu;
    struct csched_private *prv;
    struct timer ticker;
    unsigned long nr_ticks;
    /* Idle time: written under the schedule lock, read by accounting. */
    s_time_t idle_start;            /* idle since; 0 while busy */
    s_time_t idle_sum;              /* idle before idle_start */
    s_time_t acct_time, acct_idle;  /* accounting's last look (prv->lock) */
};

/* One per domain. */
struct csched_dom {
    struct domain *dom;
    struct list_head active_vcpus;  /* its active vCPUs (prv->lock) */
    struct list_head active_elem;   /* on prv->active_sdom when any */
    unsigned int nr_active;
    uint16_t weight;
    uint16_t cap;                   /* % of one pCPU; 0: none */
};

/* One per vCPU (idle vCPUs too, with sdom NULL). */
struct csched_vcpu {
    struct vcpu *vcpu;
    struct csched_dom *sdom;
    struct list_head runq_elem;     /* on a runq or parkq (where) */
    struct list_head active_elem;   /* on sdom->active_vcpus when active */
    unsigned long flags;            /* CSCHED_FLAG_* */
    atomic_t credit;                /* balance, in credits */
    atomic_t used;                  /* debited since the last accounting */
    unsigned int acct_limit;        /* accounting's scratch (prv->lock) */
    unsigned int acct_share;
    bool acct_full;
    bool acct_slept;
    int pri;                        /* CSCHED_PRI_* (sched_credit.c) */
    unsigned int where;             /* CSCHED_ON_* (sched_credit.c) */
    unsigned int residual;          /* ns run but not yet charged */
    s_time_t start_time;            /* charged up to here */
    s_time_t switch_in;             /* switched in (for the ratelimit) */
    s_time_t last_sched;            /* last left a pCPU (cache hotness) */
};

#define CSCHED_PCPU(cpu)    \
    ((struct csched_pcpu *)get_sched_res(cpu)->sched_priv)

static inline bool svc_parked(const struct csched_vcpu *svc)
{
    return test_bit(CSCHED_FLAG_PARKED, &svc->flags);
}

/* --- sched_credit_acct.c, for sched_credit.c. --- */

/*
 * The accounting, if cpu is its pool's master (from cpu's tick, no
 * schedule lock held): hands out the period's credit, parks and unparks
 * capped vCPUs, and bumps prv->acct_epoch so that each pCPU re-sorts its
 * run queue.
 */
void csched_acct(struct csched_private *prv, unsigned int cpu);
/* svc starts / stops receiving credit (prv->lock held). */
void csched_acct_start(struct csched_private *prv, struct csched_vcpu *svc);
void csched_acct_stop(struct csched_private *prv, struct csched_vcpu *svc);

#endif /* XEN_COMMON_SCHED_CREDIT_H */
