/*
 * xen/spinlock.h: spinlocks, recursive spinlocks and reader-writer locks.
 *
 * Spinlocks are ticket locks: fair, FIFO among waiters. A recursive
 * spinlock is an ordinary spinlock taken with spin_lock_recursive(): the
 * owning CPU may take it again (the nesting depth is counted).
 * Reader-writer locks let many readers or one writer in; a waiting writer
 * stops new readers, so writers are not starved.
 *
 * Debug builds check, and BUG() on violation:
 *   - IRQ safety: a lock is taken either always with interrupts enabled or
 *     always with them disabled (mixing the two can deadlock against an
 *     interrupt handler on the same CPU);
 *   - self-deadlock: spin_lock() of a lock this CPU already holds;
 *   - unlock of a lock this CPU does not hold;
 *   - spin_lock_recursive() on a lock already held non-recursively.
 * ASSERT(spin_is_locked(&l)) documents that a function needs l held.
 */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <asm/system.h>
#include <xen/types.h>

#define SPINLOCK_NO_CPU 0xfffu

union lock_debug {
    uint16_t val;
    struct {
        uint16_t cpu:12;        /* owner, SPINLOCK_NO_CPU if none */
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

typedef struct spinlock {
    spinlock_tickets_t tickets;
    uint16_t recurse_cpu:12;    /* owner of a recursive hold */
    uint16_t recurse_cnt:4;     /* its nesting depth */
    union lock_debug debug;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { .tickets = { .head_tail = 0 },                 \
                             .recurse_cpu = SPINLOCK_NO_CPU,                \
                             .recurse_cnt = 0,                              \
                             .debug = { .val = SPINLOCK_NO_CPU } }
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

typedef struct rwlock {
    uint32_t cnts;              /* writer bits above, reader count below */
    spinlock_t lock;            /* queues waiters fairly */
    union lock_debug debug;
} rwlock_t;

#define RW_LOCK_UNLOCKED { .cnts = 0, .lock = SPIN_LOCK_UNLOCKED,           \
                           .debug = { .val = SPINLOCK_NO_CPU } }
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
#define rw_is_locked(l)                 _rw_is_locked(l)
#define rw_is_write_locked(l)           _rw_is_write_locked(l)

#endif /* XEN_SPINLOCK_H */
