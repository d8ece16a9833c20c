/*
 * test_timer.c: per-CPU software timers (xen/common/timer.c), driven
 * through the real softirqs (xen/common/softirq.c).
 *
 * timer.c is #included, so the tests can check the queues' internal
 * invariants (heap order, recorded offsets, the overflow list) after every
 * operation and reset them between cases. Around it this file simulates
 * the machine: a clock that moves only when a test says so, and per CPU a
 * one-shot hardware timer that reprogram_timer() arms and whose interrupt
 * raises TIMER_SOFTIRQ once the clock passes its deadline. settle() plays
 * every CPU's interrupts and softirqs until nothing is left to do, as the
 * machine would between two instants. Simulated CPUs are switched with
 * harness_set_cpu(); two cases run them as threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "../../../xen/common/timer.c"

#include "harness.h"
#include "stub_timer_locks.h"

#define NR_TEST_CPUS 4

/* --- The simulated machine. --- */

static s_time_t sim_now;
static s_time_t hw_deadline[NR_CPUS];       /* armed one-shot, 0 if none */
static s_time_t programmed[NR_CPUS];        /* last reprogram_timer() arg */
static unsigned int nr_reprograms[NR_CPUS];
static unsigned int ipis[NR_CPUS];
static bool reprogram_with_irqs_on;

s_time_t get_s_time(void)
{
    return __atomic_load_n(&sim_now, __ATOMIC_SEQ_CST);
}

static void set_now(s_time_t t)
{
    __atomic_store_n(&sim_now, t, __ATOMIC_SEQ_CST);
}

int reprogram_timer(s_time_t timeout)
{
    unsigned int cpu = smp_processor_id();

    reprogram_with_irqs_on |= local_irq_is_enabled();
    programmed[cpu] = timeout;
    nr_reprograms[cpu]++;
    if ( timeout && timeout <= get_s_time() )
    {
        hw_deadline[cpu] = 0;
        return 0;
    }
    hw_deadline[cpu] = timeout;
    return 1;
}

void smp_send_event_check_cpu(unsigned int cpu)
{
    __atomic_add_fetch(&ipis[cpu], 1, __ATOMIC_SEQ_CST);
}

void smp_send_event_check_mask(const cpumask_t *mask)
{
    unsigned int cpu;

    for_each_cpu ( cpu, mask )
        smp_send_event_check_cpu(cpu);
}

/* %ps in dump_timerq() output. */
static void cb_record(void *data);

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    if ( addr != (unsigned long)cb_record )
        return NULL;
    *size = 1;
    *offset = 0;
    return "cb_record";
}

/* cpu's hardware timer fires if due; the handler raises TIMER_SOFTIRQ. */
static void tick(unsigned int cpu)
{
    if ( !hw_deadline[cpu] || hw_deadline[cpu] > get_s_time() )
        return;
    hw_deadline[cpu] = 0;
    harness_set_cpu(cpu);
    raise_softirq(TIMER_SOFTIRQ);
}

/* Every CPU takes its due interrupts and runs its softirqs until quiet. */
static void settle(void)
{
    unsigned int cpu, caller = smp_processor_id();
    bool busy;

    do {
        busy = false;
        for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
        {
            tick(cpu);
            if ( !softirq_pending(cpu) )
                continue;
            harness_set_cpu(cpu);
            do_softirq();
            busy = true;
        }
    } while ( busy );
    harness_set_cpu(caller);
}

static void advance_to(s_time_t t)
{
    set_now(t);
    settle();
}

/* --- Test timers and their firing record. --- */

struct ttimer {
    struct timer t;
    unsigned int id;
    void (*then)(struct ttimer *tt);        /* extra work in the callback */
    unsigned int repeats;
};

struct fire {
    unsigned int id, cpu;
    s_time_t at, expires;
};

static struct fire fires[8192];
static unsigned int nr_fires;
static bool cb_bad_context;                 /* a lock held or IRQs off */

static void cb_record(void *data)
{
    struct ttimer *tt = data;
    struct fire *f = &fires[nr_fires++ % ARRAY_SIZE(fires)];

    f->id = tt->id;
    f->cpu = smp_processor_id();
    f->at = NOW();
    f->expires = tt->t.expires;
    cb_bad_context |= stub_locks_held() || !local_irq_is_enabled();
    cb_bad_context |= this_cpu(timers).running != &tt->t;
    if ( tt->then )
        tt->then(tt);
}

static void tinit(struct ttimer *tt, unsigned int id, unsigned int cpu)
{
    init_timer(&tt->t, cb_record, tt, cpu);
    tt->id = id;
    tt->then = NULL;
    tt->repeats = 0;
}

