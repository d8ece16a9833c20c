/*
 * xen/acpi.h: the firmware's ACPI tables, as laid out in memory, and the
 * hypervisor's index of them.
 *
 * Layouts follow the ACPI specification: every structure is packed and
 * little-endian, and each has compile-time checks of its size and of the
 * offsets other code relies on. Only the parts the hypervisor reads are
 * described; a table may always be longer than its structure here (newer
 * revisions append fields), and older firmware writes shorter ones, so a
 * field may be read only if the table's header.length covers it: test with
 * ACPI_TABLE_HAS().
 *
 * acpi_tables_init() finds the RSDP, validates the root table (XSDT or
 * RSDT) and every table it lists, and records the good ones; lookups then
 * return validated tables without touching the firmware again. See
 * drivers/acpi/tables.c for the rules.
 */
#ifndef XEN_ACPI_H
#define XEN_ACPI_H

#include <xen/compiler.h>
#include <xen/types.h>

/* "RSD PTR ": the Root System Description Pointer. */
#define ACPI_RSDP_SIGNATURE     "RSD PTR "
#define ACPI_RSDP_V1_SIZE       20      /* the bytes the v1 checksum covers */

struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;           /* bytes 0-19 sum to zero */
    char oem_id[6];
    uint8_t revision;           /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
    uint32_t rsdt_address;
    /* Revision 2 and later: */
    uint32_t length;            /* of this structure, 36 today */
    uint64_t xsdt_address;
    uint8_t extended_checksum;  /* bytes 0-(length-1) sum to zero */
    uint8_t reserved[3];
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, revision) != 15);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, rsdt_address) != 16);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, length) != ACPI_RSDP_V1_SIZE);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, xsdt_address) != 24);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, extended_checksum) != 32);

/* The header every table except the FACS starts with. */
struct acpi_table_header {
    char signature[4];
    uint32_t length;            /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum;           /* bytes 0-(length-1) sum to zero */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    char creator_id[4];
    uint32_t creator_revision;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_table_header) != 36);
BUILD_BUG_ON(offsetof(struct acpi_table_header, length) != 4);
BUILD_BUG_ON(offsetof(struct acpi_table_header, checksum) != 9);
BUILD_BUG_ON(offsetof(struct acpi_table_header, oem_id) != 10);
BUILD_BUG_ON(offsetof(struct acpi_table_header, oem_table_id) != 16);
BUILD_BUG_ON(offsetof(struct acpi_table_header, oem_revision) != 24);
BUILD_BUG_ON(offsetof(struct acpi_table_header, creator_id) != 28);
BUILD_BUG_ON(offsetof(struct acpi_table_header, creator_revision) != 32);

/* True if table (a pointer to a table struct) is long enough for field. */
#define ACPI_TABLE_HAS(table, field)                                    \
    ((table)->header.length >=                                          \
     offsetof(__typeof__(*(table)), field) + sizeof((table)->field))

/* Generic Address Structure: where a register lives. */
#define ACPI_ADR_SPACE_SYSTEM_MEMORY    0
#define ACPI_ADR_SPACE_SYSTEM_IO        1
#define ACPI_ADR_SPACE_PCI_CONFIG       2

struct acpi_generic_address {
    uint8_t space_id;           /* ACPI_ADR_SPACE_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;        /* 0 undefined, 1 byte ... 4 qword */
    uint64_t address;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_generic_address) != 12);
BUILD_BUG_ON(offsetof(struct acpi_generic_address, address) != 4);

/* Table signatures the hypervisor looks up. */
#define ACPI_SIG_RSDT   "RSDT"
#define ACPI_SIG_XSDT   "XSDT"
#define ACPI_SIG_FADT   "FACP"
#define ACPI_SIG_DSDT   "DSDT"
#define ACPI_SIG_MADT   "APIC"
#define ACPI_SIG_HPET   "HPET"

/*
 * The Fixed ACPI Description Table, up to X_PM_TMR_BLK. ACPI 1.0 tables end
 * after flags (116 bytes); the reset register arrived with ACPI 2.0.
 */
#define ACPI_FADT_V1_SIZE       116

/* flags */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)

