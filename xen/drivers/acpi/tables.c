/*
 * drivers/acpi/tables.c: find, validate and index the firmware's ACPI
 * tables.
 *
 * Theory of operation
 *
 * The firmware leaves a tree of tables in memory. The RSDP, found by the
 * boot loader or by scanning the BIOS areas, names a root table: the RSDT
 * (32-bit entries) or, from ACPI 2.0, the XSDT (64-bit entries). Each entry
 * is the physical address of a table that starts with a 36-byte header
 * giving its signature and length, and whose bytes sum to zero. The FADT
 * further points at the DSDT, which the root does not list.
 *
 * Everything here is firmware input, so nothing is trusted until checked,
 * and one bad table never costs us the others:
 *  - the RSDP must carry its signature and checksum, and from revision 2 the
 *    extended checksum over its length too;
 *  - the XSDT is used when the RSDP offers one and it validates, else the
 *    RSDT; a bad root table is fatal (-EINVAL), there is nothing to walk;
 *  - a table is good if its header can be read, its length is at least the
 *    header and at most ACPI_MAX_TABLE_LEN, and it sums to zero;
 *  - entries that are NULL, point back at the root or at another root
 *    table, repeat an earlier entry, or name a bad table are reported on one
 *    line each and skipped.
 *
 * acpi_tables_init() does all the checking once and records the good tables
 * (physical address and mapped header) in a fixed index, root first. Later
 * lookups walk that index and never revalidate; the mappings stay valid as
 * the map function promises. The FACS has no header or checksum and is not
 * recorded. What the tables say is decoded elsewhere (fadt.c, madt.c,
 * hpet.c), from the validated copies acpi_get_table() returns.
 *
 * Memory is read only through the caller's map function, so this file has
 * no dependency on the hypervisor's page tables and runs in host tests.
 * Init runs once, on the boot CPU, before anything else reads the index:
 * there is no locking.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>

/* Bigger than any real table (large DSDTs are a few hundred KiB). */
#define ACPI_MAX_TABLE_LEN  (16u << 20)
/* The RSDP is 36 bytes today; allow for growth, but not for nonsense. */
#define ACPI_MAX_RSDP_LEN   4096u

/* Where to look for an RSDP when the boot loader did not pass one. */
#define EBDA_SEGMENT_PTR    0x40e       /* BDA word: EBDA real-mode segment */
#define EBDA_SCAN_LEN       1024
#define BIOS_AREA_START     0xe0000
#define BIOS_AREA_END       0x100000
#define RSDP_ALIGN          16

#define HDR_LEN             sizeof(struct acpi_table_header)

struct acpi_table_rec {
    paddr_t pa;
    const struct acpi_table_header *hdr;    /* hdr->length bytes mapped */
};

static struct {
    bool have_rsdp;
    bool rsdp_is_copy;          /* from the boot loader: address unknown */
    paddr_t rsdp_pa;
    size_t rsdp_len;            /* validated bytes: 20, or its length */
    struct acpi_rsdp rsdp;      /* first min(rsdp_len, 36) bytes valid */
    unsigned int root_entry_size;   /* 4: RSDT; 8: XSDT */
    unsigned int nr_tables;     /* tables[0] is the root */
    unsigned int nr_dropped;    /* good tables that did not fit */
    struct acpi_table_rec tables[ACPI_MAX_TABLES];
} acpi;

/* The caller's map function, set only while acpi_tables_init() runs. */
static acpi_map_fn map_fn;

/* Bumped by every reset of the index: see acpi_tables_generation(). */
static unsigned int generation;

static const void *map(paddr_t pa, size_t len)
{
    if ( len == 0 || pa + len - 1 < pa )
        return NULL;
    return map_fn(pa, len);
}

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    size_t i;

    for ( i = 0; i < len; i++ )
        sum += b[i];
    return sum;
}

/*
 * Make a fixed-size firmware string printable: NUL padding becomes spaces,
 * other unprintable bytes '?'. out has room for n + 1 bytes.
 */
