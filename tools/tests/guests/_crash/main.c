/*
 * _crash: not a test. A guest that takes a fault it cannot be bounced
 * for: it clears its virtual IDT (set_trap_table with no list) and then
 * writes through a null pointer. The hypervisor must crash this domain
 * with a report and carry on (tools/tests/qemu/test_containment.py).
 * With "ask" on its command line it asks to be crashed instead
 * (SCHEDOP_shutdown, SHUTDOWN_crash).
 */
#include "guest.h"

int main(void)
{
    const char *cmd = (const char *)start_info->cmd_line;

    if ( !strncmp(cmd, "ask", 3) )
    {
        struct sched_shutdown s = { .reason = SHUTDOWN_crash };

        printk("crash guest: asking to be crashed\n");
        hypervisor_sched_op(SCHEDOP_shutdown, &s);
        panic("still running after SCHEDOP_shutdown(crash)");
    }
    printk("crash guest: clearing the trap table and faulting\n");
    hypervisor_set_trap_table(NULL);
    {
        volatile unsigned long *p = (volatile unsigned long *)0x10;

        asm volatile ( "" : "+r" (p) );     /* not a constant to the compiler */
        *p = 0xdead;
    }
    panic("still running after an unhandled #PF");
}
