/*
 * asm/pv/hypercall.h: every hypercall handler the table in
 * pv/hypercall.c dispatches to, with its typed arguments. Each returns 0
 * or a positive value on success, -errno on failure.
 */
#ifndef ASM_X86_PV_HYPERCALL_H
#define ASM_X86_PV_HYPERCALL_H

#include <xen/time.h>
#include <xen/types.h>
#include <public/xen.h>

struct domain;

/* pv/callback.c: the virtual IDT, callbacks, kernel stack. */
long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(void) traps);
long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_stack_switch(unsigned long ss, unsigned long esp);

/* pv/descriptor.c */
long do_set_gdt(XEN_GUEST_HANDLE_PARAM(void) frame_list, unsigned int entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
struct vcpu;
void pv_destroy_gdt(struct vcpu *v);
int pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned int entries);

/* pv/iret.c */
long do_iret(void);

/* pv/misc-hypercalls.c */
long do_fpu_taskswitch(int set);
long do_set_segment_base(unsigned int which, unsigned long base);

/* pv/debugreg.c */
long do_set_debugreg(int reg, unsigned long value);
unsigned long do_get_debugreg(int reg);

/* pv/physdev.c */
long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/* pv/mm.c */
long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags);
long do_mmu_update(XEN_GUEST_HANDLE_PARAM(void) ureqs, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom);
long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom);

/*
 * A page-table base pointer: a reference and an L4 type reference on mfn,
 * which must be an already validated L4 of d's (-EINVAL otherwise).
 */
int pv_get_l4_base(struct domain *d, unsigned long mfn);
void pv_put_l4_base(unsigned long mfn);      /* 0: nothing */

/* pv/hypercall.c */
long do_multicall(XEN_GUEST_HANDLE_PARAM(void) list, unsigned int nr);

/* common/ */
long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_console_io(unsigned int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(void) buffer);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_set_timer_op(s_time_t timeout);
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/* mm/memory_x86.c: the x86 sub-ops of memory_op (the M2P, memory maps);
 * -ENOSYS for any other. */
long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

#endif /* ASM_X86_PV_HYPERCALL_H */
