/*
 * test_spinlock.c: ticket spinlocks, recursive locks and rwlocks, with real
 * host threads as CPUs (each thread calls harness_set_cpu() first), and
 * the debug checks (from the main thread only: the harness catches panics
 * with one process-wide longjmp).
 *
 * Waiting loops in the tests yield to the host scheduler and give up after
 * a few seconds, so a broken lock fails a check instead of hanging.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xen/lib.h>
#include <xen/spinlock.h>

#include "harness.h"

#define MAX_THREADS 8
#define WAIT_SECONDS 5

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Yield until cond holds or WAIT_SECONDS pass; evaluates to cond. */
#define WAIT_FOR(cond) ({                                                   \
    double _end = now() + WAIT_SECONDS;                                     \
    while ( !(cond) && now() < _end )                                       \
        sched_yield();                                                      \
    (cond); })

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/*
 * Spinning threads burn their time slice, and a ticket lock hands over in
 * strict order: with more threads than host CPUs, every hand-over to a
 * descheduled thread costs a time slice. Stress tests use as many threads
 * as there are host CPUs (2 to MAX_THREADS).
 */
static unsigned int stress_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 2 ? 2 : n > MAX_THREADS ? MAX_THREADS : n;
}

static int load(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static int inc(int *p)
{
    return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static int dec(int *p)
{
    return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);
}

/* Keep the maximum of *p and v in *p. */
static void record_max(int *p, int v)
{
    int old = load(p);

    while ( v > old &&
            !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST) )
        ;
}

struct worker {
    pthread_t thread;
    unsigned int cpu;
    void (*fn)(struct worker *w);
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;

    harness_set_cpu(w->cpu);
    w->fn(w);
    return NULL;
}

/* Start n workers running fn as CPUs first_cpu, first_cpu + 1, ... */
static void start_workers(struct worker *w, unsigned int n,
                          unsigned int first_cpu, void (*fn)(struct worker *))
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
    {
        w[i].cpu = first_cpu + i;
        w[i].fn = fn;
        pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
    }
}

/*
 * Stress workers wait at a start gate until all of them run, so that they
 * race from the first iteration (thread creation is slow).
 */
static int gate_count, gate_expected;

static void gate_open_for(int n)
{
    store(&gate_count, 0);
    store(&gate_expected, n);
}

static void gate_wait(void)
{
    inc(&gate_count);
    WAIT_FOR(load(&gate_count) >= load(&gate_expected));
}

static void join_workers(struct worker *w, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        pthread_join(w[i].thread, NULL);
}

/* --- Spinlocks. --- */

#define COUNTER_ITERS 100000

static DEFINE_SPINLOCK(counter_lock);
static unsigned long counter;       /* deliberately not atomic */
static int counter_inside, counter_overlaps;

static void counter_worker(struct worker *w)
{
    unsigned int i;

    gate_wait();
    for ( i = 0; i < COUNTER_ITERS; i++ )
    {
        spin_lock(&counter_lock);
        if ( inc(&counter_inside) != 1 )
            inc(&counter_overlaps);
        counter++;
        dec(&counter_inside);
        spin_unlock(&counter_lock);
    }
}

TEST(spin_lock_counts_exactly)
{
    struct worker w[MAX_THREADS];
    unsigned int n = stress_threads();

    counter = 0;
    gate_open_for(n);
    start_workers(w, n, 1, counter_worker);
    join_workers(w, n);

    CHECK_EQ(counter, (unsigned long)n * COUNTER_ITERS);
    CHECK_EQ(load(&counter_overlaps), 0);
    CHECK(!spin_is_locked(&counter_lock));
}

static DEFINE_SPINLOCK(fifo_lock);
static int fifo_order[2], fifo_next;

static void fifo_worker(struct worker *w)
{
    spin_lock(&fifo_lock);
    fifo_order[fifo_next++] = w->cpu;
    spin_unlock(&fifo_lock);
}

static unsigned int tickets_out(const spinlock_t *l)
{
    spinlock_tickets_t t;

    t.head_tail = __atomic_load_n(&l->tickets.head_tail, __ATOMIC_SEQ_CST);
    return (uint16_t)(t.tail - t.head);
}

