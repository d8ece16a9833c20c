/*
 * xen/guest_access.h: reading and writing guest memory named by a
 * hypercall argument (a guest handle or a guest virtual address).
 *
 * Every access to memory a guest named goes through these. They check that
 * the whole range is guest address space (never the hypervisor's hole) and
 * survive a guest address that is unmapped or read-only: the access faults,
 * the exception table (arch/x86/extable.c) resumes after it, and the copy
 * reports how many bytes it could not move. Hypercalls turn that into
 * -EFAULT. Nothing here takes locks, but an access may fault and take time:
 * do not hold a spinlock across one that others spin on for long.
 *
 * raw_copy_{from,to}_guest(dst, src, len) return the number of bytes NOT
 * copied (0 on success). The typed macros take a handle and a count of
 * elements.
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <xen/types.h>
#include <public/xen.h>

/* In the hypervisor: arch/x86/usercopy.c. Host unit tests supply their
 * own (guest memory is host memory there). */
unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long len);
unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long len);
unsigned long raw_clear_guest(void *to, unsigned long len);

/* Is [va, va + len) entirely guest address space (no hole, no wrap)? */
bool guest_range_ok(unsigned long va, unsigned long len);

#define guest_handle_is_null(hnd)        ((hnd).p == NULL)
#define guest_handle_add_offset(hnd, nr) ((hnd).p += (nr))
#define guest_handle_cast(hnd, type) ({         \
    type *_x = (type *)(hnd).p;                 \
    (XEN_GUEST_HANDLE_PARAM(type)) { _x };      \
})
#define guest_handle_from_ptr(ptr, type) \
    ((XEN_GUEST_HANDLE_PARAM(type)) { (type *)(ptr) })
#define guest_handle_to_param(hnd, type) (hnd)
#define guest_handle_okay(hnd, nr) \
    guest_range_ok((unsigned long)(hnd).p, (unsigned long)(nr) * sizeof(*(hnd).p))

/* Copy nr elements to/from offset off (in elements) of the handle. */
#define copy_to_guest_offset(hnd, off, ptr, nr) ({                      \
    const typeof(*(ptr)) *_s = (ptr);                                   \
    char (*_d)[sizeof(*_s)] = (void *)(hnd).p;                          \
    raw_copy_to_guest(_d + (off), _s, sizeof(*_s) * (nr));              \
})
#define copy_from_guest_offset(ptr, hnd, off, nr) ({                    \
    const typeof(*(ptr)) *_s = (hnd).p;                                 \
    typeof(*(ptr)) *_d = (ptr);                                         \
    raw_copy_from_guest(_d, _s + (off), sizeof(*_d) * (nr));            \
})
#define copy_to_guest(hnd, ptr, nr)   copy_to_guest_offset(hnd, 0, ptr, nr)
#define copy_from_guest(ptr, hnd, nr) copy_from_guest_offset(ptr, hnd, 0, nr)

/* One field of a structure the handle points at. */
#define copy_field_to_guest(hnd, ptr, field) ({                         \
    const typeof(&(ptr)->field) _s = &(ptr)->field;                     \
    void *_d = &(hnd).p->field;                                         \
    raw_copy_to_guest(_d, _s, sizeof(*_s));                             \
})
#define copy_field_from_guest(ptr, hnd, field) ({                       \
    const typeof(&(ptr)->field) _s = &(hnd).p->field;                   \
    typeof(&(ptr)->field) _d = &(ptr)->field;                           \
    raw_copy_from_guest(_d, _s, sizeof(*_d));                           \
})

/* The same without the handle: a guest virtual address. */
#define copy_to_guest_va(va, ptr, len)   raw_copy_to_guest((void *)(va), ptr, len)
#define copy_from_guest_va(ptr, va, len) raw_copy_from_guest(ptr, (const void *)(va), len)

#endif /* XEN_GUEST_ACCESS_H */
