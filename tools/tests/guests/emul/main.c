/*
 * emul: the privileged instructions Xen emulates for a PV kernel
 * (pv-abi.md 0.2, 0.6, 1.8).
 *
 * - wrmsr FS_BASE / GS_BASE / SHADOW_GS_BASE take effect (checked through
 *   %fs: and %gs: loads and set_segment_base) and read back;
 * - rdmsr PAT is 0x0000050100070406, APIC_BASE 0xfee00000 | enable | BSP,
 *   EFER has LME|LMA; an unknown MSR gives #GP(0) on read and on write;
 * - forced-emulation CPUID (ud2; "xen"; cpuid): the HYPERVISOR bit, the
 *   hidden features, leaves 0x40000000-2 ("XenVMMXenVMM", the version);
 * - mov from CR0/CR3/CR4 (CR3 is the machine address of the L4), CR0.TS
 *   via mov to CR0 and clts, wbinvd.
 */
#include "guest.h"

const char test_title[] = "emul: MSRs, forced-emulation CPUID, control registers";

#define MSR_APIC_BASE      0x0000001b
#define MSR_PAT            0x00000277
#define MSR_EFER           0xc0000080
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define MSR_BOGUS          0x4b564d99      /* nobody implements it */

static int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    unsigned int before = nr_traps;
    uint32_t lo = 0, hi = 0;

    asm volatile ( "1: rdmsr\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : "+a" (lo), "+d" (hi) : "c" (msr) : "memory" );
    *val = ((uint64_t)hi << 32) | lo;
    return nr_traps != before ? (int)last_trap.vector : -1;
}

static int wrmsr_safe(uint32_t msr, uint64_t val)
{
    unsigned int before = nr_traps;

    asm volatile ( "1: wrmsr\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   :: "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32)), "c" (msr)
                   : "memory" );
    return nr_traps != before ? (int)last_trap.vector : -1;
}

static uint64_t fs_word, gs_word, other_word;

static uint64_t read_fs0(void)
{
    uint64_t v;

    asm volatile ( "mov %%fs:0, %0" : "=r" (v) :: "memory" );
    return v;
}

static uint64_t read_gs0(void)
{
    uint64_t v;

    asm volatile ( "mov %%gs:0, %0" : "=r" (v) :: "memory" );
    return v;
}

static void check_msrs(void)
{
    uint64_t v;
    int t;

    fs_word = 0x1111222233334444UL;
    gs_word = 0x5555666677778888UL;
    other_word = 0x9999aaaabbbbccccUL;

    CHECK_EQ(wrmsr_safe(MSR_FS_BASE, (uint64_t)&fs_word), -1);
    CHECK_EQ(read_fs0(), fs_word);
    CHECK_EQ(rdmsr_safe(MSR_FS_BASE, &v), -1);
    CHECK_EQ(v, (uint64_t)&fs_word);

    CHECK_EQ(wrmsr_safe(MSR_GS_BASE, (uint64_t)&gs_word), -1);
    CHECK_EQ(read_gs0(), gs_word);
    CHECK_EQ(rdmsr_safe(MSR_GS_BASE, &v), -1);
    CHECK_EQ(v, (uint64_t)&gs_word);

    /* SHADOW_GS_BASE is the user GS base: no effect on %gs in kernel mode. */
    CHECK_EQ(wrmsr_safe(MSR_SHADOW_GS_BASE, (uint64_t)&other_word), -1);
    CHECK_EQ(read_gs0(), gs_word);
    CHECK_EQ(rdmsr_safe(MSR_SHADOW_GS_BASE, &v), -1);
    CHECK_EQ(v, (uint64_t)&other_word);

    /* set_segment_base and the MSRs are two views of the same bases. */
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_FS, (uint64_t)&other_word), 0);
    CHECK_EQ(read_fs0(), other_word);
    CHECK_EQ(rdmsr_safe(MSR_FS_BASE, &v), -1);
    CHECK_EQ(v, (uint64_t)&other_word);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)&fs_word), 0);
    CHECK_EQ(read_gs0(), fs_word);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_USER, (uint64_t)&gs_word), 0);
    CHECK_EQ(rdmsr_safe(MSR_SHADOW_GS_BASE, &v), -1);
    CHECK_EQ(v, (uint64_t)&gs_word);
    /* A non-canonical base is refused. */
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_FS, 0x8000000000000000UL), -EINVAL);
    CHECK_EQ(wrmsr_safe(MSR_FS_BASE, 0x8000000000000000UL), X86_EXC_GP);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_FS, 0), 0);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_USER, 0), 0);

    CHECK_EQ(rdmsr_safe(MSR_PAT, &v), -1);
    CHECK_EQ(v, 0x0000050100070406UL);
    CHECK_EQ(rdmsr_safe(MSR_APIC_BASE, &v), -1);
    printk("APIC_BASE %#lx\n", v);
    CHECK_EQ(v, 0xfee00000UL | 0x800 | 0x100);
    CHECK_EQ(rdmsr_safe(MSR_EFER, &v), -1);
    printk("EFER %#lx\n", v);
    CHECK_EQ(v & 0x500, 0x500);         /* LME | LMA */

    t = rdmsr_safe(MSR_BOGUS, &v);
    CHECK_EQ(t, X86_EXC_GP);
    if ( t == X86_EXC_GP )
        CHECK_EQ(last_trap.error_code, 0);
    t = wrmsr_safe(MSR_BOGUS, 1);
    CHECK_EQ(t, X86_EXC_GP);
    if ( t == X86_EXC_GP )
        CHECK_EQ(last_trap.error_code, 0);
}

