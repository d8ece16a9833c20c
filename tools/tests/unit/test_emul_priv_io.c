/*
 * test_emul_priv_io.c: port I/O in the PV privileged-instruction emulator
 * (pv/emul-priv-op.c, pv/ioport.c): every form of in/out/ins/outs, the
 * guest's IOPL and I/O bitmap, the ports the hypervisor keeps, rep string
 * I/O with its page faults and resumption, I/O breakpoints, and
 * physdev_op set_iopl / set_iobitmap (pv/physdev.c). The machine around
 * it is emul_priv_fake.c.
 */
#include <stdint.h>
#include <string.h>

#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <xen/errno.h>
#include <public/physdev.h>

#include "emul_priv_fake.h"
#include "harness.h"

/* ---- Port I/O ---- */

static void check_io(unsigned int i, unsigned int port, unsigned int bytes,
                     uint32_t val, bool out)
{
    CHECK_EQ(hw.io[i].port, port);
    CHECK_EQ(hw.io[i].bytes, bytes);
    CHECK_EQ(hw.io[i].val, val);
    CHECK_EQ(hw.io[i].out, out);
}

TEST(in_out_every_form)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rax = 0x1111222233334444ull;

    CHECK_DONE(RUN(0xe4, 0x71), 2);                 /* in $0x71, %al */
    check_io(0, 0x71, 1, 0x5a, false);
    CHECK_EQ(regs.rax, 0x111122223333445aull);

    regs.rip = START;
    CHECK_DONE(RUN(0x66, 0xe5, 0x80), 3);           /* in $0x80, %ax */
    check_io(1, 0x80, 2, 0x805a, false);
    CHECK_EQ(regs.rax, 0x111122223333805aull);

    regs.rip = START;
    CHECK_DONE(RUN(0xe5, 0x84), 2);                 /* in $0x84, %eax */
    check_io(2, 0x84, 4, 0xa500845a, false);
    CHECK_EQ(regs.rax, 0xa500845aull);              /* zero-extended */

    regs.rip = START;
    regs.rax = 0xffffffff87654321ull;
    CHECK_DONE(RUN(0xe6, 0x80), 2);                 /* out %al, $0x80 */
    check_io(3, 0x80, 1, 0x21, true);
    regs.rip = START;
    CHECK_DONE(RUN(0x66, 0xe7, 0x80), 3);           /* out %ax, $0x80 */
    check_io(4, 0x80, 2, 0x4321, true);
    regs.rip = START;
    CHECK_DONE(RUN(0x48, 0xe7, 0x80), 3);           /* REX.W: still 32 */
    check_io(5, 0x80, 4, 0x87654321, true);

    regs.rdx = 0xffff0cfc;                          /* port is DX only */
    regs.rip = START;
    CHECK_DONE(RUN(0xec), 1);                       /* in %dx, %al */
    check_io(6, 0xcfc, 1, 0x5a, false);
    regs.rip = START;
    CHECK_DONE(RUN(0x66, 0xed), 2);                 /* in %dx, %ax */
    check_io(7, 0xcfc, 2, 0xfc5a, false);
    regs.rip = START;
    CHECK_DONE(RUN(0xed), 1);                       /* in %dx, %eax */
    check_io(8, 0xcfc, 4, 0xa50cfc5a, false);
    regs.rip = START;
    CHECK_DONE(RUN(0xee), 1);                       /* out %al, %dx */
    check_io(9, 0xcfc, 1, 0x5a, true);
    regs.rip = START;
    CHECK_DONE(RUN(0x66, 0xef), 2);                 /* out %ax, %dx */
    check_io(10, 0xcfc, 2, 0xfc5a, true);
    regs.rip = START;
    regs.rdx = 0xcf8;
    regs.rax = 0x80000010;
    CHECK_DONE(RUN(0xef), 1);                       /* out %eax, %dx */
    /* PCI CONFIG_ADDRESS: passed through (it spans 0xcf9, but a dword
     * at 0xcf8 is not the reset register). */
    check_io(11, 0xcf8, 4, 0x80000010, true);
    regs.rip = START;
    CHECK_DONE(RUN(0x66, 0xef), 2);                 /* a word is not */
    regs.rip = START;
    regs.rdx = 0xcf9;
    CHECK_DONE(RUN(0xee), 1);
    CHECK_EQ(hw.nr_io, 12);
    /* rep on a non-string instruction is ignored. */
    regs.rip = START;
    regs.rdx = 0xcfc;
    CHECK_DONE(RUN(0xf3, 0xee), 2);
    CHECK_EQ(hw.nr_io, 13);
}

