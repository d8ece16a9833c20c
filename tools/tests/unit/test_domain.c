/*
 * test_domain.c: the domain and vCPU life cycle (xen/common/domain.c) on
 * the simulated machine of sched_sim.c, through the framework's own entry
 * points, as the toolstack and the hypervisor call them:
 *
 *   ids          domid_alloc() hands out 1 upwards, skips ids in use and
 *                wraps below DOMID_FIRST_RESERVED; creation refuses taken
 *                and reserved ids and bad arguments, changing nothing
 *   vCPUs        created in order, within max_vcpus, down until brought up
 *   pausing      counted per reason: reasons never cancel each other; the
 *                controller's nests to a limit and cannot go below zero
 *   shutdown     a reason code; the first one stands; resume undoes it
 *   references   a killed domain cannot be found; holders keep it; the last
 *                reference destroys it (stale gets fail) and a tasklet
 *                frees it, leaving no allocation behind (sim_end checks)
 *   runstates    offline -> runnable/running -> blocked -> offline, and the
 *                four times add up to the time since creation
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>

#include "harness.h"
#include "sched_sim.h"

static struct sim_pool *pool;

static struct domain *create(domid_t id, unsigned int nr_vcpus)
{
    struct domain_create_args args = {
        .max_vcpus = nr_vcpus,
        .cpupool_id = pool->c->cpupool_id,
    };
    struct domain *d = NULL;
    int rc;

    sim_ctl_begin();
    rc = domain_create(id, &args, &d);
    sim_ctl_end();
    CHECK_EQ(rc, 0);
    return rc ? NULL : d;
}

/* Kill d and drop the caller's reference; let the free tasklet run. */
static void destroy(struct domain *d)
{
    sim_ctl_begin();
    CHECK_EQ(domain_kill(d), 0);
    put_domain(d);
    sim_ctl_end();
    sim_settle();
}

static bool setup(const char *name)
{
    if ( !sim_begin(name) )
        return false;
    pool = sim_pool_create(XEN_SCHEDULER_CREDIT, 2);
    return pool != NULL;
}

/* setup(), then domain id with one vCPU, up and unpaused (on pCPU 0). */
static struct domain *setup_running(const char *name, domid_t id,
                                    struct vcpu **v)
{
    struct domain *d;

    if ( !setup(name) || !(d = create(id, 1)) )
        return NULL;
    sim_ctl_begin();
    if ( !CHECK_EQ(vcpu_create(d, 0, 16, v), 0) )
    {
        sim_ctl_end();
        return NULL;
    }
    vcpu_up(*v);
    CHECK_EQ(domain_unpause_by_controller(d), 0);
    return d;
}

static void teardown(void)
{
    CHECK_EQ(sim_pool_destroy(pool), 0);
    CHECK(sim_end());
}

TEST(domid_allocation_skips_ids_in_use_and_wraps)
{
    domid_t a, b, c, last = 0;
    struct domain *d1, *d3;
    unsigned int i;

    if ( !setup("domids") )
        return;
    CHECK_EQ(domid_alloc(&a), 0);
    CHECK(a >= 1 && a < DOMID_FIRST_RESERVED);
    d1 = create(a + 1, 1);
    d3 = create(a + 2, 1);
    CHECK_EQ(domid_alloc(&b), 0);
    CHECK_EQ(b, a + 3);                  /* a+1, a+2 are taken */

    /* Around the top: never a reserved id, never 0, never one in use. */
    for ( i = 0; i < DOMID_FIRST_RESERVED + 10; i++ )
    {
        CHECK_EQ(domid_alloc(&c), 0);
        CHECK(c >= 1 && c < DOMID_FIRST_RESERVED);
        CHECK(c != a + 1 && c != a + 2);
        if ( last && c < last )
            CHECK_EQ(c, 1);              /* the wrap goes back to 1 */
        last = c;
    }
    if ( d1 )
        destroy(d1);
    if ( d3 )
        destroy(d3);
    teardown();
}

