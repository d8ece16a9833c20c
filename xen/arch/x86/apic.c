/*
 * apic.c: the local APIC.
 *
 * Theory of operation. Each CPU has a local APIC that receives its
 * interrupts (from IO-APICs, other CPUs, its own timer) and sends IPIs. It
 * is driven in one of two modes, chosen once on the boot CPU and used on
 * every CPU:
 *
 *   x2APIC: registers are MSRs (0x800 + offset / 16), APIC IDs are 32 bits,
 *           the ICR is one 64-bit write that needs no busy-waiting;
 *   xAPIC:  registers are 4 KiB of MMIO at the address the MADT (or the
 *           APIC_BASE MSR) gives, mapped uncached with ioremap(); IDs are 8
 *           bits and an IPI is the ICR2 (destination) then ICR write.
 *
 * x2APIC mode is used when the CPU has it and x2apic= is not false, or
 * when the firmware already enabled it (it cannot be turned off without a
 * reset through disabled state, which we do not attempt).
 *
 * The APIC timer runs in TSC-deadline mode when the CPU has it, else in
 * one-shot mode at a frequency calibrated against the TSC; either way
 * reprogram_timer() arms it for the next software timer deadline.
 */
#include <asm/iomem.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/time.h>
#include <xen/vmap.h>

bool x2apic_enabled;
static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);

static volatile uint32_t *apic_mmio;
static unsigned long timer_khz;        /* APIC timer ticks per ms */
static bool timer_deadline;            /* TSC-deadline mode */
uint32_t x86_cpu_to_apicid[NR_CPUS];

#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define TDCR_DIV_1              0xb

uint32_t apic_read(unsigned int reg)
{
    if ( x2apic_enabled )
        return rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return apic_mmio[reg / 4];
}

void apic_write(unsigned int reg, uint32_t v)
{
    if ( x2apic_enabled )
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
    else
        apic_mmio[reg / 4] = v;
}

uint32_t get_apic_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return x2apic_enabled ? id : id >> 24;
}

void ack_apic_irq(void)
{
    apic_write(APIC_EOI, 0);
}

bool apic_wait_icr_idle(void)
{
    unsigned int spins;

    if ( x2apic_enabled )
        return true;
    for ( spins = 0; spins < 1000000; spins++ )
    {
        if ( !(apic_read(APIC_ICR) & APIC_ICR_BUSY) )
            return true;
        cpu_relax();
    }
    return false;
}

void apic_icr_write(uint32_t low, uint32_t dest)
{
    if ( x2apic_enabled )
    {
        /* The MSR write is not serialising: order earlier stores first. */
        __asm__ __volatile__ ( "mfence" ::: "memory" );
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4), ((uint64_t)dest << 32) | low);
        return;
    }
    if ( !apic_wait_icr_idle() )
        printk(XENLOG_WARNING "APIC: ICR still busy; sending anyway\n");
    apic_mmio[APIC_ICR2 / 4] = dest << 24;
    apic_mmio[APIC_ICR / 4] = low;
}

void send_ipi_mask(const cpumask_t *mask, uint8_t vector)
{
    unsigned long flags;
    unsigned int cpu;

    local_irq_save(flags);
    for_each_cpu ( cpu, mask )
        apic_icr_write(APIC_DM_FIXED | vector, x86_cpu_to_apicid[cpu]);
    local_irq_restore(flags);
}

void send_ipi_self(uint8_t vector)
{
    apic_icr_write(APIC_DM_FIXED | APIC_DEST_SELF | vector, 0);
}

static void enable_x2apic_msr(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if ( !(base & APIC_BASE_EXTD) )
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

void apic_init_boot(uint64_t madt_lapic_addr)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    struct cpuid_leaf r;
    paddr_t pa;

    cpuid(1, &r);
    if ( (base & APIC_BASE_EXTD) ||
         (opt_x2apic && (r.c & CPUID1_ECX_X2APIC)) )
    {
        x2apic_enabled = true;
        enable_x2apic_msr();
        printk("APIC: x2APIC mode\n");
        return;
    }

    pa = base & APIC_BASE_ADDR_MASK;
    if ( madt_lapic_addr && madt_lapic_addr != pa )
        printk(XENLOG_WARNING "APIC: MADT says %#lx, APIC_BASE MSR %#lx: using the MSR\n",
               (unsigned long)madt_lapic_addr, (unsigned long)pa);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_mmio = ioremap(pa, PAGE_SIZE);
    iomem_reserve_hypervisor(pa, PAGE_SIZE);
    if ( !apic_mmio )
        panic("APIC: cannot map the local APIC at %#lx\n", (unsigned long)pa);
    printk("APIC: xAPIC mode, registers at %#lx\n", (unsigned long)pa);
}

void setup_local_apic(void)
{
    uint32_t maxlvt;

    if ( x2apic_enabled )
        enable_x2apic_msr();
    else
        wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);

    maxlvt = (apic_read(APIC_LVR) >> 16) & 0xff;
    apic_write(APIC_TASKPRI, 0);
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
    /* The 8259s are masked: nothing comes through LINT0. LINT1 is NMI. */
    apic_write(APIC_LVT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
    apic_write(APIC_LVT1, APIC_DM_NMI);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    if ( maxlvt >= 4 )
        apic_write(APIC_LVTPC, APIC_LVT_MASKED);
    if ( maxlvt >= 5 )
        apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    ack_apic_irq();
}

/* Count APIC timer ticks over 10 ms of TSC time. */
void apic_timer_calibrate(void)
{
    struct cpuid_leaf r;
    uint32_t start, end;

    cpuid(1, &r);
    timer_deadline = r.c & CPUID1_ECX_TSC_DEADLINE;

    apic_write(APIC_TDCR, TDCR_DIV_1);
    apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TMICT, 0xffffffffu);
    start = apic_read(APIC_TMCCT);
    mdelay(10);
    end = apic_read(APIC_TMCCT);
    apic_write(APIC_TMICT, 0);
    timer_khz = (start - end) / 10;
    if ( !timer_khz )
        panic("APIC timer does not count\n");
    printk(XENLOG_INFO "APIC timer: %lu.%03lu MHz%s\n", timer_khz / 1000,
           timer_khz % 1000, timer_deadline ? ", TSC-deadline mode" : ", one-shot mode");
}

void apic_timer_setup(void)
{
    apic_write(APIC_TDCR, TDCR_DIV_1);
    apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR |
               (timer_deadline ? APIC_TIMER_DEADLINE : APIC_TIMER_ONESHOT));
}

unsigned long apic_timer_khz(void)
{
    return timer_khz;
}

bool apic_timer_uses_deadline(void)
{
    return timer_deadline;
}

/* The arch hook of the timer subsystem: fire at system time `timeout`. */
int reprogram_timer(s_time_t timeout)
{
    s_time_t delta;
    uint64_t ticks;

    if ( !timeout )
    {
        if ( timer_deadline )
            wrmsr(MSR_TSC_DEADLINE, 0);
        else
            apic_write(APIC_TMICT, 0);
        return 1;
    }
    delta = timeout - NOW();
    if ( delta <= 0 )
        return 0;
    /* Far deadlines fire early and are re-armed: keeps the maths in range. */
    delta = min(delta, (s_time_t)SECONDS(1));
    if ( timer_deadline )
    {
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + ns_to_tsc(delta));
        return 1;
    }
    ticks = (uint64_t)delta * timer_khz / 1000000;
    apic_write(APIC_TMICT, ticks ? min_t(uint64_t, ticks, 0xffffffffu) : 1);
    return 1;
}
