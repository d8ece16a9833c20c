/*
 * xstate.c: the CPU's extended state (x87, SSE, AVX, ...) and how the
 * hypervisor saves and restores it.
 *
 * Theory of operation. Each CPU is set up once at boot, before anything
 * can touch the FPU:
 *
 *   - CR4.OSFXSR and CR4.OSXMMEXCPT are set (SSE usable, SIMD exceptions
 *     as #XM), CR0.EM is cleared and CR0.MP, CR0.NE and CR0.TS are set, so
 *     the first FPU/SSE instruction anyone executes raises #NM (i387.c
 *     decides what that means);
 *   - the boot CPU chooses the mechanism. With XSAVE (CPUID.1:ECX[26], and
 *     not disabled with "xsave=0") it sets CR4.OSXSAVE and enables in XCR0
 *     every user-state component the CPU offers from XSTATE_HANDLED, in
 *     the architecturally valid combinations only (AVX-512 needs AVX and
 *     all three of its components, MPX both of its). The save area size is
 *     CPUID.(0xd,0).EBX read after XCR0 is written, since it describes the
 *     components enabled now. Without XSAVE it uses FXSAVE/FXRSTOR and a
 *     512-byte area. The choice is printed once ("xstate: ...");
 *   - each AP enables exactly the boot CPU's XCR0 and must report the same
 *     area size. An AP that cannot would save a different state from the
 *     other CPUs, and a vCPU migrating between them would lose or corrupt
 *     state: that is a fatal configuration error (panic).
 *
 * XCR0 is per CPU; the value last loaded is cached per CPU so that
 * xstate_set_xcr0() costs nothing when it does not change (XSETBV is
 * slow and serialising).
 *
 * Save areas use the standard (non-compacted) XSAVE format, so XSTATE_BV
 * tells which components an image holds and XRSTOR puts every other
 * enabled component in its initial state. The 64-bit forms of the
 * instructions are used so FIP/FDP are kept whole.
 *
 * The hypervisor is built without SSE and never touches these registers
 * itself: everything here runs on behalf of a vCPU.
 */
#include <asm/processor.h>
#include <asm/xstate.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/string.h>

static bool opt_xsave = true;
boolean_param("xsave", opt_xsave);

static bool use_xsave;
static uint64_t boot_xcr0;
static unsigned int area_size = FXSAVE_AREA_SIZE;

static DEFINE_PER_CPU(uint64_t, loaded_xcr0);

/* ---- Instructions ---- */

static inline void xsetbv(uint32_t index, uint64_t val)
{
    __asm__ __volatile__ ( "xsetbv" :: "c" (index), "a" ((uint32_t)val),
                           "d" ((uint32_t)(val >> 32)) );
}

static inline uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;

    __asm__ __volatile__ ( "xgetbv" : "=a" (lo), "=d" (hi) : "c" (index) );
    return ((uint64_t)hi << 32) | lo;
}

void xstate_save(struct xsave_struct *area)
{
    if ( use_xsave )
        /* EDX:EAX all ones: save every component enabled in XCR0. */
        __asm__ __volatile__ ( "xsave64 %0"
                               : "=m" (*area) : "a" (~0u), "d" (~0u)
                               : "memory" );
    else
        __asm__ __volatile__ ( "fxsave64 %0" : "=m" (*area) :: "memory" );
}

void xstate_restore(const struct xsave_struct *area)
{
    if ( use_xsave )
        __asm__ __volatile__ ( "xrstor64 %0"
                               :: "m" (*area), "a" (~0u), "d" (~0u)
                               : "memory" );
    else
        __asm__ __volatile__ ( "fxrstor64 %0" :: "m" (*area) : "memory" );
}

void xstate_make_initial(struct xsave_struct *area)
{
    memset(area, 0, area_size);
    area->fpu_sse.fcw = FCW_DEFAULT;
    area->fpu_sse.mxcsr = MXCSR_DEFAULT;
    if ( use_xsave )
        area->hdr.xstate_bv = XSTATE_FP_SSE;
}

/* ---- Queries ---- */

bool xstate_uses_xsave(void)
{
    return use_xsave;
}

uint64_t xstate_boot_xcr0(void)
{
    return boot_xcr0;
}