static void reset(void)
{
    unsigned int cpu;

    stub_locks_reset();
    local_irq_enable();
    memset(per_cpu__timers, 0, sizeof(per_cpu__timers));
    cpumask_clear(&timer_cpus);
    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
    {
        harness_set_cpu(cpu);
        softirq_abandon_frame();            /* after a caught panic */
        softirq_pending(cpu) = 0;
    }
    harness_set_cpu(0);
    memset(hw_deadline, 0, sizeof(hw_deadline));
    memset(programmed, 0, sizeof(programmed));
    memset(nr_reprograms, 0, sizeof(nr_reprograms));
    memset(ipis, 0, sizeof(ipis));
    reprogram_with_irqs_on = false;
    nr_fires = 0;
    cb_bad_context = false;
    set_now(0);
    timer_slop = 0;

    timer_init();
    for ( cpu = 1; cpu < NR_TEST_CPUS; cpu++ )
        timer_cpu_init(cpu);
}

/* --- The queues' invariants, checked from outside. --- */

static const char *queue_fault;

static bool fail(const char *why)
{
    queue_fault = why;
    return false;
}

static bool queue_ok(unsigned int cpu)
{
    const struct timers *ts = &per_cpu(timers, cpu);
    const struct timer *t, *prev = NULL;
    unsigned int i;

    if ( ts->heap_size > TIMER_HEAP_CAPACITY )
        return fail("heap size");
    if ( ts->running )
        return fail("running outside a pass");
    for ( i = 0; i < ts->heap_size; i++ )
    {
        t = ts->heap[i];
        if ( t->heap_offset != i || t->status != TIMER_STATUS_in_heap )
            return fail("heap entry's offset or status");
        if ( t->cpu != cpu )
            return fail("heap entry of another CPU");
        if ( i && ts->heap[(i - 1) / 2]->expires > t->expires )
            return fail("heap order");
    }
    for ( t = ts->list; t; prev = t, t = t->list_next )
    {
        if ( t->status != TIMER_STATUS_in_list || t->cpu != cpu )
            return fail("list entry's status or CPU");
        if ( prev && prev->expires > t->expires )
            return fail("list order");
    }
    return true;
}

static unsigned int queue_len(unsigned int cpu)
{
    const struct timers *ts = &per_cpu(timers, cpu);
    const struct timer *t;
    unsigned int n = ts->heap_size;

    for ( t = ts->list; t; t = t->list_next )
        n++;
    return n;
}

/*
 * No CPU can miss its next timer: either its TIMER_SOFTIRQ is pending (it
 * will program the hardware), or its hardware timer is armed, in the
 * future, and no later than slop after the earliest expiry.
 */
static bool deadlines_ok(void)
{
    const struct timer *first;
    unsigned int cpu;

    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
    {
        first = first_entry(&per_cpu(timers, cpu));
        if ( !first || (softirq_pending(cpu) & (1ul << TIMER_SOFTIRQ)) )
            continue;
        if ( !hw_deadline[cpu] || hw_deadline[cpu] <= NOW() )
            return fail("hardware timer not armed");
        if ( hw_deadline[cpu] - first->expires > (s_time_t)timer_slop )
            return fail("hardware timer armed too late");
    }
    return true;
}

static bool all_ok(void)
{
    unsigned int cpu;

    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
        if ( !queue_ok(cpu) )
            return false;
    return deadlines_ok();
}

#define CHECK_QUEUES()                                  \
    do {                                                \
        if ( !CHECK(all_ok()) )                         \
            printf("    (%s)\n", queue_fault);          \
    } while ( 0 )

/* --- Firing. --- */

TEST(fire_in_expiry_order_once_not_early)
{
    static const s_time_t when[] = { 500, 100, 300, 300, 200, 600 };
    struct ttimer tt[ARRAY_SIZE(when)];
    unsigned int i;

    reset();
    for ( i = 0; i < ARRAY_SIZE(when); i++ )
    {
        tinit(&tt[i], i, 0);
        set_timer(&tt[i].t, when[i]);
        CHECK(timer_is_active(&tt[i].t));
        CHECK_EQ(timer_expires(&tt[i].t), when[i]);
    }
    settle();
    CHECK_EQ(hw_deadline[0], 100);
    CHECK_QUEUES();

    advance_to(99);
    CHECK_EQ(nr_fires, 0);
    advance_to(100);
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].id, 1);
    CHECK_EQ(fires[0].at, 100);
    CHECK(!timer_is_active(&tt[1].t));
    CHECK_EQ(hw_deadline[0], 200);

    advance_to(1000);
    CHECK_EQ(nr_fires, 6);
    for ( i = 1; i < nr_fires; i++ )
    {
        CHECK(fires[i - 1].expires <= fires[i].expires);
        CHECK(fires[i].at >= fires[i].expires);
        CHECK_EQ(fires[i].cpu, 0);
    }
    CHECK_EQ(fires[1].id, 4);
    CHECK_EQ(fires[5].id, 5);
    CHECK_EQ(programmed[0], 0);             /* queue empty: stopped */
    CHECK_EQ(hw_deadline[0], 0);

    advance_to(SECONDS(10));
    CHECK_EQ(nr_fires, 6);
    CHECK_QUEUES();
    CHECK(!cb_bad_context);
    CHECK(!reprogram_with_irqs_on);
}

