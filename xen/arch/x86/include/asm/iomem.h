/*
 * asm/iomem.h: device memory the hypervisor keeps for itself (the local
 * APIC, the IO-APICs, the HPET), which no guest may map whatever its
 * I/O-memory rights (iomem.c).
 */
#ifndef ASM_X86_IOMEM_H
#define ASM_X86_IOMEM_H

#include <xen/types.h>

/* Record [pa, pa + size) as the hypervisor's (at boot, as devices are found). */
void iomem_reserve_hypervisor(paddr_t pa, size_t size);
/* Is machine frame mfn one of them? */
bool iomem_is_hypervisor_owned(unsigned long mfn);

#endif /* ASM_X86_IOMEM_H */
