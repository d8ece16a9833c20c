/*
 * pv/emul-priv-op.c: the privileged instructions a PV guest executes,
 * emulated.
 *
 * Theory of operation. A 64-bit PV guest kernel runs in ring 3, so each
 * privileged instruction it executes raises #GP (error code 0), and the
 * #GP handler (pv/traps.c) hands it here. We read the instruction at the
 * guest's rip through the guest's own page tables (raw_copy_from_guest),
 * one byte at a time so that a short instruction at the end of a mapped
 * page is fetched correctly, decode its prefixes (operand and address
 * size, REX, rep, lock, the FS/GS overrides that matter in 64-bit mode)
 * and opcode, and then either
 *
 *   - emulate it against the vCPU's virtual state and advance rip
 *     (X86EMUL_OKAY; a #DB trap for TF or an I/O breakpoint may follow,
 *     reported as X86EMUL_EXCEPTION with rip already advanced);
 *   - refuse it with the exception the hardware would give a kernel that
 *     did the same, rip unchanged (X86EMUL_EXCEPTION: #GP(0), #UD, #PF);
 *   - or decline (X86EMUL_UNHANDLEABLE): not an instruction we emulate,
 *     an instruction that cannot be fetched, or one the guest's current
 *     mode may not execute; the caller delivers the original #GP(0).
 *
 * What is emulated, as Xen 4.17 does for a 64-bit PV guest:
 *   guest kernel only: mov to/from CR0, CR2, CR3 (read), CR4; clts; lmsw
 *     (register form); mov to/from DR0-DR7; rdmsr/wrmsr of the MSRs
 *     below; wbinvd (performed for a domain with MMIO rights, else a
 *     no-op); xsetbv (the guest's XCR0, which the hypervisor loads).
 *   guest kernel or user: in/out/ins/outs (all sizes, imm8 and %dx forms,
 *     rep; permission in pv/ioport.c); cpuid (it only traps with CPUID
 *     faulting); rdtsc/rdtscp (they only trap if CR4.TSD is set: allowed
 *     in user mode unless the guest's own CR4.TSD says otherwise); cli/sti
 *     with enough virtual IOPL, skipped as Xen does (a guest's interrupt
 *     flag is its event mask, which cli/sti must not touch).
 * Not emulated: a CR3 write (Xen switches the base page table; Linux uses
 * MMUEXT_NEW_BASEPTR instead), invd, hlt, lmsw from memory, everything
 * else.
 *
 * Control registers. CR0: the guest sees the real one except TS, which is
 * its virtual TS; only TS may change (do_fpu_taskswitch). CR2: the one in
 * vcpu_info. CR3: the kernel L4's frame. CR4: the real PAE, MCE, OSFXSR
 * and OSXMMEXCPT, and the guest's own TSD, DE and OSXSAVE (the last only
 * with XSAVE); writes never fault, other bits are dropped, as on Xen.
 *
 * MSRs. FS_BASE, GS_BASE (the kernel's, the active one in kernel mode)
 * and SHADOW_GS_BASE (the user's, loaded when the vCPU enters user mode)
 * are read and written, non-canonical bases give #GP. Read-only views,
 * where writing the value read back is accepted: APIC_BASE (0xfee00000,
 * enabled, BSP on vCPU 0), PAT (Xen's fixed 0x0000050100070406, from
 * which Linux builds its cache modes), EFER (the host's SCE, LME, LMA and
 * NXE). TSC reads the TSC. Vendor MSRs that Linux 6.1 touches without a
 * fault handler, with Xen's answers: MISC_ENABLE on Intel (filtered;
 * writes ignored), UCODE_REV (read; Intel's "write 0 first" accepted),
 * AMD's HWCR (read; writes ignored) and NB_CFG (reads 0; writes ignored).
 * Every other MSR gives #GP(0), which Linux's MSR accessors survive.
 *
 * Exceptions and state. A fault leaves every register as it was, except
 * that a rep ins/outs that faults part way keeps the progress made (as
 * the hardware does). A #PF is reported with its address already in
 * vcpu_info->arch.cr2 and the U bit set for guest user mode. A rep string
 * I/O does at most MAX_IO_REPS iterations per trap and then returns to
 * the guest without advancing rip, so it resumes where it stopped.
 *
 * The decoder assumes 64-bit code (CS.L = 1), which the guest kernel
 * always is. Bytes may change between the fault and the fetch (another
 * vCPU rewriting code); whatever is decoded is checked on its own terms.
 *
 * Locking: none; this works on current and the pCPU it runs on.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/i387.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/xstate.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>

#include "emul-hw.h"

#define MAX_INSN_LEN        15
#define MAX_IO_REPS         256

#define REX_B               0x1
#define REX_R               0x4

#ifndef MSR_IA32_TSC
#define MSR_IA32_TSC        0x00000010
#endif
#ifndef MSR_IA32_UCODE_REV
#define MSR_IA32_UCODE_REV  0x0000008b
#endif
#ifndef MSR_IA32_MISC_ENABLE
#define MSR_IA32_MISC_ENABLE 0x000001a0
#endif
#ifndef MSR_IA32_CR_PAT
#define MSR_IA32_CR_PAT     0x00000277
#endif
#ifndef MSR_TSC_AUX
#define MSR_TSC_AUX         0xc0000103
#endif
#ifndef MSR_K8_HWCR
#define MSR_K8_HWCR         0xc0010015
#endif
#ifndef MSR_AMD64_NB_CFG
#define MSR_AMD64_NB_CFG    0xc001001f
#endif

/* MISC_ENABLE bits a guest sees forced (Xen's view). */
#define MISC_ENABLE_PERF_AVAIL      (1ull << 7)
#define MISC_ENABLE_BTS_UNAVAIL     (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL    (1ull << 12)
#define MISC_ENABLE_MONITOR         (1ull << 18)
#define MISC_ENABLE_XTPR_DISABLE    (1ull << 23)

