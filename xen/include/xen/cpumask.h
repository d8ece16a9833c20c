/*
 * xen/cpumask.h: sets of CPUs.
 *
 * cpu_possible_map: CPUs the firmware describes and maxcpus= allows;
 * cpu_present_map:  those we try to bring up;
 * cpu_online_map:   those running hypervisor code and taking IPIs.
 * A CPU is set online by itself, last thing in its bring-up, and never
 * before its per-CPU area, stacks and timers are ready.
 */
#ifndef XEN_CPUMASK_H
#define XEN_CPUMASK_H

#include <xen/bitops.h>
#include <xen/string.h>

typedef struct cpumask {
    unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
} cpumask_t;

extern cpumask_t cpu_possible_map, cpu_present_map, cpu_online_map;
extern unsigned int nr_cpu_ids;   /* one past the highest possible CPU */

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    set_bit(cpu, m->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    clear_bit(cpu, m->bits);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return test_bit(cpu, m->bits);
}

static inline bool cpumask_test_and_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    return test_and_clear_bit(cpu, m->bits);
}

static inline void cpumask_clear(cpumask_t *m)
{
    memset(m->bits, 0, sizeof(m->bits));
}

static inline void cpumask_copy(cpumask_t *d, const cpumask_t *s)
{
    memcpy(d->bits, s->bits, sizeof(d->bits));
}

static inline void cpumask_and(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(d->bits); i++ )
        d->bits[i] = a->bits[i] & b->bits[i];
}

static inline void cpumask_or(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(d->bits); i++ )
        d->bits[i] = a->bits[i] | b->bits[i];
}

static inline void cpumask_andnot(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(d->bits); i++ )
        d->bits[i] = a->bits[i] & ~b->bits[i];
}

static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(NR_CPUS); i++ )
        if ( a->bits[i] & b->bits[i] )
            return true;
    return false;
}

static inline bool cpumask_subset(const cpumask_t *a, const cpumask_t *b)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(NR_CPUS); i++ )
        if ( a->bits[i] & ~b->bits[i] )
            return false;
    return true;
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(m->bits); i++ )
        if ( m->bits[i] )
            return false;
    return true;
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int i, w = 0;

    for ( i = 0; i < ARRAY_SIZE(m->bits); i++ )
        w += hweight_long(m->bits[i]);
    return w;
}

static inline unsigned int cpumask_next(int cpu, const cpumask_t *m)
{
    return find_next_bit(m->bits, NR_CPUS, cpu + 1);
}

static inline unsigned int cpumask_first(const cpumask_t *m)
{
    return find_first_bit(m->bits, NR_CPUS);
}

#define for_each_cpu(cpu, mask)                     \
    for ( (cpu) = cpumask_first(mask);              \
          (cpu) < NR_CPUS;                          \
          (cpu) = cpumask_next(cpu, mask) )

#define for_each_possible_cpu(cpu) for_each_cpu(cpu, &cpu_possible_map)
#define for_each_present_cpu(cpu)  for_each_cpu(cpu, &cpu_present_map)
#define for_each_online_cpu(cpu)   for_each_cpu(cpu, &cpu_online_map)

#define cpu_online(cpu)  cpumask_test_cpu(cpu, &cpu_online_map)
#define num_online_cpus() cpumask_weight(&cpu_online_map)

/* "0-3,6" style; returns the characters written (scnprintf semantics). */
int cpumask_scnprintf(char *buf, size_t len, const cpumask_t *m);

#endif /* XEN_CPUMASK_H */
