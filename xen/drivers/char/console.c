/*
 * console.c: printk(), log levels, the console ring and console devices.
 *
 * Theory of operation. Every printk() is formatted into a line buffer, its
 * level taken from an optional "<N>" prefix (XENLOG_*; none means WARNING,
 * so plain messages are always shown by default) and compared with the
 * threshold from loglvl=. A message that passes gets "(XEN) " at the start
 * of each line and goes to the console ring and then to every registered
 * device. A message that continues a line (printed without a trailing
 * newline before it) inherits the level of the line's start unless it
 * names its own.
 *
 * The ring (CONRING_SIZE bytes, overwritten oldest first) keeps the history
 * for `xl dmesg` and lets output printed before any device exists be
 * replayed: console_init() brings up the devices named by console= and
 * writes the whole ring to them, so nothing printed during early boot is
 * lost, whatever the order of command-line parsing and device set-up.
 *
 * Locking: console_lock serialises everything that formats or emits text
 * (printk, guest output), so lines from different CPUs never interleave.
 * It is recursive, so that a printk from an NMI or fault on the CPU that
 * holds it goes through instead of deadlocking, always taken with
 * interrupts off, and broken by panic() through console_force_unlock().
 */
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#define CONRING_SIZE (1u << 15)    /* power of two */

static DEFINE_SPINLOCK(console_lock);

#define console_lock_irqsave(flags) do {        \
        local_irq_save(flags);                  \
        spin_lock_recursive(&console_lock);     \
    } while ( 0 )
#define console_unlock_irqrestore(flags) do {   \
        spin_unlock_recursive(&console_lock);   \
        local_irq_restore(flags);               \
    } while ( 0 )
#define LINE_PREFIX  "(XEN) "

static char conring[CONRING_SIZE];
static uint64_t conring_prod;      /* bytes ever written; never wraps */

static struct console_device *devices;   /* receiving output */
static struct console_device *pending;   /* registered, not yet replayed */
static bool console_ready;
static bool at_line_start = true;
static unsigned int line_level = LOGLVL_WARNING;

/* ---- Boot options: console= and loglvl= ---- */

static char opt_console[64] = "com1,vga";
string_param("console", opt_console);

unsigned int console_loglvl = CONFIG_DEBUG ? LOGLVL_DEBUG : LOGLVL_INFO;

static const char *const loglvl_names[] = {
    "none", "error", "warning", "info", "debug", "all",
};

/* "info" or "info/warning" (the second part, for guests, is accepted). */
static int parse_loglvl(const char *s)
{
    unsigned int i;
    size_t len = strchr(s, '/') ? (size_t)(strchr(s, '/') - s) : strlen(s);

    for ( i = 0; i < ARRAY_SIZE(loglvl_names); i++ )
    {
        if ( strlen(loglvl_names[i]) == len && !strncmp(s, loglvl_names[i], len) )
        {
            console_loglvl = min(i, LOGLVL_DEBUG + 1u);
            return 0;
        }
    }
    return -EINVAL;
}
custom_param("loglvl", parse_loglvl);

bool console_wants(const char *name)
{
    size_t n = strlen(name);
    const char *p = opt_console;

    while ( *p )
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if ( len == n && !strncmp(p, name, n) )
            return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* ---- The ring ---- */

static void conring_put(const char *s, size_t len)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        conring[(conring_prod + i) & (CONRING_SIZE - 1)] = s[i];
    conring_prod += len;
}

size_t console_ring_read(char *buf, size_t size)
{
    uint64_t avail = min_t(uint64_t, conring_prod, CONRING_SIZE);
    uint64_t n, start, i;

    if ( !size )
        return 0;
    n = min_t(uint64_t, avail, size - 1);
    start = conring_prod - n;
    for ( i = 0; i < n; i++ )
        buf[i] = conring[(start + i) & (CONRING_SIZE - 1)];
    buf[n] = '\0';
    return n;
}

/* ---- Output ---- */

