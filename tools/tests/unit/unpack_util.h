/*
 * unpack_util.h: what the decompression tests (test_unxz.c, test_gunzip.c)
 * share: the hypervisor's allocators counted to catch leaks, generated
 * test data, the host's compressors run in a private temporary directory,
 * a bitwise reference CRC32, and a bzImage builder.
 */
#ifndef TOOLS_TESTS_UNIT_UNPACK_UTIL_H
#define TOOLS_TESTS_UNIT_UNPACK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- Allocators: vmalloc(), the Xen heap and xmalloc() on the host. --- */

extern long live_vmallocs, live_xmallocs, live_xenheap;
extern bool xenheap_fails;          /* set: alloc_xenheap_pages() fails */
extern void *last_fake_vfree;       /* vfree() of an address in vmap space */
bool nothing_live(void);

/* --- Data. --- */

enum kind { TEXT, RANDOM, MIXED, X86ISH };

/* len bytes of a kind, the same for the same seed; free() it. */
uint8_t *make_data(enum kind kind, size_t len, uint32_t seed);
/* The generator behind it, for tests that want their own sequence. */
extern uint32_t rng_state;
uint32_t rng(void);

/* --- Files and host tools. --- */

/* A whole file, or NULL; free() it. */
uint8_t *read_file(const char *path, size_t *len);
/* Is the command (e.g. "xz", "gzip") there? Prints a SKIP line if not. */
bool tool_available(const char *tool);
/*
 * "<cmd> -c" with data[0, len) on its standard input: what it printed, or
 * NULL (and a failed check) if it failed; free() it.
 */
uint8_t *run_tool(const char *cmd, const void *data, size_t len,
                  size_t *out_len);

uint32_t ref_crc32(const uint8_t *p, size_t n);

/* --- bzImage. --- */

#define BZ_SETUP_SECTS  3
#define BZ_PAYLOAD_OFF  0x300
extern unsigned int bz_sects;       /* setup_sects of make_bzimage() */

void put_le_at(uint8_t *p, uint64_t v, unsigned int n);
/*
 * A bzImage (protocol 2.15) around payload[0, len), followed by Linux's
 * appended size if appended is not 0; calloc()ed, *size its length.
 */
uint8_t *make_bzimage(const uint8_t *payload, size_t len, uint32_t appended,
                      size_t *size);

#endif /* TOOLS_TESTS_UNIT_UNPACK_UTIL_H */
