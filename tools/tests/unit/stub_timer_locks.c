/*
 * stub_timer_locks.c: the spinlock calls timer.c makes, for host tests.
 *
 * A plain test-and-set lock (real, so tests may run simulated CPUs as
 * threads) plus the checks timer.c's Locking paragraph promises: every
 * queue lock is taken with interrupts off, never twice by one CPU, and
 * released only by its holder. stub_locks_held() lets a test check that
 * timer functions are called with no lock held. stub_locks_jitter() makes
 * some acquisitions yield first, which widens the windows in which racing
 * threads can change what the caller has just read (a timer's CPU).
 */
#include <sched.h>

#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/spinlock.h>
#include <asm/processor.h>
#include <asm/system.h>

#include "stub_timer_locks.h"

static __thread int locks_held;
static __thread uint32_t jitter_state;
static bool jitter;

int stub_locks_held(void)
{
    return locks_held;
}

void stub_locks_reset(void)
{
    locks_held = 0;
}

void stub_locks_jitter(bool on)
{
    jitter = on;
}

static void maybe_yield(void)
{
    if ( !jitter )
        return;
    jitter_state = jitter_state * 1103515245u + 12345u;
    if ( (jitter_state >> 16) % 16 == 0 )
        sched_yield();
}

static uint16_t owner(const spinlock_t *lock)
{
    return __atomic_load_n(&lock->debug.val, __ATOMIC_RELAXED);
}

void spin_lock_init(spinlock_t *lock)
{
    *lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
}

void _spin_lock(spinlock_t *lock)
{
    unsigned int spins = 0;

    BUG_ON(local_irq_is_enabled());
    BUG_ON(owner(lock) == smp_processor_id());

    maybe_yield();
    while ( __atomic_exchange_n(&lock->tickets.head_tail, 1,
                                __ATOMIC_ACQUIRE) )
        if ( ++spins % 64 == 0 )
            sched_yield();              /* the holder may be preempted */
        else
            cpu_relax();
    __atomic_store_n(&lock->debug.val, smp_processor_id(), __ATOMIC_RELAXED);
    locks_held++;
}

void _spin_unlock(spinlock_t *lock)
{
    BUG_ON(owner(lock) != smp_processor_id());

    locks_held--;
    __atomic_store_n(&lock->debug.val, SPINLOCK_NO_CPU, __ATOMIC_RELAXED);
    __atomic_store_n(&lock->tickets.head_tail, 0, __ATOMIC_RELEASE);
}

void _spin_lock_irq(spinlock_t *lock)
{
    BUG_ON(!local_irq_is_enabled());
    local_irq_disable();
    _spin_lock(lock);
}

void _spin_unlock_irq(spinlock_t *lock)
{
    _spin_unlock(lock);
    local_irq_enable();
}

unsigned long _spin_lock_irqsave(spinlock_t *lock)
{
    unsigned long flags;

    local_irq_save(flags);
    _spin_lock(lock);
    return flags;
}

void _spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
    _spin_unlock(lock);
    local_irq_restore(flags);
}
