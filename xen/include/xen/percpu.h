/*
 * xen/percpu.h: per-CPU variables.
 *
 * DEFINE_PER_CPU(type, name) places the variable in the .data.percpu
 * section of the image. That copy is only the template: each CPU gets its
 * own copy of the whole section, allocated when the CPU is prepared
 * (percpu_init_area()), and __per_cpu_offset[cpu] is the distance from the
 * template to it.
 * this_cpu(name) uses the running CPU's offset, read from its cpu_info on
 * the stack (so it works on any stack and with a guest's %gs).
 *
 * Host unit tests get plain arrays indexed by CPU number instead.
 */
#ifndef XEN_PERCPU_H
#define XEN_PERCPU_H

#include <xen/types.h>

#ifdef __XEN_HOST_TEST__

unsigned int smp_processor_id(void);   /* supplied by the test */

#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name[NR_CPUS]
#define DEFINE_PER_CPU(type, name) __typeof__(type) per_cpu__##name[NR_CPUS]
#define per_cpu(name, cpu) (per_cpu__##name[cpu])
#define this_cpu(name) per_cpu(name, smp_processor_id())

#else

#include <asm/current.h>

extern unsigned long __per_cpu_offset[NR_CPUS];

#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name
#define DEFINE_PER_CPU(type, name) \
    __section(".data.percpu") __typeof__(type) per_cpu__##name

#define RELOC_HIDE(p, off) ({                                   \
    unsigned long _p = (unsigned long)(p);                      \
    __asm__ ( "" : "+r" (_p) );                                 \
    (__typeof__(p))(_p + (off)); })

#define per_cpu(name, cpu) (*RELOC_HIDE(&per_cpu__##name, __per_cpu_offset[cpu]))
#define this_cpu(name) \
    (*RELOC_HIDE(&per_cpu__##name, get_cpu_info()->per_cpu_offset))

/* Copy the template before the boot CPU changes it (first thing at boot). */
void percpu_save_template(void);
/* Allocate and fill CPU cpu's (cpu > 0) copy of the per-CPU section. */
int percpu_init_area(unsigned int cpu);
unsigned long percpu_area_bytes(void);

#endif

#endif /* XEN_PERCPU_H */
