/*
 * xen/spinlock.h: spinlocks, recursive spinlocks and reader-writer locks.
 *
 * Spinlocks are ticket locks: fair, FIFO among waiters. A recursive
 * spinlock is an ordinary spinlock taken with spin_lock_recursive(): the
 * owning CPU may take it again (the nesting depth is counted, at most
 * SPINLOCK_MAX_RECURSE deep).
 * Reader-writer locks let many readers or one writer in; a waiting writer
 * stops new readers, so writers are not starved. The price: a CPU must not
 * take a read lock it already holds for reading (a writer queued in between
 * deadlocks it), nor write-lock a lock it holds for reading.
 *
 * Debug builds check, and BUG() on violation:
 *   - IRQ safety: a lock is taken either always with interrupts enabled or
 *     always with them disabled (mixing the two can deadlock against an
 *     interrupt handler on the same CPU). A trylock with interrupts disabled
 *     cannot deadlock and is exempt. Checked only between
 *     spin_debug_enable() and spin_debug_disable(), because boot takes
 *     locks with interrupts off that run with them on later;
 *   - self-deadlock: spin_lock() of a lock this CPU already holds,
 *     write_lock() or read_lock() of a lock it holds for writing,
 *     spin_barrier() of a lock it holds;
 *   - unlock of a lock this CPU does not hold (read_unlock(): of a lock
 *     nobody holds for reading);
 *   - spin_lock_recursive() on a lock already held non-recursively, and
 *     spin_unlock() of a lock held recursively.
 * Always (all builds) checked: the recursion depth limit, and
 * spin_unlock_recursive() by a CPU that does not own the lock.
 * ASSERT(spin_is_locked(&l)) documents that a function needs l held.
 */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <asm/system.h>
#include <xen/types.h>

#define SPINLOCK_NO_CPU 0xfffu

/* Debug state of a lock; every field is updated atomically as one word. */
union lock_debug {
    uint16_t val;
    struct {
        uint16_t cpu:12;        /* owner (writer), SPINLOCK_NO_CPU if none */
        uint16_t irq_safe:2;    /* 0 unknown, 1 taken with IRQs off, 2 on */
        uint16_t pad:2;
    };
};

typedef union {
    uint32_t head_tail;
    struct {
        uint16_t head;          /* ticket being served */
        uint16_t tail;          /* next ticket to hand out */
    };
} spinlock_tickets_t;

/* Recursive hold; written by the owner only, always as one word. */
union lock_recurse {
    uint16_t val;
    struct {
        uint16_t cpu:12;        /* owner, SPINLOCK_NO_CPU if none */
        uint16_t cnt:4;         /* its nesting depth */
    };
};
#define SPINLOCK_MAX_RECURSE 15u    /* the largest cnt */

typedef struct spinlock {
    spinlock_tickets_t tickets;
    union lock_recurse recurse;
    union lock_debug debug;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { .tickets = { .head_tail = 0 },                 \
                             .recurse = { .cpu = SPINLOCK_NO_CPU },         \
                             .debug = { .cpu = SPINLOCK_NO_CPU } }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

void spin_lock_init(spinlock_t *lock);

void _spin_lock(spinlock_t *lock);
void _spin_lock_irq(spinlock_t *lock);
unsigned long _spin_lock_irqsave(spinlock_t *lock);
void _spin_unlock(spinlock_t *lock);
void _spin_unlock_irq(spinlock_t *lock);
void _spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
bool _spin_trylock(spinlock_t *lock);
bool _spin_is_locked(const spinlock_t *lock);
void _spin_barrier(spinlock_t *lock);
void _spin_lock_recursive(spinlock_t *lock);
void _spin_unlock_recursive(spinlock_t *lock);
bool _spin_trylock_recursive(spinlock_t *lock);

#define spin_lock(l)                    _spin_lock(l)
#define spin_lock_irq(l)                _spin_lock_irq(l)
#define spin_lock_irqsave(l, f)         ((f) = _spin_lock_irqsave(l))
#define spin_unlock(l)                  _spin_unlock(l)
#define spin_unlock_irq(l)              _spin_unlock_irq(l)
#define spin_unlock_irqrestore(l, f)    _spin_unlock_irqrestore(l, f)
#define spin_trylock(l)                 _spin_trylock(l)
/* True if anyone holds the lock (for ASSERTs: "held by someone"). */
#define spin_is_locked(l)               _spin_is_locked(l)
/* Wait until whoever holds the lock now has released it. */
#define spin_barrier(l)                 _spin_barrier(l)
#define spin_lock_recursive(l)          _spin_lock_recursive(l)
#define spin_unlock_recursive(l)        _spin_unlock_recursive(l)
#define spin_trylock_recursive(l)       _spin_trylock_recursive(l)

/*
 * cnts: bit 0 a writer is waiting, bit 1 a writer holds the lock, bits 2-31
 * the number of readers (transiently also readers backing off).
 */
typedef struct rwlock {
    uint32_t cnts;              /* writer bits below, reader count above */
    spinlock_t lock;            /* queues waiters fairly */
    union lock_debug debug;     /* .cpu is the writer */
} rwlock_t;

#define RW_LOCK_UNLOCKED { .cnts = 0, .lock = SPIN_LOCK_UNLOCKED,           \
                           .debug = { .cpu = SPINLOCK_NO_CPU } }
