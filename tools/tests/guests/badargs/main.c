/*
 * badargs: hypercalls with bad arguments fail cleanly (pv-abi.md 2).
 *
 * - guest buffers the hypervisor cannot use give -EFAULT: unmapped,
 *   read-only (for output), in the hypervisor hole, the M2P (read-only),
 *   non-canonical;
 * - unknown hypercall numbers give -ENOSYS, unknown sub-ops of each
 *   multiplexed hypercall -ENOSYS (or what Xen 4.17 really returns, noted);
 * - bad vCPU numbers, callback types and vm_assist types are refused;
 * - nothing crashes: the test gets to print its result.
 */
#include "guest.h"

const char test_title[] = "badargs: -EFAULT, -ENOSYS and friends";

#define UNMAPPED      ((void *)0x1000UL)
#define HOLE          ((void *)0xffff830000000000UL)   /* Xen's direct map */
#define M2P           ((void *)M2P_VA)
#define NONCANONICAL  ((void *)0x8000000000000000UL)

#define EXPECT(call, want) do {                                             \
        long rc_ = (call);                                                  \
        if ( rc_ != (long)(want) )                                          \
            fail("%s:%d: %s returned %ld, expected %ld", __FILE__, __LINE__, \
                 #call, rc_, (long)(want));                                 \
    } while ( 0 )

static void *ro_page;

static void make_ro_page(void)
{
    ro_page = alloc_page();
    ASSERT(hypervisor_update_va_mapping((unsigned long)ro_page,
                                        (virt_to_mfn(ro_page) << PAGE_SHIFT) |
                                        _PAGE_PRESENT | _PAGE_ACCESSED,
                                        UVMF_INVLPG) == 0);
    ASSERT(probe_write(ro_page, 1) == X86_EXC_PF);
}

static void bad_buffers(void)
{
    static char buf[64];

    /* Input buffers. */
    EXPECT(hypervisor_console_io(CONSOLEIO_write, 8, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_console_io(CONSOLEIO_write, 8, HOLE), -EFAULT);
    EXPECT(hypervisor_console_io(CONSOLEIO_write, 8, NONCANONICAL), -EFAULT);
    EXPECT(hypervisor_set_trap_table(UNMAPPED), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_get_features, UNMAPPED), -EFAULT);

    /* Output buffers. */
    EXPECT(hypervisor_xen_version(XENVER_extraversion, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_extraversion, ro_page), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_extraversion, HOLE), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_extraversion, M2P), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_extraversion, NONCANONICAL), -EFAULT);
    EXPECT(hypervisor_xen_version(XENVER_platform_parameters, ro_page), -EFAULT);
    /* get_features reads submap_idx, then writes back: fails on the write */
    EXPECT(hypervisor_xen_version(XENVER_get_features, ro_page), -EFAULT);
    /* a buffer that runs off the end of the mapped area */
    EXPECT(hypervisor_xen_version(XENVER_extraversion, (char *)ro_page - 8), -EFAULT);
    /* nothing to read: the buffer is never touched */
    EXPECT(hypervisor_console_io(CONSOLEIO_read, sizeof(buf), ro_page), 0);

    /* Argument structures of multiplexed calls. */
    EXPECT(hypervisor_event_channel_op(EVTCHNOP_bind_ipi, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_event_channel_op(EVTCHNOP_bind_ipi, HOLE), -EFAULT);
    EXPECT(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 0, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 0, ro_page), -EFAULT);
    EXPECT(hypervisor_callback_op(CALLBACKOP_register, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_sched_op(SCHEDOP_shutdown, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_physdev_op(PHYSDEVOP_set_iopl, UNMAPPED), -EFAULT);
    EXPECT(hypervisor_multicall(UNMAPPED, 1), -EFAULT);
    EXPECT(hypervisor_mmu_update(UNMAPPED, 1, NULL, DOMID_SELF), -EFAULT);
    EXPECT(hypervisor_mmuext_op(UNMAPPED, 1, NULL, DOMID_SELF), -EFAULT);
}

static void bad_numbers(void)
{
    static const unsigned int unused[] = { 11, 38, 43, 44, 47, 50, 55, 63, 64, 100, 1000 };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(unused); i++ )
    {
        long rc = hypercall0(unused[i]);

        if ( rc != -ENOSYS )
            fail("hypercall %u returned %ld, expected -ENOSYS", unused[i], rc);
    }
    EXPECT(hypercall0(0xffffffffUL), -ENOSYS);
    /* all 64 bits of rax count: this is not xen_version */
    EXPECT(hypercall0(0x100000000UL | __HYPERVISOR_xen_version), -ENOSYS);
}

static void bad_subops(void)
{
    static char buf[64];
    mmuext_op_t op = { .cmd = 99 };
    unsigned int done = 0;
    struct callback_register cb = { .type = 99, .address = (uint64_t)event_entry };
    struct callback_unregister cu = { .type = CALLBACKTYPE_event };

    EXPECT(hypervisor_sched_op(99, NULL), -ENOSYS);
    EXPECT(hypervisor_vcpu_op(99, 0, buf), -ENOSYS);
    EXPECT(hypervisor_event_channel_op(99, buf), -ENOSYS);
    EXPECT(hypervisor_callback_op(99, buf), -ENOSYS);
    EXPECT(hypervisor_physdev_op(999, buf), -ENOSYS);
    EXPECT(hypercall2(__HYPERVISOR_memory_op, 99, buf), -ENOSYS);
    EXPECT(hypercall3(__HYPERVISOR_grant_table_op, 99, buf, 1), -ENOSYS);
    EXPECT(hypervisor_xen_version(99, buf), -ENOSYS);
    EXPECT(hypervisor_console_io(99, 1, buf), -ENOSYS);
    EXPECT(hypervisor_mmuext_op(&op, 1, &done, DOMID_SELF), -ENOSYS);
    EXPECT(hypervisor_vm_assist(VMASST_CMD_enable, 31), -EINVAL);
    EXPECT(hypervisor_vm_assist(7, VMASST_TYPE_writable_pagetables), -ENOSYS);

    /* Bad objects. */
    EXPECT(hypervisor_vcpu_op(VCPUOP_is_up, 99, NULL), -ENOENT);
    EXPECT(hypervisor_vcpu_op(VCPUOP_is_up, 0x80000000U, NULL), -ENOENT);
    /* an unknown callback type: -ENOSYS in 4.17, not -EINVAL */
    EXPECT(hypervisor_callback_op(CALLBACKOP_register, &cb), -ENOSYS);
    /* the event callback cannot be unregistered */
    EXPECT(hypervisor_callback_op(CALLBACKOP_unregister, &cu), -EINVAL);
    EXPECT(hypervisor_set_segment_base(99, 0), -EINVAL);
}

int main(void)
{
    make_ro_page();
    bad_buffers();
    bad_numbers();
    bad_subops();
    test_done();
}
