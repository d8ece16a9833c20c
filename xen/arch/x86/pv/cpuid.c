/*
 * pv/cpuid.c: the CPUID a 64-bit PV guest sees.
 *
 * Theory of operation. A PV guest runs on the real CPU, so most of what
 * CPUID reports is simply true for it, and the policy is the host's
 * leaves with two kinds of change:
 *
 *  - features are hidden when they depend on state the hypervisor owns
 *    and does not virtualise: paging controls (PSE, PSE36, PGE, PCID,
 *    INVPCID, PKU, LA57, 1 GiB pages, SMEP/SMAP), the local APIC modes
 *    (x2APIC, TSC deadline), VMX/SVM, MONITOR/MWAIT, VME, MTRRs, machine
 *    check banks, performance counters, per-vCPU MSRs we do not switch
 *    (TSC_AUX so RDTSCP/RDPID, the speculation controls, FS/GS base
 *    instructions, XSS), and state components the hypervisor does not
 *    save for guests (MPX, PKRU, AMX). Leaves that only describe hidden
 *    features read as zero.
 *  - HYPERVISOR is set, the APIC ID in leaf 1 is zero, OSXSAVE reflects
 *    the guest's virtual CR4 (see below), and the Xen leaves 0x40000000-
 *    0x40000005 are added; everything else from 0x40000000 to 0x4fffffff
 *    reads as zero. Leaves above the host's maximum read as zero (AMD's
 *    rule, which Xen applies to every vendor).
 *
 * Where a guest meets this policy. Without CPUID faulting (most hosts) a
 * cpuid instruction does not trap in ring 3, so guest kernel and guest
 * user both get the host's values unfiltered - the same is true on Xen on
 * such hosts. Linux's kernel therefore uses the forced-emulation prefix
 * (ud2; "xen"; cpuid), which raises #UD and is answered by
 * pv_cpuid_forced(). A cpuid that does trap (faulting enabled) arrives as
 * #GP and is answered by pv_cpuid().
 *
 * OSXSAVE. Architecturally it mirrors CR4.OSXSAVE, here the guest's
 * virtual CR4. Linux, however, decides whether to use XSAVE from the
 * forced CPUID before it has set its CR4, relying on Xen leaking its own
 * CR4.OSXSAVE there; Xen keeps that leak for the guest kernel's forced
 * CPUID only, and so do we.
 *
 * Xen leaves: 0 signature "XenVMMXenVMM" and the last leaf; 1 the
 * interface version, the one XENVER_version reports (4.17: guests gate
 * features on it, not on our own release number); 2 one hypercall page, MSR base 0x40000000 and
 * PRESERVE_AD; 3 the TSC (no emulation, the frequency, the TSC-to-ns
 * scale); 4 is for HVM guests (zero); 5 the machine address width, which
 * Linux uses to pick grant table v1 or v2.
 *
 * Locking: none; this reads the host CPU and the vCPU's own shadows.
 */
#include <asm/current.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/time.h>
#include <asm/xstate.h>
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/version.h>

#include "emul-hw.h"

/* The Xen interface level; must equal what common/xen_version.c reports. */
#ifndef XEN_ABI_MAJOR
#define XEN_ABI_MAJOR           4
#define XEN_ABI_MINOR           17
#endif

#define BIT32(n)                (1u << (n))
#define EMPTY_LEAF              ((struct cpuid_leaf){ 0, 0, 0, 0 })

/* Leaf 1 EDX. */
#define L1D_VME                 BIT32(1)
#define L1D_PSE                 BIT32(3)
#define L1D_MTRR                BIT32(12)
#define L1D_PGE                 BIT32(13)
#define L1D_MCA                 BIT32(14)
#define L1D_PSE36               BIT32(17)
#define L1D_PSN                 BIT32(18)
#define L1D_DS                  BIT32(21)
#define L1D_ACPI                BIT32(22)
#define L1D_TM                  BIT32(29)
#define L1D_PBE                 BIT32(31)
#define L1D_HIDDEN (L1D_VME | L1D_PSE | L1D_MTRR | L1D_PGE | L1D_MCA |   \
                    L1D_PSE36 | L1D_PSN | L1D_DS | L1D_ACPI | L1D_TM |   \
                    L1D_PBE)