TEST(earliest_timer_kicks_its_cpu)
{
    struct ttimer a, b, c, d;
    unsigned int i;

    reset();
    tinit(&a, 0, 0);
    tinit(&b, 1, 0);
    tinit(&c, 2, 0);
    tinit(&d, 3, 2);

    set_timer(&a.t, 500);
    CHECK_EQ(softirq_pending(0), 1ul << TIMER_SOFTIRQ);
    settle();
    CHECK_EQ(programmed[0], 500);

    set_timer(&b.t, 800);                   /* not the earliest */
    CHECK_EQ(softirq_pending(0), 0);

    harness_set_cpu(1);
    set_timer(&c.t, 200);                   /* the earliest, from afar */
    harness_set_cpu(0);
    CHECK_EQ(softirq_pending(0), 1ul << TIMER_SOFTIRQ);
    CHECK_EQ(ipis[0], 1);
    settle();
    CHECK_EQ(programmed[0], 200);

    set_timer(&d.t, 300);                   /* CPU 2's own queue */
    CHECK_EQ(ipis[2], 1);
    CHECK_EQ(softirq_pending(0), 0);
    settle();
    CHECK_EQ(programmed[2], 300);
    CHECK_EQ(programmed[0], 200);
    CHECK_QUEUES();

    advance_to(1000);
    CHECK_EQ(nr_fires, 4);
    for ( i = 0; i < nr_fires; i++ )
        CHECK_EQ(fires[i].cpu, fires[i].id == 3 ? 2 : 0);
}

static void rearm(struct ttimer *tt)
{
    if ( tt->repeats-- )
        set_timer(&tt->t, tt->t.expires + 100);
}

TEST(rearm_from_callback)
{
    struct ttimer tt;
    unsigned int i, passes;

    reset();
    tinit(&tt, 7, 0);
    tt.then = rearm;
    tt.repeats = 4;
    set_timer(&tt.t, 100);
    settle();

    for ( i = 1; i <= 5; i++ )
    {
        passes = nr_reprograms[0];
        advance_to(i * 100);
        CHECK_EQ(nr_fires, i);
        CHECK_EQ(fires[i - 1].at, i * 100);
        /* One pass per interrupt: re-arming inside it raises nothing. */
        CHECK_EQ(nr_reprograms[0], passes + 1);
        CHECK_EQ(programmed[0], i < 5 ? (i + 1) * 100 : 0);
        CHECK_EQ(timer_is_active(&tt.t), i < 5);
    }
    advance_to(10000);
    CHECK_EQ(nr_fires, 5);
    CHECK_QUEUES();
}

/* A slow callback: the clock passes the next deadline while it runs. */
static void take_200ns(struct ttimer *tt)
{
    set_now(NOW() + 200);
}

TEST(deadline_in_the_past_runs_again)
{
    struct ttimer a, b;

    reset();
    tinit(&a, 0, 0);
    tinit(&b, 1, 0);
    a.then = take_200ns;
    set_timer(&a.t, 100);
    set_timer(&b.t, 200);
    settle();

    set_now(100);
    tick(0);
    harness_set_cpu(0);
    do_softirq();                           /* one call does both */
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[1].id, 1);
    CHECK_EQ(fires[1].at, 300);
    CHECK_EQ(nr_reprograms[0], 1 + 2);      /* set-up, then two passes */
    CHECK_EQ(programmed[0], 0);
    CHECK_QUEUES();
}

