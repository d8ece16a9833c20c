/*
 * ldt: MMUEXT_SET_LDT and the guest's LDT (pv-abi.md 1.6 descriptor
 * checks, 3 seg_desc frames), with Xen 4.17's semantics: the LDT's pages
 * are taken (typed seg_desc, their descriptors checked and fixed in place)
 * only when the CPU first reads a descriptor in them.
 *
 * - before any SET_LDT, a TI=1 selector faults #GP (error code = the
 *   selector's index | TI): LDTR is null;
 * - SET_LDT's checks: base not page aligned, more than 8192 entries, a
 *   base in the hypervisor's hole or non-canonical: -EINVAL; a base above
 *   the hole, or one whose LDT runs off the lower half, is accepted (only
 *   the base is checked); with 0 entries the base is ignored;
 * - SET_LDT of a page that is still mapped writable succeeds, but the
 *   first load from it is a #PF at the guest's LDT address (cr2 = base +
 *   index * 8, error code 0);
 * - with the page read-only: data selectors load (the accessed bit then
 *   shows in the page: the CPU writes it), lar/lsl see the descriptors
 *   with DPL 0 raised to 3 (as the page now reads), a DPL-0 64-bit code
 *   segment runs at DPL 3 (lretq in and out), a not-present one is #NP,
 *   a call gate is stored at DPL 0 (lar: not accessible) and loads as
 *   #GP, a selector past the entry count is #GP (lsl: not accessible),
 *   each with the selector as error code;
 * - while in use the page cannot be mapped writable (update_va_mapping
 *   and mmu_update: -EBUSY), not even after the guest removed its own
 *   mapping (Xen 4.17 is built without PV_LDT_PAGING), and selectors
 *   keep loading; update_descriptor on it works and the CPU sees the new
 *   descriptor; SET_LDT with the same base and count keeps it, with
 *   another count releases it (a writable mapping then works);
 * - a second LDT page holding a TSS descriptor, an interrupt gate, or a
 *   call gate to a hypervisor selector is refused when first used: #PF at
 *   its LDT address, while the first page works; it never became a
 *   descriptor page (writable again at once);
 * - an LDT at 0x7ffffffff000: entry 0 (unmapped) is a #PF there, entry
 *   512 (non-canonical) is #GP with error code 0x1004;
 * - context switches (vCPU 1 yields on the same pCPU): vCPU 1 has no LDT
 *   (#GP) while vCPU 0's stays loaded; vCPU 0's %ds, holding an LDT
 *   selector, is reloaded from a new LDT set meanwhile (that page is taken
 *   then: writable refused), and with a not-present descriptor there the
 *   reload fails into the failsafe callback (%fs null afterwards);
 * - SET_LDT(0) drops it: #GP again, and the page may be mapped writable.
 */
#include "guest.h"
#include "pt.h"

const char test_title[] = "ldt: MMUEXT_SET_LDT, LDT selectors, LDT pages";

#define SEL(i)          ((uint16_t)(((i) << 3) | 4 | 3))    /* TI=1, RPL 3 */
#define DATA_DPL3_NA    0x00cff2000000ffffUL    /* flat data, not accessed */
#define DATA_DPL3       0x00cff3000000ffffUL
#define SMALL_DPL0      0x0040930000001234UL    /* limit 0x1234, DPL 0 */
#define SMALL_DPL3      0x0040f30000001234UL
#define NOT_PRESENT     0x00cf73000000ffffUL    /* DPL 3 data, P clear */
#define CODE64_DPL0     0x00af9b000000ffffUL
#define CODE64_DPL3     0x00affb000000ffffUL
#define DATA777_DPL0    0x0040930000000777UL
#define DATA777_DPL3    0x0040f30000000777UL
#define TSS_DESC        0x0000890000000067UL
#define INTR_GATE       0x00008e0000101234UL
#define HIGH_LDT        0x7ffffffff000UL