TEST(create_refuses_bad_ids_and_arguments)
{
    struct domain_create_args args = { .max_vcpus = 1 };
    struct domain *d, *x = NULL;

    if ( !setup("create-refusals") )
        return;
    args.cpupool_id = pool->c->cpupool_id;
    d = create(7, 1);
    sim_ctl_begin();
    CHECK_EQ(domain_create(7, &args, &x), -EEXIST);
    CHECK_EQ(domain_create(DOMID_SELF, &args, &x), -EINVAL);
    CHECK_EQ(domain_create(DOMID_XEN, &args, &x), -EINVAL);
    CHECK_EQ(domain_create(DOMID_IDLE, &args, &x), -EINVAL);  /* exists */
    args.max_vcpus = 0;
    CHECK_EQ(domain_create(8, &args, &x), -EINVAL);
    args.max_vcpus = MAX_VIRT_CPUS + 1;
    CHECK_EQ(domain_create(8, &args, &x), -EINVAL);
    args.max_vcpus = 1;
    args.cpupool_id = 4242;
    CHECK_EQ(domain_create(8, &args, &x), -ENOENT);
    CHECK(x == NULL);
    CHECK(get_domain_by_id(8) == NULL);    /* nothing half made */
    sim_ctl_end();
    if ( d )
        destroy(d);
    teardown();
}

TEST(vcpus_are_created_in_order_and_start_down)
{
    struct domain *d;
    struct vcpu *v0, *v1, *x = NULL;

    if ( !setup("vcpus") )
        return;
    d = create(9, 2);
    if ( !d )
        return;
    sim_ctl_begin();
    CHECK_EQ(vcpu_create(d, 1, 16, &x), -EINVAL);     /* 0 first */
    CHECK_EQ(vcpu_create(d, 0, 16, &v0), 0);
    CHECK_EQ(vcpu_create(d, 0, 16, &x), -EEXIST);
    CHECK_EQ(vcpu_create(d, 1, 17, &v1), 0);
    CHECK_EQ(vcpu_create(d, 2, 16, &x), -EINVAL);     /* max_vcpus */
    CHECK(x == NULL);
    CHECK(v0->next_in_list == v1 && d->vcpu[1] == v1);
    CHECK(test_bit(_VPF_down, &v0->pause_flags));
    CHECK_EQ(v0->runstate.state, RUNSTATE_offline);
    /* New domains start paused by the controller. */
    CHECK_EQ(atomic_read(&d->pause_count[DOMPAUSE_controller]), 1);
    vcpu_up(v0);
    CHECK(!vcpu_runnable(v0));
    CHECK_EQ(domain_unpause_by_controller(d), 0);
    CHECK(vcpu_runnable(v0) && !vcpu_runnable(v1));   /* v1 still down */
    sim_ctl_end();
    sim_run_for(MILLISECS(5));
    CHECK_EQ(v0->runstate.state, RUNSTATE_running);
    CHECK_EQ(v1->runstate.state, RUNSTATE_offline);
    destroy(d);
    teardown();
}

TEST(pause_reasons_are_counted_separately)
{
    struct domain *d;
    struct vcpu *v;
    unsigned int i;
    int rc = 0;

    d = setup_running("pause", 10, &v);
    if ( !d )
        return;
    CHECK_EQ(domain_unpause_by_controller(d), -EINVAL);  /* not paused */

    domain_pause(d);
    CHECK_EQ(domain_pause_by_controller(d), 0);
    domain_unpause(d);
    CHECK(!vcpu_runnable(v));            /* the controller's still holds */
    CHECK(domain_is_paused(d));
    CHECK_EQ(domain_unpause_by_controller(d), 0);
    CHECK(vcpu_runnable(v) && !domain_is_paused(d));

    for ( i = 0; i < DOMPAUSE_CONTROLLER_MAX && !rc; i++ )
        rc = domain_pause_by_controller(d);
    CHECK_EQ(rc, 0);
    CHECK_EQ(domain_pause_by_controller(d), -EBUSY);
    for ( i = 0; i < DOMPAUSE_CONTROLLER_MAX; i++ )
        CHECK_EQ(domain_unpause_by_controller(d), 0);
    CHECK(vcpu_runnable(v));

    vcpu_pause(v);
    CHECK(!vcpu_runnable(v) && !v->is_running);
    vcpu_unpause(v);
    CHECK(vcpu_runnable(v));
    sim_ctl_end();
    destroy(d);
    teardown();
}