static void printable(char *out, const char *in, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        if ( in[i] == '\0' )
            out[i] = ' ';
        else if ( in[i] < 0x20 || in[i] > 0x7e )
            out[i] = '?';
        else
            out[i] = in[i];
    }
    out[n] = '\0';
}

static bool sig_is(const struct acpi_table_header *hdr, const char *sig)
{
    return !memcmp(hdr->signature, sig, sizeof(hdr->signature));
}

/* ---- The RSDP ---- */

/*
 * Check the RSDP r, of which avail bytes are readable. On success return
 * true and set *used to the bytes that were validated: 20 for revision 0,
 * or for a later revision whose extended part is not readable (the caller
 * then uses the RSDT); else the extended length. On failure say why.
 */
static bool rsdp_check(const struct acpi_rsdp *r, size_t avail, size_t *used,
                       char *why, size_t why_len)
{
    if ( avail < ACPI_RSDP_V1_SIZE )
    {
        snprintf(why, why_len, "only %lu bytes", (unsigned long)avail);
        return false;
    }
    if ( memcmp(r->signature, ACPI_RSDP_SIGNATURE, sizeof(r->signature)) )
    {
        snprintf(why, why_len, "no \"%s\" signature", ACPI_RSDP_SIGNATURE);
        return false;
    }
    if ( checksum(r, ACPI_RSDP_V1_SIZE) )
    {
        snprintf(why, why_len, "bad checksum");
        return false;
    }

    *used = ACPI_RSDP_V1_SIZE;
    if ( r->revision < 2 || avail < sizeof(*r) )
        return true;

    if ( r->length < sizeof(*r) || r->length > avail )
    {
        snprintf(why, why_len, "r%u length %#x implausible or truncated",
                 r->revision, r->length);
        return false;
    }
    if ( checksum(r, r->length) )
    {
        snprintf(why, why_len, "bad extended checksum");
        return false;
    }
    *used = r->length;
    return true;
}

static void rsdp_accept(const struct acpi_rsdp *r, size_t used, paddr_t pa,
                        bool is_copy)
{
    acpi.have_rsdp = true;
    acpi.rsdp_is_copy = is_copy;
    acpi.rsdp_pa = pa;
    acpi.rsdp_len = used;
    memcpy(&acpi.rsdp, r, min(used, sizeof(acpi.rsdp)));
}

static int rsdp_from_loader(const struct acpi_rsdp *r, size_t len)
{
    char why[64];
    size_t used;

    if ( !rsdp_check(r, len, &used, why, sizeof(why)) )
    {
        printk(XENLOG_ERR "ACPI: boot loader's RSDP: %s\n", why);
        return -EINVAL;
    }
    if ( r->revision >= 2 && used == ACPI_RSDP_V1_SIZE )
        printk(XENLOG_WARNING
               "ACPI: boot loader's RSDP is r%u but only %lu bytes: using the RSDT\n",
               r->revision, (unsigned long)len);
    rsdp_accept(r, used, 0, true);
    return 0;
}

/* Map and check a candidate RSDP at pa whose signature has matched. */
static bool rsdp_probe(paddr_t pa, char *why, size_t why_len)
{
    const struct acpi_rsdp *r = map(pa, ACPI_RSDP_V1_SIZE);
    size_t avail = ACPI_RSDP_V1_SIZE, used;

    if ( r && r->revision >= 2 )
    {
        r = map(pa, sizeof(*r));
        avail = sizeof(*r);
        if ( r && r->length > sizeof(*r) && r->length <= ACPI_MAX_RSDP_LEN )
        {
            avail = r->length;
            r = map(pa, avail);
        }
    }
    if ( !r )
    {
        snprintf(why, why_len, "cannot be mapped");
        return false;
    }
    if ( !rsdp_check(r, avail, &used, why, why_len) )
        return false;
    rsdp_accept(r, used, pa, false);
    return true;
}

/*
 * Look for an RSDP starting in [start, start + len) on a 16-byte boundary.
 * Count candidates that carry the signature but fail their checks in *bad.
 */
