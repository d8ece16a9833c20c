/*
 * desc.c: the boot CPU's GDT, TSS and IDT.
 *
 * Theory of operation. head.S loads a GDT holding only the hypervisor's
 * reserved descriptors (selector 0xe000 onwards, see asm/desc.h); entries
 * below that belong to PV guests and are never loaded by the hypervisor.
 * Here we add the TSS (whose IST slots give #MC, #DF, NMI and #DB their own
 * known-good stacks, so that a fault with a corrupt %rsp can still be
 * reported) and the per-CPU descriptor, and install an IDT of 256
 * interrupt gates pointing at the entry stubs of entry.S.
 *
 * Once memory management is up (desc_late_init), every CPU's GDT is used
 * through a 16-page window of its own in the per-domain area
 * (GDT_WINDOW_VIRT(cpu)), laid out as the PV ABI's GDT is: pages 0-13 hold
 * the running PV vCPU's own GDT frames (set_gdt), or a zeroed page (every
 * descriptor not present) when it has none, and page 14 is the CPU's real
 * GDT page with the hypervisor's descriptors from 0xe000. A guest can thus
 * load only its own, checked, descriptors: never whatever memory happened
 * to lie below the hypervisor's table.
 *
 * Right after it comes the CPU's LDT window (LDT_WINDOW_VIRT(cpu), 16
 * pages, room for the 8192 descriptors an LDT may have). Its pages start
 * not present; pv/ldt.c maps the running vCPU's LDT pages into it as the
 * CPU first reads them, and here LDTR is pointed at it (the LDT system
 * descriptor at 0xe050 in the CPU's GDT page, limit = the vCPU's entries)
 * or loaded with the null selector when the vCPU has no LDT. LDTR is null
 * from the start: the reset value (base 0, limit 0xffff) would let a guest
 * load descriptors from its own unchecked memory. The window's page table
 * is created with the GDT window's, so changing a page never allocates.
 */
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/percpu.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/page.h>
#include <xen/xmalloc.h>
#include <xen/string.h>
#include <public/xen.h>

extern struct seg_desc boot_gdt[];
extern const char entry_stubs[];

static struct idt_entry idt_table[256] __aligned(PAGE_SIZE);
static struct tss64 boot_tss;

/* Each CPU's GDT (boot_gdt for CPU 0) and TSS. */
static struct seg_desc *cpu_gdt[NR_CPUS] = { [0] = boot_gdt };
static struct tss64 *cpu_tss[NR_CPUS] = { [0] = &boot_tss };

#define GATE_INTERRUPT 0xe
#define GATE_PRESENT   0x80

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl)
{
    unsigned long addr = (unsigned long)entry_stubs + 16 * vec;
    uint64_t attr = GATE_PRESENT | (dpl << 5) | GATE_INTERRUPT;

    idt_table[vec].lo = (addr & 0xffff) |
                        ((uint64_t)__HYPERVISOR_CS << 16) |
                        ((uint64_t)ist << 32) |
                        (attr << 40) |
                        (((addr >> 16) & 0xffff) << 48);
    idt_table[vec].hi = addr >> 32;
}

static struct seg_desc *gdt_entry(struct seg_desc *gdt, unsigned int sel)
{
    return &gdt[(sel - FIRST_RESERVED_GDT_BYTE) / 8];
}

#define SYS_DESC_LDT       0x2
#define SYS_DESC_TSS_AVAIL 0x9

/* A present, byte-granular, 16-byte system descriptor at sel. */
static void set_system_desc(struct seg_desc *gdt, unsigned int sel,
                            unsigned long base, uint32_t limit,
                            unsigned int type)
{
    struct seg_desc *d = gdt_entry(gdt, sel);

    ASSERT(limit <= 0xfffff);
    d[0].a = ((base & 0xffff) << 16) | (limit & 0xffff);
    d[0].b = (base & 0xff000000) | (limit & 0xf0000) |
             0x8000 /* present */ | (type << 8) | ((base >> 16) & 0xff);
    d[1].a = base >> 32;
    d[1].b = 0;
}

static void set_tss_desc(struct seg_desc *gdt, const struct tss64 *tss)
{
    set_system_desc(gdt, TSS_SELECTOR, (unsigned long)tss, sizeof(*tss) - 1,
                    SYS_DESC_TSS_AVAIL);
}

