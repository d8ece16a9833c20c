/*
 * asm/atomic.h: atomic integers and memory barriers.
 *
 * Built on the compiler's __atomic builtins, which produce the locked x86
 * instructions; the same code therefore runs in host unit tests. x86 is
 * TSO: loads are not reordered with loads nor stores with stores, so
 * smp_rmb()/smp_wmb() are compiler barriers and only smp_mb() fences.
 */
#ifndef ASM_X86_ATOMIC_H
#define ASM_X86_ATOMIC_H

#include <xen/compiler.h>
#include <xen/types.h>

#define mb()      __asm__ __volatile__ ( "mfence" ::: "memory" )
#define rmb()     barrier()
#define wmb()     barrier()
#define smp_mb()  __asm__ __volatile__ ( "lock addl $0, -4(%%rsp)" ::: "memory", "cc" )
#define smp_rmb() barrier()
#define smp_wmb() barrier()

#define read_atomic(p)      __atomic_load_n(p, __ATOMIC_RELAXED)
#define write_atomic(p, v)  __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define xchg(p, v)          __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define add_sized(p, v)     ((void)__atomic_add_fetch(p, v, __ATOMIC_SEQ_CST))

/* Returns the value found at p; the swap happened iff it equals old. */
#define cmpxchg(p, old, new) ({                                             \
    __typeof__(*(p)) _o = (old);                                            \
    __atomic_compare_exchange_n(p, &_o, new, false, __ATOMIC_SEQ_CST,       \
                                __ATOMIC_SEQ_CST);                          \
    _o; })

typedef struct { int counter; } atomic_t;
#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v)
{
    return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
    __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_add(int i, atomic_t *v)
{
    __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_sub(int i, atomic_t *v)
{
    __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_inc(atomic_t *v)
{
    atomic_add(1, v);
}

static inline void atomic_dec(atomic_t *v)
{
    atomic_sub(1, v);
}

static inline int atomic_inc_return(atomic_t *v)
{
    return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

static inline int atomic_dec_return(atomic_t *v)
{
    return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

static inline bool atomic_dec_and_test(atomic_t *v)
{
    return atomic_dec_return(v) == 0;
}

static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
    return cmpxchg(&v->counter, old, new);
}

#endif /* ASM_X86_ATOMIC_H */