#define APIC_DEFAULT_BASE   0xfee00000ul
#define PV_GUEST_PAT        0x0000050100070406ull
#define EFER_GUEST_VISIBLE  (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* CR4 bits the guest sees from the hardware, and those it controls. */
#define CR4_HOST_VISIBLE    (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | \
                             X86_CR4_OSXMMEXCPT)

/* CPUID vendor signatures (leaf 0 EBX). */
#define VENDOR_INTEL_EBX    0x756e6547u     /* "Genu" */
#define VENDOR_AMD_EBX      0x68747541u     /* "Auth" */
#define VENDOR_HYGON_EBX    0x6f677948u     /* "Hygo" */

enum seg_override { SEG_DEFAULT, SEG_FS, SEG_GS };

/* One instruction being decoded: the prefixes seen, the bytes fetched. */
struct insn {
    struct cpu_user_regs *regs;
    struct vcpu *v;
    unsigned int len;
    uint8_t rex;
    bool opsize;                    /* 0x66 */
    bool adsize;                    /* 0x67 */
    bool lock;                      /* 0xf0 */
    bool rep;                       /* 0xf2 / 0xf3 */
    enum seg_override seg;
};

/* ---- Decoding ---- */

static bool fetch(struct insn *in, uint8_t *byte)
{
    const void *va = (const void *)(in->regs->rip + in->len);

    if ( in->len >= MAX_INSN_LEN || raw_copy_from_guest(byte, va, 1) )
        return false;
    in->len++;
    return true;
}

/* Consume the prefixes; *opcode is the first opcode byte. */
static bool decode_prefixes(struct insn *in, uint8_t *opcode)
{
    uint8_t b;

    for ( ;; )
    {
        if ( !fetch(in, &b) )
            return false;

        /* A REX prefix counts only right before the opcode. */
        if ( (b & 0xf0) == 0x40 )
        {
            in->rex = b;
            continue;
        }

        switch ( b )
        {
        case 0x66:
            in->opsize = true;
            break;
        case 0x67:
            in->adsize = true;
            break;
        case 0xf0:
            in->lock = true;
            break;
        case 0xf2:
        case 0xf3:
            in->rep = true;
            break;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            break;                      /* no effect in 64-bit mode */
        case 0x64:
            in->seg = SEG_FS;
            break;
        case 0x65:
            in->seg = SEG_GS;
            break;
        default:
            *opcode = b;
            return true;
        }
        in->rex = 0;
    }
}

