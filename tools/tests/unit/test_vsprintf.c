/*
 * test_vsprintf.c: the hypervisor's printf family (common/vsprintf.c).
 *
 * sources.d/test_vsprintf.mk renames the hypervisor's functions to xen_*,
 * so both implementations live in this binary: xen_snprintf() is the one
 * under test, and the host C library's is reached as __builtin_snprintf()
 * and __builtin_vsnprintf(), which compile to calls to the real symbols.
 *
 * Where C defines the result, formats are checked against the host C
 * library: a hand-written table of interesting cases (each also checked at
 * every buffer size), and an exhaustive cross product of flags, widths,
 * precisions, length modifiers, conversions and boundary values. What is
 * Xen's own (%p, %pS/%ps, NULL under a precision, unknown conversions) is
 * checked against fixed strings with CHECK_FMT(), which also checks every
 * truncation of the expected output and scnprintf()'s count.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <xen/lib.h>
#include <xen/symbols.h>

#include "harness.h"

typedef int (*vformat_fn)(char *buf, size_t size, const char *fmt,
                          va_list args);

static int host_vsnprintf(char *buf, size_t size, const char *fmt,
                          va_list args)
{
    return __builtin_vsnprintf(buf, size, fmt, args);
}

/* Call f with a variable argument list; formats are not checked here. */
static int run(vformat_fn f, char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = f(buf, size, fmt, args);
    va_end(args);

    return n;
}

/* --- A fake symbol table for %pS / %ps. --- */

#define SYM_BASE 0xffff82d040200000UL

static const struct {
    const char *name;
    unsigned long start, size;
} symtab[] = {
    { "do_thing",      SYM_BASE,         0x40 },
    { "start_xen",     SYM_BASE + 0x40,  0x1234 },
    { "a_rather_long_function_name", SYM_BASE + 0x2000, 0x10 },
};

static unsigned long last_lookup;

const char *symbols_lookup(unsigned long addr, unsigned long *size,
                           unsigned long *offset)
{
    unsigned int i;

    last_lookup = addr;
    for ( i = 0; i < ARRAY_SIZE(symtab); i++ )
    {
        if ( addr - symtab[i].start < symtab[i].size )
        {
            *size = symtab[i].size;
            *offset = addr - symtab[i].start;
            return symtab[i].name;
        }
    }

    return NULL;
}

/* --- Checking one format against an expected string. --- */

#define SENTINEL '\x5a'
#define BUF_SIZE 512

/* Something that formats into (buf, size): a format and its arguments. */
typedef int (*produce_fn)(char *buf, size_t size, void *ctx);

/*
 * Produce into a buffer of the given size, prefilled with SENTINEL beyond
 * which lies more SENTINEL, and check the C contract against the
 * untruncated output expect: the return value is its length, the stored
 * text is its longest prefix that fits with the NUL, and nothing else is
 * touched. A size of 0 passes a NULL buffer.
 */
static void check_sized(const char *file, int line, const char *fmt,
                        const char *expect, size_t size, produce_fn produce,
                        void *ctx)
{
    char buf[BUF_SIZE + 1];
    size_t len = strlen(expect), stored = 0, i;
    bool ok;
    int n;

    memset(buf, SENTINEL, sizeof(buf));
    n = produce(size ? buf : NULL, size, ctx);
    harness_check_int(n, len, fmt, "expected length", file, line);

    if ( size )
    {
        stored = len < size ? len : size - 1;
        ok = !memcmp(buf, expect, stored) && buf[stored] == '\0';
        harness_check(ok, "truncated output is a NUL-terminated prefix",
                      file, line);
        stored++;
    }
    for ( i = stored, ok = true; i < sizeof(buf); i++ )
        ok &= buf[i] == SENTINEL;
    harness_check(ok, "bytes beyond the output are untouched", file, line);
}

/* A format and its arguments as a producer, for check_fmt(). */
struct va_ctx {
    const char *fmt;
    va_list args;
};

