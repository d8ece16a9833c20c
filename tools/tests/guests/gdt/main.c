/*
 * gdt: a guest GDT (pv-abi.md 1.6 descriptor checks; 2 set_gdt,
 * update_descriptor; 3 seg_desc frames).
 *
 * - set_gdt with a frame that still has a writable mapping: -EINVAL, the
 *   frame untouched; with more than 7168 entries: -EINVAL; with a
 *   read-only frame holding a TSS descriptor: -EINVAL, the old GDT stays;
 * - set_gdt with one read-only frame holding a 64-bit code and a data
 *   descriptor at DPL 0: accepted, and reading the frame back shows both
 *   at DPL 3 (the hypervisor fixes them in place); while it is a GDT frame
 *   a writable mapping of it is refused (update_va_mapping -EBUSY) and a
 *   write through the read-only one faults (#PF);
 * - %ds/%es load the data selector; lretq through the code selector runs
 *   with CS = that selector, and lretq back to FLAT_KERNEL_CS;
 * - update_descriptor: a DPL-0 data descriptor is stored at DPL 3; null and
 *   not-present descriptors are stored as they are; a call gate to
 *   FLAT_KERNEL_CS or to a selector of ours is accepted and stored at DPL 0
 *   with its original DPL (raised to 3) in the target's RPL (pv-abi.md
 *   1.6: Xen emulates the far call through them);
 *   refused with -EINVAL: a call gate to a hypervisor selector or with
 *   reserved bits set, TSS, LDT and interrupt-gate descriptors, an address
 *   not 8-byte aligned, a page-table frame; an ordinary writable page of
 *   ours may be written (its descriptor checked all the same);
 * - set_gdt with 0 entries drops the GDT: loading the data selector then
 *   faults (#GP, error code = the selector), and the frame may be mapped
 *   writable again.
 */
#include "guest.h"

const char test_title[] = "gdt: set_gdt, update_descriptor, guest selectors";

#define CODE_SEL ((1 << 3) | 3)
#define DATA_SEL ((2 << 3) | 3)
#define CODE64_DPL0 0x00af9b000000ffffUL      /* L, P, code exec/read, accessed */
#define CODE64_DPL3 0x00affb000000ffffUL
#define DATA_DPL0   0x00cf93000000ffffUL      /* G, D, P, data read/write, accessed */
#define DATA_DPL3   0x00cff3000000ffffUL
#define TSS_DESC    0x0000890000000067UL      /* 64-bit TSS, available */
#define LDT_DESC    0x0000820000000fffUL
#define INTR_GATE   0x00008e0000101234UL
#define NOT_PRESENT 0x12340a0012345678UL      /* P clear, junk elsewhere */

