/*
 * string.c: the C library's memory and string functions, for the hypervisor.
 *
 * Theory of operation
 * -------------------
 * The hypervisor links no C library, yet the compiler is entitled to emit
 * calls to memcpy(), memmove(), memset() and memcmp() (structure copies and
 * initialisers), and the rest of the tree uses the usual string functions.
 * This file provides them with exactly the C library's semantics, so that
 * code using them reads as ordinary C and so that a unit test can hold them
 * against the host's implementations:
 *
 *  - bytes are compared as unsigned char; comparison functions return a
 *    value whose sign is that of the first differing byte pair;
 *  - strchr()/strrchr() can find the terminating NUL (c == 0);
 *  - strstr() with an empty needle returns the haystack;
 *  - strlcpy()/strlcat() follow BSD: the destination is always
 *    NUL-terminated when size > 0, and the return value is the length of
 *    the string they tried to create, so truncation is "ret >= size".
 *
 * memcpy() uses the string instructions, and memmove() uses memcpy() for
 * areas that do not overlap (grant copies are on a hot path); the rest are
 * plain byte loops.
 *
 * A compiler in hosted mode may recognise the loops of memcpy()/memset()
 * and turn them into calls to memcpy()/memset(), i.e. into infinite
 * recursion. It does not do so when building freestanding (-ffreestanding,
 * which implies -fno-builtin), as xen/Rules.mk always does; the check below
 * keeps it that way. Host unit tests build this file hosted but under
 * renamed symbols (xen_memcpy, ...), where such a call would reach the host
 * C library and be harmless.
 */
#include <xen/string.h>

#if __STDC_HOSTED__ && !defined(__XEN_HOST_TEST__)
#error "string.c must be built with -ffreestanding (see the comment above)"
#endif

/*
 * memcpy and memset use the string instructions: one instruction per
 * call instead of a loop per byte (which matters under emulation, and
 * for the page clears and copies the memory ops do), 8 bytes at a time
 * when everything is 8-byte aligned.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    if ( !(((uintptr_t)dst | (uintptr_t)src | n) & 7) )
    {
        size_t q = n / 8;

        __asm__ __volatile__ ( "rep movsq"
                               : "+D" (d), "+S" (src), "+c" (q) :: "memory" );
    }
    else
        __asm__ __volatile__ ( "rep movsb"
                               : "+D" (d), "+S" (src), "+c" (n) :: "memory" );
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Apart (a grant copy between two frames): as fast as memcpy(). */
    if ( (uintptr_t)d + n <= (uintptr_t)s || (uintptr_t)s + n <= (uintptr_t)d )
        return memcpy(dst, src, n);
    if ( (uintptr_t)d <= (uintptr_t)s )
    {
        /* Copying forwards never overwrites a source byte not yet read. */
        while ( n-- )
            *d++ = *s++;
    }
    else
    {
        /* The destination starts inside the source: copy backwards. */
        d += n;
        s += n;
        while ( n-- )
            *--d = *--s;
    }

    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    if ( !(((uintptr_t)dst | n) & 7) )
    {
        uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;
        size_t q = n / 8;

        __asm__ __volatile__ ( "rep stosq"
                               : "+D" (d), "+c" (q) : "a" (pattern) : "memory" );
    }
    else
        __asm__ __volatile__ ( "rep stosb"
                               : "+D" (d), "+c" (n) : "a" (c) : "memory" );
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for ( ; n; n--, p++, q++ )
        if ( *p != *q )
            return *p - *q;

    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for ( ; n; n--, p++ )
        if ( *p == (unsigned char)c )
            return (void *)p;

    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while ( *p )
        p++;

    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] )
        n++;

    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while ( *p && *p == *q )
    {
        p++;
        q++;
    }

    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for ( ; n; n--, p++, q++ )
        if ( *p != *q || !*p )
            return *p - *q;

    return 0;
}

char *strchr(const char *s, int c)
{
    for ( ; *s != (char)c; s++ )
        if ( !*s )
            return NULL;

    return (char *)s;
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    do {
        if ( *s == (char)c )
            last = s;
    } while ( *s++ );

    return (char *)last;
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for ( ; ; haystack++ )
    {
        if ( !strncmp(haystack, needle, n) )
            return (char *)haystack;
        if ( !*haystack )
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if ( size )
    {
        size_t n = len < size ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }

    return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t dlen = strnlen(dst, size);

    /*
     * With no NUL within size bytes, dlen == size and strlcpy() gets no
     * room: it writes nothing and the result is size + strlen(src).
     */
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}
