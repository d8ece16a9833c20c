/*
 * percpu.c: per-CPU data areas.
 *
 * Theory of operation. The image's .data.percpu section is the boot CPU's
 * per-CPU area (offset 0), usable from the first instruction. Because the
 * boot CPU changes its copy as it goes, every other CPU starts from a
 * pristine copy of the section taken before anything ran
 * (percpu_save_template(), first thing in __start_xen()). Until a CPU's
 * area exists its offset is INVALID_PERCPU_AREA, which makes any per-CPU
 * access a non-canonical address and so a #GP, not silent corruption.
 *
 * A CPU's offset is also kept in the struct cpu_info at the top of its
 * stack, which is where this_cpu() reads it.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/sections.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/percpu.h>
#include <xen/string.h>

#define INVALID_PERCPU_AREA (0x8000000000000000ul - (unsigned long)__per_cpu_start)

extern char __per_cpu_pristine[];

unsigned long __per_cpu_offset[NR_CPUS];

static unsigned long percpu_size(void)
{
    return __per_cpu_data_end - __per_cpu_start;
}

void percpu_save_template(void)
{
    unsigned int cpu;

    memcpy(__per_cpu_pristine, __per_cpu_start, percpu_size());
    for ( cpu = 1; cpu < NR_CPUS; cpu++ )
        __per_cpu_offset[cpu] = INVALID_PERCPU_AREA;
    __per_cpu_offset[0] = 0;
    get_cpu_info()->per_cpu_offset = 0;
}

int percpu_init_area(unsigned int cpu)
{
    unsigned int order = get_order_from_bytes(percpu_size());
    char *p;

    ASSERT(cpu && cpu < NR_CPUS);
    if ( __per_cpu_offset[cpu] != INVALID_PERCPU_AREA )
        return 0;
    p = alloc_xenheap_pages(order, 0);
    if ( !p )
        return -ENOMEM;
    memcpy(p, __per_cpu_pristine, percpu_size());
    __per_cpu_offset[cpu] = p - __per_cpu_start;
    return 0;
}

unsigned long percpu_area_bytes(void)
{
    return percpu_size();
}