/* Leaf 1 ECX. */
#define L1C_DTES64              BIT32(2)
#define L1C_MONITOR             BIT32(3)
#define L1C_DSCPL               BIT32(4)
#define L1C_VMX                 BIT32(5)
#define L1C_SMX                 BIT32(6)
#define L1C_EIST                BIT32(7)
#define L1C_TM2                 BIT32(8)
#define L1C_SDBG                BIT32(11)
#define L1C_FMA                 BIT32(12)
#define L1C_XTPR                BIT32(14)
#define L1C_PDCM                BIT32(15)
#define L1C_PCID                BIT32(17)
#define L1C_DCA                 BIT32(18)
#define L1C_X2APIC              BIT32(21)
#define L1C_TSC_DEADLINE        BIT32(24)
#define L1C_XSAVE               BIT32(26)
#define L1C_OSXSAVE             BIT32(27)
#define L1C_AVX                 BIT32(28)
#define L1C_F16C                BIT32(29)
#define L1C_HYPERVISOR          BIT32(31)
#define L1C_HIDDEN (L1C_DTES64 | L1C_MONITOR | L1C_DSCPL | L1C_VMX |       \
                    L1C_SMX | L1C_EIST | L1C_TM2 | L1C_SDBG | L1C_XTPR |  \
                    L1C_PDCM | L1C_PCID | L1C_DCA | L1C_X2APIC |          \
                    L1C_TSC_DEADLINE | L1C_OSXSAVE)
#define L1C_NEEDS_YMM (L1C_FMA | L1C_AVX | L1C_F16C)

/* Leaf 7 subleaf 0 EBX. */
#define L7B_FSGSBASE            BIT32(0)
#define L7B_TSC_ADJUST          BIT32(1)
#define L7B_SGX                 BIT32(2)
#define L7B_AVX2                BIT32(5)
#define L7B_SMEP                BIT32(7)
#define L7B_INVPCID             BIT32(10)
#define L7B_PQM                 BIT32(12)
#define L7B_MPX                 BIT32(14)
#define L7B_PQE                 BIT32(15)
#define L7B_SMAP                BIT32(20)
#define L7B_PT                  BIT32(25)
#define L7B_AVX512 (BIT32(16) | BIT32(17) | BIT32(21) | BIT32(26) |         \
                    BIT32(27) | BIT32(28) | BIT32(30) | BIT32(31))
#define L7B_HIDDEN (L7B_FSGSBASE | L7B_TSC_ADJUST | L7B_SGX | L7B_SMEP |   \
                    L7B_INVPCID | L7B_PQM | L7B_MPX | L7B_PQE | L7B_SMAP | \
                    L7B_PT)

/* Leaf 7 subleaf 0 ECX. */
#define L7C_UMIP                BIT32(2)
#define L7C_PKU                 BIT32(3)
#define L7C_OSPKE               BIT32(4)
#define L7C_WAITPKG             BIT32(5)
#define L7C_CET_SS              BIT32(7)
#define L7C_TME                 BIT32(13)
#define L7C_LA57                BIT32(16)
#define L7C_RDPID               BIT32(22)
#define L7C_KL                  BIT32(23)
#define L7C_ENQCMD              BIT32(29)
#define L7C_SGX_LC              BIT32(30)
#define L7C_PKS                 BIT32(31)
#define L7C_AVX512 (BIT32(1) | BIT32(6) | BIT32(11) | BIT32(12) | BIT32(14))
#define L7C_HIDDEN (L7C_UMIP | L7C_PKU | L7C_OSPKE | L7C_WAITPKG |         \
                    L7C_CET_SS | L7C_TME | L7C_LA57 | L7C_RDPID | L7C_KL | \
                    L7C_ENQCMD | L7C_SGX_LC | L7C_PKS)

/* Leaf 7 subleaf 0 EDX. */
#define L7D_PCONFIG             BIT32(18)
#define L7D_ARCH_LBR            BIT32(19)
#define L7D_IBT                 BIT32(20)
#define L7D_AMX (BIT32(22) | BIT32(24) | BIT32(25))
#define L7D_SPEC_CTRL (BIT32(26) | BIT32(27) | BIT32(28) | BIT32(29) |      \
                       BIT32(30) | BIT32(31))
#define L7D_AVX512 (BIT32(2) | BIT32(3) | BIT32(8) | BIT32(23))
#define L7D_HIDDEN (L7D_PCONFIG | L7D_ARCH_LBR | L7D_IBT | L7D_AMX |       \
                    L7D_SPEC_CTRL)

/* Leaf 7 subleaf 1 EAX: what is offered (everything else is hidden). */
#define L7_1A_AVX_VNNI          BIT32(4)
#define L7_1A_AVX512_BF16       BIT32(5)
#define L7_1A_FAST_STRINGS (BIT32(10) | BIT32(11) | BIT32(12))
#define L7_1A_AVX_IFMA          BIT32(23)
/* Leaf 7 subleaf 1 EDX: AVX-VNNI-INT8, AVX-NE-CONVERT, PREFETCHI. */
#define L7_1D_OFFERED (BIT32(4) | BIT32(5) | BIT32(14))