static int produce_va(char *buf, size_t size, void *ctx)
{
    struct va_ctx *v = ctx;
    va_list copy;
    int n;

    va_copy(copy, v->args);
    n = xen_vsnprintf(buf, size, v->fmt, copy);
    va_end(copy);

    return n;
}

static int produce_va_scn(char *buf, size_t size, void *ctx)
{
    struct va_ctx *v = ctx;
    va_list copy;
    int n;

    va_copy(copy, v->args);
    n = xen_vscnprintf(buf, size, v->fmt, copy);
    va_end(copy);

    return n;
}

/*
 * Check that fmt with its arguments formats as expect, at every buffer
 * size from 0 to past its length, and that scnprintf() returns what it
 * stored: the length, or size - 1 when truncated, or 0 when size is 0.
 */
static void check_fmt(const char *file, int line, const char *expect,
                      const char *fmt, ...)
{
    size_t len = strlen(expect), size;
    struct va_ctx v = { .fmt = fmt };
    char buf[BUF_SIZE];
    int want;

    va_start(v.args, fmt);

    produce_va(buf, sizeof(buf), &v);
    /* When the text is wrong, every size would fail too: say it once. */
    if ( !harness_check_str(buf, expect, fmt, "expected", file, line) )
        size = BUF_SIZE;
    else
        size = 0;

    for ( ; size <= len + 2 && size < BUF_SIZE; size++ )
    {
        check_sized(file, line, fmt, expect, size, produce_va, &v);

        want = !size ? 0 : len < size ? (int)len : (int)size - 1;
        harness_check_int(produce_va_scn(buf, size, &v), want, fmt,
                          "scnprintf count", file, line);
    }

    va_end(v.args);
}

#define CHECK_FMT(expect, ...) \
    check_fmt(__FILE__, __LINE__, expect, __VA_ARGS__)

/* --- A table of formats compared with the host C library. --- */

enum arg_kind {
    A_NONE, A_INT, A_UINT, A_LONG, A_ULONG, A_LLONG, A_ULLONG,
    A_SSIZE, A_SIZE, A_PTRDIFF, A_INTMAX, A_UINTMAX,
    A_CHAR, A_STR,
    A_W_INT,    /* '*' width, then an int */
    A_WP_INT,   /* '*' width, '*' precision, then an int */
    A_W_STR,    /* '*' width, then a string */
    A_P_STR,    /* '*' precision, then a string */
};

struct fmt_case {
    const char *fmt;
    enum arg_kind kind;
    long long v;        /* integer or character argument */
    const char *s;      /* string argument */
    int w, p;           /* '*' arguments */
};

#define K(f, k, x)      { f, k, (long long)(x), NULL, 0, 0 }
#define S(f, str)       { f, A_STR, 0, str, 0, 0 }
#define WI(f, w, x)     { f, A_W_INT, x, NULL, w, 0 }
#define WPI(f, w, p, x) { f, A_WP_INT, x, NULL, w, p }
#define WS(f, w, str)   { f, A_W_STR, 0, str, w, 0 }
#define PS(f, p, str)   { f, A_P_STR, 0, str, 0, p }