static unsigned long *gpr(struct cpu_user_regs *regs, unsigned int n)
{
    switch ( n )
    {
    case 0:  return &regs->rax;
    case 1:  return &regs->rcx;
    case 2:  return &regs->rdx;
    case 3:  return &regs->rbx;
    case 4:  return &regs->rsp;
    case 5:  return &regs->rbp;
    case 6:  return &regs->rsi;
    case 7:  return &regs->rdi;
    case 8:  return &regs->r8;
    case 9:  return &regs->r9;
    case 10: return &regs->r10;
    case 11: return &regs->r11;
    case 12: return &regs->r12;
    case 13: return &regs->r13;
    case 14: return &regs->r14;
    default: return &regs->r15;
    }
}

/* The ModRM byte's register and r/m fields, REX-extended. */
static bool fetch_modrm(struct insn *in, uint8_t *modrm, unsigned int *reg,
                        unsigned int *rm)
{
    if ( !fetch(in, modrm) )
        return false;
    *reg = ((*modrm >> 3) & 7) | ((in->rex & REX_R) ? 8 : 0);
    *rm = (*modrm & 7) | ((in->rex & REX_B) ? 8 : 0);
    return true;
}

/* ---- Results ---- */

static int raise(struct pv_emul_exception *ex, unsigned int vector,
                 int error_code)
{
    ex->vector = vector;
    ex->error_code = error_code;
    return X86EMUL_EXCEPTION;
}

static int page_fault(struct insn *in, struct pv_emul_exception *ex,
                      unsigned long addr, unsigned int error_code)
{
    if ( !in->v->arch.pv.kernel_mode )
        error_code |= PFEC_user_mode;
    in->v->vcpu_info->arch.cr2 = addr;
    return raise(ex, TRAP_page_fault, error_code);
}

/*
 * The instruction is done: step over it. A #DB trap follows if the guest
 * single-steps or hit I/O breakpoints (bits 0-3 of DR6 in dr6_hits).
 */
static int retire(struct insn *in, struct pv_emul_exception *ex,
                  unsigned int dr6_hits)
{
    struct cpu_user_regs *regs = in->regs;
    unsigned long dr6 = dr6_hits;

    regs->rip += in->len;
    regs->rflags &= ~X86_EFLAGS_RF;
    if ( regs->rflags & X86_EFLAGS_TF )
        dr6 |= DR_STEP;
    if ( !dr6 )
        return X86EMUL_OKAY;
    in->v->arch.pv.debugreg[6] |= dr6 | DR6_RESERVED_ONE;
    return raise(ex, TRAP_debug, -1);
}

/* rdmsr, rdtsc and cpuid results: 32-bit halves, zero-extended. */
static void set_edx_eax(struct cpu_user_regs *regs, uint64_t val)
{
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
}

static bool iopl_ok(const struct vcpu *v)
{
    return v->arch.pv.iopl >= (v->arch.pv.kernel_mode ? 1u : 3u);
}

/* ---- Control registers ---- */

static unsigned long cr4_guest_bits(void)
{
    return X86_CR4_TSD | X86_CR4_DE |
           (pv_guest_xcr0_mask() ? X86_CR4_OSXSAVE : 0);
}

static unsigned long guest_cr4(const struct vcpu *v)
{
    return (emul_hw_read_cr4() & CR4_HOST_VISIBLE) |
           (v->arch.pv.ctrlreg[4] & cr4_guest_bits());
}

static unsigned long guest_cr0(const struct vcpu *v)
{
    return (emul_hw_read_cr0() & ~X86_CR0_TS) |
           (v->arch.pv.ctrlreg[0] & X86_CR0_TS);
}

static int read_cr(const struct vcpu *v, unsigned int cr, unsigned long *val)
{
    switch ( cr )
    {
    case 0:
        *val = guest_cr0(v);
        return X86EMUL_OKAY;
    case 2:
        *val = v->vcpu_info->arch.cr2;
        return X86EMUL_OKAY;
    case 3:
        *val = xen_pfn_to_cr3(v->arch.pv.guest_table);
        return X86EMUL_OKAY;
    case 4:
        *val = guest_cr4(v);
        return X86EMUL_OKAY;
    }
    return X86EMUL_UNHANDLEABLE;
}