static long set_ldt(unsigned long base, unsigned int ents)
{
    mmuext_op_t op;

    memset(&op, 0, sizeof(op));
    op.cmd = MMUEXT_SET_LDT;
    op.arg1.linear_addr = base;
    op.arg2.nr_ents = ents;
    return hypervisor_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long remap(void *va, uint64_t pte)
{
    return hypervisor_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

static uint64_t pte_mfn(xen_pfn_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags | _PAGE_ACCESSED | ((flags & _PAGE_RW) ? _PAGE_DIRTY : 0);
}

/* A 64-bit call gate's first 8 bytes (the second 8 hold offset[63:32]). */
static uint64_t call_gate(uint16_t sel, unsigned int dpl, uint32_t offset)
{
    return (offset & 0xffffUL) | ((uint64_t)sel << 16) |
           ((uint64_t)(0x8c00 | (dpl << 13)) << 32) | ((uint64_t)(offset >> 16) << 48);
}

/* ---- selectors ---- */

/* Load sel into %ds (left loaded): -1, or the vector it raised. */
static int load_ds(uint16_t sel)
{
    unsigned int before = nr_traps;

    asm volatile ( "1: mov %0, %%ds\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   :: "r" ((uint32_t)sel) : "memory" );
    return nr_traps != before ? (int)last_trap.vector : -1;
}

static uint16_t read_ds(void)
{
    uint16_t s;

    asm volatile ( "mov %%ds, %0" : "=r" (s) );
    return s;
}

static uint16_t read_fs(void)
{
    uint16_t s;

    asm volatile ( "mov %%fs, %0" : "=r" (s) );
    return s;
}

static void null_segments(void)
{
    asm volatile ( "mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%fs" :: "r" (0U) : "memory" );
}

/*
 * Load sel into %ds and expect vector vec (-1: it loads) with error code
 * ec (and cr2 for a #PF); %ds is null again afterwards.
 */
#define CHECK_LOAD(sel, vec, ec, cr2) check_load(__LINE__, sel, vec, ec, cr2)
static void check_load(unsigned int line, uint16_t sel, int vec, uint64_t ec, uint64_t cr2)
{
    int v = load_ds(sel);

    if ( v != vec )
        fail("line %u: loading %#x: vector %d (error code %#lx, cr2 %#lx), expected %d",
             line, sel, v, v >= 0 ? last_trap.error_code : 0, v >= 0 ? last_trap.cr2 : 0, vec);
    else if ( vec >= 0 && last_trap.error_code != ec )
        fail("line %u: loading %#x: error code %#lx, expected %#lx", line, sel,
             last_trap.error_code, ec);
    else if ( vec == X86_EXC_PF && last_trap.cr2 != cr2 )
        fail("line %u: loading %#x: cr2 %#lx, expected %#lx", line, sel, last_trap.cr2, cr2);
    else if ( vec < 0 && read_ds() != sel )
        fail("line %u: %%ds is %#x after loading %#x", line, read_ds(), sel);
    null_segments();
}

/* lsl / lar: the result, -1 if ZF is clear, -2 - vector if it faulted. */
static long lsl(uint16_t sel)
{
    unsigned int before = nr_traps;
    uint32_t r = 0;
    uint8_t ok = 0;

    asm volatile ( "1: lsl %w2, %k0\n\t"
                   "setz %1\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : "+r" (r), "+q" (ok) : "r" ((uint32_t)sel) : "cc", "memory" );
    if ( nr_traps != before )
        return -2 - (long)last_trap.vector;
    return ok ? (long)r : -1;
}

static long lar(uint16_t sel)
{
    unsigned int before = nr_traps;
    uint32_t r = 0;
    uint8_t ok = 0;

    asm volatile ( "1: lar %w2, %k0\n\t"
                   "setz %1\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : "+r" (r), "+q" (ok) : "r" ((uint32_t)sel) : "cc", "memory" );
    if ( nr_traps != before )
        return -2 - (long)last_trap.vector;
    return ok ? (long)r : -1;
}

/* What lar returns for descriptor d. */
static long lar_of(uint64_t d)
{
    return (d >> 32) & 0x00f0ff00;
}

/* ---- vCPU 1: yields, so that vCPU 0's yields are context switches ---- */

static uint8_t vcpu1_stack[4 * 4096] __attribute__((aligned(16)));
static volatile unsigned long vcpu1_loops;
static volatile unsigned int vcpu1_cmd, vcpu1_done;
static volatile int vcpu1_vector;
static volatile uint64_t vcpu1_ec;

static noreturn void vcpu1_main(void)
{
    install_trap_table();           /* the trap table is per vCPU */
    for ( ;; )
    {
        if ( vcpu1_cmd != vcpu1_done )
        {
            /* vCPU 0 has an LDT; this vCPU has none. */
            vcpu1_vector = load_ds(SEL(1));
            vcpu1_ec = last_trap.error_code;
            asm volatile ( "mov %0, %%ds" :: "r" (0U) );
            vcpu1_done = vcpu1_cmd;
        }
        vcpu1_loops++;
        hypervisor_sched_op(SCHEDOP_yield, NULL);
    }
}

static volatile unsigned int nr_failsafe;
static struct trap_frame failsafe_frame;

static bool failsafe_handler(struct trap_frame *f)
{
    failsafe_frame = *f;
    failsafe_frame.gprs = NULL;
    nr_failsafe++;
    return true;
}

static bool start_vcpu1(void)
{
    static struct vcpu_guest_context ctx;
    long rc;

    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)vcpu1_main;
    ctx.user_regs.rsp = (uint64_t)vcpu1_stack + sizeof(vcpu1_stack) - 8;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.user_regs.rflags = 0x200;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    ctx.event_callback_eip = (uint64_t)event_entry;
    ctx.failsafe_callback_eip = (uint64_t)failsafe_entry;

    rc = hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx);
    if ( rc == -ENOENT )
        return false;
    if ( rc || hypervisor_vcpu_op(VCPUOP_up, 1, NULL) )
        panic("starting vCPU 1: %ld", rc);
    return true;
}

/* Yield until vCPU 1 has run n more loops (so we were switched out). */
static void switch_away(unsigned long n)
{
    unsigned long target = vcpu1_loops + n, spins = 0;

    while ( vcpu1_loops < target && ++spins < 100000 )
        hypervisor_sched_op(SCHEDOP_yield, NULL);
    if ( vcpu1_loops < target )
        panic("vCPU 1 does not run");
}

/* ---- the checks ---- */

static void bad_args(uint64_t *ldt)
{
    unsigned long base = (unsigned long)ldt;

    CHECK_EQ(set_ldt(base + 8, 16), -EINVAL);
    CHECK_EQ(set_ldt(base, 8193), -EINVAL);
    CHECK_EQ(set_ldt(base, 0xffffffffU), -EINVAL);
    CHECK_EQ(set_ldt(0xffff800000000000UL, 16), -EINVAL);     /* the hole */
    CHECK_EQ(set_ldt(0xffff87fffffff000UL, 1), -EINVAL);
    CHECK_EQ(set_ldt(0x0000800000000000UL, 1), -EINVAL);      /* non-canonical */
    CHECK_EQ(set_ldt(0xffff7ffffffff000UL, 1), -EINVAL);
    /* accepted: above the hole; only the base is checked; no entries */
    CHECK_EQ(set_ldt(0xffff880000000000UL, 16), 0);
    CHECK_EQ(set_ldt(HIGH_LDT, 8192), 0);
    CHECK_EQ(set_ldt(base + 8, 0), 0);
    CHECK_EQ(set_ldt(0, 0), 0);
    CHECK_LOAD(SEL(1), X86_EXC_GP, SEL(1) & ~3, 0);
}

static void still_writable(uint64_t *ldt)
{
    /* taken lazily: SET_LDT succeeds, the first use cannot take the page */
    CHECK_EQ(set_ldt((unsigned long)ldt, 16), 0);
    CHECK_LOAD(SEL(1), X86_EXC_PF, 0, (unsigned long)ldt + 8);
    CHECK_EQ(lsl(SEL(2)), -2 - X86_EXC_PF);
    CHECK_EQ(ldt[2], SMALL_DPL0);                   /* not looked at */
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT)), 0);
}

