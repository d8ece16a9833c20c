/*
 * xen/console.h: the hypervisor console.
 *
 * printk() formats into the console ring (the history `xl dmesg` will
 * read) and writes to every enabled console device: the serial port(s)
 * and the VGA text screen chosen with console=.
 */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

/* A console output device. */
struct console_device {
    const char *name;
    void (*puts)(struct console_device *dev, const char *s, size_t len);
    struct console_device *next;
};

/*
 * Bring up the devices the command line asked for (console=, com1=, ...)
 * and replay onto them everything printk() has recorded so far.
 */
void console_init(void);

/* Output a guest wrote with console_io (domid 0: no line prefix). */
void console_write_guest(unsigned int domid, const char *s, size_t len);
/* Route serial input notifications to the hardware domain (VIRQ_CONSOLE). */
void console_io_init(void);

/* Add a device; it receives all output from now on. */
void console_register(struct console_device *dev);

/* Is device `name` ("com1", "vga", ...) listed in console=? */
bool console_wants(const char *name);

/*
 * Copy up to size-1 bytes of the most recent console history into buf,
 * NUL-terminated; returns the number of bytes copied.
 */
size_t console_ring_read(char *buf, size_t size);

/*
 * The console threshold set by loglvl=: a message of level L (LOGLVL_*) is
 * printed when L < console_loglvl, so 0 prints nothing and LOGLVL_DEBUG + 1
 * prints everything.
 */
extern unsigned int console_loglvl;

/* Set once panic() starts: the console must not block on anything. */
void console_force_unlock(void);

/* The 16550 UART driver: console output at boot, input once IRQs work. */
void ns16550_init(void);
void ns16550_init_irq(void);

#endif /* XEN_CONSOLE_H */
