/*
 * domain.c: the life of domains and vCPUs.
 *
 * Theory of operation (xen/sched.h has the life cycle as callers see it).
 *
 * References. d->refcnt counts holders: the domain list holds one while
 * the domain is linked; creators and lookups take more. Lookups run under
 * the domain list's read lock and take their reference there, and a
 * domain leaves the list (under the write lock) before the list's
 * reference is dropped, so a lookup never finds a domain whose count has
 * reached zero. The final put_domain() swaps 0 for DOMAIN_DESTROYED, so a
 * racing get_domain() on a stale pointer fails rather than resurrects,
 * and queues the domain for freeing by a tasklet: the caller of the last
 * put_domain() may hold locks or be running in the domain's own context.
 *
 * Pausing. A domain has one pause count per reason (internal, controller,
 * shutdown); a vCPU has its own count and its VPF_* flags. vcpu_runnable()
 * requires all of them to be zero, so a reason is released only by its
 * owner and reasons never cancel each other. Pausing asks each vCPU to
 * sleep; the synchronous forms then wait until none is running.
 *
 * Killing. domain_kill() marks the domain dying (under the domain lock,
 * so it happens once), pauses it for good, releases what it holds (the
 * arch and memory parts join in later issues), marks it dead, unlinks it
 * and drops the list's reference. Its scheduler and vCPU structures stay
 * until the last reference goes, so holders can still read them.
 *
 * Locking: domlist_lock (rwlock) protects the domain list and hash; the
 * domain lock serialises one domain's lifecycle changes (shutdown, kill,
 * vCPU creation, controller pause counts). Order: cpupool lock, then
 * domain lock, then domlist_lock, then schedule locks. dead_lock (a leaf)
 * protects the queue of domains waiting to be freed.
 */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/domain_page.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/tasklet.h>
#include <xen/xmalloc.h>
#include <asm/page.h>

struct domain *domain_list;
DEFINE_RWLOCK(domlist_lock);

struct domain *idle_domain;
struct domain *hardware_domain;

#define DOMAIN_HASH_SIZE 256
#define DOMAIN_HASH(id) ((id) & (DOMAIN_HASH_SIZE - 1))
static struct domain *domain_hash[DOMAIN_HASH_SIZE];

static domid_t domid_rover;             /* the last domU id handed out */

/* Domains whose last reference has gone, waiting for free_tasklet. */
static struct domain *dead_list;
static DEFINE_SPINLOCK(dead_lock);
static struct tasklet free_tasklet;

static const char *const shutdown_name[] = {
    [SHUTDOWN_poweroff]   = "poweroff",
    [SHUTDOWN_reboot]     = "reboot",
    [SHUTDOWN_suspend]    = "suspend",
    [SHUTDOWN_crash]      = "crash",
    [SHUTDOWN_watchdog]   = "watchdog",
    [SHUTDOWN_soft_reset] = "soft_reset",
};

/* --- The domain list. Write lock held. --- */

static struct domain *find_locked(domid_t domid)
{
    struct domain *d;

    for ( d = domain_hash[DOMAIN_HASH(domid)]; d; d = d->next_in_hashbucket )
        if ( d->domain_id == domid )
            return d;
    return NULL;
}

static void link_domain(struct domain *d)
{
    struct domain **pp = &domain_list;

    while ( *pp && (*pp)->domain_id < d->domain_id )
        pp = &(*pp)->next_in_list;
    d->next_in_list = *pp;
    *pp = d;
    d->next_in_hashbucket = domain_hash[DOMAIN_HASH(d->domain_id)];
    domain_hash[DOMAIN_HASH(d->domain_id)] = d;
}

static void unlink_domain(struct domain *d)
{
    struct domain **pp;

    for ( pp = &domain_list; *pp != d; pp = &(*pp)->next_in_list )
        ASSERT(*pp);
    *pp = d->next_in_list;
    for ( pp = &domain_hash[DOMAIN_HASH(d->domain_id)]; *pp != d;
          pp = &(*pp)->next_in_hashbucket )
        ASSERT(*pp);
    *pp = d->next_in_hashbucket;
}

