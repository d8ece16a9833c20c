/*
 * schedule.c: the scheduling framework.
 *
 * Theory of operation. A scheduler (sched_credit.c, sched_credit2.c)
 * only decides which vCPU a pCPU runs next and for how long; this file
 * does everything around the decision, the same way for every scheduler:
 *
 *  - It keeps each vCPU's runstate: running while it is some pCPU's curr,
 *    otherwise runnable, blocked (VPF_blocked) or offline (down or
 *    paused), with the time spent in each, updated under the schedule
 *    lock at every change.
 *  - It turns events into scheduler calls: vcpu_wake() when a vCPU may
 *    have become runnable, vcpu_sleep_nosync() when it may have stopped
 *    being runnable, vcpu_yield(), affinity changes and migrations.
 *  - On SCHEDULE_SOFTIRQ, schedule() asks the pCPU's scheduler for a
 *    decision, arms the slice timer, marks the chosen vCPU running and
 *    hands over to the arch context_switch(), which calls back
 *    sched_context_switched() once the previous vCPU's state is saved:
 *    only then may another pCPU run it (v->is_running guards that).
 *
 * Migration: a vCPU that must move (its hard affinity no longer covers
 * its pCPU, its pCPU leaves the pool) gets VPF_migrating, which makes it
 * not runnable, so no scheduler queues or picks it. Once it is not
 * running, vcpu_migrate_finish() takes its old pCPU's lock and the new
 * one's, removes it from the scheduler, sets v->processor, inserts it
 * again, clears the flag and wakes it.
 *
 * Locking: each pCPU's scheduling state is protected by the lock its
 * sched_resource points at (a scheduler may share one lock between
 * several pCPUs). The lock functions follow the pointer and retry if it
 * moved while they waited. Two pCPUs' locks are taken only by
 * vcpu_migrate_finish(): the first with a spin, the second with a trylock
 * (backing off on failure), so no order between them is needed. These
 * locks nest inside the cpupool lock and the domain lock, and outside the
 * timer queue locks. Runstates are written only under the vCPU's
 * schedule lock.
 */
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/atomic.h>
#include <asm/processor.h>
#include <asm/system.h>

DEFINE_PER_CPU(struct sched_resource *, sched_res);
struct vcpu *idle_vcpu[NR_CPUS];

unsigned int sched_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US;
integer_param("sched_ratelimit_us", sched_ratelimit_us);

static char opt_sched[16] = "credit";
string_param("sched", opt_sched);

static const struct scheduler *const schedulers[] = {
    &sched_credit_def,
    &sched_credit2_def,
};

/* The scheduler of pool 0 (sched=), settled by scheduler_init(). */
static const struct scheduler *default_sched;

#ifndef __XEN_HOST_TEST__
void sched_wait_relax(void)
{
    cpu_relax();
}
#endif

/* --- Locks. --- */

spinlock_t *pcpu_schedule_lock(unsigned int cpu)
{
    for ( ;; )
    {
        spinlock_t *l = read_atomic(&get_sched_res(cpu)->schedule_lock);

        spin_lock(l);
        if ( likely(l == get_sched_res(cpu)->schedule_lock) )
            return l;
        spin_unlock(l);
    }
}

spinlock_t *pcpu_schedule_lock_irq(unsigned int cpu)
{
    local_irq_disable();
    return pcpu_schedule_lock(cpu);
}

spinlock_t *pcpu_schedule_lock_irqsave(unsigned int cpu, unsigned long *flags)
{
    local_irq_save(*flags);
    return pcpu_schedule_lock(cpu);
}

spinlock_t *pcpu_schedule_trylock(unsigned int cpu)
{
    spinlock_t *l = read_atomic(&get_sched_res(cpu)->schedule_lock);

    if ( !spin_trylock(l) )
        return NULL;
    if ( likely(l == get_sched_res(cpu)->schedule_lock) )
        return l;
    spin_unlock(l);
    return NULL;
}

