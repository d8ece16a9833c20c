/*
 * asm/apic.h: the local APIC (xAPIC through MMIO, or x2APIC through MSRs).
 */
#ifndef ASM_X86_APIC_H
#define ASM_X86_APIC_H

#include <xen/cpumask.h>
#include <xen/types.h>

/* Register offsets (xAPIC MMIO; the x2APIC MSR is 0x800 + offset / 16). */
#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TASKPRI    0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SPIV       0x0f0
#define  APIC_SPIV_ENABLE   (1u << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVTT       0x320
#define APIC_LVTTHMR    0x330
#define APIC_LVTPC      0x340
#define APIC_LVT0       0x350
#define APIC_LVT1       0x360
#define APIC_LVTERR     0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0

#define APIC_LVT_MASKED     (1u << 16)
#define APIC_DM_FIXED       (0u << 8)
#define APIC_DM_NMI         (4u << 8)
#define APIC_DM_INIT        (5u << 8)
#define APIC_DM_STARTUP     (6u << 8)
#define APIC_DM_EXTINT      (7u << 8)
#define APIC_ICR_BUSY       (1u << 12)
#define APIC_INT_ASSERT     (1u << 14)
#define APIC_INT_LEVELTRIG  (1u << 15)
#define APIC_DEST_SELF      (1u << 18)
#define APIC_DEST_ALLBUT    (3u << 18)
#define APIC_TIMER_ONESHOT  (0u << 17)
#define APIC_TIMER_DEADLINE (2u << 17)

/* Fixed vectors, highest priority class first (as in Xen). */
#define SPURIOUS_APIC_VECTOR      0xff
#define ERROR_APIC_VECTOR         0xfe
#define INVALIDATE_TLB_VECTOR     0xfd
#define EVENT_CHECK_VECTOR        0xfc
#define CALL_FUNCTION_VECTOR      0xfb
#define LOCAL_TIMER_VECTOR        0xfa
/* Dynamically allocated device vectors. */
#define FIRST_DYNAMIC_VECTOR      0x30
#define LAST_DYNAMIC_VECTOR       0xef
/* The 8259s are remapped here and fully masked. */
#define FIRST_LEGACY_VECTOR       0x20
#define LAST_LEGACY_VECTOR        0x2f

extern bool x2apic_enabled;

/* Boot CPU: find the APIC (MADT address), choose xAPIC or x2APIC mode. */
void apic_init_boot(uint64_t madt_lapic_addr);
/* Every CPU: enable and configure its own APIC (LVTs, spurious, TPR). */
void setup_local_apic(void);

uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t v);
uint32_t get_apic_id(void);
void ack_apic_irq(void);

/* Send an IPI with the given ICR low word to one APIC ID. */
void apic_icr_write(uint32_t low, uint32_t dest);
/* Wait until the previous IPI is sent (xAPIC); false on timeout. */
bool apic_wait_icr_idle(void);

void send_ipi_mask(const cpumask_t *mask, uint8_t vector);
void send_ipi_self(uint8_t vector);

/* The APIC timer: calibrate (boot CPU), arm per CPU. */
void apic_timer_calibrate(void);
void apic_timer_setup(void);
unsigned long apic_timer_khz(void);
bool apic_timer_uses_deadline(void);

/* logical CPU -> APIC ID, filled by SMP boot. */
extern uint32_t x86_cpu_to_apicid[NR_CPUS];

#endif /* ASM_X86_APIC_H */
