/*
 * test_emul_priv.c: the PV privileged-instruction emulator
 * (pv/emul-priv-op.c) with the CPUID policy (pv/cpuid.c) and the debug
 * registers (pv/debugreg.c): decoding and fetching, MSRs, control and
 * debug registers, CPUID (trapped and forced), XSETBV, RDTSC, single
 * step, cli/sti. The machine around it is emul_priv_fake.c; port I/O and
 * physdev_op are in test_emul_priv_io.c.
 */
#include <stdint.h>
#include <string.h>

#include <asm/mm.h>
#include <asm/msr-index.h>
#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/traps.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <xen/errno.h>

#include "emul_priv_fake.h"
#include "harness.h"

#define RDMSR   0x0f, 0x32
#define WRMSR   0x0f, 0x30

static int run_rdmsr(uint32_t msr)
{
    regs.rcx = msr;
    regs.rax = 0xdeadbeef00000000ull;
    regs.rdx = 0xdeadbeef00000000ull;
    return RUN(RDMSR);
}

static int run_wrmsr(uint32_t msr, uint64_t val)
{
    regs.rcx = 0xffffffff00000000ull | msr;     /* upper half ignored */
    regs.rax = 0xffffffff00000000ull | (uint32_t)val;
    regs.rdx = 0xffffffff00000000ull | (val >> 32);
    return RUN(WRMSR);
}

static uint64_t edx_eax(void)
{
    return (regs.rdx << 32) | regs.rax;
}

/* ---- Decoding ---- */

TEST(not_ours_is_declined)
{
    static const struct { uint8_t b[4]; size_t n; } cases[] = {
        { { 0x90 }, 1 },                    /* nop */
        { { 0xf4 }, 1 },                    /* hlt */
        { { 0xcc }, 1 },                    /* int3 */
        { { 0x0f, 0x08 }, 2 },              /* invd: Xen does not emulate */
        { { 0x0f, 0x0b }, 2 },              /* ud2 */
        { { 0x0f, 0x01, 0xf8 }, 3 },        /* swapgs */
        { { 0x0f, 0x01, 0x30 }, 3 },        /* lmsw (%rax): memory form */
        { { 0x0f, 0x01, 0x38 }, 3 },        /* invlpg (%rax) */
        { { 0x0f, 0xff }, 2 },
        { { 0x8e, 0xd8 }, 2 },              /* mov %eax, %ds */
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        reset();
        regs.rax = 0x1111;
        CHECK_DECLINED(run_at(cases[i].b, cases[i].n, INSN_OFF));
        CHECK_EQ(regs.rax, 0x1111);
        CHECK_EQ(hw.nr_io, 0);
    }
}

TEST(unfetchable_rip_is_declined)
{
    reset();
    regs.rip = 0x7000;                      /* nothing mapped */
    CHECK_EQ(pv_emulate_privileged_op(&regs, &ex), X86EMUL_UNHANDLEABLE);
    CHECK_EQ(regs.rip, 0x7000);
}

TEST(instruction_cut_by_page_end)
{
    reset();
    set_msr(MSR_TSC, 0);
    /* rdmsr whose second byte would be on the unmapped next page. */
    regs.rcx = MSR_TSC;
    CHECK_EQ(run_at(BYTES(0x0f), 1, 4095), X86EMUL_UNHANDLEABLE);
    CHECK_EQ(regs.rip, CODE_VA + 4095);
    /* The same instruction ending exactly at the page end is fine. */
    CHECK_EQ(run_at(BYTES(RDMSR), 2, 4094), X86EMUL_OKAY);
    CHECK_EQ(regs.rip, CODE_VA + 4096);
    /* in $imm8 whose immediate is cut off. */
    vcpu.arch.pv.iopl = 1;
    CHECK_EQ(run_at(BYTES(0xe4), 1, 4095), X86EMUL_UNHANDLEABLE);
    CHECK_EQ(hw.nr_io, 0);
}

TEST(fifteen_bytes_at_most)
{
    uint8_t b[16];

    reset();
    memset(b, 0x66, sizeof(b));
    /* 13 prefixes + rdmsr = 15 bytes: emulated. */
    b[13] = 0x0f;
    b[14] = 0x32;
    regs.rcx = MSR_PAT;
    CHECK_DONE(run_at(b, 15, INSN_OFF), 15);
    /* 14 prefixes + rdmsr = 16 bytes: not an instruction. */
    reset();
    memset(b, 0x66, sizeof(b));
    b[14] = 0x0f;
    b[15] = 0x32;
    regs.rcx = MSR_PAT;
    CHECK_DECLINED(run_at(b, 16, INSN_OFF));
}

TEST(rex_counts_only_before_the_opcode)
{
    reset();
    /* 41 0f 20 c0: mov %cr0, %r8 */
    regs.r8 = 0;
    regs.rax = 0;
    CHECK_DONE(RUN(0x41, 0x0f, 0x20, 0xc0), 4);
    CHECK_EQ(regs.r8, HW_CR0 & ~X86_CR0_TS);
    CHECK_EQ(regs.rax, 0);
    /* 41 66 0f 20 c0: the REX is not last, so it is ignored: %rax. */
    reset();
    CHECK_DONE(RUN(0x41, 0x66, 0x0f, 0x20, 0xc0), 5);
    CHECK_EQ(regs.rax, HW_CR0 & ~X86_CR0_TS);
    CHECK_EQ(regs.r8, 0);
}

TEST(lock_prefix)
{
    reset();
    vcpu.arch.pv.iopl = 1;
    CHECK_FAULT(RUN(0xf0, 0xed), TRAP_invalid_op, -1);
    CHECK_EQ(hw.nr_io, 0);
    regs.rcx = MSR_PAT;
    CHECK_FAULT(RUN(0xf0, RDMSR), TRAP_invalid_op, -1);
    CHECK_FAULT(RUN(0xf0, 0x0f, 0xa2), TRAP_invalid_op, -1);
    CHECK_FAULT(RUN(0xf0, 0x0f, 0x21, 0xc0), TRAP_invalid_op, -1);
    CHECK_FAULT(RUN(0xf0, 0xf3, 0x6c), TRAP_invalid_op, -1);
    /* lock mov %cr0 is AMD's CR8: not emulated. */
    CHECK_DECLINED(RUN(0xf0, 0x0f, 0x20, 0xc0));
}

