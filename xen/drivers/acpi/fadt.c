/*
 * drivers/acpi/fadt.c: the FADT's fixed hardware, and the S5 sleep type in
 * the DSDT that goes with it.
 *
 * Theory of operation
 *
 * The FADT says where the fixed ACPI hardware is: the PM timer, the PM1
 * control blocks through which the OS enters sleep states, the reset
 * register, the SCI, plus a few facts about the platform (the CMOS century
 * index, the IA-PC boot architecture flags). The table grew over time: an
 * ACPI 1.0 FADT is 116 bytes of 32-bit I/O port numbers, ACPI 2.0 (FADT
 * revision 3) appended the reset register and "X_" Generic Address
 * Structures that may replace the old port fields. So every field is read
 * only once the table's length is known to cover it (ACPI_TABLE_HAS), an
 * X_ block is preferred when it is present, non-zero and in system I/O
 * space, and otherwise the 32-bit field is used. A block whose port or
 * length makes no sense is reported and left out (port 0), never guessed.
 *
 * Powering off (S5) needs one more pair of values, SLP_TYPa/b, which the
 * firmware only gives as AML: the DSDT object Name(\_S5, Package(){a, b,
 * ...}). We do not interpret AML. We look for its encoding, NameOp
 * optionally followed by the root prefix '\', the name "_S5_", then
 * PackageOp, PkgLength, NumElements and integer elements, and decode only
 * that, every step bounded by the package and by the DSDT's length. The
 * first such definition decides: a malformed one is reported, not skipped
 * in the hope of a better one.
 *
 * Nothing here touches hardware; the tables come validated (length and
 * checksum) from tables.c, and results go back in plain structures.
 * acpi_fadt() keeps one parsed copy for the timer and power-off code, and
 * parses again only when tables.c says the index was rebuilt. Boot runs on
 * one CPU, so there is no locking.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>

#define IO_PORT_MAX             0xffffu

/* A CMOS century index must avoid the RTC registers and stay in bank 0. */
#define CMOS_CENTURY_MIN        0x0e
#define CMOS_CENTURY_MAX        0x7f

/* IAPC_BOOT_ARCH is defined from FADT revision 3 (ACPI 2.0). */
#define FADT_BOOT_ARCH_REV      3
#define FADT_BOOT_ARCH_ASSUMED  (ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042)

#define PM_TMR_LEN              4   /* bytes */
#define PM1_CNT_MIN_LEN         2

static const struct acpi_table_fadt *fadt_get(void)
{
    return (const void *)acpi_get_table(ACPI_SIG_FADT, 0);
}

/* ---- The reset register ---- */

static int reset_reg_check(const struct acpi_table_fadt *fadt,
                           struct acpi_generic_address *reg, uint8_t *value)
{
    struct acpi_generic_address r;

    if ( !ACPI_TABLE_HAS(fadt, reset_value) )
    {
        printk(XENLOG_INFO
               "ACPI: FADT r%u is %u bytes, too short for a reset register\n",
               fadt->header.revision, fadt->header.length);
        return -ENODEV;
    }
    if ( !(fadt->flags & ACPI_FADT_RESET_REG_SUP) )
    {
        printk(XENLOG_INFO "ACPI: FADT reset register not supported (flags %#x)\n",
               fadt->flags);
        return -ENODEV;
    }

    r = fadt->reset_reg;
    if ( r.space_id != ACPI_ADR_SPACE_SYSTEM_IO &&
         r.space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT reset register in address space %u, not I/O or memory: unused\n",
               r.space_id);
        return -EINVAL;
    }
    if ( r.bit_width != 8 )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT reset register is %u bits wide, not 8: unused\n",
               r.bit_width);
        return -EINVAL;
    }
    if ( !r.address ||
         (r.space_id == ACPI_ADR_SPACE_SYSTEM_IO && r.address > IO_PORT_MAX) )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT reset register has bad %s address %#lx: unused\n",
               r.space_id == ACPI_ADR_SPACE_SYSTEM_IO ? "I/O" : "memory",
               (unsigned long)r.address);
        return -EINVAL;
    }

    *reg = r;
    *value = fadt->reset_value;
    return 0;
}

int acpi_fadt_reset_reg(struct acpi_generic_address *reg, uint8_t *value)
{
    const struct acpi_table_fadt *fadt = fadt_get();

    if ( !fadt )
    {
        printk(XENLOG_WARNING "ACPI: no FADT: no reset register\n");
        return -ENODEV;
    }
    return reset_reg_check(fadt, reg, value);
}

/* ---- Fixed hardware blocks ---- */

