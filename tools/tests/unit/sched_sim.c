/*
 * sched_sim.c: the simulated machine under the real scheduling code.
 * See sched_sim.h for the interface.
 *
 * Theory of operation
 * -------------------
 * One host thread plays every pCPU. harness_set_cpu() says which one is
 * running; the hypervisor code under test only ever asks
 * smp_processor_id(), so the per-CPU data it uses follows. The clock
 * (get_s_time()) moves only in the event loop.
 *
 * The machine's parts:
 *  - a one-shot hardware timer per pCPU: reprogram_timer() arms it;
 *    when the clock reaches it the loop raises TIMER_SOFTIRQ there;
 *  - event-check IPIs: raising a softirq on a pCPU marks it pending, and
 *    the loop lets every pCPU with pending softirqs run do_softirq() at
 *    the current instant (settle), over and over until all are quiet;
 *  - `current' per pCPU, and context_switch(): it checks the switch
 *    (hard affinity, pool, runnability), records it, makes next current
 *    and calls sched_context_switched(); then it returns, and the
 *    framework returns into do_softirq() (the hardware would continue in
 *    next on a fresh stack instead);
 *  - sched_wait_relax(): where the framework waits for another pCPU
 *    (vcpu_sleep_sync(), pool changes), the waiting pCPU lets every other
 *    pCPU that is not already on the host stack run its softirqs, which is
 *    what those pCPUs would be doing meanwhile. A wait that sees nothing
 *    left to run for a long time would hang the machine: it panics.
 *
 * The event loop finds the earliest of: a hardware timer, a simulated
 * vCPU's next action, a test's periodic callback, the end of the run. It
 * moves the clock there, then does what is due, settling after each
 * action. A vCPU's next action is planned when it is switched in (when
 * it will have used up its CPU quantum or must block) and dropped when it
 * is switched out; a blocked vCPU's wake-up is planned when it blocks.
 * Blocking is vcpu_block() run as that vCPU on its pCPU; waking is
 * vcpu_unblock() run on the pCPU the vCPU was last on.
 *
 * Checks made on every switch and after every settled event are counted
 * in sim_stats; the tests assert on the counts. Allocations go through a
 * counting xmalloc, so sim_end() can tell a test leaked.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/symbols.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>

#include "harness.h"
#include "sched_sim.h"
#include <xen/domain_page.h>
#include <xen/event.h>

#define S_NONE STIME_MAX
#define SIM_BOOT_TIME SECONDS(1)
#define SIM_WATCHDOG_S 60           /* one part of a case, host seconds */
#define SIM_RELAX_LIMIT 1000000     /* waits with nothing to run */
#define MAX_WRAPS 16

cpumask_t cpu_possible_map, cpu_present_map, cpu_online_map;
unsigned int nr_cpu_ids;

struct sim_stats sim_stats;

typedef struct task_slice (*do_schedule_fn)(const struct scheduler *ops,
                                            s_time_t now);

struct periodic {
    s_time_t period, next;
    void (*fn)(void *arg);
    void *arg;
};

static struct {
    bool booted, broken;
    const char *name;
    s_time_t now;
    unsigned int threads_per_core, cores_per_socket;

    struct vcpu *cur[NR_CPUS];
    s_time_t hw_deadline[NR_CPUS];  /* armed one-shot, S_NONE if none */
    s_time_t idle_since[NR_CPUS];
    bool on_stack[NR_CPUS];         /* running (or waiting) on the host */
    unsigned int depth;             /* nesting of sim actions */
    unsigned long idle_relax;

    struct sim_vcpu *vcpus[SIM_MAX_VCPUS];
    unsigned int nr_vcpus;
    struct sim_domain *dom_by_id[DOMID_FIRST_RESERVED];
    unsigned int nr_domains;
    struct sim_pool *pools[8];

    struct periodic periodic[SIM_MAX_PERIODIC];

    bool wc_on;
    s_time_t wc_limit;

    long live_allocs, base_allocs;

    struct {
        const struct scheduler *ops;
        do_schedule_fn orig;
    } wraps[MAX_WRAPS];
    bool cost_on;
    uint32_t *samples;
    unsigned long nr_samples, cap_samples;

    uint32_t rng;
} sim = {
    .threads_per_core = 2,
    .cores_per_socket = 8,
    .rng = 0x12345678,
};

/* --- Allocation: counted, so leaks show. --- */

struct alloc_hdr {
    void *raw;
    unsigned long size;
    unsigned long magic;
    unsigned long pad;
};
#define ALLOC_MAGIC 0x5eed5eed5eedUL

void *_xmalloc(unsigned long size, unsigned long align)
{
    struct alloc_hdr *h;
    unsigned long a = align < 16 ? 16 : align;
    char *raw, *p;

    ASSERT(!(a & (a - 1)));
    raw = malloc(size + a + sizeof(*h));
    if ( !raw )
        return NULL;
    p = (char *)(((unsigned long)raw + sizeof(*h) + a - 1) & ~(a - 1));
    h = (struct alloc_hdr *)p - 1;
    h->raw = raw;
    h->size = size;
    h->magic = ALLOC_MAGIC;
    memset(p, 0xc5, size);          /* no code may rely on xmalloc zeroing */
    sim.live_allocs++;
    return p;
}

void *_xzalloc(unsigned long size, unsigned long align)
{
    void *p = _xmalloc(size, align);

    if ( p )
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct alloc_hdr *h;

    if ( !p )
        return;
    h = (struct alloc_hdr *)p - 1;
    if ( h->magic != ALLOC_MAGIC )
        panic("sim: xfree(%p) of memory not from xmalloc, or freed "
              "twice\n", p);
    h->magic = 0;
    memset(p, 0x6b, h->size);       /* use after free reads garbage */
    sim.live_allocs--;
    free(h->raw);
}

