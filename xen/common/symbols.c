/*
 * common/symbols.c: address -> symbol lookup in the embedded symbol table.
 *
 * Theory of operation
 * -------------------
 * xen/tools/symbols generates the table from `nm -n -S` of the linked
 * image, and the build links it back in (see xen/Makefile and the comment
 * at the top of xen/tools/symbols.c). It is five read-only arrays:
 *
 *   symbols_num           number of entries
 *   symbols_addresses[i]  start of entry i; ascending
 *   symbols_sizes[i]      extent of entry i in bytes; 0 = unknown
 *   symbols_names[i]      offset of entry i's name in symbols_strings
 *   symbols_strings       NUL-terminated names
 *
 * An address belongs to the LAST entry whose start is <= it: the generator
 * orders aliases (entries with equal starts) so that the preferred name is
 * the last of its group. The address must also lie inside that entry's
 * extent, so that gaps after a sized symbol (padding, data between
 * functions, addresses past the end of text) are not mistaken for code.
 * An entry of size 0 has an unknown extent and is taken to run up to the
 * next entry, or without bound if it is the last.
 *
 * The table is immutable and the lookup takes no locks and allocates
 * nothing, so it is safe from any context, fault handlers included.
 */
#include <xen/symbols.h>

extern const unsigned long symbols_num;
extern const unsigned long symbols_addresses[];
extern const unsigned long symbols_sizes[];
extern const unsigned int symbols_names[];
extern const char symbols_strings[];

/*
 * Index of the last entry whose start is <= addr, or symbols_num when addr
 * lies before the first entry (or the table is empty).
 */
static unsigned long find_entry(unsigned long addr)
{
    unsigned long lo = 0, hi = symbols_num;

    /* Invariant: entries [0, lo) start <= addr; entries [hi, num) > addr. */
    while ( lo < hi )
    {
        unsigned long mid = lo + (hi - lo) / 2;

        if ( symbols_addresses[mid] <= addr )
            lo = mid + 1;
        else
            hi = mid;
    }

    return lo ? lo - 1 : symbols_num;
}

/* The extent of entry i: its size, else the distance to the next entry. */
static unsigned long entry_extent(unsigned long i)
{
    if ( symbols_sizes[i] )
        return symbols_sizes[i];
    if ( i + 1 < symbols_num )
        return symbols_addresses[i + 1] - symbols_addresses[i];
    return 0;
}

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    unsigned long i = find_entry(addr), extent, delta;

    if ( i == symbols_num )
        return NULL;

    extent = entry_extent(i);
    delta = addr - symbols_addresses[i];
    if ( extent && delta >= extent )
        return NULL;

    if ( size )
        *size = extent;
    if ( offset )
        *offset = delta;

    return symbols_strings + symbols_names[i];
}
