/*
 * xen/sched-if.h: the interface between the scheduling framework
 * (common/schedule.c, common/cpupool.c) and the schedulers
 * (common/sched_credit.c, common/sched_credit2.c). Only those files
 * include it.
 *
 * Model. Every pCPU belongs to at most one cpupool; every domain to
 * exactly one. Each pool runs its own instance of a scheduler: a copy of
 * the scheduler's const ops table (struct scheduler) with its own private
 * data (ops->sched_data). A pCPU in no pool runs only its idle vCPU.
 *
 * The framework owns, per pCPU, a struct sched_resource: the vCPU
 * scheduled there (curr), the slice timer, and a pointer to the lock that
 * protects that pCPU's scheduling state. A scheduler may point several
 * pCPUs' lock pointers at one lock (credit2: one per run queue) by
 * returning it from switch_sched(). Anyone taking a pCPU's schedule lock
 * goes through pcpu_schedule_lock*() / vcpu_schedule_lock*(), which retry
 * if the pointer changed while they waited.
 *
 * A scheduler decides; the framework does the rest. On SCHEDULE_SOFTIRQ
 * the framework takes the pCPU's lock, calls do_schedule(), arms the
 * slice timer for the time it returns, updates runstates and is_running,
 * drops the lock and switches. Every other hook is called with the
 * relevant schedule lock held and IRQs off, except alloc_ / free_ / init /
 * deinit, which run unlocked and may sleep-free allocate. Hooks that run
 * under a lock cannot fail.
 *
 * Invariants the framework checks (ASSERT) and schedulers keep:
 *  - a vCPU returned by do_schedule() is runnable (or the pCPU's idle
 *    vCPU), belongs to the pool, has this pCPU in its hard affinity and
 *    in cpupool_online_cpumask() of its pool (a pCPU being removed from a
 *    pool leaves that mask first and must then only idle), and is either
 *    already this pCPU's curr or not running anywhere (v->is_running
 *    clear: a queued vCPU whose is_running is still set must not be
 *    taken by another pCPU);
 *  - a queued vCPU may transiently not be runnable: a pause raises the
 *    domain's count first and calls sleep for each vCPU afterwards, so
 *    do_schedule() and stealing must skip (or dequeue) such vCPUs;
 *  - v->processor changes only with the old pCPU's lock held, and the new
 *    one's too (credit's work stealing trylocks the victim's lock).
 */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include <xen/cpumask.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/timer.h>

/* What do_schedule() decided. */
struct task_slice {
    struct vcpu *task;      /* run this next (idle_vcpu[cpu] for nothing) */
    s_time_t time;          /* for this long (ns), then decide again;
                               < 0: no limit, until an event */
    bool migrated;          /* task came from another pCPU's queue */
};

struct scheduler {
    const char *name;       /* "SMP Credit Scheduler rev2" */
    const char *opt_name;   /* sched=<opt_name> */
    unsigned int sched_id;  /* XEN_SCHEDULER_* */
    void *sched_data;       /* this instance's (pool's) private data */

    /* Instance (pool) set-up and tear-down. Unlocked. */
    int (*init)(struct scheduler *ops);
    void (*deinit)(struct scheduler *ops);

    /*
     * Per pCPU. alloc_pdata (unlocked; NULL = -ENOMEM) prepares data for
     * cpu joining the pool. switch_sched, with cpu's current schedule lock
     * held and IRQs off, installs it (get_sched_res(cpu)->sched_priv =
     * pdata), gives the idle vCPU idle_vdata (from alloc_vdata(ops,
     * idle_vcpu[cpu], NULL)), and returns the lock that protects cpu from
     * now on. deinit_pdata, with cpu's lock held, undoes that when cpu
     * leaves (no vCPU of the pool is queued or running there any more);
     * free_pdata (unlocked) frees the data.
     */
    void *(*alloc_pdata)(const struct scheduler *ops, unsigned int cpu);
    spinlock_t *(*switch_sched)(struct scheduler *ops, unsigned int cpu,
                                void *pdata, void *idle_vdata);
    void (*deinit_pdata)(const struct scheduler *ops, void *pdata,
                         unsigned int cpu);
    void (*free_pdata)(const struct scheduler *ops, void *pdata,
                       unsigned int cpu);

    /* Per domain. Unlocked. alloc: NULL = -ENOMEM. */
    void *(*alloc_domdata)(const struct scheduler *ops, struct domain *d);
    void (*free_domdata)(const struct scheduler *ops, void *data);

