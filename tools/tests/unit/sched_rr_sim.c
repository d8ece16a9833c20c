/*
 * sched_rr_sim.c: a tiny round-robin scheduler for host tests of the
 * scheduling framework and of the simulator (sched_sim.c) itself.
 *
 * Theory of operation. One FIFO run queue per pCPU, protected by that
 * pCPU's default schedule lock. A vCPU is queued on v->processor when it
 * becomes runnable (wake, or context_saved after it was switched out
 * still runnable) and runs for sim_rr_slice at most. An idle pCPU takes the
 * head of its own queue only (no stealing, no weights, no caps): it is a
 * stand-in that exercises every hook of the ops contract in
 * xen/sched-if.h, not a scheduler to measure.
 *
 * Always built as sched_rr_sim_def, which sim_pool_create(SIM_SCHED_RR)
 * installs in a pool: a scheduler that does not balance, against which
 * the simulator's own checks are tested. Also built as sched_credit_def or
 * sched_credit2_def (SIM_RR_AS_CREDIT / SIM_RR_AS_CREDIT2) when the real
 * file is missing from the tree, so the simulator links and runs before
 * the schedulers land.
 *
 * Locking: every hook but the alloc/free ones runs with the schedule lock
 * of the pCPU whose queue it touches held (the framework's default
 * per-pCPU lock, which switch_sched hands back unchanged).
 */
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/xmalloc.h>

#include "sched_sim.h"

s_time_t sim_rr_slice = MILLISECS(1);

struct rr_pcpu {
    struct list_head runq;
};

struct rr_vcpu {
    struct list_head q;
    struct vcpu *v;
    bool queued;
};

struct rr_dom {
    uint16_t weight, cap;
};

static struct rr_pcpu *rr_pcpu(unsigned int cpu)
{
    return get_sched_res(cpu)->sched_priv;
}

static struct rr_vcpu *rr_vcpu(const struct vcpu *v)
{
    return v->sched_priv;
}

static int rr_init(struct scheduler *ops)
{
    return 0;
}

static void rr_deinit(struct scheduler *ops)
{
}

static void *rr_alloc_pdata(const struct scheduler *ops, unsigned int cpu)
{
    struct rr_pcpu *p = xzalloc(struct rr_pcpu);

    if ( p )
        INIT_LIST_HEAD(&p->runq);
    return p;
}

static spinlock_t *rr_switch_sched(struct scheduler *ops, unsigned int cpu,
                                   void *pdata, void *idle_vdata)
{
    struct sched_resource *sr = get_sched_res(cpu);

    sr->sched_priv = pdata;
    idle_vcpu[cpu]->sched_priv = idle_vdata;
    return &sr->_lock;
}

static void rr_deinit_pdata(const struct scheduler *ops, void *pdata,
                            unsigned int cpu)
{
    struct rr_pcpu *p = pdata;

    ASSERT(list_empty(&p->runq));
}

static void rr_free_pdata(const struct scheduler *ops, void *pdata,
                          unsigned int cpu)
{
    xfree(pdata);
}

static void *rr_alloc_domdata(const struct scheduler *ops, struct domain *d)
{
    struct rr_dom *rd = xzalloc(struct rr_dom);

    if ( rd )
        rd->weight = 256;
    return rd;
}

static void rr_free_domdata(const struct scheduler *ops, void *data)
{
    xfree(data);
}

static void *rr_alloc_vdata(const struct scheduler *ops, struct vcpu *v,
                            void *dom_data)
{
    struct rr_vcpu *rv = xzalloc(struct rr_vcpu);

    if ( rv )
    {
        INIT_LIST_HEAD(&rv->q);
        rv->v = v;
    }
    return rv;
}

static void rr_free_vdata(const struct scheduler *ops, void *vdata)
{
    struct rr_vcpu *rv = vdata;

    if ( rv )
        ASSERT(!rv->queued);
    xfree(vdata);
}

