/*
 * spinlock.c: ticket spinlocks, recursive spinlocks, reader-writer locks.
 *
 * Ticket locks. tickets.tail is the next ticket to hand out, tickets.head
 * the ticket being served; the lock is free when they are equal. A CPU
 * takes a ticket with one locked xadd on tail and spins (pause) until head
 * reaches it, so waiters are served in arrival order. Only the holder
 * writes head: unlock stores head + 1 with release semantics, which orders
 * the critical section before the hand-over; the load of head that sees
 * our turn has acquire semantics. A trylock succeeds only by a compare-
 * and-swap of the whole word from "free" to "free with one more ticket".
 * Both halves are 16 bits: fine while fewer than 65536 CPUs wait at once.
 *
 * Recursive locks. The first spin_lock_recursive() by a CPU takes the
 * ticket lock and records the CPU in recurse.cpu; later ones by the same
 * CPU only bump recurse.cnt. Only the owner writes recurse (always the
 * whole word), so another CPU reading it never sees its own id there.
 *
 * Reader-writer locks. cnts holds two writer bits (WAITING, LOCKED) and the
 * reader count above them. Fast paths touch only cnts: a reader adds
 * itself and is in if no writer bit is set; a writer swaps 0 for LOCKED.
 * Otherwise the contender queues on the embedded ticket lock, so slow-path
 * contenders are served in order. The writer at the head of that queue
 * sets WAITING, which turns new fast-path readers away (they back off and
 * queue behind it), waits for the readers inside to leave, and swaps
 * WAITING for LOCKED. A reader at the head of the queue adds itself and
 * waits only for a writer inside to leave (none can be waiting: that
 * writer would hold the queue).
 *
 * Debug state. lock_debug.cpu is the holder (the writer, for an rwlock),
 * set after acquisition and cleared before release; irq_safe is set by
 * the first checked acquisition. Both share one word, updated only by
 * compare-and-swap. Every check runs before the lock is touched, so a BUG()
 * leaves the lock as it was. The per-CPU count of locks held is kept in
 * all builds.
 *
 * Locking: the embedded ticket lock of an rwlock is the only lock taken
 * here; it is held only while a contender waits its turn at cnts, and never
 * across a return to the caller.
 */

#include <asm/atomic.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/system.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/spinlock.h>

#define IRQ_SAFE_UNKNOWN    0
#define IRQ_SAFE_OFF        1   /* taken with interrupts disabled */
#define IRQ_SAFE_ON         2   /* taken with interrupts enabled */

#define RW_WRITER_WAITING   1u
#define RW_WRITER_LOCKED    2u
#define RW_WRITER_MASK      (RW_WRITER_WAITING | RW_WRITER_LOCKED)
#define RW_READER           4u
#define RW_READER_MASK      (~RW_WRITER_MASK)

/* The IRQ-safety check runs while this is positive (debug builds). */
static atomic_t spin_debug = ATOMIC_INIT(0);

static DEFINE_PER_CPU(unsigned int, locks_held);

/* --- Debug checks: each compiles to nothing in release builds. --- */

void spin_debug_enable(void)
{
    if ( IS_ENABLED(CONFIG_DEBUG) )
        atomic_inc(&spin_debug);
}

void spin_debug_disable(void)
{
    if ( IS_ENABLED(CONFIG_DEBUG) )
        atomic_dec(&spin_debug);
}

static unsigned int debug_owner(const union lock_debug *debug)
{
    union lock_debug d = { .val = read_atomic(&debug->val) };

    return d.cpu;
}

/* Record the running CPU as the holder, or no holder. */
static void debug_set_owner(union lock_debug *debug, bool held)
{
    union lock_debug old, new;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return;

    old.val = read_atomic(&debug->val);
    do {
        new = old;
        new.cpu = held ? smp_processor_id() : SPINLOCK_NO_CPU;
    } while ( !__atomic_compare_exchange_n(&debug->val, &old.val, new.val,
                                           false, __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED) );
}

/*
 * A lock taken with interrupts enabled on one occasion and disabled on
 * another can deadlock: CPU A holds it with interrupts on, an interrupt
 * handler on A then spins for it. The first checked acquisition records
 * the state; every later one must match. A trylock with interrupts off
 * never spins, so it is exempt (and records nothing).
 */