/* ---- MSRs ---- */

TEST(msr_segment_bases)
{
    reset();
    CHECK_DONE(run_wrmsr(MSR_GS_BASE, 0xffff888000001000ull), 2);
    CHECK_EQ(vcpu.arch.pv.gs_base_kernel, 0xffff888000001000ull);
    CHECK(get_msr(MSR_GS_BASE, &(uint64_t){ 0 }));
    CHECK_EQ(hw.msr[0].val, 0xffff888000001000ull);

    reset();
    CHECK_DONE(run_wrmsr(MSR_FS_BASE, 0x00007f0000002000ull), 2);
    CHECK_EQ(vcpu.arch.pv.fs_base, 0x00007f0000002000ull);
    CHECK_EQ(hw.msr[0].idx, MSR_FS_BASE);
    CHECK_EQ(hw.msr[0].val, 0x00007f0000002000ull);

    /* The user's GS base is only recorded while in kernel mode. */
    reset();
    CHECK_DONE(run_wrmsr(MSR_SHADOW_GS_BASE, 0x1234000ull), 2);
    CHECK_EQ(vcpu.arch.pv.gs_base_user, 0x1234000ull);
    CHECK_EQ(hw.nr_msr, 0);
    CHECK_DONE(run_rdmsr(MSR_SHADOW_GS_BASE), 2);
    CHECK_EQ(edx_eax(), 0x1234000ull);
}

TEST(msr_segment_base_reads_are_live)
{
    reset();
    set_msr(MSR_FS_BASE, 0x00007fffdead0000ull);
    set_msr(MSR_GS_BASE, 0xffff888011112222ull);
    vcpu.arch.pv.fs_base = 1;           /* stale copies are not used */
    vcpu.arch.pv.gs_base_kernel = 2;
    CHECK_DONE(run_rdmsr(MSR_FS_BASE), 2);
    CHECK_EQ(regs.rax, 0xdead0000ull);  /* upper halves cleared */
    CHECK_EQ(regs.rdx, 0x00007fffull);
    CHECK_DONE(run_rdmsr(MSR_GS_BASE), 2);
    CHECK_EQ(edx_eax(), 0xffff888011112222ull);
}

TEST(msr_non_canonical_base_is_gp)
{
    static const uint32_t msrs[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(msrs); i++ )
    {
        reset();
        CHECK_FAULT(run_wrmsr(msrs[i], 0x0000800000000000ull), TRAP_gp_fault, 0);
        CHECK_FAULT(run_wrmsr(msrs[i], 0xffff7fffffffffffull), TRAP_gp_fault, 0);
        CHECK_EQ(hw.nr_msr, 0);
        CHECK_EQ(vcpu.arch.pv.fs_base | vcpu.arch.pv.gs_base_kernel |
                 vcpu.arch.pv.gs_base_user, 0);
        /* The highest canonical addresses are fine. */
        CHECK_DONE(run_wrmsr(msrs[i], 0x00007fffffffffffull), 2);
        regs.rip = START;
        CHECK_DONE(run_wrmsr(msrs[i], 0xffff800000000000ull), 2);
    }
}

TEST(msr_apic_base)
{
    reset();
    CHECK_DONE(run_rdmsr(MSR_APIC_BASE), 2);
    CHECK_EQ(edx_eax(), 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_BSP);
    vcpu.vcpu_id = 1;
    regs.rip = START;
    CHECK_DONE(run_rdmsr(MSR_APIC_BASE), 2);
    CHECK_EQ(edx_eax(), 0xfee00000ull | APIC_BASE_ENABLE);
    /* Writing back the same value is accepted; anything else is not. */
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_APIC_BASE, 0xfee00800ull), 2);
    regs.rip = START;
    CHECK_FAULT(run_wrmsr(MSR_APIC_BASE, 0xfee00c00ull), TRAP_gp_fault, 0);
}

TEST(msr_pat_is_xens_fixed_value)
{
    reset();
    set_msr(MSR_PAT, 0x0007040600070406ull);    /* the host's is not shown */
    CHECK_DONE(run_rdmsr(MSR_PAT), 2);
    CHECK_EQ(edx_eax(), 0x0000050100070406ull);
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_PAT, 0x0000050100070406ull), 2);
    regs.rip = START;
    CHECK_FAULT(run_wrmsr(MSR_PAT, 0x0007040600070406ull), TRAP_gp_fault, 0);
    CHECK_EQ(hw.msr[0].val, 0x0007040600070406ull);
}

TEST(msr_efer_shows_long_mode_bits_only)
{
    reset();
    /* SCE, LME, LMA, NXE and SVME. */
    set_msr(MSR_EFER, 0x1d01);
    CHECK_DONE(run_rdmsr(MSR_EFER), 2);
    CHECK_EQ(edx_eax(), 0x0d01);
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_EFER, 0x0d01), 2);
    regs.rip = START;
    CHECK_FAULT(run_wrmsr(MSR_EFER, 0x0501), TRAP_gp_fault, 0);
    CHECK_EQ(hw.msr[0].val, 0x1d01);
}

TEST(msr_tsc)
{
    reset();
    CHECK_DONE(run_rdmsr(MSR_TSC), 2);
    CHECK_EQ(edx_eax(), 0x123456789abcdefull);
    regs.rip = START;
    CHECK_FAULT(run_wrmsr(MSR_TSC, 0), TRAP_gp_fault, 0);
}