static void lldt(unsigned int sel)
{
    __asm__ __volatile__ ( "lldt %w0" :: "r" (sel) : "memory" );
}

/* Data descriptor whose limit is the CPU number, read back with lsl. */
static void set_per_cpu_desc(struct seg_desc *gdt, unsigned int cpu)
{
    struct seg_desc *d = gdt_entry(gdt, PER_CPU_SELECTOR);

    d->a = cpu & 0xffff;
    d->b = 0x0040f100 | (cpu & 0xf0000);  /* present, DPL 3, byte-granular data */
}

static void init_tss(struct tss64 *tss, unsigned long stack_bottom)
{
    memset(tss, 0, sizeof(*tss));
    tss->rsp0 = stack_bottom + STACK_SIZE - CPUINFO_SIZE + CPUINFO_rsp0;
    tss->ist[IST_MCE - 1] = stack_bottom + IST_MCE * PAGE_SIZE;
    tss->ist[IST_DF - 1] = stack_bottom + IST_DF * PAGE_SIZE;
    tss->ist[IST_NMI - 1] = stack_bottom + IST_NMI * PAGE_SIZE;
    tss->ist[IST_DB - 1] = stack_bottom + IST_DB * PAGE_SIZE;
    tss->iomap_base = sizeof(*tss);   /* no I/O bitmap: all ports trap */
}

/* ---- The per-CPU GDT and LDT windows ---- */

static void *gdt_zero_page;
static bool gdt_windows_ready;

/* What this CPU's LDT window and LDTR hold. */
struct ldt_window {
    unsigned long mfn[LDT_WINDOW_PAGES];    /* valid where `mapped` says */
    uint16_t mapped;                        /* bit n: page n is present */
    unsigned int ents;                      /* LDTR's descriptors, 0: null */
};
static DEFINE_PER_CPU(struct ldt_window, ldt_window);

static void gdt_window_load(unsigned int cpu)
{
    struct desc_ptr gdtr = {
        .limit = LAST_RESERVED_GDT_BYTE,
        .base = GDT_WINDOW_VIRT(cpu),
    };

    __asm__ __volatile__ ( "lgdt %0" :: "m" (gdtr) );
}

/*
 * Map cpu's windows: no guest frames, its GDT page at page 14; the LDT
 * window empty (a not-present entry: flags 0), its page table created.
 */
static int gdt_window_map(unsigned int cpu)
{
    unsigned long va = GDT_WINDOW_VIRT(cpu);
    unsigned int i;
    int rc = 0;

    /* The GDT window, then the LDT window, inside the CPU's block. */
    BUILD_BUG_ON(LDT_WINDOW_VIRT(0) - GDT_WINDOW_VIRT(0) <
                 (FIRST_RESERVED_GDT_PAGE + 1) << PAGE_SHIFT);
    BUILD_BUG_ON(LDT_WINDOW_VIRT(0) + (LDT_WINDOW_PAGES << PAGE_SHIFT) >
                 GDT_WINDOW_VIRT(1));
    BUILD_BUG_ON(LDT_MAX_ENTS * 8 != LDT_WINDOW_PAGES << PAGE_SHIFT);
    BUILD_BUG_ON(LDT_WINDOW_PAGES > 16);    /* struct ldt_window's mask */
    BUILD_BUG_ON(GDT_WINDOW_VIRT(NR_CPUS) > PERDOMAIN_VIRT_START + PML4_ENTRY_BYTES);

    for ( i = 0; i < FIRST_RESERVED_GDT_PAGE && !rc; i++ )
        rc = map_pages_to_xen(va + (i << PAGE_SHIFT), virt_to_mfn(gdt_zero_page),
                              1, PAGE_HYPERVISOR_RO | MAP_SMALL_PAGES);
    if ( !rc )
        rc = map_pages_to_xen(va + (FIRST_RESERVED_GDT_PAGE << PAGE_SHIFT),
                              virt_to_mfn(cpu_gdt[cpu]), 1,
                              PAGE_HYPERVISOR_RW | MAP_SMALL_PAGES);
    for ( i = 0; i < LDT_WINDOW_PAGES && !rc; i++ )
        rc = map_pages_to_xen(LDT_WINDOW_VIRT(cpu) + (i << PAGE_SHIFT), _mfn(0),
                              1, MAP_SMALL_PAGES);
    per_cpu(ldt_window, cpu).mapped = 0;
    return rc;
}

