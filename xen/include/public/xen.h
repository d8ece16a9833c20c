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
#ifndef __ASSEMBLY__
typedef uint16_t domid_t;
#endif
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF           0x7ff0U
#define DOMID_IO             0x7ff1U
#define DOMID_XEN            0x7ff2U
#define DOMID_COW            0x7ff3U
#define DOMID_INVALID        0x7ff4U
#define DOMID_IDLE           0x7fffU

#ifndef __ASSEMBLY__

__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
__DEFINE_XEN_GUEST_HANDLE(char, char);
__DEFINE_XEN_GUEST_HANDLE(ulong, unsigned long);
___DEFINE_XEN_GUEST_HANDLE(void, void);
___DEFINE_XEN_GUEST_HANDLE(const_void, const void);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);
__DEFINE_XEN_GUEST_HANDLE(xen_ulong_t, xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(xen_pfn_t, xen_pfn_t);

/* ---- Virtual interrupts (bind with EVTCHNOP_bind_virq) ---- */
/* V: per vCPU; G: global, one binding per domain. */
#define VIRQ_TIMER       0  /* V: the vCPU's timer fired */
#define VIRQ_DEBUG       1  /* V: asked to dump debug state */
#define VIRQ_CONSOLE     2  /* G: input on the hypervisor console (dom0) */
#define VIRQ_DOM_EXC     3  /* G: a domain shut down or crashed (dom0) */
#define VIRQ_TBUF        4  /* G: trace records available (dom0) */
#define VIRQ_DEBUGGER    6  /* G: a domain paused for a debugger (dom0) */
#define VIRQ_XENOPROF    7  /* V: profiling sample available */
#define VIRQ_CON_RING    8  /* G: console ring has new output (dom0) */
#define VIRQ_PCPU_STATE  9  /* G: a pCPU came or went (dom0) */
#define VIRQ_MEM_EVENT  10  /* G: memory event (dom0) */
#define VIRQ_ARGO       11  /* G: Argo message */
#define VIRQ_ENOMEM     12  /* G: hypervisor heap is low (dom0) */
#define VIRQ_XENPMU     13  /* V: performance counter interrupt */
#define VIRQ_ARCH_0     16  /* G: x86 machine check (dom0) */
#define NR_VIRQS        24

/* ---- mmu_update(reqs, count, done, foreigndom) ---- */
/* The command is in bits 1:0 of ptr (ptrs are 8-byte aligned). */
#define MMU_NORMAL_PT_UPDATE       0  /* *ptr = val, ptr a machine address */
#define MMU_MACHPHYS_UPDATE        1  /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2  /* as NORMAL, keeping the A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3  /* as NORMAL, for translated guests */

struct mmu_update {
    uint64_t ptr;                   /* IN: machine address | command */
    uint64_t val;                   /* IN: new value */
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* ---- mmuext_op(ops, count, done, foreigndom) ---- */
#define MMUEXT_PIN_L1_TABLE        0  /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4  /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR         5  /* arg1.mfn: the kernel L4 */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7  /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI     8  /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI        9  /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11  /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13  /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR   15  /* arg1.mfn: the user L4, 0 for none */
#define MMUEXT_CLEAR_PAGE         16  /* arg1.mfn */
#define MMUEXT_COPY_PAGE          17  /* arg1.mfn <- arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

struct mmuext_op {
    uint32_t cmd;                   /* IN: MMUEXT_* */
    uint32_t pad;
    union {
        xen_pfn_t mfn;
        xen_ulong_t linear_addr;
    } arg1;                         /* IN */
    union {
        uint32_t nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t src_mfn;
    } arg2;                         /* IN */
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

/* ---- update_va_mapping(va, pte, flags) ---- */
#define UVMF_NONE           0x0UL   /* no flush */
#define UVMF_TLB_FLUSH      0x1UL   /* flush whole TLBs */
#define UVMF_INVLPG         0x2UL   /* flush the one entry */
#define UVMF_FLUSHTYPE_MASK 0x3UL
#define UVMF_MULTI          0x0UL   /* flush the vCPUs in the mask (flags & ~7) */
#define UVMF_LOCAL          0x0UL   /* ... a NULL mask means this vCPU only */
#define UVMF_ALL            0x4UL   /* flush every vCPU of the domain */

/* ---- console_io(cmd, count, buffer) ---- */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* ---- vm_assist(cmd, type) ---- */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/* ---- multicall(entries, count) ---- */
struct multicall_entry {
    xen_ulong_t op;                 /* IN: hypercall number */
    xen_ulong_t result;             /* OUT: its return value */
    xen_ulong_t args[6];            /* IN */
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/* ---- Time ---- */
/*
 * Per-vCPU time record. The hypervisor makes version odd, rewrites the
 * fields, then makes it even; a reader retries while it is odd or changed.
 * System time now (ns since boot) =
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;         /* TSC at the last update */
    uint64_t system_time;           /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;     /* 32.32 fixed-point ns per shifted tick */
    int8_t tsc_shift;
    uint8_t flags;                  /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)  /* TSC is synchronised and invariant */
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/* ---- Shared info ---- */
/* One per vCPU: in shared_info for the first 32, or where the guest
 * registers it (VCPUOP_register_vcpu_info). 64 bytes. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;  /* an event is pending: upcall wanted */
    uint8_t evtchn_upcall_mask;     /* the guest's "interrupts off" */
    uint8_t pad0[6];
    xen_ulong_t evtchn_pending_sel; /* 2-level: which pending words to scan */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared page every domain has (one page, 3136 bytes used). Event
 * channel bitmaps are the 2-level ABI: port p is bit p % 64 of word p / 64.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;            /* wall clock, versioned as vcpu_time_info */
    uint32_t wc_sec;                /* Unix time at system time 0 */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;             /* upper 32 bits of wc_sec */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/* ---- The PV start of day ---- */
/* dom0's console description, placed right after start_info. */
struct dom0_vga_console_info {
    uint8_t video_type;             /* XEN_VGATYPE_*; 0: none */
    uint8_t pad[3];
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;
            uint32_t lfb_size;
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
            uint32_t gbl_caps;
            uint16_t mode_attrs;
            uint16_t pad;
            uint32_t ext_lfb_base;
        } vesa_lfb;
    } u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70

#define MAX_GUEST_CMDLINE 1024

/*
 * What a PV guest finds at %rsi on entry (1168 bytes). Addresses are the
 * guest's virtual addresses unless said otherwise.
 */
struct start_info {
    char magic[32];                 /* "xen-3.0-x86_64" */
    xen_ulong_t nr_pages;           /* pages the domain has */
    xen_ulong_t shared_info;        /* MACHINE address of shared_info */
    uint32_t flags;                 /* SIF_* */
    uint32_t pad0;
    xen_pfn_t store_mfn;            /* XenStore ring (0 for dom0) */
    uint32_t store_evtchn;
    uint32_t pad1;
    union {
        struct {
            xen_pfn_t mfn;          /* console ring */
            uint32_t evtchn;
        } domU;
        struct {
            uint32_t info_off;      /* offset of dom0_vga_console_info */
            uint32_t info_size;
        } dom0;
    } console;
    xen_ulong_t pt_base;            /* the boot L4 */
    xen_ulong_t nr_pt_frames;       /* boot page-table pages at pt_base */
    xen_ulong_t mfn_list;           /* the p2m: pfn -> mfn, 8 bytes each */
    xen_ulong_t mod_start;          /* initrd: VA, or pfn with SIF_MOD_START_PFN */
    xen_ulong_t mod_len;            /* initrd size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    xen_ulong_t first_p2m_pfn;      /* INIT_P2M: first pfn of the p2m pages;
                                       else the pfns in the boot area */
    xen_ulong_t nr_p2m_frames;      /* INIT_P2M: how many */
};
typedef struct start_info start_info_t;

#define SIF_PRIVILEGED      (1 << 0)  /* the domain is privileged */
#define SIF_INITDOMAIN      (1 << 1)  /* the domain is the initial (hardware) domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a pfn */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* tools understand a virtually mapped p2m */
#define SIF_PM_MASK         (0xff << 8)

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_XEN_H__ */