TEST(msr_misc_enable)
{
    reset();
    /* fast strings, perf, BTS/PEBS unavailable bits clear, MONITOR. */
    set_msr(MSR_MISC, 0x0000000000040089ull);
    CHECK_DONE(run_rdmsr(MSR_MISC), 2);
    /* PERF_AVAIL and MONITOR hidden; BTS, PEBS unavailable, xTPR off. */
    CHECK_EQ(edx_eax(), 0x0000000000801809ull);
    /* Writes are ignored, as on Xen. */
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_MISC, 0), 2);
    CHECK_EQ(hw.msr[0].val, 0x0000000000040089ull);
    /* Not an AMD MSR. */
    hw.vendor = VENDOR_AMD;
    regs.rip = START;
    CHECK_FAULT(run_rdmsr(MSR_MISC), TRAP_gp_fault, 0);
    CHECK_FAULT(run_wrmsr(MSR_MISC, 0), TRAP_gp_fault, 0);
}

TEST(msr_microcode_revision)
{
    reset();
    set_msr(MSR_UCODE, 0x0000002a00000000ull);
    CHECK_DONE(run_rdmsr(MSR_UCODE), 2);
    CHECK_EQ(edx_eax(), 0x0000002a00000000ull);
    /* Intel's "write 0, cpuid, read" sequence. */
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_UCODE, 0), 2);
    CHECK_EQ(hw.msr[0].val, 0x0000002a00000000ull);
    regs.rip = START;
    CHECK_FAULT(run_wrmsr(MSR_UCODE, 1), TRAP_gp_fault, 0);
    hw.vendor = VENDOR_AMD;
    CHECK_FAULT(run_wrmsr(MSR_UCODE, 0), TRAP_gp_fault, 0);
    CHECK_DONE(run_rdmsr(MSR_UCODE), 2);
}

TEST(msr_amd_hwcr_and_nb_cfg)
{
    reset();
    hw.vendor = VENDOR_AMD;
    set_msr(MSR_HWCR, 0x1000010);
    CHECK_DONE(run_rdmsr(MSR_HWCR), 2);
    CHECK_EQ(edx_eax(), 0x1000010);
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_HWCR, 0x1000050), 2);      /* ignored */
    CHECK_EQ(hw.msr[0].val, 0x1000010);
    regs.rip = START;
    CHECK_DONE(run_rdmsr(MSR_NB_CFG), 2);
    CHECK_EQ(edx_eax(), 0);
    regs.rip = START;
    CHECK_DONE(run_wrmsr(MSR_NB_CFG, 1ull << 46), 2);
    /* Intel has neither. */
    hw.vendor = VENDOR_INTEL;
    regs.rip = START;
    CHECK_FAULT(run_rdmsr(MSR_HWCR), TRAP_gp_fault, 0);
    CHECK_FAULT(run_rdmsr(MSR_NB_CFG), TRAP_gp_fault, 0);
    CHECK_FAULT(run_wrmsr(MSR_HWCR, 0), TRAP_gp_fault, 0);
}

TEST(msr_anything_else_is_gp)
{
    static const uint32_t msrs[] = {
        0x1234, MSR_AUX, 0x40000000 /* hypercall page */, 0xfe /* MTRRcap */,
        MSR_LSTAR, MSR_STAR, 0x48 /* SPEC_CTRL */, 0x10a /* ARCH_CAPS */,
        0x179 /* MCG_CAP */, 0x6e0 /* TSC_DEADLINE */, 0x802 /* x2APIC */,
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(msrs); i++ )
    {
        reset();
        set_msr(msrs[i], 42);               /* even if the host has it */
        CHECK_FAULT(run_rdmsr(msrs[i]), TRAP_gp_fault, 0);
        CHECK_EQ(regs.rax, 0xdeadbeef00000000ull);
        CHECK_FAULT(run_wrmsr(msrs[i], 0), TRAP_gp_fault, 0);
        CHECK_EQ(hw.msr[0].val, 42);
    }
}

TEST(msr_from_user_mode_is_declined)
{
    reset();
    vcpu.arch.pv.kernel_mode = false;
    CHECK_DECLINED(run_rdmsr(MSR_PAT));
    CHECK_DECLINED(run_wrmsr(MSR_GS_BASE, 0));
    CHECK_EQ(vcpu.arch.pv.gs_base_kernel, 0);
    CHECK_EQ(hw.nr_msr, 0);
}

/* ---- Control registers ---- */

TEST(cr0_read_shows_virtual_ts)
{
    reset();
    CHECK_DONE(RUN(0x0f, 0x20, 0xc3), 3);               /* mov %cr0, %rbx */
    CHECK_EQ(regs.rbx, HW_CR0 & ~X86_CR0_TS);
    vcpu.arch.pv.ctrlreg[0] = X86_CR0_TS;
    hw.cr0 &= ~X86_CR0_TS;
    regs.rip = START;
    CHECK_DONE(RUN(0x0f, 0x20, 0xc3), 3);
    CHECK_EQ(regs.rbx, HW_CR0);
}

TEST(cr0_write_changes_ts_only)
{
    reset();
    regs.rdx = HW_CR0;                                  /* TS set */
    CHECK_DONE(RUN(0x0f, 0x22, 0xc2), 3);               /* mov %rdx, %cr0 */
    CHECK_EQ(fpu_ts_calls, 1);
    CHECK(vcpu.arch.pv.ctrlreg[0] & X86_CR0_TS);
    regs.rip = START;
    regs.rdx = HW_CR0 & ~X86_CR0_TS;
    CHECK_DONE(RUN(0x0f, 0x22, 0xc2), 3);
    CHECK_EQ(fpu_ts_calls, 2);
    CHECK(!(vcpu.arch.pv.ctrlreg[0] & X86_CR0_TS));
    /* Any other bit: #GP, and TS is not touched either. */
    regs.rip = START;
    regs.rdx = (HW_CR0 | X86_CR0_TS) & ~X86_CR0_WP;
    CHECK_FAULT(RUN(0x0f, 0x22, 0xc2), TRAP_gp_fault, 0);
    regs.rdx = HW_CR0 | X86_CR0_CD;
    CHECK_FAULT(RUN(0x0f, 0x22, 0xc2), TRAP_gp_fault, 0);
    regs.rdx = (HW_CR0 & ~X86_CR0_TS) | (1ull << 32);
    CHECK_FAULT(RUN(0x0f, 0x22, 0xc2), TRAP_gp_fault, 0);
    CHECK_EQ(fpu_ts_calls, 2);
}