static const struct fmt_case cases[] = {
    K("", A_NONE, 0),
    K("plain text", A_NONE, 0),
    K("100%%", A_NONE, 0),
    K("%%%%", A_NONE, 0),
    K("%5%", A_NONE, 0),

    /* d, i: flags, width, precision. */
    K("%d", A_INT, 0),
    K("%d", A_INT, 42),
    K("%i", A_INT, -42),
    K("%d", A_INT, INT_MAX),
    K("%d", A_INT, INT_MIN),
    K("%+d", A_INT, 42),
    K("%+d", A_INT, 0),
    K("% d", A_INT, 42),
    K("% d", A_INT, -42),
    K("%+ d", A_INT, 42),
    K("%5d|", A_INT, 42),
    K("%-5d|", A_INT, 42),
    K("%05d", A_INT, 42),
    K("%05d", A_INT, -42),
    K("%+05d", A_INT, 42),
    K("% 05d", A_INT, 42),
    K("%-05d|", A_INT, -42),
    K("%.5d", A_INT, 42),
    K("%.5d", A_INT, -42),
    K("%8.5d", A_INT, -42),
    K("%-8.5d|", A_INT, -42),
    K("%08.5d", A_INT, 42),
    K("%1d", A_INT, 12345),
    K("%.1d", A_INT, 12345),
    K("%.0d", A_INT, 0),
    K("%.d", A_INT, 0),
    K("%5.0d|", A_INT, 0),
    K("%-5.0d|", A_INT, 0),
    K("%+.0d", A_INT, 0),
    K("% .0d", A_INT, 0),
    K("%.0d", A_INT, 7),
    K("%.40d", A_INT, -1),
    K("%60d", A_INT, 1),
    K("%060d", A_INT, -1),
    K("%#d", A_INT, 42),

    /* u, o, x, X. */
    K("%u", A_UINT, 0),
    K("%u", A_UINT, UINT_MAX),
    K("%u", A_INT, -1),
    K("%+u", A_UINT, 5),
    K("% u", A_UINT, 5),
    K("%o", A_UINT, 8),
    K("%#o", A_UINT, 8),
    K("%#o", A_UINT, 0),
    K("%#.0o", A_UINT, 0),
    K("%.0o", A_UINT, 0),
    K("%#5o|", A_UINT, 8),
    K("%#05o", A_UINT, 8),
    K("%#.3o", A_UINT, 8),
    K("%#.2o", A_UINT, 8),
    K("%#.3o", A_UINT, 0777),
    K("%x", A_UINT, 0xdeadbeef),
    K("%X", A_UINT, 0xdeadbeef),
    K("%#x", A_UINT, 0xbeef),
    K("%#X", A_UINT, 0xbeef),
    K("%#x", A_UINT, 0),
    K("%#.0x", A_UINT, 0),
    K("%.0x", A_UINT, 0),
    K("%#10x|", A_UINT, 0x2a),
    K("%#-10x|", A_UINT, 0x2a),
    K("%#010x", A_UINT, 0x2a),
    K("%#010X", A_UINT, 0x2a),
    K("%#.6x", A_UINT, 0x2a),
    K("%#12.6x|", A_UINT, 0x2a),
    K("%08x", A_UINT, 0xbeef),

    /* Length modifiers. */
    K("%hhd", A_INT, 200),
    K("%hhd", A_INT, -128),
    K("%hhu", A_INT, -1),
    K("%hhx", A_INT, 0x1234),
    K("%hd", A_INT, 70000),
    K("%hd", A_INT, -32768),
    K("%hu", A_INT, -1),
    K("%hx", A_INT, 0x123456),
    K("%ld", A_LONG, LONG_MIN),
    K("%lu", A_ULONG, ULONG_MAX),
    K("%lx", A_ULONG, 0xffff82d040200000UL),
    K("%lld", A_LLONG, LLONG_MIN),
    K("%lld", A_LLONG, LLONG_MAX),
    K("%llu", A_ULLONG, ULLONG_MAX),
    K("%llo", A_ULLONG, ULLONG_MAX),
    K("%#llo", A_ULLONG, ULLONG_MAX),
    K("%#llX", A_ULLONG, ULLONG_MAX),
    K("%+lli", A_LLONG, 1),
    K("%zd", A_SSIZE, -1),
    K("%zu", A_SIZE, SIZE_MAX),
    K("%zx", A_SIZE, 0x1000),
    K("%td", A_PTRDIFF, PTRDIFF_MIN),
    K("%tx", A_PTRDIFF, -1),
    K("%jd", A_INTMAX, INTMAX_MIN),
    K("%ju", A_UINTMAX, UINTMAX_MAX),
    K("%020lld|", A_LLONG, LLONG_MIN),
    K("%-25lld|", A_LLONG, LLONG_MIN),
    K("%.25lld", A_LLONG, LLONG_MIN),

    /* c, s. */
    K("%c", A_CHAR, 'x'),
    K("%5c|", A_CHAR, 'x'),
    K("%-5c|", A_CHAR, 'x'),
    K("%05c|", A_CHAR, 'x'),
    K("%c", A_CHAR, 0x141), /* converted to unsigned char: 'A' */
    K("[%c%c]", A_CHAR, 'y'),
    S("%s", ""),
    S("%s", "hello"),
    S("%10s|", "hello"),
    S("%-10s|", "hello"),
    S("%05s|", "hello"),
    S("%2s|", "hello"),
    S("%.3s|", "hello"),
    S("%.0s|", "hello"),
    S("%.10s|", "hello"),
    S("%8.3s|", "hello"),
    S("%-8.3s|", "hello"),
    S("%.s|", "hello"),
    S("a %s b %s c", "mid"),

    /* '*' width and precision. */
    WI("%*d|", 6, 42),
    WI("%*d|", -6, 42),
    WI("%-*d|", -6, 42),
    WI("%0*d|", 6, -42),
    WI("%*d|", 0, 42),
    WI("%.*d|", 5, 42),
    WI("%.*d|", -1, 42),
    WI("%.*d|", 0, 0),
    WPI("%*.*d|", 8, 4, 42),
    WPI("%*.*d|", -8, 4, -42),
    WPI("%0*.*d|", 8, -1, 42),
    WPI("%#*.*x|", 10, 4, 0xab),
    WS("%*s|", 7, "abc"),
    WS("%*s|", -7, "abc"),
    PS("%.*s|", 2, "abc"),
    PS("%.*s|", -1, "abc"),
    PS("%.*s|", 0, "abc"),
};