static void check_irq_safety(const void *lock, const char *kind,
                             union lock_debug *debug, bool try)
{
    bool irqs_on;
    union lock_debug old, new;

    if ( !IS_ENABLED(CONFIG_DEBUG) || atomic_read(&spin_debug) <= 0 )
        return;

    irqs_on = local_irq_is_enabled();
    if ( try && !irqs_on )
        return;

    old.val = read_atomic(&debug->val);
    while ( old.irq_safe == IRQ_SAFE_UNKNOWN )
    {
        new = old;
        new.irq_safe = irqs_on ? IRQ_SAFE_ON : IRQ_SAFE_OFF;
        if ( __atomic_compare_exchange_n(&debug->val, &old.val, new.val,
                                         false, __ATOMIC_RELAXED,
                                         __ATOMIC_RELAXED) )
            return;
    }

    if ( old.irq_safe != (irqs_on ? IRQ_SAFE_ON : IRQ_SAFE_OFF) )
    {
        printk(XENLOG_ERR "%s: IRQ-safety violation: CPU%u takes lock %p with IRQs %s, but it was first taken with IRQs %s\n",
               kind, smp_processor_id(), lock,
               irqs_on ? "enabled" : "disabled",
               irqs_on ? "disabled" : "enabled");
        BUG();
    }
}

/* A blocking acquisition of a lock this CPU holds would never return. */
static void check_not_holder(const void *lock, const char *kind,
                             const char *op, const union lock_debug *debug,
                             const char *how)
{
    unsigned int cpu;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return;

    cpu = smp_processor_id();
    if ( likely(debug_owner(debug) != cpu) )
        return;

    printk(XENLOG_ERR "%s: self-deadlock: CPU%u calls %s() on lock %p, which it holds%s\n",
           kind, cpu, op, lock, how);
    BUG();
}

/* Only the holder may release. */
static void check_holder(const void *lock, const char *kind, const char *op,
                         const union lock_debug *debug, const char *how)
{
    unsigned int cpu, owner;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return;

    cpu = smp_processor_id();
    owner = debug_owner(debug);
    if ( likely(owner == cpu) )
        return;

    if ( owner == SPINLOCK_NO_CPU )
        printk(XENLOG_ERR "%s: CPU%u calls %s() on lock %p, which no CPU holds%s\n",
               kind, cpu, op, lock, how);
    else
        printk(XENLOG_ERR "%s: CPU%u calls %s() on lock %p, which CPU%u holds%s\n",
               kind, cpu, op, lock, owner, how);
    BUG();
}

/* --- Per-CPU count of locks held. --- */

static void held_inc(void)
{
    this_cpu(locks_held)++;
}

static void held_dec(void)
{
    ASSERT(this_cpu(locks_held) > 0);
    this_cpu(locks_held)--;
}

unsigned int spin_locks_held(void)
{
    return this_cpu(locks_held);
}

/* --- Ticket lock: no checks, no accounting. --- */

static void ticket_lock(spinlock_t *lock)
{
    uint16_t me = __atomic_fetch_add(&lock->tickets.tail, 1,
                                     __ATOMIC_ACQUIRE);

    while ( __atomic_load_n(&lock->tickets.head, __ATOMIC_ACQUIRE) != me )
        cpu_relax();
}