TEST(clts_and_lmsw)
{
    reset();
    vcpu.arch.pv.ctrlreg[0] = X86_CR0_TS;
    CHECK_DONE(RUN(0x0f, 0x06), 2);
    CHECK_EQ(fpu_ts_calls, 1);
    CHECK_EQ(vcpu.arch.pv.ctrlreg[0], 0);

    /* lmsw %ax setting TS (and PE, MP as they are). */
    regs.rip = START;
    regs.rax = 0xfff0 | X86_CR0_TS | X86_CR0_MP | X86_CR0_PE;
    CHECK_DONE(RUN(0x0f, 0x01, 0xf0), 3);
    CHECK_EQ(vcpu.arch.pv.ctrlreg[0], X86_CR0_TS);
    /* lmsw cannot clear PE: a value without it still only changes TS. */
    regs.rip = START;
    regs.rax = X86_CR0_MP;
    CHECK_DONE(RUN(0x0f, 0x01, 0xf0), 3);
    CHECK_EQ(vcpu.arch.pv.ctrlreg[0], 0);
    /* ... but clearing MP is a change we refuse. */
    regs.rip = START;
    regs.rax = X86_CR0_PE;
    CHECK_FAULT(RUN(0x0f, 0x01, 0xf0), TRAP_gp_fault, 0);
    /* lmsw %r9w */
    regs.r9 = X86_CR0_MP | X86_CR0_PE | X86_CR0_TS;
    CHECK_DONE(RUN(0x41, 0x0f, 0x01, 0xf1), 4);
    CHECK_EQ(vcpu.arch.pv.ctrlreg[0], X86_CR0_TS);
}

TEST(cr2_is_the_vcpu_info_copy)
{
    reset();
    vinfo.arch.cr2 = 0xffffc90000abc123ull;
    CHECK_DONE(RUN(0x0f, 0x20, 0xd6), 3);               /* mov %cr2, %rsi */
    CHECK_EQ(regs.rsi, 0xffffc90000abc123ull);
    regs.rip = START;
    regs.r11 = 0x4242;
    CHECK_DONE(RUN(0x41, 0x0f, 0x22, 0xd3), 4);         /* mov %r11, %cr2 */
    CHECK_EQ(vinfo.arch.cr2, 0x4242);
}

TEST(cr3_read_only)
{
    reset();
    vcpu.arch.pv.guest_table = 0x12345;
    CHECK_DONE(RUN(0x0f, 0x20, 0xd8), 3);               /* mov %cr3, %rax */
    CHECK_EQ(regs.rax, 0x12345000ull);
    regs.rip = START;
    CHECK_DECLINED(RUN(0x0f, 0x22, 0xd8));              /* mov %rax, %cr3 */
    CHECK_EQ(vcpu.arch.pv.guest_table, 0x12345);
}

TEST(cr4_shadow)
{
    reset();
    CHECK_DONE(RUN(0x0f, 0x20, 0xe0), 3);               /* mov %cr4, %rax */
    CHECK_EQ(regs.rax, X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR |
                       X86_CR4_OSXMMEXCPT);
    /* Linux sets OSXSAVE (and tries PGE, which is dropped). */
    regs.rip = START;
    regs.rax |= X86_CR4_OSXSAVE | X86_CR4_PGE | X86_CR4_PSE | X86_CR4_TSD |
                X86_CR4_DE | (1ul << 16) /* FSGSBASE */ |
                (1ul << 22) /* PKE */;
    CHECK_DONE(RUN(0x0f, 0x22, 0xe0), 3);
    regs.rip = START;
    regs.rax = 0;
    CHECK_DONE(RUN(0x0f, 0x20, 0xe0), 3);
    CHECK_EQ(regs.rax, X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR |
                       X86_CR4_OSXMMEXCPT | X86_CR4_OSXSAVE | X86_CR4_TSD |
                       X86_CR4_DE);
    /* Clearing PAE is not possible either, and does not fault. */
    regs.rip = START;
    regs.rax = X86_CR4_OSXSAVE;
    CHECK_DONE(RUN(0x0f, 0x22, 0xe0), 3);
    CHECK(vcpu.arch.pv.ctrlreg[4] & X86_CR4_PAE);
    CHECK(!(vcpu.arch.pv.ctrlreg[4] & X86_CR4_TSD));
}

TEST(cr4_osxsave_needs_xsave)
{
    reset();
    xsave_on = false;
    regs.rax = X86_CR4_OSXSAVE | X86_CR4_DE;
    CHECK_DONE(RUN(0x0f, 0x22, 0xe0), 3);
    regs.rip = START;
    CHECK_DONE(RUN(0x0f, 0x20, 0xe0), 3);
    CHECK(!(regs.rax & X86_CR4_OSXSAVE));
    CHECK(regs.rax & X86_CR4_DE);
}

TEST(bad_control_registers)
{
    reset();
    CHECK_FAULT(RUN(0x0f, 0x20, 0xc8), TRAP_invalid_op, -1);    /* %cr1 */
    CHECK_FAULT(RUN(0x0f, 0x22, 0xe8), TRAP_invalid_op, -1);    /* %cr5 */
    CHECK_FAULT(RUN(0x44, 0x0f, 0x20, 0xc8), TRAP_invalid_op, -1); /* %cr9 */
    CHECK_DECLINED(RUN(0x44, 0x0f, 0x20, 0xc0));                /* %cr8 */
}

TEST(cr_from_user_mode_is_declined)
{
    reset();
    vcpu.arch.pv.kernel_mode = false;
    CHECK_DECLINED(RUN(0x0f, 0x20, 0xc0));
    CHECK_DECLINED(RUN(0x0f, 0x22, 0xe0));
    CHECK_DECLINED(RUN(0x0f, 0x06));
    CHECK_DECLINED(RUN(0x0f, 0x01, 0xf0));
    CHECK_DECLINED(RUN(0x0f, 0x09));
    CHECK_EQ(fpu_ts_calls, 0);
}

