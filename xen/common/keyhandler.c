/*
 * keyhandler.c: the debug-key registry, and the built-in keys 'h' and '*'.
 *
 * Theory of operation. key_table[] has one slot per 7-bit ASCII key. A slot
 * holds either a normal handler (fn) or an irq handler (irq_fn), never
 * both, with the description shown by 'h' and whether '*' runs it. Other
 * subsystems fill slots with register_keyhandler() and
 * register_irq_keyhandler(); 'h' and '*' are in the table from the start,
 * so the registry needs no initialisation call.
 *
 * handle_keypress() is called for each character typed while serial input
 * goes to the hypervisor, in the UART's interrupt handler. An irq handler
 * runs there and then, with the interrupted registers. A normal handler is
 * deferred to a tasklet, outside interrupt context, so that a long dump
 * does not run with interrupts off and may take the locks of what it
 * dumps (an interrupt handler taking a lock the interrupted code holds
 * would deadlock). One key waits at a time: a key pressed while another
 * is still waiting replaces it, as in Xen.
 *
 * The keys, as users know them from Xen:
 *   'h'  prints "'h' pressed -> showing installed handlers", then one line
 *        per key with a handler, in key order:
 *            key 'm' (ascii '6d') => memory info
 *        (a key that is not printable is shown as a space).
 *   '*'  prints "'*' pressed -> firing all diagnostic keyhandlers", then
 *        runs every diagnostic handler, each announced by "[m: memory
 *        info]": first the irq ones (with the registers of the '*'
 *        keypress), then the normal ones (deferred as a batch).
 *   A key with no handler is ignored; a debug-level message says so.
 *
 * Locking: none of its own beyond the tasklet's. Keys are registered at boot, on one CPU; a keypress may
 * be handled on another. A handler is published by writing its function
 * pointer last (after a write barrier), and a reader takes the pointer
 * first (then a read barrier), so a keypress never sees a slot half
 * filled. Replacing a handler (a programming error, see the header) is not
 * atomic against a concurrent keypress.
 */
#include <asm/atomic.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/tasklet.h>

struct keyhandler {
    keyhandler_fn_t *fn;            /* deferred; or */
    irq_keyhandler_fn_t *irq_fn;    /* run in interrupt context */
    const char *desc;               /* for 'h' */
    bool diagnostic;                /* run by '*' */
};

static keyhandler_fn_t show_handlers;
static irq_keyhandler_fn_t run_all_keyhandlers;

static struct keyhandler key_table[KEYHANDLER_NR_KEYS] = {
    ['h'] = { .fn = show_handlers, .desc = "show this message" },
    ['*'] = { .irq_fn = run_all_keyhandlers,
              .desc = "print all diagnostics" },
};

static unsigned char printable(unsigned int key)
{
    return (key >= 0x20 && key < 0x7f) ? key : ' ';
}

/* Take a consistent copy of key's slot. False if the key has no handler. */
static bool lookup(unsigned int key, struct keyhandler *out)
{
    const struct keyhandler *h;

    if ( key >= ARRAY_SIZE(key_table) )
        return false;

    h = &key_table[key];
    out->fn = read_atomic(&h->fn);
    out->irq_fn = read_atomic(&h->irq_fn);
    smp_rmb();                      /* the pointer before what it guards */
    out->desc = h->desc;
    out->diagnostic = h->diagnostic;

    return out->fn || out->irq_fn;
}

static void install(unsigned char key, keyhandler_fn_t *fn,
                    irq_keyhandler_fn_t *irq_fn, const char *desc,
                    bool diagnostic)
{
    struct keyhandler *h;

    BUG_ON(key >= ARRAY_SIZE(key_table));
    h = &key_table[key];
    ASSERT(desc);
    ASSERT(!h->fn && !h->irq_fn);   /* one handler per key */

    h->desc = desc;
    h->diagnostic = diagnostic;
    smp_wmb();                      /* what the pointer guards, first */
    write_atomic(&h->irq_fn, irq_fn);
    write_atomic(&h->fn, fn);
}

void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
                         const char *desc, bool diagnostic)
{
    ASSERT(fn);
    install(key, fn, NULL, desc, diagnostic);
}

void register_irq_keyhandler(unsigned char key, irq_keyhandler_fn_t *fn,
                             const char *desc, bool diagnostic)
{
    ASSERT(fn);
    install(key, NULL, fn, desc, diagnostic);
}

static unsigned char deferred_key;
static keyhandler_fn_t *deferred_fn;
static void run_deferred_key(void *unused);
static void run_deferred_diagnostics(void *unused);
static DECLARE_TASKLET(key_tasklet, run_deferred_key, NULL);
static DECLARE_TASKLET(diag_tasklet, run_deferred_diagnostics, NULL);

static void run_deferred_key(void *unused)
{
    keyhandler_fn_t *fn = read_atomic(&deferred_fn);

    (void)unused;
    smp_rmb();
    if ( fn )
        fn(read_atomic(&deferred_key));
}

/* Queue a normal handler for the key tasklet. */
static void run_deferred(unsigned char key, keyhandler_fn_t *fn)
{
    write_atomic(&deferred_key, key);
    smp_wmb();
    write_atomic(&deferred_fn, fn);
    tasklet_schedule(&key_tasklet);
}

static void announce(unsigned int key, const struct keyhandler *h)
{
    printk("[%c: %s]\n", printable(key), h->desc);
}

/* The normal half of '*', from its tasklet. */
static void run_deferred_diagnostics(void *unused)
{
    struct keyhandler h;
    unsigned int k;

    (void)unused;
    for ( k = 0; k < ARRAY_SIZE(key_table); k++ )
    {
        if ( !lookup(k, &h) || !h.diagnostic || !h.fn )
            continue;
        announce(k, &h);
        h.fn(k);
    }
}

static void run_all_keyhandlers(unsigned char key,
                                const struct cpu_user_regs *regs)
{
    struct keyhandler h;
    unsigned int k;

    printk("'%c' pressed -> firing all diagnostic keyhandlers\n", key);

    for ( k = 0; k < ARRAY_SIZE(key_table); k++ )
    {
        if ( !lookup(k, &h) || !h.diagnostic || !h.irq_fn )
            continue;
        announce(k, &h);
        h.irq_fn(k, regs);
    }

    tasklet_schedule(&diag_tasklet);
}

static void show_handlers(unsigned char key)
{
    struct keyhandler h;
    unsigned int k;

    printk("'%c' pressed -> showing installed handlers\n", key);

    for ( k = 0; k < ARRAY_SIZE(key_table); k++ )
        if ( lookup(k, &h) )
            printk(" key '%c' (ascii '%02x') => %s\n", printable(k), k,
                   h.desc);
}

void handle_keypress(unsigned char key, const struct cpu_user_regs *regs)
{
    struct keyhandler h;

    if ( !lookup(key, &h) )
    {
        printk(XENLOG_DEBUG "'%c' (ascii '%02x') pressed -> no handler\n",
               printable(key), key);
        return;
    }

    if ( h.irq_fn )
        h.irq_fn(key, regs);
    else
        run_deferred(key, h.fn);
}
