/*
 * xen/hypercall.h: the hypercall handlers and what they share.
 *
 * Every hypercall is a function do_<name>(...) returning long (0 or a
 * positive value on success, -errno on failure), dispatched from the one
 * table in arch/x86/pv/hypercall.c, which also says who may call it.
 * Arguments arrive as the guest passed them (rdi, rsi, rdx, r10, r8, r9);
 * guest memory is reached only through xen/guest_access.h.
 *
 * Long-running hypercalls are preemptible: a handler that has done a
 * bounded amount of work checks hypercall_preempt_check() and, if it is
 * true, records its progress in its arguments and returns
 * hypercall_create_continuation(op, fmt, args...). The guest then re-issues
 * the same hypercall with the new arguments when it next runs (on x86 the
 * return address is rewound onto the syscall instruction), so a guest can
 * never hold a pCPU for long, and a multicall entry that is preempted is
 * resumed by the multicall itself.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>
#include <public/xen.h>

/* Should a long hypercall stop here and continue later? */
bool hypercall_preempt_check(void);

/*
 * Arrange for hypercall op to be re-issued with these arguments. fmt has
 * one character per argument: 'i' (unsigned int), 'l' (unsigned long),
 * 'h' (a guest handle). Returns the value the handler must return.
 */
long hypercall_create_continuation(unsigned int op, const char *fmt, ...);

#endif /* XEN_HYPERCALL_H */
