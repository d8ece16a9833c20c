/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/xen-x86_64.h: the 64-bit x86 parts of the guest ABI:
 * the segment selectors PV guests run with and the hypervisor's reserved
 * virtual address range. Same permissive licence as public/xen.h.
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__

#include <stdint.h>

/*
 * 64-bit PV guest kernels and user space both run in ring 3. These flat
 * selectors live in the hypervisor's part of the GDT (from 0xe000).
 */
#define FLAT_RING3_CS32 0xe023  /* GDT index 7172 */
#define FLAT_RING3_CS64 0xe033  /* GDT index 7174 */
#define FLAT_RING3_DS32 0xe02b  /* GDT index 7173 */
#define FLAT_RING3_DS64 0x0000  /* NULL selector */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/* The hypervisor's hole in a 64-bit PV guest's address space. */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000ULL
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000ULL
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000ULL
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000ULL

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__ */
