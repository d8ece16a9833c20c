/*
 * pv/ioport.c: which port accesses a PV guest may make, and making them.
 *
 * Theory of operation. A PV guest runs with the real IOPL at 0, so every
 * in/out/ins/outs it executes raises #GP and reaches the emulator. Two
 * independent questions decide what happens, as on Xen:
 *
 *  1. May the guest, in its current mode, execute the instruction at all?
 *     That is its virtual IOPL (PHYSDEVOP_set_iopl: the kernel counts as
 *     ring 1, so IOPL >= 1 there, IOPL 3 for user mode) or, failing that,
 *     its I/O bitmap (PHYSDEVOP_set_iobitmap: a guest virtual address of
 *     a TSS-style bitmap, a set bit denies the port; bytes that cannot be
 *     read count as all ones). No: the guest gets #GP, as on hardware.
 *  2. May the domain touch the device? Only with d->arch.ioport_all (dom0)
 *     and never a port the hypervisor keeps for itself. No: the access is
 *     completed as if nothing answered - reads give all ones, writes are
 *     dropped - which is what Xen does for a port outside the domain's
 *     I/O rangeset.
 *
 * The hypervisor's ports: the PICs (0x20-0x21, 0xa0-0xa1) and their ELCR
 * (0x4d0-0x4d1), the PIT (0x40-0x43) and its gate/speaker port 0x61, 0x92
 * (fast A20 / INIT), 0xf0 (IGNNE#), the reset control register 0xcf9, the
 * ACPI PM timer from the FADT, and ranges reserved at boot with
 * ioport_reserve_hypervisor() (the console UART must be: the serial
 * driver knows its base). PCI configuration (0xcf8/0xcfc) is passed
 * through to dom0 for now; Xen mediates it (and filters MSI writes).
 * A dword at 0xcf8 is CONFIG_ADDRESS even though it spans 0xcf9, which
 * is the reset register only as a byte.
 * The RTC/CMOS index and data ports are also passed through, unlike Xen,
 * which serialises them with its own RTC reads.
 *
 * In guest user mode the bitmap is read through the current (user) page
 * tables; a bitmap mapped only in the kernel's reads as all ones there
 * (denied). Xen switches to the kernel tables for that read.
 *
 * Locking: the reserved table is written at boot, before any guest runs,
 * and only read afterwards.
 */
#include <asm/pv/emulate.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

#include "emul-hw.h"

#define NR_PORTS 0x10000
#define PCI_CONF_ADDRESS 0xcf8

struct port_range {
    uint16_t first, last;
};

static const struct port_range fixed_ports[] = {
    { 0x20, 0x21 },                         /* master PIC */
    { 0x40, 0x43 },                         /* PIT */
    { 0x61, 0x61 },                         /* PIT gate, speaker, NMI status */
    { 0x92, 0x92 },                         /* fast A20, INIT */
    { 0xa0, 0xa1 },                         /* slave PIC */
    { 0xf0, 0xf0 },                         /* IGNNE# */
    { 0x4d0, 0x4d1 },                       /* ELCR */
    { 0xcf9, 0xcf9 },                       /* reset control */
};

#define MAX_RESERVED 8
static struct port_range reserved[MAX_RESERVED];
static unsigned int nr_reserved;

int ioport_reserve_hypervisor(unsigned int first, unsigned int nr)
{
    if ( !nr || first >= NR_PORTS || nr > NR_PORTS - first )
        return -EINVAL;
    if ( nr_reserved == MAX_RESERVED )
        return -ENOSPC;
    reserved[nr_reserved].first = first;
    reserved[nr_reserved].last = first + nr - 1;
    nr_reserved++;
    return 0;
}

static bool in_ranges(const struct port_range *r, unsigned int n,
                      unsigned int port)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        if ( port >= r[i].first && port <= r[i].last )
            return true;
    return false;
}

bool ioport_is_hypervisor_owned(unsigned int port)
{
    const struct acpi_fadt_info *fadt;

    if ( in_ranges(fixed_ports, ARRAY_SIZE(fixed_ports), port) ||
         in_ranges(reserved, nr_reserved, port) )
        return true;

    fadt = acpi_fadt();
    return fadt && fadt->pm_tmr_port &&
           port >= fadt->pm_tmr_port && port < fadt->pm_tmr_port + 4u;
}

/* Does the guest's I/O bitmap clear every bit of [port, port + bytes)? */
static bool bitmap_allows(const struct pv_vcpu *pv, unsigned int port,
                          unsigned int bytes)
{
    uint8_t map[2];
    unsigned long left;
    unsigned int bits, mask;

    if ( !pv->iobmp || port + bytes > pv->iobmp_nr )
        return false;

    /* The bits may straddle two bytes; unreadable ones deny. */
    left = raw_copy_from_guest(map, (const void *)(pv->iobmp + port / 8), 2);
    if ( left >= 1 )
        map[1] = 0xff;
    if ( left == 2 )
        map[0] = 0xff;

    bits = map[0] | (map[1] << 8);
    mask = ((1u << bytes) - 1) << (port & 7);
    return !(bits & mask);
}

bool pv_guest_io_okay(const struct vcpu *v, unsigned int port,
                      unsigned int bytes)
{
    const struct pv_vcpu *pv = &v->arch.pv;

    ASSERT(bytes == 1 || bytes == 2 || bytes == 4);
    if ( pv->iopl >= (pv->kernel_mode ? 1u : 3u) )
        return true;
    return bitmap_allows(pv, port, bytes);
}

/* May d reach the device behind every port of [port, port + bytes)? */
static bool domain_io_okay(const struct domain *d, unsigned int port,
                           unsigned int bytes)
{
    unsigned int p;

    if ( !d->arch.ioport_all || port + bytes > NR_PORTS )
        return false;
    /* PCI CONFIG_ADDRESS is a dword at 0xcf8, not the reset register. */
    if ( port == PCI_CONF_ADDRESS && bytes == 4 )
        return true;
    for ( p = port; p < port + bytes; p++ )
        if ( ioport_is_hypervisor_owned(p) )
            return false;
    return true;
}

uint32_t pv_io_read(const struct domain *d, unsigned int port,
                    unsigned int bytes)
{
    if ( !domain_io_okay(d, port, bytes) )
        return bytes == 4 ? ~0u : (1u << (bytes * 8)) - 1;
    return emul_hw_in(port, bytes);
}

void pv_io_write(const struct domain *d, unsigned int port,
                 unsigned int bytes, uint32_t val)
{
    if ( domain_io_okay(d, port, bytes) )
        emul_hw_out(port, bytes, val);
}
