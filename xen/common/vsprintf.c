/*
 * vsprintf.c: formatted output into a bounded buffer.
 *
 * Theory of operation
 * -------------------
 * The format is walked once, left to right. Every character produced goes
 * through a sink (struct sink) that counts it but stores it only if it fits
 * in the caller's buffer with one byte to spare for the terminating NUL.
 * The count at the end is therefore the C vsnprintf() result, the length
 * the output would have had without truncation, and no conversion has to
 * care about truncation itself. A size of 0 stores nothing at all, so the
 * buffer may then be NULL.
 *
 * Each conversion specification is parsed into a struct spec (flags, field
 * width, precision, length modifier) and then laid out by one of two
 * routines:
 *
 *  - put_number() for d i u o x X and p. The argument is first reduced to
 *    a magnitude and a sign, so one routine lays out every integer as
 *    [spaces][sign][0x][zeros][digits][spaces] following the C rules: a
 *    precision is a minimum digit count and disables the '0' flag, and the
 *    value 0 with precision 0 has no digits.
 *  - a padded string (pad_before(), the text, pad_after()) for c, s and the
 *    symbol forms of %p.
 *
 * Supported: flags "-+ #0"; width and precision as digits or '*' (a
 * negative '*' width means '-', a negative '*' precision means none);
 * length modifiers hh h l ll z t j, and L taken as ll; conversions
 * d i u o x X c s p and %%. %s of NULL prints "(null)", cut by the
 * precision like any string. %p prints "0x" and 16 hex digits.
 *
 * Xen extensions: %pS prints "symbol+0xoffset/0xsize" and %ps "symbol",
 * found with symbols_lookup(); an address in no symbol falls back to the
 * plain %p form. Only 'S' and 's' are consumed after %p: in "%pX" the 'X'
 * is ordinary text following the pointer.
 *
 * Anything else after a '%' (an unknown conversion, %n, or a '%' ending
 * the format) is copied to the output as written, so a bad format shows up
 * in the log instead of consuming arguments it does not describe. Only a
 * '*' already parsed in such a specification has consumed an argument.
 *
 * There is no floating point: the hypervisor is built without SSE/x87.
 */
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/symbols.h>

#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

/* Flags of a specification; the first five are the format's own. */
#define FL_LEFT   0x01 /* '-': pad on the right */
#define FL_PLUS   0x02 /* '+': a sign even on non-negative numbers */
#define FL_SPACE  0x04 /* ' ': a space where '+' would go */
#define FL_ALT    0x08 /* '#': 0x before hex, a leading 0 in octal */
#define FL_ZERO   0x10 /* '0': pad numbers with zeros, not spaces */
#define FL_SIGNED 0x20 /* d/i: '+' and ' ' apply */
#define FL_UPPER  0x40 /* X: upper-case digits and prefix */
#define FL_0X     0x80 /* p: "0x" even before 0 */

enum length {
    LEN_INT,     /* none */
    LEN_CHAR,    /* hh */
    LEN_SHORT,   /* h */
    LEN_LONG,    /* l */
    LEN_LLONG,   /* ll, L */
    LEN_SIZE,    /* z */
    LEN_PTRDIFF, /* t */
    LEN_MAX,     /* j */
};

struct spec {
    unsigned int flags;
    int width;          /* minimum field width; 0 when absent */
    int precision;      /* -1 when absent */
    enum length length;
};

struct sink {
    char *buf;
    size_t size;        /* bytes at buf, including room for the NUL */
    size_t len;         /* characters produced so far, stored or not */
};

/* --- The sink. --- */

static void put_repeat(struct sink *s, char c, size_t n)
{
    size_t i;

    for ( i = 0; i < n && s->len + i + 1 < s->size; i++ )
        s->buf[s->len + i] = c;
    s->len += n;
}

static void put_mem(struct sink *s, const char *p, size_t n)
{
    size_t i;

    for ( i = 0; i < n && s->len + i + 1 < s->size; i++ )
        s->buf[s->len + i] = p[i];
    s->len += n;
}

/* Spaces needed to widen a field of len characters to the spec's width. */
static size_t pad_of(const struct spec *sp, size_t len)
{
    return (size_t)sp->width > len ? (size_t)sp->width - len : 0;
}

static void pad_before(struct sink *s, const struct spec *sp, size_t len)
{
    if ( !(sp->flags & FL_LEFT) )
        put_repeat(s, ' ', pad_of(sp, len));
}

static void pad_after(struct sink *s, const struct spec *sp, size_t len)
{
    if ( sp->flags & FL_LEFT )
        put_repeat(s, ' ', pad_of(sp, len));
}

/* --- Layout. --- */

/*
 * Write v in base into the bytes ending at end, last digit first. Returns
 * the number of digits (at least one).
 */
static size_t format_digits(char *end, unsigned long long v,
                            unsigned int base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        *--p = set[v % base];
        v /= base;
    } while ( v );

    return end - p;
}

