/*
 * ioport: port I/O from the guest kernel, gated by the virtual IOPL
 * (PHYSDEVOP_set_iopl) and the guest's I/O bitmap (PHYSDEVOP_set_iobitmap).
 *
 * - At virtual IOPL 0 with no bitmap, in/out raise #GP in the guest.
 * - At IOPL 1 the guest kernel may do port I/O: port 0x80 reads.
 * - A port the hypervisor keeps for itself (the PIT, 0x40) reads as all
 *   ones and takes no writes, however privileged the guest.
 * - Back at IOPL 0, a bitmap that clears the bit for 0x80 lets that one
 *   port through, and only it.
 * - Bad arguments: an IOPL above 3 is refused.
 */
#include "guest.h"

const char test_title[] = "ioport: virtual IOPL and I/O bitmap";

/* inb from port, under a fixup: the vector taken, or -1 (and *val). */
static int probe_inb(uint16_t port, uint8_t *val)
{
    unsigned int before = nr_traps;
    uint8_t v = 0xa5;

    asm volatile ( "1: inb %w1, %b0\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : "+a" (v) : "d" (port) : "memory" );
    *val = v;
    return nr_traps != before ? (int)last_trap.vector : -1;
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };

    return hypervisor_physdev_op(PHYSDEVOP_set_iopl, &s);
}

static uint8_t bitmap[8192 / 8 + 1];

int main(void)
{
    struct physdev_set_iobitmap bm;
    uint8_t v;
    int vec;

    /* IOPL 0: no port I/O. */
    vec = probe_inb(0x80, &v);
    CHECK_EQ(vec, X86_EXC_GP);

    CHECK_EQ(set_iopl(1), 0);
    vec = probe_inb(0x80, &v);
    printk("IOPL 1: inb 0x80 -> vector %d, value %#x\n", vec, v);
    CHECK_EQ(vec, -1);

    /* The PIT belongs to the hypervisor: reads all ones. */
    vec = probe_inb(0x40, &v);
    printk("IOPL 1: inb 0x40 (PIT) -> vector %d, value %#x\n", vec, v);
    CHECK_EQ(vec, -1);
    CHECK_EQ(v, 0xff);

    CHECK(set_iopl(4) < 0);
    CHECK_EQ(set_iopl(0), 0);
    CHECK_EQ(probe_inb(0x80, &v), X86_EXC_GP);

    /* The bitmap: everything denied but port 0x80. */
    memset(bitmap, 0xff, sizeof(bitmap));
    bitmap[0x80 / 8] &= ~(1u << (0x80 % 8));
    set_xen_guest_handle(bm.bitmap, bitmap);
    bm.nr_ports = 0x100;
    CHECK_EQ(hypervisor_physdev_op(PHYSDEVOP_set_iobitmap, &bm), 0);
    CHECK_EQ(probe_inb(0x80, &v), -1);
    CHECK_EQ(probe_inb(0x81, &v), X86_EXC_GP);
    CHECK_EQ(probe_inb(0x200, &v), X86_EXC_GP);     /* beyond nr_ports */
    test_done();
}
