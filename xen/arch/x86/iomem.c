/*
 * iomem.c: the device memory the hypervisor keeps for itself.
 *
 * A domain with I/O-memory rights (dom0) may map device memory, frames
 * that are not RAM, into its page tables. Some of it belongs to the
 * hypervisor: the local APIC it programs, the IO-APICs it routes
 * interrupts through, the HPET it keeps time with. The drivers record
 * those ranges here when they map them at boot, and page-table validation
 * refuses them to every guest. Ranges are only added, at boot, on one
 * CPU; lookups read a table that no longer changes.
 */
#include <asm/iomem.h>
#include <asm/page.h>
#include <xen/lib.h>

#define MAX_RANGES 32

static struct {
    unsigned long first, last;      /* frames, inclusive */
} ranges[MAX_RANGES];
static unsigned int nr_ranges;

void iomem_reserve_hypervisor(paddr_t pa, size_t size)
{
    if ( !size )
        return;
    /* Running out would let a guest reach a device we drive: stop. */
    BUG_ON(nr_ranges == MAX_RANGES);
    ranges[nr_ranges].first = pa >> PAGE_SHIFT;
    ranges[nr_ranges].last = (pa + size - 1) >> PAGE_SHIFT;
    nr_ranges++;
}

bool iomem_is_hypervisor_owned(unsigned long mfn)
{
    unsigned int i;

    for ( i = 0; i < nr_ranges; i++ )
        if ( mfn >= ranges[i].first && mfn <= ranges[i].last )
            return true;
    return false;
}
