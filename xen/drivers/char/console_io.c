/*
 * console_io.c: the console_io hypercall, a guest's view of the
 * hypervisor's console.
 *
 * CONSOLEIO_write prints guest text (any domain; domUs' lines are
 * prefixed "(dN) ", see console_write_guest). It copies through a small
 * buffer, a chunk at a time, and a long write is preempted and continued,
 * so a guest cannot hold a pCPU by writing megabytes. CONSOLEIO_read gives
 * the hardware domain the characters typed on the serial line while input
 * is switched to it (console_input.c); VIRQ_CONSOLE tells it there are
 * some. Other domains may not read: -EPERM.
 *
 * Locking: none of its own (console_input.c's ring is safe for any
 * number of readers).
 */
#include <asm/pv/hypercall.h>
#include <xen/console.h>
#include <xen/console_input.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define CHUNK 128

static long console_write(unsigned int count, XEN_GUEST_HANDLE_PARAM(char) buf)
{
    char kbuf[CHUNK];
    unsigned int done = 0;

    while ( done < count )
    {
        unsigned int n = min_t(unsigned int, count - done, CHUNK);

        if ( done && hypercall_preempt_check() )
            return hypercall_create_continuation(__HYPERVISOR_console_io,
                                                 "iih", CONSOLEIO_write,
                                                 count - done, buf.p + done);
        if ( copy_from_guest_offset(kbuf, buf, done, n) )
            return -EFAULT;
        console_write_guest(current->domain->domain_id, kbuf, n);
        done += n;
    }
    return 0;
}

static long console_read(unsigned int count, XEN_GUEST_HANDLE_PARAM(char) buf)
{
    char kbuf[CHUNK];
    unsigned int done = 0;

    if ( current->domain != hardware_domain )
        return -EPERM;
    while ( done < count )
    {
        size_t n = console_rx_read(kbuf, min_t(unsigned int, count - done, CHUNK));

        if ( !n )
            break;
        if ( copy_to_guest_offset(buf, done, kbuf, n) )
            return -EFAULT;
        done += n;
    }
    return done;
}

long do_console_io(unsigned int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(void) buffer)
{
    XEN_GUEST_HANDLE_PARAM(char) buf = guest_handle_cast(buffer, char);

    switch ( cmd )
    {
    case CONSOLEIO_write:
        return console_write(count, buf);
    case CONSOLEIO_read:
        return console_read(count, buf);
    default:
        return -ENOSYS;
    }
}

static void notify_hardware_domain(void)
{
    if ( hardware_domain )
        send_guest_global_virq(hardware_domain, VIRQ_CONSOLE);
}

void console_io_init(void)
{
    console_rx_set_notify(notify_hardware_domain);
}