spinlock_t *vcpu_schedule_lock(const struct vcpu *v)
{
    for ( ;; )
    {
        unsigned int cpu = read_atomic(&v->processor);
        spinlock_t *l = pcpu_schedule_lock(cpu);

        if ( likely(cpu == v->processor) )
            return l;
        spin_unlock(l);
    }
}

spinlock_t *vcpu_schedule_lock_irq(const struct vcpu *v)
{
    local_irq_disable();
    return vcpu_schedule_lock(v);
}

spinlock_t *vcpu_schedule_lock_irqsave(const struct vcpu *v,
                                       unsigned long *flags)
{
    local_irq_save(*flags);
    return vcpu_schedule_lock(v);
}

/* --- Pools and affinity, as the schedulers see them. --- */

const cpumask_t *cpupool_online_cpumask(const struct cpupool *c)
{
    /* A pool's pCPUs are online by construction (assign requires it). */
    return &c->cpu_valid;
}

static const cpumask_t *vcpu_pool_cpus(const struct vcpu *v)
{
    ASSERT(v->domain->cpupool);
    return cpupool_online_cpumask(v->domain->cpupool);
}

bool has_soft_affinity(const struct vcpu *v)
{
    const cpumask_t *pool = vcpu_pool_cpus(v);
    cpumask_t hard, soft;

    cpumask_and(&hard, &v->cpu_hard_affinity, pool);
    cpumask_and(&soft, &v->cpu_soft_affinity, &hard);
    if ( cpumask_empty(&soft) )
        return false;
    /* Soft covering all of hard prefers nothing. */
    cpumask_andnot(&hard, &hard, &soft);
    return !cpumask_empty(&hard);
}

void affinity_balance_cpumask(const struct vcpu *v, int step, cpumask_t *mask)
{
    cpumask_and(mask, &v->cpu_hard_affinity, vcpu_pool_cpus(v));
    if ( step == BALANCE_SOFT_AFFINITY )
        cpumask_and(mask, mask, &v->cpu_soft_affinity);
}

/* --- Runstates. --- */

static void vcpu_runstate_change(struct vcpu *v, int new_state, s_time_t now)
{
    s_time_t delta;

    ASSERT(spin_is_locked(get_sched_res(v->processor)->schedule_lock));
    if ( v->runstate.state == new_state )
        return;

    delta = now - (s_time_t)v->runstate.state_entry_time;
    if ( delta > 0 )
    {
        v->runstate.time[v->runstate.state] += delta;
        v->runstate.state_entry_time = now;
    }
    v->runstate.state = new_state;
}

/* Where a vCPU that is not running belongs. */
static int idle_state(const struct vcpu *v)
{
    if ( vcpu_runnable(v) )
        return RUNSTATE_runnable;
    if ( test_bit(_VPF_blocked, &v->pause_flags) )
        return RUNSTATE_blocked;
    return RUNSTATE_offline;
}

void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out)
{
    unsigned long flags;
    spinlock_t *lock = NULL;
    s_time_t delta;

    /* The current vCPU's runstate cannot change under our feet. */
    if ( v != current )
        lock = vcpu_schedule_lock_irqsave(v, &flags);
    *out = v->runstate;
    delta = NOW() - (s_time_t)out->state_entry_time;
    if ( delta > 0 )
        out->time[out->state] += delta;
    if ( lock )
        sched_unlock_irqrestore(lock, flags);
}

/* --- Per-vCPU and per-domain scheduler state. --- */

static struct scheduler *vcpu_scheduler(const struct vcpu *v)
{
    return v->domain->cpupool ? v->domain->cpupool->sched : NULL;
}