static bool rsdp_scan_area(paddr_t start, size_t len, unsigned int *bad)
{
    const char *area = map(start, len);
    char why[64];
    size_t off;

    if ( !area )
        return false;

    for ( off = 0; off + sizeof(ACPI_RSDP_SIGNATURE) - 1 <= len;
          off += RSDP_ALIGN )
    {
        if ( memcmp(area + off, ACPI_RSDP_SIGNATURE, 8) )
            continue;
        if ( rsdp_probe(start + off, why, sizeof(why)) )
            return true;
        printk(XENLOG_WARNING "ACPI: RSDP candidate at 0x%08lx: %s: ignored\n",
               (unsigned long)(start + off), why);
        (*bad)++;
    }
    return false;
}

static int rsdp_scan(void)
{
    const uint8_t *bda = map(EBDA_SEGMENT_PTR, 2);
    paddr_t ebda = bda ? (paddr_t)(bda[0] | (bda[1] << 8)) << 4 : 0;
    unsigned int bad = 0;

    if ( ebda && rsdp_scan_area(ebda, EBDA_SCAN_LEN, &bad) )
        return 0;
    if ( rsdp_scan_area(BIOS_AREA_START, BIOS_AREA_END - BIOS_AREA_START,
                        &bad) )
        return 0;

    if ( bad )
    {
        printk(XENLOG_ERR "ACPI: no valid RSDP: %u candidate(s) failed their checks\n",
               bad);
        return -EINVAL;
    }
    printk(XENLOG_WARNING
           "ACPI: no RSDP found in the EBDA or at 0x000e0000-0x000fffff\n");
    return -ENOENT;
}

/* ---- Tables ---- */

/*
 * Map and validate the table at pa. *hdr is set as soon as the header is
 * readable, so a caller can name a table that fails a later check; the
 * function returns true only if every check passes.
 */
static bool table_check(paddr_t pa, const struct acpi_table_header **hdr,
                        char *why, size_t why_len)
{
    const struct acpi_table_header *h = map(pa, HDR_LEN);
    uint32_t len;

    *hdr = h;
    if ( !h )
    {
        snprintf(why, why_len, "cannot be mapped");
        return false;
    }

    len = h->length;
    if ( len < HDR_LEN )
    {
        snprintf(why, why_len, "length %#x is shorter than the header", len);
        return false;
    }
    if ( len > ACPI_MAX_TABLE_LEN )
    {
        snprintf(why, why_len, "length %#x is implausible", len);
        return false;
    }

    h = map(pa, len);
    if ( !h )
    {
        snprintf(why, why_len, "length %#x cannot be mapped in full", len);
        return false;
    }
    *hdr = h;
    if ( h->length != len )
    {
        /* Only if the map function hands out memory that changes. */
        snprintf(why, why_len, "length changed while being read");
        return false;
    }
    if ( checksum(h, len) )
    {
        snprintf(why, why_len, "bad checksum");
        return false;
    }
    return true;
}

static int table_find(paddr_t pa)
{
    unsigned int i;

    for ( i = 0; i < acpi.nr_tables; i++ )
        if ( acpi.tables[i].pa == pa )
            return i;
    return -1;
}

static void table_skip(const char *where, paddr_t pa,
                       const struct acpi_table_header *hdr, const char *why)
{
    char sig[sizeof("table")] = "table";

    if ( hdr )
        printable(sig, hdr->signature, 4);
    printk(XENLOG_WARNING "ACPI: %s (%s at 0x%08lx): %s: skipped\n",
           where, sig, (unsigned long)pa, why);
}

/*
 * The checks of an entry at pa beyond those of table_check(): it must not
 * lead back to a root table or repeat a recorded table, and if sig is not
 * NULL it must carry that signature. *hdr names the table when known.
 */
