/* SPDX-License-Identifier: MIT */
/*
 * public/features.h: feature flags the hypervisor reports to a guest
 * (XENVER_get_features, in 32-bit submaps) and that a guest kernel may
 * declare it supports or requires (ELF note XEN_ELFNOTE_FEATURES by name,
 * XEN_ELFNOTE_SUPPORTED_FEATURES as a bitmap). Same permissive licence as
 * public/xen.h.
 */
#ifndef __XEN_PUBLIC_FEATURES_H__
#define __XEN_PUBLIC_FEATURES_H__

/* The guest may write its page tables directly (trapped and emulated). */
#define XENFEAT_writable_page_tables        0
/* The guest may write its descriptor tables directly. */
#define XENFEAT_writable_descriptor_tables  1
/* Guest physical addresses are translated by the hypervisor (HVM/PVH). */
#define XENFEAT_auto_translated_physmap     2
/* The guest kernel runs in ring 0 (not offered to 64-bit PV guests). */
#define XENFEAT_supervisor_mode_kernel      3
/* A PAE guest's top-level table may live above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb         4
/* MMU_PT_UPDATE_PRESERVE_AD is available in mmu_update. */
#define XENFEAT_mmu_pt_update_preserve_ad   5
/* x86: 4 GiB segments need no emulation (VMASST_TYPE_4gb_segments). */
#define XENFEAT_highmem_assist              6
/* Grant mappings may use the PTE bits AVAIL (9-11). */
#define XENFEAT_gnttab_map_avail_bits       7
/* HVM: the guest may take its upcall through an IDT vector. */
#define XENFEAT_hvm_callback_vector         8
/* HVM: safe to use PV timers. */
#define XENFEAT_hvm_safe_pvclock            9
/* HVM: PIRQs are delivered as event channels. */
#define XENFEAT_hvm_pirqs                  10
/* The kernel can run as the hardware domain (dom0). */
#define XENFEAT_dom0                       11
/* Grant mappings come back with dev_bus_addr = the machine address. */
#define XENFEAT_grant_map_identity         12
/* XENMEM ops honour the vNUMA node in their memflags. */
#define XENFEAT_memory_op_vnode_supported  13
/* ARM: the PSCI interface is available. */
#define XENFEAT_ARM_SMCCC_supported        14
/* The kernel accepts an RSDP anywhere, not only below 1 MiB. */
#define XENFEAT_linux_rsdp_unrestricted    15
/* Guest memory is not mapped 1:1 to machine memory. */
#define XENFEAT_not_direct_mapped          16
/* Guest memory is mapped 1:1 (ARM dom0); a PV domain reports this. */
#define XENFEAT_direct_mapped              17
/* Number of 32-bit submaps XENVER_get_features may be asked for. */
#define XENFEAT_NR_SUBMAPS                  1

#endif /* __XEN_PUBLIC_FEATURES_H__ */