static void rr_enqueue(struct vcpu *v)
{
    struct rr_vcpu *rv = rr_vcpu(v);

    if ( rv->queued || v->is_running || !vcpu_runnable(v) )
        return;
    list_add_tail(&rv->q, &rr_pcpu(v->processor)->runq);
    rv->queued = true;
    if ( is_idle_vcpu(curr_on_cpu(v->processor)) )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

static void rr_dequeue(struct vcpu *v)
{
    struct rr_vcpu *rv = rr_vcpu(v);

    if ( !rv->queued )
        return;
    list_del_init(&rv->q);
    rv->queued = false;
}

static void rr_insert_vcpu(const struct scheduler *ops, struct vcpu *v)
{
    rr_enqueue(v);
}

static void rr_remove_vcpu(const struct scheduler *ops, struct vcpu *v)
{
    rr_dequeue(v);
}

static void rr_sleep(const struct scheduler *ops, struct vcpu *v)
{
    if ( curr_on_cpu(v->processor) == v )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else
        rr_dequeue(v);
}

static void rr_wake(const struct scheduler *ops, struct vcpu *v)
{
    rr_enqueue(v);
}

static void rr_yield(const struct scheduler *ops, struct vcpu *v)
{
}

static void rr_context_saved(const struct scheduler *ops, struct vcpu *v)
{
    rr_enqueue(v);
}

static struct task_slice rr_do_schedule(const struct scheduler *ops,
                                        s_time_t now)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *curr = curr_on_cpu(cpu);
    struct rr_pcpu *p = rr_pcpu(cpu);
    struct rr_vcpu *rv;
    struct list_head *pos, *n;

    list_for_each_safe ( pos, n, &p->runq )
    {
        rv = list_entry(pos, struct rr_vcpu, q);
        /* Its domain's pause may not have reached its sleep hook yet. */
        if ( !vcpu_runnable(rv->v) )
        {
            rr_dequeue(rv->v);
            continue;
        }
        if ( !cpumask_test_cpu(cpu, &rv->v->cpu_hard_affinity) )
            continue;
        rr_dequeue(rv->v);
        return (struct task_slice){ .task = rv->v, .time = sim_rr_slice };
    }
    if ( !is_idle_vcpu(curr) && vcpu_runnable(curr) &&
         cpumask_test_cpu(cpu, &curr->cpu_hard_affinity) )
        return (struct task_slice){ .task = curr, .time = sim_rr_slice };
    return (struct task_slice){ .task = idle_vcpu[cpu], .time = -1 };
}

static unsigned int rr_pick_cpu(const struct scheduler *ops,
                                const struct vcpu *v)
{
    cpumask_t mask;

    affinity_balance_cpumask(v, BALANCE_HARD_AFFINITY, &mask);
    if ( cpumask_test_cpu(v->processor, &mask) )
        return v->processor;
    return cpumask_first(&mask);
}

static int rr_adjust(const struct scheduler *ops, struct domain *d,
                     struct xen_domctl_scheduler_op *op)
{
    struct rr_dom *rd = d->sched_priv;

    if ( op->cmd == XEN_DOMCTL_SCHEDOP_getinfo )
    {
        op->u.credit.weight = rd->weight;
        op->u.credit.cap = rd->cap;
        return 0;
    }
    if ( op->u.credit.weight )
        rd->weight = op->u.credit.weight;
    rd->cap = op->u.credit.cap;
    return 0;
}

static int rr_adjust_global(struct scheduler *ops,
                            struct xen_sysctl_scheduler_op *op)
{
    return 0;
}

static void rr_dump_settings(const struct scheduler *ops)
{
    printk("round robin, slice %ld us\n", (long)(sim_rr_slice / 1000));
}

static void rr_dump_cpu_state(const struct scheduler *ops, unsigned int cpu)
{
}

static void rr_dump_vcpu(const struct scheduler *ops, const struct vcpu *v)
{
}

#define RR_OPS(def, id, opt)                                            \
const struct scheduler def = {                                          \
    .name = "round robin (simulator's, as " opt ")",                    \
    .opt_name = opt,                                                    \
    .sched_id = id,                                                     \
    .init = rr_init,                                                    \
    .deinit = rr_deinit,                                                \
    .alloc_pdata = rr_alloc_pdata,                                      \
    .switch_sched = rr_switch_sched,                                    \
    .deinit_pdata = rr_deinit_pdata,                                    \
    .free_pdata = rr_free_pdata,                                        \
    .alloc_domdata = rr_alloc_domdata,                                  \
    .free_domdata = rr_free_domdata,                                    \
    .alloc_vdata = rr_alloc_vdata,                                      \
    .free_vdata = rr_free_vdata,                                        \
    .insert_vcpu = rr_insert_vcpu,                                      \
    .remove_vcpu = rr_remove_vcpu,                                      \
    .sleep = rr_sleep,                                                  \
    .wake = rr_wake,                                                    \
    .yield = rr_yield,                                                  \
    .context_saved = rr_context_saved,                                  \
    .do_schedule = rr_do_schedule,                                      \
    .pick_cpu = rr_pick_cpu,                                            \
    .adjust = rr_adjust,                                                \
    .adjust_global = rr_adjust_global,                                  \
    .dump_settings = rr_dump_settings,                                  \
    .dump_cpu_state = rr_dump_cpu_state,                                \
    .dump_vcpu = rr_dump_vcpu,                                          \
}

/* Always there, for the simulator's own tests (SIM_SCHED_RR pools). */
RR_OPS(sched_rr_sim_def, SIM_SCHED_RR, "rr");

#ifdef SIM_RR_AS_CREDIT
RR_OPS(sched_credit_def, XEN_SCHEDULER_CREDIT, "credit");
#endif
#ifdef SIM_RR_AS_CREDIT2
RR_OPS(sched_credit2_def, XEN_SCHEDULER_CREDIT2, "credit2");
#endif