int domid_alloc(domid_t *out)
{
    domid_t id = domid_rover;
    unsigned int tries;

    read_lock(&domlist_lock);
    for ( tries = 0; tries < DOMID_FIRST_RESERVED; tries++ )
    {
        if ( ++id >= DOMID_FIRST_RESERVED )
            id = 1;
        if ( !find_locked(id) )
        {
            domid_rover = id;
            read_unlock(&domlist_lock);
            *out = id;
            return 0;
        }
    }
    read_unlock(&domlist_lock);
    return -ENOSPC;
}

/* --- References. --- */

bool get_domain(struct domain *d)
{
    int old, seen = atomic_read(&d->refcnt);

    do {
        old = seen;
        if ( old & (int)DOMAIN_DESTROYED )
            return false;
        seen = atomic_cmpxchg(&d->refcnt, old, old + 1);
    } while ( seen != old );
    return true;
}

static void queue_for_free(struct domain *d)
{
    unsigned long flags;

    spin_lock_irqsave(&dead_lock, flags);
    d->next_in_list = dead_list;
    dead_list = d;
    spin_unlock_irqrestore(&dead_lock, flags);
    tasklet_schedule(&free_tasklet);
}

void put_domain(struct domain *d)
{
    ASSERT(!(atomic_read(&d->refcnt) & (int)DOMAIN_DESTROYED));
    if ( !atomic_dec_and_test(&d->refcnt) )
        return;
    /* Zero: nobody can find it any more; mark it so stale gets fail. */
    if ( atomic_cmpxchg(&d->refcnt, 0, (int)DOMAIN_DESTROYED) != 0 )
        return;
    ASSERT(d->is_dying == DOMDYING_dead);
    queue_for_free(d);
}

struct domain *get_domain_by_id(domid_t domid)
{
    struct domain *d;

    read_lock(&domlist_lock);
    d = find_locked(domid);
    if ( d && !get_domain(d) )
        d = NULL;
    read_unlock(&domlist_lock);
    return d;
}

/* --- Creation and freeing. --- */

static void free_vcpu(struct vcpu *v)
{
    sched_destroy_vcpu(v);
    arch_vcpu_destroy(v);
    xfree(v);
}

/* Free what domain_create() built. No vCPU runs; nobody holds it. */
static void free_domain(struct domain *d)
{
    domid_t domid = d->domain_id;
    bool idle = is_idle_domain(d);
    unsigned int i;

    if ( !is_idle_domain(d) )
        evtchn_domain_free(d);
    grant_table_destroy(d);
    for ( i = d->max_vcpus; i-- > 0; )
        if ( d->vcpu && d->vcpu[i] )
            free_vcpu(d->vcpu[i]);
    sched_destroy_domain(d);
    arch_domain_destroy(d);
    xfree(d->vcpu);
    xfree(d);
    if ( !idle )
        printk(XENLOG_DEBUG "Domain %u: freed, %lu pages free\n", domid,
               total_free_pages());
}

static void free_dead_domains(void *unused)
{
    struct domain *d;
    unsigned long flags;

    for ( ;; )
    {
        spin_lock_irqsave(&dead_lock, flags);
        d = dead_list;
        if ( d )
            dead_list = d->next_in_list;
        spin_unlock_irqrestore(&dead_lock, flags);
        if ( !d )
            return;
        printk(XENLOG_DEBUG "Domain %u freed\n", d->domain_id);
        free_domain(d);
    }
}

static int check_create_args(domid_t domid,
                             const struct domain_create_args *args)
{
    if ( domid == DOMID_IDLE )
        return (idle_domain || !args->max_vcpus ||
                args->max_vcpus > NR_CPUS) ? -EINVAL : 0;
    if ( domid >= DOMID_FIRST_RESERVED )
        return -EINVAL;
    if ( !args->max_vcpus || args->max_vcpus > MAX_VIRT_CPUS )
        return -EINVAL;
    return 0;
}

int domain_create(domid_t domid, const struct domain_create_args *args,
                  struct domain **out)
{
    bool idle = domid == DOMID_IDLE;
    struct domain *d;
    int rc;