TEST(wbinvd_only_with_mmio)
{
    reset();
    CHECK_DONE(RUN(0x0f, 0x09), 2);
    CHECK_EQ(hw.wbinvd, 0);                 /* no MMIO: nothing to flush */
    dom.arch.iomem_all = true;
    regs.rip = START;
    CHECK_DONE(RUN(0x0f, 0x09), 2);
    CHECK_EQ(hw.wbinvd, 1);
}

/* ---- Debug registers ---- */

#define DR7_L0          0x1ul
#define DR7_RW0_IO      (2ul << 16)
#define DR7_LEN0_2      (1ul << 18)

TEST(dr_breakpoint_addresses)
{
    reset();
    regs.rax = 0x00007fff12340000ull;
    CHECK_DONE(RUN(0x0f, 0x23, 0xc0), 3);           /* mov %rax, %dr0 */
    CHECK_EQ(vcpu.arch.pv.debugreg[0], 0x00007fff12340000ull);
    CHECK_EQ(hw.dr[0], 0x00007fff12340000ull);
    /* The hypervisor's slots and non-canonical addresses are refused. */
    regs.rip = START;
    regs.rax = 0xffff830000000000ull;
    CHECK_FAULT(RUN(0x0f, 0x23, 0xc8), TRAP_gp_fault, 0);  /* %dr1 */
    regs.rax = 0x0000800000000000ull;
    CHECK_FAULT(RUN(0x0f, 0x23, 0xc8), TRAP_gp_fault, 0);
    CHECK_EQ(vcpu.arch.pv.debugreg[1], 0);
    /* Just above the slots: guest kernel space. */
    regs.rax = 0xffff888000000000ull;
    CHECK_DONE(RUN(0x0f, 0x23, 0xd8), 3);           /* %dr3 */
    regs.rip = START;
    regs.rbx = 0;
    CHECK_DONE(RUN(0x0f, 0x21, 0xdb), 3);           /* mov %dr3, %rbx */
    CHECK_EQ(regs.rbx, 0xffff888000000000ull);
}

TEST(dr7_rules)
{
    reset();
    vcpu.arch.pv.debugreg[0] = 0x1000;
    /* Enabling loads DR0-3 and DR6 as well as DR7. */
    regs.rcx = DR7_L0;
    CHECK_DONE(RUN(0x0f, 0x23, 0xf9), 3);           /* mov %rcx, %dr7 */
    CHECK_EQ(hw.dr[7], DR7_L0 | DR7_RESERVED_ONE);
    CHECK_EQ(hw.dr[0], 0x1000);
    CHECK_EQ(hw.dr_writes, 6);
    /* Reserved bits 11, 12, 14, 15 read as zero. */
    regs.rip = START;
    regs.rcx = DR7_L0 | 0xd800;
    CHECK_DONE(RUN(0x0f, 0x23, 0xf9), 3);
    CHECK_EQ(vcpu.arch.pv.debugreg[7], DR7_L0 | DR7_RESERVED_ONE);
    /* GD, upper bits and I/O breakpoints without CR4.DE: #GP. */
    regs.rip = START;
    regs.rcx = DR7_L0 | (1ul << 13);
    CHECK_FAULT(RUN(0x0f, 0x23, 0xf9), TRAP_gp_fault, 0);
    regs.rcx = DR7_L0 | (1ull << 32);
    CHECK_FAULT(RUN(0x0f, 0x23, 0xf9), TRAP_gp_fault, 0);
    regs.rcx = DR7_L0 | DR7_RW0_IO;
    CHECK_FAULT(RUN(0x0f, 0x23, 0xf9), TRAP_gp_fault, 0);
    CHECK_EQ(vcpu.arch.pv.debugreg[7], DR7_L0 | DR7_RESERVED_ONE);
}

TEST(dr7_io_breakpoints_are_emulated)
{
    reset();
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_DE;
    regs.rcx = DR7_L0 | DR7_RW0_IO | DR7_LEN0_2;
    CHECK_DONE(RUN(0x0f, 0x23, 0xf9), 3);
    /* The CPU does not see the I/O breakpoint ... */
    CHECK_EQ(hw.dr[7], DR7_RW0_IO | DR7_LEN0_2 | DR7_RESERVED_ONE);
    CHECK_EQ(vcpu.arch.pv.debugreg[5], DR7_L0);
    /* ... the guest does. */
    regs.rip = START;
    regs.rdx = 0;
    CHECK_DONE(RUN(0x0f, 0x21, 0xfa), 3);           /* mov %dr7, %rdx */
    CHECK_EQ(regs.rdx, DR7_L0 | DR7_RW0_IO | DR7_LEN0_2 | DR7_RESERVED_ONE);
}

TEST(dr4_dr5_alias_or_ud)
{
    reset();
    regs.rax = 0x1;                                 /* B0 */
    CHECK_DONE(RUN(0x0f, 0x23, 0xe0), 3);           /* mov %rax, %dr4 */
    CHECK_EQ(vcpu.arch.pv.debugreg[6], 0x1 | DR6_RESERVED_ONE);
    regs.rip = START;
    CHECK_DONE(RUN(0x0f, 0x21, 0xe8), 3);           /* mov %dr5, %rax */
    CHECK_EQ(regs.rax, DR7_RESERVED_ONE);
    /* With CR4.DE they do not exist. */
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_DE;
    regs.rip = START;
    CHECK_FAULT(RUN(0x0f, 0x23, 0xe0), TRAP_invalid_op, -1);
    CHECK_FAULT(RUN(0x0f, 0x21, 0xe8), TRAP_invalid_op, -1);
    /* DR8 and up never do. */
    CHECK_FAULT(RUN(0x44, 0x0f, 0x21, 0xc0), TRAP_invalid_op, -1);
    /* DR6: reserved bit 12 reads 0, upper half is #GP. */
    regs.rax = 1ul << 12;
    CHECK_DONE(RUN(0x0f, 0x23, 0xf0), 3);
    CHECK_EQ(vcpu.arch.pv.debugreg[6], DR6_RESERVED_ONE);
    CHECK_EQ(hw.dr[6], DR6_RESERVED_ONE);
    regs.rip = START;
    regs.rax = 1ull << 40;
    CHECK_FAULT(RUN(0x0f, 0x23, 0xf0), TRAP_gp_fault, 0);
}

