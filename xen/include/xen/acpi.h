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
 *
 * The parsers of individual tables (drivers/acpi/{madt,fadt,hpet}.c) read
 * only validated tables found with acpi_get_table(), never touch hardware,
 * and hand their results back in the plain acpi_*_info structures below for
 * the x86 code to act on.
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
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)   /* PM timer is 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)  /* no fixed hardware (PM1, timer) */

/* iapc_boot_arch (FADT revision 3 and later) */
#define ACPI_FADT_LEGACY_DEVICES    (1u << 0)   /* ISA devices (LPC/SuperIO) */
#define ACPI_FADT_8042              (1u << 1)   /* a PS/2 controller */
#define ACPI_FADT_NO_VGA            (1u << 2)   /* do not probe VGA */
#define ACPI_FADT_NO_MSI            (1u << 3)
#define ACPI_FADT_NO_ASPM           (1u << 4)
#define ACPI_FADT_NO_CMOS_RTC       (1u << 5)   /* no RTC at ports 0x70/0x71 */

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
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, sci_int) != 46);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm1a_cnt_blk) != 64);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm1b_cnt_blk) != 68);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm_tmr_blk) != 76);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm1_cnt_len) != 89);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, pm_tmr_len) != 91);
BUILD_BUG_ON(offsetof(struct acpi_table_fadt, century) != 108);
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

/* Print the RSDP and one line per recorded table. */
void acpi_dump_tables(void);

/* Forget everything acpi_tables_init() recorded (for tests). */
void acpi_tables_reset(void);

/*
 * Changes whenever the index is rebuilt or forgotten: what was derived
 * from the tables before is stale. Lets parsers cache their results.
 */
unsigned int acpi_tables_generation(void);

/* ---- FADT: fixed hardware (drivers/acpi/fadt.c) ---- */

/*
 * What the hypervisor needs from the FADT, checked. Every I/O port is 0
 * when the block is absent or unusable (port 0 is never an ACPI block).
 */
struct acpi_fadt_info {
    uint8_t revision;           /* of the FADT */
    uint32_t flags;             /* ACPI_FADT_* (HW_REDUCED, TMR_VAL_EXT...) */
    uint16_t sci_int;           /* the SCI's ISA IRQ / GSI */
    uint8_t century;            /* CMOS index of the century, 0: none */
    /*
     * ACPI_FADT_LEGACY_DEVICES etc. Before FADT revision 3 the field was
     * reserved: boot_arch_valid is false and iapc_boot_arch says what any
     * PC of that age has, legacy devices and an 8042.
     */
    bool boot_arch_valid;
    uint16_t iapc_boot_arch;
    uint16_t pm_tmr_port;       /* PM timer, 0: none */
    bool pm_tmr_32bit;          /* 32 bits (TMR_VAL_EXT), else 24 */
    uint16_t pm1a_cnt_port;     /* PM1a control block, 0: none */
    uint16_t pm1b_cnt_port;     /* PM1b control block, 0: none */
    bool reset_reg_valid;       /* as acpi_fadt_reset_reg() returning 0 */
    struct acpi_generic_address reset_reg;
    uint8_t reset_value;
};

/*
 * Parse the first FADT into *out and print a summary of it. Returns 0;
 * -ENOENT if there is no (valid) FADT; -EINVAL if it is shorter than an
 * ACPI 1.0 FADT. *out is written only on success. Blocks that cannot be
 * used (not in I/O space, bad length) are reported and left 0.
 */
int acpi_parse_fadt(struct acpi_fadt_info *out);

/*
 * The FADT as acpi_parse_fadt() sees it, parsed once per acpi_tables_init()
 * on first use; NULL if it could not be parsed.
 */
const struct acpi_fadt_info *acpi_fadt(void);

/*
 * The FADT's reset register and the value to write to it. Returns 0 and
 * fills *reg and *value; -ENODEV if the firmware offers no reset register
 * (no FADT, an ACPI 1.0 FADT, RESET_REG_SUP clear); -EINVAL if it offers
 * one that cannot be used safely (not an 8-bit I/O port or memory byte).
 */
int acpi_fadt_reset_reg(struct acpi_generic_address *reg, uint8_t *value);