TEST(spin_lock_serves_waiters_in_order)
{
    struct worker w[2];

    fifo_next = 0;
    spin_lock(&fifo_lock);
    /* CPU1 queues first, then CPU2. */
    start_workers(&w[0], 1, 1, fifo_worker);
    CHECK(WAIT_FOR(tickets_out(&fifo_lock) == 2));
    start_workers(&w[1], 1, 2, fifo_worker);
    CHECK(WAIT_FOR(tickets_out(&fifo_lock) == 3));
    spin_unlock(&fifo_lock);
    join_workers(w, 2);

    CHECK_EQ(fifo_next, 2);
    CHECK_EQ(fifo_order[0], 1);
    CHECK_EQ(fifo_order[1], 2);
}

static DEFINE_SPINLOCK(try_lock);
static int try_result;

static void try_worker(struct worker *w)
{
    store(&try_result, spin_trylock(&try_lock));
    if ( load(&try_result) )
        spin_unlock(&try_lock);
}

TEST(spin_trylock_semantics)
{
    struct worker w;
    unsigned int held = spin_locks_held();

    CHECK(!spin_is_locked(&try_lock));
    CHECK(spin_trylock(&try_lock));
    CHECK(spin_is_locked(&try_lock));
    CHECK_EQ(spin_locks_held(), held + 1);
    /* Held: fails for the holder and for anyone else, changes nothing. */
    CHECK(!spin_trylock(&try_lock));
    store(&try_result, -1);
    start_workers(&w, 1, 1, try_worker);
    join_workers(&w, 1);
    CHECK_EQ(load(&try_result), 0);
    CHECK_EQ(spin_locks_held(), held + 1);

    spin_unlock(&try_lock);
    CHECK(!spin_is_locked(&try_lock));
    CHECK_EQ(spin_locks_held(), held);

    /* Free again: another CPU gets it. */
    start_workers(&w, 1, 1, try_worker);
    join_workers(&w, 1);
    CHECK_EQ(load(&try_result), 1);
    CHECK(!spin_is_locked(&try_lock));
}

TEST(spin_lock_init_gives_a_free_lock)
{
    spinlock_t l;

    memset(&l, 0xa5, sizeof(l));
    spin_lock_init(&l);
    CHECK(!spin_is_locked(&l));
    CHECK(spin_trylock(&l));
    spin_unlock(&l);
    CHECK(!spin_is_locked(&l));
}

static DEFINE_SPINLOCK(barrier_lock);
static int barrier_passed;

static void barrier_worker(struct worker *w)
{
    spin_barrier(&barrier_lock);
    store(&barrier_passed, 1);
}

TEST(spin_barrier_waits_for_the_holder)
{
    struct worker w;

    /* A free lock: returns at once. */
    spin_barrier(&barrier_lock);

    store(&barrier_passed, 0);
    spin_lock(&barrier_lock);
    start_workers(&w, 1, 1, barrier_worker);
    sleep_ms(50);
    CHECK_EQ(load(&barrier_passed), 0);
    spin_unlock(&barrier_lock);
    CHECK(WAIT_FOR(load(&barrier_passed) == 1));
    join_workers(&w, 1);
}

static DEFINE_SPINLOCK(irq_lock);
static DEFINE_RWLOCK(irq_rwlock);

TEST(irq_variants_restore_the_flag)
{
    unsigned long flags;

    local_irq_enable();
    spin_lock_irqsave(&irq_lock, flags);
    CHECK(!local_irq_is_enabled());
    CHECK(spin_is_locked(&irq_lock));
    spin_unlock_irqrestore(&irq_lock, flags);
    CHECK(local_irq_is_enabled());

    /* Already disabled: stays disabled. */
    local_irq_disable();
    spin_lock_irqsave(&irq_lock, flags);
    CHECK(!local_irq_is_enabled());
    spin_unlock_irqrestore(&irq_lock, flags);
    CHECK(!local_irq_is_enabled());
    local_irq_enable();

    spin_lock_irq(&irq_lock);
    CHECK(!local_irq_is_enabled());
    spin_unlock_irq(&irq_lock);
    CHECK(local_irq_is_enabled());

    read_lock_irqsave(&irq_rwlock, flags);
    CHECK(!local_irq_is_enabled());
    read_unlock_irqrestore(&irq_rwlock, flags);
    CHECK(local_irq_is_enabled());
    write_lock_irqsave(&irq_rwlock, flags);
    CHECK(!local_irq_is_enabled());
    CHECK(rw_is_write_locked(&irq_rwlock));
    write_unlock_irqrestore(&irq_rwlock, flags);
    CHECK(local_irq_is_enabled());
    read_lock_irq(&irq_rwlock);
    CHECK(!local_irq_is_enabled());
    read_unlock_irq(&irq_rwlock);
    CHECK(local_irq_is_enabled());
    write_lock_irq(&irq_rwlock);
    CHECK(!local_irq_is_enabled());
    write_unlock_irq(&irq_rwlock);
    CHECK(local_irq_is_enabled());
    CHECK(!rw_is_locked(&irq_rwlock));
}