static bool ticket_trylock(spinlock_t *lock)
{
    spinlock_tickets_t old, new;

    old.head_tail = read_atomic(&lock->tickets.head_tail);
    if ( old.head != old.tail )
        return false;

    new = old;
    new.tail++;
    return __atomic_compare_exchange_n(&lock->tickets.head_tail,
                                       &old.head_tail, new.head_tail, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void ticket_unlock(spinlock_t *lock)
{
    uint16_t head = read_atomic(&lock->tickets.head);

    __atomic_store_n(&lock->tickets.head, (uint16_t)(head + 1),
                     __ATOMIC_RELEASE);
}

/* --- Spinlocks. --- */

void spin_lock_init(spinlock_t *lock)
{
    BUILD_BUG_ON(sizeof(spinlock_t) != 8);
    BUILD_BUG_ON(NR_CPUS > SPINLOCK_NO_CPU);

    *lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
}

static unsigned int recurse_owner(const spinlock_t *lock)
{
    union lock_recurse r = { .val = read_atomic(&lock->recurse.val) };

    return r.cpu;
}

static void spin_acquire(spinlock_t *lock, const char *op)
{
    check_irq_safety(lock, "spinlock", &lock->debug, false);
    check_not_holder(lock, "spinlock", op, &lock->debug, "");
    ticket_lock(lock);
    debug_set_owner(&lock->debug, true);
    held_inc();
}

static void spin_release(spinlock_t *lock, const char *op)
{
    check_holder(lock, "spinlock", op, &lock->debug, "");
    if ( IS_ENABLED(CONFIG_DEBUG) &&
         unlikely(recurse_owner(lock) == smp_processor_id()) )
    {
        printk(XENLOG_ERR "spinlock: CPU%u calls %s() on lock %p, which it holds recursively\n",
               smp_processor_id(), op, lock);
        BUG();
    }
    debug_set_owner(&lock->debug, false);
    held_dec();
    ticket_unlock(lock);
}

void _spin_lock(spinlock_t *lock)
{
    spin_acquire(lock, "spin_lock");
}

void _spin_lock_irq(spinlock_t *lock)
{
    ASSERT(local_irq_is_enabled());
    local_irq_disable();
    spin_acquire(lock, "spin_lock_irq");
}

unsigned long _spin_lock_irqsave(spinlock_t *lock)
{
    unsigned long flags;

    local_irq_save(flags);
    spin_acquire(lock, "spin_lock_irqsave");
    return flags;
}

void _spin_unlock(spinlock_t *lock)
{
    spin_release(lock, "spin_unlock");
}

void _spin_unlock_irq(spinlock_t *lock)
{
    ASSERT(!local_irq_is_enabled());
    spin_release(lock, "spin_unlock_irq");
    local_irq_enable();
}

void _spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
    ASSERT(!local_irq_is_enabled());
    spin_release(lock, "spin_unlock_irqrestore");
    local_irq_restore(flags);
}

bool _spin_trylock(spinlock_t *lock)
{
    check_irq_safety(lock, "spinlock", &lock->debug, true);
    if ( !ticket_trylock(lock) )
        return false;

    debug_set_owner(&lock->debug, true);
    held_inc();
    return true;
}

bool _spin_is_locked(const spinlock_t *lock)
{
    spinlock_tickets_t t;

    t.head_tail = read_atomic(&lock->tickets.head_tail);
    return t.head != t.tail;
}

void _spin_barrier(spinlock_t *lock)
{
    spinlock_tickets_t t;

    check_not_holder(lock, "spinlock", "spin_barrier", &lock->debug, "");

    smp_mb();
    t.head_tail = read_atomic(&lock->tickets.head_tail);
    if ( t.head != t.tail )
        while ( __atomic_load_n(&lock->tickets.head, __ATOMIC_ACQUIRE) ==
                t.head )
            cpu_relax();
    smp_mb();
}

/* --- Recursive spinlocks. --- */

static void recurse_set(spinlock_t *lock, unsigned int cpu, unsigned int cnt)
{
    union lock_recurse r = { .cpu = cpu, .cnt = cnt };

    write_atomic(&lock->recurse.val, r.val);
}

/* One level deeper; the caller owns the lock recursively. */
static void recurse_enter(spinlock_t *lock)
{
    union lock_recurse r = { .val = read_atomic(&lock->recurse.val) };

    if ( unlikely(r.cnt == SPINLOCK_MAX_RECURSE) )
    {
        printk(XENLOG_ERR "spinlock: CPU%u nests recursive lock %p deeper than %u levels\n",
               r.cpu, lock, SPINLOCK_MAX_RECURSE);
        BUG();
    }
    recurse_set(lock, r.cpu, r.cnt + 1);
}

/* spin_lock_recursive() of a lock this CPU holds plainly deadlocks. */
static void check_not_plain_holder(spinlock_t *lock, const char *op)
{
    unsigned int cpu;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return;

    cpu = smp_processor_id();
    if ( likely(debug_owner(&lock->debug) != cpu) )
        return;

    printk(XENLOG_ERR "spinlock: self-deadlock: CPU%u calls %s() on lock %p, which it holds non-recursively\n",
           cpu, op, lock);
    BUG();
}

void _spin_lock_recursive(spinlock_t *lock)
{
    unsigned int cpu = smp_processor_id();

    if ( recurse_owner(lock) != cpu )
    {
        check_not_plain_holder(lock, "spin_lock_recursive");
        spin_acquire(lock, "spin_lock_recursive");
        recurse_set(lock, cpu, 0);
    }
    recurse_enter(lock);
}

bool _spin_trylock_recursive(spinlock_t *lock)
{
    unsigned int cpu = smp_processor_id();

    if ( recurse_owner(lock) != cpu )
    {
        if ( !_spin_trylock(lock) )
            return false;
        recurse_set(lock, cpu, 0);
    }
    recurse_enter(lock);
    return true;
}

void _spin_unlock_recursive(spinlock_t *lock)
{
    unsigned int cpu = smp_processor_id();
    union lock_recurse r = { .val = read_atomic(&lock->recurse.val) };

    if ( unlikely(r.cpu != cpu) )
    {
        if ( r.cpu == SPINLOCK_NO_CPU )
            printk(XENLOG_ERR "spinlock: CPU%u calls spin_unlock_recursive() on lock %p, which no CPU holds recursively\n",
                   cpu, lock);
        else
            printk(XENLOG_ERR "spinlock: CPU%u calls spin_unlock_recursive() on lock %p, which CPU%u holds recursively\n",
                   cpu, lock, r.cpu);
        BUG();
    }
    ASSERT(r.cnt > 0);

    if ( r.cnt > 1 )
    {
        recurse_set(lock, cpu, r.cnt - 1);
        return;
    }
    recurse_set(lock, SPINLOCK_NO_CPU, 0);
    spin_release(lock, "spin_unlock_recursive");
}

/* --- Reader-writer locks. --- */

void rwlock_init(rwlock_t *lock)
{
    *lock = (rwlock_t)RW_LOCK_UNLOCKED;
}

static void rw_check_lock(rwlock_t *lock, const char *op, bool try)
{
    check_irq_safety(lock, "rwlock", &lock->debug, try);
    if ( !try )
        check_not_holder(lock, "rwlock", op, &lock->debug, " for writing");
}

/* A reader is in if no writer holds the lock or waits for it. */
static bool read_lock_fast(rwlock_t *lock)
{
    uint32_t cnts = __atomic_add_fetch(&lock->cnts, RW_READER,
                                       __ATOMIC_ACQUIRE);

    if ( likely(!(cnts & RW_WRITER_MASK)) )
        return true;

    __atomic_sub_fetch(&lock->cnts, RW_READER, __ATOMIC_RELAXED);
    return false;
}

/* At the head of the queue no writer waits; wait for one inside. */
static void read_lock_slow(rwlock_t *lock)
{
    ticket_lock(&lock->lock);
    __atomic_add_fetch(&lock->cnts, RW_READER, __ATOMIC_RELAXED);
    while ( __atomic_load_n(&lock->cnts, __ATOMIC_ACQUIRE) &
            RW_WRITER_LOCKED )
        cpu_relax();
    ticket_unlock(&lock->lock);
}

static void read_acquire(rwlock_t *lock, const char *op)
{
    rw_check_lock(lock, op, false);
    if ( !read_lock_fast(lock) )
        read_lock_slow(lock);
    held_inc();
}

static void read_release(rwlock_t *lock, const char *op)
{
    if ( IS_ENABLED(CONFIG_DEBUG) &&
         unlikely(!(read_atomic(&lock->cnts) & RW_READER_MASK)) )
    {
        printk(XENLOG_ERR "rwlock: CPU%u calls %s() on lock %p, which no CPU holds for reading\n",
               smp_processor_id(), op, lock);
        BUG();
    }
    held_dec();
    __atomic_sub_fetch(&lock->cnts, RW_READER, __ATOMIC_RELEASE);
}

void _read_lock(rwlock_t *lock)
{
    read_acquire(lock, "read_lock");
}

void _read_lock_irq(rwlock_t *lock)
{
    ASSERT(local_irq_is_enabled());
    local_irq_disable();
    read_acquire(lock, "read_lock_irq");
}

unsigned long _read_lock_irqsave(rwlock_t *lock)
{
    unsigned long flags;

    local_irq_save(flags);
    read_acquire(lock, "read_lock_irqsave");
    return flags;
}

void _read_unlock(rwlock_t *lock)
{
    read_release(lock, "read_unlock");
}

void _read_unlock_irq(rwlock_t *lock)
{
    ASSERT(!local_irq_is_enabled());
    read_release(lock, "read_unlock_irq");
    local_irq_enable();
}

void _read_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
    ASSERT(!local_irq_is_enabled());
    read_release(lock, "read_unlock_irqrestore");
    local_irq_restore(flags);
}

