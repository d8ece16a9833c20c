/*
 * xen/shutdown.h: restarting and halting the machine.
 */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/compiler.h>
#include <xen/types.h>

/* Reset the machine with the methods chosen by reboot=; never returns. */
void __noreturn machine_restart(void);

/* ACPI S5 power-off; halts if that fails. Never returns. */
void __noreturn machine_power_off(void);

/* Register the 'R' debug key. */
void shutdown_init(void);

/* Stop for good (noreboot): every CPU halted. */
void __noreturn machine_halt(void);

/* True when reboot=no or noreboot asks us never to reset by ourselves. */
bool reboot_disabled(void);

/* The hardware domain shut down with SHUTDOWN_reason: the machine follows. */
void hwdom_shutdown(unsigned int reason);

#endif /* XEN_SHUTDOWN_H */
