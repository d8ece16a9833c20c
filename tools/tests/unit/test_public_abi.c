/*
 * test_public_abi.c: the public ABI headers stand alone, and the
 * hypervisor's internal constants agree with them.
 *
 * sources.d/test_public_abi.mk also compiles public/xen.h on its own as
 * C99 and as C++ (the build fails if either does not compile).
 */
#include <public/xen.h>
#include <asm/config.h>
#include <asm/desc.h>

#include "harness.h"

TEST(selectors_match_the_gdt_layout)
{
    CHECK_EQ(FLAT_RING3_CS64, FLAT_RING3_CS32 + 16);   /* sysret64 */
    CHECK_EQ(FLAT_RING3_SS64, FLAT_RING3_CS32 + 8);    /* sysret SS */
    CHECK_EQ(FLAT_KERNEL_CS, FLAT_RING3_CS64);
    CHECK_EQ(FLAT_RING3_CS32 & 3, 3);                    /* RPL 3 */
    CHECK_EQ(FLAT_RING3_CS32 & ~7u, 0xe020);
    CHECK_EQ(FLAT_RING3_CS32 & ~7u, (unsigned)(FIRST_RESERVED_GDT_BYTE + 0x20));
}

TEST(hypervisor_hole_matches_the_memory_map)
{
    CHECK_EQ(__HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_START);
    CHECK_EQ(__HYPERVISOR_VIRT_END, HYPERVISOR_VIRT_END);
    CHECK_EQ(__MACH2PHYS_VIRT_START, RO_MPT_VIRT_START);
    CHECK_EQ(__MACH2PHYS_VIRT_END, RO_MPT_VIRT_END);
    CHECK(XEN_VIRT_START >= HYPERVISOR_VIRT_START);
    CHECK(DIRECTMAP_VIRT_END <= HYPERVISOR_VIRT_END);
}

TEST(hypercall_numbers)
{
    CHECK_EQ(__HYPERVISOR_console_io, 18);
    CHECK_EQ(__HYPERVISOR_iret, 23);
    CHECK_EQ(__HYPERVISOR_sched_op, 29);
    CHECK_EQ(__HYPERVISOR_event_channel_op, 32);
    CHECK_EQ(DOMID_SELF, 0x7ff0);
}