static void emit(const char *s, size_t len)
{
    struct console_device *d;

    conring_put(s, len);
    for ( d = devices; d; d = d->next )
        d->puts(d, s, len);
}

/* Write text, adding the line prefix at the start of every line. */
static void emit_lines(const char *s)
{
    while ( *s )
    {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

        if ( at_line_start )
            emit(LINE_PREFIX, sizeof(LINE_PREFIX) - 1);
        emit(s, len);
        at_line_start = nl != NULL;
        s += len;
    }
}

/*
 * Text a guest wrote with console_io. dom0's goes out as it is, as on Xen;
 * every other domain's lines carry a "(dN) " prefix. A guest line never
 * shares a line with a hypervisor message: an unfinished one is ended.
 */
void console_write_guest(unsigned int domid, const char *s, size_t len)
{
    static unsigned int last_domid = ~0u;
    char prefix[16];
    size_t i = 0;
    unsigned long flags;

    console_lock_irqsave(flags);
    if ( !at_line_start && last_domid != domid )
    {
        emit("\n", 1);
        at_line_start = true;
    }
    last_domid = domid;
    while ( i < len )
    {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (s + i)) + 1 : len - i;

        if ( at_line_start && domid != 0 )
            emit(prefix, snprintf(prefix, sizeof(prefix), "(d%u) ", domid));
        emit(s + i, n);
        at_line_start = nl != NULL;
        i += n;
    }
    console_unlock_irqrestore(flags);
}

/* Strip a "<N>" level prefix; returns the level, or -1 if there is none. */
static int take_level(const char **s)
{
    const char *p = *s;

    if ( p[0] == '<' && p[1] >= '0' && p[1] <= '3' && p[2] == '>' )
    {
        *s = p + 3;
        return p[1] - '0';
    }
    return -1;
}

void vprintk(const char *fmt, va_list args)
{
    static char buf[1024];
    const char *msg = buf;
    unsigned long flags;
    int level;

    console_lock_irqsave(flags);
    vscnprintf(buf, sizeof(buf), fmt, args);
    level = take_level(&msg);
    if ( level >= 0 )
        line_level = level;
    else if ( at_line_start )
        line_level = LOGLVL_WARNING;

    if ( line_level < console_loglvl )
        emit_lines(msg);
    else if ( *msg )
        /* Track line boundaries of suppressed text too. */
        at_line_start = msg[strlen(msg) - 1] == '\n';
    console_unlock_irqrestore(flags);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

/* ---- Devices ---- */

static void list_append(struct console_device **list,
                        struct console_device *dev)
{
    while ( *list )
        list = &(*list)->next;
    dev->next = NULL;
    *list = dev;
}

/*
 * Devices registered during console_init() first receive the replay of the
 * ring (which by then includes their own start-up messages) and only then
 * live output, so that no line reaches them twice.
 */
void console_register(struct console_device *dev)
{
    list_append(console_ready ? &devices : &pending, dev);
}

/* Replay the ring (everything printed so far) onto one device. */
static void replay(struct console_device *dev)
{
    uint64_t avail = min_t(uint64_t, conring_prod, CONRING_SIZE);
    uint64_t start = conring_prod - avail;
    uint64_t first = start & (CONRING_SIZE - 1);

    if ( first + avail <= CONRING_SIZE )
        dev->puts(dev, &conring[first], avail);
    else
    {
        dev->puts(dev, &conring[first], CONRING_SIZE - first);
        dev->puts(dev, conring, avail - (CONRING_SIZE - first));
    }
}

void vga_init(void);

void console_init(void)
{
    static bool started;
    struct console_device *d;

    if ( started )
        return;
    started = true;

    ns16550_init();
    vga_init();

    while ( (d = pending) != NULL )
    {
        pending = d->next;
        replay(d);
        list_append(&devices, d);
    }
    console_ready = true;
}

void console_force_unlock(void)
{
    /* Whoever held it will never release it: take it over. */
    spin_lock_init(&console_lock);
    console_init();
}
