/*
 * hypercall.h: hypercall wrappers for 64-bit PV test guests.
 *
 * A hypercall is a bare `syscall` made in guest-kernel mode: rax = number,
 * arguments in rdi, rsi, rdx, r10, r8; the result comes back in rax; rcx
 * and r11 are clobbered, and so may be the argument registers (we tell the
 * compiler so by making them in/out operands).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <public/xen.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/version.h>
#include <public/event_channel.h>
#include <public/physdev.h>

static inline long hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret = (long)nr;

    asm volatile ( "syscall"
                   : "+a" (ret), "+D" (a1), "+S" (a2), "+d" (a3), "+r" (r10), "+r" (r8)
                   :
                   : "rcx", "r11", "memory" );
    return ret;
}

#define hypercall0(nr)                 hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)              hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)           hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)        hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                  (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)     hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                  (unsigned long)(c), (unsigned long)(d), 0)

static inline long hypervisor_set_trap_table(const struct trap_info *t)
{
    return hypercall1(__HYPERVISOR_set_trap_table, t);
}

static inline long hypervisor_mmu_update(const mmu_update_t *req, unsigned int count,
                                         unsigned int *done, unsigned int foreigndom)
{
    return hypercall4(__HYPERVISOR_mmu_update, req, count, done, foreigndom);
}

static inline long hypervisor_mmuext_op(const mmuext_op_t *op, unsigned int count,
                                        unsigned int *done, unsigned int foreigndom)
{
    return hypercall4(__HYPERVISOR_mmuext_op, op, count, done, foreigndom);
}

static inline long hypervisor_stack_switch(unsigned long ss, unsigned long sp)
{
    return hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long hypervisor_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{
    return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long hypervisor_multicall(multicall_entry_t *calls, unsigned int n)
{
    return hypercall2(__HYPERVISOR_multicall, calls, n);
}

static inline long hypervisor_xen_version(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long hypervisor_console_io(unsigned int cmd, unsigned int count,
                                         const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

static inline long hypervisor_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static inline long hypervisor_set_segment_base(unsigned int which, unsigned long base)
{
    return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long hypervisor_sched_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long hypervisor_callback_op(unsigned int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long hypervisor_event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long hypervisor_physdev_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_physdev_op, cmd, arg);
}

static inline long hypervisor_vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline long hypervisor_fpu_taskswitch(int set)
{
    return hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long hypervisor_set_timer_op(uint64_t timeout)
{
    return hypercall1(__HYPERVISOR_set_timer_op, timeout);
}

#endif /* GUEST_HYPERCALL_H */
