/*
 * bzimage.c: unpacking a Linux bzImage to its ELF kernel (xen/bzimage.h).
 *
 * Theory of operation. The image is laid out as
 *
 *   boot sector (512 bytes) | setup sectors | protected-mode code
 *
 * where the setup header sits at 0x1f1 inside the first two sectors. Of
 * it we need: setup_sects (0x1f1, the setup sectors after the boot sector;
 * 0 means 4), the "HdrS" magic (0x202), the protocol version (0x206, 2.08
 * or later for the next two), payload_offset and payload_length (0x248,
 * 0x24c: the compressed kernel, from the start of the protected-mode
 * code). Each is checked against the image's size before use, the payload
 * against what is left after the setup sectors.
 *
 * The output is one block of the Xen heap, which is directly mapped: no
 * page-table work (under QEMU's TCG, 63 MiB took 0.7 s this way against
 * 5 s from vmalloc(), which maps page by page). A heap too fragmented for
 * a block that large falls back to vmalloc(); bzimage_free() tells the two
 * apart by address.
 *
 * The payload's first bytes say how it is compressed. Linux appends the
 * decompressed size as a little-endian 32-bit number after the compressed
 * data ("size_append"); for XZ the stream therefore ends either at the
 * payload's end or four bytes before it, which the footer magic "YZ"
 * tells apart. The XZ indexes give the exact decompressed size (checked
 * against the appended one and against BZIMAGE_UNPACKED_MAX) before the
 * output is allocated and the stream decoded (xz/). A gzip payload is one
 * member, without an appended size (its trailer has one), decoded by
 * gunzip.c. Other compressors are named and refused.
 */
#include <xen/bzimage.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/vmap.h>

#include "gunzip.h"
#include "xz/xz.h"

#define SECTOR_SIZE             512
#define OFF_SETUP_SECTS         0x1f1   /* u8 */
#define OFF_HEADER_MAGIC        0x202   /* "HdrS" */
#define OFF_VERSION             0x206   /* u16: major << 8 | minor */
#define OFF_PAYLOAD_OFFSET      0x248   /* u32 */
#define OFF_PAYLOAD_LENGTH      0x24c   /* u32 */
#define SETUP_HEADER_END        0x250   /* the fields above all lie before */
#define DEFAULT_SETUP_SECTS     4
#define VERSION_PAYLOAD         0x0208  /* the first with payload fields */
#define APPENDED_SIZE_LEN       4