/* Only the virtual TS may change. */
static int set_guest_cr0(struct insn *in, struct pv_emul_exception *ex,
                         unsigned long val)
{
    if ( (val ^ guest_cr0(in->v)) & ~(unsigned long)X86_CR0_TS )
        return raise(ex, TRAP_gp_fault, 0);
    do_fpu_taskswitch(!!(val & X86_CR0_TS));
    return X86EMUL_OKAY;
}

static int write_cr(struct insn *in, struct pv_emul_exception *ex,
                    unsigned int cr, unsigned long val)
{
    struct vcpu *v = in->v;

    switch ( cr )
    {
    case 0:
        return set_guest_cr0(in, ex, val);
    case 2:
        v->vcpu_info->arch.cr2 = val;
        return X86EMUL_OKAY;
    case 4:
        v->arch.pv.ctrlreg[4] = (emul_hw_read_cr4() & CR4_HOST_VISIBLE) |
                                (val & cr4_guest_bits());
        return X86EMUL_OKAY;
    }
    return X86EMUL_UNHANDLEABLE;    /* CR3 (see above), CR8 */
}

/* 0f 20 / 0f 22: mov between a control register and a GPR. */
static int emul_mov_cr(struct insn *in, struct pv_emul_exception *ex,
                       bool to_cr)
{
    unsigned long *reg, val;
    unsigned int cr, rm;
    uint8_t modrm;
    int rc;

    if ( !fetch_modrm(in, &modrm, &cr, &rm) )
        return X86EMUL_UNHANDLEABLE;
    /* LOCK selects CR8 on AMD: not emulated, like CR8 itself. */
    if ( in->lock || cr == 8 )
        return X86EMUL_UNHANDLEABLE;
    if ( cr != 0 && cr != 2 && cr != 3 && cr != 4 )
        return raise(ex, TRAP_invalid_op, -1);

    reg = gpr(in->regs, rm);
    if ( to_cr )
        rc = write_cr(in, ex, cr, *reg);
    else
    {
        rc = read_cr(in->v, cr, &val);
        if ( rc == X86EMUL_OKAY )
            *reg = val;
    }
    return rc == X86EMUL_OKAY ? retire(in, ex, 0) : rc;
}

/* 0f 21 / 0f 23: mov between a debug register and a GPR. */
static int emul_mov_dr(struct insn *in, struct pv_emul_exception *ex,
                       bool to_dr)
{
    unsigned long *reg, val;
    unsigned int dr, rm;
    uint8_t modrm;
    int rc;

    if ( !fetch_modrm(in, &modrm, &dr, &rm) )
        return X86EMUL_UNHANDLEABLE;
    if ( in->lock || dr > 7 )
        return raise(ex, TRAP_invalid_op, -1);

    reg = gpr(in->regs, rm);
    if ( to_dr )
        rc = pv_set_debugreg(in->v, dr, *reg);
    else
    {
        rc = pv_get_debugreg(in->v, dr, &val);
        if ( !rc )
            *reg = val;
    }
    if ( rc == -ENODEV )
        return raise(ex, TRAP_invalid_op, -1);
    if ( rc )
        return raise(ex, TRAP_gp_fault, 0);
    return retire(in, ex, 0);
}

/* 0f 06: clear the virtual TS. */
static int emul_clts(struct insn *in, struct pv_emul_exception *ex)
{
    do_fpu_taskswitch(0);
    return retire(in, ex, 0);
}

/* ---- MSRs ---- */

static bool host_vendor_is(uint32_t ebx)
{
    struct cpuid_leaf l;

    emul_hw_cpuid(0, 0, &l);
    return l.b == ebx;
}

static bool host_is_amd(void)
{
    return host_vendor_is(VENDOR_AMD_EBX) || host_vendor_is(VENDOR_HYGON_EBX);
}

static uint64_t guest_misc_enable(uint64_t host)
{
    host &= ~(MISC_ENABLE_PERF_AVAIL | MISC_ENABLE_MONITOR);
    return host | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL |
           MISC_ENABLE_XTPR_DISABLE;
}