static int format_case(vformat_fn f, char *buf, size_t size,
                       const struct fmt_case *c)
{
    switch ( c->kind )
    {
    case A_NONE:
        return run(f, buf, size, c->fmt);
    case A_INT:
        return run(f, buf, size, c->fmt, (int)c->v);
    case A_UINT:
        return run(f, buf, size, c->fmt, (unsigned int)c->v);
    case A_LONG:
        return run(f, buf, size, c->fmt, (long)c->v);
    case A_ULONG:
        return run(f, buf, size, c->fmt, (unsigned long)c->v);
    case A_LLONG:
        return run(f, buf, size, c->fmt, (long long)c->v);
    case A_ULLONG:
        return run(f, buf, size, c->fmt, (unsigned long long)c->v);
    case A_SSIZE:
        return run(f, buf, size, c->fmt, (ssize_t)c->v);
    case A_SIZE:
        return run(f, buf, size, c->fmt, (size_t)c->v);
    case A_PTRDIFF:
        return run(f, buf, size, c->fmt, (ptrdiff_t)c->v);
    case A_INTMAX:
        return run(f, buf, size, c->fmt, (intmax_t)c->v);
    case A_UINTMAX:
        return run(f, buf, size, c->fmt, (uintmax_t)c->v);
    case A_CHAR:
        return run(f, buf, size, c->fmt, (int)c->v, (int)c->v + 1);
    case A_STR:
        return run(f, buf, size, c->fmt, c->s, c->s);
    case A_W_INT:
        return run(f, buf, size, c->fmt, c->w, (int)c->v);
    case A_WP_INT:
        return run(f, buf, size, c->fmt, c->w, c->p, (int)c->v);
    case A_W_STR:
        return run(f, buf, size, c->fmt, c->w, c->s);
    case A_P_STR:
        return run(f, buf, size, c->fmt, c->p, c->s);
    }

    return -1;
}

static int produce_case(char *buf, size_t size, void *ctx)
{
    return format_case(xen_vsnprintf, buf, size, ctx);
}

TEST(table_matches_host_libc)
{
    char expect[BUF_SIZE], got[BUF_SIZE];
    unsigned int i;
    size_t size;

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        const struct fmt_case *c = &cases[i];
        int n = format_case(host_vsnprintf, expect, sizeof(expect), c);

        CHECK_EQ(format_case(xen_vsnprintf, got, sizeof(got), c), n);
        harness_check_str(got, expect, c->fmt, "host libc", __FILE__,
                          __LINE__);

        for ( size = 0; size <= (size_t)n + 2; size++ )
            check_sized(__FILE__, __LINE__, c->fmt, expect, size,
                        produce_case, (void *)c);
    }
}

