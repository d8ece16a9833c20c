/*
 * usercopy.c: copying to and from guest virtual addresses
 * (xen/guest_access.h).
 *
 * Theory of operation. A PV guest's address space is mapped while the
 * hypervisor runs on its behalf (its page tables are loaded; the
 * hypervisor's own L4 slots are in every guest L4), so guest memory is
 * reached with plain loads and stores. Two things are checked: the range
 * must lie in guest address space (below the non-canonical hole, or above
 * the hypervisor's slots 256-271, never wrapping) - otherwise a guest could
 * make the hypervisor write its own memory - and each access may fault
 * (unmapped, read-only, a guest racing to unmap), which the exception table
 * turns into "this many bytes were not copied". The copies go a byte at a
 * time with rep movsb, so the count left in %rcx at a fault is exact.
 *
 * SMAP is not enabled, so no stac/clac is needed; guest pages are all
 * user pages (a PV guest runs in ring 3).
 */
#include <asm/config.h>
#include <asm/uaccess.h>
#include <xen/guest_access.h>
#include <xen/lib.h>

/* The lower half ends here; the upper half starts at its mirror. */
#define CANONICAL_LOW_END   0x0000800000000000UL

bool guest_range_ok(unsigned long va, unsigned long len)
{
    unsigned long end = va + len;

    if ( end < va )
        return false;                       /* wraps */
    if ( va < CANONICAL_LOW_END )
        return end <= CANONICAL_LOW_END;
    return va >= HYPERVISOR_VIRT_END;       /* upper half above the hole */
}

/* rep movsb that stops at a fault; returns the bytes not copied. */
static unsigned long copy_bytes(void *to, const void *from, unsigned long len)
{
    unsigned long left = len;

    __asm__ __volatile__ (
        "1: rep movsb\n"
        "2:\n"
        _ASM_EXTABLE(1b, 2b)
        : "+c" (left), "+D" (to), "+S" (from)
        :
        : "memory" );
    return left;
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long len)
{
    if ( !guest_range_ok((unsigned long)from, len) )
        return len;
    return copy_bytes(to, from, len);
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long len)
{
    if ( !guest_range_ok((unsigned long)to, len) )
        return len;
    return copy_bytes(to, from, len);
}

unsigned long raw_clear_guest(void *to, unsigned long len)
{
    unsigned long left = len;

    if ( !guest_range_ok((unsigned long)to, len) )
        return len;
    __asm__ __volatile__ (
        "1: rep stosb\n"
        "2:\n"
        _ASM_EXTABLE(1b, 2b)
        : "+c" (left), "+D" (to)
        : "a" (0)
        : "memory" );
    return left;
}