/* One fixed block: its 32-bit field, and its X_ GAS if the table has one. */
struct fadt_block {
    const char *name;           /* "PM_TMR_BLK" */
    uint32_t port;              /* the 32-bit field */
    uint8_t len;                /* the 32-bit field's length, in bytes */
    const struct acpi_generic_address *x;   /* NULL: beyond the table */
    unsigned int need;          /* bytes the hypervisor will access */
};

static bool port_range_ok(uint64_t port, unsigned int len)
{
    return port && port <= IO_PORT_MAX + 1 - len;
}

/* The X_ block's port, or 0 (reported unless simply absent). */
static uint16_t block_x_port(const struct fadt_block *b)
{
    const struct acpi_generic_address *x = b->x;

    if ( !x || !x->address )
        return 0;
    if ( x->space_id != ACPI_ADR_SPACE_SYSTEM_IO )
    {
        printk(XENLOG_INFO
               "ACPI: FADT X_%s is in address space %u, not I/O: using %s\n",
               b->name, x->space_id, b->name);
        return 0;
    }
    if ( !port_range_ok(x->address, b->need) ||
         (x->bit_width && x->bit_width < b->need * 8) )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT X_%s I/O port %#lx, %u bits, is unusable: using %s\n",
               b->name, (unsigned long)x->address, x->bit_width, b->name);
        return 0;
    }
    if ( b->port && b->port != x->address )
        printk(XENLOG_WARNING
               "ACPI: FADT %s %#x and X_%s %#lx differ: using X_%s\n",
               b->name, b->port, b->name, (unsigned long)x->address, b->name);
    return x->address;
}

/* The 32-bit field's port, or 0 (reported unless simply absent). */
static uint16_t block_port(const struct fadt_block *b)
{
    if ( !b->port )
        return 0;
    if ( b->len < b->need || !port_range_ok(b->port, b->need) )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT %s I/O port %#x, length %u, is unusable: ignored\n",
               b->name, b->port, b->len);
        return 0;
    }
    return b->port;
}

static uint16_t block_choose(const struct fadt_block *b)
{
    uint16_t port = block_x_port(b);

    return port ? port : block_port(b);
}

static void fadt_fixed_blocks(const struct acpi_table_fadt *f,
                              struct acpi_fadt_info *info)
{
    const struct fadt_block tmr = {
        "PM_TMR_BLK", f->pm_tmr_blk, f->pm_tmr_len,
        ACPI_TABLE_HAS(f, x_pm_tmr_blk) ? &f->x_pm_tmr_blk : NULL,
        PM_TMR_LEN,
    };
    const struct fadt_block pm1a = {
        "PM1a_CNT_BLK", f->pm1a_cnt_blk, f->pm1_cnt_len,
        ACPI_TABLE_HAS(f, x_pm1a_cnt_blk) ? &f->x_pm1a_cnt_blk : NULL,
        PM1_CNT_MIN_LEN,
    };
    const struct fadt_block pm1b = {
        "PM1b_CNT_BLK", f->pm1b_cnt_blk, f->pm1_cnt_len,
        ACPI_TABLE_HAS(f, x_pm1b_cnt_blk) ? &f->x_pm1b_cnt_blk : NULL,
        PM1_CNT_MIN_LEN,
    };

    if ( f->flags & ACPI_FADT_HW_REDUCED )
    {
        printk(XENLOG_INFO
               "ACPI: hardware-reduced ACPI: no PM timer or PM1 blocks\n");
        return;
    }

    info->pm_tmr_port = block_choose(&tmr);
    info->pm_tmr_32bit = f->flags & ACPI_FADT_TMR_VAL_EXT;
    info->pm1a_cnt_port = block_choose(&pm1a);
    info->pm1b_cnt_port = block_choose(&pm1b);
}

static void fadt_platform(const struct acpi_table_fadt *f,
                          struct acpi_fadt_info *info)
{
    info->revision = f->header.revision;
    info->flags = f->flags;
    info->sci_int = f->sci_int;

    if ( f->century &&
         (f->century < CMOS_CENTURY_MIN || f->century > CMOS_CENTURY_MAX) )
        printk(XENLOG_WARNING
               "ACPI: FADT century CMOS index %#x is not in %#x-%#x: ignored\n",
               f->century, CMOS_CENTURY_MIN, CMOS_CENTURY_MAX);
    else
        info->century = f->century;

    info->boot_arch_valid = f->header.revision >= FADT_BOOT_ARCH_REV;
    info->iapc_boot_arch = info->boot_arch_valid ? f->iapc_boot_arch
                                                 : FADT_BOOT_ARCH_ASSUMED;
}