TEST(stop_prevents_firing)
{
    struct ttimer a, b;

    reset();
    tinit(&a, 0, 0);
    tinit(&b, 1, 0);
    stop_timer(&a.t);                       /* inactive: nothing to do */
    CHECK(!timer_is_active(&a.t));

    set_timer(&a.t, 100);
    set_timer(&b.t, 200);
    settle();
    stop_timer(&a.t);
    CHECK(!timer_is_active(&a.t));
    CHECK_EQ(queue_len(0), 1);
    CHECK_QUEUES();

    advance_to(150);                        /* the early interrupt */
    CHECK_EQ(nr_fires, 0);
    CHECK_EQ(programmed[0], 200);
    advance_to(1000);
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].id, 1);

    set_timer(&a.t, 2000);                  /* and can be set again */
    advance_to(2000);
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[1].id, 0);
}

TEST(set_moves_earlier_and_later)
{
    struct ttimer tt[8];
    unsigned int i;

    reset();
    for ( i = 0; i < ARRAY_SIZE(tt); i++ )
    {
        tinit(&tt[i], i, 0);
        set_timer(&tt[i].t, 1000 + i * 100);
    }
    settle();
    CHECK_EQ(programmed[0], 1000);

    set_timer(&tt[5].t, 50);                /* earlier: new first */
    CHECK_EQ(softirq_pending(0), 1ul << TIMER_SOFTIRQ);
    CHECK_QUEUES();
    settle();
    CHECK_EQ(programmed[0], 50);

    set_timer(&tt[5].t, 5000);              /* later: last */
    set_timer(&tt[0].t, 1650);              /* into the middle */
    CHECK_EQ(softirq_pending(0), 0);
    CHECK_EQ(timer_expires(&tt[5].t), 5000);
    CHECK_QUEUES();

    advance_to(1700);
    CHECK_EQ(nr_fires, 7);
    for ( i = 1; i < nr_fires; i++ )
        CHECK(fires[i - 1].expires <= fires[i].expires);
    CHECK_EQ(fires[5].id, 0);
    CHECK(timer_is_active(&tt[5].t));
    CHECK_EQ(programmed[0], 5000);
    advance_to(5000);
    CHECK_EQ(nr_fires, 8);
    CHECK_EQ(fires[7].id, 5);
}

/* --- Slop. --- */

TEST(slop_batches_nearby_deadlines)
{
    struct ttimer tt[4];
    static const s_time_t when[] = { 100000, 120000, 140000, 400000 };
    unsigned int i, passes;

    reset();
    timer_slop = MICROSECS(50);
    for ( i = 0; i < ARRAY_SIZE(tt); i++ )
    {
        tinit(&tt[i], i, 0);
        set_timer(&tt[i].t, when[i]);
    }
    settle();
    CHECK_EQ(programmed[0], 140000);        /* the last within 50us */

    advance_to(100000);                     /* not yet: no interrupt */
    CHECK_EQ(nr_fires, 0);
    passes = nr_reprograms[0];
    advance_to(140000);
    CHECK_EQ(nr_fires, 3);                  /* one interrupt for three */
    CHECK_EQ(nr_reprograms[0], passes + 1);
    CHECK_EQ(programmed[0], 400000);
    advance_to(400000);
    CHECK_EQ(nr_fires, 4);

    /* Near the end of time: no overflow. */
    set_timer(&tt[0].t, STIME_MAX - 10);
    set_timer(&tt[1].t, STIME_MAX);
    settle();
    CHECK_EQ(programmed[0], STIME_MAX);
    CHECK_QUEUES();
}

static unsigned int default_slop;

__attribute__((constructor)) static void save_default_slop(void)
{
    default_slop = timer_slop;
}

static unsigned int parse_slop(const char *cmdline)
{
    return parse_params(cmdline, &__kparam_timer_slop,
                        &__kparam_timer_slop + 1);
}

TEST(slop_boot_option)
{
    reset();
    CHECK_EQ(default_slop, 50000);          /* 50us, in ns */
    CHECK_EQ(parse_slop("timer_slop=1000"), 0);
    CHECK_EQ(timer_slop, 1000);
    CHECK_EQ(parse_slop("timer-slop=0x10"), 0);
    CHECK_EQ(timer_slop, 16);
    CHECK_EQ(parse_slop("timer_slop=4294967295"), 0);
    CHECK_EQ(timer_slop, 4294967295u);

    /* Rejected whole, with a warning; the value stays. */
    timer_slop = 7;
    CHECK_EQ(parse_slop("timer_slop=4294967296 timer_slop=-1 timer_slop=5us"
                        " timer_slop= timer_slop no-timer_slop"), 6);
    CHECK_EQ(timer_slop, 7);
    CHECK_LOG("timer_slop");
    CHECK_LOG("5us");
}

/* --- Migration. --- */