int sched_init_vcpu(struct vcpu *v, unsigned int cpu)
{
    struct domain *d = v->domain;
    struct scheduler *ops = vcpu_scheduler(v);
    spinlock_t *lock;
    unsigned long flags;

    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();

    if ( is_idle_domain(d) )
    {
        /* Bound to its pCPU for ever; a scheduler gives it data when the
         * pCPU joins a pool (switch_sched). */
        v->processor = cpu;
        cpumask_clear(&v->cpu_hard_affinity);
        cpumask_set_cpu(cpu, &v->cpu_hard_affinity);
        cpumask_copy(&v->cpu_soft_affinity, &v->cpu_hard_affinity);
        return 0;
    }

    ASSERT(ops);
    cpumask_copy(&v->cpu_hard_affinity, &cpu_possible_map);
    cpumask_copy(&v->cpu_soft_affinity, &cpu_possible_map);
    if ( cpu >= NR_CPUS || !cpumask_test_cpu(cpu, vcpu_pool_cpus(v)) )
        cpu = cpumask_first(vcpu_pool_cpus(v));
    if ( cpu >= NR_CPUS )
        return -ENODEV;                 /* a pool without pCPUs */
    v->processor = cpu;

    v->sched_priv = ops->alloc_vdata(ops, v, d->sched_priv);
    if ( !v->sched_priv )
        return -ENOMEM;

    lock = vcpu_schedule_lock_irqsave(v, &flags);
    ops->insert_vcpu(ops, v);
    sched_unlock_irqrestore(lock, flags);
    return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
    struct scheduler *ops = vcpu_scheduler(v);
    spinlock_t *lock;
    unsigned long flags;

    if ( is_idle_vcpu(v) || !v->sched_priv )
        return;
    ASSERT(!v->is_running);
    lock = vcpu_schedule_lock_irqsave(v, &flags);
    ops->remove_vcpu(ops, v);
    sched_unlock_irqrestore(lock, flags);
    ops->free_vdata(ops, v->sched_priv);
    v->sched_priv = NULL;
}

int sched_init_domain(struct domain *d, unsigned int poolid)
{
    struct scheduler *ops;
    int rc;

    if ( is_idle_domain(d) )
        return 0;

    rc = cpupool_add_domain(d, poolid);
    if ( rc )
        return rc;
    ops = d->cpupool->sched;
    d->sched_priv = ops->alloc_domdata(ops, d);
    if ( !d->sched_priv )
    {
        cpupool_rm_domain(d);
        return -ENOMEM;
    }
    return 0;
}

void sched_destroy_domain(struct domain *d)
{
    struct scheduler *ops;

    if ( is_idle_domain(d) || !d->cpupool )
        return;
    ops = d->cpupool->sched;
    if ( d->sched_priv )
        ops->free_domdata(ops, d->sched_priv);
    d->sched_priv = NULL;
    cpupool_rm_domain(d);
}

/* --- Events. --- */

void vcpu_wake(struct vcpu *v)
{
    struct scheduler *ops = vcpu_scheduler(v);
    unsigned long flags;
    spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

    if ( vcpu_runnable(v) )
    {
        if ( v->runstate.state >= RUNSTATE_blocked )
            vcpu_runstate_change(v, RUNSTATE_runnable, NOW());
        /* A vCPU still on a pCPU is requeued by context_saved instead. */
        if ( !v->is_running && ops )
            ops->wake(ops, v);
    }
    else if ( v->runstate.state == RUNSTATE_runnable )
        vcpu_runstate_change(v, idle_state(v), NOW());

    sched_unlock_irqrestore(lock, flags);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    struct scheduler *ops = vcpu_scheduler(v);
    unsigned long flags;
    spinlock_t *lock = vcpu_schedule_lock_irqsave(v, &flags);

    if ( !vcpu_runnable(v) )
    {
        if ( v->runstate.state == RUNSTATE_runnable )
            vcpu_runstate_change(v, idle_state(v), NOW());
        if ( ops )
            ops->sleep(ops, v);
    }

    sched_unlock_irqrestore(lock, flags);
}

void vcpu_sleep_sync(struct vcpu *v)
{
    ASSERT(v != current);
    vcpu_sleep_nosync(v);
    while ( !vcpu_runnable(v) && read_atomic(&v->is_running) )
        sched_wait_relax();
    smp_mb();   /* what v wrote while it ran is visible from here */
}

