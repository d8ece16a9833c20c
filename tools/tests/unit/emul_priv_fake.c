/*
 * emul_priv_fake.c: the machine around the PV instruction emulator, for
 * test_emul_priv and test_emul_priv_io (see emul_priv_fake.h).
 */
#include <stdint.h>
#include <string.h>

#include <asm/i387.h>
#include <asm/mm.h>
#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <asm/time.h>
#include <asm/xstate.h>
#include <xen/errno.h>
#include <xen/guest_access.h>

#include "emul-hw.h"
#include "emul_priv_fake.h"

/* ---- Guest memory ---- */

uint8_t code_page[4096];
uint8_t data_pages[8192];
uint8_t ro_page[4096];

static uint8_t *guest_byte(unsigned long va, bool write)
{
    if ( va >= CODE_VA && va - CODE_VA < sizeof(code_page) )
        return write ? NULL : &code_page[va - CODE_VA];
    if ( va >= DATA_VA && va - DATA_VA < sizeof(data_pages) )
        return &data_pages[va - DATA_VA];
    if ( va >= RO_VA && va - RO_VA < sizeof(ro_page) )
        return write ? NULL : &ro_page[va - RO_VA];
    return NULL;
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long len)
{
    unsigned long i;

    for ( i = 0; i < len; i++ )
    {
        uint8_t *p = guest_byte((unsigned long)from + i, false);

        if ( !p )
            return len - i;
        ((uint8_t *)to)[i] = *p;
    }
    return 0;
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long len)
{
    unsigned long i;

    for ( i = 0; i < len; i++ )
    {
        uint8_t *p = guest_byte((unsigned long)to + i, true);

        if ( !p )
            return len - i;
        *p = ((const uint8_t *)from)[i];
    }
    return 0;
}

/* ---- Hardware ---- */

struct fake_hw hw;

void set_msr(uint32_t idx, uint64_t val)
{
    unsigned int i;

    for ( i = 0; i < hw.nr_msr; i++ )
        if ( hw.msr[i].idx == idx )
            break;
    if ( i == hw.nr_msr )
        hw.nr_msr++;
    hw.msr[i].idx = idx;
    hw.msr[i].val = val;
}

bool get_msr(uint32_t idx, uint64_t *val)
{
    unsigned int i;

    for ( i = 0; i < hw.nr_msr; i++ )
        if ( hw.msr[i].idx == idx )
        {
            *val = hw.msr[i].val;
            return true;
        }
    return false;
}

int emul_hw_rdmsr(uint32_t msr, uint64_t *val)
{
    if ( !get_msr(msr, val) )
    {
        *val = 0;
        return -EFAULT;
    }
    return 0;
}

void emul_hw_wrmsr(uint32_t msr, uint64_t val)
{
    set_msr(msr, val);
}

uint64_t emul_hw_rdtsc(void)
{
    return hw.tsc;
}

unsigned long emul_hw_read_cr0(void)
{
    return hw.cr0;
}

unsigned long emul_hw_read_cr4(void)
{
    return hw.cr4;
}

/* XSAVE component sizes and offsets (standard format), as on a real CPU. */
static const struct { uint32_t size, offset; } xcomp[10] = {
    [2] = { 256, 576 },  [3] = { 64, 960 },   [4] = { 64, 1024 },
    [5] = { 64, 1088 },  [6] = { 512, 1152 }, [7] = { 1024, 1664 },
    [9] = { 8, 2688 },
};

void emul_hw_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *res)
{
    uint32_t ones = hw.all_features ? ~0u : 0;

    *res = (struct cpuid_leaf){ ones, ones, ones, ones };
    switch ( leaf )
    {
    case 0:
        res->a = 0x1f;
        res->b = hw.vendor;
        res->c = res->d = 0x12345678;
        break;
    case 0xd:
        if ( subleaf < 2 )
        {
            res->a = subleaf ? 0xf : 0x2ff;
            res->b = res->c = 2696;
            res->d = 0;
        }
        else if ( subleaf < 10 )
            *res = (struct cpuid_leaf){ xcomp[subleaf].size,
                                        xcomp[subleaf].offset, 0, 0 };
        break;
    case 0x80000000:
        res->a = 0x80000021;
        break;
    }
}