/* Leaf 0xd subleaf 1 EAX. */
#define XSAVE1A_XSAVEOPT        BIT32(0)
#define XSAVE1A_XSAVEC          BIT32(1)
#define XSAVE1A_XGETBV1         BIT32(2)

/* Leaf 0x80000001 ECX. */
#define E1C_SVM                 BIT32(2)
#define E1C_EXTAPIC             BIT32(3)
#define E1C_OSVW                BIT32(9)
#define E1C_IBS                 BIT32(10)
#define E1C_XOP                 BIT32(11)
#define E1C_SKINIT              BIT32(12)
#define E1C_WDT                 BIT32(13)
#define E1C_LWP                 BIT32(15)
#define E1C_FMA4                BIT32(16)
#define E1C_NODEID_MSR          BIT32(19)
#define E1C_PERFCTR_CORE        BIT32(23)
#define E1C_PERFCTR_NB          BIT32(24)
#define E1C_DBEXT               BIT32(26)
#define E1C_PERFCTR_LLC         BIT32(28)
#define E1C_MONITORX            BIT32(29)
#define E1C_HIDDEN (E1C_SVM | E1C_EXTAPIC | E1C_OSVW | E1C_IBS |           \
                    E1C_SKINIT | E1C_WDT | E1C_LWP | E1C_NODEID_MSR |      \
                    E1C_PERFCTR_CORE | E1C_PERFCTR_NB | E1C_DBEXT |        \
                    E1C_PERFCTR_LLC | E1C_MONITORX)
#define E1C_NEEDS_YMM (E1C_XOP | E1C_FMA4)

/* Leaf 0x80000001 EDX: AMD mirrors leaf 1's VME..PSE36 here. */
#define E1D_FFXSR               BIT32(25)
#define E1D_PAGE1GB             BIT32(26)
#define E1D_RDTSCP              BIT32(27)
#define E1D_HIDDEN (L1D_VME | L1D_PSE | L1D_MTRR | L1D_PGE | L1D_MCA |   \
                    L1D_PSE36 | E1D_FFXSR | E1D_PAGE1GB | E1D_RDTSCP)

/* Leaf 0x80000007 EDX: only the invariant TSC is offered. */
#define E7D_ITSC                BIT32(8)

/* Leaf 0x80000008 EBX: RDPRU, the speculation controls, PPIN. */
#define E8B_HIDDEN (BIT32(4) | BIT32(12) | BIT32(14) | BIT32(15) |          \
                    BIT32(16) | BIT32(17) | BIT32(18) | BIT32(19) |         \
                    BIT32(23) | BIT32(24) | BIT32(25))

/* The Xen leaves. */
#define XEN_LEAF_BASE           0x40000000u
#define XEN_LEAF_LAST           (XEN_LEAF_BASE + 5)
#define XEN_SIGNATURE_EBX       0x566e6558u     /* "XenV" */
#define XEN_SIGNATURE_ECX       0x65584d4du     /* "MMXe" */
#define XEN_SIGNATURE_EDX       0x4d4d566eu     /* "nVMM" */
#define XEN_FEAT1_PRESERVE_AD   BIT32(0)

#define NS_PER_SEC              1000000000ull

uint64_t pv_guest_xcr0_mask(void)
{
    if ( !xstate_uses_xsave() )
        return 0;
    /* MPX and PKU are hidden above, so are their state components. */
    return xstate_boot_xcr0() & ~(XSTATE_MPX | XSTATE_PKRU);
}

/* The XSAVE area size for xcr0, in the standard or compacted format. */
static unsigned int xsave_size(uint64_t xcr0, bool compacted)
{
    unsigned int size = XSAVE_HDR_OFFSET + sizeof(struct xsave_hdr);
    unsigned int i;

    for ( i = 2; i < 63; i++ )
    {
        struct cpuid_leaf comp;

        if ( !(xcr0 & (1ull << i)) )
            continue;
        emul_hw_cpuid(XSTATE_CPUID, i, &comp);
        if ( !compacted )
            size = max(size, comp.b + comp.a);
        else
        {
            if ( comp.c & 2 )               /* 64-byte aligned */
                size = (size + 63) & ~63u;
            size += comp.a;
        }
    }
    return size;
}

static void xstate_leaf(const struct vcpu *v, uint32_t subleaf,
                        struct cpuid_leaf *res)
{
    uint64_t mask = pv_guest_xcr0_mask();
    uint64_t xcr0 = v->arch.xcr0 ? v->arch.xcr0 : XSTATE_FP_SSE;