static void hop(struct ttimer *tt)
{
    if ( !tt->repeats-- )
        return;
    migrate_timer(&tt->t, (smp_processor_id() + 1) % NR_TEST_CPUS);
    set_timer(&tt->t, NOW() + 100);
}

TEST(migrate_moves_between_cpus)
{
    struct ttimer a, b, c;
    unsigned int i;

    reset();
    tinit(&a, 0, 0);
    set_timer(&a.t, 500);
    settle();

    migrate_timer(&a.t, 1);                 /* armed: stays armed */
    CHECK_EQ(a.t.cpu, 1);
    CHECK(timer_is_active(&a.t));
    CHECK_EQ(timer_expires(&a.t), 500);
    CHECK_EQ(ipis[1], 1);
    CHECK_EQ(queue_len(0), 0);
    CHECK_EQ(queue_len(1), 1);
    settle();
    CHECK_EQ(programmed[1], 500);
    CHECK_QUEUES();
    advance_to(500);
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].cpu, 1);

    tinit(&b, 1, 0);                        /* inactive: just moves */
    migrate_timer(&b.t, 2);
    CHECK_EQ(b.t.cpu, 2);
    CHECK_EQ(ipis[2], 0);
    migrate_timer(&b.t, 2);                 /* already there */
    set_timer(&b.t, 700);
    CHECK_EQ(ipis[2], 1);
    advance_to(700);
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[1].cpu, 2);

    /* A callback moving its own timer round the CPUs. */
    tinit(&c, 2, 0);
    c.then = hop;
    c.repeats = 5;
    set_timer(&c.t, 1000);
    for ( i = 0; i <= 5; i++ )
    {
        advance_to(1000 + i * 100);
        CHECK_EQ(nr_fires, 3 + i);
        CHECK_EQ(fires[2 + i].cpu, i % NR_TEST_CPUS);
        CHECK_QUEUES();
    }
}

/* --- Killing. --- */

TEST(kill_for_good)
{
    struct ttimer a, b;
    struct timer zeroed;

    reset();
    tinit(&a, 0, 1);
    tinit(&b, 1, 1);
    set_timer(&a.t, 100);
    set_timer(&b.t, 200);
    settle();

    kill_timer(&a.t);
    CHECK(!timer_is_active(&a.t));
    CHECK_EQ(a.t.status, TIMER_STATUS_killed);
    CHECK_EQ(queue_len(1), 1);

    /* Everything but init_timer() is now a no-op. */
    set_timer(&a.t, 50);
    migrate_timer(&a.t, 3);
    stop_timer(&a.t);
    kill_timer(&a.t);
    CHECK(!timer_is_active(&a.t));
    CHECK_EQ(a.t.cpu, 1);
    CHECK_EQ(queue_len(1), 1);
    CHECK_EQ(softirq_pending(1), 0);

    advance_to(1000);
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].id, 1);

    /* Teardown of a half-built object: a timer never initialised. */
    memset(&zeroed, 0, sizeof(zeroed));
    kill_timer(&zeroed);
    CHECK_EQ(zeroed.status, TIMER_STATUS_invalid);

    /* init_timer() brings a killed timer back. */
    tinit(&a, 0, 2);
    set_timer(&a.t, 1500);
    advance_to(1500);
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[1].cpu, 2);
    CHECK_QUEUES();
}

static struct ttimer bad;

static void set_zeroed(void)
{
    memset(&bad, 0, sizeof(bad));
    set_timer(&bad.t, 100);
}

static void init_on_cpu_without_queue(void)
{
    tinit(&bad, 0, NR_TEST_CPUS);
}

static void migrate_to_cpu_without_queue(void)
{
    tinit(&bad, 0, 0);
    migrate_timer(&bad.t, NR_TEST_CPUS);
}

static void kill_self(struct ttimer *tt)
{
    kill_timer(&tt->t);
}

static void fire_self_killer(void)
{
    tinit(&bad, 0, 0);
    bad.then = kill_self;
    set_timer(&bad.t, 10);
    advance_to(10);
}

TEST(misuse_is_caught)
{
    reset();
    CHECK(harness_panics(set_zeroed));
    reset();
    CHECK(harness_panics(init_on_cpu_without_queue));
    reset();
    CHECK(harness_panics(migrate_to_cpu_without_queue));
    reset();
    CHECK(harness_panics(fire_self_killer));
    CHECK(strstr(harness_last_panic(), "BUG") != NULL);
    reset();
}

static void reinit_busy_cpu(void)
{
    tinit(&bad, 0, 1);
    set_timer(&bad.t, 100);
    timer_cpu_init(1);
}

