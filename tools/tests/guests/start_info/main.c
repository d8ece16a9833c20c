/*
 * start_info: the state a 64-bit PV dom0 kernel starts in (pv-abi.md 1.2-1.4).
 *
 * - start_info: magic, SIF_PRIVILEGED|SIF_INITDOMAIN, nr_pages, the dom0
 *   console info, no xenstore, no initrd, no INIT_P2M;
 * - registers at entry: rsi = start_info, other GPRs 0, rsp at the top of
 *   the boot stack, cs/ss = FLAT_KERNEL_CS/SS, data selectors 0, IF set;
 * - every existing vCPU starts with upcall_mask = 1;
 * - the boot area: image, p2m, start_info, page tables, stack, in that
 *   order; VA = VIRT_BASE + pfn * 4096 for every page of it, page tables
 *   mapped read-only and everything else read-write, ending on a 4 MiB
 *   boundary at least 512 KiB past the stack;
 * - the p2m and the read-only M2P agree for every pfn of the domain.
 */
#include "guest.h"

const char test_title[] = "start_info: boot state, start_info, boot area layout, p2m/M2P";

static void check_start_info(void)
{
    start_info_t *si = start_info;

    if ( strcmp(si->magic, "xen-3.0-x86_64") )
        fail("magic is '%.32s'", si->magic);
    CHECK_EQ(si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), SIF_PRIVILEGED | SIF_INITDOMAIN);
    /* no module, so no SIF_MOD_START_PFN; the PM bits (8-15) say what
     * power management dom0 may do: Xen 4.17 sets Px and Cx (0x300) */
    CHECK_EQ(si->flags & 0xff, SIF_PRIVILEGED | SIF_INITDOMAIN);
    /* dom0_mem=128M,max:128M */
    CHECK_EQ(si->nr_pages, 128UL << (20 - PAGE_SHIFT));
    CHECK_EQ(si->shared_info & ~PAGE_MASK, 0);
    CHECK_EQ(si->store_mfn, 0);
    CHECK_EQ(si->store_evtchn, 0);
    /* dom0: console.dom0 describes the VGA console right after start_info */
    CHECK_EQ(si->console.dom0.info_off, sizeof(start_info_t));
    CHECK_EQ(si->console.dom0.info_size, sizeof(struct dom0_vga_console_info));
    CHECK_EQ(si->mod_start, 0);
    CHECK_EQ(si->mod_len, 0);
    /* Without INIT_P2M Xen 4.17 still sets first_p2m_pfn: to the number of
     * pfns in the boot area (no p2m frames follow, nr_p2m_frames is 0). */
    CHECK_EQ(si->first_p2m_pfn, va_to_pfn(boot_area_end));
    CHECK_EQ(si->nr_p2m_frames, 0);
    CHECK_EQ(sizeof(start_info_t), 1168);
    printk("nr_pages %lu flags %#x shared_info %#lx pt_base %#lx nr_pt_frames %lu\n",
           si->nr_pages, si->flags, si->shared_info, si->pt_base, si->nr_pt_frames);
    printk("mfn_list %#lx console info %u+%u cmdline '%s'\n", si->mfn_list,
           si->console.dom0.info_off, si->console.dom0.info_size, (const char *)si->cmd_line);
}