void vcpu_block(void)
{
    struct vcpu *v = current;

    ASSERT(!is_idle_vcpu(v));
    set_bit(_VPF_blocked, &v->pause_flags);
    smp_mb();
    /* An event that arrived before the flag was set must not be lost. */
    if ( v->vcpu_info && local_events_need_delivery_v(v) )
    {
        clear_bit(_VPF_blocked, &v->pause_flags);
        return;
    }
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_unblock(struct vcpu *v)
{
    if ( test_and_clear_bit(_VPF_blocked, &v->pause_flags) )
        vcpu_wake(v);
}

void vcpu_yield(void)
{
    struct vcpu *v = current;
    struct scheduler *ops = vcpu_scheduler(v);
    unsigned long flags;
    spinlock_t *lock;

    if ( is_idle_vcpu(v) || !ops )
        return;
    lock = vcpu_schedule_lock_irqsave(v, &flags);
    ops->yield(ops, v);
    sched_unlock_irqrestore(lock, flags);
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* --- Migration. --- */

/*
 * Lock v's pCPU and new_cpu's, the second by trylock. Returns the second
 * lock (== first when shared), or NULL after dropping the first.
 */
static spinlock_t *lock_second(unsigned int new_cpu, spinlock_t *first)
{
    spinlock_t *second;

    if ( get_sched_res(new_cpu)->schedule_lock == first )
        return first;
    second = pcpu_schedule_trylock(new_cpu);
    if ( !second )
        spin_unlock(first);
    return second;
}

/* Finish moving v (VPF_migrating set) once it is not running. */
static void vcpu_migrate_finish(struct vcpu *v)
{
    struct scheduler *ops;
    spinlock_t *old, *new;
    unsigned long flags;
    unsigned int cpu;

    for ( ;; )
    {
        local_irq_save(flags);
        old = vcpu_schedule_lock(v);
        if ( v->is_running || !test_bit(_VPF_migrating, &v->pause_flags) )
        {
            spin_unlock_irqrestore(old, flags);
            return;     /* context_saved will call us again, or done */
        }
        ops = vcpu_scheduler(v);
        cpu = ops->pick_cpu(ops, v);
        ASSERT(cpumask_test_cpu(cpu, &v->cpu_hard_affinity));
        new = lock_second(cpu, old);
        if ( new )
            break;
        local_irq_restore(flags);
        sched_wait_relax();
    }

    if ( cpu != v->processor )
    {
        ops->remove_vcpu(ops, v);
        write_atomic(&v->processor, cpu);
        ops->insert_vcpu(ops, v);
    }
    clear_bit(_VPF_migrating, &v->pause_flags);
    if ( new != old )
        spin_unlock(new);
    spin_unlock_irqrestore(old, flags);

    vcpu_wake(v);
}

/* Make v pick its pCPU again (affinity or its pool's pCPUs changed). */
void vcpu_force_migrate(struct vcpu *v)
{
    set_bit(_VPF_migrating, &v->pause_flags);
    vcpu_sleep_nosync(v);
    vcpu_migrate_finish(v);
}

static int set_affinity(struct vcpu *v, const cpumask_t *mask, bool hard)
{
    cpumask_t online;
    unsigned long flags;
    spinlock_t *lock;
    bool move;

    if ( is_idle_vcpu(v) )
        return -EINVAL;
    cpumask_and(&online, mask, vcpu_pool_cpus(v));
    if ( hard ? cpumask_empty(&online) : cpumask_empty(mask) )
        return -EINVAL;

    lock = vcpu_schedule_lock_irqsave(v, &flags);
    cpumask_copy(hard ? &v->cpu_hard_affinity : &v->cpu_soft_affinity, mask);
    /* Soft affinity is a preference: the scheduler acts on it later. */
    move = hard && !cpumask_test_cpu(v->processor, mask);
    sched_unlock_irqrestore(lock, flags);

    if ( move )
        vcpu_force_migrate(v);
    return 0;
}

int vcpu_set_hard_affinity(struct vcpu *v, const cpumask_t *mask)
{
    return set_affinity(v, mask, true);
}

int vcpu_set_soft_affinity(struct vcpu *v, const cpumask_t *mask)
{
    return set_affinity(v, mask, false);
}

/* --- The decision. --- */

static void check_decision(unsigned int cpu, const struct sched_resource *sr,
                           const struct task_slice *slice)
{
    const struct vcpu *next = slice->task;

    BUG_ON(!next);
    if ( next == idle_vcpu[cpu] )
        return;
    ASSERT(next->domain->cpupool == sr->cpupool);
    ASSERT(vcpu_runnable(next));
    ASSERT(next->processor == cpu);
    ASSERT(cpumask_test_cpu(cpu, &next->cpu_hard_affinity));
    ASSERT(cpumask_test_cpu(cpu, cpupool_online_cpumask(sr->cpupool)));
    ASSERT(next == sr->curr || !next->is_running);
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_resource *sr = get_sched_res(cpu);
    struct vcpu *prev = current, *next;
    struct task_slice slice;
    spinlock_t *lock;
    s_time_t now;

    ASSERT(prev == sr->curr);
    lock = pcpu_schedule_lock_irq(cpu);
    now = NOW();
    stop_timer(&sr->s_timer);

    if ( sr->scheduler )
        slice = sr->scheduler->do_schedule(sr->scheduler, now);
    else
        slice = (struct task_slice){ .task = idle_vcpu[cpu], .time = -1 };
    check_decision(cpu, sr, &slice);
    next = slice.task;

    sr->curr = next;
    if ( slice.time >= 0 )
        set_timer(&sr->s_timer, now + slice.time);

    if ( prev == next )
    {
        sched_unlock_irq(lock);
        continue_running(prev);
        return;
    }

    vcpu_runstate_change(prev, idle_state(prev), now);
    vcpu_runstate_change(next, RUNSTATE_running, now);
    next->is_running = true;
    sched_unlock_irq(lock);

    context_switch(prev, next);
}

void sched_context_switched(struct vcpu *prev, struct vcpu *next)
{
    struct scheduler *ops = vcpu_scheduler(prev);
    unsigned long flags;
    spinlock_t *lock;

    ASSERT(prev != next);
    ASSERT(next->is_running);
    lock = vcpu_schedule_lock_irqsave(prev, &flags);
    smp_wmb();  /* prev's saved state before another pCPU may load it */
    prev->is_running = false;
    if ( ops && !is_idle_vcpu(prev) )
        ops->context_saved(ops, prev);
    sched_unlock_irqrestore(lock, flags);

    if ( test_bit(_VPF_migrating, &prev->pause_flags) )
        vcpu_migrate_finish(prev);
}

static void s_timer_fn(void *unused)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* --- Parameters. --- */

int sched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    struct scheduler *ops;

    if ( is_idle_domain(d) || !d->cpupool )
        return -EINVAL;
    ops = d->cpupool->sched;
    if ( op->sched_id != ops->sched_id )
        return -EINVAL;
    if ( op->cmd != XEN_DOMCTL_SCHEDOP_putinfo &&
         op->cmd != XEN_DOMCTL_SCHEDOP_getinfo )
        return -EINVAL;
    return ops->adjust(ops, d, op);
}

/* --- Scheduler instances. --- */

static const struct scheduler *find_scheduler(unsigned int sched_id)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(schedulers); i++ )
        if ( schedulers[i]->sched_id == sched_id )
            return schedulers[i];
    return NULL;
}