void *_xrealloc(void *p, unsigned long size, unsigned long align)
{
    struct alloc_hdr *h;
    void *n;

    if ( !p )
        return _xmalloc(size, align);
    h = (struct alloc_hdr *)p - 1;
    n = _xmalloc(size, align);
    if ( !n )
        return NULL;
    memcpy(n, p, h->size < size ? h->size : size);
    xfree(p);
    return n;
}

void dump_xmalloc(void)
{
    printk("sim xmalloc: %ld live allocations\n", sim.live_allocs);
}

/* --- Machine services the hypervisor code calls. --- */

s_time_t get_s_time(void)
{
    return sim.now;
}

int reprogram_timer(s_time_t timeout)
{
    unsigned int cpu = smp_processor_id();

    if ( !timeout )
    {
        sim.hw_deadline[cpu] = S_NONE;
        return 1;
    }
    if ( timeout <= sim.now )
    {
        sim.hw_deadline[cpu] = S_NONE;
        return 0;
    }
    sim.hw_deadline[cpu] = timeout;
    return 1;
}

void smp_send_event_check_cpu(unsigned int cpu)
{
    /* The pending bit is what the loop looks at; count the IPI. */
    ASSERT(cpu < nr_cpu_ids && cpu_online(cpu));
    sim_stats.ipis++;
}

void smp_send_event_check_mask(const cpumask_t *mask)
{
    unsigned int cpu;

    for_each_cpu ( cpu, mask )
        smp_send_event_check_cpu(cpu);
}

unsigned int cpu_to_socket(unsigned int cpu)
{
    return cpu / (sim.threads_per_core * sim.cores_per_socket);
}

unsigned int cpu_to_core(unsigned int cpu)
{
    return (cpu / sim.threads_per_core) % sim.cores_per_socket;
}

void sim_set_topology(unsigned int threads_per_core,
                      unsigned int cores_per_socket)
{
    ASSERT(threads_per_core && cores_per_socket);
    sim.threads_per_core = threads_per_core;
    sim.cores_per_socket = cores_per_socket;
}

struct vcpu *get_current(void)
{
    return sim.cur[smp_processor_id()];
}

void set_current(struct vcpu *v)
{
    sim.cur[smp_processor_id()] = v;
}

void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
                         const char *desc, bool diagnostic)
{
}

void register_irq_keyhandler(unsigned char key, irq_keyhandler_fn_t *fn,
                             const char *desc, bool diagnostic)
{
}

/* %ps in dumps: the simulator has no symbol table. */
const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    return NULL;
}

int arch_domain_create(struct domain *d, const struct domain_create_args *args)
{
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
}

int arch_vcpu_create(struct vcpu *v)
{
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

/*
 * Domain memory and event channels: tests that link the real files get
 * those (these are weak); the others need no memory or ports.
 */
__attribute__((weak)) void domain_memory_init(struct domain *d) { (void)d; }
__attribute__((weak)) int domain_relinquish_memory(struct domain *d)
{
    (void)d;
    return 0;
}
__attribute__((weak)) int evtchn_domain_init(struct domain *d) { (void)d; return 0; }
__attribute__((weak)) void evtchn_domain_destroy(struct domain *d) { (void)d; }
__attribute__((weak)) void evtchn_domain_free(struct domain *d) { (void)d; }
__attribute__((weak)) int grant_table_init(struct domain *d) { (void)d; return 0; }
__attribute__((weak)) void grant_table_destroy(struct domain *d) { (void)d; }
__attribute__((weak)) void grant_table_release_mappings(struct domain *d) { (void)d; }
__attribute__((weak)) unsigned long total_free_pages(void) { return 0; }

void arch_dump_vcpu(const struct vcpu *v)
{
    (void)v;
}

__attribute__((weak)) void arch_domain_relinquish_resources(struct domain *d)
{
    (void)d;
}

/* A hardware domain's shutdown takes the machine down: not simulated. */
void hwdom_shutdown(unsigned int reason)
{
    (void)reason;
}

void continue_running(struct vcpu *v)
{
    ASSERT(v == current);
}

/* --- Simulated vCPUs: lookup and planning. --- */

static struct sim_vcpu *sim_of(const struct vcpu *v)
{
    struct sim_domain *sd;

    if ( is_idle_vcpu(v) || v->domain->domain_id >= DOMID_FIRST_RESERVED )
        return NULL;
    sd = sim.dom_by_id[v->domain->domain_id];
    if ( !sd || sd->d != v->domain || v->vcpu_id >= sd->nr )
        return NULL;
    return sd->sv[v->vcpu_id];
}

uint64_t sim_vcpu_runtime(const struct sim_vcpu *sv)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(sv->v, &rs);
    return rs.time[RUNSTATE_running];
}

void sim_vcpu_runstate(const struct sim_vcpu *sv,
                       struct vcpu_runstate_info *rs)
{
    vcpu_runstate_get(sv->v, rs);
}

/* When a vCPU switched in at now will block (S_NONE: never). */
static s_time_t plan_block(struct sim_vcpu *sv, s_time_t now)
{
    s_time_t used, phase;

    switch ( sv->b.kind )
    {
    case SIM_DUTY:
    case SIM_WAKER:
        used = sim_vcpu_runtime(sv) - sv->run_at_wake;
        return used >= sv->b.run_ns ? now : now + sv->b.run_ns - used;
    case SIM_TICK_ATTACKER:
        phase = now % SIM_ATTACK_PERIOD;
        if ( phase >= SIM_ATTACK_PERIOD - SIM_ATTACK_MARGIN ||
             phase < SIM_ATTACK_MARGIN )
            return now;
        return now - phase + SIM_ATTACK_PERIOD - SIM_ATTACK_MARGIN;
    case SIM_SPIN:
    default:
        return S_NONE;
    }
}