/* The guest's value of msr, or -EPERM (#GP). */
static int read_msr(const struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch ( msr )
    {
    case MSR_FS_BASE:
    case MSR_GS_BASE:                   /* the kernel's: it is in kernel mode */
        return emul_hw_rdmsr(msr, val) ? -EPERM : 0;

    case MSR_SHADOW_GS_BASE:
        *val = v->arch.pv.gs_base_user;
        return 0;

    case MSR_IA32_TSC:
        *val = emul_hw_rdtsc();
        return 0;

    case MSR_APIC_BASE:
        *val = APIC_DEFAULT_BASE | APIC_BASE_ENABLE |
               (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
        return 0;

    case MSR_IA32_CR_PAT:
        *val = PV_GUEST_PAT;
        return 0;

    case MSR_EFER:
        if ( emul_hw_rdmsr(MSR_EFER, val) )
            return -EPERM;
        *val &= EFER_GUEST_VISIBLE;
        return 0;

    case MSR_IA32_MISC_ENABLE:
        if ( !host_vendor_is(VENDOR_INTEL_EBX) || emul_hw_rdmsr(msr, val) )
            return -EPERM;
        *val = guest_misc_enable(*val);
        return 0;

    case MSR_IA32_UCODE_REV:
        if ( !host_vendor_is(VENDOR_INTEL_EBX) && !host_is_amd() )
            return -EPERM;
        return emul_hw_rdmsr(msr, val) ? -EPERM : 0;

    case MSR_K8_HWCR:
        if ( !host_is_amd() )
            return -EPERM;
        return emul_hw_rdmsr(msr, val) ? -EPERM : 0;

    case MSR_AMD64_NB_CFG:
        if ( !host_is_amd() )
            return -EPERM;
        *val = 0;
        return 0;
    }
    return -EPERM;
}

/* Set the guest's msr, or -EPERM (#GP). */
static int write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct pv_vcpu *pv = &v->arch.pv;
    uint64_t cur;

    switch ( msr )
    {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        if ( !is_canonical_address(val) )
            return -EPERM;
        if ( msr == MSR_SHADOW_GS_BASE )
        {
            pv->gs_base_user = val;     /* loaded on the way to user mode */
            return 0;
        }
        if ( msr == MSR_FS_BASE )
            pv->fs_base = val;
        else
            pv->gs_base_kernel = val;
        emul_hw_wrmsr(msr, val);
        return 0;

    case MSR_APIC_BASE:
    case MSR_IA32_CR_PAT:
    case MSR_EFER:
        /* Read-only views: writing back what was read is harmless. */
        if ( read_msr(v, msr, &cur) || cur != val )
            return -EPERM;
        return 0;

    case MSR_IA32_MISC_ENABLE:
        /* Xen ignores changes (Linux clears "fast strings" on some CPUs). */
        return read_msr(v, msr, &cur) ? -EPERM : 0;

    case MSR_IA32_UCODE_REV:
        /* Intel's sequence to read the revision starts by writing 0. */
        return host_vendor_is(VENDOR_INTEL_EBX) && val == 0 ? 0 : -EPERM;

    case MSR_K8_HWCR:
    case MSR_AMD64_NB_CFG:
        return host_is_amd() ? 0 : -EPERM;
    }
    return -EPERM;
}

static int emul_rdmsr(struct insn *in, struct pv_emul_exception *ex)
{
    uint64_t val;

    if ( read_msr(in->v, (uint32_t)in->regs->rcx, &val) )
        return raise(ex, TRAP_gp_fault, 0);
    set_edx_eax(in->regs, val);
    return retire(in, ex, 0);
}

static int emul_wrmsr(struct insn *in, struct pv_emul_exception *ex)
{
    const struct cpu_user_regs *regs = in->regs;
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;

    if ( write_msr(in->v, (uint32_t)regs->rcx, val) )
        return raise(ex, TRAP_gp_fault, 0);
    return retire(in, ex, 0);
}

/* ---- Time stamp counter, CPUID, caches ---- */

/* rdtsc traps only with CR4.TSD; the guest's own TSD binds its user mode. */
static bool tsc_allowed(const struct vcpu *v)
{
    return v->arch.pv.kernel_mode ||
           !(v->arch.pv.ctrlreg[4] & X86_CR4_TSD);
}

static int emul_rdtsc(struct insn *in, struct pv_emul_exception *ex,
                      bool aux)
{
    uint64_t tsc_aux;

    if ( !tsc_allowed(in->v) )
        return X86EMUL_UNHANDLEABLE;
    set_edx_eax(in->regs, emul_hw_rdtsc());
    if ( aux )
    {
        if ( emul_hw_rdmsr(MSR_TSC_AUX, &tsc_aux) )
            tsc_aux = 0;
        in->regs->rcx = (uint32_t)tsc_aux;
    }
    return retire(in, ex, 0);
}