static unsigned int le16(const uint8_t *p)
{
    return p[0] | ((unsigned int)p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | ((uint32_t)le16(p + 2) << 16);
}

static void *alloc_output(size_t size)
{
    return alloc_xenheap_pages(get_order_from_bytes(size), 0) ?:
           vmalloc(size);
}

static bool is_vmapped(const void *p)
{
    return (unsigned long)p - VMAP_VIRT_START <
           VMAP_VIRT_END - VMAP_VIRT_START;
}

void bzimage_free(void *out, size_t out_size)
{
    if ( !out )
        return;
    if ( is_vmapped(out) )
        vfree(out);
    else
        free_xenheap_pages(out, get_order_from_bytes(out_size));
}

bool bzimage_is(const void *image, size_t size)
{
    return size >= OFF_HEADER_MAGIC + 4 &&
           !memcmp((const uint8_t *)image + OFF_HEADER_MAGIC, "HdrS", 4);
}

/* The payload's place in the image, every field checked. */
static int find_payload(const uint8_t *img, size_t size,
                        const uint8_t **payload, size_t *len)
{
    unsigned int version, sects;
    size_t setup, off;

    if ( !bzimage_is(img, size) || size < SETUP_HEADER_END )
    {
        printk(XENLOG_ERR "bzImage: no setup header\n");
        return -EINVAL;
    }
    version = le16(img + OFF_VERSION);
    if ( version < VERSION_PAYLOAD )
    {
        printk(XENLOG_ERR "bzImage: boot protocol %u.%02u is older than "
               "2.08 and does not locate its payload\n", version >> 8,
               version & 0xff);
        return -EOPNOTSUPP;
    }
    sects = img[OFF_SETUP_SECTS] ?: DEFAULT_SETUP_SECTS;
    setup = (sects + 1) * (size_t)SECTOR_SIZE;
    off = le32(img + OFF_PAYLOAD_OFFSET);
    *len = le32(img + OFF_PAYLOAD_LENGTH);
    if ( setup > size || off > size - setup || *len > size - setup - off ||
         !*len )
    {
        printk(XENLOG_ERR "bzImage: payload (%zu bytes at %zu after %zu "
               "setup bytes) lies outside the %zu-byte image\n", *len, off,
               setup, size);
        return -EINVAL;
    }
    *payload = img + setup + off;
    printk(XENLOG_INFO "bzImage: boot protocol %u.%02u, %zu-byte payload at "
           "%#zx\n", version >> 8, version & 0xff, *len, setup + off);
    return 0;
}

/* The payload's compressor by its magic bytes, for the refusal message. */
static const char *payload_format(const uint8_t *p, size_t len)
{
    static const struct { const char *magic; size_t len; const char *name; }
    formats[] = {
        { "\x1f\x9e", 2, "old gzip" },
        { "BZh", 3, "bzip2" },
        { "\x5d\x00\x00", 3, "LZMA" },
        { "\x89LZO", 4, "LZO" },
        { "\x02\x21\x4c\x18", 4, "LZ4" },
        { "\x28\xb5\x2f\xfd", 4, "zstd" },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(formats); i++ )
        if ( len >= formats[i].len &&
             !memcmp(p, formats[i].magic, formats[i].len) )
            return formats[i].name;
    return "unknown";
}

/* Where the XZ stream(s) end: before Linux's appended size, if any. */
static int xz_extent(const uint8_t *p, size_t len, size_t *xz_len,
                     bool *appended)
{
    if ( len >= 2 && !memcmp(p + len - 2, "YZ", 2) )
    {
        *xz_len = len;
        *appended = false;
        return 0;
    }
    if ( len >= APPENDED_SIZE_LEN + 2 &&
         !memcmp(p + len - APPENDED_SIZE_LEN - 2, "YZ", 2) )
    {
        *xz_len = len - APPENDED_SIZE_LEN;
        *appended = true;
        return 0;
    }
    printk(XENLOG_ERR "bzImage: the XZ payload does not end with a stream "
           "footer\n");
    return -EINVAL;
}

static int unpack_xz(const uint8_t *p, size_t len, void **out,
                     size_t *out_size)
{
    size_t xz_len;
    uint64_t size;
    bool appended;
    void *buf;
    int rc = xz_extent(p, len, &xz_len, &appended);

    if ( !rc )
        rc = xz_decoded_size(p, xz_len, &size);
    if ( rc )
        return rc;
    if ( !size || size > BZIMAGE_UNPACKED_MAX )
    {
        printk(XENLOG_ERR "bzImage: the payload decompresses to %lu bytes "
               "(at most %lu allowed)\n", (unsigned long)size,
               BZIMAGE_UNPACKED_MAX);
        return size ? -E2BIG : -EINVAL;
    }
    if ( appended && le32(p + xz_len) != size )
    {
        printk(XENLOG_ERR "bzImage: the payload's appended size %u differs "
               "from its XZ index's %lu\n", le32(p + xz_len),
               (unsigned long)size);
        return -EINVAL;
    }

    buf = alloc_output(size);
    if ( !buf )
    {
        printk(XENLOG_ERR "bzImage: no memory for the %lu-byte kernel\n",
               (unsigned long)size);
        return -ENOMEM;
    }
    rc = xz_decode(p, xz_len, buf, size);
    if ( rc )
    {
        printk(XENLOG_ERR "bzImage: XZ payload refused (%d)\n", rc);
        bzimage_free(buf, size);
        return rc;
    }
    printk(XENLOG_INFO "bzImage: XZ payload unpacked: %zu -> %lu bytes\n",
           xz_len, (unsigned long)size);
    *out = buf;
    *out_size = size;
    return 0;
}

static int unpack_gzip(const uint8_t *p, size_t len, void **out,
                       size_t *out_size)
{
    uint32_t size;
    void *buf;
    int rc = gzip_decoded_size(p, len, &size);

    if ( rc )
        return rc;
    if ( !size || size > BZIMAGE_UNPACKED_MAX )
    {
        printk(XENLOG_ERR "bzImage: the gzip payload says it holds %u bytes "
               "(1 to %lu allowed)\n", size, BZIMAGE_UNPACKED_MAX);
        return size ? -E2BIG : -EINVAL;
    }
    if ( !(buf = alloc_output(size)) )
    {
        printk(XENLOG_ERR "bzImage: no memory for the %u-byte kernel\n",
               size);
        return -ENOMEM;
    }
    rc = gunzip(p, len, buf, size);
    if ( rc )
    {
        printk(XENLOG_ERR "bzImage: gzip payload refused (%d)\n", rc);
        bzimage_free(buf, size);
        return rc;
    }
    printk(XENLOG_INFO "bzImage: gzip payload unpacked: %zu -> %u bytes\n",
           len, size);
    *out = buf;
    *out_size = size;
    return 0;
}

/* An uncompressed payload (CONFIG_KERNEL_UNCOMPRESSED): a plain copy. */
static int copy_elf(const uint8_t *p, size_t len, void **out,
                    size_t *out_size)
{
    void *buf;

    if ( len > BZIMAGE_UNPACKED_MAX )
        return -E2BIG;
    if ( !(buf = alloc_output(len)) )
        return -ENOMEM;
    memcpy(buf, p, len);
    *out = buf;
    *out_size = len;
    return 0;
}

int bzimage_unpack(const void *image, size_t size, void **out,
                   size_t *out_size)
{
    const uint8_t *payload;
    size_t len;
    int rc = find_payload(image, size, &payload, &len);

    if ( rc )
        return rc;
    if ( xz_has_magic(payload, len) )
        return unpack_xz(payload, len, out, out_size);
    if ( gzip_has_magic(payload, len) )
        return unpack_gzip(payload, len, out, out_size);
    if ( len >= 4 && !memcmp(payload, "\x7f" "ELF", 4) )
        return copy_elf(payload, len, out, out_size);
    printk(XENLOG_ERR "bzImage: the payload is compressed with %s; only XZ "
           "and gzip are supported (CONFIG_KERNEL_XZ or _GZIP)\n",
           payload_format(payload, len));
    return -EOPNOTSUPP;
}