struct scheduler *scheduler_alloc(unsigned int sched_id, int *err)
{
    const struct scheduler *def = find_scheduler(sched_id);
    struct scheduler *s;

    *err = -EINVAL;
    if ( !def )
        return NULL;
    *err = -ENOMEM;
    s = xmalloc(struct scheduler);
    if ( !s )
        return NULL;
    *s = *def;
    s->sched_data = NULL;
    *err = s->init(s);
    if ( *err )
    {
        xfree(s);
        return NULL;
    }
    return s;
}

void scheduler_free(struct scheduler *s)
{
    if ( !s )
        return;
    s->deinit(s);
    xfree(s);
}

const struct scheduler *scheduler_default(void)
{
    return default_sched;
}

const char *sched_default_name(void)
{
    return default_sched ? default_sched->name : "(none)";
}

/* --- pCPUs joining and leaving pools. --- */

int schedule_cpu_add(unsigned int cpu, struct cpupool *c)
{
    struct sched_resource *sr = get_sched_res(cpu);
    struct scheduler *ops = c->sched;
    void *pdata, *vdata;
    spinlock_t *old, *new;
    unsigned long flags;

    ASSERT(!sr->cpupool);
    pdata = ops->alloc_pdata(ops, cpu);
    if ( !pdata )
        return -ENOMEM;
    vdata = ops->alloc_vdata(ops, idle_vcpu[cpu], NULL);
    if ( !vdata )
    {
        ops->free_pdata(ops, pdata, cpu);
        return -ENOMEM;
    }

    old = pcpu_schedule_lock_irqsave(cpu, &flags);
    new = ops->switch_sched(ops, cpu, pdata, vdata);
    ASSERT(sr->sched_priv == pdata && idle_vcpu[cpu]->sched_priv == vdata);
    sr->scheduler = ops;
    sr->cpupool = c;
    smp_wmb();
    write_atomic(&sr->schedule_lock, new);
    spin_unlock_irqrestore(old, flags);

    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
    return 0;
}

