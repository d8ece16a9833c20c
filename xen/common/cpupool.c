/*
 * cpupool.c: CPU pools.
 *
 * Theory of operation. A cpupool is a set of pCPUs with its own scheduler
 * instance; every domain belongs to exactly one pool and its vCPUs run
 * only on that pool's pCPUs. Pool 0 exists from boot with the sched=
 * scheduler and receives every pCPU as it comes online; later pools are
 * made by the toolstack (the sysctl comes with the toolstack; these are
 * the operations beneath it). An online pCPU in no pool is "free": it
 * runs only its idle vCPU.
 *
 * Moving a pCPU out of a pool: it leaves the pool's pCPU mask first, so
 * no scheduler places or steals anything onto it any more; then every
 * vCPU of the pool that sits on it is migrated (the framework waits for a
 * running one to be switched out); then the pCPU's scheduler data is
 * dropped. Moving a pCPU into a pool is the reverse, and the pool's
 * scheduler pulls work onto it by its own balancing. Moving a domain
 * pauses it, swaps its scheduler data for the new pool's (allocated up
 * front, so the swap cannot fail) and unpauses it.
 *
 * Locking: cpupool_lock serialises every pool operation and protects the
 * pool list, each pool's cpu_valid and n_dom, and cpupool_free_cpus
 * (whose bits a starting pCPU also sets for itself, atomically, before it
 * can be in any pool). It nests outside the domain list lock and the
 * schedule locks. Operations wait for remote pCPUs with it held; nothing
 * that runs on the scheduling path takes it.
 */
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <xen/keyhandler.h>

struct cpupool *cpupool0;
cpumask_t cpupool_free_cpus;

static struct cpupool *cpupool_list;        /* sorted by cpupool_id */
static DEFINE_SPINLOCK(cpupool_lock);

struct cpupool *cpupool_find_by_id(unsigned int poolid)
{
    struct cpupool *c;

    for ( c = cpupool_list; c && c->cpupool_id <= poolid; c = c->next )
        if ( c->cpupool_id == poolid )
            return c;
    return NULL;
}

static unsigned int next_free_id(void)
{
    unsigned int id = 0;
    struct cpupool *c;

    for ( c = cpupool_list; c && c->cpupool_id == id; c = c->next )
        id++;
    return id;
}

static void link_pool(struct cpupool *n)
{
    struct cpupool **pp = &cpupool_list;

    while ( *pp && (*pp)->cpupool_id < n->cpupool_id )
        pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
}

static void unlink_pool(struct cpupool *c)
{
    struct cpupool **pp = &cpupool_list;

    while ( *pp != c )
        pp = &(*pp)->next;
    *pp = c->next;
}

static int create_locked(unsigned int poolid, unsigned int sched_id,
                         struct cpupool **out)
{
    struct cpupool *c;
    int rc;

    if ( poolid == CPUPOOLID_NONE )
        poolid = next_free_id();
    if ( cpupool_find_by_id(poolid) )
        return -EEXIST;

    c = xzalloc(struct cpupool);
    if ( !c )
        return -ENOMEM;
    c->sched = scheduler_alloc(sched_id, &rc);
    if ( !c->sched )
    {
        xfree(c);
        return rc;
    }
    c->cpupool_id = poolid;
    link_pool(c);
    *out = c;
    return 0;
}

int cpupool_create(unsigned int poolid, unsigned int sched_id,
                   struct cpupool **out)
{
    int rc;

    spin_lock(&cpupool_lock);
    rc = create_locked(poolid, sched_id, out);
    spin_unlock(&cpupool_lock);
    if ( !rc )
        printk("cpupool %u created (%s)\n", (*out)->cpupool_id,
               (*out)->sched->opt_name);
    return rc;
}

int cpupool_destroy(struct cpupool *c)
{
    spin_lock(&cpupool_lock);
    if ( c == cpupool0 )
    {
        spin_unlock(&cpupool_lock);
        return -EINVAL;
    }
    if ( c->n_dom || !cpumask_empty(&c->cpu_valid) )
    {
        spin_unlock(&cpupool_lock);
        return -EBUSY;
    }
    unlink_pool(c);
    spin_unlock(&cpupool_lock);

    scheduler_free(c->sched);
    xfree(c);
    return 0;
}

static int assign_locked(struct cpupool *c, unsigned int cpu)
{
    int rc;

    if ( cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpupool_free_cpus) )
        return -EBUSY;
    rc = schedule_cpu_add(cpu, c);
    if ( rc )
        return rc;
    cpumask_clear_cpu(cpu, &cpupool_free_cpus);
    cpumask_set_cpu(cpu, &c->cpu_valid);
    return 0;
}

int cpupool_assign_cpu(struct cpupool *c, unsigned int cpu)
{
    int rc;

    spin_lock(&cpupool_lock);
    rc = assign_locked(c, cpu);
    spin_unlock(&cpupool_lock);
    return rc;
}

/* Every vCPU of c keeps a pCPU it may run on once cpu is gone. */
static bool affinities_survive(const struct cpupool *c, unsigned int cpu)
{
    cpumask_t rest;
    struct domain *d;
    struct vcpu *v;
    bool ok = true;

    cpumask_copy(&rest, &c->cpu_valid);
    cpumask_clear_cpu(cpu, &rest);
    read_lock(&domlist_lock);
    for_each_domain ( d )
        if ( d->cpupool == c )
            for_each_vcpu ( d, v )
                if ( !cpumask_intersects(&v->cpu_hard_affinity, &rest) )
                    ok = false;
    read_unlock(&domlist_lock);
    return ok;
}