static uint32_t port_value(unsigned int port, unsigned int bytes)
{
    uint32_t v = 0xa5000000u | (port << 8) | 0x5a;

    return bytes == 4 ? v : v & ((1u << (bytes * 8)) - 1);
}

uint32_t emul_hw_in(unsigned int port, unsigned int bytes)
{
    uint32_t v = port_value(port, bytes);

    hw.io[hw.nr_io++ % 64] = (struct io_access){ port, bytes, v, false };
    return v;
}

void emul_hw_out(unsigned int port, unsigned int bytes, uint32_t val)
{
    hw.io[hw.nr_io++ % 64] = (struct io_access){ port, bytes, val, true };
}

void emul_hw_wbinvd(void)
{
    hw.wbinvd++;
}

void emul_hw_write_dr(unsigned int reg, unsigned long val)
{
    hw.dr[reg] = val;
    hw.dr_writes++;
}

unsigned long emul_hw_read_dr6(void)
{
    return hw.dr[6];
}

/* ---- The rest of the hypervisor ---- */

struct domain dom;
struct domain *hardware_domain;   /* the fake domain is a domU */
struct vcpu vcpu;
struct vcpu_info vinfo;
struct cpu_user_regs regs;
struct pv_emul_exception ex;

struct vcpu *get_current(void)
{
    return &vcpu;
}

void set_current(struct vcpu *v)
{
    (void)v;
}

unsigned int fpu_ts_calls;

long do_fpu_taskswitch(int set)
{
    fpu_ts_calls++;
    if ( set )
        vcpu.arch.pv.ctrlreg[0] |= X86_CR0_TS;
    else
        vcpu.arch.pv.ctrlreg[0] &= ~X86_CR0_TS;
    return 0;
}

bool xsave_on;
uint64_t boot_xcr0, loaded_xcr0;
unsigned int fpu_saves;

bool xstate_uses_xsave(void)
{
    return xsave_on;
}

uint64_t xstate_boot_xcr0(void)
{
    return boot_xcr0;
}

void xstate_set_xcr0(uint64_t val)
{
    loaded_xcr0 = val;
}

void vcpu_save_fpu(struct vcpu *v)
{
    fpu_saves++;
    v->arch.fpu_dirtied = false;
}

struct acpi_fadt_info fadt = { .pm_tmr_port = 0x408 };

const struct acpi_fadt_info *acpi_fadt(void)
{
    return &fadt;
}

unsigned long cpu_khz;
unsigned long max_page;

/* ---- Helpers ---- */

void reset(void)
{
    memset(&hw, 0, sizeof(hw));
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu, 0, sizeof(vcpu));
    memset(&vinfo, 0, sizeof(vinfo));
    memset(&regs, 0, sizeof(regs));
    memset(code_page, 0x90, sizeof(code_page));
    memset(data_pages, 0, sizeof(data_pages));
    memset(ro_page, 0, sizeof(ro_page));

    hw.cr0 = HW_CR0;
    hw.cr4 = HW_CR4;
    hw.vendor = VENDOR_INTEL;
    hw.all_features = true;
    hw.tsc = 0x123456789abcdefull;

    dom.arch.ioport_all = true;
    vcpu.domain = &dom;
    vcpu.vcpu_info = &vinfo;
    vcpu.arch.pv.kernel_mode = true;
    vcpu.arch.xcr0 = XSTATE_FP_SSE;

    regs.cs = 0xe033;
    regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;

    fpu_ts_calls = fpu_saves = 0;
    xsave_on = true;
    boot_xcr0 = 0x2ff;              /* x87 SSE YMM MPX AVX-512 PKRU */
    loaded_xcr0 = 0;
    cpu_khz = 2000000;
    max_page = 0x100000;            /* 4 GiB */
    ex.vector = 0xff;
    ex.error_code = 0x7777;
}

/* Put an instruction at offset off of the code page and point rip at it. */
void place(const uint8_t *bytes, size_t n, unsigned int off)
{
    memcpy(&code_page[off], bytes, n);
    regs.rip = CODE_VA + off;
}

int run_at(const uint8_t *bytes, size_t n, unsigned int off)
{
    place(bytes, n, off);
    ex.vector = 0xff;
    ex.error_code = 0x7777;
    return pv_emulate_privileged_op(&regs, &ex);
}
