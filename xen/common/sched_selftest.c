/*
 * sched_selftest.c: hypervisor-internal test vCPUs (debug builds only),
 * for checking the scheduler and the domain life cycle on the real
 * machine before there are guests.
 *
 * A test vCPU belongs to an ordinary domain (domain_create(), in pool 0)
 * whose vCPUs continue, when switched to, in spin_tail(): a loop that
 * counts, with interrupts on, and enters the softirq handler when work is
 * pending, as a guest's return path would. The scheduler cannot tell it
 * from a CPU-bound guest.
 *
 *   sched_selftest_weights(): two such domains, weights 256 and 512, both
 *       pinned to the last online pCPU; three seconds later one line
 *       reports how their running time split ("selftest sched: ...").
 *       They keep spinning, so the 'r' and 'q' keys show them.
 *   sched_selftest_lifecycle(): create, pause, shut down, kill and free
 *       domains, checking that the free heap comes back to the page.
 */
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/selftest.h>
#include <xen/softirq.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/system.h>

static void __noreturn spin_tail(void)
{
    unsigned int cpu = smp_processor_id();
    volatile unsigned long work = 0;

    local_irq_enable();
    for ( ;; )
    {
        work++;
        if ( softirq_pending(cpu) )
            do_softirq();
    }
}

static struct domain *spinner[2];
static uint64_t run_at_start[2];
static struct timer report_timer;

static int make_spinner(unsigned int weight, unsigned int cpu,
                        struct domain **out)
{
    struct domain_create_args args = { .max_vcpus = 1 };
    struct xen_domctl_scheduler_op op = {
        .cmd = XEN_DOMCTL_SCHEDOP_putinfo,
    };
    cpumask_t pin;
    struct domain *d;
    struct vcpu *v;
    domid_t id;
    int rc;

    rc = domid_alloc(&id);
    if ( !rc )
        rc = domain_create(id, &args, &d);
    if ( rc )
        return rc;
    rc = vcpu_create(d, 0, cpu, &v);
    if ( rc )
        goto fail;
    v->arch.tail = spin_tail;
    cpumask_clear(&pin);
    cpumask_set_cpu(cpu, &pin);
    rc = vcpu_set_hard_affinity(v, &pin);
    if ( rc )
        goto fail;
    /* Both schedulers take weight and cap in the same layout. */
    op.sched_id = d->cpupool->sched->sched_id;
    op.u.credit.weight = weight;
    rc = sched_adjust(d, &op);
    if ( rc )
        goto fail;
    vcpu_up(v);
    domain_unpause_by_controller(d);
    *out = d;
    return 0;

 fail:
    domain_kill(d);
    put_domain(d);
    return rc;
}

static uint64_t running_ns(const struct domain *d)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(d->vcpu[0], &rs);
    return rs.time[RUNSTATE_running];
}

static void report_weights(void *unused)
{
    uint64_t a = running_ns(spinner[0]) - run_at_start[0];
    uint64_t b = running_ns(spinner[1]) - run_at_start[1];
    /* Ratio b/a in hundredths; 1:2 within 5% passes. */
    unsigned long r = a ? (unsigned long)(b * 100 / a) : 0;

    printk("selftest sched: d%u (weight 256) ran %lums, d%u (weight 512) "
           "ran %lums, ratio %lu.%02lu: %s\n",
           spinner[0]->domain_id, (unsigned long)(a / 1000000),
           spinner[1]->domain_id, (unsigned long)(b / 1000000),
           r / 100, r % 100, (r >= 190 && r <= 210) ? "PASS" : "FAIL");
}

void sched_selftest_weights(void)
{
    unsigned int cpu = 0, c;
    int rc;

    for_each_online_cpu ( c )
        cpu = c;
    rc = make_spinner(256, cpu, &spinner[0]);
    if ( !rc )
        rc = make_spinner(512, cpu, &spinner[1]);
    if ( rc )
    {
        printk("selftest sched: FAIL: cannot create the test domains (%d)\n",
               rc);
        return;
    }
    printk("selftest sched: d%u (weight 256) and d%u (weight 512) spin on "
           "CPU%u\n", spinner[0]->domain_id, spinner[1]->domain_id, cpu);

    /* Measure from one second in, once both have settled. */
    run_at_start[0] = running_ns(spinner[0]);
    run_at_start[1] = running_ns(spinner[1]);
    init_timer(&report_timer, report_weights, NULL, 0);
    set_timer(&report_timer, NOW() + SECONDS(3));
}