static void selectors(uint64_t *ldt)
{
    uint16_t cs_in = 0, cs_back = 0;
    unsigned int faulted = 0;

    CHECK_LOAD(SEL(1), -1, 0, 0);
    printk("LDT page after first use: [1] %#lx [2] %#lx [4] %#lx [5] %#lx\n",
           ldt[1], ldt[2], ldt[4], ldt[5]);
    CHECK_EQ(ldt[1], DATA_DPL3);                    /* accessed by the CPU */
    CHECK_EQ(ldt[2], SMALL_DPL3);                   /* fixed in place */
    CHECK_EQ(ldt[3], NOT_PRESENT);
    CHECK_EQ(ldt[4], CODE64_DPL3);
    CHECK_EQ(ldt[5], call_gate(FLAT_KERNEL_CS, 0, 0x80001234));
    CHECK_EQ(lsl(SEL(2)), 0x1234);
    CHECK_EQ(lar(SEL(2)), lar_of(SMALL_DPL3));
    CHECK_EQ(lar(SEL(5)), -1);                      /* the gate's DPL 0 < CPL */
    CHECK_EQ(lsl(SEL(16)), -1);                     /* past the limit */
    CHECK_EQ(lar(SEL(0)), -1);
    CHECK_LOAD(SEL(2), -1, 0, 0);
    CHECK_LOAD(SEL(3), X86_EXC_NP, SEL(3) & ~3, 0);
    CHECK_LOAD(SEL(5), X86_EXC_GP, SEL(5) & ~3, 0);
    CHECK_LOAD(SEL(16), X86_EXC_GP, SEL(16) & ~3, 0);
    CHECK_LOAD(SEL(300), X86_EXC_GP, SEL(300) & ~3, 0);

    /* far return into the LDT code segment and back to the flat one */
    asm volatile ( "pushq %[sel]\n\t"
                   "leaq 1f(%%rip), %%rax\n\t"
                   "pushq %%rax\n\t"
                   "2: lretq\n\t"
                   "1: mov %%cs, %[in]\n\t"
                   "pushq %[flat]\n\t"
                   "leaq 3f(%%rip), %%rax\n\t"
                   "pushq %%rax\n\t"
                   "lretq\n\t"
                   "4: addq $16, %%rsp\n\t"
                   "movl $1, %[faulted]\n\t"
                   "3: mov %%cs, %[back]\n\t"
                   ASM_EXTABLE(2b, 4b)
                   : [in] "+r" (cs_in), [back] "+r" (cs_back), [faulted] "+m" (faulted)
                   : [sel] "i" (SEL(4)), [flat] "i" (FLAT_KERNEL_CS)
                   : "rax", "memory" );
    if ( faulted )
        fail("lretq to %#x: vector %u, error code %#lx", SEL(4), last_trap.vector,
             last_trap.error_code);
    CHECK_EQ(cs_in, SEL(4));
    CHECK_EQ(cs_back, FLAT_KERNEL_CS);
}