    rc = check_create_args(domid, args);
    if ( rc )
        return rc;
    /* With the line free_domain() prints, this shows what a domain leaks. */
    if ( !idle )
        printk(XENLOG_DEBUG "Domain %u: being created, %lu pages free\n",
               domid, total_free_pages());

    /* Page aligned: a frame's owner field stores the address >> 12. */
    d = _xzalloc(sizeof(*d), PAGE_SIZE);
    if ( !d )
        return -ENOMEM;
    d->domain_id = domid;
    d->max_vcpus = args->max_vcpus;
    d->is_privileged = args->privileged;
    spin_lock_init(&d->domain_lock);
    atomic_set(&d->refcnt, idle ? 1 : 2);   /* the list's and the caller's */
    if ( !idle && !args->start_unpaused )
        atomic_set(&d->pause_count[DOMPAUSE_controller], 1);
    d->create_time = NOW();
    spin_lock_init(&d->event_lock);
    domain_memory_init(d);

    rc = -ENOMEM;
    d->vcpu = xzalloc_array(struct vcpu *, d->max_vcpus);
    if ( !d->vcpu )
        goto fail_free;
    rc = sched_init_domain(d, args->cpupool_id);
    if ( rc )
        goto fail_free;
    rc = arch_domain_create(d, args);
    if ( rc )
        goto fail_sched;

    if ( idle )
    {
        idle_domain = d;
        *out = d;
        return 0;
    }

    rc = evtchn_domain_init(d);
    if ( rc )
        goto fail_arch;
    if ( args->pv_guest && (rc = grant_table_init(d)) )
        goto fail_evtchn;

    write_lock(&domlist_lock);
    if ( find_locked(domid) )
    {
        write_unlock(&domlist_lock);
        rc = -EEXIST;
        goto fail_evtchn;
    }
    link_domain(d);
    write_unlock(&domlist_lock);

    *out = d;
    return 0;

 fail_evtchn:
    grant_table_destroy(d);
    evtchn_domain_destroy(d);
    evtchn_domain_free(d);
 fail_arch:
    arch_domain_destroy(d);
 fail_sched:
    sched_destroy_domain(d);
 fail_free:
    xfree(d->vcpu);
    xfree(d);
    return rc;
}

int vcpu_create(struct domain *d, unsigned int vcpu_id, unsigned int cpu,
                struct vcpu **out)
{
    struct vcpu *v;
    int rc;

    if ( vcpu_id >= d->max_vcpus )
        return -EINVAL;
    /* vCPUs are created in order (the list links them by id). */
    if ( !is_idle_domain(d) && vcpu_id && !d->vcpu[vcpu_id - 1] )
        return -EINVAL;

    v = xzalloc(struct vcpu);
    if ( !v )
        return -ENOMEM;
    v->vcpu_id = vcpu_id;
    v->domain = d;
    if ( !is_idle_domain(d) )
        v->pause_flags = VPF_down;

    rc = arch_vcpu_create(v);
    if ( rc )
        goto fail_free;

    spin_lock(&d->domain_lock);
    rc = -EEXIST;
    if ( d->vcpu[vcpu_id] )
        goto fail_locked;
    rc = -EINVAL;
    if ( d->is_dying != DOMDYING_alive )
        goto fail_locked;
    rc = sched_init_vcpu(v, cpu);
    if ( rc )
        goto fail_locked;
    if ( !is_idle_domain(d) && vcpu_id )
        d->vcpu[vcpu_id - 1]->next_in_list = v;
    d->vcpu[vcpu_id] = v;
    spin_unlock(&d->domain_lock);

    *out = v;
    return 0;

 fail_locked:
    spin_unlock(&d->domain_lock);
    arch_vcpu_destroy(v);
 fail_free:
    xfree(v);
    return rc;
}

void vcpu_up(struct vcpu *v)
{
    if ( test_and_clear_bit(_VPF_down, &v->pause_flags) )
        vcpu_wake(v);
}

void vcpu_down(struct vcpu *v)
{
    if ( !test_and_set_bit(_VPF_down, &v->pause_flags) )
        vcpu_sleep_nosync(v);
}