TEST(cpu_init)
{
    struct ttimer a;

    reset();
    CHECK_EQ(timer_cpu_init(NR_CPUS), -EINVAL);
    CHECK_EQ(timer_cpu_init(1), 0);         /* again, idle: fine */
    tinit(&a, 0, 1);
    set_timer(&a.t, 100);
    advance_to(100);
    CHECK_EQ(nr_fires, 1);

    /* Timers left on the queue would be lost. */
    reset();
    CHECK(harness_panics(reinit_busy_cpu));
}

/* --- The overflow list. --- */

static struct ttimer many[TIMER_HEAP_CAPACITY + 100];

TEST(overflow_list)
{
    const unsigned int n = ARRAY_SIZE(many);
    struct ttimer *early = &many[n - 1];
    unsigned int i, seed = 1;
    s_time_t last0 = 0;

    reset();
    for ( i = 0; i < n; i++ )
    {
        seed = seed * 1103515245u + 12345u;
        tinit(&many[i], i, 0);
        set_timer(&many[i].t, 1000 + (seed >> 8) % 100000);
    }
    CHECK_EQ(per_cpu(timers, 0).heap_size, TIMER_HEAP_CAPACITY);
    CHECK_EQ(queue_len(0), n);
    CHECK_EQ(many[n - 1].t.status, TIMER_STATUS_in_list);

    /* An overflowed timer can still be the earliest, and it counts. */
    set_timer(&early->t, 500);
    CHECK_EQ(early->t.status, TIMER_STATUS_in_list);
    settle();
    CHECK_EQ(programmed[0], 500);
    CHECK_QUEUES();

    /* Moved, stopped and migrated out of the list. */
    set_timer(&many[n - 2].t, 999999);
    stop_timer(&many[n - 3].t);
    migrate_timer(&many[n - 4].t, 1);
    CHECK_EQ(many[n - 4].t.status, TIMER_STATUS_in_heap);
    CHECK_EQ(queue_len(0), n - 2);
    CHECK_QUEUES();

    advance_to(500);
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].id, n - 1);

    /* A pass drains the list into the room stop_timer() made. */
    CHECK_EQ(queue_len(0) - per_cpu(timers, 0).heap_size, 97);
    stop_timer(&many[0].t);
    stop_timer(&many[1].t);
    CHECK_EQ(per_cpu(timers, 0).heap_size, TIMER_HEAP_CAPACITY - 2);
    cpu_raise_softirq(0, TIMER_SOFTIRQ);
    settle();
    CHECK_EQ(per_cpu(timers, 0).heap_size, TIMER_HEAP_CAPACITY);
    CHECK_EQ(queue_len(0) - per_cpu(timers, 0).heap_size, 95);
    CHECK_QUEUES();

    for ( i = 1000; i <= 101000; i += 997 )
        advance_to(i);
    advance_to(999999);
    CHECK_EQ(nr_fires, n - 3);
    for ( i = 0; i < nr_fires; i++ )
    {
        CHECK(fires[i].at >= fires[i].expires);
        if ( fires[i].cpu == 0 )
            CHECK(last0 <= fires[i].expires);
        last0 = fires[i].cpu ? last0 : fires[i].expires;
    }
    CHECK_EQ(queue_len(0), 0);
    CHECK_EQ(per_cpu(timers, 0).list, NULL);
    CHECK_QUEUES();
}

/* --- Random operations against a model. --- */

struct model {
    bool active, killed;
    s_time_t expires;
    unsigned int cpu, fired;
};

static uint64_t rng_state;

static unsigned int rnd(unsigned int n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (rng_state >> 11) % n;
}

/* Check the fires since *seen against the model, and update it. */
static bool check_fires(struct model *m, unsigned int *seen)
{
    s_time_t last[NR_TEST_CPUS];
    const struct fire *f;
    struct model *mt;
    unsigned int cpu;

    for ( cpu = 0; cpu < NR_TEST_CPUS; cpu++ )
        last[cpu] = INT64_MIN;             /* expiries may be negative */

    for ( ; *seen < nr_fires; (*seen)++ )
    {
        f = &fires[*seen % ARRAY_SIZE(fires)];
        mt = &m[f->id];
        if ( !mt->active || mt->killed || f->cpu != mt->cpu )
            return fail("fired while not armed, or on the wrong CPU");
        if ( f->expires != mt->expires || f->at < mt->expires )
            return fail("fired early");
        if ( f->expires < last[f->cpu] )
            return fail("fired out of order");
        last[f->cpu] = f->expires;
        mt->active = false;
        mt->fired++;
    }
    return true;
}