TEST(debugreg_hypercalls)
{
    reset();
    /* A vCPU that never set them reads the architectural defaults. */
    CHECK_EQ(do_get_debugreg(6), DR6_RESERVED_ONE);
    CHECK_EQ(do_get_debugreg(7), DR7_RESERVED_ONE);
    CHECK_EQ(do_get_debugreg(0), 0);
    CHECK_EQ(do_set_debugreg(2, 0x5000), 0);
    CHECK_EQ(do_get_debugreg(2), 0x5000);
    CHECK_EQ(hw.dr[2], 0x5000);
    CHECK_EQ(do_set_debugreg(2, 0xffff820000000000ull), -EPERM);
    CHECK_EQ(do_get_debugreg(2), 0x5000);
    CHECK_EQ(do_set_debugreg(6, 1ull << 32), -EINVAL);
    CHECK_EQ(do_set_debugreg(8, 0), -ENODEV);
    CHECK_EQ(do_set_debugreg(-1, 0), -ENODEV);
    CHECK_EQ((long)do_get_debugreg(8), -ENODEV);
    CHECK_EQ((long)do_get_debugreg(-1), -ENODEV);
}

TEST(dr_from_user_mode_is_declined)
{
    reset();
    vcpu.arch.pv.kernel_mode = false;
    regs.rax = 0x1000;
    CHECK_DECLINED(RUN(0x0f, 0x23, 0xc0));
    CHECK_EQ(vcpu.arch.pv.debugreg[0], 0);
}

/* ---- CPUID ---- */

#define CPUID 0x0f, 0xa2
#define FORCED_CPUID 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2

static struct cpuid_leaf cpuid_of(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_leaf r;

    pv_cpuid(&vcpu, leaf, subleaf, &r);
    return r;
}

TEST(cpuid_leaf1_policy)
{
    struct cpuid_leaf r;

    reset();
    r = cpuid_of(1, 0);
    /* Hidden: VME PSE MTRR PGE MCA PSE36 PSN DS ACPI TM PBE. */
    CHECK_EQ(r.d, ~0xa066700au);
    /* Hidden: DTES64 MONITOR DSCPL VMX SMX EIST TM2 SDBG xTPR PDCM PCID
     * DCA x2APIC TSC_DEADLINE and OSXSAVE (guest CR4 clear). */
    CHECK_EQ(r.c, ~0x0926c9fcu);
    CHECK_EQ(r.b, 0x00ffffffu);             /* APIC ID 0 */
    CHECK(r.c & (1u << 31));                /* HYPERVISOR */
    /* Guest CR4.OSXSAVE set: OSXSAVE shows. */
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_OSXSAVE;
    CHECK(cpuid_of(1, 0).c & (1u << 27));
}

TEST(cpuid_through_gp)
{
    reset();
    regs.rax = 0xffffffff00000001ull;
    regs.rcx = 0;
    regs.rbx = regs.rdx = ~0ull;
    CHECK_DONE(RUN(CPUID), 2);
    CHECK_EQ(regs.rbx, 0x00ffffffu);        /* upper halves cleared */
    CHECK_EQ(regs.rdx, ~0xa066700au);
    CHECK(!(regs.rcx & (1u << 27)));        /* no OSXSAVE leak here */
    /* cpuid traps in user mode too (CPUID faulting): same policy. */
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    regs.rax = 0x40000000;
    CHECK_DONE(RUN(CPUID), 2);
    CHECK_EQ(regs.rbx, 0x566e6558u);
}

static int run_forced(void)
{
    place(BYTES(FORCED_CPUID), 7, INSN_OFF);
    return pv_emulate_forced_cpuid(&regs);
}

TEST(forced_cpuid)
{
    reset();
    regs.rax = 1;
    CHECK_EQ(run_forced(), X86EMUL_OKAY);
    CHECK_EQ(regs.rip, START + 7);
    /* The kernel's enlightened view leaks the host's CR4.OSXSAVE. */
    CHECK(regs.rcx & (1u << 27));
    CHECK(regs.rcx & (1u << 31));
    /* ... but not without XSAVE, nor to user mode, nor if it is off. */
    xsave_on = false;
    regs.rax = 1;
    CHECK_EQ(run_forced(), X86EMUL_OKAY);
    CHECK(!(regs.rcx & (1u << 27)));
    CHECK(!(regs.rcx & (1u << 26)));        /* no XSAVE either */
    xsave_on = true;
    vcpu.arch.pv.kernel_mode = false;
    regs.rax = 1;
    CHECK_EQ(run_forced(), X86EMUL_OKAY);
    CHECK(!(regs.rcx & (1u << 27)));
    vcpu.arch.pv.kernel_mode = true;
    hw.cr4 &= ~X86_CR4_OSXSAVE;
    regs.rax = 1;
    CHECK_EQ(run_forced(), X86EMUL_OKAY);
    CHECK(!(regs.rcx & (1u << 27)));
}

TEST(forced_cpuid_needs_the_whole_prefix)
{
    reset();
    /* ud2 alone, a wrong signature, and the prefix cut by the page end. */
    place(BYTES(0x0f, 0x0b, 0x90, 0x90, 0x90, 0x90, 0x90), 7, INSN_OFF);
    CHECK_EQ(pv_emulate_forced_cpuid(&regs), X86EMUL_UNHANDLEABLE);
    CHECK_EQ(regs.rip, START);
    place(BYTES(0x0f, 0x0b, 0x78, 0x65, 0x6f, 0x0f, 0xa2), 7, INSN_OFF);
    CHECK_EQ(pv_emulate_forced_cpuid(&regs), X86EMUL_UNHANDLEABLE);
    place(BYTES(FORCED_CPUID), 5, 4091);
    CHECK_EQ(pv_emulate_forced_cpuid(&regs), X86EMUL_UNHANDLEABLE);
    CHECK_EQ(regs.rip, CODE_VA + 4091);
    /* Ending exactly at the page end is fine. */
    place(BYTES(FORCED_CPUID), 7, 4089);
    regs.rax = 0x40000001;
    CHECK_EQ(pv_emulate_forced_cpuid(&regs), X86EMUL_OKAY);
    CHECK_EQ(regs.rip, CODE_VA + 4096);
}