TEST(io_needs_iopl_or_bitmap)
{
    reset();
    CHECK_DECLINED(RUN(0xe4, 0x71));
    CHECK_DECLINED(RUN(0xee));
    CHECK_EQ(hw.nr_io, 0);
    vcpu.arch.pv.iopl = 1;
    CHECK_DONE(RUN(0xe4, 0x71), 2);
    /* User mode needs IOPL 3. */
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xe4, 0x71));
    vcpu.arch.pv.iopl = 3;
    CHECK_DONE(RUN(0xe4, 0x71), 2);
    CHECK_EQ(hw.nr_io, 2);
}

/* A bitmap at DATA_VA + 0x1000 covering nr ports, allowing [lo, hi]. */
static void bitmap_allow(unsigned int nr, unsigned int lo, unsigned int hi)
{
    unsigned int p;

    memset(&data_pages[0x1000], 0xff, 0x1000);
    for ( p = lo; p <= hi; p++ )
        data_pages[0x1000 + p / 8] &= ~(1u << (p % 8));
    vcpu.arch.pv.iobmp = DATA_VA + 0x1000;
    vcpu.arch.pv.iobmp_nr = nr;
}

TEST(io_bitmap)
{
    reset();
    bitmap_allow(0x800, 0x3f8, 0x3ff);
    regs.rdx = 0x3f8;
    CHECK_DONE(RUN(0xec), 1);
    regs.rip = START;
    CHECK_DONE(RUN(0xed), 1);                       /* 0x3f8-0x3fb */
    regs.rdx = 0x3f7;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xec));
    /* 0x3fe-0x401 straddles a byte and leaves the allowed range. */
    regs.rdx = 0x3fe;
    CHECK_DECLINED(RUN(0xed));
    CHECK_DONE(RUN(0x66, 0xed), 2);                 /* 0x3fe-0x3ff */
    /* Past the bitmap's end: denied even though its bits are clear. */
    bitmap_allow(0x3fa, 0x3f8, 0x3ff);
    regs.rdx = 0x3f8;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xed));
    CHECK_DONE(RUN(0x66, 0xed), 2);
    /* Works in user mode as well. */
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    CHECK_DONE(RUN(0xec), 1);
    /* An unreadable bitmap denies. */
    vcpu.arch.pv.iobmp = 0x9000000;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xec));
    CHECK_EQ(hw.nr_io, 5);
}

TEST(io_bitmap_half_readable)
{
    reset();
    /* The bitmap's byte for 0x3f8 is the last byte of the data pages. */
    memset(data_pages, 0, sizeof(data_pages));
    vcpu.arch.pv.iobmp = DATA_VA + sizeof(data_pages) - 0x3f8 / 8 - 1;
    vcpu.arch.pv.iobmp_nr = 0x10000;
    regs.rdx = 0x3fc;
    CHECK_DONE(RUN(0xed), 1);                       /* 0x3fc-0x3ff: 1 byte */
    regs.rdx = 0x3fe;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xed));                      /* needs the next byte */
}