/* --- The cross product. --- */

static const char *const flag_sets[] = {
    "", "-", "+", " ", "#", "0", "-0", "+0", " 0", "#0", "-#", "+ ", "-+ #0",
};
static const char *const widths[] = { "", "1", "5", "12", "25" };
static const char *const precisions[] = {
    "", ".", ".0", ".1", ".3", ".10", ".25",
};
static const char *const lengths[] = {
    "", "hh", "h", "l", "ll", "z", "t", "j",
};
static const char conversions[] = "diuoxX";
static const unsigned long long values[] = {
    0, 1, -1ULL, 7, 8, 42, -42ULL, 127, 128, 255, 256, 32767, -32768ULL,
    65535, INT_MAX, INT_MIN, UINT_MAX, 0x123456789ULL, LLONG_MAX, LLONG_MIN,
    ULLONG_MAX,
};

static int format_int(vformat_fn f, char *buf, const char *fmt,
                      const char *length, char conv, unsigned long long v)
{
    bool sgn = conv == 'd' || conv == 'i';

    switch ( length[0] == 'l' && length[1] == 'l' ? 'L' : length[0] )
    {
    case 'l':
        return sgn ? run(f, buf, BUF_SIZE, fmt, (long)v)
                   : run(f, buf, BUF_SIZE, fmt, (unsigned long)v);
    case 'L':
        return sgn ? run(f, buf, BUF_SIZE, fmt, (long long)v)
                   : run(f, buf, BUF_SIZE, fmt, (unsigned long long)v);
    case 'z':
        return sgn ? run(f, buf, BUF_SIZE, fmt, (ssize_t)v)
                   : run(f, buf, BUF_SIZE, fmt, (size_t)v);
    case 't':
        return run(f, buf, BUF_SIZE, fmt, (ptrdiff_t)v);
    case 'j':
        return sgn ? run(f, buf, BUF_SIZE, fmt, (intmax_t)v)
                   : run(f, buf, BUF_SIZE, fmt, (uintmax_t)v);
    default: /* none, h, hh: promoted to int */
        return sgn ? run(f, buf, BUF_SIZE, fmt, (int)v)
                   : run(f, buf, BUF_SIZE, fmt, (unsigned int)v);
    }
}

/* Compare one format over every value; returns the number of mismatches. */
static unsigned int compare_int_format(const char *fmt, const char *length,
                                       char conv, unsigned int reported)
{
    char expect[BUF_SIZE], got[BUF_SIZE];
    unsigned int i, bad = 0;

    for ( i = 0; i < ARRAY_SIZE(values); i++ )
    {
        int n = format_int(host_vsnprintf, expect, fmt, length, conv,
                           values[i]);
        int m = format_int(xen_vsnprintf, got, fmt, length, conv, values[i]);

        if ( n == m && !strcmp(got, expect) )
            continue;
        /* Report the first few in full, then only count. */
        if ( reported + bad < 20 )
        {
            printf("  mismatch: \"%s\" with %#llx: \"%s\" (%d)"
                   " vs \"%s\" (%d)\n", fmt, values[i], got, m, expect, n);
        }
        bad++;
    }

    return bad;
}

#define NR(a) ((unsigned int)ARRAY_SIZE(a))

TEST(integer_cross_product_matches_host_libc)
{
    unsigned int total = NR(flag_sets) * NR(widths) * NR(precisions) *
                         NR(lengths) * (NR(conversions) - 1);
    unsigned int i, bad = 0;
    char fmt[32];

    for ( i = 0; i < total; i++ )
    {
        unsigned int k = i;
        char conv = conversions[k % (NR(conversions) - 1)];
        const char *length = lengths[(k /= NR(conversions) - 1) % NR(lengths)];
        const char *prec = precisions[(k /= NR(lengths)) % NR(precisions)];
        const char *width = widths[(k /= NR(precisions)) % NR(widths)];
        const char *flags = flag_sets[(k /= NR(widths)) % NR(flag_sets)];

        __builtin_snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", flags, width,
                           prec, length, conv);
        bad += compare_int_format(fmt, length, conv, bad);
    }

    CHECK_EQ(bad, 0);
}

