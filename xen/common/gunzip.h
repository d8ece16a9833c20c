/*
 * gunzip.h: a one-shot decoder of one gzip member (see gunzip.c).
 *
 * As with xz.h, input and output are whole buffers: the caller takes the
 * decompressed size from the member's trailer with gzip_decoded_size(),
 * allocates it, and gunzip() fills it. Errors: -EINVAL for malformed
 * data, -EBADMSG for a CRC mismatch, -EOPNOTSUPP for a method other than
 * DEFLATE or reserved flags, -ENOMEM; each named in a printk.
 */
#ifndef XEN_COMMON_GUNZIP_H
#define XEN_COMMON_GUNZIP_H

#include <xen/types.h>

/* Does in start like a gzip member (1f 8b)? */
bool gzip_has_magic(const void *in, size_t in_size);

/*
 * The decompressed size that the member in[0, in_size) records in its
 * trailer (modulo 2^32, as gzip keeps it).
 */
int gzip_decoded_size(const void *in, size_t in_size, uint32_t *size);

/*
 * Decompress the single gzip member that is exactly in[0, in_size) into
 * out, which must be exactly as large as the data; the CRC32 and size in
 * the trailer are checked.
 */
int gunzip(const void *in, size_t in_size, void *out, size_t out_size);

#endif /* XEN_COMMON_GUNZIP_H */