static unsigned long pte_ro(void *va)
{
    return (virt_to_mfn(va) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
}

static unsigned long pte_rw(void *va)
{
    return pte_ro(va) | _PAGE_RW | _PAGE_DIRTY;
}

static long remap(void *va, unsigned long pte)
{
    return hypervisor_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

static long set_gdt(unsigned long *frames, unsigned int entries)
{
    return hypercall2(__HYPERVISOR_set_gdt, frames, entries);
}

static long update_desc(uint64_t maddr, uint64_t desc)
{
    return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

/* A 64-bit call gate's first 8 bytes (the second 8 hold offset[63:32]). */
static uint64_t call_gate(uint16_t sel, unsigned int dpl, uint32_t offset)
{
    return (offset & 0xffffUL) | ((uint64_t)sel << 16) |
           ((uint64_t)(0x8c00 | (dpl << 13)) << 32) | ((uint64_t)(offset >> 16) << 48);
}

/* Load sel into %ds: -1 if it loaded, else the vector it raised. */
static int load_ds(uint16_t sel)
{
    unsigned int before = nr_traps;

    asm volatile ( "1: mov %0, %%ds\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   :: "r" ((uint32_t)sel) : "memory" );
    return nr_traps != before ? (int)last_trap.vector : -1;
}

static uint16_t read_sel(int which)
{
    uint16_t s = 0;

    switch ( which )
    {
    case 0: asm volatile ( "mov %%ds, %0" : "=r" (s) ); break;
    case 1: asm volatile ( "mov %%es, %0" : "=r" (s) ); break;
    case 2: asm volatile ( "mov %%cs, %0" : "=r" (s) ); break;
    }
    return s;
}

static void refused_gdts(uint64_t *gdt, uint64_t *bad)
{
    unsigned long frames[1] = { virt_to_mfn(gdt) };

    /* still writable-mapped */
    CHECK_EQ(set_gdt(frames, 16), -EINVAL);
    CHECK_EQ(gdt[1], CODE64_DPL0);
    CHECK_EQ(remap(gdt, pte_ro(gdt)), 0);
    CHECK_EQ(set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1), -EINVAL);
    CHECK_EQ(set_gdt(frames, 0x80000000U), -EINVAL);

    /* read-only but holding a TSS descriptor */
    bad[5] = TSS_DESC;
    CHECK_EQ(remap(bad, pte_ro(bad)), 0);
    frames[0] = virt_to_mfn(bad);
    CHECK_EQ(set_gdt(frames, 16), -EINVAL);
    /* never became a GDT frame: it may be writable again */
    CHECK_EQ(remap(bad, pte_rw(bad)), 0);
    bad[5] = 0;
}

static void install(uint64_t *gdt)
{
    unsigned long frames[1] = { virt_to_mfn(gdt) };
    uint64_t dummy;
    long rc;

    rc = set_gdt(frames, 16);
    if ( rc )
        panic("set_gdt of a good read-only frame: %ld", rc);
    printk("GDT installed: [1] %#lx [2] %#lx\n", gdt[1], gdt[2]);
    CHECK_EQ(gdt[0], 0);
    CHECK_EQ(gdt[1], CODE64_DPL3);
    CHECK_EQ(gdt[2], DATA_DPL3);
    /* a GDT frame: no writable mapping (4.17: -EBUSY, the type is taken) */
    CHECK_EQ(remap(gdt, pte_rw(gdt)), -EBUSY);
    CHECK(!(lookup_pte((unsigned long)gdt, NULL) & _PAGE_RW));
    CHECK_EQ(probe_write(&gdt[3], 1), X86_EXC_PF);
    CHECK_EQ(probe_read(&gdt[2], &dummy), -1);
}

/* A writable mapping of a page table is refused the same way. */
static void pagetable_rw(uint64_t *plain)
{
    uint64_t l4 = virt_to_mfn((void *)start_info->pt_base);

    CHECK_EQ(remap(plain, (l4 << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                          _PAGE_DIRTY), -EBUSY);
    CHECK_EQ(lookup_pte((unsigned long)plain, NULL) & PTE_MFN_MASK, virt_to_mfn(plain) << PAGE_SHIFT);
}

static void use_selectors(void)
{
    uint16_t cs_in = 0, cs_back = 0;
    unsigned int faulted = 0;

    CHECK_EQ(load_ds(DATA_SEL), -1);
    CHECK_EQ(read_sel(0), DATA_SEL);
    asm volatile ( "mov %0, %%es" :: "r" ((uint32_t)DATA_SEL) );
    CHECK_EQ(read_sel(1), DATA_SEL);
    asm volatile ( "mov %0, %%es\n\tmov %0, %%ds" :: "r" (0U) );

    /* far return into our code segment and back to the flat one */
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
                   : [sel] "i" (CODE_SEL), [flat] "i" (FLAT_KERNEL_CS)
                   : "rax", "memory" );
    if ( faulted )
        fail("lretq to %#x: vector %u, error code %#lx", CODE_SEL, last_trap.vector,
             last_trap.error_code);
    CHECK_EQ(cs_in, CODE_SEL);
    CHECK_EQ(cs_back, FLAT_KERNEL_CS);
}

static void descriptor_updates(uint64_t *gdt, uint64_t *plain)
{
    uint64_t base = virt_to_mfn(gdt) << PAGE_SHIFT;
    uint64_t l4 = virt_to_mfn((void *)start_info->pt_base) << PAGE_SHIFT;
    uint64_t gate;

    CHECK_EQ(update_desc(base + 3 * 8, DATA_DPL0), 0);
    CHECK_EQ(gdt[3], DATA_DPL3);
    CHECK_EQ(update_desc(base + 3 * 8, 0), 0);
    CHECK_EQ(gdt[3], 0);
    CHECK_EQ(update_desc(base + 4 * 8, NOT_PRESENT), 0);
    CHECK_EQ(gdt[4], NOT_PRESENT);

    /* call gates: DPL moved into the target selector's RPL, stored at DPL 0 */
    CHECK_EQ(update_desc(base + 6 * 8, call_gate(FLAT_KERNEL_CS, 3, 0x80001234)), 0);
    CHECK_EQ(update_desc(base + 7 * 8, 0xffffffffUL), 0);  /* upper half */
    CHECK_EQ(update_desc(base + 8 * 8, call_gate(1 << 3, 0, 0x5678)), 0);
    printk("call gates stored as %#lx %#lx, %#lx\n", gdt[6], gdt[7], gdt[8]);
    CHECK_EQ(gdt[6], call_gate(FLAT_KERNEL_CS, 0, 0x80001234));
    CHECK_EQ(gdt[7], 0xffffffffUL);
    CHECK_EQ(gdt[8], call_gate(CODE_SEL, 0, 0x5678));

    /* refused, entry untouched */
    gate = call_gate(0xe008, 3, 0x1000);                    /* hypervisor CS */
    CHECK_EQ(update_desc(base + 9 * 8, gate), -EINVAL);
    CHECK_EQ(update_desc(base + 9 * 8, call_gate(FLAT_KERNEL_CS, 3, 0) | (1UL << 32)), -EINVAL);
    CHECK_EQ(update_desc(base + 9 * 8, TSS_DESC), -EINVAL);
    CHECK_EQ(update_desc(base + 9 * 8, LDT_DESC), -EINVAL);
    CHECK_EQ(update_desc(base + 9 * 8, INTR_GATE), -EINVAL);
    CHECK_EQ(gdt[9], 0);
    CHECK_EQ(update_desc(base + 3 * 8 + 4, DATA_DPL3), -EINVAL);
    CHECK_EQ(gdt[3], 0);
    CHECK_EQ(update_desc(l4 + 8, 0), -EINVAL);

    /* an ordinary writable page of ours */
    CHECK_EQ(update_desc((virt_to_mfn(plain) << PAGE_SHIFT) + 16, DATA_DPL0), 0);
    CHECK_EQ(plain[2], DATA_DPL3);
    CHECK_EQ(update_desc((virt_to_mfn(plain) << PAGE_SHIFT) + 16, TSS_DESC), -EINVAL);
    CHECK_EQ(plain[2], DATA_DPL3);

    /* the data selector still loads after all that */
    CHECK_EQ(load_ds(DATA_SEL), -1);
    CHECK_EQ(load_ds(0), -1);
}

static void drop(uint64_t *gdt)
{
    unsigned long frames[1] = { virt_to_mfn(gdt) };
    int v;

    CHECK_EQ(set_gdt(frames, 0), 0);
    v = load_ds(DATA_SEL);
    CHECK_EQ(v, X86_EXC_GP);
    if ( v == X86_EXC_GP )
        CHECK_EQ(last_trap.error_code, DATA_SEL & ~3);
    CHECK_EQ(read_sel(0), 0);
    /* no longer a GDT frame */
    CHECK_EQ(remap(gdt, pte_rw(gdt)), 0);
    CHECK_EQ(probe_write(&gdt[3], 0x1234), -1);
    CHECK_EQ(gdt[3], 0x1234);
}

int main(void)
{
    uint64_t *gdt = alloc_page();
    uint64_t *bad = alloc_page();
    uint64_t *plain = alloc_page();

    gdt[1] = CODE64_DPL0;
    gdt[2] = DATA_DPL0;
    refused_gdts(gdt, bad);
    install(gdt);
    pagetable_rw(plain);
    use_selectors();
    descriptor_updates(gdt, plain);
    /* a failed set_gdt keeps the installed one */
    {
        unsigned long frames[1] = { virt_to_mfn(plain) };

        CHECK_EQ(set_gdt(frames, 16), -EINVAL);
        CHECK_EQ(load_ds(DATA_SEL), -1);
        CHECK_EQ(load_ds(0), -1);
    }
    drop(gdt);
    test_done();
}
