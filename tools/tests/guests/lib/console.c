/*
 * console.c: output through CONSOLEIO_write, a small freestanding
 * vsnprintf, the result line and the bits of libc the guests use.
 *
 * Formats: %d %i %u %x %X %o %p %s %c %%, with flags '-', '0', '#', a width
 * (or *), a precision for %s, and the length modifiers l, ll, z, h, hh.
 */
#include "guest.h"

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while ( n-- )
        *p++ = c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while ( n-- )
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for ( ; n; n--, p++, q++ )
        if ( *p != *q )
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while ( s[n] )
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for ( ; n; n--, a++, b++ )
    {
        if ( *a != *b )
            return (unsigned char)*a - (unsigned char)*b;
        if ( !*a )
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

/* ---- vsnprintf ---- */

struct out {
    char *buf;
    size_t size, len;               /* len counts what would be written */
};

static void put(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;

    if ( !left )
        while ( fill-- > 0 )
            put(o, pad);
    while ( n-- )
        put(o, *s++);
    if ( left )
        while ( fill-- > 0 )
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned int base, bool upper,
                       const char *prefix, int width, bool left, bool zero)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, plen = (neg ? 1 : 0) + (int)strlen(prefix);

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );

    if ( zero && !left )
    {
        if ( neg )
            put(o, '-');
        while ( *prefix )
            put(o, *prefix++);
        while ( width-- > n + plen )
            put(o, '0');
    }
    else
    {
        int fill = width - n - plen;

        if ( !left )
            while ( fill-- > 0 )
                put(o, ' ');
        if ( neg )
            put(o, '-');
        while ( *prefix )
            put(o, *prefix++);
        if ( left )
        {
            while ( n )
                put(o, tmp[--n]);
            while ( fill-- > 0 )
                put(o, ' ');
            return;
        }
    }
    while ( n )
        put(o, tmp[--n]);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for ( ; *fmt; fmt++ )
    {
        bool left = false, zero = false, alt = false;
        int width = 0, prec = -1, lng = 0;
        uint64_t v;
        bool neg = false;
        const char *s;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }
        for ( ;; )
        {
            fmt++;
            if ( *fmt == '-' )
                left = true;
            else if ( *fmt == '0' )
                zero = true;
            else if ( *fmt == '#' )
                alt = true;
            else
                break;
        }
        if ( *fmt == '*' )
        {
            width = va_arg(ap, int);
            fmt++;
        }
        else
            while ( *fmt >= '0' && *fmt <= '9' )
                width = width * 10 + (*fmt++ - '0');
        if ( *fmt == '.' )
        {
            prec = 0;
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(ap, int);
                fmt++;
            }
            else
                while ( *fmt >= '0' && *fmt <= '9' )
                    prec = prec * 10 + (*fmt++ - '0');
        }
        for ( ;; fmt++ )
        {
            if ( *fmt == 'l' || *fmt == 'z' )
                lng = 1;
            else if ( *fmt == 'h' )
                lng = lng > -2 ? lng - 1 : lng;
            else
                break;
        }

        switch ( *fmt )
        {
        case '\0':
            fmt--;
            break;
        case '%':
            put(&o, '%');
            break;
        case 'c':
        {
            char c = (char)va_arg(ap, int);

            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case 's':
            s = va_arg(ap, const char *);
            if ( !s )
                s = "(null)";
            {
                size_t n = 0;

                while ( s[n] && (prec < 0 || n < (size_t)prec) )
                    n++;
                put_padded(&o, s, n, width, left, ' ');
            }
            break;
        case 'p':
            v = (uintptr_t)va_arg(ap, void *);
            put_number(&o, v, false, 16, false, "0x", width, left, zero);
            break;
        case 'd':
        case 'i':
        {
            int64_t sv = lng > 0 ? va_arg(ap, long) : va_arg(ap, int);

            if ( lng == -1 )
                sv = (short)sv;
            else if ( lng == -2 )
                sv = (signed char)sv;
            neg = sv < 0;
            v = neg ? -(uint64_t)sv : (uint64_t)sv;
            put_number(&o, v, neg, 10, false, "", width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            v = lng > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if ( lng == -1 )
                v = (uint16_t)v;
            else if ( lng == -2 )
                v = (uint8_t)v;
            if ( *fmt == 'u' )
                put_number(&o, v, false, 10, false, "", width, left, zero);
            else if ( *fmt == 'o' )
                put_number(&o, v, false, 8, false, alt ? "0" : "", width, left, zero);
            else
                put_number(&o, v, false, 16, *fmt == 'X', alt ? "0x" : "", width, left, zero);
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* ---- console ---- */

void console_write(const char *s, size_t n)
{
    hypervisor_console_io(CONSOLEIO_write, n, s);
}

int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

/* ---- results ---- */

static const char *const status_names[] = {
    [SUCCESS] = "SUCCESS", [SKIP] = "SKIP", [ERROR] = "ERROR", [FAILURE] = "FAILURE",
};

unsigned int nr_failures;
static char first_failure[200];

static noreturn void power_off(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    for ( ;; )
        hypervisor_sched_op(SCHEDOP_shutdown, &sd);
}

void test_result(enum test_status s, const char *fmt, ...)
{
    static bool reported;
    char reason[300];
    va_list ap;

    if ( reported )                 /* e.g. a fault while reporting */
        power_off();
    reported = true;
    if ( s == SUCCESS || !fmt )
    {
        printk("Test result: %s\n", status_names[s]);
        power_off();
    }
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printk("Test result: %s: %s\n", status_names[s], reason);
    power_off();
}

void fail(const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("FAIL: %s\n", msg);
    if ( !nr_failures++ )
        snprintf(first_failure, sizeof(first_failure), "%s", msg);
}

void test_done(void)
{
    if ( !nr_failures )
        test_result(SUCCESS, NULL);
    if ( nr_failures == 1 )
        test_result(FAILURE, "%s", first_failure);
    test_result(FAILURE, "%s (and %u more)", first_failure, nr_failures - 1);
}