/*
 * The SLP_TYPa and SLP_TYPb values for S5 (soft off), from the \_S5_
 * package in the DSDT: write them to PM1a_CNT/PM1b_CNT.SLP_TYP with SLP_EN
 * to power off. Returns 0; -ENOENT if there is no DSDT or no \_S5_
 * package in it; -EINVAL if the package is malformed or its values do not
 * fit the 3-bit field. The outputs are written only on success.
 */
int acpi_get_s5(uint8_t *slp_typa, uint8_t *slp_typb);

/* ---- MADT: interrupt controllers (drivers/acpi/madt.c) ---- */

#define ACPI_MADT_PCAT_COMPAT   (1u << 0)   /* flags: dual 8259s present */

struct acpi_table_madt {
    struct acpi_table_header header;
    uint32_t lapic_address;
    uint32_t flags;             /* ACPI_MADT_PCAT_COMPAT */
    /* Followed by entries, each starting with acpi_madt_entry_header. */
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_table_madt) != 44);

/* Entry types. */
#define ACPI_MADT_LAPIC             0x0
#define ACPI_MADT_IOAPIC            0x1
#define ACPI_MADT_INT_SRC_OVR       0x2
#define ACPI_MADT_NMI_SRC           0x3
#define ACPI_MADT_LAPIC_NMI         0x4
#define ACPI_MADT_LAPIC_ADDR_OVR    0x5
#define ACPI_MADT_X2APIC            0x9
#define ACPI_MADT_X2APIC_NMI        0xa

struct acpi_madt_entry_header {
    uint8_t type;
    uint8_t length;             /* of the entry, this header included */
} __packed;

/* Local APIC and x2APIC flags. */
#define ACPI_MADT_ENABLED           (1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE    (1u << 1)   /* MADT revision 5 and later */

struct acpi_madt_lapic {
    struct acpi_madt_entry_header header;
    uint8_t acpi_uid;           /* ACPI processor UID */
    uint8_t apic_id;
    uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
    struct acpi_madt_entry_header header;
    uint8_t id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
} __packed;

/*
 * MPS INTI flags of overrides and NMI entries: polarity in bits 0-1,
 * trigger mode in bits 2-3; 0 means "as the bus defines", 2 is reserved.
 */
#define ACPI_INTI_POLARITY(f)       ((f) & 3)
#define ACPI_INTI_TRIGGER(f)        (((f) >> 2) & 3)
#define ACPI_INTI_CONFORMS          0
#define ACPI_INTI_ACTIVE_HIGH       1   /* polarity */
#define ACPI_INTI_ACTIVE_LOW        3
#define ACPI_INTI_EDGE              1   /* trigger */
#define ACPI_INTI_LEVEL             3
#define ACPI_INTI_RESERVED          2

struct acpi_madt_int_src_ovr {
    struct acpi_madt_entry_header header;
    uint8_t bus;                /* 0: ISA */
    uint8_t source;             /* the ISA IRQ */
    uint32_t gsi;
    uint16_t flags;             /* ACPI_INTI_* */
} __packed;

struct acpi_madt_nmi_src {
    struct acpi_madt_entry_header header;
    uint16_t flags;
    uint32_t gsi;
} __packed;

struct acpi_madt_lapic_nmi {
    struct acpi_madt_entry_header header;
    uint8_t acpi_uid;           /* 0xff: every processor */
    uint16_t flags;
    uint8_t lint;               /* LINT0 or LINT1 */
} __packed;

struct acpi_madt_lapic_addr_ovr {
    struct acpi_madt_entry_header header;
    uint16_t reserved;
    uint64_t address;
} __packed;

struct acpi_madt_x2apic {
    struct acpi_madt_entry_header header;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t acpi_uid;
} __packed;

struct acpi_madt_x2apic_nmi {
    struct acpi_madt_entry_header header;
    uint16_t flags;
    uint32_t acpi_uid;          /* 0xffffffff: every processor */
    uint8_t lint;
    uint8_t reserved[3];
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_madt_lapic) != 8);
BUILD_BUG_ON(sizeof(struct acpi_madt_ioapic) != 12);
BUILD_BUG_ON(offsetof(struct acpi_madt_ioapic, gsi_base) != 8);
BUILD_BUG_ON(sizeof(struct acpi_madt_int_src_ovr) != 10);
BUILD_BUG_ON(offsetof(struct acpi_madt_int_src_ovr, flags) != 8);
BUILD_BUG_ON(sizeof(struct acpi_madt_nmi_src) != 8);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_nmi) != 6);
BUILD_BUG_ON(offsetof(struct acpi_madt_lapic_nmi, lint) != 5);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_addr_ovr) != 12);
BUILD_BUG_ON(offsetof(struct acpi_madt_lapic_addr_ovr, address) != 4);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic) != 16);
BUILD_BUG_ON(offsetof(struct acpi_madt_x2apic, acpi_uid) != 12);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic_nmi) != 12);
BUILD_BUG_ON(offsetof(struct acpi_madt_x2apic_nmi, lint) != 8);