/* --- Recursive spinlocks. --- */

static DEFINE_SPINLOCK(rec_lock);

TEST(recursive_lock_nests)
{
    unsigned int held = spin_locks_held();

    spin_lock_recursive(&rec_lock);
    spin_lock_recursive(&rec_lock);
    CHECK(spin_trylock_recursive(&rec_lock));
    CHECK(spin_is_locked(&rec_lock));
    CHECK_EQ(spin_locks_held(), held + 1);
    /* The plain trylock does not nest. */
    CHECK(!spin_trylock(&rec_lock));

    spin_unlock_recursive(&rec_lock);
    spin_unlock_recursive(&rec_lock);
    CHECK(spin_is_locked(&rec_lock));
    spin_unlock_recursive(&rec_lock);
    CHECK(!spin_is_locked(&rec_lock));
    CHECK_EQ(spin_locks_held(), held);

    /* trylock_recursive takes a free lock, and then a plain lock works. */
    CHECK(spin_trylock_recursive(&rec_lock));
    spin_unlock_recursive(&rec_lock);
    spin_lock(&rec_lock);
    spin_unlock(&rec_lock);
}

TEST(recursive_lock_nests_to_the_limit)
{
    unsigned int i;

    for ( i = 0; i < SPINLOCK_MAX_RECURSE; i++ )
        spin_lock_recursive(&rec_lock);
    for ( i = 0; i < SPINLOCK_MAX_RECURSE; i++ )
    {
        CHECK(spin_is_locked(&rec_lock));
        spin_unlock_recursive(&rec_lock);
    }
    CHECK(!spin_is_locked(&rec_lock));
}

static int rec_other_got_it, rec_other_try;

static void rec_other_worker(struct worker *w)
{
    store(&rec_other_try, spin_trylock_recursive(&rec_lock));
    if ( load(&rec_other_try) )
        spin_unlock_recursive(&rec_lock);
    spin_lock_recursive(&rec_lock);
    store(&rec_other_got_it, 1);
    spin_lock_recursive(&rec_lock);
    spin_unlock_recursive(&rec_lock);
    spin_unlock_recursive(&rec_lock);
}

TEST(recursive_lock_excludes_other_cpus)
{
    struct worker w;

    store(&rec_other_got_it, 0);
    store(&rec_other_try, -1);
    spin_lock_recursive(&rec_lock);
    spin_lock_recursive(&rec_lock);
    start_workers(&w, 1, 1, rec_other_worker);
    sleep_ms(50);
    CHECK_EQ(load(&rec_other_try), 0);
    CHECK_EQ(load(&rec_other_got_it), 0);

    spin_unlock_recursive(&rec_lock);
    sleep_ms(50);
    CHECK_EQ(load(&rec_other_got_it), 0);

    spin_unlock_recursive(&rec_lock);
    CHECK(WAIT_FOR(load(&rec_other_got_it) == 1));
    join_workers(&w, 1);
    CHECK(!spin_is_locked(&rec_lock));
}

/* --- Reader-writer locks. --- */

static DEFINE_RWLOCK(trw);

TEST(rwlock_trylock_semantics)
{
    unsigned int held = spin_locks_held();

    CHECK(!rw_is_locked(&trw));
    CHECK(write_trylock(&trw));
    CHECK(rw_is_locked(&trw));
    CHECK(rw_is_write_locked(&trw));
    CHECK(!read_trylock(&trw));
    CHECK(!write_trylock(&trw));
    CHECK_EQ(spin_locks_held(), held + 1);
    write_unlock(&trw);
    CHECK(!rw_is_locked(&trw));

    CHECK(read_trylock(&trw));
    CHECK(read_trylock(&trw));
    CHECK(rw_is_locked(&trw));
    CHECK(!rw_is_write_locked(&trw));
    CHECK(!write_trylock(&trw));
    CHECK_EQ(spin_locks_held(), held + 2);
    read_unlock(&trw);
    CHECK(rw_is_locked(&trw));
    read_unlock(&trw);
    CHECK(!rw_is_locked(&trw));
    CHECK_EQ(spin_locks_held(), held);

    read_lock(&trw);
    read_unlock(&trw);
    write_lock(&trw);
    CHECK(rw_is_write_locked(&trw));
    write_unlock(&trw);
    CHECK(!rw_is_locked(&trw));
}

