/*
 * xen/console_input.h: where serial input goes.
 *
 * Every character the UART receives is handed to console_rx_char(). It
 * goes either to the hypervisor, as a debug key (xen/keyhandler.h), or to
 * dom0, through a small ring that the console_io hypercall reads with
 * console_rx_read(). Typing CTRL-a three times in a row switches between
 * the two; conswitch= chooses another letter. See console_input.c.
 */
#ifndef XEN_CONSOLE_INPUT_H
#define XEN_CONSOLE_INPUT_H

#include <xen/types.h>

struct cpu_user_regs;

/* Characters held for dom0 until it reads them (a power of two). */
#define SERIAL_RX_SIZE 128

/*
 * One received character, from the UART's interrupt handler; regs are the
 * interrupted registers (NULL if none). Must not run concurrently with
 * itself: one producer (checked in debug builds).
 */
void console_rx_char(char c, const struct cpu_user_regs *regs);

/*
 * Take up to len characters of dom0's input, oldest first, into buf.
 * Returns how many were taken (0 if none are waiting). Any CPU, any number
 * of readers at once.
 */
size_t console_rx_read(char *buf, size_t len);

/*
 * Called after every character meant for dom0, including those dropped
 * because the ring was full, so that a reader which missed one
 * notification is woken by the next. The domain code sets it to send
 * VIRQ_CONSOLE; NULL (the default) notifies nobody. Runs in interrupt
 * context.
 */
void console_rx_set_notify(void (*fn)(void));

/* Characters for dom0 dropped so far because the ring was full. */
unsigned long console_rx_dropped(void);

/*
 * The end of boot (dom0 is about to run): input switches to dom0 unless
 * conswitch= ended in 'x', and the new owner is announced either way.
 */
void console_input_endboot(void);

#endif /* XEN_CONSOLE_INPUT_H */