bool _read_trylock(rwlock_t *lock)
{
    uint32_t cnts;

    rw_check_lock(lock, "read_trylock", true);

    cnts = read_atomic(&lock->cnts);
    while ( !(cnts & RW_WRITER_MASK) )
    {
        /* On failure cnts is reloaded: retry while no writer turned up. */
        if ( __atomic_compare_exchange_n(&lock->cnts, &cnts, cnts + RW_READER,
                                         false, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED) )
        {
            held_inc();
            return true;
        }
    }
    return false;
}

static bool write_lock_fast(rwlock_t *lock)
{
    uint32_t free = 0;

    return __atomic_compare_exchange_n(&lock->cnts, &free, RW_WRITER_LOCKED,
                                       false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

/* At the head of the queue: turn new readers away, wait for the rest. */
static void write_lock_slow(rwlock_t *lock)
{
    uint32_t waiting;

    ticket_lock(&lock->lock);
    __atomic_fetch_or(&lock->cnts, RW_WRITER_WAITING, __ATOMIC_RELAXED);
    for ( ;; )
    {
        waiting = RW_WRITER_WAITING;
        if ( read_atomic(&lock->cnts) == RW_WRITER_WAITING &&
             __atomic_compare_exchange_n(&lock->cnts, &waiting,
                                         RW_WRITER_LOCKED, false,
                                         __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED) )
            break;
        cpu_relax();
    }
    ticket_unlock(&lock->lock);
}

static void write_acquire(rwlock_t *lock, const char *op)
{
    rw_check_lock(lock, op, false);
    if ( !write_lock_fast(lock) )
        write_lock_slow(lock);
    debug_set_owner(&lock->debug, true);
    held_inc();
}

static void write_release(rwlock_t *lock, const char *op)
{
    check_holder(lock, "rwlock", op, &lock->debug, " for writing");
    debug_set_owner(&lock->debug, false);
    held_dec();
    __atomic_sub_fetch(&lock->cnts, RW_WRITER_LOCKED, __ATOMIC_RELEASE);
}

void _write_lock(rwlock_t *lock)
{
    write_acquire(lock, "write_lock");
}

void _write_lock_irq(rwlock_t *lock)
{
    ASSERT(local_irq_is_enabled());
    local_irq_disable();
    write_acquire(lock, "write_lock_irq");
}

unsigned long _write_lock_irqsave(rwlock_t *lock)
{
    unsigned long flags;

    local_irq_save(flags);
    write_acquire(lock, "write_lock_irqsave");
    return flags;
}

void _write_unlock(rwlock_t *lock)
{
    write_release(lock, "write_unlock");
}

void _write_unlock_irq(rwlock_t *lock)
{
    ASSERT(!local_irq_is_enabled());
    write_release(lock, "write_unlock_irq");
    local_irq_enable();
}

void _write_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
    ASSERT(!local_irq_is_enabled());
    write_release(lock, "write_unlock_irqrestore");
    local_irq_restore(flags);
}

bool _write_trylock(rwlock_t *lock)
{
    rw_check_lock(lock, "write_trylock", true);
    if ( !write_lock_fast(lock) )
        return false;

    debug_set_owner(&lock->debug, true);
    held_inc();
    return true;
}

bool _rw_is_locked(const rwlock_t *lock)
{
    return read_atomic(&lock->cnts) & ~RW_WRITER_WAITING;
}

bool _rw_is_write_locked(const rwlock_t *lock)
{
    return read_atomic(&lock->cnts) & RW_WRITER_LOCKED;
}