static void cpuid_to_regs(struct cpu_user_regs *regs,
                          const struct cpuid_leaf *res)
{
    regs->rax = res->a;
    regs->rbx = res->b;
    regs->rcx = res->c;
    regs->rdx = res->d;
}

static int emul_cpuid(struct insn *in, struct pv_emul_exception *ex)
{
    struct cpuid_leaf res;

    pv_cpuid(in->v, (uint32_t)in->regs->rax, (uint32_t)in->regs->rcx, &res);
    cpuid_to_regs(in->regs, &res);
    return retire(in, ex, 0);
}

static int emul_wbinvd(struct insn *in, struct pv_emul_exception *ex)
{
    /* Only a domain that maps device memory has a reason to flush. */
    if ( in->v->domain->arch.iomem_all )
        emul_hw_wbinvd();
    return retire(in, ex, 0);
}

/* ---- XCR0 ---- */

static bool xcr0_valid(uint64_t val)
{
    if ( !(val & XSTATE_FP) || (val & ~pv_guest_xcr0_mask()) )
        return false;
    if ( (val & XSTATE_YMM) && !(val & XSTATE_SSE) )
        return false;
    if ( (val & XSTATE_AVX512) &&
         ((val & XSTATE_AVX512) != XSTATE_AVX512 || !(val & XSTATE_YMM)) )
        return false;
    return true;
}

/* 0f 01 d1: xsetbv. */
static int emul_xsetbv(struct insn *in, struct pv_emul_exception *ex)
{
    struct vcpu *v = in->v;
    const struct cpu_user_regs *regs = in->regs;
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;

    if ( in->lock || !(guest_cr4(v) & X86_CR4_OSXSAVE) )
        return raise(ex, TRAP_invalid_op, -1);
    if ( (uint32_t)regs->rcx != 0 || !xcr0_valid(val) )
        return raise(ex, TRAP_gp_fault, 0);

    /*
     * Components being turned on must start from their initial state, not
     * from whatever the registers hold: save the vCPU's state now, and the
     * next lazy restore loads it with the new XCR0 (a component missing
     * from the saved image comes back in its initial state).
     */
    if ( (val & ~v->arch.xcr0) && v->arch.fpu_dirtied )
        vcpu_save_fpu(v);
    v->arch.xcr0 = val;
    xstate_set_xcr0(val);
    return retire(in, ex, 0);
}

/* ---- Two-byte opcodes ---- */

/* 0f 01: only xsetbv, rdtscp and lmsw from a register. */
static int emul_0f01(struct insn *in, struct pv_emul_exception *ex)
{
    unsigned long cr0, msw;
    unsigned int reg, rm;
    uint8_t modrm;

    if ( !fetch_modrm(in, &modrm, &reg, &rm) )
        return X86EMUL_UNHANDLEABLE;

    if ( modrm == 0xf9 )                /* rdtscp */
        return in->lock ? raise(ex, TRAP_invalid_op, -1)
                        : emul_rdtsc(in, ex, true);
    if ( !in->v->arch.pv.kernel_mode )
        return X86EMUL_UNHANDLEABLE;
    if ( modrm == 0xd1 )
        return emul_xsetbv(in, ex);
    if ( (modrm >> 6) != 3 || (reg & 7) != 6 )
        return X86EMUL_UNHANDLEABLE;
    if ( in->lock )
        return raise(ex, TRAP_invalid_op, -1);

    /* lmsw: loads CR0 bits 0-3, and cannot clear PE. */
    msw = *gpr(in->regs, rm) & 0xf;
    cr0 = guest_cr0(in->v);
    cr0 = (cr0 & ~0xful) | msw | (cr0 & X86_CR0_PE);
    if ( set_guest_cr0(in, ex, cr0) != X86EMUL_OKAY )
        return X86EMUL_EXCEPTION;
    return retire(in, ex, 0);
}