static void fadt_print(const struct acpi_fadt_info *info)
{
    if ( info->pm_tmr_port )
        printk(XENLOG_INFO "ACPI: PM-Timer IO Port: %#x (%u bits)\n",
               info->pm_tmr_port, info->pm_tmr_32bit ? 32 : 24);
    printk(XENLOG_INFO
           "ACPI: FADT r%u: SCI %u, PM1a_CNT %#x, PM1b_CNT %#x, century %#x, IAPC_BOOT_ARCH %#x%s\n",
           info->revision, info->sci_int, info->pm1a_cnt_port,
           info->pm1b_cnt_port, info->century, info->iapc_boot_arch,
           info->boot_arch_valid ? "" : " (assumed)");
}

int acpi_parse_fadt(struct acpi_fadt_info *out)
{
    const struct acpi_table_fadt *f = fadt_get();
    struct acpi_fadt_info info;

    if ( !f )
    {
        printk(XENLOG_WARNING "ACPI: no FADT\n");
        return -ENOENT;
    }
    if ( f->header.length < ACPI_FADT_V1_SIZE )
    {
        printk(XENLOG_WARNING
               "ACPI: FADT r%u is %u bytes, shorter than ACPI 1.0's %u: ignored\n",
               f->header.revision, f->header.length, ACPI_FADT_V1_SIZE);
        return -EINVAL;
    }

    memset(&info, 0, sizeof(info));
    fadt_platform(f, &info);
    fadt_fixed_blocks(f, &info);
    info.reset_reg_valid = !reset_reg_check(f, &info.reset_reg,
                                            &info.reset_value);
    fadt_print(&info);

    *out = info;
    return 0;
}

const struct acpi_fadt_info *acpi_fadt(void)
{
    static struct acpi_fadt_info info;
    static bool parsed, valid;
    static unsigned int generation;

    if ( !parsed || generation != acpi_tables_generation() )
    {
        valid = !acpi_parse_fadt(&info);
        parsed = true;
        generation = acpi_tables_generation();
    }
    return valid ? &info : NULL;
}

/* ---- \_S5_ in the DSDT ---- */

#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_NAME_OP         0x08
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_QWORD_PREFIX    0x0e
#define AML_PACKAGE_OP      0x12
#define AML_ROOT_CHAR       0x5c    /* '\' */
#define AML_ONES_OP         0xff

#define SLP_TYP_MAX         7       /* a 3-bit field of PM1_CNT */

/* Bytes [pos, end) of an AML stream; pos only moves forward, up to end. */
struct aml {
    const uint8_t *b;
    size_t pos;
    size_t end;
};

/*
 * Find the first "NameOp ['\'] _S5_ PackageOp" at or after from in [0, len);
 * return the offset of its NameOp and set *pkg to that of the PackageOp.
 * Returns len if there is none.
 */
static size_t s5_find(const uint8_t *b, size_t from, size_t len, size_t *pkg)
{
    size_t i, j;

    for ( i = from; i < len; i++ )
    {
        if ( b[i] != AML_NAME_OP )
            continue;
        j = i + 1;
        if ( j < len && b[j] == AML_ROOT_CHAR )
            j++;
        if ( len - j < 5 || memcmp(&b[j], "_S5_", 4) ||
             b[j + 4] != AML_PACKAGE_OP )
            continue;
        *pkg = j + 4;
        return i;
    }
    return len;
}

/*
 * Decode a PkgLength at a->pos: one lead byte whose top two bits count the
 * bytes that follow (0-3). Alone, its low six bits are the length; else its
 * low four bits are the least significant, bits 4-5 must be zero, and each
 * following byte adds eight more. The length counts itself.
 */
static int aml_pkg_length(struct aml *a, uint32_t *len)
{
    unsigned int extra, i;
    uint8_t lead;

    if ( a->pos >= a->end )
        return -EINVAL;
    lead = a->b[a->pos];
    extra = lead >> 6;
    if ( !extra )
    {
        *len = lead & 0x3f;
        a->pos++;
        return 0;
    }
    if ( (lead & 0x30) || a->end - a->pos < extra + 1 )
        return -EINVAL;

    *len = lead & 0x0f;
    for ( i = 1; i <= extra; i++ )
        *len |= (uint32_t)a->b[a->pos + i] << (4 + 8 * (i - 1));
    a->pos += extra + 1;
    return 0;
}

/*
 * Decode an integer constant at a->pos. Returns -EINVAL if it is not one,
 * -EOVERFLOW if it runs past a->end.
 */