TEST(string_cross_product_matches_host_libc)
{
    static const char *const strs[] = { "", "a", "hello", "a longer string" };
    static const char *const sflags[] = { "", "-" };
    unsigned int total = NR(sflags) * NR(widths) * NR(precisions) * NR(strs);
    char fmt[32], expect[BUF_SIZE], got[BUF_SIZE];
    unsigned int i;

    for ( i = 0; i < total; i++ )
    {
        unsigned int k = i;
        const char *str = strs[k % NR(strs)];
        const char *prec = precisions[(k /= NR(strs)) % NR(precisions)];
        const char *width = widths[(k /= NR(precisions)) % NR(widths)];
        const char *flags = sflags[(k /= NR(widths)) % NR(sflags)];
        int n, m;

        __builtin_snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flags, width,
                           prec);
        n = run(host_vsnprintf, expect, sizeof(expect), fmt, str);
        m = run(xen_vsnprintf, got, sizeof(got), fmt, str);
        CHECK_EQ(m, n);
        harness_check_str(got, expect, fmt, "host libc", __FILE__, __LINE__);
    }
}

/* --- Behaviour that is the hypervisor's own. --- */

TEST(integer_boundaries)
{
    CHECK_FMT("-2147483648", "%d", INT_MIN);
    CHECK_FMT("2147483647", "%d", INT_MAX);
    CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
    CHECK_FMT("-9223372036854775808", "%ld", LONG_MIN);
    CHECK_FMT("18446744073709551615", "%llu", ULLONG_MAX);
    CHECK_FMT("1777777777777777777777", "%llo", ULLONG_MAX);
    CHECK_FMT("ffffffffffffffff", "%Lx", ULLONG_MAX);
    CHECK_FMT("-128 255 -1 65535", "%hhd %hhu %hd %hu", 128, -1, 65535, -1);
}

TEST(zero_with_precision_zero)
{
    CHECK_FMT("[]", "[%.0d]", 0);
    CHECK_FMT("[]", "[%.0u]", 0);
    CHECK_FMT("[]", "[%.0x]", 0);
    CHECK_FMT("[]", "[%#.0x]", 0);
    CHECK_FMT("[0]", "[%#.0o]", 0);
    CHECK_FMT("[+]", "[%+.0d]", 0);
    CHECK_FMT("[   ]", "[%3.0d]", 0);
    CHECK_FMT("[   ]", "[%03.0d]", 0);
    CHECK_FMT("[0]", "[%d]", 0);
}

TEST(null_string)
{
    CHECK_FMT("(null)", "%s", (char *)NULL);
    CHECK_FMT("  (null)|", "%8s|", (char *)NULL);
    CHECK_FMT("(null)  |", "%-8s|", (char *)NULL);
    CHECK_FMT("(nu|", "%.3s|", (char *)NULL);
    CHECK_FMT("|", "%.0s|", (char *)NULL);
}

TEST(string_precision_does_not_read_past_it)
{
    char unterminated[3] = { 'a', 'b', 'c' };

    CHECK_FMT("abc|", "%.3s|", unterminated);
    CHECK_FMT("ab|", "%.2s|", unterminated);
}

TEST(pointer_plain)
{
    CHECK_FMT("0x0000000000000000", "%p", NULL);
    CHECK_FMT("0xffff82d040200000", "%p", (void *)0xffff82d040200000UL);
    CHECK_FMT("0x0000000000001234", "%p", (void *)0x1234);
    CHECK_FMT("  0x0000000000001234|", "%20p|", (void *)0x1234);
    CHECK_FMT("0x0000000000001234  |", "%-20p|", (void *)0x1234);
    CHECK_FMT("0x0000000000001234", "%5p", (void *)0x1234);
    /* Flags that mean nothing for %p do not change it. */
    CHECK_FMT("0x0000000000001234", "%+#p", (void *)0x1234);
    CHECK_FMT("  0x0000000000001234", "%020p", (void *)0x1234);
}

