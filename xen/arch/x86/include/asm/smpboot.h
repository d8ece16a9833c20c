/*
 * asm/smpboot.h: CPU bring-up.
 */
#ifndef ASM_X86_SMPBOOT_H
#define ASM_X86_SMPBOOT_H

#include <xen/types.h>

struct acpi_madt_info;

/* The boot CPU's APIC ID and topology; CPU 0 online. */
void smp_prepare_boot_cpu(void);
/* Number the CPUs the MADT lists and start them (maxcpus=, nosmp). */
void smp_boot_cpus(const struct acpi_madt_info *madt);

/* An AP's first C code (from trampoline.S), on its own stack. */
void __noreturn start_secondary(void);

/* Every CPU ends up here when it has nothing else to do. */
void __noreturn idle_loop(void);

/* CPUID with subleaf, in the form topology.c takes. */
struct cpuid_leaf;
void cpuid_count_fn(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *r);

#endif /* ASM_X86_SMPBOOT_H */
