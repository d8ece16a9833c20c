/*
 * xen/xmalloc.h: the hypervisor's heap for objects of any size.
 *
 * _xmalloc(size, align) returns size bytes aligned to align, or NULL:
 *   - size 0 returns NULL (there is no zero-sized object);
 *   - align 0 means "no constraint"; otherwise align must be a power of two
 *     no larger than PAGE_SIZE, or the call returns NULL;
 *   - sizes above PAGE_SIZE << MAX_ORDER, and running out of memory, return
 *     NULL.
 * Fresh memory is not zeroed (debug builds fill it with a pattern so that
 * reads of uninitialised memory stand out): use the xzalloc forms for that.
 *
 * _xrealloc(p, size, align) resizes p, keeping the first min(old, new)
 * bytes; p == NULL is _xmalloc(); size 0 frees p and returns NULL. On
 * failure it returns NULL and p is left as it was.
 *
 * xfree(NULL) does nothing. Freeing anything else that xmalloc did not
 * hand out, freeing twice, or having written past the end of the block is
 * a BUG() (see common/xmalloc.c for what each build detects).
 *
 * Allocation and freeing may happen in interrupt context.
 */
#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

#include <xen/types.h>

/* Alignment of xmalloc_bytes(): enough for any scalar type. */
#define XMALLOC_DEFAULT_ALIGN 16

void *_xmalloc(unsigned long size, unsigned long align);
void *_xzalloc(unsigned long size, unsigned long align);
void *_xrealloc(void *p, unsigned long size, unsigned long align);
void xfree(void *p);

/* Print the heap's usage: bytes in use and free, pages held (debug key). */
void dump_xmalloc(void);

/* One object of a type. */
#define xmalloc(type) ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type) ((type *)_xzalloc(sizeof(type), __alignof__(type)))

/* An array of n objects; NULL if n * sizeof(type) does not fit. */
#define xmalloc_array(type, n) \
    ((type *)_xmalloc_array(sizeof(type), __alignof__(type), n))
#define xzalloc_array(type, n) \
    ((type *)_xzalloc_array(sizeof(type), __alignof__(type), n))

/* Untyped memory. */
#define xmalloc_bytes(n) _xmalloc(n, XMALLOC_DEFAULT_ALIGN)
#define xzalloc_bytes(n) _xzalloc(n, XMALLOC_DEFAULT_ALIGN)

/* Free and forget: p is NULL afterwards, so a second XFREE() is harmless. */
#define XFREE(p) do { xfree(p); (p) = NULL; } while ( 0 )

static inline bool xmalloc_array_overflows(unsigned long size,
                                           unsigned long num)
{
    return size && num > ~0ul / size;
}

static inline void *_xmalloc_array(unsigned long size, unsigned long align,
                                   unsigned long num)
{
    if ( xmalloc_array_overflows(size, num) )
        return NULL;
    return _xmalloc(size * num, align);
}

static inline void *_xzalloc_array(unsigned long size, unsigned long align,
                                   unsigned long num)
{
    if ( xmalloc_array_overflows(size, num) )
        return NULL;
    return _xzalloc(size * num, align);
}

#endif /* XEN_XMALLOC_H */
