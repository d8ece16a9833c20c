/*
 * acpi_fake.h: a fake physical memory holding firmware ACPI tables, for
 * the tests of drivers/acpi/.
 *
 * Physical memory is three buffers: the first MiB (BDA, EBDA, BIOS area),
 * a window at 0x07fe0000 where QEMU puts its tables, and a window above
 * 4 GiB that only an XSDT can reach. fake_map() returns NULL for any range
 * not wholly inside one of them. Tables are written with helpers that fill
 * QEMU's OEM fields and fix the checksums; a case then breaks one thing
 * and checks both the return value and the message.
 */
#ifndef TOOLS_TESTS_UNIT_ACPI_FAKE_H
#define TOOLS_TESTS_UNIT_ACPI_FAKE_H

#include <xen/acpi.h>

/* Where QEMU (SeaBIOS) puts its tables. */
#define RSDP_PA  0x000f5a90ul
#define FACS_PA  0x07fe0000ul
#define DSDT_PA  0x07fe0040ul
#define FACP_PA  0x07fe1b03ul
#define APIC_PA  0x07fe1bf7ul
#define HPET_PA  0x07fe1c6ful
#define WAET_PA  0x07fe1ca7ul
#define RSDT_PA  0x07fe1ccful
#define XSDT_PA  0x07fe1d03ul
#define SPARE_PA 0x07fe2000ul       /* room for extra tables */
#define TOP_PA   0x100000040ul      /* above 4 GiB */
#define SPARE_SIZE 0x1e000ul        /* bytes from SPARE_PA to the window end */
#define WINDOW_END (SPARE_PA + SPARE_SIZE)  /* nothing mapped from here */

const void *fake_map(paddr_t pa, size_t len);

/* Zero all fake memory and forget the recorded tables. */
void fake_clear(void);

/* A writable pointer to pa; the test itself is wrong if pa is unbacked. */
void *mem(paddr_t pa);
struct acpi_table_header *hdr_at(paddr_t pa);

uint8_t sum(const void *p, size_t n);
void fix_checksum(paddr_t pa);

/* A table of len bytes, body zero, QEMU's OEM fields, checksum fixed. */
struct acpi_table_header *put_table(paddr_t pa, const char *sig,
                                   uint32_t len, uint8_t rev);
/* The same with the body (len - 36 bytes) copied from body. */
struct acpi_table_header *put_table_body(paddr_t pa, const char *sig,
                                        uint8_t rev, const void *body,
                                        size_t body_len);
/* Change a table's length without touching its bytes; re-checksum. */
void set_length(paddr_t pa, uint32_t len);

void put_rsdt(paddr_t pa, const uint32_t *e, unsigned int n);
void put_xsdt(paddr_t pa, const uint64_t *e, unsigned int n);
struct acpi_rsdp *put_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt,
                           uint64_t xsdt);

/*
 * Point an RSDT at RSDT_PA (and a revision 0 RSDP at RSDP_PA) at the n
 * tables e, then run acpi_tables_init() by scan; return its result.
 */
int fake_boot(const uint32_t *e, unsigned int n);

/*
 * The same, from a copy of the RSDP passed as a boot loader would: no scan
 * of the BIOS area (for tests that boot thousands of times).
 */
int fake_boot_fast(const uint32_t *e, unsigned int n);

/* A deterministic pseudo-random number (xorshift32) from *state. */
uint32_t fake_rand(uint32_t *state);

/* No warning or error was logged. */
bool log_clean(void);

#endif /* TOOLS_TESTS_UNIT_ACPI_FAKE_H */
