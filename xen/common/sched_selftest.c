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
 *   sched_selftest_fpu(): two test domains whose vCPUs keep a pattern of
 *       their own in xmm0 and xmm7 and check it on every loop, sharing
 *       one pCPU: every real context switch must save and lazily restore
 *       the FPU state (two seconds, then one result line).
 *   sched_selftest_lifecycle(): create, pause, shut down, resume, kill and
 *       free a domain, checking each step's effect and refusal.
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
                        void (*tail)(void), struct domain **out)
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
    v->arch.tail = tail;
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
    rc = make_spinner(256, cpu, spin_tail, &spinner[0]);
    if ( !rc )
        rc = make_spinner(512, cpu, spin_tail, &spinner[1]);
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

/* --- FPU state across real context switches. --- */

struct fpu_spinner {
    struct domain *d;
    uint64_t pattern;
    bool loaded;
    unsigned long switched_in, checks, errors;
};
static struct fpu_spinner fpu_spinner[2];
static struct timer fpu_timer;

/*
 * Runs from the top each time the vCPU is switched in (the stack is
 * fresh), so the pattern is loaded once and checked ever after: the first
 * read after a switch traps #NM and must find the state restored.
 */
static void __noreturn fpu_tail(void)
{
    struct fpu_spinner *s = &fpu_spinner[current->domain == fpu_spinner[1].d];
    unsigned int cpu = smp_processor_id();
    uint64_t x0, x7;

    local_irq_enable();
    s->switched_in++;
    if ( !s->loaded )
    {
        __asm__ __volatile__ ( "movq %0, %%xmm0\n\t"
                               "movq %1, %%xmm7"
                               :: "r" (s->pattern), "r" (~s->pattern) );
        s->loaded = true;
    }
    for ( ;; )
    {
        __asm__ __volatile__ ( "movq %%xmm0, %0\n\t"
                               "movq %%xmm7, %1"
                               : "=r" (x0), "=r" (x7) );
        s->checks++;
        if ( x0 != s->pattern || x7 != ~s->pattern )
            s->errors++;
        if ( softirq_pending(cpu) )
            do_softirq();
    }
}

static void report_fpu(void *unused)
{
    const struct fpu_spinner *a = &fpu_spinner[0], *b = &fpu_spinner[1];
    bool ok = !a->errors && !b->errors && a->switched_in > 10 &&
              b->switched_in > 10 && a->checks && b->checks;

    printk("selftest schedfpu: d%u switched in %lu times, %lu checks, %lu "
           "errors; d%u switched in %lu times, %lu checks, %lu errors: %s\n",
           a->d->domain_id, a->switched_in, a->checks, a->errors,
           b->d->domain_id, b->switched_in, b->checks, b->errors,
           ok ? "PASS" : "FAIL");
}

void sched_selftest_fpu(void)
{
    unsigned int cpu = 0, c, i;
    int rc = 0;

    for_each_online_cpu ( c )
        cpu = c;
    for ( i = 0; i < 2 && !rc; i++ )
    {
        fpu_spinner[i].pattern = 0x0123456789abcdefULL * (i + 3);
        rc = make_spinner(256, cpu, fpu_tail, &fpu_spinner[i].d);
    }
    if ( rc )
    {
        printk("selftest schedfpu: FAIL: cannot create the test domains "
               "(%d)\n", rc);
        return;
    }
    printk("selftest schedfpu: d%u and d%u keep xmm state on CPU%u\n",
           fpu_spinner[0].d->domain_id, fpu_spinner[1].d->domain_id, cpu);
    init_timer(&fpu_timer, report_fpu, NULL, 0);
    set_timer(&fpu_timer, NOW() + SECONDS(2));
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
