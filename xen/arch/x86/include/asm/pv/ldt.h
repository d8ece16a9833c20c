/*
 * asm/pv/ldt.h: a 64-bit PV vCPU's LDT (MMUEXT_SET_LDT), mapped on demand
 * into the running CPU's LDT window (pv/ldt.c), and the descriptor-page
 * check it shares with the GDT (pv/descriptor.c).
 */
#ifndef ASM_X86_PV_LDT_H
#define ASM_X86_PV_LDT_H

#include <asm/regs.h>
#include <xen/types.h>

struct domain;
struct vcpu;

/*
 * MMUEXT_SET_LDT for v (current, or a vCPU that runs nowhere, e.g. one
 * being initialised): the LDT is ents descriptors at guest linear address
 * base (base ignored when ents is 0: no LDT). -EINVAL for more than 8192
 * entries, or a base that is not page aligned, lies in the hypervisor's
 * hole or is not canonical (only the base is checked, as on Xen 4.17).
 * Setting what v already has changes nothing; anything else drops the
 * pages mapped so far and loads the new LDT.
 */
int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents);
/* Its checks alone: 0 if pv_set_ldt() would accept base and ents. */
int pv_check_ldt(unsigned long base, unsigned int ents);

/*
 * Drop the LDT pages mapped for v (their mappings first, then the
 * references): v is current, or runs nowhere (teardown). The LDT itself
 * (base, entries) stays: its pages map again as they are used.
 */
void pv_destroy_ldt(struct vcpu *v);

/*
 * Context switch. pv_ldt_prepare_switch (interrupts on, before the
 * switch): take the LDT pages next's saved data selectors need, so that
 * reloading them cannot fault on the window. pv_ldt_switch_to: this CPU's
 * LDT window and LDTR for next (NULL: no LDT).
 */
void pv_ldt_prepare_switch(struct vcpu *next);
void pv_ldt_switch_to(const struct vcpu *next);

/*
 * A #PF from guest mode at *addr (error code in regs), interrupts on. If
 * it is the CPU reading a descriptor in this CPU's LDT window, the
 * guest's LDT page is mapped there and the instruction runs again: true.
 * If the page cannot be mapped, the fault is the guest's, as on Xen: at
 * a non-canonical LDT address it gets #GP with the selector as error code
 * (queued here; true), otherwise a #PF at its own LDT address: false,
 * with *addr changed to it. Any other #PF: false, *addr unchanged.
 */
bool pv_ldt_guest_fault(struct cpu_user_regs *regs, unsigned long *addr);

/*
 * pv/descriptor.c: a general and a descriptor-page type reference on
 * machine frame mfn of d's, checking (and fixing up) all 512 descriptors
 * when the page becomes a descriptor page: 0 or -EINVAL.
 */
int pv_get_desc_page(unsigned long mfn, struct domain *d);

#endif /* ASM_X86_PV_LDT_H */
