/*
 * acpi_fake.c: fake physical memory and ACPI table builders. See
 * acpi_fake.h.
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/lib.h>

#include "acpi_fake.h"
#include "harness.h"

static uint8_t low_mem[0x100000];
static uint8_t high_mem[0x20000];
static uint8_t top_mem[0x10000];

static const struct region {
    paddr_t base;
    size_t size;
    uint8_t *buf;
} regions[] = {
    { 0, sizeof(low_mem), low_mem },
    { 0x07fe0000, sizeof(high_mem), high_mem },
    { 0x100000000ul, sizeof(top_mem), top_mem },
};

const void *fake_map(paddr_t pa, size_t len)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(regions); i++ )
    {
        const struct region *r = &regions[i];

        if ( pa >= r->base && len <= r->size && pa - r->base <= r->size - len )
            return r->buf + (pa - r->base);
    }
    return NULL;
}

void fake_clear(void)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(regions); i++ )
        memset(regions[i].buf, 0, regions[i].size);
    acpi_tables_reset();
}

void *mem(paddr_t pa)
{
    void *p = (void *)fake_map(pa, 1);

    if ( !p )
        panic("test bug: no fake memory at %#lx", (unsigned long)pa);
    return p;
}

struct acpi_table_header *hdr_at(paddr_t pa)
{
    return mem(pa);
}

uint8_t sum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while ( n-- )
        s += *b++;
    return s;
}

void fix_checksum(paddr_t pa)
{
    struct acpi_table_header *h = hdr_at(pa);

    h->checksum = 0;
    h->checksum = -sum(h, h->length);
}

struct acpi_table_header *put_table(paddr_t pa, const char *sig,
                                   uint32_t len, uint8_t rev)
{
    struct acpi_table_header *h = hdr_at(pa);

    if ( !fake_map(pa, len) )
        panic("test bug: table of %u bytes at %#lx not backed", len,
              (unsigned long)pa);
    memset(h, 0, len);
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, "BOCHS ", 6);
    memcpy(h->oem_table_id, "BXPC    ", 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, "BXPC", 4);
    h->creator_revision = 1;
    fix_checksum(pa);
    return h;
}

struct acpi_table_header *put_table_body(paddr_t pa, const char *sig,
                                        uint8_t rev, const void *body,
                                        size_t body_len)
{
    struct acpi_table_header *h = put_table(pa, sig, 36 + body_len, rev);

    memcpy((uint8_t *)h + 36, body, body_len);
    fix_checksum(pa);
    return h;
}

void set_length(paddr_t pa, uint32_t len)
{
    hdr_at(pa)->length = len;
    if ( len >= sizeof(struct acpi_table_header) && len <= 0x1000 )
        fix_checksum(pa);
}

void put_rsdt(paddr_t pa, const uint32_t *e, unsigned int n)
{
    put_table_body(pa, "RSDT", 1, e, 4 * n);
}

void put_xsdt(paddr_t pa, const uint64_t *e, unsigned int n)
{
    put_table_body(pa, "XSDT", 1, e, 8 * n);
}

struct acpi_rsdp *put_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt,
                           uint64_t xsdt)
{
    struct acpi_rsdp *r = mem(pa);

    memset(r, 0, sizeof(*r));
    memcpy(r->signature, "RSD PTR ", 8);
    memcpy(r->oem_id, "BOCHS ", 6);
    r->revision = rev;
    r->rsdt_address = rsdt;
    if ( rev >= 2 )
    {
        r->length = sizeof(*r);
        r->xsdt_address = xsdt;
    }
    r->checksum = -sum(r, ACPI_RSDP_V1_SIZE);
    if ( rev >= 2 )
        r->extended_checksum = -sum(r, sizeof(*r));
    return r;
}

int fake_boot(const uint32_t *e, unsigned int n)
{
    put_rsdt(RSDT_PA, e, n);
    put_rsdp(RSDP_PA, 0, RSDT_PA, 0);
    return acpi_tables_init(NULL, 0, fake_map);
}

int fake_boot_fast(const uint32_t *e, unsigned int n)
{
    put_rsdt(RSDT_PA, e, n);
    return acpi_tables_init(put_rsdp(RSDP_PA, 0, RSDT_PA, 0),
                            ACPI_RSDP_V1_SIZE, fake_map);
}

uint32_t fake_rand(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

bool log_clean(void)
{
    return !harness_log_contains(XENLOG_WARNING) &&
           !harness_log_contains(XENLOG_ERR);
}
