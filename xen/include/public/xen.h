/* SPDX-License-Identifier: MIT */
/*
 * public/xen.h: the guest ABI of the Xen hypervisor family: hypercall
 * numbers, domain identifiers and the structures every guest shares with
 * the hypervisor.
 *
 * Permission is hereby granted, free of charge, to any person obtaining a
 * copy of this header, to deal in it without restriction, including the
 * rights to use, copy, modify, merge, publish, distribute, sublicense and/or
 * sell copies, subject to keeping this notice. It is provided "as is",
 * without warranty of any kind.
 *
 * Rules for everything under public/: fixed-width types only, xen_/XEN_
 * names, IN/OUT noted on fields, no dependency on hypervisor internals; it
 * must compile on its own as C99 and as C++.
 */
#ifndef __XEN_PUBLIC_XEN_H__
#define __XEN_PUBLIC_XEN_H__

#if defined(__x86_64__)
#include "arch-x86/xen-x86_64.h"
#else
#error "unsupported architecture"
#endif

/* Hypercall numbers (rax on x86-64). */
#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6
#define __HYPERVISOR_platform_op           7
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
#define __HYPERVISOR_memory_op            12
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version          17
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19
#define __HYPERVISOR_grant_table_op       20
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23
#define __HYPERVISOR_vcpu_op              24
#define __HYPERVISOR_set_segment_base     25
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28
#define __HYPERVISOR_sched_op             29
#define __HYPERVISOR_callback_op          30
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32
#define __HYPERVISOR_physdev_op           33
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36
#define __HYPERVISOR_kexec_op             37
#define __HYPERVISOR_tmem_op              38
#define __HYPERVISOR_argo_op              39
#define __HYPERVISOR_xenpmu_op            40
#define __HYPERVISOR_dm_op                41
#define __HYPERVISOR_hypfs_op             42

/* Domain identifiers. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF           0x7ff0U
#define DOMID_IO             0x7ff1U
#define DOMID_XEN            0x7ff2U
#define DOMID_COW            0x7ff3U
#define DOMID_INVALID        0x7ff4U
#define DOMID_IDLE           0x7fffU

#endif /* __XEN_PUBLIC_XEN_H__ */