TEST(rwlock_init_gives_a_free_lock)
{
    rwlock_t l;

    memset(&l, 0x5a, sizeof(l));
    rwlock_init(&l);
    CHECK(!rw_is_locked(&l));
    CHECK(write_trylock(&l));
    write_unlock(&l);
}

#define NR_READERS 3

static DEFINE_RWLOCK(readers_rw);
static int readers_inside, readers_max;

static void concurrent_reader(struct worker *w)
{
    read_lock(&readers_rw);
    record_max(&readers_max, inc(&readers_inside));
    /* Stay inside until every reader is, or time runs out. */
    WAIT_FOR(load(&readers_inside) == NR_READERS);
    sleep_ms(10);
    dec(&readers_inside);
    read_unlock(&readers_rw);
}

TEST(rwlock_readers_share)
{
    struct worker w[NR_READERS];

    store(&readers_inside, 0);
    store(&readers_max, 0);
    start_workers(w, NR_READERS, 1, concurrent_reader);
    join_workers(w, NR_READERS);

    CHECK_EQ(load(&readers_max), NR_READERS);
    CHECK(!rw_is_locked(&readers_rw));
}

static DEFINE_RWLOCK(waiter_rw);
static int waiter_order[2], waiter_next;    /* 1 the writer, 2 the reader */

static void waiting_writer(struct worker *w)
{
    write_lock(&waiter_rw);
    waiter_order[inc(&waiter_next) - 1] = 1;
    write_unlock(&waiter_rw);
}

static void late_reader(struct worker *w)
{
    read_lock(&waiter_rw);
    waiter_order[inc(&waiter_next) - 1] = 2;
    read_unlock(&waiter_rw);
}

static bool reader_turned_away(void)
{
    if ( !read_trylock(&waiter_rw) )
        return true;
    read_unlock(&waiter_rw);
    return false;
}

TEST(rwlock_waiting_writer_stops_new_readers)
{
    struct worker w[2];

    store(&waiter_next, 0);
    read_lock(&waiter_rw);
    start_workers(&w[0], 1, 1, waiting_writer);

    /* Once the writer waits, new readers are turned away... */
    CHECK(WAIT_FOR(reader_turned_away()));
    CHECK(rw_is_locked(&waiter_rw));
    CHECK(!rw_is_write_locked(&waiter_rw));
    start_workers(&w[1], 1, 2, late_reader);
    sleep_ms(50);
    CHECK_EQ(load(&waiter_next), 0);

    /* ...the writer gets in once the reader leaves, then the new reader. */
    read_unlock(&waiter_rw);
    join_workers(w, 2);
    CHECK_EQ(load(&waiter_next), 2);
    CHECK_EQ(waiter_order[0], 1);
    CHECK_EQ(waiter_order[1], 2);
    CHECK(!rw_is_locked(&waiter_rw));
}

#define RW_ITERS 200000

static DEFINE_RWLOCK(stress_rw);
static int rw_readers, rw_writers, rw_violations, rw_max_readers;
static unsigned long shared_a, shared_b;    /* equal outside write sections */

static void stress_reader(struct worker *w)
{
    unsigned int i;

    gate_wait();
    for ( i = 0; i < RW_ITERS; i++ )
    {
        read_lock(&stress_rw);
        record_max(&rw_max_readers, inc(&rw_readers));
        if ( load(&rw_writers) != 0 ||
             ACCESS_ONCE(shared_a) != ACCESS_ONCE(shared_b) )
            inc(&rw_violations);
        dec(&rw_readers);
        read_unlock(&stress_rw);
    }
}

static void stress_writer(struct worker *w)
{
    unsigned int i;

    gate_wait();
    for ( i = 0; i < RW_ITERS; i++ )
    {
        if ( i % 8 )
            write_lock(&stress_rw);
        else if ( !write_trylock(&stress_rw) )
            continue;
        if ( inc(&rw_writers) != 1 || load(&rw_readers) != 0 )
            inc(&rw_violations);
        ACCESS_ONCE(shared_a) = shared_a + 1;
        ACCESS_ONCE(shared_b) = shared_b + 1;
        dec(&rw_writers);
        write_unlock(&stress_rw);
    }
}