int schedule_cpu_rm(unsigned int cpu)
{
    struct sched_resource *sr = get_sched_res(cpu);
    struct scheduler *ops = sr->scheduler;
    void *pdata, *vdata;
    spinlock_t *lock;
    unsigned long flags;

    /*
     * The pool code has moved every vCPU of the pool off cpu (each one
     * after it stopped running there), so cpu runs, or is about to run,
     * its idle vCPU. Wait for the latter to become the former.
     */
    ASSERT(sr->cpupool && ops);
    ASSERT(!cpumask_test_cpu(cpu, &sr->cpupool->cpu_valid));
    for ( ;; )
    {
        lock = pcpu_schedule_lock_irqsave(cpu, &flags);
        if ( sr->curr == idle_vcpu[cpu] )
            break;
        spin_unlock_irqrestore(lock, flags);
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        sched_wait_relax();
    }

    pdata = sr->sched_priv;
    vdata = idle_vcpu[cpu]->sched_priv;
    ops->deinit_pdata(ops, pdata, cpu);
    sr->scheduler = NULL;
    sr->cpupool = NULL;
    sr->sched_priv = NULL;
    idle_vcpu[cpu]->sched_priv = NULL;
    smp_wmb();
    write_atomic(&sr->schedule_lock, &sr->_lock);
    spin_unlock_irqrestore(lock, flags);

    ops->free_vdata(ops, vdata);
    ops->free_pdata(ops, pdata, cpu);
    return 0;
}

/* --- Domains moving between pools. --- */