void desc_late_init(void)
{
    struct seg_desc *gdt = alloc_xenheap_page();

    gdt_zero_page = alloc_xenheap_page();
    if ( !gdt || !gdt_zero_page )
        panic("No memory for the GDT windows\n");
    memset(gdt_zero_page, 0, PAGE_SIZE);
    memset(gdt, 0, PAGE_SIZE);
    memcpy(gdt, boot_gdt, NR_RESERVED_GDT_ENTRIES * sizeof(*gdt));
    cpu_gdt[0] = gdt;
    if ( gdt_window_map(0) )
        panic("Cannot map the boot CPU's GDT window\n");
    gdt_window_load(0);
    gdt_windows_ready = true;
}

/*
 * Show the running vCPU's GDT frames (nr of them, 0 for none) in this
 * CPU's window, the zero page in the rest of pages 0-13.
 */
static DEFINE_PER_CPU(unsigned int, gdt_window_frames);

void gdt_window_set_frames(const unsigned long *frames, unsigned int nr)
{
    unsigned int cpu = smp_processor_id(), i;
    unsigned long va = GDT_WINDOW_VIRT(cpu);

    ASSERT(nr <= FIRST_RESERVED_GDT_PAGE);
    /* The common case, no guest GDT before or after: nothing to do. */
    if ( !nr && !this_cpu(gdt_window_frames) )
        return;
    this_cpu(gdt_window_frames) = nr;
    for ( i = 0; i < FIRST_RESERVED_GDT_PAGE; i++ )
    {
        mfn_t mfn = i < nr ? _mfn(frames[i]) : virt_to_mfn(gdt_zero_page);

        /* The tables exist already: this cannot fail. */
        BUG_ON(map_pages_to_xen(va + (i << PAGE_SHIFT), mfn, 1,
                                (i < nr ? PAGE_HYPERVISOR_RW : PAGE_HYPERVISOR_RO) |
                                MAP_SMALL_PAGES));
        flush_tlb_one_local(va + (i << PAGE_SHIFT));
    }
}

void ldt_window_set_page(unsigned int idx, unsigned long mfn)
{
    struct ldt_window *w = &this_cpu(ldt_window);
    unsigned long va = LDT_WINDOW_VIRT(smp_processor_id()) + (idx << PAGE_SHIFT);
    bool present = mfn != INVALID_MFN_RAW;
    uint16_t bit = 1u << idx;

    ASSERT(idx < LDT_WINDOW_PAGES);
    if ( present ? (w->mapped & bit) && w->mfn[idx] == mfn : !(w->mapped & bit) )
        return;
    ASSERT(gdt_windows_ready);
    /* The page table exists (gdt_window_map): this cannot fail. */
    BUG_ON(map_pages_to_xen(va, _mfn(present ? mfn : 0), 1,
                            (present ? PAGE_HYPERVISOR_RW : 0) | MAP_SMALL_PAGES));
    flush_tlb_one_local(va);
    w->mfn[idx] = mfn;
    if ( present )
        w->mapped |= bit;
    else
        w->mapped &= ~bit;
}

void ldt_window_load(unsigned int ents)
{
    struct ldt_window *w = &this_cpu(ldt_window);
    unsigned int cpu = smp_processor_id();

    ASSERT(ents <= LDT_MAX_ENTS);
    if ( ents == w->ents )
        return;
    if ( ents )
    {
        ASSERT(gdt_windows_ready);
        set_system_desc(cpu_gdt[cpu], LDT_SELECTOR, LDT_WINDOW_VIRT(cpu),
                        ents * 8 - 1, SYS_DESC_LDT);
        lldt(LDT_SELECTOR);
    }
    else
        lldt(0);
    w->ents = ents;
}

bool ldt_window_offset(unsigned long va, unsigned int *off)
{
    unsigned long start = LDT_WINDOW_VIRT(smp_processor_id());

    if ( va - start >= (LDT_WINDOW_PAGES << PAGE_SHIFT) )
        return false;
    *off = va - start;
    return true;
}

