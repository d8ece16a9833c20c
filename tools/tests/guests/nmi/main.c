/*
 * nmi: virtual NMIs (VCPUOP_send_nmi, 24/11) and the NMI callback
 * (callback_op CALLBACKTYPE_nmi).
 *
 * - send_nmi with a non-NULL argument is refused (-EINVAL); for a vCPU
 *   that does not exist, -ENOENT.
 * - The NMI handler is the virtual IDT's vector 2 (the runtime's trap
 *   table has one): an NMI sent to ourselves arrives on the way out of the
 *   send_nmi hypercall, with events masked in the handler and the saved
 *   mask in the frame.
 * - NMIs do not nest: one sent from inside the handler waits until the
 *   handler's iret, then arrives.
 * - CALLBACKTYPE_nmi replaces that vector-2 entry; with no handler at all
 *   (a trap table without vector 2) a virtual NMI is dropped, and
 *   installing a handler later does not bring it back.
 */
#include "guest.h"

const char test_title[] = "nmi: VCPUOP_send_nmi and the NMI callback";

static volatile unsigned int nr_nmis, nested_sent, seen_inside;
static volatile uint8_t mask_inside;
static struct trap_frame first;

static long send_nmi(unsigned int vcpu, void *arg)
{
    return hypervisor_vcpu_op(VCPUOP_send_nmi, vcpu, arg);
}

static bool nmi_handler(struct trap_frame *f)
{
    unsigned int n = ++nr_nmis;

    if ( n == 1 )
    {
        first = *f;
        mask_inside = vcpu0()->evtchn_upcall_mask;
        /* A second NMI now must wait for this handler's iret. */
        nested_sent = send_nmi(0, NULL) == 0;
        seen_inside = nr_nmis;
    }
    return true;
}

int main(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_nmi,
        .address = trap_entry_table[2],     /* the runtime's vector-2 stub */
    };
    unsigned int dummy;

    CHECK_EQ(send_nmi(0, &dummy), -EINVAL);
    CHECK_EQ(send_nmi(200, NULL), -ENOENT);

    /* Through the trap table's vector 2, on the way out of send_nmi. */
    set_trap_handler(2, nmi_handler);
    events_mask();
    CHECK_EQ(send_nmi(0, NULL), 0);
    printk("after send_nmi: %u NMI(s); in the handler: mask %u, nested sent %u, "
           "count seen inside %u\n", nr_nmis, mask_inside, nested_sent, seen_inside);
    CHECK_EQ(nr_nmis, 2);               /* the first, then the nested one */
    CHECK_EQ(seen_inside, 1);           /* the nested one waited */
    CHECK(nested_sent);
    CHECK_EQ(mask_inside, 1);
    CHECK_EQ(first.vector, 2);
    CHECK(!first.has_error_code);
    CHECK_EQ(first.cs & 0xffff, 0xe030);            /* from kernel mode */
    CHECK_EQ((first.cs >> 32) & 0xff, 1);           /* events were masked */
    CHECK_EQ(first.ss, 0xe02b);

    /* Through CALLBACKTYPE_nmi: the same stub, registered the other way. */
    CHECK_EQ(hypervisor_callback_op(CALLBACKOP_register, &cb), 0);
    CHECK_EQ(send_nmi(0, NULL), 0);
    CHECK_EQ(nr_nmis, 3);

    /* No handler at all: dropped, and not delivered later either. */
    CHECK_EQ(hypervisor_set_trap_table(NULL), 0);
    CHECK_EQ(send_nmi(0, NULL), 0);
    hypervisor_xen_version(XENVER_version, NULL);   /* another way out */
    install_trap_table();
    hypervisor_xen_version(XENVER_version, NULL);
    CHECK_EQ(nr_nmis, 3);
    test_done();
}