/* When a vCPU blocking at now wakes again. */
static s_time_t plan_wake(const struct sim_vcpu *sv, s_time_t now)
{
    s_time_t k, phase, p = sv->b.period_ns;
    s_time_t late = sv->b.jitter_ns ? sim_rand() % sv->b.jitter_ns : 0;

    switch ( sv->b.kind )
    {
    case SIM_DUTY:
        return now + sv->b.sleep_ns + late;
    case SIM_WAKER:
        phase = sv->b.phase_ns % p;
        if ( now < phase )
            return phase + late;
        k = (now - phase) / p + 1;
        return phase + k * p + late;
    case SIM_TICK_ATTACKER:
        k = (now + SIM_ATTACK_MARGIN) / SIM_ATTACK_PERIOD;
        return k * SIM_ATTACK_PERIOD + SIM_ATTACK_MARGIN;
    case SIM_SPIN:
    default:
        return S_NONE;
    }
}

/* --- context_switch: checks and records. --- */

static void note(char *buf, size_t len, const char *what,
                 const struct vcpu *v, unsigned int cpu)
{
    if ( buf[0] )
        return;
    snprintf(buf, len, "%s: d%uv%u on CPU%u at %ld ns", what,
             v->domain->domain_id, v->vcpu_id, cpu, (long)sim.now);
}

static void check_switch_in(const struct vcpu *next, unsigned int cpu)
{
    if ( !cpumask_test_cpu(cpu, &next->cpu_hard_affinity) )
    {
        sim_stats.affinity_violations++;
        note(sim_stats.affinity_first, sizeof(sim_stats.affinity_first),
             "switched in outside hard affinity", next, cpu);
    }
    if ( next->domain->cpupool != get_sched_res(cpu)->cpupool )
    {
        sim_stats.pool_violations++;
        note(sim_stats.affinity_first, sizeof(sim_stats.affinity_first),
             "switched in outside its pool", next, cpu);
    }
    if ( !vcpu_runnable(next) )
        sim_stats.unrunnable_switches++;
}

static void switched_out(struct vcpu *prev)
{
    struct sim_vcpu *sv = sim_of(prev);

    if ( !sv )
        return;
    sv->on_cpu = -1;
    sv->block_at = S_NONE;
}

static void switched_in(struct vcpu *next, unsigned int cpu)
{
    struct sim_vcpu *sv = sim_of(next);
    s_time_t lat;

    if ( !sv )
        return;
    sv->on_cpu = cpu;
    sv->nr_switch_in++;
    if ( sv->last_cpu >= 0 && sv->last_cpu != (int)cpu )
        sv->nr_migrations++;
    sv->last_cpu = cpu;
    if ( sv->unblocked_at )
    {
        lat = sim.now - sv->unblocked_at;
        sv->nr_lat++;
        sv->lat_sum += lat;
        if ( lat > sv->lat_max )
            sv->lat_max = lat;
        sv->unblocked_at = 0;
    }
    sv->block_at = plan_block(sv, sim.now);
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    unsigned int cpu = smp_processor_id();

    ASSERT(prev == current && prev != next);
    ASSERT(next->is_running);
    ASSERT(local_irq_is_enabled());
    sim_stats.switches++;

    if ( !is_idle_vcpu(next) )
        check_switch_in(next, cpu);
    else
        sim.idle_since[cpu] = sim.now;

    switched_out(prev);
    set_current(next);
    sched_context_switched(prev, next);
    switched_in(next, cpu);
}

/* --- Running pCPUs. --- */

/* Let cpu run its pending softirqs, as cpu; true if it had any. */
static bool run_cpu(unsigned int cpu)
{
    unsigned int me = smp_processor_id();
    unsigned long flags;

    if ( sim.on_stack[cpu] || !softirq_pending(cpu) )
        return false;
    sim.on_stack[cpu] = true;
    local_irq_save(flags);
    local_irq_enable();
    harness_set_cpu(cpu);
    do_softirq();
    harness_set_cpu(me);
    local_irq_restore(flags);
    sim.on_stack[cpu] = false;
    return true;
}

void sim_settle(void)
{
    unsigned int cpu;
    bool busy;

    do {
        busy = false;
        for_each_online_cpu ( cpu )
            busy |= run_cpu(cpu);
    } while ( busy );
}

void sched_wait_relax(void)
{
    unsigned int cpu;
    bool ran = false;

    for_each_online_cpu ( cpu )
        ran |= run_cpu(cpu);
    if ( ran )
    {
        sim.idle_relax = 0;
        return;
    }
    if ( ++sim.idle_relax >= SIM_RELAX_LIMIT )
    {
        sim.idle_relax = 0;
        panic("sim: CPU%u waits for something no other pCPU will do "
              "(a hang on the hardware)\n", smp_processor_id());
    }
}

/* Run fn as pCPU cpu, marked as on the stack, then settle. */
static void as_cpu_begin(unsigned int cpu, unsigned int *saved)
{
    *saved = smp_processor_id();
    ASSERT(!sim.on_stack[cpu]);
    sim.on_stack[cpu] = true;
    sim.depth++;
    harness_set_cpu(cpu);
}

static void as_cpu_end(unsigned int cpu, unsigned int saved)
{
    harness_set_cpu(saved);
    sim.on_stack[cpu] = false;
    sim.depth--;
    sim_settle();
}

/* The toolstack's operations run on pCPU 0 (pool 0's). */
static unsigned int ctl_saved;

void sim_ctl_begin(void)
{
    as_cpu_begin(0, &ctl_saved);
}

void sim_ctl_end(void)
{
    as_cpu_end(0, ctl_saved);
}

/* --- Checks after events. --- */

static bool cpu_in_sim_pool(unsigned int cpu)
{
    const struct sched_resource *sr = get_sched_res(cpu);
    unsigned int i;

    if ( !sr || !sr->cpupool )
        return false;
    for ( i = 0; i < ARRAY_SIZE(sim.pools); i++ )
        if ( sim.pools[i] && sim.pools[i]->c == sr->cpupool )
            return true;
    return false;
}