TEST(hypervisor_ports_read_ones_and_drop_writes)
{
    static const unsigned int ports[] = {
        0x20, 0x21, 0xa0, 0xa1, 0x40, 0x43, 0x61, 0x92, 0xf0, 0x4d0, 0x4d1,
        0xcf9, 0x408, 0x40b,
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(ports); i++ )
    {
        reset();
        vcpu.arch.pv.iopl = 1;
        regs.rdx = ports[i];
        regs.rax = 0x1234;
        CHECK_DONE(RUN(0xec), 1);
        CHECK_EQ(regs.rax, 0x12ff);
        regs.rip = START;
        CHECK_DONE(RUN(0xee), 1);
        CHECK_EQ(hw.nr_io, 0);
        CHECK(ioport_is_hypervisor_owned(ports[i]));
    }
    CHECK(!ioport_is_hypervisor_owned(0x22));
    CHECK(!ioport_is_hypervisor_owned(0x407));
    CHECK(!ioport_is_hypervisor_owned(0x40c));
    CHECK(!ioport_is_hypervisor_owned(0xcf8));

    /* A dword touching a hypervisor port is refused as a whole. */
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x1e;
    CHECK_DONE(RUN(0xed), 1);
    CHECK_EQ(regs.rax, 0xffffffffull);
    CHECK_EQ(hw.nr_io, 0);
    /* Ports beyond 0xffff. */
    regs.rdx = 0xfffe;
    regs.rip = START;
    CHECK_DONE(RUN(0xed), 1);
    CHECK_EQ(hw.nr_io, 0);
}

TEST(reserved_ports)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x2f8;
    CHECK_DONE(RUN(0xec), 1);
    CHECK_EQ(hw.nr_io, 1);
    CHECK_EQ(ioport_reserve_hypervisor(0x2f8, 8), 0);
    CHECK(ioport_is_hypervisor_owned(0x2f8));
    CHECK(ioport_is_hypervisor_owned(0x2ff));
    CHECK(!ioport_is_hypervisor_owned(0x300));
    regs.rip = START;
    regs.rax = 0;
    CHECK_DONE(RUN(0xec), 1);
    CHECK_EQ(regs.rax, 0xff);
    CHECK_EQ(hw.nr_io, 1);
    CHECK_EQ(ioport_reserve_hypervisor(0, 0), -EINVAL);
    CHECK_EQ(ioport_reserve_hypervisor(0xffff, 2), -EINVAL);
    CHECK_EQ(ioport_reserve_hypervisor(0x10000, 1), -EINVAL);
}

TEST(domain_without_port_rights)
{
    reset();
    dom.arch.ioport_all = false;
    vcpu.arch.pv.iopl = 3;
    regs.rdx = 0x3f8;
    CHECK_DONE(RUN(0x66, 0xed), 2);
    CHECK_EQ(regs.rax, 0xffff);
    regs.rip = START;
    CHECK_DONE(RUN(0xef), 1);
    CHECK_EQ(hw.nr_io, 0);
}

#define INS_B   0x6c
#define INS_D   0x6d
#define OUTS_B  0x6e
#define OUTS_D  0x6f

TEST(ins_outs_single)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x1f0;
    regs.rdi = DATA_VA + 0x10;
    regs.rcx = 77;                          /* no rep: count untouched */
    CHECK_DONE(RUN(INS_B), 1);
    CHECK_EQ(data_pages[0x10], 0x5a);
    CHECK_EQ(regs.rdi, DATA_VA + 0x11);
    CHECK_EQ(regs.rcx, 77);

    regs.rip = START;
    regs.rsi = DATA_VA + 0x20;
    memcpy(&data_pages[0x20], "\x11\x22\x33\x44", 4);
    CHECK_DONE(RUN(OUTS_D), 1);
    check_io(1, 0x1f0, 4, 0x44332211, true);
    CHECK_EQ(regs.rsi, DATA_VA + 0x24);

    /* 16-bit, backwards (DF). */
    regs.rip = START;
    regs.rflags |= X86_EFLAGS_DF;
    regs.rdi = DATA_VA + 0x40;
    CHECK_DONE(RUN(0x66, INS_D), 2);
    CHECK_EQ(data_pages[0x40], 0x5a);
    CHECK_EQ(data_pages[0x41], 0xf0);
    CHECK_EQ(regs.rdi, DATA_VA + 0x3e);
}

