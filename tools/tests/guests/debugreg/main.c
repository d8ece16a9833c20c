/*
 * debugreg: set_debugreg / get_debugreg (hypercalls 8 and 9), and a data
 * breakpoint the guest sets on its own buffer that the hypervisor then
 * writes during a hypercall.
 *
 * - DR0-3 take guest addresses; an address in the hypervisor's hole is
 *   refused; get returns what was set; DR6/DR7 read back their fixed bits.
 * - With a write breakpoint on buf, xen_version(XENVER_extraversion, buf)
 *   still succeeds: a #DB the copy raises inside the hypervisor is the
 *   guest's business and crashes nothing. Whether the hit shows in the
 *   guest's DR6 is not checked: ours records it (B0), Xen 4.17 under QEMU
 *   shows nothing.
 * - A bad register number is refused.
 */
#include "guest.h"

const char test_title[] = "debugreg: set/get_debugreg, a breakpoint hit inside a hypercall";

static xen_extraversion_t buf __attribute__((aligned(8)));

static long set_dr(int reg, unsigned long val)
{
    return hypercall2(__HYPERVISOR_set_debugreg, reg, val);
}

static unsigned long get_dr(int reg)
{
    return hypercall2(__HYPERVISOR_get_debugreg, reg, 0);
}

int main(void)
{
    /* L0, write-only (RW0 = 01), 8 bytes (LEN0 = 10). */
    unsigned long dr7 = 1ul | (1ul << 16) | (2ul << 18);
    unsigned long dr6;
    long rc;

    CHECK(set_dr(0, 0xffff800000001000UL) != 0);    /* the hypervisor's hole */
    CHECK_EQ(set_dr(0, (unsigned long)buf), 0);
    CHECK_EQ(get_dr(0), (unsigned long)buf);
    CHECK_EQ(set_dr(6, 0), 0);
    dr6 = get_dr(6);
    printk("DR6 after clearing: %#lx\n", dr6);
    CHECK_EQ(dr6 & 0xf, 0);
    CHECK(set_dr(8, 0) < 0);                        /* no such register */

    CHECK_EQ(set_dr(7, dr7), 0);
    CHECK_EQ(get_dr(7) & 0xffff00ffUL, dr7);
    rc = hypervisor_xen_version(XENVER_extraversion, buf);
    dr6 = get_dr(6);
    CHECK_EQ(set_dr(7, 0), 0);
    printk("xen_version into the watched buffer: rc %ld, \"%s\", DR6 %#lx\n", rc, buf, dr6);
    CHECK_EQ(rc, 0);
    CHECK(buf[0] != 0);
    CHECK_EQ(dr6 & ~0xful, 0xffff0ff0ul);           /* no other DR6 bits */
    test_done();
}
