/*
 * xen/bzimage.h: Linux bzImage kernels, unpacked to the ELF image inside.
 *
 * A bzImage starts with the x86 real-mode setup code and its header ("HdrS"
 * at 0x202, Linux's Documentation/x86/boot.rst); since boot protocol 2.08
 * the header locates the compressed kernel, the "payload", which is the ELF
 * vmlinux compressed with the build's chosen compressor. Xen's dom0 builder
 * unpacks it and loads the ELF; so do we. Supported payloads: XZ (with or
 * without the x86 BCJ filter, as Linux builds it), gzip and an uncompressed
 * ELF; any other compressor is refused with -EOPNOTSUPP and named.
 */
#ifndef XEN_BZIMAGE_H
#define XEN_BZIMAGE_H

#include <xen/types.h>

/* The most an unpacked kernel may take (Debian's 6.1 vmlinux: 63 MiB). */
#define BZIMAGE_UNPACKED_MAX    (512ul << 20)

/* Does image[0, size) carry a bzImage setup header? */
bool bzimage_is(const void *image, size_t size);

/*
 * Unpack the bzImage image[0, size) into a new buffer: *out and *out_size
 * on success; the caller gives it back with bzimage_free() once the ELF is
 * loaded. Errors: -EINVAL for a malformed image or payload, -EBADMSG for a
 * failed CRC or check, -EOPNOTSUPP for an unsupported format or option,
 * -E2BIG beyond BZIMAGE_UNPACKED_MAX, -ENOMEM. Each is explained by a
 * printk. Boot-time use: the buffer comes from the Xen heap (or vmalloc()).
 */
int bzimage_unpack(const void *image, size_t size, void **out,
                   size_t *out_size);

/* Free what bzimage_unpack() returned (NULL: nothing). */
void bzimage_free(void *out, size_t out_size);

#endif /* XEN_BZIMAGE_H */
