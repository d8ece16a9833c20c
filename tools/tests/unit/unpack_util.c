/*
 * unpack_util.c: helpers of the decompression tests (see unpack_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "unpack_util.h"

#include <xen/compiler.h>
#include <xen/mm.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

/* --- Allocators. --- */

long live_vmallocs, live_xmallocs, live_xenheap;
bool xenheap_fails;
void *last_fake_vfree;

/* The heap's blocks and their orders, to check frees against. */
static struct { void *p; unsigned int order; } xenheap_blocks[8];

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    void *p;

    if ( xenheap_fails || order > 20 )
        return NULL;
    p = aligned_alloc(4096, 4096ul << order);
    for ( unsigned int i = 0; p && i < ARRAY_SIZE(xenheap_blocks); i++ )
        if ( !xenheap_blocks[i].p )
        {
            xenheap_blocks[i].p = p;
            xenheap_blocks[i].order = order;
            live_xenheap++;
            return p;
        }
    free(p);
    return NULL;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(xenheap_blocks); i++ )
        if ( xenheap_blocks[i].p == v )
        {
            CHECK_EQ(order, xenheap_blocks[i].order);
            xenheap_blocks[i].p = NULL;
            live_xenheap--;
            free(v);
            return;
        }
    CHECK(!"free_xenheap_pages() of a block it did not hand out");
}

void *vmalloc(size_t size)
{
    void *p = size ? malloc(size) : NULL;

    live_vmallocs += p != NULL;
    return p;
}

void vfree(void *p)
{
    if ( (unsigned long)p >= VMAP_VIRT_START )
    {
        last_fake_vfree = p;        /* an address made up by the test */
        return;
    }
    live_vmallocs -= p != NULL;
    free(p);
}

void *_xmalloc(unsigned long size, unsigned long align)
{
    void *p = size ? malloc(size) : NULL;

    live_xmallocs += p != NULL;
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
    live_xmallocs -= p != NULL;
    free(p);
}

bool nothing_live(void)
{
    return !live_vmallocs && !live_xmallocs && !live_xenheap;
}

/* --- Data. --- */

uint32_t rng_state;

uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static size_t gen_text(uint8_t *p, size_t len)
{
    static const char *const words[] = {
        "hypervisor", "domain", "page", "table", "grant", "event", "channel",
        "vcpu", "the", "of", "a", "memory", "kernel", "xen", "dom0", "map",
    };
    const char *w = words[rng() % 16];
    size_t n = strlen(w);
    char num[16];

    if ( rng() % 8 == 0 )
    {
        snprintf(num, sizeof(num), "%u", rng() % 100000);
        w = num;
        n = strlen(num);
    }
    if ( n + 1 > len )
        n = len ? len - 1 : 0;
    memcpy(p, w, n);
    if ( len > n )
        p[n++] = rng() % 11 ? ' ' : '\n';
    return n;
}

/* A byte of "machine code": many opcodes E8/E9 and operand bytes 00/FF. */
static uint8_t x86ish_byte(void)
{
    static const uint8_t common[] = { 0xe8, 0xe9, 0x00, 0xff, 0x00, 0xff,
                                      0x48, 0x89, 0x8b, 0x01, 0xfe, 0xe8 };
    uint32_t r = rng();

    return r % 3 ? common[(r >> 8) % sizeof(common)] : (r >> 16);
}

uint8_t *make_data(enum kind kind, size_t len, uint32_t seed)
{
    uint8_t *p = malloc(len ? len : 1);
    size_t i = 0, seg;

    rng_state = seed * 2654435761u + 1;
    while ( i < len )
    {
        switch ( kind )
        {
        case TEXT:
            i += gen_text(p + i, len - i);
            break;
        case RANDOM:
            p[i++] = rng() >> 24;
            break;
        case X86ISH:
            p[i++] = x86ish_byte();
            break;
        case MIXED:                 /* text, noise and runs, 8-64 KiB each */
            seg = 8192 + rng() % 57344;
            seg = seg < len - i ? seg : len - i;
            for ( size_t end = i + seg, k = rng() % 3; i < end; )
                if ( k == 0 )
                    i += gen_text(p + i, end - i);
                else if ( k == 1 )
                    p[i++] = rng() >> 24;
                else
                    p[i++] = 'z';
            break;
        }
    }
    return p;
}