    /*
     * Per vCPU. alloc_vdata (unlocked; NULL = -ENOMEM; dom_data is NULL
     * for idle vCPUs) and free_vdata (unlocked; v is removed). insert_vcpu
     * puts v (v->sched_priv set, v->processor chosen) under the
     * scheduler's management, queueing it if runnable; remove_vcpu takes
     * it out (v not running). Both with v's schedule lock held.
     */
    void *(*alloc_vdata)(const struct scheduler *ops, struct vcpu *v,
                         void *dom_data);
    void (*free_vdata)(const struct scheduler *ops, void *vdata);
    void (*insert_vcpu)(const struct scheduler *ops, struct vcpu *v);
    void (*remove_vcpu)(const struct scheduler *ops, struct vcpu *v);

    /*
     * Events, with v's schedule lock held.
     * sleep: v stopped being runnable. If it is curr somewhere, raise
     *        SCHEDULE_SOFTIRQ there; if queued, dequeue it.
     * wake:  v became runnable and is not running: queue it and decide
     *        whether to preempt (cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ)).
     * yield: v (running) gives up the rest of its slice; do_schedule
     *        follows at once.
     * context_saved: v's state is saved after a switch-out (is_running is
     *        now false); a runnable v that could not be queued while it
     *        still ran is queued now.
     */
    void (*sleep)(const struct scheduler *ops, struct vcpu *v);
    void (*wake)(const struct scheduler *ops, struct vcpu *v);
    void (*yield)(const struct scheduler *ops, struct vcpu *v);
    void (*context_saved)(const struct scheduler *ops, struct vcpu *v);

    /* Decide for this pCPU (smp_processor_id()), its lock held. */
    struct task_slice (*do_schedule)(const struct scheduler *ops,
                                     s_time_t now);

    /*
     * A pCPU for v (not running), in its hard affinity and the pool's
     * online pCPUs, preferring its soft affinity; v's lock held.
     */
    unsigned int (*pick_cpu)(const struct scheduler *ops,
                             const struct vcpu *v);

    /* Parameters: get/put per domain and per pool. -EINVAL when out of
     * range (nothing changed). Unlocked; take what they need. */
    int (*adjust)(const struct scheduler *ops, struct domain *d,
                  struct xen_domctl_scheduler_op *op);
    int (*adjust_global)(struct scheduler *ops,
                         struct xen_sysctl_scheduler_op *op);

    /*
     * The 'r' key. dump_settings: the instance's parameters, whole lines.
     * dump_cpu_state: cpu's queue, whole lines, its lock held.
     * dump_vcpu: v's scheduler fields (priority, credit, weight, cap) on
     * one line without the newline, appended by the framework's vCPU line.
     */
    void (*dump_settings)(const struct scheduler *ops);
    void (*dump_cpu_state)(const struct scheduler *ops, unsigned int cpu);
    void (*dump_vcpu)(const struct scheduler *ops, const struct vcpu *v);
};

/* The schedulers built in (each file defines one). */
extern const struct scheduler sched_credit_def;
extern const struct scheduler sched_credit2_def;

/* Per-pCPU framework state. */
struct sched_resource {
    spinlock_t *schedule_lock;      /* see pcpu_schedule_lock() */
    spinlock_t _lock;               /* the default target of schedule_lock */
    struct vcpu *curr;              /* scheduled here now */
    void *sched_priv;               /* the scheduler's per-pCPU data */
    struct scheduler *scheduler;    /* of its pool; NULL when in none */
    struct cpupool *cpupool;        /* NULL when in none */
    struct timer s_timer;           /* ends the current slice */
    unsigned int processor;
    cpumask_t scratch;              /* free for use under schedule_lock */
};

DECLARE_PER_CPU(struct sched_resource *, sched_res);
#define get_sched_res(cpu) per_cpu(sched_res, cpu)
#define curr_on_cpu(cpu)   (get_sched_res(cpu)->curr)
#define cpumask_scratch_cpu(cpu) (&get_sched_res(cpu)->scratch)

/* Lock cpu's scheduling state, following the pointer safely. */
spinlock_t *pcpu_schedule_lock(unsigned int cpu);
spinlock_t *pcpu_schedule_lock_irq(unsigned int cpu);
spinlock_t *pcpu_schedule_lock_irqsave(unsigned int cpu, unsigned long *flags);
spinlock_t *pcpu_schedule_trylock(unsigned int cpu);   /* NULL if busy */
/* Lock the pCPU v is on, re-checking v->processor after the wait. */
spinlock_t *vcpu_schedule_lock(const struct vcpu *v);
spinlock_t *vcpu_schedule_lock_irq(const struct vcpu *v);
spinlock_t *vcpu_schedule_lock_irqsave(const struct vcpu *v,
                                       unsigned long *flags);
