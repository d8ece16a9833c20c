/*
 * e820.c: the boot memory map as users see it.
 *
 * Theory of operation
 * -------------------
 * The map in boot_info is the boot loader's, in the loader's order, with
 * half-open ranges [addr, addr + size) of a BIOS e820 type. It has not been
 * sanitised: ranges may overlap and types other than the five standard ones
 * are kept. This file only presents it.
 *
 * e820_print() uses the layout Xen users know, one range per line with an
 * inclusive end:
 *
 *     Xen-e820 RAM map:
 *      [0000000000000000, 000000000009fbff] (usable)
 *      [000000000009fc00, 000000000009ffff] (reserved)
 *
 * Types without a name are printed as "type N". e820_type_name() therefore
 * returns "unknown" for them rather than formatting the number into a
 * static buffer: it stays reentrant, and callers that want the number have
 * it already.
 *
 * e820_total_ram() adds up the RAM ranges as given, so RAM listed twice by
 * overlapping entries is counted twice; the sum saturates rather than wraps.
 */

#include <xen/lib.h>

#include <asm/bootinfo.h>
#include <asm/config.h>

static const char *const e820_names[] = {
    [E820_RAM]      = "usable",
    [E820_RESERVED] = "reserved",
    [E820_ACPI]     = "ACPI data",
    [E820_NVS]      = "ACPI NVS",
    [E820_UNUSABLE] = "unusable",
};

static bool e820_type_known(uint32_t type)
{
    return type < ARRAY_SIZE(e820_names) && e820_names[type];
}

const char *e820_type_name(uint32_t type)
{
    return e820_type_known(type) ? e820_names[type] : "unknown";
}

static void e820_print_entry(const struct boot_memmap_entry *e)
{
    uint64_t end = e->addr + e->size - 1;

    if ( e820_type_known(e->type) )
        printk(" [%016lx, %016lx] (%s)\n", e->addr, end,
               e820_type_name(e->type));
    else
        printk(" [%016lx, %016lx] (type %u)\n", e->addr, end, e->type);
}

void e820_print(const struct boot_info *bi)
{
    unsigned int i;

    printk("Xen-e820 RAM map:\n");
    for ( i = 0; i < bi->nr_memmap; i++ )
        e820_print_entry(&bi->memmap[i]);

    if ( bi->memmap_from_meminfo )
        printk(" (synthesised from the boot loader's basic meminfo: lower and "
               "upper memory only)\n");
    if ( bi->memmap_truncated )
        printk(" (truncated: the boot loader gave more than %u entries)\n",
               BOOT_MAX_MEMMAP);
}

uint64_t e820_total_ram(const struct boot_info *bi)
{
    uint64_t total = 0;
    unsigned int i;

    for ( i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memmap_entry *e = &bi->memmap[i];

        if ( e->type != E820_RAM )
            continue;
        if ( total + e->size < total )
            return UINT64_MAX;
        total += e->size;
    }

    return total;
}

/*
 * The usable RAM as a sorted list of disjoint, page-aligned ranges: every
 * RAM entry rounded inwards to pages, minus every byte that any other
 * entry claims (a range listed both as RAM and as something else is not
 * RAM: the conservative reading of a contradictory map), adjacent ranges
 * merged. This is what the allocators are fed. Returns the number of
 * ranges; ranges beyond max are dropped with a warning.
 */
static void insert_range(struct ram_range *r, unsigned int *nr,
                         unsigned int max, uint64_t s, uint64_t e)
{
    unsigned int i, j;

    if ( s >= e )
        return;
    for ( i = 0; i < *nr && r[i].start < s; i++ )
        continue;
    if ( *nr == max )
    {
        printk(XENLOG_WARNING "e820: too many RAM ranges, ignoring [%016lx, %016lx)\n",
               s, e);
        return;
    }
    for ( j = *nr; j > i; j-- )
        r[j] = r[j - 1];
    r[i].start = s;
    r[i].end = e;
    (*nr)++;
}

/* Merge overlapping or adjacent ranges of a sorted list. */
static void merge_ranges(struct ram_range *r, unsigned int *nr)
{
    unsigned int i, out = 0;

    for ( i = 0; i < *nr; i++ )
    {
        if ( out && r[i].start <= r[out - 1].end )
            r[out - 1].end = max(r[out - 1].end, r[i].end);
        else
            r[out++] = r[i];
    }
    *nr = out;
}

/* Remove [s, e) from the sorted disjoint list. */
static void punch_hole(struct ram_range *r, unsigned int *nr,
                       unsigned int max, uint64_t s, uint64_t e)
{
    unsigned int i;

    for ( i = 0; i < *nr; i++ )
    {
        uint64_t rs = r[i].start, re = r[i].end;

        if ( e <= rs || s >= re )
            continue;
        if ( s > rs && e < re )
        {
            /* Split in two: the tail goes in as a new range. */
            r[i].end = s;
            insert_range(r, nr, max, e, re);
            return;
        }
        if ( s <= rs )
            r[i].start = min(e, re);
        else
            r[i].end = s;
    }

    for ( i = 0; i < *nr; )
    {
        if ( r[i].start >= r[i].end )
        {
            unsigned int j;

            for ( j = i; j + 1 < *nr; j++ )
                r[j] = r[j + 1];
            (*nr)--;
        }
        else
            i++;
    }
}

unsigned int e820_ram_ranges(const struct boot_info *bi, struct ram_range *r,
                             unsigned int max)
{
    unsigned int i, nr = 0;

    for ( i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memmap_entry *e = &bi->memmap[i];
        uint64_t end = e->addr + e->size;

        if ( e->type != E820_RAM || end < e->addr )
            continue;
        insert_range(r, &nr, max, ROUNDUP(e->addr, PAGE_SIZE),
                     ROUNDDOWN(end, PAGE_SIZE));
    }
    merge_ranges(r, &nr);

    for ( i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memmap_entry *e = &bi->memmap[i];
        uint64_t end = e->addr + e->size;

        if ( e->type == E820_RAM )
            continue;
        /* Rounding outwards; a range reaching the top saturates. */
        if ( end < e->addr || end > UINT64_MAX - (PAGE_SIZE - 1) )
            end = UINT64_MAX;
        else
            end = ROUNDUP(end, PAGE_SIZE);
        punch_hole(r, &nr, max, ROUNDDOWN(e->addr, PAGE_SIZE), end);
    }
    return nr;
}