static int aml_integer(struct aml *a, uint64_t *val)
{
    unsigned int size = 0, i;
    uint8_t op;

    if ( a->pos >= a->end )
        return -EOVERFLOW;
    op = a->b[a->pos];
    switch ( op )
    {
    case AML_ZERO_OP:       *val = 0; break;
    case AML_ONE_OP:        *val = 1; break;
    case AML_ONES_OP:       *val = ~0ull; break;
    case AML_BYTE_PREFIX:   size = 1; break;
    case AML_WORD_PREFIX:   size = 2; break;
    case AML_DWORD_PREFIX:  size = 4; break;
    case AML_QWORD_PREFIX:  size = 8; break;
    default:
        return -EINVAL;
    }
    if ( a->end - a->pos - 1 < size )
        return -EOVERFLOW;

    a->pos++;
    if ( size )
        *val = 0;
    for ( i = 0; i < size; i++ )
        *val |= (uint64_t)a->b[a->pos + i] << (8 * i);
    a->pos += size;
    return 0;
}

/*
 * Enter the package whose PackageOp is at b[pkg] in a table of len bytes:
 * on success a covers the package's elements and *nr is their count. On
 * failure say why.
 */
static bool s5_open(const uint8_t *b, size_t pkg, size_t len, struct aml *a,
                    unsigned int *nr, char *why, size_t why_len)
{
    uint32_t pkg_len;

    a->b = b;
    a->pos = pkg + 1;
    a->end = len;
    if ( aml_pkg_length(a, &pkg_len) )
    {
        snprintf(why, why_len, "bad or truncated PkgLength");
        return false;
    }
    if ( pkg_len > len - (pkg + 1) )
    {
        snprintf(why, why_len,
                 "PkgLength %#x runs past the end of the DSDT (length %#lx)",
                 pkg_len, (unsigned long)len);
        return false;
    }
    /* From here on, stay inside the package. */
    a->end = pkg + 1 + pkg_len;
    if ( a->pos >= a->end )
    {
        snprintf(why, why_len, "PkgLength %#x leaves no room for NumElements",
                 pkg_len);
        return false;
    }
    *nr = b[a->pos++];
    if ( !*nr )
    {
        snprintf(why, why_len, "empty package");
        return false;
    }
    return true;
}

/*
 * Read SLP_TYPa and SLP_TYPb from the nr elements at a: two integers, or
 * one holding SLP_TYPa in bits 0-7 and SLP_TYPb in bits 8-15.
 */
static bool s5_values(struct aml *a, unsigned int nr, uint8_t typ[2],
                      char *why, size_t why_len)
{
    uint64_t val[2];
    unsigned int i;
    int rc;

    for ( i = 0; i < min(nr, 2u); i++ )
    {
        rc = aml_integer(a, &val[i]);
        if ( rc == -EINVAL )
            snprintf(why, why_len, "element %u is not an integer (opcode %#x)",
                     i, a->b[a->pos]);
        else if ( rc )
            snprintf(why, why_len, "element %u runs past the package end", i);
        if ( rc )
            return false;
    }

    if ( nr == 1 )
    {
        val[1] = (val[0] >> 8) & 0xff;
        val[0] &= 0xff;
    }
    for ( i = 0; i < 2; i++ )
        if ( val[i] > SLP_TYP_MAX )
        {
            snprintf(why, why_len, "SLP_TYP%c %#lx does not fit the 3-bit field",
                     'a' + i, (unsigned long)val[i]);
            return false;
        }

    typ[0] = val[0];
    typ[1] = val[1];
    return true;
}

int acpi_get_s5(uint8_t *slp_typa, uint8_t *slp_typb)
{
    const struct acpi_table_header *dsdt = acpi_get_table(ACPI_SIG_DSDT, 0);
    const uint8_t *b = (const uint8_t *)dsdt;
    size_t name, pkg = 0;
    struct aml a;
    unsigned int nr;
    uint8_t typ[2];
    char why[80];

    if ( !dsdt )
    {
        printk(XENLOG_WARNING "ACPI: no DSDT: no \\_S5_ (soft off) values\n");
        return -ENOENT;
    }

    name = s5_find(b, sizeof(*dsdt), dsdt->length, &pkg);
    if ( name == dsdt->length )
    {
        printk(XENLOG_WARNING "ACPI: no \\_S5_ package in the DSDT\n");
        return -ENOENT;
    }
    if ( !s5_open(b, pkg, dsdt->length, &a, &nr, why, sizeof(why)) ||
         !s5_values(&a, nr, typ, why, sizeof(why)) )
    {
        printk(XENLOG_WARNING "ACPI: DSDT \\_S5_ at offset %#lx: %s\n",
               (unsigned long)name, why);
        return -EINVAL;
    }

    printk(XENLOG_INFO "ACPI: \\_S5_ SLP_TYPa %u SLP_TYPb %u\n",
           typ[0], typ[1]);
    *slp_typa = typ[0];
    *slp_typb = typ[1];
    return 0;
}