TEST(cpuid_xen_leaves)
{
    struct cpuid_leaf r;

    reset();
    r = cpuid_of(0x40000000, 0);
    CHECK_EQ(r.a, 0x40000005);
    CHECK(!memcmp(&r.b, "XenV", 4));
    CHECK(!memcmp(&r.c, "MMXe", 4));
    CHECK(!memcmp(&r.d, "nVMM", 4));
    /* The interface level XENVER_version reports: 4.17. */
    CHECK_EQ(cpuid_of(0x40000001, 0).a, 0x00040011);
    r = cpuid_of(0x40000002, 0);
    CHECK_EQ(r.a, 1);
    CHECK_EQ(r.c, 1);                       /* MMU_PT_UPDATE_PRESERVE_AD */
    r = cpuid_of(0x40000004, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    /* 4 GiB of RAM: 32 address bits. */
    CHECK_EQ(cpuid_of(0x40000005, 0).b, 32);
    max_page = 0x100001;
    CHECK_EQ(cpuid_of(0x40000005, 0).b, 33);
    CHECK_EQ(cpuid_of(0x40000005, 1).b, 0);
    /* Every other hypervisor leaf is empty (Linux scans by 0x100). */
    r = cpuid_of(0x40000006, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0x40000100, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0x4fffffff, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
}

TEST(cpuid_xen_tsc_leaf)
{
    struct cpuid_leaf r;
    uint64_t ticks = 3000000000ull, ns;

    reset();
    r = cpuid_of(0x40000003, 0);
    CHECK_EQ(r.a, 2);                       /* not emulated; invariant */
    CHECK_EQ(r.c, 2000000);
    CHECK_EQ(cpuid_of(0x40000003, 2).a, 2000000);
    /* The scale turns ticks into nanoseconds: 2 GHz, 3e9 ticks = 1.5 s. */
    r = cpuid_of(0x40000003, 1);
    ns = (((int)r.d >= 0 ? ticks << r.d : ticks >> -(int)r.d) * r.c) >> 32;
    CHECK_EQ(ns, 1500000000ull);
    /* 3.3 GHz needs a right shift; within a nanosecond per second. */
    cpu_khz = 3300000;
    r = cpuid_of(0x40000003, 1);
    CHECK((int)r.d < 0);
    ns = ((ticks >> -(int)r.d) * r.c) >> 32;
    CHECK(ns >= 909090908 && ns <= 909090910);
    /* 100 MHz: a left shift. */
    cpu_khz = 100000;
    r = cpuid_of(0x40000003, 1);
    CHECK((int)r.d > 0);
    ns = ((100000000ull << r.d) * r.c) >> 32;
    CHECK(ns >= 999999999 && ns <= 1000000000);
}

TEST(cpuid_leaf7_policy)
{
    struct cpuid_leaf r;

    reset();
    r = cpuid_of(7, 0);
    /* FSGSBASE TSC_ADJUST SGX SMEP INVPCID PQM MPX PQE SMAP PT hidden. */
    CHECK_EQ(r.b, ~0x0210d487u);
    /* UMIP PKU OSPKE WAITPKG CET_SS TME LA57 RDPID KL ENQCMD SGX_LC PKS. */
    CHECK_EQ(r.c, ~0xe0c120bcu);
    /* PCONFIG ARCH_LBR IBT AMX and the speculation controls. */
    CHECK_EQ(r.d, ~0xff5c0000u);
    r = cpuid_of(7, 2);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    /* Without AVX-512 state, no AVX-512 instructions. */
    boot_xcr0 = XSTATE_FP_SSE | XSTATE_YMM;
    r = cpuid_of(7, 0);
    CHECK(!(r.b & (1u << 16)));
    CHECK(r.b & (1u << 5));                 /* AVX2 stays */
    boot_xcr0 = XSTATE_FP_SSE;
    CHECK(!(cpuid_of(7, 0).b & (1u << 5)));
    CHECK(!(cpuid_of(1, 0).c & (1u << 28)));     /* nor AVX */
}

TEST(cpuid_extended_policy)
{
    struct cpuid_leaf r;

    reset();
    r = cpuid_of(0x80000001, 0);
    /* SVM EXTAPIC OSVW IBS SKINIT WDT LWP NODEID PERFCTR_* DBEXT MONITORX. */
    CHECK_EQ(r.c, ~0x3588b60cu);
    /* VME PSE MTRR PGE MCA PSE36 FFXSR 1GB-pages RDTSCP. */
    CHECK_EQ(r.d, ~0x0e02700au);
    r = cpuid_of(0x80000007, 0);
    CHECK_EQ(r.d, 1u << 8);
    CHECK_EQ(r.a | r.b | r.c, 0);
    /* RDPRU, the speculation controls and PPIN are hidden. */
    CHECK_EQ(cpuid_of(0x80000008, 0).b, ~0x038fd010u);
    r = cpuid_of(0x8000000a, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    /* Past the host's last leaf: zeros (the host says 0x80000021). */
    r = cpuid_of(0x80000022, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0x20, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0x5, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0xb, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
}

TEST(cpuid_xsave_leaf)
{
    struct cpuid_leaf r;

    reset();
    r = cpuid_of(0xd, 0);
    /* MPX (3, 4) and PKRU (9) are not offered. */
    CHECK_EQ(r.a, 0xe7);
    CHECK_EQ(r.d, 0);
    CHECK_EQ(r.b, 576);                     /* XCR0 = x87|SSE */
    CHECK_EQ(r.c, 2688);                    /* up to the end of ZMM16-31 */
    vcpu.arch.xcr0 = XSTATE_FP_SSE | XSTATE_YMM;
    CHECK_EQ(cpuid_of(0xd, 0).b, 832);
    r = cpuid_of(0xd, 1);
    CHECK_EQ(r.a, 0x7);                     /* no XSAVES */
    CHECK_EQ(r.b, 832);                     /* compacted x87|SSE|YMM */
    CHECK_EQ(r.c | r.d, 0);
    CHECK_EQ(cpuid_of(0xd, 2).a, 256);
    r = cpuid_of(0xd, 3);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    r = cpuid_of(0xd, 9);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    xsave_on = false;
    r = cpuid_of(0xd, 0);
    CHECK_EQ(r.a | r.b | r.c | r.d, 0);
    CHECK_EQ(pv_guest_xcr0_mask(), 0);
}

/* ---- XSETBV, RDTSC ---- */

#define XSETBV 0x0f, 0x01, 0xd1

static int xsetbv(uint32_t index, uint64_t val)
{
    regs.rcx = index;
    regs.rax = (uint32_t)val;
    regs.rdx = val >> 32;
    return RUN(XSETBV);
}

TEST(xsetbv_rules)
{
    reset();
    /* Without the guest's CR4.OSXSAVE the instruction does not exist. */
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE), TRAP_invalid_op, -1);
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_OSXSAVE;
    CHECK_FAULT(xsetbv(1, XSTATE_FP_SSE), TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_SSE), TRAP_gp_fault, 0);           /* no x87 */
    CHECK_FAULT(xsetbv(0, XSTATE_FP | XSTATE_YMM), TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE | XSTATE_MPX), TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE | XSTATE_PKRU), TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE | XSTATE_YMM | XSTATE_OPMASK),
                TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE | XSTATE_AVX512), TRAP_gp_fault, 0);
    CHECK_FAULT(xsetbv(0, XSTATE_FP_SSE | (1ull << 17)), TRAP_gp_fault, 0);
    CHECK_EQ(loaded_xcr0, 0);
    CHECK_EQ(vcpu.arch.xcr0, XSTATE_FP_SSE);

    /* Adding YMM while the FPU state is live: it is saved first. */
    vcpu.arch.fpu_dirtied = true;
    CHECK_DONE(xsetbv(0, XSTATE_FP_SSE | XSTATE_YMM | XSTATE_AVX512), 3);
    CHECK_EQ(vcpu.arch.xcr0, XSTATE_FP_SSE | XSTATE_YMM | XSTATE_AVX512);
    CHECK_EQ(loaded_xcr0, vcpu.arch.xcr0);
    CHECK_EQ(fpu_saves, 1);
    /* Removing components does not need that. */
    vcpu.arch.fpu_dirtied = true;
    regs.rip = START;
    CHECK_DONE(xsetbv(0, XSTATE_FP_SSE), 3);
    CHECK_EQ(fpu_saves, 1);
    CHECK_EQ(loaded_xcr0, XSTATE_FP_SSE);
    /* Guest user mode: #GP as on hardware. */
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    CHECK_DECLINED(xsetbv(0, XSTATE_FP_SSE | XSTATE_YMM));
}