int sched_move_domain(struct domain *d, struct cpupool *c)
{
    struct scheduler *old_ops = d->cpupool->sched, *new_ops = c->sched;
    void *new_dom, *old_dom = d->sched_priv, **new_v, **old_v;
    const cpumask_t *cpus = cpupool_online_cpumask(c);
    unsigned int i, n = 0, cpu;
    struct vcpu *v;
    spinlock_t *lock;
    unsigned long flags;
    int rc = -ENOMEM;

    ASSERT(!is_idle_domain(d));
    if ( cpumask_empty(cpus) )
        return -ENODEV;

    /* Allocate everything first: past this point nothing can fail. */
    for_each_vcpu ( d, v )
        n++;
    new_v = xzalloc_array(void *, n ? n : 1);
    old_v = xzalloc_array(void *, n ? n : 1);
    new_dom = new_ops->alloc_domdata(new_ops, d);
    if ( !new_v || !old_v || !new_dom )
        goto fail;
    i = 0;
    for_each_vcpu ( d, v )
    {
        new_v[i] = new_ops->alloc_vdata(new_ops, v, new_dom);
        if ( !new_v[i] )
            goto fail;
        i++;
    }

    /* Commit. The domain is paused: no vCPU of it runs or is queued. */
    i = 0;
    cpu = cpumask_first(cpus);
    for_each_vcpu ( d, v )
    {
        ASSERT(!v->is_running);
        lock = vcpu_schedule_lock_irqsave(v, &flags);
        old_ops->remove_vcpu(old_ops, v);
        old_v[i] = v->sched_priv;
        v->sched_priv = new_v[i++];
        /* Affinities that say nothing about the new pool are reset. */
        if ( !cpumask_intersects(&v->cpu_hard_affinity, cpus) )
            cpumask_copy(&v->cpu_hard_affinity, &cpu_possible_map);
        while ( !cpumask_test_cpu(cpu, &v->cpu_hard_affinity) )
        {
            cpu = cpumask_next(cpu, cpus);
            if ( cpu >= NR_CPUS )
                cpu = cpumask_first(cpus);
        }
        write_atomic(&v->processor, cpu);
        sched_unlock_irqrestore(lock, flags);
        /* Spread the vCPUs over the pool's pCPUs. */
        cpu = cpumask_next(cpu, cpus);
        if ( cpu >= NR_CPUS )
            cpu = cpumask_first(cpus);
    }

    d->cpupool = c;
    d->sched_priv = new_dom;
    for_each_vcpu ( d, v )
    {
        lock = vcpu_schedule_lock_irqsave(v, &flags);
        new_ops->insert_vcpu(new_ops, v);
        sched_unlock_irqrestore(lock, flags);
    }

    for ( i = 0; i < n; i++ )
        old_ops->free_vdata(old_ops, old_v[i]);
    old_ops->free_domdata(old_ops, old_dom);
    xfree(new_v);
    xfree(old_v);
    return 0;

 fail:
    if ( new_v )
        for ( i = 0; i < n; i++ )
            if ( new_v[i] )
                new_ops->free_vdata(new_ops, new_v[i]);
    if ( new_dom )
        new_ops->free_domdata(new_ops, new_dom);
    xfree(new_v);
    xfree(old_v);
    return rc;
}

/* --- Boot and pCPU bring-up. --- */

int sched_cpu_prepare(unsigned int cpu)
{
    struct sched_resource *sr = get_sched_res(cpu);
    struct vcpu *idle;
    int rc;

    if ( !sr )
    {
        sr = xzalloc(struct sched_resource);
        if ( !sr )
            return -ENOMEM;
        spin_lock_init(&sr->_lock);
        sr->schedule_lock = &sr->_lock;
        sr->processor = cpu;
        init_timer(&sr->s_timer, s_timer_fn, NULL, cpu);
        get_sched_res(cpu) = sr;
    }

    if ( !idle_vcpu[cpu] )
    {
        rc = vcpu_create(idle_domain, cpu, cpu, &idle);
        if ( rc )
            return rc;
        idle_vcpu[cpu] = idle;
    }
    sr->curr = idle_vcpu[cpu];
    return 0;
}

void sched_cpu_starting(unsigned int cpu)
{
    struct vcpu *idle = idle_vcpu[cpu];
    spinlock_t *lock;

    ASSERT(cpu == smp_processor_id());
    set_current(idle);
    lock = pcpu_schedule_lock_irq(cpu);
    idle->is_running = true;
    vcpu_runstate_change(idle, RUNSTATE_running, NOW());
    sched_unlock_irq(lock);
    cpupool_cpu_starting(cpu);
}

void scheduler_smp_ready(void)
{
    cpupool_take_free_cpus(cpupool0);
}