TEST(pointer_unknown_extension_is_text)
{
    CHECK_FMT("0x0000000000001234X", "%pX", (void *)0x1234);
    CHECK_FMT("0x0000000000001234K", "%pK", (void *)0x1234);
    CHECK_FMT("0x00000000000012349", "%p9", (void *)0x1234);
    CHECK_FMT("0x0000000000001234 x", "%p x", (void *)0x1234);
    CHECK_FMT("0x0000000000001234 %", "%p %%", (void *)0x1234);
}

TEST(pointer_symbol)
{
    CHECK_FMT("do_thing+0x10/0x40", "%pS", (void *)(SYM_BASE + 0x10));
    CHECK(last_lookup == SYM_BASE + 0x10);
    CHECK_FMT("do_thing+0x0/0x40", "%pS", (void *)SYM_BASE);
    CHECK_FMT("do_thing+0x3f/0x40", "%pS", (void *)(SYM_BASE + 0x3f));
    CHECK_FMT("start_xen+0x0/0x1234", "%pS", (void *)(SYM_BASE + 0x40));
    CHECK_FMT("start_xen+0x1233/0x1234", "%pS",
              (void *)(SYM_BASE + 0x40 + 0x1233));
    CHECK_FMT("do_thing", "%ps", (void *)(SYM_BASE + 0x10));
    CHECK_FMT("do_thing", "%ps", (void *)SYM_BASE);
    CHECK_FMT("a_rather_long_function_name+0xf/0x10", "%pS",
              (void *)(SYM_BASE + 0x200f));
    CHECK_FMT("in a_rather_long_function_name here", "in %ps here",
              (void *)(SYM_BASE + 0x2000));
}

TEST(pointer_symbol_width)
{
    CHECK_FMT("    do_thing|", "%12ps|", (void *)SYM_BASE);
    CHECK_FMT("do_thing    |", "%-12ps|", (void *)SYM_BASE);
    CHECK_FMT("    do_thing+0x1/0x40|", "%21pS|", (void *)(SYM_BASE + 1));
    CHECK_FMT("do_thing+0x1/0x40|", "%3pS|", (void *)(SYM_BASE + 1));
}

TEST(pointer_symbol_unknown_falls_back_to_hex)
{
    CHECK_FMT("0x0000000000001234", "%pS", (void *)0x1234);
    CHECK_FMT("0x0000000000001234", "%ps", (void *)0x1234);
    /* Just past the end of the last symbol. */
    CHECK_FMT("0xffff82d040202010", "%pS", (void *)(SYM_BASE + 0x2010));
    CHECK_FMT("0x0000000000000000 end", "%ps end", NULL);
    CHECK_FMT("[  0x0000000000001234]", "[%20pS]", (void *)0x1234);
}

TEST(unknown_conversions_are_literal)
{
    CHECK_FMT("%y", "%y");
    CHECK_FMT("a%yb", "a%yb");
    CHECK_FMT("%5.2k", "%5.2k");
    CHECK_FMT("%-#0+ 3k", "%-#0+ 3k");
    CHECK_FMT("%lq", "%lq");
    CHECK_FMT("%hhw", "%hhw");
    CHECK_FMT("%n", "%n");
    CHECK_FMT("%f", "%f");
    /* An unknown conversion consumes no argument. */
    CHECK_FMT("%y 5", "%y %d", 5);
    CHECK_FMT("%5.2kx", "%5.2k%s", "x");
}

TEST(format_ending_inside_a_specification)
{
    CHECK_FMT("%", "%");
    CHECK_FMT("abc%", "abc%");
    CHECK_FMT("%-", "%-");
    CHECK_FMT("%5", "%5");
    CHECK_FMT("%.", "%.");
    CHECK_FMT("%ll", "%ll");
    CHECK_FMT("7%", "%d%", 7);
}

