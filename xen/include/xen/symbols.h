/*
 * xen/symbols.h: address -> name lookup for stack traces and %pS.
 *
 * The table is generated from the linked image by xen/tools/symbols and
 * linked back into it (see xen/Makefile). Only text symbols are kept.
 */
#ifndef XEN_SYMBOLS_H
#define XEN_SYMBOLS_H

#include <xen/types.h>

/*
 * Find the function containing addr. On success returns the symbol's name
 * (a NUL-terminated string in the table) and fills *offset (addr minus the
 * symbol's start) and *size (the symbol's size, or the distance to the next
 * symbol when nm reported none). Returns NULL when addr is outside every
 * known symbol.
 */
const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset);

#endif /* XEN_SYMBOLS_H */