TEST(rep_ins_outs)
{
    unsigned int i;

    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x1f0;
    regs.rdi = DATA_VA;
    regs.rcx = 4;
    CHECK_DONE(RUN(0xf3, INS_D), 2);
    CHECK_EQ(hw.nr_io, 4);
    for ( i = 0; i < 4; i++ )
        CHECK_EQ(((uint32_t *)data_pages)[i], 0xa501f05a);
    CHECK_EQ(regs.rdi, DATA_VA + 16);
    CHECK_EQ(regs.rcx, 0);

    /* rep outsb with an FS override. */
    regs.rip = START;
    set_msr(MSR_FS_BASE, DATA_VA + 0x100);
    memcpy(&data_pages[0x105], "abc", 3);
    regs.rsi = 5;
    regs.rcx = 3;
    CHECK_DONE(RUN(0x64, 0xf3, OUTS_B), 3);
    check_io(4, 0x1f0, 1, 'a', true);
    check_io(6, 0x1f0, 1, 'c', true);
    CHECK_EQ(regs.rsi, 8);

    /* Zero count: nothing happens, the instruction is done. */
    regs.rip = START;
    regs.rcx = 0;
    CHECK_DONE(RUN(0xf3, OUTS_B), 2);
    CHECK_EQ(hw.nr_io, 7);
}

TEST(rep_string_with_32bit_addresses)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x60;
    regs.rdi = 0xabcd000000000000ull | DATA_VA;
    regs.rcx = 0xabcd000000000002ull;
    CHECK_DONE(RUN(0x67, 0xf3, INS_B), 3);
    CHECK_EQ(regs.rdi, DATA_VA + 2);        /* upper halves cleared */
    CHECK_EQ(regs.rcx, 0);
    CHECK_EQ(data_pages[1], 0x5a);
}

TEST(string_io_page_faults)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x1f0;
    /* ins into a read-only page, third element: #PF, progress kept. */
    regs.rdi = RO_VA - 2;
    memset(&data_pages[0], 0, 8);
    regs.rdi = DATA_VA + sizeof(data_pages) - 8;
    regs.rcx = 5;
    CHECK_FAULT(RUN(0xf3, INS_D), TRAP_page_fault, PFEC_write_access);
    CHECK_EQ(vinfo.arch.cr2, DATA_VA + sizeof(data_pages));
    CHECK_EQ(regs.rcx, 3);
    CHECK_EQ(regs.rdi, DATA_VA + sizeof(data_pages));
    /* An element straddling the end: cr2 is the first byte not written. */
    regs.rdi = DATA_VA + sizeof(data_pages) - 2;
    CHECK_FAULT(RUN(INS_D), TRAP_page_fault, PFEC_write_access);
    CHECK_EQ(vinfo.arch.cr2, DATA_VA + sizeof(data_pages));

    /* A read-only destination, from user mode: U is set. */
    reset();
    vcpu.arch.pv.iopl = 3;
    vcpu.arch.pv.kernel_mode = false;
    regs.rdx = 0x1f0;
    regs.rdi = RO_VA + 0x10;
    CHECK_FAULT(RUN(INS_B), TRAP_page_fault,
                PFEC_write_access | PFEC_user_mode);
    CHECK_EQ(vinfo.arch.cr2, RO_VA + 0x10);
    CHECK_EQ(regs.rdi, RO_VA + 0x10);

    /* outs from an unmapped source: a read fault, nothing written out. */
    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rsi = 0x9000;
    CHECK_FAULT(RUN(OUTS_B), TRAP_page_fault, 0);
    CHECK_EQ(vinfo.arch.cr2, 0x9000);
    CHECK_EQ(hw.nr_io, 0);
    /* ... or straddling the end of a mapping: cr2 is the first bad byte. */
    regs.rsi = DATA_VA + sizeof(data_pages) - 2;
    CHECK_FAULT(RUN(OUTS_D), TRAP_page_fault, 0);
    CHECK_EQ(vinfo.arch.cr2, DATA_VA + sizeof(data_pages));
}

TEST(long_rep_resumes)
{
    unsigned int traps = 0;
    int rc;

    reset();
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x1f0;
    regs.rsi = DATA_VA;
    regs.rcx = 1000;
    do {
        rc = RUN(0xf3, OUTS_B);
        traps++;
        CHECK_EQ(rc, X86EMUL_OKAY);
    } while ( regs.rip == START && traps < 10 );
    CHECK_EQ(traps, 4);                     /* 256 + 256 + 256 + 232 */
    CHECK_EQ(regs.rip, START + 2);
    CHECK_EQ(regs.rcx, 0);
    CHECK_EQ(regs.rsi, DATA_VA + 1000);
    CHECK_EQ(hw.nr_io, 1000);
}

