/*
 * console_input.c: the serial input switch between the hypervisor and dom0.
 *
 * Theory of operation. The UART driver hands every received character to
 * console_rx_char(), in interrupt context. Input has one owner at a time:
 *
 *   - Xen: each character is a debug key, passed to handle_keypress()
 *     with the interrupted registers;
 *   - DOM0: each character is appended to rx_ring, which the console_io
 *     hypercall empties with console_rx_read(); after each character the
 *     notify hook (VIRQ_CONSOLE, once domains exist) is called. When the
 *     ring is full the character is dropped and counted, and the hook is
 *     still called, so a reader that missed a notification is woken again.
 *
 * Input belongs to Xen during boot. console_input_endboot() gives it to
 * dom0 and announces it, unless conswitch= ends in 'x': then it stays with
 * Xen, and that is announced instead. The announcements are Xen's:
 *
 *   *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
 *   *** Serial input to Xen (type 'CTRL-a' three times to switch input)
 *
 * The switch. Three CTRL-a in a row move input to the other owner (also
 * before dom0 exists: its characters then wait in the ring, or are
 * dropped). A CTRL-a is held back, not delivered, while it may be part of
 * the sequence; the third one switches and all three are consumed. If
 * another character arrives after one or two, the held CTRL-a are
 * delivered to the current owner first, then that character, so nothing
 * typed is lost: "CTRL-a CTRL-a x" reaches dom0 as "\x01\x01x". Four
 * CTRL-a switch once and hold the fourth. This is what Xen does today.
 *
 * conswitch=<letter>[x]  (default "a")
 *   <letter>  a-z: the sequence is CTRL-<letter> typed three times;
 *             '`' disables switching (input never changes owner by
 *             typing, and the announcements omit the hint).
 *   x         keep input on Xen at the end of boot.
 * Anything else (a digit, an upper-case letter, more characters) is
 * rejected, leaving the previous setting; the registry warns about it.
 *
 * The ring is single-producer: console_rx_char() must not run
 * concurrently with itself (one UART interrupt handler feeds it; debug
 * builds check). Readers may be many: a reader copies out what it saw and
 * then claims it by advancing rx_cons with cmpxchg; if another reader
 * moved rx_cons first, the copy may be stale and is retaken. rx_prod and
 * rx_cons run freely and wrap; their difference is the fill level.
 *
 * Locking: none; the ring is lock-free. Producer: read rx_cons, full
 * barrier, write the slot, write barrier, publish rx_prod. Reader: read
 * rx_prod, read barrier, copy the slots, cmpxchg rx_cons (a full barrier,
 * so the copy is complete before the slots can be reused). The owner is
 * read and written with read_atomic/write_atomic; a switch racing with
 * console_input_endboot() resolves to either owner, both valid.
 */
#include <asm/atomic.h>
#include <xen/console_input.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>

#define RX_MASK (SERIAL_RX_SIZE - 1)

enum input_owner {
    INPUT_XEN,
    INPUT_DOM0,
};

static unsigned int input_owner = INPUT_XEN;

/* conswitch=: the letter (0: switching disabled) and the 'x' suffix. */
static char opt_switch_letter = 'a';
static bool opt_keep_on_xen;

/* Consecutive switch characters held back (producer only). */
static unsigned int switch_held;

static char rx_ring[SERIAL_RX_SIZE];
static unsigned int rx_prod, rx_cons;
static unsigned long rx_dropped;
static void (*rx_notify)(void);

/* Debug builds: set while console_rx_char() runs. */
static bool rx_busy;

static int parse_conswitch(const char *s)
{
    char letter;

    if ( *s == '`' )
        letter = 0;
    else if ( *s >= 'a' && *s <= 'z' )
        letter = *s;
    else
        return -EINVAL;

    if ( s[1] && (s[1] != 'x' || s[2]) )
        return -EINVAL;

    opt_switch_letter = letter;
    opt_keep_on_xen = s[1] == 'x';
    return 0;
}
custom_param("conswitch", parse_conswitch);

/* The control code of the switch character; 0 if switching is off. */
static unsigned char switch_code(void)
{
    return opt_switch_letter ? opt_switch_letter - 'a' + 1 : 0;
}

static void announce_owner(unsigned int owner)
{
    const char *who = owner == INPUT_XEN ? "Xen" : "DOM0";

    if ( opt_switch_letter )
        printk("*** Serial input to %s (type 'CTRL-%c' three times to switch input)\n",
               who, opt_switch_letter);
    else
        printk("*** Serial input to %s\n", who);
}

static void set_owner(unsigned int owner)
{
    write_atomic(&input_owner, owner);
    announce_owner(owner);
}

/* Append c to dom0's ring, or drop it if full; notify in either case. */
static void rx_ring_put(char c)
{
    unsigned int prod = rx_prod;            /* only we write it */
    unsigned int cons = read_atomic(&rx_cons);
    void (*notify)(void) = read_atomic(&rx_notify);

    BUILD_BUG_ON(SERIAL_RX_SIZE & RX_MASK);     /* a power of two */
    smp_mb();                       /* readers' copy done before reuse */
    if ( prod - cons >= SERIAL_RX_SIZE )
        write_atomic(&rx_dropped, rx_dropped + 1);
    else
    {
        rx_ring[prod & RX_MASK] = c;
        smp_wmb();                  /* the slot before the index */
        write_atomic(&rx_prod, prod + 1);
    }

    if ( notify )
        notify();
}

static void deliver(unsigned char c, const struct cpu_user_regs *regs)
{
    if ( read_atomic(&input_owner) == INPUT_XEN )
        handle_keypress(c, regs);
    else
        rx_ring_put(c);
}

static void rx_enter(void)
{
    if ( IS_ENABLED(CONFIG_DEBUG) )
    {
        bool was_busy = xchg(&rx_busy, true);

        ASSERT(!was_busy);          /* a second producer */
    }
}

static void rx_exit(void)
{
    if ( IS_ENABLED(CONFIG_DEBUG) )
        write_atomic(&rx_busy, false);
}

void console_rx_char(char ch, const struct cpu_user_regs *regs)
{
    unsigned char c = ch, code = switch_code();

    rx_enter();

    if ( code && c == code )
    {
        if ( ++switch_held == 3 )
        {
            switch_held = 0;
            set_owner(read_atomic(&input_owner) == INPUT_XEN ? INPUT_DOM0
                                                             : INPUT_XEN);
        }
    }
    else
    {
        for ( ; switch_held; switch_held-- )
            deliver(code, regs);
        deliver(c, regs);
    }

    rx_exit();
}

size_t console_rx_read(char *buf, size_t len)
{
    for ( ; ; )
    {
        unsigned int cons = read_atomic(&rx_cons);
        unsigned int prod = read_atomic(&rx_prod);
        unsigned int n = prod - cons, i;

        if ( n > SERIAL_RX_SIZE )   /* rx_cons moved between the reads */
            continue;
        smp_rmb();                  /* the index before the slots */

        n = min_t(size_t, n, len);
        for ( i = 0; i < n; i++ )
            buf[i] = rx_ring[(cons + i) & RX_MASK];

        if ( !n || cmpxchg(&rx_cons, cons, cons + n) == cons )
            return n;
    }
}

void console_rx_set_notify(void (*fn)(void))
{
    write_atomic(&rx_notify, fn);
}

unsigned long console_rx_dropped(void)
{
    return read_atomic(&rx_dropped);
}

void console_input_endboot(void)
{
    set_owner(opt_keep_on_xen ? INPUT_XEN : INPUT_DOM0);
}