/* After settle(): everything due (allowing for slop) has fired. */
static bool nothing_overdue(const struct model *m, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        if ( m[i].active && m[i].expires <= NOW() - (s_time_t)timer_slop )
            return fail("overdue");
    return true;
}

static void random_ops(struct ttimer *tt, unsigned int n, unsigned int ops,
                       unsigned int cpus, s_time_t spread, s_time_t step)
{
    static struct model m[TIMER_HEAP_CAPACITY + 1000];
    unsigned int i, op, seen = 0, total = 0, max_list = 0;
    struct model *mt;
    s_time_t e;
    bool ok = true;

    for ( i = 0; i < n; i++ )
    {
        tinit(&tt[i], i, rnd(cpus));
        m[i] = (struct model){ .cpu = tt[i].t.cpu };
    }

    for ( op = 0; op < ops && ok; op++ )
    {
        i = rnd(n);
        mt = &m[i];
        harness_set_cpu(rnd(NR_TEST_CPUS));
        switch ( rnd(20) )
        {
        case 0 ... 8:
            e = NOW() + (s_time_t)rnd(spread) - spread / 20;
            set_timer(&tt[i].t, e);
            if ( !mt->killed )
            {
                mt->active = true;
                mt->expires = e;
            }
            break;
        case 9 ... 10:
            stop_timer(&tt[i].t);
            mt->active = false;
            break;
        case 11 ... 12:
            if ( cpus == 1 )
                break;
            migrate_timer(&tt[i].t, rnd(cpus));
            if ( !mt->killed )
                mt->cpu = tt[i].t.cpu;
            break;
        case 13:
            if ( rnd(10) )
                break;
            kill_timer(&tt[i].t);
            *mt = (struct model){ .killed = true, .cpu = mt->cpu,
                                  .fired = mt->fired };
            break;
        case 14:
            if ( !mt->killed )
                break;
            tinit(&tt[i], i, rnd(cpus));
            *mt = (struct model){ .cpu = tt[i].t.cpu, .fired = mt->fired };
            break;
        case 15 ... 16:
            ok &= CHECK_EQ(timer_is_active(&tt[i].t), mt->active);
            if ( mt->active )
                ok &= CHECK_EQ(timer_expires(&tt[i].t), mt->expires);
            break;
        default:
            set_now(NOW() + rnd(step));
            break;
        }
        harness_set_cpu(0);
        settle();
        max_list = max(max_list, queue_len(0) - per_cpu(timers, 0).heap_size);
        ok &= CHECK(check_fires(m, &seen) && nothing_overdue(m, n) && all_ok());
        if ( !ok )
            printf("    (%s after %u operations)\n", queue_fault, op + 1);
    }

    /* The end of time: everything armed fires. */
    advance_to(STIME_MAX / 2);
    CHECK(check_fires(m, &seen));
    for ( i = 0; i < n; i++ )
    {
        CHECK(!m[i].active);
        total += m[i].fired;
    }
    CHECK_EQ(total, nr_fires);
    CHECK(!cb_bad_context);
    CHECK(!reprogram_with_irqs_on);
    if ( n > TIMER_HEAP_CAPACITY )
        CHECK(max_list > 100);              /* the list was exercised */
}

static struct ttimer rnd_timers[TIMER_HEAP_CAPACITY + 1000];

TEST(random_against_model)
{
    reset();
    rng_state = 0x9e3779b97f4a7c15ull;
    random_ops(rnd_timers, 64, 40000, NR_TEST_CPUS, 2000, 300);
}

TEST(random_against_model_with_slop)
{
    reset();
    timer_slop = MICROSECS(50);
    rng_state = 0x0123456789abcdefull;
    random_ops(rnd_timers, 64, 40000, NR_TEST_CPUS, MICROSECS(400),
               MICROSECS(40));
}

TEST(random_against_model_overflowing)
{
    reset();
    rng_state = 0xfeedfacecafebeefull;
    random_ops(rnd_timers, ARRAY_SIZE(rnd_timers), 30000, 1, SECONDS(1) / 100,
               150);
}

/* --- Dump. --- */