static void check_running(void)
{
    unsigned int cpu;
    struct vcpu *v;

    for ( cpu = 1; cpu < nr_cpu_ids; cpu++ )
    {
        v = sim.cur[cpu];
        if ( !v || is_idle_vcpu(v) )
            continue;
        if ( !cpumask_test_cpu(cpu, &v->cpu_hard_affinity) )
        {
            sim_stats.running_outside++;
            note(sim_stats.affinity_first, sizeof(sim_stats.affinity_first),
                 "running outside hard affinity", v, cpu);
        }
    }
}

void sim_check_work_conservation(bool on, s_time_t limit)
{
    sim.wc_on = on;
    sim.wc_limit = limit;
}

/*
 * At t, before the events of t change anything: for every idle pCPU of a
 * test pool and every runnable, not running vCPU allowed there, the time
 * both have been so. The state has not changed since the last event.
 */
static void check_wc(s_time_t t)
{
    struct sim_vcpu *waiting[SIM_MAX_VCPUS];
    unsigned int n = 0, i, cpu;
    s_time_t since, overlap;
    struct vcpu *v;

    for ( i = 0; i < sim.nr_vcpus; i++ )
    {
        v = sim.vcpus[i]->v;
        if ( sim.vcpus[i]->capped || v->is_running ||
             v->runstate.state != RUNSTATE_runnable )
            continue;
        waiting[n++] = sim.vcpus[i];
    }
    if ( !n )
        return;

    for ( cpu = 1; cpu < nr_cpu_ids; cpu++ )
    {
        if ( !sim.cur[cpu] || !is_idle_vcpu(sim.cur[cpu]) ||
             !cpu_in_sim_pool(cpu) )
            continue;
        for ( i = 0; i < n; i++ )
        {
            v = waiting[i]->v;
            if ( v->domain->cpupool != get_sched_res(cpu)->cpupool ||
                 !cpumask_test_cpu(cpu, &v->cpu_hard_affinity) )
                continue;
            since = v->runstate.state_entry_time & ~XEN_RUNSTATE_UPDATE;
            if ( since < sim.idle_since[cpu] )
                since = sim.idle_since[cpu];
            overlap = t - since;
            if ( overlap > sim_stats.wc_worst )
                sim_stats.wc_worst = overlap;
            if ( overlap > sim.wc_limit )
            {
                sim_stats.wc_violations++;
                if ( !sim_stats.wc_first[0] )
                    snprintf(sim_stats.wc_first, sizeof(sim_stats.wc_first),
                             "CPU%u idle while d%uv%u waited %ld us "
                             "(at %ld ns)",
                             cpu, v->domain->domain_id, v->vcpu_id,
                             (long)(overlap / 1000), (long)t);
            }
        }
    }
}

/* --- vCPU actions. --- */

static void do_block(struct sim_vcpu *sv)
{
    unsigned int cpu = sv->on_cpu, saved;

    ASSERT(sv->on_cpu >= 0 && sim.cur[cpu] == sv->v);
    as_cpu_begin(cpu, &saved);
    sv->sim_blocked = true;
    sv->block_at = S_NONE;
    sv->wake_at = plan_wake(sv, sim.now);
    vcpu_block();
    as_cpu_end(cpu, saved);
}

static void do_wake(struct sim_vcpu *sv)
{
    unsigned int cpu = sv->v->processor, saved;

    /* The interrupt arrives at the pCPU the vCPU last ran on, unless that
     * pCPU is busy on the host stack (then pCPU 0 takes it). */
    if ( sim.on_stack[cpu] )
        cpu = 0;
    as_cpu_begin(cpu, &saved);
    sv->sim_blocked = false;
    sv->wake_at = S_NONE;
    sv->run_at_wake = sim_vcpu_runtime(sv);
    sv->unblocked_at = sim.now;
    sv->nr_wakes++;
    vcpu_unblock(sv->v);
    as_cpu_end(cpu, saved);
}

/* --- The event loop. --- */

s_time_t sim_now(void)
{
    return sim.now;
}

static s_time_t next_event(s_time_t end)
{
    s_time_t t = end;
    unsigned int i, cpu;
    const struct sim_vcpu *sv;

    for_each_online_cpu ( cpu )
        if ( sim.hw_deadline[cpu] < t )
            t = sim.hw_deadline[cpu];
    for ( i = 0; i < sim.nr_vcpus; i++ )
    {
        sv = sim.vcpus[i];
        if ( sv->on_cpu >= 0 && sv->block_at < t )
            t = sv->block_at;
        else if ( sv->sim_blocked && sv->wake_at < t )
            t = sv->wake_at;
    }
    for ( i = 0; i < SIM_MAX_PERIODIC; i++ )
        if ( sim.periodic[i].fn && sim.periodic[i].next < t )
            t = sim.periodic[i].next;
    return t < sim.now ? sim.now : t;
}

static bool fire_periodic(void)
{
    struct periodic *p;
    unsigned int i;
    bool fired = false;

    for ( i = 0; i < SIM_MAX_PERIODIC; i++ )
    {
        p = &sim.periodic[i];
        if ( !p->fn || p->next > sim.now )
            continue;
        p->next += p->period;
        harness_set_cpu(0);
        p->fn(p->arg);
        sim_settle();
        fired = true;
    }
    return fired;
}

static bool fire_vcpus(void)
{
    struct sim_vcpu *sv;
    unsigned int i;
    bool fired = false;

    for ( i = 0; i < sim.nr_vcpus; i++ )
    {
        sv = sim.vcpus[i];
        if ( sv->on_cpu >= 0 && sv->block_at <= sim.now )
        {
            do_block(sv);
            fired = true;
        }
        else if ( sv->sim_blocked && sv->on_cpu < 0 && sv->wake_at <= sim.now )
        {
            do_wake(sv);
            fired = true;
        }
    }
    return fired;
}