#define DEFINE_RWLOCK(l) rwlock_t l = RW_LOCK_UNLOCKED

void rwlock_init(rwlock_t *lock);

void _read_lock(rwlock_t *lock);
void _read_lock_irq(rwlock_t *lock);
unsigned long _read_lock_irqsave(rwlock_t *lock);
void _read_unlock(rwlock_t *lock);
void _read_unlock_irq(rwlock_t *lock);
void _read_unlock_irqrestore(rwlock_t *lock, unsigned long flags);
bool _read_trylock(rwlock_t *lock);
void _write_lock(rwlock_t *lock);
void _write_lock_irq(rwlock_t *lock);
unsigned long _write_lock_irqsave(rwlock_t *lock);
void _write_unlock(rwlock_t *lock);
void _write_unlock_irq(rwlock_t *lock);
void _write_unlock_irqrestore(rwlock_t *lock, unsigned long flags);
bool _write_trylock(rwlock_t *lock);
bool _rw_is_locked(const rwlock_t *lock);
bool _rw_is_write_locked(const rwlock_t *lock);

#define read_lock(l)                    _read_lock(l)
#define read_lock_irq(l)                _read_lock_irq(l)
#define read_lock_irqsave(l, f)         ((f) = _read_lock_irqsave(l))
#define read_unlock(l)                  _read_unlock(l)
#define read_unlock_irq(l)              _read_unlock_irq(l)
#define read_unlock_irqrestore(l, f)    _read_unlock_irqrestore(l, f)
#define read_trylock(l)                 _read_trylock(l)
#define write_lock(l)                   _write_lock(l)
#define write_lock_irq(l)               _write_lock_irq(l)
#define write_lock_irqsave(l, f)        ((f) = _write_lock_irqsave(l))
#define write_unlock(l)                 _write_unlock(l)
#define write_unlock_irq(l)             _write_unlock_irq(l)
#define write_unlock_irqrestore(l, f)   _write_unlock_irqrestore(l, f)
#define write_trylock(l)                _write_trylock(l)
/* True if anyone holds the lock, for reading or writing (for ASSERTs). */
#define rw_is_locked(l)                 _rw_is_locked(l)
#define rw_is_write_locked(l)           _rw_is_write_locked(l)

/*
 * Locks (spinlocks, and rwlocks for reading or writing) the running CPU
 * holds now; a recursively held lock counts once. Maintained in all
 * builds, for ASSERT()s that code does not run in atomic context.
 */
unsigned int spin_locks_held(void);

/*
 * Debug builds: turn the IRQ-safety check on (once the boot CPU has run
 * with interrupts enabled) and off again (panic, crash paths). The calls
 * nest: the check runs while enables outnumber disables. No-ops in
 * release builds.
 */
void spin_debug_enable(void);
void spin_debug_disable(void);

#endif /* XEN_SPINLOCK_H */