TEST(dump_lists_every_queue)
{
    struct ttimer a, b;
    char line[128];
    const char *cpu0, *cpu1, *entry;

    reset();
    set_now(MILLISECS(1));
    tinit(&a, 0, 0);
    tinit(&b, 1, 1);
    set_timer(&a.t, MILLISECS(1) + MICROSECS(100));
    set_timer(&b.t, MILLISECS(3));

    harness_log_clear();
    dump_timerq('a');
    cpu0 = strstr(harness_log(), "CPU00:\n");
    cpu1 = strstr(harness_log(), "CPU01:\n");
    CHECK(cpu0 && cpu1 && cpu0 < cpu1);
    CHECK_LOG("CPU02:\n");
    CHECK_LOG("CPU03:\n");

    snprintf(line, sizeof(line), "  ex=         100us timer=%p cb=cb_record(%p)\n",
             (void *)&a.t, (void *)&a);
    entry = strstr(harness_log(), line);
    CHECK(entry && entry > cpu0 && entry < cpu1);
    snprintf(line, sizeof(line), "  ex=        2000us timer=%p cb=cb_record(%p)\n",
             (void *)&b.t, (void *)&b);
    entry = strstr(harness_log(), line);
    CHECK(entry && entry > cpu1);
    if ( !CHECK(harness_log_contains("cb=cb_record(")) )
        printf("%s", harness_log());
}

/* --- Threads as CPUs. --- */

static volatile bool slow_started, slow_finished;

static void slow(struct ttimer *tt)
{
    slow_started = true;
    usleep(100000);
    slow_finished = true;
}

static void *cpu1_runs_slow_timer(void *arg)
{
    harness_set_cpu(1);
    tick(1);
    do_softirq();
    return NULL;
}

TEST(kill_waits_for_running_callback)
{
    struct ttimer tt;
    unsigned int spins;
    pthread_t th;

    reset();
    tinit(&tt, 0, 1);
    tt.then = slow;
    slow_started = slow_finished = false;
    set_timer(&tt.t, 100);
    settle();
    set_now(100);

    pthread_create(&th, NULL, cpu1_runs_slow_timer, NULL);
    for ( spins = 0; !slow_started && spins < 50000; spins++ )
        usleep(100);
    if ( CHECK(slow_started) )
    {
        kill_timer(&tt.t);
        CHECK(slow_finished);
    }
    pthread_join(th, NULL);
    CHECK_EQ(nr_fires, 1);
}

#define STRESS_TIMERS 16
#define STRESS_OPS    20000

static struct timer stress[STRESS_TIMERS];
static unsigned int stress_fires, stress_bad;

static void cb_stress(void *data)
{
    __atomic_add_fetch(&stress_fires, 1, __ATOMIC_RELAXED);
    if ( stub_locks_held() || !local_irq_is_enabled() ||
         this_cpu(timers).running != data )
        __atomic_add_fetch(&stress_bad, 1, __ATOMIC_RELAXED);
}

static void *stress_cpu(void *arg)
{
    unsigned int cpu = (uintptr_t)arg, i, op;
    uint64_t r = 0x2545f4914f6cdd1dull * (cpu + 1);

    harness_set_cpu(cpu);
    for ( op = 0; op < STRESS_OPS; op++ )
    {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        i = r % STRESS_TIMERS;
        switch ( (r >> 8) % 8 )
        {
        case 0 ... 3:
            set_timer(&stress[i], NOW() + (r >> 16) % 300);
            break;
        case 4:
            stop_timer(&stress[i]);
            break;
        case 5 ... 6:
            migrate_timer(&stress[i], (r >> 16) % NR_TEST_CPUS);
            break;
        default:
            timer_is_active(&stress[i]);
            break;
        }
        if ( cpu == 0 )
            set_now(NOW() + 10);
        tick(cpu);
        if ( softirq_pending(cpu) )
            do_softirq();
    }
    return NULL;
}

TEST(threads_race_set_stop_migrate)
{
    pthread_t th[NR_TEST_CPUS];
    unsigned int i;

    reset();
    stress_fires = stress_bad = 0;
    for ( i = 0; i < STRESS_TIMERS; i++ )
        init_timer(&stress[i], cb_stress, &stress[i], i % NR_TEST_CPUS);
    stub_locks_jitter(true);
    for ( i = 0; i < NR_TEST_CPUS; i++ )
        pthread_create(&th[i], NULL, stress_cpu, (void *)(uintptr_t)i);
    for ( i = 0; i < NR_TEST_CPUS; i++ )
        pthread_join(th[i], NULL);
    stub_locks_jitter(false);

    settle();
    CHECK_QUEUES();
    advance_to(NOW() + SECONDS(1));
    for ( i = 0; i < NR_TEST_CPUS; i++ )
        CHECK_EQ(queue_len(i), 0);
    for ( i = 0; i < STRESS_TIMERS; i++ )
    {
        CHECK(!timer_is_active(&stress[i]));
        kill_timer(&stress[i]);
    }
    CHECK(stress_fires > 1000);
    CHECK_EQ(stress_bad, 0);
}