static void in_use(uint64_t *ldt, uint64_t *spare)
{
    xen_pfn_t mfn = virt_to_mfn(ldt);
    uint64_t l1e = pt_entry_maddr((unsigned long)ldt, 1);
    uint64_t dummy;

    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    CHECK(l1e != 0);
    CHECK_EQ(mmu_update1(l1e | MMU_NORMAL_PT_UPDATE,
                         pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    CHECK_EQ(probe_write(&ldt[9], 1), X86_EXC_PF);
    CHECK_EQ(probe_read(&ldt[1], &dummy), -1);

    /* update_descriptor on the live LDT page: checked, and seen at once */
    CHECK_EQ(hypercall2(__HYPERVISOR_update_descriptor, (mfn << PAGE_SHIFT) + 7 * 8,
                        DATA777_DPL0), 0);
    CHECK_EQ(ldt[7], DATA777_DPL3);
    CHECK_EQ(lsl(SEL(7)), 0x777);
    CHECK_EQ(hypercall2(__HYPERVISOR_update_descriptor, (mfn << PAGE_SHIFT) + 7 * 8,
                        TSS_DESC), -EINVAL);
    CHECK_EQ(ldt[7], DATA777_DPL3);

    /* the guest's own mapping goes: the LDT keeps the page all the same */
    CHECK_EQ(remap(ldt, 0), 0);
    CHECK_EQ(remap(spare, pte_mfn(mfn, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    CHECK_LOAD(SEL(1), -1, 0, 0);
    CHECK_EQ(lsl(SEL(7)), 0x777);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT)), 0);

    /* the same LDT again: nothing changes */
    CHECK_EQ(set_ldt((unsigned long)ldt, 16), 0);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    /* another count: the page is let go until it is used again */
    CHECK_EQ(hypercall2(__HYPERVISOR_update_descriptor, (mfn << PAGE_SHIFT) + 16 * 8,
                        DATA_DPL3), 0);
    CHECK_LOAD(SEL(16), X86_EXC_GP, SEL(16) & ~3, 0);
    CHECK_EQ(set_ldt((unsigned long)ldt, 17), 0);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_LOAD(SEL(1), X86_EXC_PF, 0, (unsigned long)ldt + 8);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT)), 0);
    CHECK_LOAD(SEL(1), -1, 0, 0);
    CHECK_LOAD(SEL(16), -1, 0, 0);                  /* within the new count */
}