static int emul_0f(struct insn *in, struct pv_emul_exception *ex)
{
    bool kernel = in->v->arch.pv.kernel_mode;
    uint8_t op;

    if ( !fetch(in, &op) )
        return X86EMUL_UNHANDLEABLE;

    switch ( op )
    {
    case 0x01:
        return emul_0f01(in, ex);
    case 0x31:
        return in->lock ? raise(ex, TRAP_invalid_op, -1)
                        : emul_rdtsc(in, ex, false);
    case 0xa2:
        return in->lock ? raise(ex, TRAP_invalid_op, -1) : emul_cpuid(in, ex);
    }

    /* The rest is for the guest kernel only. */
    if ( !kernel )
        return X86EMUL_UNHANDLEABLE;

    switch ( op )
    {
    case 0x20:
    case 0x22:
        return emul_mov_cr(in, ex, op == 0x22);
    case 0x21:
    case 0x23:
        return emul_mov_dr(in, ex, op == 0x23);
    }

    if ( op != 0x06 && op != 0x09 && op != 0x30 && op != 0x32 )
        return X86EMUL_UNHANDLEABLE;
    if ( in->lock )
        return raise(ex, TRAP_invalid_op, -1);

    switch ( op )
    {
    case 0x06:
        return emul_clts(in, ex);
    case 0x09:
        return emul_wbinvd(in, ex);
    case 0x30:
        return emul_wrmsr(in, ex);
    default:
        return emul_rdmsr(in, ex);
    }
}

/* ---- Port I/O ---- */

/* Operand size: bit 0 of the opcode says byte or not, 0x66 says 16. */
static unsigned int io_size(const struct insn *in, uint8_t opcode)
{
    if ( !(opcode & 1) )
        return 1;
    return in->opsize ? 2 : 4;
}

static uint32_t size_mask(unsigned int bytes)
{
    return bytes == 4 ? ~0u : (1u << (bytes * 8)) - 1;
}

/* Write an in's result to AL, AX or EAX (which zero-extends). */
static void set_accumulator(struct cpu_user_regs *regs, unsigned int bytes,
                            uint32_t val)
{
    switch ( bytes )
    {
    case 1:
        regs->rax = (regs->rax & ~0xfful) | (val & 0xff);
        break;
    case 2:
        regs->rax = (regs->rax & ~0xfffful) | (val & 0xffff);
        break;
    default:
        regs->rax = val;
        break;
    }
}

/* e4-e7 (port imm8), ec-ef (port in DX). */
static int emul_in_out(struct insn *in, struct pv_emul_exception *ex,
                       uint8_t opcode)
{
    const struct domain *d = in->v->domain;
    struct cpu_user_regs *regs = in->regs;
    unsigned int bytes = io_size(in, opcode), port;
    uint8_t imm;

    if ( opcode < 0xec )
    {
        if ( !fetch(in, &imm) )
            return X86EMUL_UNHANDLEABLE;
        port = imm;
    }
    else
        port = (uint16_t)regs->rdx;

    if ( in->lock )
        return raise(ex, TRAP_invalid_op, -1);
    if ( !pv_guest_io_okay(in->v, port, bytes) )
        return X86EMUL_UNHANDLEABLE;

    if ( opcode & 2 )
        pv_io_write(d, port, bytes, (uint32_t)regs->rax & size_mask(bytes));
    else
        set_accumulator(regs, bytes, pv_io_read(d, port, bytes));
    return retire(in, ex, pv_io_breakpoints(in->v, port, bytes));
}

/* The guest's FS or GS base for an overridden outs source. */
static unsigned long segment_base(enum seg_override seg)
{
    uint64_t base = 0;

    if ( seg == SEG_FS )
        emul_hw_rdmsr(MSR_FS_BASE, &base);
    else if ( seg == SEG_GS )
        emul_hw_rdmsr(MSR_GS_BASE, &base);
    return base;
}

/* reg += delta at the instruction's address size. */
static void step_reg(const struct insn *in, unsigned long *reg, long delta)
{
    *reg = in->adsize ? (uint32_t)(*reg + delta) : *reg + delta;
}