    if ( !mask )
    {
        *res = EMPTY_LEAF;
        return;
    }

    switch ( subleaf )
    {
    case 0:
        res->a = (uint32_t)mask;
        res->d = (uint32_t)(mask >> 32);
        res->b = xsave_size(xcr0, false);
        res->c = xsave_size(mask, false);
        break;

    case 1:
        res->a &= XSAVE1A_XSAVEOPT | XSAVE1A_XSAVEC | XSAVE1A_XGETBV1;
        res->b = (res->a & XSAVE1A_XSAVEC) ? xsave_size(xcr0, true) : 0;
        res->c = res->d = 0;                /* no supervisor state (XSS) */
        break;

    default:
        if ( subleaf >= 63 || !(mask & (1ull << subleaf)) )
            *res = EMPTY_LEAF;
        break;
    }
}

/* Leaf 7: the structured extended features. */
static void feature_leaf(uint32_t subleaf, struct cpuid_leaf *res)
{
    uint64_t xcr0 = pv_guest_xcr0_mask();
    bool ymm = xcr0 & XSTATE_YMM;
    bool avx512 = (xcr0 & XSTATE_AVX512) == XSTATE_AVX512;

    switch ( subleaf )
    {
    case 0:
        res->b &= ~L7B_HIDDEN;
        res->c &= ~L7C_HIDDEN;
        res->d &= ~L7D_HIDDEN;
        if ( !ymm )
            res->b &= ~L7B_AVX2;
        if ( !avx512 )
        {
            res->b &= ~L7B_AVX512;
            res->c &= ~L7C_AVX512;
            res->d &= ~L7D_AVX512;
        }
        break;

    case 1:
        res->a &= L7_1A_FAST_STRINGS |
                  (ymm ? L7_1A_AVX_VNNI | L7_1A_AVX_IFMA : 0) |
                  (avx512 ? L7_1A_AVX512_BF16 : 0);
        res->b = res->c = 0;
        res->d &= ymm ? L7_1D_OFFERED : 0;
        break;

    default:
        *res = EMPTY_LEAF;
        break;
    }
}

/* Is OSXSAVE shown? See the theory of operation. */
static bool osxsave_visible(const struct vcpu *v, bool forced)
{
    if ( !pv_guest_xcr0_mask() )
        return false;
    if ( v->arch.pv.ctrlreg[4] & X86_CR4_OSXSAVE )
        return true;
    return forced && v->arch.pv.kernel_mode &&
           (emul_hw_read_cr4() & X86_CR4_OSXSAVE);
}

static void basic_leaf1(const struct vcpu *v, bool forced,
                        struct cpuid_leaf *res)
{
    uint64_t xcr0 = pv_guest_xcr0_mask();
    uint32_t orig_d = res->d;

    res->b &= 0x00ffffffu;                  /* initial APIC ID: 0 */
    res->c &= ~L1C_HIDDEN;
    res->d &= ~L1D_HIDDEN;
    /* As on Xen 4.17: the hardware domain sees the MTRRs (read-only). */
    if ( v->domain == hardware_domain )
        res->d |= orig_d & L1D_MTRR;
    if ( !xcr0 )
        res->c &= ~L1C_XSAVE;
    if ( !(xcr0 & XSTATE_YMM) )
        res->c &= ~L1C_NEEDS_YMM;
    if ( osxsave_visible(v, forced) )
        res->c |= L1C_OSXSAVE;
    res->c |= L1C_HYPERVISOR;
}

static void basic_leaf(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                       bool forced, struct cpuid_leaf *res)
{
    switch ( leaf )
    {
    case 0x1:
        basic_leaf1(v, forced, res);
        break;

    case 0x7:
        feature_leaf(subleaf, res);
        break;

    case XSTATE_CPUID:
        xstate_leaf(v, subleaf, res);
        break;

    case 0x3:                               /* processor serial number */
    case 0x5:                               /* MONITOR/MWAIT */
    case 0x6:                               /* thermal and power */
    case 0x9:                               /* DCA */
    case 0xa:                               /* performance counters */
    case 0xb:                               /* x2APIC topology */
    case 0xf:                               /* RDT monitoring */
    case 0x10:                              /* RDT allocation */
    case 0x12:                              /* SGX */
    case 0x14:                              /* processor trace */
    case 0x19:                              /* key locker */
    case 0x1b:                              /* PCONFIG */
    case 0x1c:                              /* architectural LBRs */
    case 0x1d:                              /* AMX tiles */
    case 0x1e:
    case 0x1f:                              /* x2APIC topology v2 */
        *res = EMPTY_LEAF;
        break;
    }
}