static void check_cpuid(void)
{
    uint32_t a, b, c, d;
    char sig[13];

    pv_cpuid_count(1, 0, &a, &b, &c, &d);
    printk("cpuid 1: eax %#x ebx %#x ecx %#x edx %#x\n", a, b, c, d);
    CHECK(c & (1u << 31));                          /* HYPERVISOR */
    CHECK(!(c & (1u << 3)));                        /* MONITOR */
    CHECK(!(c & (1u << 5)));                        /* VMX */
    CHECK(!(c & (1u << 17)));                       /* PCID */
    CHECK(!(c & (1u << 21)));                       /* x2APIC */
    CHECK(!(c & (1u << 24)));                       /* TSC_DEADLINE */
    CHECK(!(d & (1u << 1)));                        /* VME */
    CHECK(!(d & (1u << 3)));                        /* PSE */
    CHECK(d & (1u << 12));                          /* MTRR: shown to dom0 in 4.17 */
    CHECK(!(d & (1u << 13)));                       /* PGE */
    CHECK(!(d & (1u << 17)));                       /* PSE36 */
    CHECK(d & (1u << 9));                           /* APIC: dom0 sees it */

    pv_cpuid_count(0x80000001, 0, &a, &b, &c, &d);
    printk("cpuid 0x80000001: ecx %#x edx %#x\n", c, d);
    CHECK(!(c & (1u << 2)));                        /* SVM */
    CHECK(!(d & (1u << 26)));                       /* 1 GiB pages */
    CHECK(d & (1u << 29));                          /* LM */

    pv_cpuid_count(0x40000000, 0, &a, &b, &c, &d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = 0;
    printk("cpuid 0x40000000: eax %#x '%s'\n", a, sig);
    if ( strcmp(sig, "XenVMMXenVMM") )
        fail("leaf 0x40000000 signature '%s'", sig);
    CHECK_EQ(a, 0x40000005);

    pv_cpuid_count(0x40000001, 0, &a, &b, &c, &d);
    CHECK_EQ(a, hypervisor_xen_version(XENVER_version, NULL));

    pv_cpuid_count(0x40000002, 0, &a, &b, &c, &d);
    printk("cpuid 0x40000002: eax %#x ebx %#x ecx %#x edx %#x\n", a, b, c, d);
    CHECK_EQ(a, 1);                                 /* hypercall pages */
    CHECK(c & 1);                                   /* MMU_PT_UPDATE_PRESERVE_AD */
}

static unsigned long read_cr(int n)
{
    unsigned long v = 0;

    switch ( n )
    {
    case 0: asm volatile ( "mov %%cr0, %0" : "=r" (v) ); break;
    case 3: asm volatile ( "mov %%cr3, %0" : "=r" (v) ); break;
    case 4: asm volatile ( "mov %%cr4, %0" : "=r" (v) ); break;
    }
    return v;
}

static void check_crs(void)
{
    unsigned long cr0 = read_cr(0), cr3 = read_cr(3), cr4 = read_cr(4);

    printk("cr0 %#lx cr3 %#lx cr4 %#lx\n", cr0, cr3, cr4);
    CHECK_EQ(cr0 & 0x80000001UL, 0x80000001UL);     /* PG | PE */
    CHECK_EQ(cr3, p2m[va_to_pfn(start_info->pt_base)] << PAGE_SHIFT);
    CHECK(cr4 & 0x20);                              /* PAE */
    CHECK(!(cr4 & 0x80));                           /* PGE hidden */

    /* CR0.TS: set by a mov to CR0, read back, cleared by clts. */
    asm volatile ( "mov %0, %%cr0" :: "r" (cr0 | 8) );
    CHECK(read_cr(0) & 8);
    asm volatile ( "clts" );
    CHECK(!(read_cr(0) & 8));
    /* fpu_taskswitch is the hypercall behind it. */
    CHECK_EQ(hypervisor_fpu_taskswitch(1), 0);
    CHECK(read_cr(0) & 8);
    CHECK_EQ(hypervisor_fpu_taskswitch(0), 0);
    CHECK(!(read_cr(0) & 8));

    asm volatile ( "wbinvd" ::: "memory" );
}

int main(void)
{
    check_msrs();
    check_cpuid();
    check_crs();
    test_done();
}
