/*
 * xen/keyhandler.h: debug keys.
 *
 * When serial input is directed to the hypervisor (see xen/console_input.h)
 * every character received is a debug key: handle_keypress() looks it up
 * in a table of 128 ASCII keys and runs the handler registered for it.
 *
 * A subsystem registers its key once, at boot:
 *
 *     static void dump_memory(unsigned char key) { ... }
 *     register_keyhandler('m', dump_memory, "memory info", true);
 *
 * The handler prints its own header line, as Xen's do:
 *     (XEN) 'm' pressed -> dumping memory info
 *
 * Two kinds of handler exist:
 *   - irq handlers (register_irq_keyhandler) run at once, in the interrupt
 *     that received the key, and get the registers it interrupted (NULL
 *     when the key did not come from an interrupt). For things that need
 *     that context: the registers, or a reboot that must not wait.
 *   - normal handlers (register_keyhandler) are meant to run later, outside
 *     interrupt context, so that a long dump neither delays the interrupt
 *     nor runs with interrupts off. Until tasklets exist they run at once
 *     too (see keyhandler.c).
 *
 * "diagnostic" handlers are also run by the '*' key ("print all
 * diagnostics"). Built in: 'h' (the list of keys) and '*'.
 */
#ifndef XEN_KEYHANDLER_H
#define XEN_KEYHANDLER_H

#include <xen/types.h>

struct cpu_user_regs;

typedef void keyhandler_fn_t(unsigned char key);
typedef void irq_keyhandler_fn_t(unsigned char key,
                                 const struct cpu_user_regs *regs);

/* Keys are 7-bit ASCII: 0 .. KEYHANDLER_NR_KEYS - 1. */
#define KEYHANDLER_NR_KEYS 128

/*
 * Install fn for key, shown in the 'h' list as desc (a string that lives
 * for ever). Each key has one handler: registering a key twice is a
 * programming error (an assertion in debug builds; the later registration
 * wins otherwise). A key out of range is a BUG().
 */
void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
                         const char *desc, bool diagnostic);
void register_irq_keyhandler(unsigned char key, irq_keyhandler_fn_t *fn,
                             const char *desc, bool diagnostic);

/*
 * Run the handler for key, if any. regs: the interrupted context, or NULL.
 * Keys without a handler are ignored (a debug-level message says so).
 */
void handle_keypress(unsigned char key, const struct cpu_user_regs *regs);

#endif /* XEN_KEYHANDLER_H */
