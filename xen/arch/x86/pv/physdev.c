/*
 * pv/physdev.c: physdev_op (hypercall 33), a PV guest's access to
 * physical devices.
 *
 * Theory of operation. So far only the two operations that gate port I/O
 * emulation (pv/ioport.c): set_iopl records the guest's virtual I/O
 * privilege level (0-3; Linux asks for 1 early so that its kernel may do
 * port I/O), set_iobitmap records where the guest keeps its TSS-style
 * I/O bitmap (a guest virtual address and how many ports it covers; the
 * bitmap is read at each access, so the guest may change it in place).
 * The bitmap's address is not checked here: a bad one reads as "denied".
 * Every other operation (PIRQs, PCI devices, IO-APIC access, ...) answers
 * -ENOSYS for now, which Linux tolerates.
 *
 * Locking: none; each operation changes only current's own state.
 */
#include <asm/current.h>
#include <asm/pv/hypercall.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/physdev.h>

#define MAX_IOPL  3
#define NR_PORTS  0x10000

static long set_iopl(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_set_iopl op;

    if ( copy_from_guest_va(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    if ( op.iopl > MAX_IOPL )
        return -EINVAL;
    current->arch.pv.iopl = op.iopl;
    return 0;
}

static long set_iobitmap(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_set_iobitmap op;
    struct pv_vcpu *pv = &current->arch.pv;

    if ( copy_from_guest_va(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    if ( op.nr_ports > NR_PORTS )
        return -EINVAL;
    pv->iobmp = (unsigned long)op.bitmap.p;
    pv->iobmp_nr = op.nr_ports;
    return 0;
}

long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
        return set_iopl(arg);
    case PHYSDEVOP_set_iobitmap:
        return set_iobitmap(arg);
    }
    return -ENOSYS;
}