static void extended_leaf(uint32_t leaf, struct cpuid_leaf *res)
{
    switch ( leaf )
    {
    case 0x80000001:
        res->c &= ~E1C_HIDDEN;
        res->d &= ~E1D_HIDDEN;
        if ( !(pv_guest_xcr0_mask() & XSTATE_YMM) )
            res->c &= ~E1C_NEEDS_YMM;
        break;

    case 0x80000007:
        res->a = res->b = res->c = 0;
        res->d &= E7D_ITSC;
        break;

    case 0x80000008:
        res->b &= ~E8B_HIDDEN;
        res->d = 0;                         /* INVLPGB, RDPRU limits */
        break;

    case 0x8000000a:                        /* SVM */
    case 0x8000001f:                        /* SME/SEV */
    case 0x80000020:                        /* platform QoS */
        *res = EMPTY_LEAF;
        break;
    }
}

/*
 * ns = ((ticks << shift) * mul) >> 32, shift negative for a right shift:
 * normalise the rate into (1e9, 2e9] ticks per second by halving or
 * doubling, then mul = 1e9 * 2^32 / rate is below 2^32.
 */
static void tsc_scale(uint64_t hz, uint32_t *mul, int *shift)
{
    int s = 0;

    if ( !hz )
    {
        *mul = 0;
        *shift = 0;
        return;
    }
    while ( hz > 2 * NS_PER_SEC )
    {
        hz >>= 1;
        s--;
    }
    while ( hz <= NS_PER_SEC )
    {
        hz <<= 1;
        s++;
    }
    *mul = (uint32_t)((NS_PER_SEC << 32) / hz);
    *shift = s;
}

static void xen_leaf(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *res)
{
    struct cpuid_leaf host;
    uint32_t mul;
    int shift;

    *res = EMPTY_LEAF;
    switch ( leaf )
    {
    case XEN_LEAF_BASE:
        res->a = XEN_LEAF_LAST;
        res->b = XEN_SIGNATURE_EBX;
        res->c = XEN_SIGNATURE_ECX;
        res->d = XEN_SIGNATURE_EDX;
        break;

    case XEN_LEAF_BASE + 1:
        res->a = (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;
        break;

    case XEN_LEAF_BASE + 2:
        res->a = 1;                         /* hypercall pages */
        res->b = XEN_LEAF_BASE;             /* their MSR (not offered) */
        res->c = XEN_FEAT1_PRESERVE_AD;
        break;

    case XEN_LEAF_BASE + 3:
        switch ( subleaf )
        {
        case 0:
            /* Not emulated (bit 0 clear); bit 1: the TSC is invariant. */
            emul_hw_cpuid(0x80000000, 0, &host);
            if ( host.a >= 0x80000007 )
            {
                emul_hw_cpuid(0x80000007, 0, &host);
                res->a = (host.d & E7D_ITSC) ? BIT32(1) : 0;
            }
            res->c = cpu_khz;
            break;
        case 1:
            tsc_scale((uint64_t)cpu_khz * 1000, &mul, &shift);
            res->c = mul;
            res->d = (uint32_t)shift;
            break;
        case 2:
            res->a = cpu_khz;
            break;
        }
        break;

    case XEN_LEAF_BASE + 5:
        if ( subleaf == 0 && max_page > 1 )
            res->b = flsl(max_page - 1) + PAGE_SHIFT;
        break;
    }
}

static void policy(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                   bool forced, struct cpuid_leaf *res)
{
    struct cpuid_leaf range;

    if ( leaf >= XEN_LEAF_BASE && leaf <= 0x4fffffff )
    {
        xen_leaf(leaf, subleaf, res);
        return;
    }

    /* Beyond the host's last basic or extended leaf: all zeros. */
    emul_hw_cpuid(leaf & 0x80000000, 0, &range);
    if ( leaf > range.a || (leaf ^ range.a) & 0x80000000 )
    {
        *res = EMPTY_LEAF;
        return;
    }

    emul_hw_cpuid(leaf, subleaf, res);
    if ( leaf & 0x80000000 )
        extended_leaf(leaf, res);
    else
        basic_leaf(v, leaf, subleaf, forced, res);
}

void pv_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
              struct cpuid_leaf *res)
{
    policy(v, leaf, subleaf, false, res);
}

void pv_cpuid_forced(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                     struct cpuid_leaf *res)
{
    policy(v, leaf, subleaf, true, res);
}