/* Unlock with the pointer the lock function returned. */
static inline void sched_unlock(spinlock_t *l) { spin_unlock(l); }
static inline void sched_unlock_irq(spinlock_t *l) { spin_unlock_irq(l); }
static inline void sched_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_unlock_irqrestore(l, f);
}

/*
 * What a CPU does while it waits for another pCPU to deschedule a vCPU
 * (vcpu_sleep_sync(), domain_pause()): cpu_relax() on the hardware. Host
 * tests, one thread simulating every pCPU, supply their own that runs
 * the other simulated pCPUs.
 */
void sched_wait_relax(void);

/* The pool's online pCPUs. */
const cpumask_t *cpupool_online_cpumask(const struct cpupool *c);

/*
 * Affinity balancing, two steps: first the soft affinity (only when
 * has_soft_affinity()), then the hard. affinity_balance_cpumask() writes
 * v's affinity of that step, intersected with its pool's online pCPUs.
 */
#define BALANCE_SOFT_AFFINITY 0
#define BALANCE_HARD_AFFINITY 1
#define for_each_affinity_balance_step(step) \
    for ( (step) = 0; (step) <= BALANCE_HARD_AFFINITY; (step)++ )
/* Soft affinity narrows the hard one (else it is pointless to try it). */
bool has_soft_affinity(const struct vcpu *v);
void affinity_balance_cpumask(const struct vcpu *v, int step, cpumask_t *mask);

/* sched_ratelimit_us= (default 1000): the least time a vCPU runs before a
 * waking vCPU may preempt it; 0 turns it off. Instances copy it at init. */
extern unsigned int sched_ratelimit_us;
#define SCHED_DEFAULT_RATELIMIT_US 1000

/* --- Pools (common/cpupool.c). --- */

struct cpupool {
    unsigned int cpupool_id;
    cpumask_t cpu_valid;            /* pCPUs assigned to it */
    struct scheduler *sched;        /* its scheduler instance */
    unsigned int n_dom;             /* domains in it */
    struct cpupool *next;           /* sorted by id */
};

#define CPUPOOLID_NONE (~0u)

extern struct cpupool *cpupool0;
extern cpumask_t cpupool_free_cpus;     /* online pCPUs in no pool */

/* d joins pool poolid (-ENOENT unknown, -ENODEV no pCPU) / leaves it. */
int cpupool_add_domain(struct domain *d, unsigned int poolid);
void cpupool_rm_domain(struct domain *d);

/* Pool by id, or NULL. Callers hold cpupool_lock or run at boot. */
struct cpupool *cpupool_find_by_id(unsigned int poolid);

/*
 * Management (the sysctl later; the tests now). All check first, then
 * commit; all serialise on the pool lock.
 *  create:   a pool running scheduler sched_id (-EINVAL unknown, -EEXIST
 *            id taken; poolid CPUPOOLID_NONE picks the next free id).
 *  destroy:  only an empty pool (no pCPU, no domain): -EBUSY otherwise;
 *            never pool 0.
 *  assign:   a free online pCPU joins the pool (-EBUSY if not free).
 *  unassign: a pCPU leaves (its vCPUs move to the pool's other pCPUs);
 *            -EBUSY if it is the last pCPU of a pool with domains, or a
 *            vCPU's hard affinity would be left empty.
 *  move:     a domain (not the idle one) to another pool.
 */
int cpupool_create(unsigned int poolid, unsigned int sched_id,
                   struct cpupool **out);
int cpupool_destroy(struct cpupool *c);
int cpupool_assign_cpu(struct cpupool *c, unsigned int cpu);
int cpupool_unassign_cpu(struct cpupool *c, unsigned int cpu);
int cpupool_move_domain(struct domain *d, struct cpupool *c);

/* Boot: pool 0 with the default scheduler (no pCPUs yet). */
void cpupool_init(void);
/* cpu (about to be online) is free, in no pool. On cpu itself. */
void cpupool_cpu_starting(unsigned int cpu);
/* Every free pCPU joins c (boot: pool 0 holds every pCPU). */
void cpupool_take_free_cpus(struct cpupool *c);

/* Framework services the pool code uses (schedule.c). */
struct scheduler *scheduler_alloc(unsigned int sched_id, int *err);
void scheduler_free(struct scheduler *s);
const struct scheduler *scheduler_default(void);
/* cpu joins / leaves c (pool lock held; for leave: no vCPU of c there). */
int schedule_cpu_add(unsigned int cpu, struct cpupool *c);
int schedule_cpu_rm(unsigned int cpu);
/* Make v pick its pCPU again (it may not stay where it is). */
void vcpu_force_migrate(struct vcpu *v);
/* The 'r' dump of one pool (pool lock held). */
void sched_dump_pool(struct cpupool *c);

#endif /* XEN_SCHED_IF_H */