TEST(rwlock_stress_keeps_invariants)
{
    struct worker w[MAX_THREADS];
    unsigned int n = stress_threads(), writers = n / 2, readers = n - writers;

    store(&rw_violations, 0);
    gate_open_for(n);
    start_workers(w, writers, 1, stress_writer);
    start_workers(w + writers, readers, 1 + writers, stress_reader);
    join_workers(w, n);

    CHECK_EQ(load(&rw_violations), 0);
    CHECK_EQ(shared_a, shared_b);
    CHECK(shared_a > 0);
    CHECK(!rw_is_locked(&stress_rw));
}

/* --- The count of locks held. --- */

static DEFINE_SPINLOCK(count_a);
static DEFINE_RWLOCK(count_rw);

TEST(locks_held_counts_every_kind)
{
    unsigned int held = spin_locks_held();

    spin_lock(&count_a);
    read_lock(&count_rw);
    CHECK_EQ(spin_locks_held(), held + 2);
    read_unlock(&count_rw);
    write_lock(&count_rw);
    CHECK_EQ(spin_locks_held(), held + 2);
    write_unlock(&count_rw);
    spin_unlock(&count_a);
    CHECK_EQ(spin_locks_held(), held);
    /* Per CPU. */
    spin_lock(&count_a);
    harness_set_cpu(1);
    CHECK_EQ(spin_locks_held(), 0);
    harness_set_cpu(0);
    spin_unlock(&count_a);
}

/* --- Debug checks (main thread only). --- */

static DEFINE_SPINLOCK(dbg_lock);
static DEFINE_RWLOCK(dbg_rw);

static void dbg_spin_lock(void)
{
    spin_lock(&dbg_lock);
}

static void dbg_spin_unlock(void)
{
    spin_unlock(&dbg_lock);
}

static void dbg_spin_lock_irq(void)
{
    spin_lock_irq(&dbg_lock);
}

static void dbg_spin_barrier(void)
{
    spin_barrier(&dbg_lock);
}

static void dbg_lock_recursive(void)
{
    spin_lock_recursive(&dbg_lock);
}

static void dbg_unlock_recursive(void)
{
    spin_unlock_recursive(&dbg_lock);
}

static void dbg_write_lock(void)
{
    write_lock(&dbg_rw);
}

static void dbg_write_lock_irq(void)
{
    write_lock_irq(&dbg_rw);
}

static void dbg_read_lock(void)
{
    read_lock(&dbg_rw);
}

static void dbg_write_unlock(void)
{
    write_unlock(&dbg_rw);
}

static void dbg_read_unlock(void)
{
    read_unlock(&dbg_rw);
}

TEST(debug_self_deadlock_is_caught)
{
    unsigned int held = spin_locks_held();

    spin_lock(&dbg_lock);
    CHECK(harness_panics(dbg_spin_lock));
    CHECK_LOG("spinlock: self-deadlock: CPU0 calls spin_lock() on lock");
    /* Caught before the lock was touched: still held once, releasable. */
    CHECK_EQ(spin_locks_held(), held + 1);
    CHECK(harness_panics(dbg_spin_barrier));
    CHECK_LOG("calls spin_barrier() on lock");
    spin_unlock(&dbg_lock);
    CHECK(!spin_is_locked(&dbg_lock));
    CHECK_EQ(spin_locks_held(), held);
}

TEST(debug_unlock_by_non_owner_is_caught)
{
    CHECK(harness_panics(dbg_spin_unlock));
    CHECK_LOG("spinlock: CPU0 calls spin_unlock() on lock");
    CHECK_LOG("which no CPU holds");
    CHECK(!spin_is_locked(&dbg_lock));

    spin_lock(&dbg_lock);
    harness_set_cpu(5);
    CHECK(harness_panics(dbg_spin_unlock));
    harness_set_cpu(0);
    CHECK_LOG("spinlock: CPU5 calls spin_unlock() on lock");
    CHECK_LOG("which CPU0 holds");
    CHECK(spin_is_locked(&dbg_lock));
    spin_unlock(&dbg_lock);
    CHECK(!spin_is_locked(&dbg_lock));
}