struct acpi_table_fadt {
    struct acpi_table_header header;
    uint32_t firmware_ctrl;     /* FACS */
    uint32_t dsdt;
    uint8_t reserved0;
    uint8_t preferred_pm_profile;
    uint16_t sci_int;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk;
    uint32_t pm1b_evt_blk;
    uint32_t pm1a_cnt_blk;
    uint32_t pm1b_cnt_blk;
    uint32_t pm2_cnt_blk;
    uint32_t pm_tmr_blk;
    uint32_t gpe0_blk;
    uint32_t gpe1_blk;
    uint8_t pm1_evt_len;
    uint8_t pm1_cnt_len;
    uint8_t pm2_cnt_len;
    uint8_t pm_tmr_len;
    uint8_t gpe0_blk_len;
    uint8_t gpe1_blk_len;
    uint8_t gpe1_base;
    uint8_t cst_cnt;
    uint16_t p_lvl2_lat;
    uint16_t p_lvl3_lat;
    uint16_t flush_size;
    uint16_t flush_stride;
    uint8_t duty_offset;
    uint8_t duty_width;
    uint8_t day_alrm;
    uint8_t mon_alrm;
    uint8_t century;
    uint16_t iapc_boot_arch;
    uint8_t reserved1;
    uint32_t flags;             /* ACPI_FADT_* */
    /* ACPI 2.0 and later: */
    struct acpi_generic_address reset_reg;
    uint8_t reset_value;
    uint16_t arm_boot_arch;
    uint8_t minor_revision;
    uint64_t x_firmware_ctrl;
    uint64_t x_dsdt;
    struct acpi_generic_address x_pm1a_evt_blk;
    struct acpi_generic_address x_pm1b_evt_blk;
    struct acpi_generic_address x_pm1a_cnt_blk;
    struct acpi_generic_address x_pm1b_cnt_blk;
    struct acpi_generic_address x_pm2_cnt_blk;
    struct acpi_generic_address x_pm_tmr_blk;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_table_fadt) != 220);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, firmware_ctrl) != 36);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, dsdt) != 40);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm1a_cnt_blk) != 64);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm1b_cnt_blk) != 68);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm_tmr_blk) != 76);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm_tmr_len) != 91);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, iapc_boot_arch) != 109);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, flags) != 112);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, reset_reg) != ACPI_FADT_V1_SIZE);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, reset_value) != 128);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_firmware_ctrl) != 132);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_dsdt) != 140);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_pm1a_evt_blk) != 148);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_pm1a_cnt_blk) != 172);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_pm1b_cnt_blk) != 184);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, x_pm_tmr_blk) != 208);

/*
 * Reads physical memory: returns a pointer through which [pa, pa + len)
 * can be read, or NULL if that range cannot be read. The pointer must stay
 * valid until acpi_tables_reset(): tables found by acpi_get_table() point
 * into it. The hypervisor passes a direct-map lookup; tests map buffers.
 */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);

/* The table index holds at most this many tables, the root included. */
#define ACPI_MAX_TABLES 64

/*
 * Find and validate the tables. rsdp is a copy of the RSDP that the boot
 * loader passed (rsdp_len bytes of it), or NULL to scan the BIOS areas for
 * one. Returns 0, -ENOENT (no RSDP) or -EINVAL (bad RSDP or root table);
 * every failure and every skipped table is reported with printk().
 */
int acpi_tables_init(const void *rsdp, size_t rsdp_len, acpi_map_fn map);

/*
 * The instance'th (from 0) validated table with signature sig, in the
 * order the root table lists them; NULL if there is none. Its whole
 * header.length bytes are readable and checksummed.
 */
const struct acpi_table_header *acpi_get_table(const char sig[4],
                                               unsigned int instance);

/*
 * The FADT's reset register and the value to write to it. Returns 0 and
 * fills *reg and *value; -ENODEV if the firmware offers no reset register
 * (no FADT, an ACPI 1.0 FADT, RESET_REG_SUP clear); -EINVAL if it offers
 * one that cannot be used safely (not an 8-bit I/O port or memory byte).
 */
int acpi_fadt_reset_reg(struct acpi_generic_address *reg, uint8_t *value);

/* Print the RSDP and one line per recorded table. */
void acpi_dump_tables(void);

/* Forget everything acpi_tables_init() recorded (for tests). */
void acpi_tables_reset(void);

#endif /* XEN_ACPI_H */
