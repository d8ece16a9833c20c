/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/xen-x86_64.h: the 64-bit x86 parts of the guest ABI:
 * the segment selectors PV guests run with and the hypervisor's reserved
 * virtual address range. Same permissive licence as public/xen.h.
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

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

#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* set_segment_base(which, base) */
#define SEGBASE_FS          0   /* FS base (both modes) */
#define SEGBASE_GS_USER     1   /* user GS base (inactive while in kernel) */
#define SEGBASE_GS_KERNEL   2   /* kernel GS base */
#define SEGBASE_GS_USER_SEL 3   /* load the user %gs selector from base[15:0] */

/* vCPUs whose vcpu_info lives in shared_info (more need register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

/*
 * Guest handles: a typed guest virtual address that the hypervisor only
 * ever reaches through copy_{from,to}_guest. On x86-64 a handle is just an
 * 8-byte pointer in every structure and argument register.
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE_PARAM(name)  XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val) do { (hnd).p = (val); } while ( 0 )

typedef uint64_t xen_ulong_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_callback_t;

/*
 * What HYPERVISOR_iret finds on the guest stack (rsp at the syscall).
 * flags: VGCF_in_syscall means "return as sysret would", i.e. r11 and rcx
 * are not restored.
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

/*
 * A guest's register file as the ABI exchanges it (vcpu_guest_context,
 * the bounce frames). cs carries the saved upcall mask in byte 4.
 */
struct xen_cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;            /* private to the hypervisor */
    uint32_t entry_vector;          /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    uint64_t rflags;                /* rflags.IF == !saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct xen_cpu_user_regs xen_cpu_user_regs_t;

/* set_trap_table: one virtual IDT entry (16 bytes); address 0 ends a list. */
struct trap_info {
    uint8_t vector;                 /* exception vector */
    uint8_t flags;                  /* bits 0-1: DPL; bit 2: mask events */
    uint16_t cs;                    /* code selector */
    uint32_t pad;
    xen_ulong_t address;            /* handler */
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);
#define TI_GET_DPL(ti)  ((ti)->flags & 3)
#define TI_GET_IF(ti)   ((ti)->flags & 4)

typedef uint64_t tsc_timestamp_t;

/* VCPUOP_initialise: a vCPU's complete starting state (5168 bytes). */
struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];          /* FXSAVE image */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)
    xen_ulong_t flags;              /* VGCF_* */
    struct xen_cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    xen_ulong_t ldt_base, ldt_ents; /* LDT: linear address, entries */
    xen_ulong_t gdt_frames[16], gdt_ents;
    xen_ulong_t kernel_ss, kernel_sp;
    xen_ulong_t ctrlreg[8];         /* cr3: kernel L4 (xen_pfn_to_cr3); cr1: user L4 */
    xen_ulong_t debugreg[8];
    xen_ulong_t event_callback_eip;
    xen_ulong_t failsafe_callback_eip;
    xen_ulong_t syscall_callback_eip;
    xen_ulong_t vm_assist;          /* VMASST_TYPE_* bitmap */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

/* The x86 part of vcpu_info: the address of the last page fault. */
struct arch_vcpu_info {
    xen_ulong_t cr2;
    xen_ulong_t pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* The x86 part of shared_info, written by the guest for the tools. */
struct arch_shared_info {
    xen_ulong_t max_pfn;            /* entries in the p2m */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;            /* address space where p2m_vaddr is valid */
    xen_ulong_t p2m_vaddr;          /* the linear p2m */
    xen_ulong_t p2m_generation;     /* odd while the guest changes it */
};
typedef struct arch_shared_info arch_shared_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__ */