static bool fire_timers(void)
{
    unsigned int cpu, saved;
    bool fired = false;

    for_each_online_cpu ( cpu )
    {
        if ( sim.hw_deadline[cpu] > sim.now )
            continue;
        sim.hw_deadline[cpu] = S_NONE;
        as_cpu_begin(cpu, &saved);
        raise_softirq(TIMER_SOFTIRQ);
        as_cpu_end(cpu, saved);
        fired = true;
    }
    return fired;
}

void sim_run_until(s_time_t end)
{
    s_time_t t;
    bool fired;

    sim.depth++;
    sim_settle();
    while ( sim.now < end )
    {
        t = next_event(end);
        if ( sim.wc_on )
            check_wc(t);
        sim.now = t;
        sim_stats.events++;
        do {
            fired = fire_periodic();
            fired |= fire_vcpus();
            fired |= fire_timers();
        } while ( fired );
        check_running();
    }
    sim.depth--;
}

void sim_run_for(s_time_t ns)
{
    sim_run_until(sim.now + ns);
}

void sim_periodic(s_time_t period, void (*fn)(void *arg), void *arg)
{
    unsigned int i;

    ASSERT(period > 0);
    for ( i = 0; i < SIM_MAX_PERIODIC; i++ )
        if ( !sim.periodic[i].fn )
        {
            sim.periodic[i] = (struct periodic){
                .period = period, .next = sim.now + period,
                .fn = fn, .arg = arg };
            return;
        }
    BUG();
}

void sim_periodic_clear(void)
{
    memset(sim.periodic, 0, sizeof(sim.periodic));
}

/* --- Decision cost. --- */

static uint64_t host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void add_sample(uint64_t ns)
{
    uint32_t *n;

    if ( sim.nr_samples == sim.cap_samples )
    {
        sim.cap_samples = sim.cap_samples ? sim.cap_samples * 2 : 65536;
        n = realloc(sim.samples, sim.cap_samples * sizeof(*n));
        if ( !n )
        {
            sim.cap_samples = sim.nr_samples;
            return;
        }
        sim.samples = n;
    }
    sim.samples[sim.nr_samples++] = ns > UINT32_MAX ? UINT32_MAX : ns;
}

static struct task_slice timed_do_schedule(const struct scheduler *ops,
                                           s_time_t now)
{
    struct task_slice slice;
    do_schedule_fn orig = NULL;
    uint64_t t0;
    unsigned int i;

    for ( i = 0; i < MAX_WRAPS; i++ )
        if ( sim.wraps[i].ops == ops )
            orig = sim.wraps[i].orig;
    BUG_ON(!orig);
    sim_stats.decisions++;
    if ( !sim.cost_on )
        return orig(ops, now);
    t0 = host_ns();
    slice = orig(ops, now);
    add_sample(host_ns() - t0);
    return slice;
}

static void wrap_scheduler(struct scheduler *ops)
{
    unsigned int i;

    for ( i = 0; i < MAX_WRAPS; i++ )
        if ( !sim.wraps[i].ops )
        {
            sim.wraps[i].ops = ops;
            sim.wraps[i].orig = ops->do_schedule;
            ops->do_schedule = timed_do_schedule;
            return;
        }
    BUG();
}

/* ops is gone (its pool destroyed): drop its entry. */
static void forget_wrap(const struct scheduler *ops)
{
    unsigned int i;

    for ( i = 0; i < MAX_WRAPS; i++ )
        if ( sim.wraps[i].ops == ops )
            sim.wraps[i].ops = NULL;
}