TEST(percent)
{
    CHECK_FMT("%", "%%");
    CHECK_FMT("100%", "100%%");
    CHECK_FMT("%d", "%%d", 5);
    CHECK_FMT("%", "%5%");
}

TEST(char_conversion)
{
    char buf[8];

    CHECK_FMT("x", "%c", 'x');
    CHECK_FMT("    x|", "%5c|", 'x');
    CHECK_FMT("x    |", "%-5c|", 'x');

    /* A NUL character counts and is stored like any other. */
    memset(buf, SENTINEL, sizeof(buf));
    CHECK_EQ(xen_snprintf(buf, sizeof(buf), "a%cb", 0), 3);
    CHECK(buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b' && buf[3] == '\0');
}

TEST(star_width_and_precision)
{
    CHECK_FMT("   42|", "%*d|", 5, 42);
    CHECK_FMT("42   |", "%*d|", -5, 42);
    CHECK_FMT("00042|", "%.*d|", 5, 42);
    CHECK_FMT("42|", "%.*d|", -3, 42);
    CHECK_FMT("  he|", "%*.*s|", 4, 2, "hello");
    CHECK_FMT("hello|", "%.*s|", -1, "hello");
    CHECK_FMT("   0x0000000000000010|", "%*p|", 21, (void *)0x10);
}

TEST(huge_width_is_counted_not_stored)
{
    char buf[16];

    CHECK_EQ(xen_snprintf(buf, sizeof(buf), "%100000d", 1), 100000);
    CHECK_STREQ(buf, "               ");
    CHECK_EQ(xen_snprintf(buf, sizeof(buf), "%-100000d", 1), 100000);
    CHECK_STREQ(buf, "1              ");
    CHECK_EQ(xen_snprintf(NULL, 0, "%.100000d", 1), 100000);
    /* A width too large for an int saturates instead of wrapping. */
    CHECK_EQ(run(xen_vsnprintf, NULL, 0, "%99999999999999999999d", 1),
             INT_MAX);
}

TEST(size_zero_writes_nothing)
{
    char buf[4] = { 'x', 'y', 'z', 'w' };

    CHECK_EQ(xen_snprintf(NULL, 0, "%d", 12345), 5);
    CHECK_EQ(xen_snprintf(buf, 0, "%s", "hello"), 5);
    CHECK(buf[0] == 'x' && buf[3] == 'w');
    CHECK_EQ(xen_scnprintf(buf, 0, "%s", "hello"), 0);
    CHECK(buf[0] == 'x');
}

TEST(scnprintf_counts_stored_characters)
{
    char buf[8];

    CHECK_EQ(xen_scnprintf(buf, sizeof(buf), "%s", "hello"), 5);
    CHECK_EQ(xen_scnprintf(buf, sizeof(buf), "%s", "hello world"), 7);
    CHECK_STREQ(buf, "hello w");
    CHECK_EQ(xen_scnprintf(buf, 1, "%s", "hello"), 0);
    CHECK_STREQ(buf, "");
    CHECK_EQ(xen_scnprintf(buf, sizeof(buf), "%s", ""), 0);
    CHECK_EQ(xen_scnprintf(buf, sizeof(buf), "%s", "1234567"), 7);
    CHECK_EQ(xen_scnprintf(buf, sizeof(buf), "%s", "12345678"), 7);
}

TEST(several_conversions_in_sequence)
{
    CHECK_FMT("cpu 3: mfn 0x1a2b, d1v0 at do_thing+0x4/0x40 (ok)",
              "cpu %u: mfn %#lx, d%dv%d at %pS (%s)", 3, 0x1a2bUL, 1, 0,
              (void *)(SYM_BASE + 4), "ok");
    CHECK_FMT("[ -7|+7 |0x0007|  x|(null)]",
              "[%3d|%-+3d|%#06x|%3c|%s]", -7, 7, 7, 'x', (char *)NULL);
}

TEST(printk_goes_through_the_hypervisor_formatter)
{
    printk("%pS\n", (void *)(SYM_BASE + 2));
    CHECK_LOG("do_thing+0x2/0x40");
}
