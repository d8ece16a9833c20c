/*
 * pv/debugreg.c: a PV vCPU's debug registers, for set_debugreg /
 * get_debugreg (hypercalls 8 and 9) and for mov to/from %drN, which the
 * emulator sends here.
 *
 * Theory of operation. v->arch.pv.debugreg[] is the guest's view:
 * [0-3] breakpoint addresses, [6] DR6, [7] DR7 as loaded into the CPU,
 * and [5] - DR5 is not a register of its own - holds the enable bits of
 * the I/O breakpoints, which the CPU cannot see for a ring-3 guest (its
 * IOPL is 0, so every port access traps and the emulator checks them, see
 * pv_io_breakpoints()). The guest may not:
 *  - put a breakpoint on a hypervisor address (non-canonical, or the
 *    hypervisor's slots 256-271): it would fire inside the hypervisor;
 *  - set DR7.GD (general detect traps the hypervisor's own DR accesses);
 *  - set reserved bits in the upper halves of DR6/DR7 (those reserved
 *    bits in the lower half are forced to their fixed values instead);
 *  - use I/O breakpoints without CR4.DE, or name DR4/DR5 with CR4.DE
 *    (then they do not exist).
 * Every check is done before anything changes. When v is running, the
 * real registers follow; when DR7 becomes active all of DR0-3 and DR6 are
 * loaded, as a context switch may have skipped them while DR7 was clear.
 *
 * Xen 4.17's hypercalls return -ENODEV for a register that does not
 * exist (both directions); get_debugreg never fails for DR0-3, 6 and 7,
 * and Linux uses its result as the value.
 *
 * Locking: none; v is current or not running.
 */
#include <asm/config.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>

#include "emul-hw.h"

#define DR6_RESERVED_ZERO       (1ul << 12)
#define DR7_RESERVED_ZERO       0x0000d800ul    /* bits 11, 12, 14, 15 */
#define DR7_GENERAL_DETECT      (1ul << 13)
#define DR7_ACTIVE_MASK         0x000000fful    /* L0-3 and G0-3 */
#define DR7_RW_SHIFT(i)         (16 + 4 * (i))
#define DR7_LEN_SHIFT(i)        (18 + 4 * (i))
#define DR7_RW_IO               2
#define DR7_ENABLE_BITS(i)      (3ul << (2 * (i)))

/* Canonical and not in the hypervisor's part of the address space. */
static bool breakpoint_addr_ok(unsigned long addr)
{
    return addr < (1ul << 47) || addr >= HYPERVISOR_VIRT_END;
}

static bool cr4_de(const struct vcpu *v)
{
    return v->arch.pv.ctrlreg[4] & X86_CR4_DE;
}

/*
 * The DR7 value to load and the I/O breakpoint enables to emulate, or
 * an error. Nothing is changed.
 */
static int check_dr7(const struct vcpu *v, unsigned long value,
                     unsigned long *hw, unsigned long *io)
{
    unsigned int i;

    if ( value >> 32 )
        return -EINVAL;
    value = (value & ~DR7_RESERVED_ZERO) | DR7_RESERVED_ONE;
    if ( value & DR7_GENERAL_DETECT )
        return -EPERM;

    *io = 0;
    for ( i = 0; i < 4 && (value & DR7_ACTIVE_MASK); i++ )
    {
        if ( ((value >> DR7_RW_SHIFT(i)) & 3) != DR7_RW_IO )
            continue;
        if ( !cr4_de(v) )
            return -EPERM;
        *io |= value & DR7_ENABLE_BITS(i);
    }
    *hw = value & ~*io;
    return 0;
}

/* Load v's debug registers into the CPU (v is running). */
static void load_all(const struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        emul_hw_write_dr(i, v->arch.pv.debugreg[i]);
    emul_hw_write_dr(6, v->arch.pv.debugreg[6] | DR6_RESERVED_ONE);
}

int pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value)
{
    unsigned long *dr = v->arch.pv.debugreg;
    bool running = v == current;
    unsigned long hw, io;
    int rc;

    switch ( reg )
    {
    case 0 ... 3:
        if ( !breakpoint_addr_ok(value) )
            return -EPERM;
        dr[reg] = value;
        if ( running )
            emul_hw_write_dr(reg, value);
        return 0;

    case 4:
    case 6:
        if ( reg == 4 && cr4_de(v) )
            return -ENODEV;
        if ( value >> 32 )
            return -EINVAL;
        dr[6] = (value & ~DR6_RESERVED_ZERO) | DR6_RESERVED_ONE;
        if ( running )
            emul_hw_write_dr(6, dr[6]);
        return 0;

    case 5:
    case 7:
        if ( reg == 5 && cr4_de(v) )
            return -ENODEV;
        rc = check_dr7(v, value, &hw, &io);
        if ( rc )
            return rc;
        if ( running && (hw & DR7_ACTIVE_MASK) &&
             !(dr[7] & DR7_ACTIVE_MASK) )
            load_all(v);
        dr[5] = io;
        dr[7] = hw;
        if ( running )
            emul_hw_write_dr(7, hw);
        return 0;
    }

    return -ENODEV;
}

int pv_get_debugreg(const struct vcpu *v, unsigned int reg,
                    unsigned long *value)
{
    const unsigned long *dr = v->arch.pv.debugreg;

    switch ( reg )
    {
    case 0 ... 3:
        *value = dr[reg];
        return 0;

    case 4:
    case 6:
        if ( reg == 4 && cr4_de(v) )
            return -ENODEV;
        /* A never-written DR6 still reads with its fixed bits. */
        *value = dr[6] | DR6_RESERVED_ONE;
        return 0;

    case 5:
    case 7:
        if ( reg == 5 && cr4_de(v) )
            return -ENODEV;
        *value = dr[7] | dr[5] | DR7_RESERVED_ONE;
        return 0;
    }

    return -ENODEV;
}

unsigned int pv_io_breakpoints(const struct vcpu *v, unsigned int port,
                               unsigned int len)
{
    const unsigned long *dr = v->arch.pv.debugreg;
    unsigned int i, hits = 0;

    if ( !dr[5] || !cr4_de(v) )
        return 0;

    for ( i = 0; i < 4; i++ )
    {
        /* LEN: 00 one byte, 01 two, 11 four, 10 eight. */
        static const unsigned int width[4] = { 1, 2, 8, 4 };
        unsigned long start = dr[i];
        unsigned int w = width[(dr[7] >> DR7_LEN_SHIFT(i)) & 3];

        if ( !(dr[5] & DR7_ENABLE_BITS(i)) )
            continue;
        if ( start < port + len && start + w > port )
            hits |= 1u << i;
    }
    return hits;
}

/*
 * Context switch: a vCPU's breakpoints are live only while it runs. The
 * outgoing vCPU's DR6 is kept (its handler reads it) and DR7 cleared; the
 * incoming one's registers are loaded only if it has a breakpoint on.
 */
void pv_debugreg_switch_from(struct vcpu *p)
{
    if ( !(p->arch.pv.debugreg[7] & DR7_ACTIVE_MASK) )
        return;
    p->arch.pv.debugreg[6] = emul_hw_read_dr6() | DR6_RESERVED_ONE;
    emul_hw_write_dr(7, 0);
}

void pv_debugreg_switch_to(const struct vcpu *n)
{
    if ( !(n->arch.pv.debugreg[7] & DR7_ACTIVE_MASK) )
        return;
    load_all(n);
    emul_hw_write_dr(7, n->arch.pv.debugreg[7]);
}

void pv_debugreg_init(struct vcpu *v)
{
    v->arch.pv.debugreg[6] = DR6_RESERVED_ONE;
    v->arch.pv.debugreg[7] = 0x400;         /* the architectural reset value */
}

long do_set_debugreg(int reg, unsigned long value)
{
    if ( reg < 0 )
        return -ENODEV;
    return pv_set_debugreg(current, reg, value);
}

unsigned long do_get_debugreg(int reg)
{
    unsigned long value;

    if ( reg < 0 || pv_get_debugreg(current, reg, &value) )
        return -ENODEV;
    return value;
}