static void check_entry_state(void)
{
    const struct entry_state *e = &entry_state;
    static const char *const names[16] = {
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    unsigned int i;

    for ( i = 0; i < 16; i++ )
    {
        if ( i == R_RSP )
            continue;
        if ( e->gpr[i] != (i == R_RSI ? (uint64_t)start_info : 0) )
            fail("%s at entry is %#lx", names[i], e->gpr[i]);
    }
    CHECK_EQ(e->cs, FLAT_KERNEL_CS);
    CHECK_EQ(e->ss, FLAT_KERNEL_SS);
    CHECK_EQ(e->ds, 0);
    CHECK_EQ(e->es, 0);
    CHECK_EQ(e->fs, 0);
    CHECK_EQ(e->gs, 0);
    /* The real flags: IF on, IOPL 0 (the guest kernel runs in ring 3). */
    CHECK(e->rflags & 0x200);
    CHECK_EQ(e->rflags & 0x3000, 0);
    printk("entry: rsp %#lx rflags %#lx cs %#x ss %#x\n", e->gpr[R_RSP], e->rflags, e->cs, e->ss);
}

static void check_vcpus(void)
{
    unsigned int v, n = 0;

    for ( v = 0; v < XEN_LEGACY_MAX_VCPUS; v++ )
    {
        long up = hypervisor_vcpu_op(VCPUOP_is_up, v, NULL);

        if ( up == -ENOENT )
            break;
        n++;
        /* vCPU 0 runs; the others are down until VCPUOP_up */
        CHECK_EQ(up, v == 0);
        if ( shared->vcpu_info[v].evtchn_upcall_mask != 1 )
            fail("vcpu_info[%u].upcall_mask is %u", v, shared->vcpu_info[v].evtchn_upcall_mask);
    }
    printk("%u vCPUs\n", n);
    CHECK(n >= 1);
}

/* Is [va, va + len) inside the boot area? */
static bool in_boot_area(unsigned long va, unsigned long len)
{
    return va >= VIRT_BASE && va + len <= boot_area_end && va + len >= va;
}

static void check_layout(void)
{
    start_info_t *si = start_info;
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    unsigned long rsp = entry_state.gpr[R_RSP];
    unsigned long p2m_va = si->mfn_list, p2m_end = p2m_va + si->nr_pages * 8;
    unsigned long si_va = (unsigned long)si;

    printk("boot area %#lx-%#lx: image -%#lx, p2m %#lx-%#lx, start_info %#lx, "
           "page tables %#lx-%#lx, stack top %#lx\n",
           VIRT_BASE, boot_area_end, (unsigned long)_end, p2m_va, p2m_end, si_va,
           si->pt_base, pt_end, rsp);

    CHECK_EQ((unsigned long)_start, VIRT_BASE);
    CHECK(in_boot_area(p2m_va, si->nr_pages * 8));
    CHECK(in_boot_area(si_va, PAGE_SIZE));
    CHECK(in_boot_area(si->pt_base, si->nr_pt_frames * PAGE_SIZE));
    CHECK_EQ(si_va & ~PAGE_MASK, 0);
    CHECK_EQ(si->pt_base & ~PAGE_MASK, 0);
    CHECK_EQ(p2m_va & ~PAGE_MASK, 0);
    /* In order: image, p2m, start_info, page tables, one page of stack. */
    CHECK(p2m_va >= (unsigned long)_end);
    CHECK(si_va >= ROUNDUP(p2m_end, PAGE_SIZE));
    CHECK(si->pt_base >= si_va + PAGE_SIZE);
    CHECK_EQ(rsp, pt_end + PAGE_SIZE);
    /* Padding to a 4 MiB boundary, at least 512 KiB. */
    CHECK_EQ(boot_area_end & ((4UL << 20) - 1), 0);
    CHECK(boot_area_end - rsp >= (512UL << 10));
    CHECK(si->nr_pt_frames >= 4);
}

static void check_mappings(void)
{
    start_info_t *si = start_info;
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    unsigned long va, bad = 0;
    const uint64_t *l4 = (const uint64_t *)si->pt_base;

    for ( va = VIRT_BASE; va < boot_area_end; va += PAGE_SIZE )
    {
        unsigned int level;
        uint64_t pte = lookup_pte(va, &level);
        unsigned long pfn = va_to_pfn(va);
        bool is_pt = va >= si->pt_base && va < pt_end;
        uint64_t want;

        if ( va == (unsigned long)shared )
            continue;               /* the runtime remapped it */
        want = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | (is_pt ? 0 : _PAGE_RW);

        if ( level != 1 || ((pte & PTE_MFN_MASK) >> PAGE_SHIFT) != p2m[pfn] ||
             (pte & (_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_ACCESSED | _PAGE_PSE)) != want )
        {
            if ( bad++ < 5 )
                fail("va %#lx (pfn %#lx, mfn %#lx): level %u pte %#lx", va, pfn, p2m[pfn],
                     level, pte);
        }
    }
    if ( bad )
        fail("%lu boot-area pages mapped wrongly", bad);

    /* The hypervisor's slots: the M2P in L4[256], L4[511] ours. */
    CHECK(l4[256] & _PAGE_PRESENT);
    CHECK(l4[511] & _PAGE_PRESENT);
    CHECK(mfn_to_va((l4[511] & PTE_MFN_MASK) >> PAGE_SHIFT) >= si->pt_base);
    CHECK(mfn_to_va((l4[511] & PTE_MFN_MASK) >> PAGE_SHIFT) < pt_end);
    /* the L4 itself is the frame of pt_base */
    CHECK_EQ(virt_to_mfn((void *)si->pt_base),
             p2m[va_to_pfn(si->pt_base)]);
    printk("L4[256] %#lx L4[511] %#lx\n", l4[256], l4[511]);
}

static void check_p2m_m2p(void)
{
    unsigned long pfn, bad = 0;

    for ( pfn = 0; pfn < start_info->nr_pages; pfn++ )
    {
        uint64_t m;
        int trap = probe_read(&m2p[p2m[pfn]], &m);

        if ( trap >= 0 || m != pfn )
        {
            if ( bad++ < 5 )
                fail("pfn %#lx: p2m %#lx, m2p %#lx (trap %d)", pfn, p2m[pfn], m, trap);
        }
    }
    if ( bad )
        fail("%lu pfns where m2p[p2m[pfn]] != pfn", bad);
    printk("p2m/M2P agree for %lu pfns; p2m[0] = %#lx\n", start_info->nr_pages, p2m[0]);
}

int main(void)
{
    check_start_info();
    check_entry_state();
    check_vcpus();
    check_layout();
    check_mappings();
    check_p2m_m2p();
    test_done();
}