TEST(string_io_permission)
{
    reset();
    regs.rdx = 0x1f0;
    regs.rdi = DATA_VA;
    regs.rcx = 2;
    CHECK_DECLINED(RUN(0xf3, INS_B));
    CHECK_EQ(regs.rcx, 2);
    CHECK_EQ(hw.nr_io, 0);
    /* Hypervisor port through ins: all ones land in memory. */
    vcpu.arch.pv.iopl = 1;
    regs.rdx = 0x40;
    CHECK_DONE(RUN(0xf3, INS_B), 2);
    CHECK_EQ(data_pages[0], 0xff);
    CHECK_EQ(data_pages[1], 0xff);
    CHECK_EQ(hw.nr_io, 0);
}

TEST(io_breakpoints)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_DE;
    CHECK_EQ(do_set_debugreg(1, 0x80), 0);
    /* DR1: enabled (L1), I/O, two bytes: ports 0x80-0x81. */
    CHECK_EQ(do_set_debugreg(7, (1ul << 2) | (2ul << 20) | (1ul << 22)), 0);
    CHECK_EQ(RUN(0xe6, 0x81), X86EMUL_EXCEPTION);
    CHECK_EQ(ex.vector, TRAP_debug);
    CHECK_EQ(regs.rip, START + 2);          /* after the out */
    CHECK_EQ(hw.nr_io, 1);
    CHECK_EQ(vcpu.arch.pv.debugreg[6] & 0xf, 2);
    regs.rip = START;
    CHECK_DONE(RUN(0xe6, 0x82), 2);
    regs.rip = START;
    regs.rdx = 0x7f;                        /* 0x7f-0x80 */
    CHECK_EQ(RUN(0x66, 0xed), X86EMUL_EXCEPTION);
    /* Without CR4.DE they do not fire. */
    vcpu.arch.pv.ctrlreg[4] = 0;
    regs.rip = START;
    CHECK_DONE(RUN(0xe6, 0x81), 2);
}

/* ---- physdev_op ---- */

static long physdev(int cmd, void *arg)
{
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

TEST(physdev_set_iopl)
{
    struct physdev_set_iopl *op = (void *)&data_pages[0];

    reset();
    op->iopl = 1;
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, (void *)DATA_VA), 0);
    CHECK_EQ(vcpu.arch.pv.iopl, 1);
    op->iopl = 3;
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, (void *)DATA_VA), 0);
    CHECK_EQ(vcpu.arch.pv.iopl, 3);
    op->iopl = 4;
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, (void *)DATA_VA), -EINVAL);
    CHECK_EQ(vcpu.arch.pv.iopl, 3);
    CHECK_EQ(physdev(PHYSDEVOP_set_iopl, (void *)0x9000), -EFAULT);
    CHECK_EQ(physdev(99, (void *)DATA_VA), -ENOSYS);
    CHECK_EQ(physdev(21 /* setup_gsi */, (void *)DATA_VA), -ENOSYS);
}

TEST(physdev_set_iobitmap)
{
    struct physdev_set_iobitmap *op = (void *)&data_pages[0];

    reset();
    op->bitmap.p = (uint8_t *)(DATA_VA + 0x1000);
    op->nr_ports = 0x10000;
    CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, (void *)DATA_VA), 0);
    CHECK_EQ(vcpu.arch.pv.iobmp, DATA_VA + 0x1000);
    CHECK_EQ(vcpu.arch.pv.iobmp_nr, 0x10000);
    op->nr_ports = 0x10001;
    CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, (void *)DATA_VA), -EINVAL);
    CHECK_EQ(vcpu.arch.pv.iobmp_nr, 0x10000);
    /* Through it, port 0x70 becomes usable without IOPL. */
    memset(&data_pages[0x1000], 0xff, 0x1000);
    data_pages[0x1000 + 0x70 / 8] = 0xfe;
    CHECK_DONE(RUN(0xe4, 0x70), 2);
    regs.rip = START;
    CHECK_DECLINED(RUN(0xe4, 0x71));
}