static char sign_of(const struct spec *sp, bool negative)
{
    if ( negative )
        return '-';
    if ( !(sp->flags & FL_SIGNED) )
        return 0;
    if ( sp->flags & FL_PLUS )
        return '+';
    if ( sp->flags & FL_SPACE )
        return ' ';
    return 0;
}

static const char *prefix_of(const struct spec *sp, unsigned long long mag,
                             unsigned int base)
{
    if ( (sp->flags & FL_0X) ||
         (base == 16 && (sp->flags & FL_ALT) && mag) )
        return (sp->flags & FL_UPPER) ? "0X" : "0x";
    return "";
}

static void put_number(struct sink *s, const struct spec *sp,
                       unsigned long long mag, bool negative,
                       unsigned int base)
{
    char buf[24]; /* 22 octal digits of 2^64 - 1 */
    char *end = buf + sizeof(buf);
    char sign = sign_of(sp, negative);
    const char *prefix = prefix_of(sp, mag, base);
    size_t ndigits = 0, zeros = 0, len;

    if ( mag || sp->precision != 0 )
        ndigits = format_digits(end, mag, base, sp->flags & FL_UPPER);

    if ( sp->precision > 0 && (size_t)sp->precision > ndigits )
        zeros = sp->precision - ndigits;

    /* '#' with 'o': make sure the first digit printed is a 0. */
    if ( base == 8 && (sp->flags & FL_ALT) && !zeros &&
         (!ndigits || end[-ndigits] != '0') )
        zeros = 1;

    len = (sign != 0) + strlen(prefix) + zeros + ndigits;

    /* '0' pads with zeros only when there is no precision and no '-'. */
    if ( (sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO && sp->precision < 0 )
    {
        zeros += pad_of(sp, len);
        len += pad_of(sp, len);
    }

    pad_before(s, sp, len);
    if ( sign )
        put_repeat(s, sign, 1);
    put_mem(s, prefix, strlen(prefix));
    put_repeat(s, '0', zeros);
    put_mem(s, end - ndigits, ndigits);
    pad_after(s, sp, len);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
    size_t len;

    if ( !str )
        str = "(null)";
    len = sp->precision < 0 ? strlen(str) : strnlen(str, sp->precision);

    pad_before(s, sp, len);
    put_mem(s, str, len);
    pad_after(s, sp, len);
}

static void put_char(struct sink *s, const struct spec *sp, char c)
{
    pad_before(s, sp, 1);
    put_repeat(s, c, 1);
    pad_after(s, sp, 1);
}

static void put_address(struct sink *s, const struct spec *sp,
                        unsigned long addr)
{
    struct spec p = {
        .flags = (sp->flags & FL_LEFT) | FL_0X,
        .width = sp->width,
        .precision = 2 * sizeof(addr),
    };

    put_number(s, &p, addr, false, 16);
}

/*
 * %ps and %pS. Returns false, having printed nothing, when addr is in no
 * known symbol.
 */
static bool put_symbol(struct sink *s, const struct spec *sp,
                       unsigned long addr, bool with_offset)
{
    static const struct spec plain = { .precision = -1 };
    unsigned long size, offset;
    const char *name = symbols_lookup(addr, &size, &offset);
    char buf[48]; /* "+0x" 16 digits "/0x" 16 digits, and a NUL */
    struct sink tail = { .buf = buf, .size = sizeof(buf) };
    size_t len;

    if ( !name )
        return false;

    if ( with_offset )
    {
        put_mem(&tail, "+0x", 3);
        put_number(&tail, &plain, offset, false, 16);
        put_mem(&tail, "/0x", 3);
        put_number(&tail, &plain, size, false, 16);
    }

    len = strlen(name) + tail.len;
    pad_before(s, sp, len);
    put_mem(s, name, strlen(name));
    put_mem(s, buf, tail.len);
    pad_after(s, sp, len);

    return true;
}

/*
 * %p and its extensions. ext is the character after the 'p'; returns where
 * the format continues.
 */
static const char *put_pointer(struct sink *s, const struct spec *sp,
                               const void *ptr, const char *ext)
{
    unsigned long addr = (unsigned long)ptr;

    switch ( *ext )
    {
    case 'S':
    case 's':
        if ( !put_symbol(s, sp, addr, *ext == 'S') )
            put_address(s, sp, addr);
        return ext + 1;

    default:
        put_address(s, sp, addr);
        return ext;
    }
}

/* --- Arguments. --- */

static unsigned long long fetch_unsigned(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    case LEN_PTRDIFF:
        return (unsigned long long)va_arg(*ap, ptrdiff_t);
    case LEN_MAX:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static long long fetch_signed(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_CHAR:
        return (signed char)va_arg(*ap, int);
    case LEN_SHORT:
        return (short)va_arg(*ap, int);
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        return va_arg(*ap, ssize_t);
    case LEN_PTRDIFF:
        return va_arg(*ap, ptrdiff_t);
    case LEN_MAX:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static void put_signed(struct sink *s, const struct spec *sp, long long v)
{
    /* 0 - (unsigned)v is the magnitude even for LLONG_MIN. */
    if ( v < 0 )
        put_number(s, sp, 0ULL - (unsigned long long)v, true, 10);
    else
        put_number(s, sp, v, false, 10);
}

/* --- Parsing a specification. --- */

static const char *parse_flags(const char *fmt, unsigned int *flags)
{
    for ( ; ; fmt++ )
    {
        switch ( *fmt )
        {
        case '-': *flags |= FL_LEFT; break;
        case '+': *flags |= FL_PLUS; break;
        case ' ': *flags |= FL_SPACE; break;
        case '#': *flags |= FL_ALT; break;
        case '0': *flags |= FL_ZERO; break;
        default: return fmt;
        }
    }
}

/* Decimal digits, saturating at INT_MAX. */
static const char *parse_decimal(const char *fmt, int *val)
{
    int v = 0;

    for ( ; *fmt >= '0' && *fmt <= '9'; fmt++ )
    {
        int d = *fmt - '0';

        v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
    }
    *val = v;

    return fmt;
}

static const char *parse_width(const char *fmt, struct spec *sp, va_list *ap)
{
    int w;

    if ( *fmt != '*' )
        return parse_decimal(fmt, &sp->width);

    w = va_arg(*ap, int);
    if ( w < 0 )
    {
        sp->flags |= FL_LEFT;
        w = w == -INT_MAX - 1 ? INT_MAX : -w;
    }
    sp->width = w;

    return fmt + 1;
}

static const char *parse_precision(const char *fmt, struct spec *sp,
                                   va_list *ap)
{
    int p;

    sp->precision = -1;
    if ( *fmt != '.' )
        return fmt;
    fmt++;

    if ( *fmt != '*' )
        return parse_decimal(fmt, &sp->precision);

    p = va_arg(*ap, int);
    sp->precision = p < 0 ? -1 : p;

    return fmt + 1;
}

static const char *parse_length(const char *fmt, enum length *length)
{
    switch ( *fmt )
    {
    case 'h':
        if ( fmt[1] == 'h' )
        {
            *length = LEN_CHAR;
            return fmt + 2;
        }
        *length = LEN_SHORT;
        return fmt + 1;
    case 'l':
        if ( fmt[1] == 'l' )
        {
            *length = LEN_LLONG;
            return fmt + 2;
        }
        *length = LEN_LONG;
        return fmt + 1;
    case 'L': *length = LEN_LLONG; return fmt + 1;
    case 'z': *length = LEN_SIZE; return fmt + 1;
    case 't': *length = LEN_PTRDIFF; return fmt + 1;
    case 'j': *length = LEN_MAX; return fmt + 1;
    default: *length = LEN_INT; return fmt;
    }
}

/*
 * One conversion: fmt points at its '%'. Returns where the format
 * continues.
 */
static const char *convert(struct sink *s, const char *fmt, va_list *ap)
{
    const char *start = fmt;
    struct spec sp = { .flags = 0 };

    fmt = parse_flags(fmt + 1, &sp.flags);
    fmt = parse_width(fmt, &sp, ap);
    fmt = parse_precision(fmt, &sp, ap);
    fmt = parse_length(fmt, &sp.length);

    switch ( *fmt )
    {
    case 'd':
    case 'i':
        sp.flags |= FL_SIGNED;
        put_signed(s, &sp, fetch_signed(ap, sp.length));
        break;
    case 'u':
        put_number(s, &sp, fetch_unsigned(ap, sp.length), false, 10);
        break;
    case 'o':
        put_number(s, &sp, fetch_unsigned(ap, sp.length), false, 8);
        break;
    case 'X':
        sp.flags |= FL_UPPER;
        /* fall through */
    case 'x':
        put_number(s, &sp, fetch_unsigned(ap, sp.length), false, 16);
        break;
    case 'c':
        put_char(s, &sp, (char)va_arg(*ap, int));
        break;
    case 's':
        put_string(s, &sp, va_arg(*ap, const char *));
        break;
    case 'p':
        return put_pointer(s, &sp, va_arg(*ap, const void *), fmt + 1);
    case '%':
        put_repeat(s, '%', 1);
        break;
    case '\0':
        /* The format ends inside the specification. */
        put_mem(s, start, fmt - start);
        return fmt;
    default:
        put_mem(s, start, fmt + 1 - start);
        break;
    }

    return fmt + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct sink s = { .buf = buf, .size = size };
    va_list ap;

    /* A copy, so that helpers can take its address portably. */
    va_copy(ap, args);

    while ( *fmt )
    {
        const char *text = fmt;

        while ( *fmt && *fmt != '%' )
            fmt++;
        put_mem(&s, text, fmt - text);

        if ( *fmt == '%' )
            fmt = convert(&s, fmt, &ap);
    }

    va_end(ap);

    if ( size )
        buf[s.len < size ? s.len : size - 1] = '\0';

    return s.len > INT_MAX ? INT_MAX : (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(buf, size, fmt, args);
    va_end(args);

    return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    int n = vsnprintf(buf, size, fmt, args);

    if ( !size )
        return 0;

    return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = vscnprintf(buf, size, fmt, args);
    va_end(args);

    return n;
}
