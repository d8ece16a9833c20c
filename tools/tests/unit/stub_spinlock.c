/*
 * stub_spinlock.c: single-threaded stand-ins for the spinlock functions,
 * for host unit tests of code that takes locks but is not about locking.
 *
 * A lock is a flag: taking a held lock (self-deadlock) or releasing a free
 * one panics, so lock misuse still fails the test. A case that expects a
 * BUG() raised with a lock held calls stub_spin_release_all() afterwards,
 * since the BUG() longjmp()s out of the critical section.
 */
#include <xen/lib.h>
#include <xen/spinlock.h>

#define MAX_HELD 8

static spinlock_t *held[MAX_HELD];
static unsigned int nr_held;

void stub_spin_release_all(void);

void stub_spin_release_all(void)
{
    while ( nr_held )
        held[--nr_held]->tickets.head_tail = 0;
    local_irq_enable();
}

void spin_lock_init(spinlock_t *lock)
{
    *lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
}

void _spin_lock(spinlock_t *lock)
{
    if ( lock->tickets.head_tail )
        panic("stub spinlock: lock %p taken while held\n", lock);
    if ( nr_held == MAX_HELD )
        panic("stub spinlock: more than %u locks held\n", MAX_HELD);
    lock->tickets.head_tail = 1;
    held[nr_held++] = lock;
}

void _spin_unlock(spinlock_t *lock)
{
    unsigned int i;

    for ( i = nr_held; i-- > 0; )
        if ( held[i] == lock )
        {
            held[i] = held[--nr_held];
            lock->tickets.head_tail = 0;
            return;
        }
    panic("stub spinlock: lock %p released but not held\n", lock);
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

bool _spin_is_locked(const spinlock_t *lock)
{
    return lock->tickets.head_tail != 0;
}

void _spin_lock_irq(spinlock_t *lock)
{
    local_irq_disable();
    _spin_lock(lock);
}

void _spin_unlock_irq(spinlock_t *lock)
{
    _spin_unlock(lock);
    local_irq_enable();
}