/* Move every vCPU of c off cpu; true when none is left there. */
static bool evacuate(const struct cpupool *c, unsigned int cpu)
{
    struct domain *d;
    struct vcpu *v;
    bool done = true;

    read_lock(&domlist_lock);
    for_each_domain ( d )
        if ( d->cpupool == c )
            for_each_vcpu ( d, v )
                if ( read_atomic(&v->processor) == cpu ||
                     test_bit(_VPF_migrating, &v->pause_flags) )
                {
                    done = false;
                    if ( !test_bit(_VPF_migrating, &v->pause_flags) )
                        vcpu_force_migrate(v);
                }
    read_unlock(&domlist_lock);
    return done;
}

int cpupool_unassign_cpu(struct cpupool *c, unsigned int cpu)
{
    int rc;

    spin_lock(&cpupool_lock);
    rc = -EINVAL;
    if ( cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &c->cpu_valid) )
        goto out;
    rc = -EBUSY;
    if ( c->n_dom && cpumask_weight(&c->cpu_valid) == 1 )
        goto out;
    if ( !affinities_survive(c, cpu) )
        goto out;

    /* Commit: nothing below fails. */
    cpumask_clear_cpu(cpu, &c->cpu_valid);
    while ( !evacuate(c, cpu) )
        sched_wait_relax();
    rc = schedule_cpu_rm(cpu);
    BUG_ON(rc);
    cpumask_set_cpu(cpu, &cpupool_free_cpus);
 out:
    spin_unlock(&cpupool_lock);
    return rc;
}

int cpupool_move_domain(struct domain *d, struct cpupool *c)
{
    struct cpupool *old;
    int rc = 0;

    if ( is_idle_domain(d) )
        return -EINVAL;

    spin_lock(&cpupool_lock);
    old = d->cpupool;
    if ( old == c )
        goto out;
    rc = -ENODEV;
    if ( cpumask_empty(&c->cpu_valid) )
        goto out;

    domain_pause(d);
    rc = sched_move_domain(d, c);
    if ( !rc )
    {
        old->n_dom--;
        c->n_dom++;
    }
    domain_unpause(d);
 out:
    spin_unlock(&cpupool_lock);
    return rc;
}

int cpupool_add_domain(struct domain *d, unsigned int poolid)
{
    struct cpupool *c;
    int rc = -ENOENT;

    spin_lock(&cpupool_lock);
    c = cpupool_find_by_id(poolid);
    if ( c )
    {
        rc = -ENODEV;
        if ( !cpumask_empty(&c->cpu_valid) )
        {
            c->n_dom++;
            d->cpupool = c;
            rc = 0;
        }
    }
    spin_unlock(&cpupool_lock);
    return rc;
}

void cpupool_rm_domain(struct domain *d)
{
    spin_lock(&cpupool_lock);
    ASSERT(d->cpupool && d->cpupool->n_dom);
    d->cpupool->n_dom--;
    d->cpupool = NULL;
    spin_unlock(&cpupool_lock);
}

void cpupool_cpu_starting(unsigned int cpu)
{
    /* Atomic, no lock: cpu is in no pool, so nobody else changes its bit. */
    cpumask_set_cpu(cpu, &cpupool_free_cpus);
}

void cpupool_take_free_cpus(struct cpupool *c)
{
    unsigned int cpu;
    int rc;

    spin_lock(&cpupool_lock);
    for_each_cpu ( cpu, &cpupool_free_cpus )
    {
        rc = assign_locked(c, cpu);
        if ( rc )
            printk(XENLOG_WARNING "cpupool %u: cannot take CPU%u: %d\n",
                   c->cpupool_id, cpu, rc);
    }
    spin_unlock(&cpupool_lock);
}

int sched_adjust_global(struct xen_sysctl_scheduler_op *op)
{
    struct cpupool *c;
    int rc = -ESRCH;                    /* Xen's answer for no such pool */

    if ( op->cmd != XEN_SYSCTL_SCHEDOP_putinfo &&
         op->cmd != XEN_SYSCTL_SCHEDOP_getinfo )
        return -EINVAL;
    spin_lock(&cpupool_lock);
    c = cpupool_find_by_id(op->cpupool_id);
    if ( c )
        rc = op->sched_id == c->sched->sched_id
             ? c->sched->adjust_global(c->sched, op) : -EINVAL;
    spin_unlock(&cpupool_lock);
    return rc;
}

void dump_runq(unsigned char key)
{
    struct cpupool *c;
    char buf[64];

    printk("'%c' pressed -> dumping run queues (now %"PRI_stime"ns, "
           "sched_ratelimit_us %u)\n", key, NOW(), sched_ratelimit_us);
    spin_lock(&cpupool_lock);
    if ( !cpumask_empty(&cpupool_free_cpus) )
    {
        cpumask_scnprintf(buf, sizeof(buf), &cpupool_free_cpus);
        printk("Free pCPUs (idle, in no pool): %s\n", buf);
    }
    for ( c = cpupool_list; c; c = c->next )
        sched_dump_pool(c);
    spin_unlock(&cpupool_lock);
}

void cpupool_init(void)
{
    int rc;

    spin_lock(&cpupool_lock);
    rc = create_locked(0, scheduler_default()->sched_id, &cpupool0);
    spin_unlock(&cpupool_lock);
    if ( rc )
        panic("cpupool 0: cannot create it (%d)\n", rc);
}
