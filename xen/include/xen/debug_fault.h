/*
 * xen/debug_fault.h: deliberately raised faults (debug builds only),
 * selected with debug_fault=<kind>, used by the tests of fault reports.
 */
#ifndef XEN_DEBUG_FAULT_H
#define XEN_DEBUG_FAULT_H

#if CONFIG_DEBUG
/* Raise the fault chosen on the command line, if any. */
void debug_fault_trigger(void);
#else
static inline void debug_fault_trigger(void) { }
#endif

#endif /* XEN_DEBUG_FAULT_H */
