/*
 * lib.c: number and word parsing for boot options and other text input.
 *
 * Theory of operation
 * -------------------
 * The hypervisor reads text in very few places (the command line, a few
 * debug-key and console inputs), so the parsers here are small and strict
 * rather than general:
 *
 *  - Numbers: simple_strtoul(), simple_strtoull() and simple_strtol() read
 *    digits in the given base (2..36). Base 0 picks the base from the text:
 *    "0x"/"0X" followed by a hex digit means 16, any other leading '0'
 *    means 8, else 10. Base 16 accepts the same optional "0x" prefix. No
 *    white space is skipped; only simple_strtol() accepts a sign ('+' or
 *    '-'). When no digit can be read, the result is 0 and *endp is the
 *    start of the input, so "no number here" is always visible.
 *
 *  - Overflow: these functions never return a wrapped value, and they
 *    have no errno to report one. Instead they stop *before* the digit
 *    that would take the value out of range, and *endp points at it: a
 *    caller that insists on reaching the end of its field (as the boot
 *    option parser does) sees an unconsumed digit and rejects the input.
 *    parse_size_and_unit() follows the same rule for its unit: a unit
 *    that would overflow the scaled value is left unconsumed.
 *
 *  - Sizes: parse_size_and_unit() is a base-0 number followed by an
 *    optional K, M, G or T (either case, powers of 1024) and an optional
 *    B, so "4096", "4096B", "512k", "16MB" and "1t" all work.
 *
 *  - Booleans: parse_bool() knows exactly the ten words Xen users write
 *    (1/yes/true/on/enable, 0/no/false/off/disable), case-sensitively, and
 *    nothing else, so a typo is reported rather than guessed at.
 */

#include <xen/lib.h>
#include <xen/string.h>

/* The value of character c as a digit, or 36 (more than any base) if none. */
static unsigned int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 36;
}

static bool has_hex_prefix(const char *cp)
{
    return cp[0] == '0' && (cp[1] == 'x' || cp[1] == 'X') &&
           digit_value(cp[2]) < 16;
}

/*
 * Read an unsigned magnitude of at most limit from cp. Base 0 and 16 are
 * resolved here; see the comment at the top of the file for the rules.
 */
static unsigned long long parse_magnitude(const char *cp, const char **endp,
                                          unsigned int base,
                                          unsigned long long limit)
{
    const char *start = cp;
    unsigned long long val = 0;
    unsigned int d;

    if ( base == 0 )
    {
        if ( has_hex_prefix(cp) )
            base = 16;
        else if ( cp[0] == '0' )
            base = 8;
        else
            base = 10;
    }
    if ( base == 16 && has_hex_prefix(cp) )
        cp += 2;

    if ( base < 2 || base > 36 || digit_value(*cp) >= base )
    {
        if ( endp )
            *endp = start;
        return 0;
    }

    for ( ; (d = digit_value(*cp)) < base; cp++ )
    {
        if ( val > (limit - d) / base )
            break; /* val * base + d would exceed limit: stop before it. */
        val = val * base + d;
    }

    if ( endp )
        *endp = cp;
    return val;
}

unsigned long long simple_strtoull(const char *cp, const char **endp,
                                   unsigned int base)
{
    return parse_magnitude(cp, endp, base, ~0ULL);
}

unsigned long simple_strtoul(const char *cp, const char **endp,
                             unsigned int base)
{
    return parse_magnitude(cp, endp, base, ~0UL);
}

long simple_strtol(const char *cp, const char **endp, unsigned int base)
{
    const unsigned long long long_max = ~0UL >> 1;
    bool negative = cp[0] == '-';
    const char *digits = cp + (cp[0] == '-' || cp[0] == '+');
    const char *end;
    unsigned long long mag;

    /* -LONG_MIN is one more than LONG_MAX. */
    mag = parse_magnitude(digits, &end, base, long_max + negative);
    if ( end == digits )
        end = cp; /* A lone sign is not a number. */
    if ( endp )
        *endp = end;

    /* GNU C converts out-of-range unsigned values to signed modulo 2^n. */
    return negative ? (long)(0ULL - mag) : (long)mag;
}

/* The binary shift for a size unit letter, or -1 if c is not one. */
static int unit_shift(char c)
{
    switch ( c )
    {
    case 'K': case 'k':
        return 10;
    case 'M': case 'm':
        return 20;
    case 'G': case 'g':
        return 30;
    case 'T': case 't':
        return 40;
    default:
        return -1;
    }
}

unsigned long long parse_size_and_unit(const char *s, const char **endp)
{
    const char *cp;
    unsigned long long val = simple_strtoull(s, &cp, 0);
    int shift;

    if ( cp == s )
        goto out; /* No number: nothing consumed. */

    shift = unit_shift(*cp);
    if ( shift > 0 )
    {
        if ( val > (~0ULL >> shift) )
            goto out; /* Scaling would overflow: leave the unit unread. */
        val <<= shift;
        cp++;
    }
    if ( *cp == 'B' || *cp == 'b' )
        cp++;

 out:
    if ( endp )
        *endp = cp;
    return val;
}

int parse_bool(const char *s, int len)
{
    static const char *const words[2][5] = {
        { "0", "no", "false", "off", "disable" },
        { "1", "yes", "true", "on", "enable" },
    };
    unsigned int val, i;

    if ( !s )
        return -1;
    if ( len < 0 )
        len = strlen(s);

    for ( val = 0; val < 2; val++ )
        for ( i = 0; i < ARRAY_SIZE(words[val]); i++ )
            if ( strlen(words[val][i]) == (size_t)len &&
                 !memcmp(s, words[val][i], len) )
                return val;

    return -1;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