/* --- Files and host tools, in a private directory. --- */

static char tmpdir[64];

static void remove_tmpdir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if ( system(cmd) )
        fprintf(stderr, "unpack_util: could not remove %s\n", tmpdir);
}

static bool have_tmpdir(void)
{
    if ( !tmpdir[0] )
    {
        strcpy(tmpdir, "/tmp/test_unpack.XXXXXX");
        if ( !mkdtemp(tmpdir) )
        {
            tmpdir[0] = 0;
            return false;
        }
        atexit(remove_tmpdir);
    }
    return true;
}

bool tool_available(const char *tool)
{
    static char known[8][16];
    static bool present[8];
    char cmd[64];
    unsigned int i;

    for ( i = 0; i < 8 && known[i][0]; i++ )
        if ( !strcmp(known[i], tool) )
            return present[i];
    snprintf(cmd, sizeof(cmd), "%s --version >/dev/null 2>&1", tool);
    present[i % 8] = system(cmd) == 0 && have_tmpdir();
    snprintf(known[i % 8], sizeof(known[0]), "%s", tool);
    if ( !present[i % 8] )
        printf("  SKIP: no %s on this host; only embedded vectors\n", tool);
    return present[i % 8];
}

uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long n;

    if ( !f )
        return NULL;
    if ( fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
         fseek(f, 0, SEEK_SET) == 0 )
    {
        p = malloc(n ? n : 1);
        if ( fread(p, 1, n, f) != (size_t)n )
        {
            free(p);
            p = NULL;
        }
        *len = n;
    }
    fclose(f);
    return p;
}

static bool write_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(p, 1, len, f) == len;

    if ( f && fclose(f) )
        ok = false;
    return ok;
}

uint8_t *run_tool(const char *cmd, const void *data, size_t len,
                  size_t *out_len)
{
    char in[128], out[128], line[512];
    uint8_t *res;

    snprintf(in, sizeof(in), "%s/in", tmpdir);
    snprintf(out, sizeof(out), "%s/out", tmpdir);
    snprintf(line, sizeof(line), "%s -c <'%s' >'%s'", cmd, in, out);
    if ( !have_tmpdir() || !write_file(in, data, len) || system(line) != 0 ||
         !(res = read_file(out, out_len)) )
    {
        CHECK(!"a host compressor failed");
        printf("  command: %s\n", line);
        return NULL;
    }
    return res;
}

uint32_t ref_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = ~0u;

    while ( n-- )
    {
        c ^= *p++;
        for ( int k = 0; k < 8; k++ )
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

/* --- bzImage. --- */

unsigned int bz_sects = BZ_SETUP_SECTS;

void put_le_at(uint8_t *p, uint64_t v, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
        p[i] = v >> (8 * i);
}

uint8_t *make_bzimage(const uint8_t *payload, size_t len, uint32_t appended,
                      size_t *size)
{
    size_t plen = len + (appended ? 4 : 0);
    size_t pm = ((bz_sects ?: 4) + 1) * 512;
    uint8_t *img;

    *size = pm + BZ_PAYLOAD_OFF + plen + 100;
    img = calloc(1, *size);
    img[0x1f1] = bz_sects;
    put_le_at(img + 0x1fe, 0xaa55, 2);
    memcpy(img + 0x202, "HdrS", 4);
    put_le_at(img + 0x206, 0x020f, 2);
    put_le_at(img + 0x248, BZ_PAYLOAD_OFF, 4);
    put_le_at(img + 0x24c, plen, 4);
    memcpy(img + pm + BZ_PAYLOAD_OFF, payload, len);
    if ( appended )
        put_le_at(img + pm + BZ_PAYLOAD_OFF + len, appended, 4);
    return img;
}