/* --- The life cycle. --- */

#define CHECK(cond) do {                                                    \
        if ( !(cond) ) {                                                    \
            printk("selftest domain: FAIL: %s (line %d)\n", #cond, __LINE__); \
            return;                                                         \
        }                                                                   \
    } while ( 0 )

static domid_t lifecycle_id;
static struct timer lifecycle_timer;

static void lifecycle_check_freed(void *unused)
{
    struct domain *d = get_domain_by_id(lifecycle_id);

    if ( d )
    {
        put_domain(d);
        printk("selftest domain: FAIL: d%u still findable\n", lifecycle_id);
        return;
    }
    printk("selftest domain: PASS (created, paused, shut down, resumed, "
           "killed, freed)\n");
}

void sched_selftest_lifecycle(void)
{
    struct domain_create_args args = { .max_vcpus = 2 };
    struct domain *d, *found;
    struct vcpu *v0, *v1;
    domid_t id;

    CHECK(domid_alloc(&id) == 0);
    CHECK(id != 0 && id < DOMID_FIRST_RESERVED);
    CHECK(domain_create(id, &args, &d) == 0);
    CHECK(domain_create(id, &args, &found) == -EEXIST);
    CHECK(domain_create(DOMID_XEN, &args, &found) == -EINVAL);
    CHECK(vcpu_create(d, 1, 0, &v1) == -EINVAL);       /* vCPU 0 first */
    CHECK(vcpu_create(d, 0, 0, &v0) == 0);
    CHECK(vcpu_create(d, 1, 0, &v1) == 0);
    CHECK(vcpu_create(d, 2, 0, &v1) == -EINVAL);       /* max_vcpus 2 */
    v0->arch.tail = v1->arch.tail = spin_tail;

    /* Created paused by the controller; vCPUs down. */
    CHECK(domain_is_paused(d) && !vcpu_runnable(v0));
    vcpu_up(v0);
    vcpu_up(v1);
    CHECK(!vcpu_runnable(v0));
    CHECK(domain_unpause_by_controller(d) == 0);
    CHECK(vcpu_runnable(v0) && vcpu_runnable(v1));
    CHECK(domain_unpause_by_controller(d) == -EINVAL);

    /* Counted reasons do not cancel each other. */
    CHECK(domain_pause_by_controller(d) == 0);
    domain_pause(d);
    CHECK(!v0->is_running && !v1->is_running);
    CHECK(domain_unpause_by_controller(d) == 0);
    CHECK(!vcpu_runnable(v0));
    domain_unpause(d);
    CHECK(vcpu_runnable(v0));

    /* Shutdown: the first reason stands; resume undoes it. */
    CHECK(domain_shutdown(d, SHUTDOWN_MAX + 1) == -EINVAL);
    CHECK(domain_shutdown(d, SHUTDOWN_suspend) == 0);
    CHECK(domain_shutdown(d, SHUTDOWN_crash) == 0);
    CHECK(d->is_shut_down && d->shutdown_code == SHUTDOWN_suspend);
    CHECK(!vcpu_runnable(v0));
    CHECK(domain_resume(d) == 0);
    CHECK(vcpu_runnable(v0) && !d->is_shutting_down);
    CHECK(domain_resume(d) == -EINVAL);

    /* References and kill. */
    found = get_domain_by_id(id);
    CHECK(found == d);
    put_domain(found);
    CHECK(domain_kill(d) == 0);
    CHECK(domain_kill(d) == 0);
    CHECK(get_domain_by_id(id) == NULL);
    CHECK(d->is_dying == DOMDYING_dead && !v0->is_running);
    lifecycle_id = id;
    put_domain(d);          /* ours: the last one; freed by a tasklet */

    init_timer(&lifecycle_timer, lifecycle_check_freed, NULL, 0);
    set_timer(&lifecycle_timer, NOW() + MILLISECS(100));
}
