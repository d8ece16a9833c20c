/*
 * fuzz_unxz.c: libFuzzer harness of the XZ decoder (xen/common/xz/), the
 * gzip decoder (xen/common/gunzip.c) and the bzImage unpacker
 * (xen/common/bzimage.c), compiled for the host unchanged.
 *
 * Each input is fed four ways:
 *  - as .xz data: xz_decoded_size(), then xz_decode() into a heap block of
 *    exactly that size (when it is at most OUT_MAX);
 *  - as .xz data decoded blind into a fixed OUT_MAX-byte block, which
 *    reaches the forward walk's checks even when the index is broken;
 *  - as a gzip member: gzip_decoded_size(), gunzip();
 *  - as a bzImage: bzimage_is(), bzimage_unpack().
 * The input and every output are heap blocks of exactly their size, so
 * AddressSanitizer reports any access outside them. Besides the sanitizers
 * the harness aborts when a result breaks a promise of xz.h/bzimage.h (see
 * PROMISE()): errors are negative errno values, a successful decoding
 * fills its output exactly, and the blind decoding can only succeed where
 * sizing does too, with the same size.
 *
 * Built two ways (see Makefile):
 *  - with clang -fsanitize=fuzzer,...: libFuzzer provides main();
 *  - with -DFUZZ_UNXZ_REPLAY and any host compiler: main() below runs every
 *    file named on the command line (directories one level deep) once,
 *    prints counts, and fails if no input decoded at all.
 *
 * FUZZ_UNXZ_VERBOSE=1 in the environment echoes the decoder's messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/bzimage.h>
#include <xen/errno.h>

#include "gunzip.h"
#include "xz/xz.h"

#define OUT_MAX (4u << 20)          /* the most a fuzz input may decode to */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void printk(const char *fmt, ...);
void __bug(const char *file, int line);
void __assert_failed(const char *expr, const char *file, int line);
void *_xmalloc(unsigned long size, unsigned long align);
void *_xzalloc(unsigned long size, unsigned long align);
void xfree(void *p);
void *vmalloc(size_t size);
void vfree(void *p);
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *v, unsigned int order);

/* --- The hypervisor runtime the decoder uses. --- */

static int verbose = -1;
static long live_allocs;

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);    /* format every message */
    va_end(args);
    if ( verbose < 0 )
        verbose = getenv("FUZZ_UNXZ_VERBOSE") != NULL;
    if ( verbose )
        fputs(buf, stderr);
}

void __bug(const char *file, int line)
{
    fprintf(stderr, "fuzz_unxz: BUG at %s:%d\n", file, line);
    abort();
}

void __assert_failed(const char *expr, const char *file, int line)
{
    fprintf(stderr, "fuzz_unxz: assertion '%s' failed at %s:%d\n", expr,
            file, line);
    abort();
}

void *_xmalloc(unsigned long size, unsigned long align)
{
    void *p = size ? malloc(size) : NULL;

    live_allocs += p != NULL;
    return p;
}

void *_xzalloc(unsigned long size, unsigned long align)
{
    void *p = _xmalloc(size, align);

    if ( p )
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    live_allocs -= p != NULL;
    free(p);
}

/* Like an out-of-memory hypervisor beyond OUT_MAX. */
void *vmalloc(size_t size)
{
    return size && size <= OUT_MAX ? _xmalloc(size, 0) : NULL;
}

void vfree(void *p)
{
    xfree(p);
}

/* The heap "fails" every other time, so both kinds of output are used. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    static unsigned int calls;

    if ( (4096ul << order) > 2 * OUT_MAX || calls++ % 2 )
        return NULL;
    return _xmalloc(4096ul << order, 0);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    xfree(v);
}

#define PROMISE(cond) do {                                                  \
    if ( !(cond) )                                                          \
    {                                                                       \
        fprintf(stderr, "fuzz_unxz: broken promise: %s (line %d)\n", #cond, \
                __LINE__);                                                  \
        abort();                                                            \
    }                                                                       \
} while ( 0 )

static bool is_errno(int rc)
{
    return rc == -EINVAL || rc == -EBADMSG || rc == -EOPNOTSUPP ||
           rc == -ENOMEM || rc == -E2BIG;
}

/* --- One input. --- */

static struct {
    unsigned long inputs, sized, decoded, blind, gunzipped, bzimages,
                  unpacked;
} stats;

static void run_xz(const uint8_t *in, size_t size)
{
    uint64_t total = 0;
    uint8_t *out;
    int sized = xz_decoded_size(in, size, &total), rc;

    PROMISE(sized == 0 || is_errno(sized));
    if ( !sized )
        stats.sized++;
    if ( !sized && total <= OUT_MAX )
    {
        out = malloc(total ? total : 1);
        rc = xz_decode(in, size, out, total);
        PROMISE(rc == 0 || is_errno(rc));
        stats.decoded += !rc;
        free(out);
    }

    /* Blind: success means the sizing agrees. */
    out = malloc(OUT_MAX);
    rc = xz_decode(in, size, out, OUT_MAX);
    PROMISE(rc == 0 || is_errno(rc));
    if ( !rc )
    {
        stats.blind++;
        PROMISE(sized == 0 && total == OUT_MAX);
    }
    free(out);
}

static void run_gzip(const uint8_t *in, size_t size)
{
    uint32_t total;
    uint8_t *out;
    int rc;

    if ( !gzip_has_magic(in, size) )
        return;
    rc = gzip_decoded_size(in, size, &total);
    PROMISE(rc == 0 || is_errno(rc));
    if ( rc || total > OUT_MAX )
        return;
    out = malloc(total ? total : 1);
    rc = gunzip(in, size, out, total);
    PROMISE(rc == 0 || is_errno(rc));
    stats.gunzipped += !rc;
    free(out);
}

static volatile uint8_t sink;

static void run_bzimage(const uint8_t *in, size_t size)
{
    void *out = NULL;
    size_t out_size = 0;
    int rc;

    if ( !bzimage_is(in, size) )
        return;
    stats.bzimages++;
    rc = bzimage_unpack(in, size, &out, &out_size);
    PROMISE(rc == 0 || is_errno(rc));
    if ( rc )
        return;
    stats.unpacked++;
    PROMISE(out && out_size && out_size <= BZIMAGE_UNPACKED_MAX);
    /* Touch the last byte: ASan checks the block is out_size long. */
    sink = ((const uint8_t *)out)[out_size - 1];
    bzimage_free(out, out_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly size bytes (malloc aligns to 16), so overreads are caught. */
    uint8_t *in = malloc(size ? size : 1);

    if ( !in )
        abort();
    memcpy(in, data, size);
    stats.inputs++;
    run_xz(in, size);
    run_gzip(in, size);
    run_bzimage(in, size);
    PROMISE(live_allocs == 0);
    free(in);
    return 0;
}

#ifdef FUZZ_UNXZ_REPLAY

#include "../replay.h"

int main(int argc, char **argv)
{
    int rc = fuzz_replay(argc, argv);

    printf("fuzz_unxz_replay: %lu inputs: %lu sized, %lu decoded, %lu "
           "decoded blind, %lu gunzipped, %lu bzImages, %lu unpacked\n",
           stats.inputs, stats.sized, stats.decoded, stats.blind,
           stats.gunzipped, stats.bzimages, stats.unpacked);
    if ( !stats.decoded || !stats.gunzipped || !stats.unpacked )
    {
        printf("fuzz_unxz_replay: FAILED: no input decoded, gunzipped or "
               "unpacked\n");
        return 1;
    }
    return rc ? 1 : 0;
}

#endif /* FUZZ_UNXZ_REPLAY */