void sim_cost_start(void)
{
    sim.nr_samples = 0;
    sim.cost_on = true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

void sim_cost_stop(struct sim_cost *out)
{
    unsigned long i, n = sim.nr_samples;
    double sum = 0;

    sim.cost_on = false;
    memset(out, 0, sizeof(*out));
    out->n = n;
    if ( !n )
        return;
    for ( i = 0; i < n; i++ )
        sum += sim.samples[i];
    qsort(sim.samples, n, sizeof(*sim.samples), cmp_u32);
    out->mean_ns = sum / n;
    out->p50_ns = sim.samples[n / 2];
    out->p99_ns = sim.samples[(n * 99) / 100];
    out->max_ns = sim.samples[n - 1];
}

/* --- Boot. --- */

static void boot(void)
{
    unsigned int cpu;

    nr_cpu_ids = SIM_NR_CPUS;
    for ( cpu = 0; cpu < SIM_NR_CPUS; cpu++ )
    {
        cpumask_set_cpu(cpu, &cpu_possible_map);
        cpumask_set_cpu(cpu, &cpu_present_map);
        sim.hw_deadline[cpu] = S_NONE;
    }
    sim.now = SIM_BOOT_TIME;
    harness_set_cpu(0);
    cpumask_set_cpu(0, &cpu_online_map);

    timer_init();
    for ( cpu = 1; cpu < SIM_NR_CPUS; cpu++ )
        if ( timer_cpu_init(cpu) )
            panic("sim: timer_cpu_init(%u) failed\n", cpu);
    tasklet_subsys_init();
    scheduler_init();

    for ( cpu = 1; cpu < SIM_NR_CPUS; cpu++ )
    {
        if ( sched_cpu_prepare(cpu) )
            panic("sim: sched_cpu_prepare(%u) failed\n", cpu);
        harness_set_cpu(cpu);
        sched_cpu_starting(cpu);
        cpumask_set_cpu(cpu, &cpu_online_map);
        harness_set_cpu(0);
    }
    for ( cpu = 0; cpu < SIM_NR_CPUS; cpu++ )
        sim.idle_since[cpu] = sim.now;
    spin_debug_enable();
    sim_settle();
    sim.booted = true;
}

static void watchdog(int sig)
{
    static const char msg[] = "sched_sim: a case ran too long (hang?)\n";
    ssize_t rc = write(2, msg, sizeof(msg) - 1);

    (void)rc;
    (void)sig;
    _exit(3);
}

bool sim_begin(const char *name)
{
    if ( sim.depth && !sim.broken )
    {
        /* An earlier case was abandoned (a panic) in the middle of a
         * simulated action: locks may be held, the machine is lost. */
        sim.broken = true;
        printf("  sched_sim: an earlier case died inside the simulator; "
               "later cases are skipped\n");
    }
    if ( !CHECK(!sim.broken) )
        return false;
    sim.name = name;
    if ( !sim.booted )
        boot();
    signal(SIGALRM, watchdog);
    alarm(SIM_WATCHDOG_S);
    harness_set_cpu(0);
    sim_periodic_clear();
    sim.wc_on = false;
    sim_stats_reset();
    sim.base_allocs = sim.live_allocs;
    return true;
}

void sim_stats_reset(void)
{
    unsigned int i;
    struct sim_vcpu *sv;

    memset(&sim_stats, 0, sizeof(sim_stats));
    for ( i = 0; i < sim.nr_vcpus; i++ )
    {
        sv = sim.vcpus[i];
        sv->nr_wakes = sv->nr_lat = 0;
        sv->lat_sum = sv->lat_max = 0;
        sv->nr_switch_in = sv->nr_migrations = 0;
    }
}

bool sim_end(void)
{
    bool ok = true;
    unsigned int i;

    sim_periodic_clear();
    /* A case that stopped early leaves objects behind: clean up. */
    ok &= CHECK_EQ(sim.nr_domains, 0);
    for ( i = 0; i < ARRAY_SIZE(sim.dom_by_id); i++ )
        if ( sim.dom_by_id[i] )
            sim_domain_destroy(sim.dom_by_id[i]);
    for ( i = 0; i < ARRAY_SIZE(sim.pools); i++ )
        if ( sim.pools[i] )
        {
            ok &= CHECK(!"pool left behind");
            sim_pool_destroy(sim.pools[i]);
        }
    sim_settle();
    ok &= CHECK_EQ(sim.live_allocs - sim.base_allocs, 0);
    ok &= CHECK_EQ(spin_locks_held(), 0);
    alarm(0);
    return ok;
}

/* --- Isolation: one part of a case in a child process. --- */

static void (*iso_fn)(unsigned int arg);
static unsigned int iso_arg;

static void iso_body(void)
{
    iso_fn(iso_arg);
}

static void __attribute__((noreturn)) iso_child(int out)
{
    long base = sim.live_allocs;
    int rc = 0;

    dup2(out, 1);
    close(out);
    signal(SIGALRM, watchdog);
    alarm(SIM_WATCHDOG_S);
    if ( harness_panics(iso_body) )
    {
        printf("  FAIL %s: panic in the simulated hypervisor at %ld ns: %s\n",
               sim.name, (long)sim.now, harness_last_panic());
        rc = 2;
    }
    else
    {
        sim_periodic_clear();
        sim_settle();
        if ( sim.live_allocs != base )
        {
            printf("  FAIL %s: %ld allocation(s) leaked\n", sim.name,
                   sim.live_allocs - base);
            rc = 1;
        }
        if ( spin_locks_held() )
        {
            printf("  FAIL %s: %u lock(s) left held\n", sim.name,
                   spin_locks_held());
            rc = 1;
        }
    }
    fflush(stdout);
    _exit(rc);
}

/* Pass the child's output on; true if it contained a failed check. */
static bool relay(int in)
{
    char *all = NULL, *n;
    size_t len = 0;
    ssize_t got;
    bool failed;

    do {
        n = realloc(all, len + 4097);
        BUG_ON(!n);
        all = n;
        got = read(in, all + len, 4096);
        if ( got > 0 )
            len += got;
    } while ( got > 0 );
    all[len] = '\0';
    fputs(all, stdout);
    fflush(stdout);
    failed = strstr(all, "  FAIL ") != NULL;
    free(all);
    return failed;
}

bool sim_isolated(void (*fn)(unsigned int arg), unsigned int arg)
{
    /* Debugging: SIM_SCHED=credit2 runs that scheduler's parts only;
     * SIM_NOFORK=1 runs them in this process (for a debugger). */
    const char *only = getenv("SIM_SCHED");
    int fds[2], status = 0;
    bool failed;
    pid_t pid;

    if ( only && strcmp(only, sim_sched_name(arg)) )
        return true;
    if ( getenv("SIM_NOFORK") )
    {
        fn(arg);
        return true;
    }
    fflush(stdout);
    fflush(stderr);
    if ( !CHECK(pipe(fds) == 0) )
        return false;
    pid = fork();
    if ( !CHECK(pid >= 0) )
        return false;
    if ( pid == 0 )
    {
        close(fds[0]);
        iso_fn = fn;
        iso_arg = arg;
        iso_child(fds[1]);
    }
    close(fds[1]);
    failed = relay(fds[0]);
    close(fds[0]);
    if ( waitpid(pid, &status, 0) != pid )
        failed = true;
    if ( WIFSIGNALED(status) )
        printf("  FAIL %s: the simulation died of signal %d (%s)\n",
               sim.name, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if ( WIFEXITED(status) && WEXITSTATUS(status) == 3 )
        printf("  FAIL %s: the simulation hung (watchdog, %d s)\n", sim.name,
               SIM_WATCHDOG_S);
    failed |= !WIFEXITED(status) || WEXITSTATUS(status);
    return CHECK(!failed);
}

/* --- Pools. --- */

/*
 * Test-only: swap a new, empty pool's scheduler instance for the
 * simulator's round robin (the framework knows only the real ones). The
 * pool has no pCPU and no domain yet, so nothing refers to the old
 * instance's data.
 */
static int install_rr(struct cpupool *c)
{
    ASSERT(cpumask_empty(&c->cpu_valid) && !c->n_dom);
    c->sched->deinit(c->sched);
    *c->sched = sched_rr_sim_def;
    c->sched->sched_data = NULL;
    return c->sched->init(c->sched);
}

struct sim_pool *sim_pool_create_at(unsigned int sched_id, unsigned int first,
                                    unsigned int ncpus)
{
    struct sim_pool *p;
    unsigned int cpu, got = 0, slot;
    int rc;

    for ( slot = 0; slot < ARRAY_SIZE(sim.pools) && sim.pools[slot]; slot++ )
        ;
    if ( !CHECK(slot < ARRAY_SIZE(sim.pools)) )
        return NULL;
    p = calloc(1, sizeof(*p));
    BUG_ON(!p);
    p->sched_id = sched_id;

    sim_ctl_begin();
    rc = cpupool_create(CPUPOOLID_NONE, sched_id == SIM_SCHED_RR
                        ? XEN_SCHEDULER_CREDIT : sched_id, &p->c);
    if ( !rc && sched_id == SIM_SCHED_RR )
        rc = install_rr(p->c);
    for ( cpu = first; !rc && cpu < nr_cpu_ids && got < ncpus; cpu++ )
        if ( cpumask_test_cpu(cpu, &cpupool_free_cpus) )
        {
            rc = cpupool_assign_cpu(p->c, cpu);
            sim.idle_since[cpu] = sim.now;
            got += !rc;
        }
    sim_ctl_end();
    if ( p->c )
    {
        wrap_scheduler(p->c->sched);
        sim.pools[slot] = p;
    }
    if ( !CHECK_EQ(rc, 0) || !CHECK_EQ(got, ncpus) )
    {
        if ( p->c )
            sim_pool_destroy(p);
        else
            free(p);
        return NULL;
    }
    return p;
}

struct sim_pool *sim_pool_create(unsigned int sched_id, unsigned int ncpus)
{
    return sim_pool_create_at(sched_id, SIM_FIRST_TEST_CPU, ncpus);
}

unsigned int sim_pool_nr_cpus(const struct sim_pool *p)
{
    return cpumask_weight(&p->c->cpu_valid);
}

int sim_pool_unassign(struct sim_pool *p, unsigned int cpu)
{
    int rc;

    sim_ctl_begin();
    rc = cpupool_unassign_cpu(p->c, cpu);
    sim_ctl_end();
    return rc;
}

int sim_pool_assign(struct sim_pool *p, unsigned int cpu)
{
    int rc;

    sim_ctl_begin();
    rc = cpupool_assign_cpu(p->c, cpu);
    if ( !rc )
        sim.idle_since[cpu] = sim.now;
    sim_ctl_end();
    return rc;
}

unsigned int sim_misplaced_vcpus(void)
{
    const struct vcpu *v;
    unsigned int i, n = 0;

    for ( i = 0; i < sim.nr_vcpus; i++ )
    {
        v = sim.vcpus[i]->v;
        if ( test_bit(_VPF_migrating, &v->pause_flags) )
            continue;
        if ( !cpumask_test_cpu(v->processor, &v->domain->cpupool->cpu_valid) ||
             !cpumask_test_cpu(v->processor, &v->cpu_hard_affinity) )
            n++;
    }
    return n;
}

int sim_pool_destroy(struct sim_pool *p)
{
    struct scheduler *ops = p->c->sched;
    unsigned int cpu, i;
    int rc = 0;

    sim_ctl_begin();
    for_each_cpu ( cpu, &p->c->cpu_valid )
        rc = rc ?: cpupool_unassign_cpu(p->c, cpu);
    rc = rc ?: cpupool_destroy(p->c);
    sim_ctl_end();
    if ( !CHECK_EQ(rc, 0) )
        return rc;                      /* still there: sim_end() retries */
    forget_wrap(ops);
    for ( i = 0; i < ARRAY_SIZE(sim.pools); i++ )
        if ( sim.pools[i] == p )
            sim.pools[i] = NULL;
    free(p);
    return 0;
}

/* --- Domains. --- */

static void register_vcpu(struct sim_vcpu *sv)
{
    BUG_ON(sim.nr_vcpus >= SIM_MAX_VCPUS);
    sv->index = sim.nr_vcpus;
    sim.vcpus[sim.nr_vcpus++] = sv;
}

static void unregister_vcpu(struct sim_vcpu *sv)
{
    struct sim_vcpu *last = sim.vcpus[--sim.nr_vcpus];

    sim.vcpus[sv->index] = last;
    last->index = sv->index;
}

static int params_op(struct sim_domain *sd, uint32_t cmd,
                     unsigned int *weight, unsigned int *cap)
{
    struct xen_domctl_scheduler_op op = {
        .sched_id = sd->d->cpupool->sched->sched_id,
        .cmd = cmd,
    };
    int rc;

    /* credit and credit2 records share their layout. */
    op.u.credit.weight = *weight;
    op.u.credit.cap = *cap;
    sim_ctl_begin();
    rc = sched_adjust(sd->d, &op);
    sim_ctl_end();
    *weight = op.u.credit.weight;
    *cap = op.u.credit.cap;
    return rc;
}

int sim_domain_set_params(struct sim_domain *sd, unsigned int weight,
                          unsigned int cap)
{
    unsigned int i;
    int rc = params_op(sd, XEN_DOMCTL_SCHEDOP_putinfo, &weight, &cap);

    if ( !rc )
        for ( i = 0; i < sd->nr; i++ )
            sd->sv[i]->capped = cap != 0;
    return rc;
}

int sim_domain_get_params(struct sim_domain *sd, unsigned int *weight,
                          unsigned int *cap)
{
    *weight = *cap = 0;
    return params_op(sd, XEN_DOMCTL_SCHEDOP_getinfo, weight, cap);
}

static struct sim_vcpu *new_sim_vcpu(struct sim_domain *sd, struct vcpu *v,
                                     const struct sim_behav *b, unsigned int i,
                                     unsigned int nr)
{
    struct sim_vcpu *sv = calloc(1, sizeof(*sv));

    BUG_ON(!sv);
    sv->v = v;
    sv->sd = sd;
    sv->b = *b;
    if ( b->kind == SIM_WAKER )
        sv->b.phase_ns = (b->phase_ns + i * (b->period_ns / nr)) %
                         b->period_ns;
    sv->on_cpu = -1;
    sv->last_cpu = -1;
    sv->block_at = sv->wake_at = S_NONE;
    sv->created_at = sim.now;
    return sv;
}

struct sim_domain *sim_domain_create(struct sim_pool *p, unsigned int nr,
                                     unsigned int weight, unsigned int cap,
                                     const struct sim_behav *b)
{
    struct domain_create_args args = {
        .max_vcpus = nr, .cpupool_id = p->c->cpupool_id,
    };
    struct sim_domain *sd;
    struct vcpu *v;
    unsigned int i, cpu;
    domid_t id;
    int rc;

    if ( !CHECK(nr && nr <= MAX_VIRT_CPUS) )
        return NULL;
    sd = calloc(1, sizeof(*sd));
    BUG_ON(!sd);
    sd->pool = p;
    sim_ctl_begin();
    rc = domid_alloc(&id);
    if ( !rc )
        rc = domain_create(id, &args, &sd->d);
    for ( i = 0; !rc && i < nr; i++ )
    {
        /* Spread new vCPUs over the pool's pCPUs, round robin. */
        cpu = cpumask_next(p->next_cpu, &p->c->cpu_valid);
        if ( cpu >= nr_cpu_ids )
            cpu = cpumask_first(&p->c->cpu_valid);
        p->next_cpu = cpu;
        rc = vcpu_create(sd->d, i, cpu, &v);
        if ( rc )
            break;
        sd->sv[i] = new_sim_vcpu(sd, v, b, i, nr);
        sd->nr = i + 1;
    }
    sim_ctl_end();
    if ( !CHECK_EQ(rc, 0) )
    {
        if ( sd->d )
        {
            sim.dom_by_id[sd->d->domain_id] = sd;
            for ( i = 0; i < sd->nr; i++ )
                register_vcpu(sd->sv[i]);
            sim.nr_domains++;
            sim_domain_destroy(sd);
        }
        else
            free(sd);
        return NULL;
    }
    sim.dom_by_id[id] = sd;
    sim.nr_domains++;
    for ( i = 0; i < nr; i++ )
        register_vcpu(sd->sv[i]);

    if ( (weight || cap) &&
         !CHECK_EQ(sim_domain_set_params(sd, weight, cap), 0) )
    {
        sim_domain_destroy(sd);
        return NULL;
    }
    sim_ctl_begin();
    for ( i = 0; i < nr; i++ )
        vcpu_up(sd->sv[i]->v);
    rc = domain_unpause_by_controller(sd->d);
    sim_ctl_end();
    if ( !CHECK_EQ(rc, 0) )
    {
        sim_domain_destroy(sd);
        return NULL;
    }
    return sd;
}

int sim_domain_destroy(struct sim_domain *sd)
{
    domid_t id = sd->d->domain_id;
    struct domain *d;
    unsigned int i;
    int rc;

    /*
     * As a toolstack does: pause (every vCPU told at once), let the pCPUs
     * deschedule them, then kill. (A synchronous pause of a running
     * domain is tested on its own: see sched_pause_running_domain.)
     */
    sim_ctl_begin();
    domain_pause_nosync(sd->d);
    sim_ctl_end();
    sim_ctl_begin();
    rc = domain_kill(sd->d);
    put_domain(sd->d);
    sim_ctl_end();
    CHECK_EQ(rc, 0);
    for ( i = 0; i < sd->nr; i++ )
    {
        CHECK_EQ(sd->sv[i]->on_cpu, -1);
        unregister_vcpu(sd->sv[i]);
        free(sd->sv[i]);
    }
    sim.dom_by_id[id] = NULL;
    sim.nr_domains--;
    free(sd);

    /* The deferred free has run (settled): nobody finds it any more. */
    d = get_domain_by_id(id);
    if ( !CHECK(d == NULL) )
        put_domain(d);
    return rc;
}

int sim_domain_move(struct sim_domain *sd, struct sim_pool *to)
{
    int rc;

    sim_ctl_begin();
    rc = cpupool_move_domain(sd->d, to->c);
    sim_ctl_end();
    if ( !rc )
        sd->pool = to;
    return rc;
}

int sim_vcpu_set_hard_affinity(struct sim_vcpu *sv, const cpumask_t *mask)
{
    int rc;

    sim_ctl_begin();
    rc = vcpu_set_hard_affinity(sv->v, mask);
    sim_ctl_end();
    return rc;
}

int sim_vcpu_set_soft_affinity(struct sim_vcpu *sv, const cpumask_t *mask)
{
    int rc;

    sim_ctl_begin();
    rc = vcpu_set_soft_affinity(sv->v, mask);
    sim_ctl_end();
    return rc;
}

/* --- Random numbers (xorshift32). --- */

uint32_t sim_rand(void)
{
    uint32_t x = sim.rng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return sim.rng = x;
}

void sim_srand(uint32_t seed)
{
    sim.rng = seed ? seed : 1;
}

/* --- Names and dumps. --- */

const char *sim_sched_name(unsigned int sched_id)
{
    switch ( sched_id )
    {
    case XEN_SCHEDULER_CREDIT:  return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case SIM_SCHED_RR:          return "rr";
    default:                    return "?";
    }
}

void sim_dump(void)
{
    sim_ctl_begin();
    dump_runq('r');
    sim_ctl_end();
}