void init_boot_cpu_descriptors(void)
{
    struct desc_ptr idtr = {
        .limit = sizeof(idt_table) - 1,
        .base = (unsigned long)idt_table,
    };
    unsigned int v;

    BUILD_BUG_ON(sizeof(struct cpu_info) != CPUINFO_SIZE);
    BUILD_BUG_ON(sizeof(struct cpu_info) % 16);
    BUILD_BUG_ON(sizeof(struct cpu_user_regs) != REGS_SIZE);
    BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) != CPUINFO_guest_regs);
    BUILD_BUG_ON(offsetof(struct cpu_info, processor_id) != CPUINFO_processor_id);
    BUILD_BUG_ON(offsetof(struct cpu_info, current_vcpu) != CPUINFO_current_vcpu);
    BUILD_BUG_ON(offsetof(struct cpu_info, self) != CPUINFO_self);
    BUILD_BUG_ON(CPUINFO_rsp0 % 16);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, es) != REGS_es);
    BUILD_BUG_ON(sizeof(struct cpu_user_regs) != sizeof(struct xen_cpu_user_regs));
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, saved_upcall_mask) !=
                 offsetof(struct xen_cpu_user_regs, saved_upcall_mask));
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, gs) !=
                 offsetof(struct xen_cpu_user_regs, gs));
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, rbp) != REGS_rbp);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, rax) != REGS_rax);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, rdi) != REGS_rdi);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, error_code) != REGS_error_code);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, entry_vector) != REGS_entry_vector);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, rip) != REGS_rip);
    BUILD_BUG_ON(offsetof(struct cpu_user_regs, ss) != REGS_ss);
    BUILD_BUG_ON(sizeof(struct tss64) != 112);
    BUILD_BUG_ON(IST_MAX * PAGE_SIZE > STACK_SIZE - PRIMARY_STACK_PAGES * PAGE_SIZE);

    for ( v = 0; v < ARRAY_SIZE(idt_table); v++ )
        set_gate(v, 0, 0);
    set_gate(TRAP_machine_check, IST_MCE, 0);
    set_gate(TRAP_double_fault, IST_DF, 0);
    set_gate(TRAP_nmi, IST_NMI, 0);
    set_gate(TRAP_debug, IST_DB, 0);
    /* int3 and into are open to guests (ring 3) as on bare metal. */
    set_gate(TRAP_int3, 0, 3);
    set_gate(TRAP_overflow, 0, 3);
    set_gate(INT80_VECTOR, 0, 3);

    init_tss(&boot_tss, (unsigned long)cpu0_stack);
    set_tss_desc(boot_gdt, &boot_tss);
    set_per_cpu_desc(boot_gdt, 0);

    __asm__ __volatile__ ( "lidt %0" :: "m" (idtr) );
    __asm__ __volatile__ ( "ltr %w0" :: "r" (TSS_SELECTOR) );
    lldt(0);
}

int cpu_desc_init(unsigned int cpu, unsigned long stack_bottom)
{
    struct seg_desc *gdt;
    struct tss64 *tss;

    ASSERT(cpu > 0 && cpu < NR_CPUS);
    if ( !cpu_gdt[cpu] )
    {
        gdt = alloc_xenheap_page();
        tss = xzalloc(struct tss64);
        if ( !gdt || !tss )
        {
            if ( gdt )
                free_xenheap_page(gdt);
            xfree(tss);
            return -ENOMEM;
        }
        cpu_gdt[cpu] = gdt;
        cpu_tss[cpu] = tss;
    }
    gdt = cpu_gdt[cpu];
    tss = cpu_tss[cpu];
    memcpy(gdt, boot_gdt, NR_RESERVED_GDT_ENTRIES * sizeof(*gdt));
    init_tss(tss, stack_bottom);
    set_tss_desc(gdt, tss);
    set_per_cpu_desc(gdt, cpu);
    return gdt_windows_ready ? gdt_window_map(cpu) : 0;
}

void load_cpu_descriptors(unsigned int cpu)
{
    struct desc_ptr gdtr = {
        .limit = LAST_RESERVED_GDT_BYTE,
        .base = (unsigned long)cpu_gdt[cpu] - FIRST_RESERVED_GDT_BYTE,
    };
    struct desc_ptr idtr = {
        .limit = sizeof(idt_table) - 1,
        .base = (unsigned long)idt_table,
    };

    __asm__ __volatile__ ( "lgdt %0" :: "m" (gdtr) );
    __asm__ __volatile__ ( "lidt %0" :: "m" (idtr) );
    __asm__ __volatile__ ( "ltr %w0" :: "r" (TSS_SELECTOR) );
    lldt(0);
    per_cpu(ldt_window, cpu).ents = 0;
    if ( gdt_windows_ready )
        gdt_window_load(cpu);
}