static void pick_default_scheduler(void)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(schedulers); i++ )
        if ( !strcmp(schedulers[i]->opt_name, opt_sched) )
            default_sched = schedulers[i];
    if ( default_sched )
        return;
    printk(XENLOG_WARNING "sched=%s: unknown scheduler; using credit "
           "(known:", opt_sched);
    for ( i = 0; i < ARRAY_SIZE(schedulers); i++ )
        printk(" %s", schedulers[i]->opt_name);
    printk(")\n");
    default_sched = &sched_credit_def;
}

void scheduler_init(void)
{
    unsigned int cpu = smp_processor_id();

    pick_default_scheduler();
    if ( sched_ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX ||
         (sched_ratelimit_us && sched_ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN) )
    {
        printk(XENLOG_WARNING "sched_ratelimit_us=%u: out of range "
               "(0 or %u-%u); using %u\n", sched_ratelimit_us,
               XEN_SYSCTL_SCHED_RATELIMIT_MIN, XEN_SYSCTL_SCHED_RATELIMIT_MAX,
               SCHED_DEFAULT_RATELIMIT_US);
        sched_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US;
    }
    open_softirq(SCHEDULE_SOFTIRQ, schedule);

    domain_early_init();
    if ( sched_cpu_prepare(cpu) )
        panic("scheduler: cannot set up the boot CPU\n");
    sched_cpu_starting(cpu);

    cpupool_init();
    cpupool_take_free_cpus(cpupool0);
    register_keyhandler('r', dump_runq, "dump run queues", true);
    printk("Scheduler: %s (%s)\n", default_sched->name,
           default_sched->opt_name);
}

/* --- The 'r' key. --- */

const char *runstate_name(int state)
{
    static const char *const name[] = {
        [RUNSTATE_running]  = "running",
        [RUNSTATE_runnable] = "runnable",
        [RUNSTATE_blocked]  = "blocked",
        [RUNSTATE_offline]  = "offline",
    };

    return (unsigned int)state < ARRAY_SIZE(name) ? name[state] : "?";
}

static void dump_vcpu(const struct scheduler *ops, struct vcpu *v)
{
    struct vcpu_runstate_info rs;
    unsigned long flags;
    spinlock_t *lock;

    vcpu_runstate_get(v, &rs);
    lock = vcpu_schedule_lock_irqsave(v, &flags);
    printk("  d%uv%u %-8s cpu %-3u run %lums wait %lums ",
           v->domain->domain_id, v->vcpu_id, runstate_name(rs.state),
           v->processor,
           (unsigned long)(rs.time[RUNSTATE_running] / 1000000),
           (unsigned long)(rs.time[RUNSTATE_runnable] / 1000000));
    if ( ops->dump_vcpu )
        ops->dump_vcpu(ops, v);
    printk("\n");
    sched_unlock_irqrestore(lock, flags);
}

/* One pool: its scheduler, its pCPUs' queues, its vCPUs. Pool lock held. */
void sched_dump_pool(struct cpupool *c)
{
    struct scheduler *ops = c->sched;
    struct domain *d;
    struct vcpu *v;
    unsigned int cpu;
    unsigned long flags;
    spinlock_t *lock;
    char buf[64];

    cpumask_scnprintf(buf, sizeof(buf), &c->cpu_valid);
    printk("Pool %u: %s, pCPUs %s, %u domain(s)\n", c->cpupool_id,
           ops->name, buf, c->n_dom);
    ops->dump_settings(ops);
    for_each_cpu ( cpu, &c->cpu_valid )
    {
        lock = pcpu_schedule_lock_irqsave(cpu, &flags);
        v = curr_on_cpu(cpu);
        if ( is_idle_vcpu(v) )
            printk(" CPU%u: idle\n", cpu);
        else
            printk(" CPU%u: running d%uv%u\n", cpu, v->domain->domain_id,
                   v->vcpu_id);
        ops->dump_cpu_state(ops, cpu);
        sched_unlock_irqrestore(lock, flags);
    }
    read_lock(&domlist_lock);
    for_each_domain ( d )
    {
        if ( d->cpupool != c )
            continue;
        for_each_vcpu ( d, v )
            dump_vcpu(ops, v);
    }
    read_unlock(&domlist_lock);
}
