/*
 * xz.h: a one-shot decoder of .xz data (see stream.c for the format and
 * the checks).
 *
 * The whole input and the whole output are in memory: the caller learns
 * the decompressed size from the streams' indexes with xz_decoded_size(),
 * allocates that much, and xz_decode() fills it. Supported: one or more
 * streams with stream padding; check types none, CRC32 and CRC64 (always
 * verified); filter chains LZMA2 alone or x86 BCJ then LZMA2. Anything
 * else is refused with -EOPNOTSUPP, malformed or corrupt data with
 * -EINVAL (bad structure) or -EBADMSG (a CRC or check mismatch); both
 * name the reason and the input offset in a printk.
 *
 * Neither function reads outside in[0, in_size) nor writes outside
 * out[0, out_size), whatever the input, and both finish in time linear in
 * in_size + out_size.
 */
#ifndef XEN_COMMON_XZ_XZ_H
#define XEN_COMMON_XZ_XZ_H

#include <xen/types.h>

/* The six bytes every .xz stream starts with. */
#define XZ_MAGIC "\xfd" "7zXZ\0"
#define XZ_MAGIC_LEN 6

/* Does in start like a .xz stream? */
bool xz_has_magic(const void *in, size_t in_size);

/*
 * The total decompressed size of in[0, in_size), which must be exactly one
 * or more streams and their padding. Reads only the stream headers,
 * footers and indexes; checks their structure and CRCs.
 */
int xz_decoded_size(const void *in, size_t in_size, uint64_t *size);

/*
 * Decompress in[0, in_size) into out, which must be exactly as large as the
 * decompressed data. Every block is checked against its index and its
 * check field. On failure, out holds partial data.
 */
int xz_decode(const void *in, size_t in_size, void *out, size_t out_size);

/*
 * The CRC32 of IEEE 802.3 (as .xz, gzip and zlib use it): continue crc
 * (0 to start) over len bytes.
 */
uint32_t xz_crc32(const void *buf, size_t len, uint32_t crc);

#endif /* XEN_COMMON_XZ_XZ_H */