static bool table_acceptable(paddr_t pa, const char *sig,
                             const struct acpi_table_header **hdr,
                             char *why, size_t why_len)
{
    const struct acpi_table_rec *root = &acpi.tables[0];
    char root_sig[5];
    int dup;

    if ( !pa )
    {
        snprintf(why, why_len, "NULL address");
        return false;
    }
    if ( pa == root->pa )
    {
        *hdr = root->hdr;
        printable(root_sig, root->hdr->signature, 4);
        snprintf(why, why_len, "points to the %s itself", root_sig);
        return false;
    }
    dup = table_find(pa);
    if ( dup >= 0 )
    {
        *hdr = acpi.tables[dup].hdr;
        snprintf(why, why_len, "already recorded");
        return false;
    }

    if ( !table_check(pa, hdr, why, why_len) )
        return false;
    if ( sig_is(*hdr, ACPI_SIG_RSDT) || sig_is(*hdr, ACPI_SIG_XSDT) )
    {
        snprintf(why, why_len, "is a root table");
        return false;
    }
    if ( sig && !sig_is(*hdr, sig) )
    {
        snprintf(why, why_len, "is not a %s", sig);
        return false;
    }
    return true;
}

static void fadt_follow(const struct acpi_table_fadt *fadt);

/*
 * Validate the table at pa, which where (e.g. "RSDT entry 3") names, and
 * record it; if sig is not NULL the table must carry that signature. The
 * first FADT recorded brings its DSDT in after it.
 */
static void table_add(const char *where, paddr_t pa, const char *sig)
{
    const struct acpi_table_header *hdr = NULL;
    char why[80];
    bool first_fadt;

    if ( !table_acceptable(pa, sig, &hdr, why, sizeof(why)) )
    {
        table_skip(where, pa, hdr, why);
        return;
    }

    if ( acpi.nr_tables == ACPI_MAX_TABLES )
    {
        acpi.nr_dropped++;
        return;
    }
    first_fadt = sig_is(hdr, ACPI_SIG_FADT) &&
                 !acpi_get_table(ACPI_SIG_FADT, 0);
    acpi.tables[acpi.nr_tables].pa = pa;
    acpi.tables[acpi.nr_tables].hdr = hdr;
    acpi.nr_tables++;

    if ( first_fadt )
        fadt_follow((const struct acpi_table_fadt *)hdr);
}

/* The DSDT is not in the root table; the (first) FADT names it. */
static void fadt_follow(const struct acpi_table_fadt *fadt)
{
    paddr_t pa = 0;

    if ( ACPI_TABLE_HAS(fadt, dsdt) )
        pa = fadt->dsdt;
    if ( ACPI_TABLE_HAS(fadt, x_dsdt) && fadt->x_dsdt )
    {
        if ( pa && pa != fadt->x_dsdt )
            printk(XENLOG_WARNING
                   "ACPI: FADT DSDT 0x%08lx and X_DSDT 0x%08lx differ: using X_DSDT\n",
                   (unsigned long)pa, (unsigned long)fadt->x_dsdt);
        pa = fadt->x_dsdt;
    }
    table_add("FADT DSDT", pa, ACPI_SIG_DSDT);
}

/* Validate the root table at pa (sig: RSDT or XSDT) and record it first. */
static bool root_use(paddr_t pa, const char *sig, unsigned int entry_size)
{
    const struct acpi_table_header *hdr;
    char why[80];

    if ( !pa )
        snprintf(why, sizeof(why), "NULL address");
    else if ( table_check(pa, &hdr, why, sizeof(why)) )
    {
        if ( sig_is(hdr, sig) )
        {
            acpi.root_entry_size = entry_size;
            acpi.tables[0].pa = pa;
            acpi.tables[0].hdr = hdr;
            acpi.nr_tables = 1;
            return true;
        }
        snprintf(why, sizeof(why), "signature is not %s", sig);
    }
    printk(XENLOG_WARNING "ACPI: %s at 0x%08lx: %s\n",
           sig, (unsigned long)pa, why);
    return false;
}