unsigned int xstate_area_size(void)
{
    return area_size;
}

void xstate_set_xcr0(uint64_t val)
{
    ASSERT(use_xsave);
    ASSERT((val & XSTATE_FP) && !(val & ~boot_xcr0));
    if ( this_cpu(loaded_xcr0) == val )
        return;
    xsetbv(0, val);
    this_cpu(loaded_xcr0) = val;
}

uint64_t xstate_get_xcr0(void)
{
    return use_xsave ? xgetbv(0) : 0;
}

/* ---- Per-CPU set-up ---- */

/* Drop components whose architectural companions are missing. */
static uint64_t valid_xcr0(uint64_t mask)
{
    if ( (mask & XSTATE_MPX) != XSTATE_MPX )
        mask &= ~XSTATE_MPX;
    if ( (mask & XSTATE_AVX512) != XSTATE_AVX512 || !(mask & XSTATE_YMM) )
        mask &= ~XSTATE_AVX512;
    if ( !(mask & XSTATE_SSE) )
        mask &= ~(XSTATE_YMM | XSTATE_AVX512);
    return mask;
}

static uint64_t cpu_supported_xcr0(void)
{
    struct cpuid_leaf r;

    cpuid_count(XSTATE_CPUID, 0, &r);
    return ((uint64_t)r.d << 32) | r.a;
}

/* Area size for the XCR0 loaded now. */
static unsigned int cpu_area_size(void)
{
    struct cpuid_leaf r;

    cpuid_count(XSTATE_CPUID, 0, &r);
    return r.b;
}

static bool cpu_has_xsave(void)
{
    struct cpuid_leaf r;

    cpuid(1, &r);
    return r.c & (1u << X86_FEATURE_XSAVE_BIT);
}

/* What every CPU does first: SSE on, the FPU owned by nobody (TS set). */
static void common_cpu_init(void)
{
    unsigned long cr0 = read_cr0();

    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    cr0 &= ~X86_CR0_EM;
    write_cr0(cr0 | X86_CR0_MP | X86_CR0_NE | X86_CR0_TS);
}

static void enable_xcr0(uint64_t mask)
{
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    xsetbv(0, mask);
    this_cpu(loaded_xcr0) = mask;
}

void xstate_init_boot_cpu(void)
{
    uint64_t mask;

    common_cpu_init();
    if ( !opt_xsave || !cpu_has_xsave() )
    {
        printk("xstate: FXSAVE%s\n", opt_xsave ? "" : " (xsave=0)");
        return;
    }

    mask = valid_xcr0(cpu_supported_xcr0() & XSTATE_HANDLED);
    if ( (mask & XSTATE_FP_SSE) != XSTATE_FP_SSE )
    {
        printk(XENLOG_WARNING "xstate: XSAVE lacks x87/SSE (%#lx): using FXSAVE\n",
               (unsigned long)mask);
        printk("xstate: FXSAVE\n");
        return;
    }

    enable_xcr0(mask);
    area_size = cpu_area_size();
    BUG_ON(area_size < XSAVE_HDR_OFFSET + sizeof(struct xsave_hdr));
    boot_xcr0 = mask;
    use_xsave = true;
    printk("xstate: XSAVE, XCR0 %#lx, area %u bytes\n",
           (unsigned long)boot_xcr0, area_size);
}

void xstate_init_secondary_cpu(void)
{
    uint64_t have;

    common_cpu_init();
    if ( !use_xsave )
        return;

    have = cpu_has_xsave() ? cpu_supported_xcr0() : 0;
    if ( (have & boot_xcr0) != boot_xcr0 )
        panic("xstate: CPU%u supports XCR0 %#lx, CPU0 uses %#lx: cannot run vCPUs here\n",
              smp_processor_id(), (unsigned long)have,
              (unsigned long)boot_xcr0);
    enable_xcr0(boot_xcr0);
    if ( cpu_area_size() != area_size )
        panic("xstate: CPU%u needs a %u-byte XSAVE area for XCR0 %#lx, CPU0 %u\n",
              smp_processor_id(), cpu_area_size(),
              (unsigned long)boot_xcr0, area_size);
}
