/*
 * asm/pv/emulate.h: what the PV privileged-instruction emulator shares
 * with the rest of the hypervisor: the guest CPUID policy (pv/cpuid.c),
 * the debug-register shadow (pv/debugreg.c) and the port filter
 * (pv/ioport.c). The emulator's own entry points are in asm/pv/traps.h.
 */
#ifndef ASM_X86_PV_EMULATE_H
#define ASM_X86_PV_EMULATE_H

#include <asm/processor.h>
#include <xen/types.h>

struct domain;
struct vcpu;

/* CR4 bits a PV guest controls in its virtual CR4 (besides OSXSAVE). */
#ifndef X86_CR4_TSD
#define X86_CR4_TSD         0x00000004
#endif
#ifndef X86_CR4_DE
#define X86_CR4_DE          0x00000008
#endif

/* ---- CPUID (pv/cpuid.c) ---- */

/*
 * The CPUID a PV guest sees for (leaf, subleaf). pv_cpuid() is the view
 * of a cpuid instruction that trapped (CPUID faulting); the forced
 * emulation prefix gets pv_cpuid_forced(), which differs only in leaking
 * the hypervisor's CR4.OSXSAVE to the guest kernel as Xen does.
 */
void pv_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
              struct cpuid_leaf *res);
void pv_cpuid_forced(const struct vcpu *v, uint32_t leaf, uint32_t subleaf,
                     struct cpuid_leaf *res);

/* The XCR0 bits a PV guest may enable with xsetbv (0 without XSAVE). */
uint64_t pv_guest_xcr0_mask(void);

/* ---- Debug registers (pv/debugreg.c) ---- */

/*
 * Set / read v's virtual DRn. Errors, as the emulator maps them:
 * -ENODEV (no such register, or DR4/DR5 with CR4.DE: #UD), -EINVAL (a
 * reserved bit: #GP), -EPERM (a breakpoint on a hypervisor address, DR7.GD,
 * an I/O breakpoint without CR4.DE: #GP). Nothing changes on error.
 */
int pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value);
/* Breakpoints follow their vCPU across context switches. */
void pv_debugreg_switch_from(struct vcpu *p);
void pv_debugreg_switch_to(const struct vcpu *n);
void pv_debugreg_init(struct vcpu *v);
int pv_get_debugreg(const struct vcpu *v, unsigned int reg,
                    unsigned long *value);
/* DR0-3 breakpoints enabled as I/O breakpoints that [port, port+len) hits. */
unsigned int pv_io_breakpoints(const struct vcpu *v, unsigned int port,
                               unsigned int len);

#define DR_STEP             (1ul << 14)     /* DR6.BS: single step */
#define DR6_RESERVED_ONE    0xffff0ff0ul
#define DR7_RESERVED_ONE    0x00000400ul

/* ---- Port I/O (pv/ioport.c) ---- */

/*
 * Ports the hypervisor keeps for itself: no guest, not even dom0, touches
 * them (PIC, PIT, port 0x61, 0x92, 0xf0, the ELCR, 0xcf9, the ACPI PM
 * timer and whatever ioport_reserve_hypervisor() added, e.g. the UART).
 */
bool ioport_is_hypervisor_owned(unsigned int port);
/* Boot time, before any guest runs: add [first, first + nr) to that set. */
int ioport_reserve_hypervisor(unsigned int first, unsigned int nr);

/*
 * May v, in its current mode, do this access? Its virtual IOPL (>= 1 in
 * kernel mode, 3 in user mode) or its I/O bitmap decides. A refusal is a
 * #GP for the guest.
 */
bool pv_guest_io_okay(const struct vcpu *v, unsigned int port,
                      unsigned int bytes);
/*
 * The access itself once the guest may make it. Ports the domain has no
 * right to (hypervisor-owned, or no ioport_all) read as all ones and
 * ignore writes, as on Xen.
 */
uint32_t pv_io_read(const struct domain *d, unsigned int port,
                    unsigned int bytes);
void pv_io_write(const struct domain *d, unsigned int port,
                 unsigned int bytes, uint32_t val);

#endif /* ASM_X86_PV_EMULATE_H */