TEST(shutdown_keeps_the_first_reason_and_resume_undoes_it)
{
    struct domain *d;
    struct vcpu *v;

    d = setup_running("shutdown", 11, &v);
    if ( !d )
        return;
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_MAX + 1), -EINVAL);
    CHECK(!d->is_shutting_down);
    CHECK_EQ(domain_resume(d), -EINVAL);            /* not shut down */
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_watchdog), 0);
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_reboot), 0);
    CHECK(d->is_shut_down);
    CHECK_EQ(d->shutdown_code, SHUTDOWN_watchdog);
    CHECK(!vcpu_runnable(v));
    sim_ctl_end();
    sim_run_for(MILLISECS(2));
    CHECK(!v->is_running);
    CHECK_EQ(v->runstate.state, RUNSTATE_offline);
    CHECK_LOG("Domain 11 shut down: watchdog");

    sim_ctl_begin();
    CHECK_EQ(domain_resume(d), 0);
    CHECK(!d->is_shutting_down && vcpu_runnable(v));
    domain_crash(d);
    CHECK_EQ(d->shutdown_code, SHUTDOWN_crash);
    sim_ctl_end();
    destroy(d);
    teardown();
}

TEST(killed_domain_lives_until_its_last_reference)
{
    struct domain *d, *again;
    struct vcpu *v;

    d = setup_running("references", 12, &v);
    if ( !d )
        return;
    sim_ctl_end();
    sim_run_for(MILLISECS(3));

    sim_ctl_begin();
    again = get_domain_by_id(12);
    CHECK(again == d);
    CHECK_EQ(domain_kill(d), 0);
    CHECK_EQ(domain_kill(d), 0);                    /* once is enough */
    CHECK(get_domain_by_id(12) == NULL);            /* unlinked */
    CHECK(!v->is_running && d->is_dying == DOMDYING_dead);
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_poweroff), 0);  /* no effect */
    CHECK(!d->is_shutting_down);
    CHECK_EQ(vcpu_create(d, 0, 16, &v), -EEXIST);
    put_domain(again);                              /* ours and the creator's */
    CHECK(get_domain(d));                           /* a holder may copy */
    put_domain(d);
    put_domain(d);                                  /* the last one */
    CHECK(atomic_read(&d->refcnt) & (int)DOMAIN_DESTROYED);
    CHECK(!get_domain(d));                          /* stale gets fail */
    sim_ctl_end();
    sim_settle();                                   /* the tasklet frees it */
    CHECK_LOG("Domain 12 freed");
    teardown();                                     /* and nothing leaked */
}

TEST(runstate_times_add_up_to_the_domain_lifetime)
{
    struct vcpu_runstate_info rs;
    struct domain *d;
    struct vcpu *v;
    s_time_t born;
    uint64_t sum;
    unsigned int i;

    if ( !setup("runstate") )
        return;
    d = create(13, 1);
    if ( !d )
        return;
    sim_ctl_begin();
    CHECK_EQ(vcpu_create(d, 0, 16, &v), 0);
    born = sim_now();
    sim_ctl_end();
    sim_run_for(MILLISECS(4));                      /* offline */
    sim_ctl_begin();
    vcpu_up(v);
    domain_unpause_by_controller(d);
    sim_ctl_end();
    sim_run_for(MILLISECS(6));                      /* running */
    sim_ctl_begin();
    vcpu_pause(v);
    sim_ctl_end();
    sim_run_for(MILLISECS(3));                      /* offline again */

    vcpu_runstate_get(v, &rs);
    CHECK_EQ(rs.state, RUNSTATE_offline);
    for ( sum = 0, i = 0; i < 4; i++ )
        sum += rs.time[i];
    CHECK_EQ(sum, (uint64_t)(sim_now() - born));
    CHECK(rs.time[RUNSTATE_offline] >= (uint64_t)MILLISECS(7));
    CHECK(rs.time[RUNSTATE_running] >= (uint64_t)MILLISECS(5));
    sim_ctl_begin();
    vcpu_unpause(v);
    sim_ctl_end();
    destroy(d);
    teardown();
}
