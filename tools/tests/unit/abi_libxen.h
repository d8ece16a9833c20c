/* abi_libxen.h: one row of the layout table of abi_fields.h. */
#ifndef ABI_LIBXEN_H
#define ABI_LIBXEN_H

#include <stddef.h>

struct abi_entry {
    const char *type;       /* our type name */
    const char *member;     /* NULL: the row is the type's size */
    size_t value;           /* the size, or the member's offset */
    size_t member_size;
};

extern const struct abi_entry abi_libxen[];

#endif