/* --- Pausing. --- */

void vcpu_pause_nosync(struct vcpu *v)
{
    atomic_inc(&v->pause_count);
    vcpu_sleep_nosync(v);
}

void vcpu_pause(struct vcpu *v)
{
    ASSERT(v != current);
    atomic_inc(&v->pause_count);
    vcpu_sleep_sync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    ASSERT(atomic_read(&v->pause_count) > 0);
    if ( atomic_dec_and_test(&v->pause_count) )
        vcpu_wake(v);
}

static void sleep_all(struct domain *d, bool sync)
{
    struct vcpu *v;

    for_each_vcpu ( d, v )
        if ( sync )
            vcpu_sleep_sync(v);
        else
            vcpu_sleep_nosync(v);
}

static void pause_reason(struct domain *d, enum dompause_reason r, bool sync)
{
    atomic_inc(&d->pause_count[r]);
    sleep_all(d, sync);
}

static void unpause_reason(struct domain *d, enum dompause_reason r)
{
    struct vcpu *v;

    ASSERT(atomic_read(&d->pause_count[r]) > 0);
    if ( !atomic_dec_and_test(&d->pause_count[r]) )
        return;
    for_each_vcpu ( d, v )
        vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
    ASSERT(!current || d != current->domain);
    pause_reason(d, DOMPAUSE_internal, true);
}

void domain_pause_nosync(struct domain *d)
{
    pause_reason(d, DOMPAUSE_internal, false);
}

void domain_unpause(struct domain *d)
{
    unpause_reason(d, DOMPAUSE_internal);
}

int domain_pause_by_controller(struct domain *d)
{
    spin_lock(&d->domain_lock);
    if ( atomic_read(&d->pause_count[DOMPAUSE_controller]) >=
         DOMPAUSE_CONTROLLER_MAX )
    {
        spin_unlock(&d->domain_lock);
        return -EBUSY;
    }
    atomic_inc(&d->pause_count[DOMPAUSE_controller]);
    spin_unlock(&d->domain_lock);

    /* A toolstack may pause its own domain: then do not wait for it. */
    sleep_all(d, !current || d != current->domain);
    return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
    int rc = -EINVAL;

    spin_lock(&d->domain_lock);
    if ( atomic_read(&d->pause_count[DOMPAUSE_controller]) )
    {
        unpause_reason(d, DOMPAUSE_controller);
        rc = 0;
    }
    spin_unlock(&d->domain_lock);
    return rc;
}

bool domain_is_paused(const struct domain *d)
{
    unsigned int r;

    for ( r = 0; r < NR_DOMPAUSE; r++ )
        if ( atomic_read(&d->pause_count[r]) )
            return true;
    return false;
}

/* --- Shutdown, crash, kill. --- */

int domain_shutdown(struct domain *d, unsigned int reason)
{
    if ( reason > SHUTDOWN_MAX )
        return -EINVAL;
    if ( is_idle_domain(d) )
        return -EINVAL;

    spin_lock(&d->domain_lock);
    if ( d->is_shutting_down || d->is_dying != DOMDYING_alive )
    {
        spin_unlock(&d->domain_lock);
        return 0;               /* the first reason stands */
    }
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    pause_reason(d, DOMPAUSE_shutdown, false);
    d->is_shut_down = true;     /* every vCPU stops at its next decision */
    spin_unlock(&d->domain_lock);

    printk("Domain %u shut down: %s\n", d->domain_id, shutdown_name[reason]);
    if ( d == hardware_domain )
        hwdom_shutdown(reason);
    return 0;
}

int domain_resume(struct domain *d)
{
    spin_lock(&d->domain_lock);
    if ( !d->is_shutting_down || d->is_dying != DOMDYING_alive )
    {
        spin_unlock(&d->domain_lock);
        return -EINVAL;
    }
    d->is_shutting_down = false;
    d->is_shut_down = false;
    spin_unlock(&d->domain_lock);
    unpause_reason(d, DOMPAUSE_shutdown);
    return 0;
}