static int root_select(void)
{
    const struct acpi_rsdp *r = &acpi.rsdp;

    if ( acpi.rsdp_len >= sizeof(*r) && r->xsdt_address )
    {
        if ( root_use(r->xsdt_address, ACPI_SIG_XSDT, 8) )
            return 0;
        printk(XENLOG_WARNING "ACPI: XSDT unusable: falling back to the RSDT\n");
    }
    if ( root_use(r->rsdt_address, ACPI_SIG_RSDT, 4) )
        return 0;
    printk(XENLOG_ERR "ACPI: no usable root table (RSDT/XSDT)\n");
    return -EINVAL;
}

static void root_walk(void)
{
    const struct acpi_table_header *root = acpi.tables[0].hdr;
    const uint8_t *entries = (const uint8_t *)root + HDR_LEN;
    unsigned int esize = acpi.root_entry_size;
    unsigned int body = root->length - HDR_LEN, i;
    char root_sig[5], where[32];

    printable(root_sig, root->signature, 4);
    if ( body % esize )
        printk(XENLOG_WARNING
               "ACPI: %s length %#x is not 36 + a multiple of %u: ignoring %u trailing bytes\n",
               root_sig, root->length, esize, body % esize);

    for ( i = 0; i < body / esize; i++ )
    {
        uint64_t pa = 0;

        memcpy(&pa, entries + i * esize, esize);    /* little-endian */
        snprintf(where, sizeof(where), "%s entry %u", root_sig, i);
        table_add(where, pa, NULL);
    }

    if ( acpi.nr_dropped )
        printk(XENLOG_WARNING
               "ACPI: more than %u tables: %u ignored\n",
               ACPI_MAX_TABLES, acpi.nr_dropped);
}

int acpi_tables_init(const void *rsdp, size_t rsdp_len, acpi_map_fn map)
{
    int rc;

    ASSERT(map);
    acpi_tables_reset();
    map_fn = map;

    rc = rsdp ? rsdp_from_loader(rsdp, rsdp_len) : rsdp_scan();
    if ( !rc )
        rc = root_select();
    if ( !rc )
        root_walk();

    map_fn = NULL;
    if ( rc )
        acpi_tables_reset();
    return rc;
}

void acpi_tables_reset(void)
{
    memset(&acpi, 0, sizeof(acpi));
    generation++;
}

unsigned int acpi_tables_generation(void)
{
    return generation;
}

/* ---- Lookups ---- */

const struct acpi_table_header *acpi_get_table(const char sig[4],
                                               unsigned int instance)
{
    unsigned int i;

    for ( i = 0; i < acpi.nr_tables; i++ )
        if ( sig_is(acpi.tables[i].hdr, sig) && instance-- == 0 )
            return acpi.tables[i].hdr;
    return NULL;
}

/* ---- Dump ---- */

static void dump_table(const struct acpi_table_rec *t)
{
    const struct acpi_table_header *h = t->hdr;
    char sig[5], oem[7], oem_table[9], creator[5];

    printable(sig, h->signature, 4);
    printable(oem, h->oem_id, 6);
    printable(oem_table, h->oem_table_id, 8);
    printable(creator, h->creator_id, 4);
    printk("ACPI: %s %08lX, %04X (r%u %s %s %8X %s %8X)\n",
           sig, (unsigned long)t->pa, h->length, h->revision, oem,
           oem_table, h->oem_revision, creator, h->creator_revision);
}

void acpi_dump_tables(void)
{
    char oem[7];
    unsigned int i;

    if ( !acpi.have_rsdp )
    {
        printk("ACPI: no tables\n");
        return;
    }

    printable(oem, acpi.rsdp.oem_id, 6);
    if ( acpi.rsdp_is_copy )
        printk("ACPI: RSDP (loader copy), %04X (r%u %s)\n",
               (unsigned int)acpi.rsdp_len, acpi.rsdp.revision, oem);
    else
        printk("ACPI: RSDP %08lX, %04X (r%u %s)\n",
               (unsigned long)acpi.rsdp_pa, (unsigned int)acpi.rsdp_len,
               acpi.rsdp.revision, oem);

    for ( i = 0; i < acpi.nr_tables; i++ )
        dump_table(&acpi.tables[i]);
}