/* One ins or outs element at guest address addr; 0 or a fault. */
static int string_io_one(struct insn *in, struct pv_emul_exception *ex,
                         bool out, unsigned int port, unsigned int bytes,
                         unsigned long addr)
{
    const struct domain *d = in->v->domain;
    uint32_t data = 0;
    unsigned long left;

    if ( out )
    {
        left = raw_copy_from_guest(&data, (const void *)addr, bytes);
        if ( left )
            return page_fault(in, ex, addr + bytes - left, 0);
        pv_io_write(d, port, bytes, data);
    }
    else
    {
        data = pv_io_read(d, port, bytes);
        left = raw_copy_to_guest((void *)addr, &data, bytes);
        if ( left )
            return page_fault(in, ex, addr + bytes - left, PFEC_write_access);
    }
    return X86EMUL_OKAY;
}

/* 6c/6d ins to ES:rDI, 6e/6f outs from seg:rSI; both from port DX. */
static int emul_string_io(struct insn *in, struct pv_emul_exception *ex,
                          uint8_t opcode)
{
    struct cpu_user_regs *regs = in->regs;
    bool out = opcode & 2;
    unsigned int bytes = io_size(in, opcode);
    unsigned int port = (uint16_t)regs->rdx;
    unsigned long amask = in->adsize ? 0xfffffffful : ~0ul;
    unsigned long count = in->rep ? regs->rcx & amask : 1;
    unsigned long base = out ? segment_base(in->seg) : 0;
    unsigned long *index = out ? &regs->rsi : &regs->rdi;
    long step = (regs->rflags & X86_EFLAGS_DF) ? -(long)bytes : (long)bytes;
    unsigned long done;
    int rc;

    if ( in->lock )
        return raise(ex, TRAP_invalid_op, -1);
    if ( !pv_guest_io_okay(in->v, port, bytes) )
        return X86EMUL_UNHANDLEABLE;

    for ( done = 0; done < count && done < MAX_IO_REPS; done++ )
    {
        rc = string_io_one(in, ex, out, port, bytes,
                           base + (*index & amask));
        if ( rc != X86EMUL_OKAY )
            return rc;
        step_reg(in, index, step);
        if ( in->rep )
            step_reg(in, &regs->rcx, -1);
    }

    /* Not finished: resume at the same instruction. */
    if ( done < count )
        return X86EMUL_OKAY;
    return retire(in, ex, count ? pv_io_breakpoints(in->v, port, bytes) : 0);
}

/* fa/fb: with enough IOPL, skipped (the event mask is the guest's IF). */
static int emul_cli_sti(struct insn *in, struct pv_emul_exception *ex)
{
    if ( !iopl_ok(in->v) )
        return X86EMUL_UNHANDLEABLE;
    if ( in->lock )
        return raise(ex, TRAP_invalid_op, -1);
    return retire(in, ex, 0);
}

/* ---- Entry points ---- */

int pv_emulate_privileged_op(struct cpu_user_regs *regs,
                             struct pv_emul_exception *ex)
{
    struct insn in = { .regs = regs, .v = current, .seg = SEG_DEFAULT };
    uint8_t opcode;

    ASSERT(!regs_in_hypervisor(regs));
    if ( !decode_prefixes(&in, &opcode) )
        return X86EMUL_UNHANDLEABLE;

    switch ( opcode )
    {
    case 0x0f:
        return emul_0f(&in, ex);
    case 0x6c ... 0x6f:
        return emul_string_io(&in, ex, opcode);
    case 0xe4 ... 0xe7:
    case 0xec ... 0xef:
        return emul_in_out(&in, ex, opcode);
    case 0xfa:
    case 0xfb:
        return emul_cli_sti(&in, ex);
    }
    return X86EMUL_UNHANDLEABLE;
}

/* ud2; .ascii "xen"; cpuid */
static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

int pv_emulate_forced_cpuid(struct cpu_user_regs *regs)
{
    uint8_t insn[sizeof(forced_cpuid)];
    struct cpuid_leaf res;

    ASSERT(!regs_in_hypervisor(regs));
    if ( raw_copy_from_guest(insn, (const void *)regs->rip, sizeof(insn)) ||
         memcmp(insn, forced_cpuid, sizeof(insn)) )
        return X86EMUL_UNHANDLEABLE;

    pv_cpuid_forced(current, (uint32_t)regs->rax, (uint32_t)regs->rcx, &res);
    cpuid_to_regs(regs, &res);
    regs->rip += sizeof(insn);
    regs->rflags &= ~X86_EFLAGS_RF;
    return X86EMUL_OKAY;
}