TEST(rdtsc_and_rdtscp)
{
    reset();
    regs.rcx = 0x77;
    CHECK_DONE(RUN(0x0f, 0x31), 2);
    CHECK_EQ(edx_eax(), 0x123456789abcdefull);
    CHECK_EQ(regs.rcx, 0x77);
    regs.rip = START;
    set_msr(MSR_AUX, 0x0000000500000003ull);
    CHECK_DONE(RUN(0x0f, 0x01, 0xf9), 3);
    CHECK_EQ(regs.rcx, 3);
    /* User mode may, unless the guest kernel set its CR4.TSD. */
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    CHECK_DONE(RUN(0x0f, 0x31), 2);
    vcpu.arch.pv.ctrlreg[4] = X86_CR4_TSD;
    regs.rip = START;
    CHECK_DECLINED(RUN(0x0f, 0x31));
    CHECK_DECLINED(RUN(0x0f, 0x01, 0xf9));
    vcpu.arch.pv.kernel_mode = true;
    CHECK_DONE(RUN(0x0f, 0x31), 2);
}

/* ---- Single step ---- */

TEST(single_step_traps_after_the_instruction)
{
    reset();
    regs.rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
    regs.rcx = MSR_PAT;
    CHECK_EQ(RUN(RDMSR), X86EMUL_EXCEPTION);
    CHECK_EQ(ex.vector, TRAP_debug);
    CHECK_EQ(ex.error_code, -1);
    CHECK_EQ(regs.rip, START + 2);          /* a trap: after it */
    CHECK_EQ(regs.rax, 0x00070406);
    CHECK(vcpu.arch.pv.debugreg[6] & DR_STEP);
    CHECK(!(regs.rflags & X86_EFLAGS_RF));
    /* Without TF: RF is still cleared on completion. */
    reset();
    regs.rflags |= X86_EFLAGS_RF;
    regs.rcx = MSR_PAT;
    CHECK_DONE(RUN(RDMSR), 2);
    CHECK(!(regs.rflags & X86_EFLAGS_RF));
}

/* ---- cli / sti ---- */

TEST(cli_sti_need_iopl)
{
    reset();
    CHECK_DECLINED(RUN(0xfa));
    vcpu.arch.pv.iopl = 1;
    CHECK_DONE(RUN(0xfa), 1);
    regs.rip = START;
    CHECK_DONE(RUN(0xfb), 1);
    CHECK_EQ(regs.rflags, X86_EFLAGS_IF | X86_EFLAGS_MBS);
    vcpu.arch.pv.kernel_mode = false;
    regs.rip = START;
    CHECK_DECLINED(RUN(0xfb));
    vcpu.arch.pv.iopl = 3;
    CHECK_DONE(RUN(0xfb), 1);
}
