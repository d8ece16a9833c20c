/*
 * asm/irq.h: interrupt vectors, their handlers, and device interrupts.
 *
 * Device interrupts are named by their GSI (ACPI's global system
 * interrupt number: the IO-APIC input). ISA IRQs 0-15 map to GSIs through
 * the MADT's interrupt source overrides (isa_irq_to_gsi()).
 */
#ifndef ASM_X86_IRQ_H
#define ASM_X86_IRQ_H

#include <asm/regs.h>
#include <xen/types.h>

typedef void irq_handler_t(unsigned int gsi, void *dev,
                           const struct cpu_user_regs *regs);
typedef void vector_handler_t(const struct cpu_user_regs *regs);

/* The entry point for vectors 32-255, from do_trap(). */
void do_IRQ(struct cpu_user_regs *regs);

/* Bind a fixed vector (IPIs, APIC timer, errors) on every CPU. */
void set_direct_apic_vector(uint8_t vector, vector_handler_t *handler);

/*
 * Allocate a vector for a device interrupt, route the GSI to the boot CPU
 * through its IO-APIC and unmask it. trigger/polarity come from the MADT
 * (or ISA defaults). -EBUSY if already requested, -ENOSPC out of vectors,
 * -ENODEV if no IO-APIC serves the GSI.
 */
int request_irq(unsigned int gsi, irq_handler_t *handler, const char *name,
                void *dev);
void release_irq(unsigned int gsi);

unsigned int isa_irq_to_gsi(unsigned int isa_irq);

/*
 * Boot: IO-APICs found and masked, fixed vectors bound.
 * madt (NULL if there is none) must stay valid: overrides are read later.
 */
struct acpi_madt_info;
void init_IRQ(const struct acpi_madt_info *madt);

/* Interrupts handled per vector on this CPU, for key 'i'. */
void dump_irqs(unsigned char key);

/* IO-APIC layer (io_apic.c). */
void ioapic_init(const struct acpi_madt_info *madt);
int ioapic_route(unsigned int gsi, uint8_t vector, bool level, bool active_low,
                 uint32_t dest_apicid);
void ioapic_mask(unsigned int gsi);
unsigned int ioapic_nr_gsis(void);
void ioapic_dump(void);

/* 8259 PIC (i8259.c): remap to the legacy vectors and mask everything. */
void init_8259(bool present);

#endif /* ASM_X86_IRQ_H */
