/*
 * multicall: batches of hypercalls (pv-abi.md 2, hypercall 13).
 *
 * - each entry's return value lands in its result field (negative errors
 *   as two's complement), the multicall itself returns 0 even when entries
 *   fail; entries run in order (a later entry sees an earlier one's effect);
 * - update_va_mapping inside a batch changes the mapping;
 * - a nested multicall entry fails with -EINVAL, the batch goes on;
 * - an empty batch returns 0;
 * - an entry array that runs into an unmapped page: the entries before it
 *   are done and have results, the call returns -EFAULT.
 */
#include "guest.h"

const char test_title[] = "multicall: batched hypercalls and per-entry results";

static void set_entry(multicall_entry_t *e, unsigned long op, unsigned long a0,
                      unsigned long a1, unsigned long a2)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->result = 0x5a5a5a5a5a5a5a5aUL;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
}

static void basic_batch(void)
{
    static multicall_entry_t mc[10];
    static xen_extraversion_t extra;
    static const char msg[] = "multicall: console write from a batch\n";
    uint64_t *page = alloc_page();
    unsigned long va = (unsigned long)page;
    uint64_t pte_ro = (virt_to_mfn(page) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
    long version = hypervisor_xen_version(XENVER_version, NULL);
    unsigned int i = 0;
    long rc;

    CHECK_EQ(sizeof(multicall_entry_t), 64);
    set_entry(&mc[i++], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    set_entry(&mc[i++], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    set_entry(&mc[i++], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0);
    set_entry(&mc[i++], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 99, 0);
    set_entry(&mc[i++], 60, 0, 0, 0);
    set_entry(&mc[i++], __HYPERVISOR_update_va_mapping, va, pte_ro, UVMF_INVLPG);
    set_entry(&mc[i++], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1,
              (unsigned long)msg);
    set_entry(&mc[i++], __HYPERVISOR_xen_version, XENVER_extraversion, (unsigned long)extra, 0);
    set_entry(&mc[i++], __HYPERVISOR_multicall, (unsigned long)mc, 1, 0);
    set_entry(&mc[i++], __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);

    rc = hypervisor_multicall(mc, i);
    CHECK_EQ(rc, 0);
    CHECK_EQ(mc[0].result, version);
    CHECK_EQ(mc[1].result, PAGE_SIZE);
    CHECK_EQ(mc[2].result, 1);
    CHECK_EQ(mc[3].result, (uint64_t)-ENOENT);
    CHECK_EQ(mc[4].result, (uint64_t)-ENOSYS);
    CHECK_EQ(mc[5].result, 0);
    CHECK_EQ(mc[6].result, 0);
    CHECK_EQ(mc[7].result, 0);
    CHECK_EQ(mc[8].result, (uint64_t)-EINVAL);
    CHECK_EQ(mc[9].result, 0);
    CHECK_EQ(extra[0], '.');
    CHECK_EQ(lookup_pte(va, NULL) & _PAGE_RW, 0);
    CHECK_EQ(probe_write(page, 1), X86_EXC_PF);
    /* op and args are left as they were */
    CHECK_EQ(mc[5].op, __HYPERVISOR_update_va_mapping);
    CHECK_EQ(mc[5].args[0], va);

    CHECK_EQ(hypervisor_multicall(mc, 0), 0);
}

/* Entries 0-1 at the end of a page, entry 2 on an unmapped page. */
static void faulting_batch(void)
{
    uint8_t *two = alloc_page();
    uint8_t *second = alloc_page();
    multicall_entry_t *mc;
    long rc;

    if ( second != two + PAGE_SIZE )
        panic("allocator pages not contiguous");
    ASSERT(hypervisor_update_va_mapping((unsigned long)second, 0, UVMF_INVLPG) == 0);
    mc = (multicall_entry_t *)(second - 2 * sizeof(*mc));
    set_entry(&mc[0], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    set_entry(&mc[1], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 99, 0);
    rc = hypervisor_multicall(mc, 3);
    CHECK_EQ(rc, -EFAULT);
    CHECK_EQ(mc[0].result, PAGE_SIZE);
    CHECK_EQ(mc[1].result, (uint64_t)-ENOENT);
}

int main(void)
{
    basic_batch();
    faulting_batch();
    test_done();
}