TEST(debug_irq_safety_violation_is_caught)
{
    spinlock_t l;
    unsigned long flags;

    spin_lock_init(&dbg_lock);
    spin_debug_enable();

    /* First taken with IRQs on; then with them off. */
    spin_lock(&dbg_lock);
    spin_unlock(&dbg_lock);
    CHECK(harness_panics(dbg_spin_lock_irq));
    CHECK_LOG("spinlock: IRQ-safety violation: CPU0 takes lock");
    CHECK_LOG("with IRQs disabled, but it was first taken with IRQs enabled");
    CHECK(!spin_is_locked(&dbg_lock));
    /* A trylock with IRQs off cannot deadlock: allowed. */
    CHECK(spin_trylock(&dbg_lock));
    spin_unlock(&dbg_lock);
    local_irq_enable();

    /* The other way round. */
    spin_lock_init(&dbg_lock);
    spin_lock_irqsave(&dbg_lock, flags);
    spin_unlock_irqrestore(&dbg_lock, flags);
    harness_log_clear();
    CHECK(harness_panics(dbg_spin_lock));
    CHECK_LOG("with IRQs enabled, but it was first taken with IRQs disabled");

    /* Consistent use is fine; and the check is off when debug is off. */
    spin_lock_init(&l);
    spin_lock_irq(&l);
    spin_unlock_irq(&l);
    spin_lock_irq(&l);
    spin_unlock_irq(&l);
    spin_debug_disable();
    spin_lock(&l);
    spin_unlock(&l);

    spin_lock_init(&dbg_lock);
}

TEST(debug_rwlock_irq_safety_violation_is_caught)
{
    rwlock_init(&dbg_rw);
    spin_debug_enable();
    read_lock(&dbg_rw);
    read_unlock(&dbg_rw);
    CHECK(harness_panics(dbg_write_lock_irq));
    CHECK_LOG("rwlock: IRQ-safety violation: CPU0 takes lock");
    local_irq_enable();
    CHECK(!rw_is_locked(&dbg_rw));
    spin_debug_disable();
    rwlock_init(&dbg_rw);
}

TEST(debug_recursive_misuse_is_caught)
{
    unsigned int i;

    /* spin_lock_recursive() of a lock held plainly. */
    spin_lock(&dbg_lock);
    CHECK(harness_panics(dbg_lock_recursive));
    CHECK_LOG("spinlock: self-deadlock: CPU0 calls spin_lock_recursive() on lock");
    CHECK_LOG("which it holds non-recursively");
    spin_unlock(&dbg_lock);

    /* spin_unlock() of a lock held recursively. */
    spin_lock_recursive(&dbg_lock);
    CHECK(harness_panics(dbg_spin_unlock));
    CHECK_LOG("which it holds recursively");
    /* spin_lock() of it. */
    CHECK(harness_panics(dbg_spin_lock));

    /* Too deep. */
    for ( i = 1; i < SPINLOCK_MAX_RECURSE; i++ )
        spin_lock_recursive(&dbg_lock);
    harness_log_clear();
    CHECK(harness_panics(dbg_lock_recursive));
    CHECK_LOG("spinlock: CPU0 nests recursive lock");
    CHECK_LOG("deeper than 15 levels");

    /* Unlock by another CPU. */
    harness_set_cpu(7);
    CHECK(harness_panics(dbg_unlock_recursive));
    harness_set_cpu(0);
    CHECK_LOG("spinlock: CPU7 calls spin_unlock_recursive() on lock");
    CHECK_LOG("which CPU0 holds recursively");

    for ( i = 0; i < SPINLOCK_MAX_RECURSE; i++ )
        spin_unlock_recursive(&dbg_lock);
    CHECK(!spin_is_locked(&dbg_lock));

    harness_log_clear();
    CHECK(harness_panics(dbg_unlock_recursive));
    CHECK_LOG("which no CPU holds recursively");
}

TEST(debug_rwlock_misuse_is_caught)
{
    write_lock(&dbg_rw);
    CHECK(harness_panics(dbg_write_lock));
    CHECK_LOG("rwlock: self-deadlock: CPU0 calls write_lock() on lock");
    CHECK_LOG("which it holds for writing");
    harness_log_clear();
    CHECK(harness_panics(dbg_read_lock));
    CHECK_LOG("rwlock: self-deadlock: CPU0 calls read_lock() on lock");

    harness_set_cpu(3);
    CHECK(harness_panics(dbg_write_unlock));
    harness_set_cpu(0);
    CHECK_LOG("rwlock: CPU3 calls write_unlock() on lock");
    CHECK_LOG("which CPU0 holds for writing");
    CHECK(rw_is_write_locked(&dbg_rw));
    write_unlock(&dbg_rw);

    harness_log_clear();
    CHECK(harness_panics(dbg_write_unlock));
    CHECK_LOG("which no CPU holds for writing");
    CHECK(harness_panics(dbg_read_unlock));
    CHECK_LOG("rwlock: CPU0 calls read_unlock() on lock");
    CHECK_LOG("which no CPU holds for reading");
    CHECK(!rw_is_locked(&dbg_rw));
}