/* A second page with one refused descriptor: refused when first used. */
static void bad_second_page(uint64_t *ldt, uint64_t *ldt2)
{
    static const uint64_t bad[] = { TSS_DESC, INTR_GATE, 0 };
    unsigned long base = (unsigned long)ldt;
    unsigned int i;
    uint64_t gate = call_gate(0xe008, 3, 0x1000);   /* the hypervisor's CS */

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        uint64_t d = bad[i] ? bad[i] : gate;

        CHECK_EQ(set_ldt(0, 0), 0);
        ldt2[1] = DATA_DPL3;
        ldt2[5] = d;
        CHECK_EQ(remap(ldt2, pte_for(ldt2, _PAGE_PRESENT)), 0);
        CHECK_EQ(set_ldt(base, 1024), 0);
        CHECK_LOAD(SEL(513), X86_EXC_PF, 0, base + 4096 + 8);
        CHECK_EQ(lar(SEL(600)), -2 - X86_EXC_PF);
        CHECK_LOAD(SEL(1), -1, 0, 0);               /* the first page is fine */
        CHECK_EQ(ldt2[5], d);
        /* never became a descriptor page */
        CHECK_EQ(remap(ldt2, pte_for(ldt2, _PAGE_PRESENT | _PAGE_RW)), 0);
    }
    /* fixed: the second page loads too */
    ldt2[5] = 0;
    CHECK_EQ(remap(ldt2, pte_for(ldt2, _PAGE_PRESENT)), 0);
    CHECK_LOAD(SEL(513), -1, 0, 0);
    CHECK_EQ(remap(ldt2, pte_for(ldt2, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    CHECK_EQ(set_ldt(0, 0), 0);
    CHECK_EQ(remap(ldt2, pte_for(ldt2, _PAGE_PRESENT | _PAGE_RW)), 0);
}

/* An LDT that runs off the end of the lower half. */
static void high_ldt(void)
{
    CHECK_EQ(set_ldt(HIGH_LDT, 8192), 0);
    if ( lookup_pte(HIGH_LDT, NULL) & _PAGE_PRESENT )
        fail("%#lx is mapped", HIGH_LDT);
    else
        CHECK_LOAD(SEL(0), X86_EXC_PF, 0, HIGH_LDT);
    CHECK_LOAD(SEL(512), X86_EXC_GP, SEL(512) & ~3, 0);
    CHECK_LOAD(SEL(8191), X86_EXC_GP, SEL(8191) & ~3, 0);
    CHECK_EQ(set_ldt(0, 0), 0);
}

static void context_switches(uint64_t *ldt, uint64_t *alt, uint64_t *bad)
{
    unsigned int f;

    CHECK_EQ(set_ldt((unsigned long)ldt, 16), 0);
    CHECK_LOAD(SEL(1), -1, 0, 0);

    /* vCPU 1 has no LDT */
    vcpu1_cmd++;
    while ( vcpu1_done != vcpu1_cmd )
        hypervisor_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ(vcpu1_vector, X86_EXC_GP);
    CHECK_EQ(vcpu1_ec, SEL(1) & ~3);

    /* ours survives the switches */
    CHECK_EQ(load_ds(SEL(2)), -1);
    switch_away(3);
    CHECK_EQ(read_ds(), SEL(2));
    CHECK_EQ(lsl(SEL(2)), 0x1234);
    CHECK_EQ(nr_failsafe, 0);

    /* a new LDT while %ds holds a selector: reloaded from the new one */
    alt[2] = DATA_DPL3;
    CHECK_EQ(remap(alt, pte_for(alt, _PAGE_PRESENT)), 0);
    CHECK_EQ(set_ldt((unsigned long)alt, 16), 0);
    CHECK_EQ(read_ds(), SEL(2));
    switch_away(3);
    CHECK_EQ(nr_failsafe, 0);
    CHECK_EQ(read_ds(), SEL(2));
    CHECK_EQ(alt[2], DATA_DPL3);
    CHECK_EQ(remap(alt, pte_for(alt, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT)), 0);
    null_segments();

    /* ... and where the new one has no such segment: the failsafe callback */
    bad[2] = NOT_PRESENT;
    CHECK_EQ(remap(bad, pte_for(bad, _PAGE_PRESENT)), 0);
    asm volatile ( "mov %0, %%fs" :: "r" ((uint32_t)SEL(2)) );
    CHECK_EQ(set_ldt((unsigned long)bad, 16), 0);
    f = nr_failsafe;
    switch_away(3);
    CHECK_EQ(nr_failsafe, f + 1);
    if ( nr_failsafe == f + 1 )
        CHECK_EQ(failsafe_frame.fs, SEL(2));
    CHECK_EQ(read_fs(), 0);
    CHECK_EQ(set_ldt(0, 0), 0);
    CHECK_EQ(remap(bad, pte_for(bad, _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_EQ(remap(alt, pte_for(alt, _PAGE_PRESENT | _PAGE_RW)), 0);
}

static void drop(uint64_t *ldt)
{
    CHECK_EQ(set_ldt((unsigned long)ldt, 16), 0);
    CHECK_LOAD(SEL(1), -1, 0, 0);
    CHECK_EQ(set_ldt(0, 0), 0);
    CHECK_LOAD(SEL(1), X86_EXC_GP, SEL(1) & ~3, 0);
    CHECK_EQ(lsl(SEL(2)), -1);
    CHECK_EQ(remap(ldt, pte_for(ldt, _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_EQ(probe_write(&ldt[9], 0x1234), -1);
    CHECK_EQ(ldt[9], 0x1234);
}

int main(void)
{
    uint64_t *ldt = alloc_page(), *ldt2 = alloc_page();
    uint64_t *spare = alloc_page(), *alt = alloc_page(), *bad = alloc_page();
    bool smp;

    if ( ldt2 != ldt + 512 )
        panic("LDT pages not contiguous: %p %p", ldt, ldt2);
    set_trap_handler(KIND_FAILSAFE, failsafe_handler);
    smp = start_vcpu1();

    ldt[1] = DATA_DPL3_NA;
    ldt[2] = SMALL_DPL0;
    ldt[3] = NOT_PRESENT;
    ldt[4] = CODE64_DPL0;
    ldt[5] = call_gate(FLAT_KERNEL_CS, 3, 0x80001234);
    ldt[6] = 0xffffffffUL;                          /* the gate's upper half */

    CHECK_LOAD(SEL(1), X86_EXC_GP, SEL(1) & ~3, 0); /* no LDT yet */
    CHECK_EQ(lsl(SEL(1)), -1);
    bad_args(ldt);
    still_writable(ldt);
    selectors(ldt);
    in_use(ldt, spare);
    bad_second_page(ldt, ldt2);
    high_ldt();
    if ( smp )
        context_switches(ldt, alt, bad);
    else
        printk("no vCPU 1: context switches not checked\n");
    drop(ldt);
    test_done();
}