/* How much of the MADT acpi_parse_madt() keeps. */
#define ACPI_MAX_CPUS           NR_CPUS
#define ACPI_MAX_IOAPICS        16
#define ACPI_MAX_INT_SRC_OVRS   16
#define ACPI_MAX_NMI_SRCS       16
#define ACPI_MAX_LAPIC_NMIS     NR_CPUS     /* often one per CPU */

/* acpi_uid of a local APIC NMI that applies to every processor. */
#define ACPI_UID_ALL            0xffffffffu

struct acpi_cpu_info {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool enabled;               /* usable now */
    bool online_capable;        /* disabled, but may be brought online */
    bool x2apic;                /* from an x2APIC entry */
};

struct acpi_ioapic_info {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct acpi_irq_override {
    uint8_t bus;
    uint8_t source_irq;         /* ISA IRQ, below 16 */
    uint32_t gsi;
    uint16_t flags;             /* ACPI_INTI_* */
};

struct acpi_nmi_source {
    uint32_t gsi;
    uint16_t flags;             /* ACPI_INTI_* */
};

struct acpi_lapic_nmi {
    uint32_t acpi_uid;          /* ACPI_UID_ALL: every processor */
    uint16_t flags;             /* ACPI_INTI_* */
    uint8_t lint;               /* 0 or 1 */
    bool x2apic;                /* from an x2APIC NMI entry */
};

struct acpi_madt_info {
    uint64_t lapic_addr;        /* the header's, or the override's */
    bool lapic_addr_override;
    bool pcat_compat;           /* dual 8259s present */
    unsigned int nr_cpus;       /* enabled or online-capable processors */
    struct acpi_cpu_info cpus[ACPI_MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic_info ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_irq_override overrides[ACPI_MAX_INT_SRC_OVRS];
    unsigned int nr_nmi_sources;
    struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SRCS];
    unsigned int nr_lapic_nmis;
    struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
};

/*
 * Parse the first MADT into *out (large: give it static storage). Returns
 * 0; -ENOENT if there is no (valid) MADT; -EINVAL if it is too short for
 * its fixed fields, in which case *out is not written. Bad entries are
 * reported and skipped; a malformed entry list is reported and parsing
 * stops there, keeping the good entries before it.
 */
int acpi_parse_madt(struct acpi_madt_info *out);

/* Print what acpi_parse_madt() found, one line per item, at INFO level. */
void acpi_print_madt(const struct acpi_madt_info *info);

/* ---- HPET (drivers/acpi/hpet.c) ---- */

struct acpi_table_hpet {
    struct acpi_table_header header;
    uint32_t event_timer_block_id;  /* like the capabilities register */
    struct acpi_generic_address address;
    uint8_t hpet_number;
    uint16_t min_tick;          /* of the main counter in periodic mode */
    uint8_t page_protection;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_table_hpet) != 56);
BUILD_BUG_ON(offsetof(struct acpi_table_hpet, address) != 40);
BUILD_BUG_ON(offsetof(struct acpi_table_hpet, hpet_number) != 52);
BUILD_BUG_ON(offsetof(struct acpi_table_hpet, min_tick) != 53);

struct acpi_hpet_info {
    uint64_t address;           /* of the 1 KiB register block */
    uint8_t hpet_number;
    uint16_t min_tick;
    uint32_t event_timer_block_id;
};

/*
 * Parse the first HPET table into *out and print it. Returns 0; -ENOENT
 * if there is none (or it failed validation); -EINVAL if it is too short
 * or its block is not at a usable memory address. *out is written only on
 * success.
 */
int acpi_parse_hpet(struct acpi_hpet_info *out);

#endif /* XEN_ACPI_H */