void domain_crash(struct domain *d)
{
    printk(XENLOG_ERR "Domain %u crashed\n", d->domain_id);
    domain_shutdown(d, SHUTDOWN_crash);
}

int domain_kill(struct domain *d)
{
    if ( is_idle_domain(d) )
        return -EINVAL;

    spin_lock(&d->domain_lock);
    if ( d->is_dying != DOMDYING_alive )
    {
        spin_unlock(&d->domain_lock);
        return 0;
    }
    d->is_dying = DOMDYING_dying;
    spin_unlock(&d->domain_lock);

    /* For good: this pause is never undone. */
    domain_pause(d);
    evtchn_domain_destroy(d);
    arch_domain_relinquish_resources(d);
    domain_relinquish_memory(d);
    grant_table_release_mappings(d);
    d->is_dying = DOMDYING_dead;

    write_lock(&domlist_lock);
    unlink_domain(d);
    write_unlock(&domlist_lock);
    if ( hardware_domain == d )
        hardware_domain = NULL;
    printk(XENLOG_DEBUG "Domain %u killed\n", d->domain_id);
    put_domain(d);              /* the list's reference */
    return 0;
}

/* --- The 'q' key. --- */

static void dump_vcpu_q(const struct vcpu *v)
{
    struct vcpu_runstate_info rs;
    char hard[48], soft[48];

    vcpu_runstate_get(v, &rs);
    cpumask_scnprintf(hard, sizeof(hard), &v->cpu_hard_affinity);
    cpumask_scnprintf(soft, sizeof(soft), &v->cpu_soft_affinity);
    printk("    VCPU%u: CPU%u %s pause_flags=%lx pause_count=%d "
           "hard={%s} soft={%s}\n", v->vcpu_id, v->processor,
           runstate_name(rs.state), v->pause_flags, atomic_read(&v->pause_count),
           hard, soft);
    printk("           running %lums runnable %lums blocked %lums "
           "offline %lums\n",
           (unsigned long)(rs.time[RUNSTATE_running] / 1000000),
           (unsigned long)(rs.time[RUNSTATE_runnable] / 1000000),
           (unsigned long)(rs.time[RUNSTATE_blocked] / 1000000),
           (unsigned long)(rs.time[RUNSTATE_offline] / 1000000));
    arch_dump_vcpu(v);
}

static void dump_domain(const struct domain *d)
{
    const struct vcpu *v;
    unsigned int n = 0;

    for_each_vcpu ( d, v )
        n++;
    printk("Domain %u: refcnt %d, %u/%u vCPUs, pool %d%s%s\n",
           d->domain_id, atomic_read(&d->refcnt), n, d->max_vcpus,
           d->cpupool ? (int)d->cpupool->cpupool_id : -1,
           d->is_privileged ? ", privileged" : "",
           d->is_dying ? ", dying" : "");
    printk("    paused: internal %d controller %d shutdown %d",
           atomic_read(&d->pause_count[DOMPAUSE_internal]),
           atomic_read(&d->pause_count[DOMPAUSE_controller]),
           atomic_read(&d->pause_count[DOMPAUSE_shutdown]));
    if ( d->is_shutting_down )
        printk("; shut down (%s)", shutdown_name[d->shutdown_code]);
    printk("\n");
    for_each_vcpu ( d, v )
        dump_vcpu_q(v);
}

void dump_domains(unsigned char key)
{
    struct domain *d;

    printk("'%c' pressed -> dumping domain info (now %"PRI_stime"ns)\n",
           key, NOW());
    read_lock(&domlist_lock);
    for_each_domain ( d )
        dump_domain(d);
    read_unlock(&domlist_lock);
}

void domain_early_init(void)
{
    struct domain_create_args args = {
        .max_vcpus = NR_CPUS,       /* pCPUs are counted later, at SMP boot */
        .cpupool_id = CPUPOOLID_NONE,
    };
    struct domain *d;

    tasklet_init(&free_tasklet, free_dead_domains, NULL);
    if ( domain_create(DOMID_IDLE, &args, &d) )
        panic("Cannot create the idle domain\n");
    register_keyhandler('q', dump_domains, "dump domain (and vCPU) info",
                        true);
}
