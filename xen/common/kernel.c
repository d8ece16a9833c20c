/*
 * kernel.c: the boot command line, split into words and applied to the
 * boot-parameter registry (see xen/param.h for the user-visible syntax).
 *
 * Theory of operation
 * -------------------
 * Words. A command line is a sequence of words separated by runs of white
 * space (spaces and tabs; stray CR/LF count too). A double quote toggles
 * quoting: inside quotes white space belongs to the word, and the quote
 * characters themselves are dropped, so `console="com1 vga"` and
 * `"console=com1 vga"` are the same word. An unterminated quote runs to
 * the end of the line. The command line itself is never written to: each
 * word is copied, unquoted, into a bounded buffer on the stack (WORD_MAX
 * bytes); a longer word is reported and skipped as a whole.
 *
 * Separator. The first unquoted word that is exactly "--" ends the
 * hypervisor's part; what follows belongs to dom0. Hence " -- ", a leading
 * "-- " and a trailing " --" all separate, while "--foo", "a--b" and a
 * quoted "--" are ordinary words. cmdline_split() and parse_params() share
 * the word splitter, so they always agree where the hypervisor's part ends.
 *
 * Matching. A word is "key" or "key=value" (split at the first '='). Keys
 * match registered names exactly, except that '-' and '_' are equivalent.
 * Every entry with a matching name is applied, in registry order, so two
 * subsystems may share an option; later words overwrite earlier ones, so
 * for a repeated option the last one wins.
 *
 * Negation. Only when no entry matches the whole key, a key "no-name" (or
 * "no_name") refers to the entry "name":
 *  - PARAM_BOOL: set to false.
 *  - PARAM_CUSTOM: the parser is called with "no-" followed by the name as
 *    registered (e.g. "no-dom0_mem" however the user spelled the dashes),
 *    as param.h documents. A parser therefore tells negation apart from
 *    any value by comparing with one fixed string; "0" or "no" could not
 *    be told apart from `name=0` / `name=no`, which may mean something
 *    else to that option (a log level, a count).
 *  - other types cannot be negated, and "no-name=value" is never valid:
 *    both are warned about.
 *
 * Values.
 *  - PARAM_BOOL: bare name is true; else one of parse_bool()'s words.
 *  - PARAM_UINT / PARAM_SINT: a whole number (base 0, optional sign) that
 *    must fit the variable's size (1, 2, 4 or 8 bytes); "-1" is not a
 *    valid unsigned value. Trailing junk, a missing number or a value out
 *    of range leaves the variable untouched.
 *  - PARAM_SIZE: parse_size_and_unit() must consume the whole value, and
 *    the result must fit the variable.
 *  - PARAM_STRING: copied; a value too long for the buffer is truncated
 *    (the variable is still set) and warned about. `name=` stores "".
 *  - PARAM_CUSTOM: the parser gets the text after '=', or "" for a bare
 *    name; a negative return is reported with the option and value.
 *  Integer, size and string options need '='; a bare name is warned about.
 *
 * Warnings. Every problem is one printk(XENLOG_WARNING) line naming the
 * word or option, and nothing is fatal. parse_params() returns how many
 * words drew at least one warning.
 */

#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

/* Longest word (after unquoting) parse_params() handles, plus the NUL. */
#define WORD_MAX 256

/* How much of an overlong word a warning quotes. */
#define WORD_QUOTE 40

struct cmdline_word {
    const char *start; /* first raw character */
    const char *end;   /* one past the last raw character */
    size_t len;        /* length after quote removal; may exceed the buffer */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_spaces(const char *p)
{
    while ( is_space(*p) )
        p++;
    return p;
}

/*
 * Read the word at *pp into w and advance *pp past it. Up to size - 1
 * unquoted characters are copied to buf and NUL-terminated (buf may be
 * NULL when size is 0). Returns false at the end of the line.
 */
static bool next_word(const char **pp, struct cmdline_word *w,
                      char *buf, size_t size)
{
    const char *p = skip_spaces(*pp);
    bool quoted = false;

    if ( !*p )
        return false;

    w->start = p;
    w->len = 0;
    for ( ; *p && (quoted || !is_space(*p)); p++ )
    {
        if ( *p == '"' )
        {
            quoted = !quoted;
            continue;
        }
        if ( w->len + 1 < size )
            buf[w->len] = *p;
        w->len++;
    }
    if ( size )
        buf[min(w->len, size - 1)] = '\0';

    w->end = p;
    *pp = p;
    return true;
}

static bool is_separator(const struct cmdline_word *w)
{
    return w->end - w->start == 2 && w->start[0] == '-' && w->start[1] == '-';
}

const char *cmdline_split(const char *cmdline, size_t *xen_len)
{
    const char *p = cmdline ?: "", *xen_end = p;
    const char *dom0 = NULL;
    struct cmdline_word w;

    while ( next_word(&p, &w, NULL, 0) )
    {
        if ( is_separator(&w) )
        {
            dom0 = skip_spaces(w.end);
            break;
        }
        xen_end = w.end;
    }

    if ( xen_len )
        *xen_len = cmdline ? xen_end - cmdline : 0;
    return dom0;
}

/* Does name equal key[0..klen), with '-' and '_' equivalent? */
static bool name_matches(const char *name, const char *key, size_t klen)
{
    size_t i;

    for ( i = 0; i < klen; i++ )
    {
        char a = name[i] == '_' ? '-' : name[i];
        char b = key[i] == '_' ? '-' : key[i];

        if ( !a || a != b )
            return false;
    }
    return name[klen] == '\0';
}

static bool is_negation(const char *key, size_t klen)
{
    return klen > 3 && key[0] == 'n' && key[1] == 'o' &&
           (key[2] == '-' || key[2] == '_');
}

static bool int_size_ok(unsigned int len)
{
    return len == 1 || len == 2 || len == 4 || len == 8;
}

/* The largest unsigned value a variable of len bytes holds. */
static unsigned long long uint_max(unsigned int len)
{
    return len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
}

/* Store v, truncated to len bytes, into var. len is 1, 2, 4 or 8. */
static void store_uint(void *var, unsigned int len, unsigned long long v)
{
    switch ( len )
    {
    case 1:
        *(u8 *)var = v;
        break;
    case 2:
        *(u16 *)var = v;
        break;
    case 4:
        *(u32 *)var = v;
        break;
    case 8:
        *(u64 *)var = v;
        break;
    default:
        ASSERT_UNREACHABLE();
    }
}

static bool warn_invalid(const struct kernel_param *param, const char *val)
{
    printk(XENLOG_WARNING "Invalid value '%s' for boot option '%s' ignored\n",
           val, param->name);
    return false;
}

static bool parse_uint(const struct kernel_param *param, const char *val)
{
    const char *digits = val + (*val == '+'), *end;
    unsigned long long v = simple_strtoull(digits, &end, 0);

    if ( end == digits || *end || v > uint_max(param->len) )
        return warn_invalid(param, val);

    store_uint(param->par.var, param->len, v);
    return true;
}

static bool parse_sint(const struct kernel_param *param, const char *val)
{
    long long max = uint_max(param->len) >> 1, v;
    const char *end;

    v = simple_strtol(val, &end, 0);
    if ( end == val || *end || v > max || v < -max - 1 )
        return warn_invalid(param, val);

    store_uint(param->par.var, param->len, v);
    return true;
}

static bool parse_size(const struct kernel_param *param, const char *val)
{
    const char *end;
    unsigned long long v = parse_size_and_unit(val, &end);

    if ( end == val || *end || v > uint_max(param->len) )
        return warn_invalid(param, val);

    store_uint(param->par.var, param->len, v);
    return true;
}

static bool parse_string(const struct kernel_param *param, const char *val)
{
    char *var = param->par.var;
    size_t n = strlen(val);

    if ( n < param->len )
    {
        memcpy(var, val, n + 1);
        return true;
    }

    memcpy(var, val, param->len - 1);
    var[param->len - 1] = '\0';
    printk(XENLOG_WARNING
           "Boot option '%s' truncated to %u characters: '%s'\n",
           param->name, param->len - 1, var);
    return false;
}

static bool call_custom(const struct kernel_param *param, const char *val)
{
    int rc = param->par.func(val);

    if ( rc >= 0 )
        return true;

    printk(XENLOG_WARNING
           "Invalid value '%s' for boot option '%s' (error %d)\n",
           val, param->name, rc);
    return false;
}

/* Does the registry entry make sense? A failure is a programming error. */
static bool param_ok(const struct kernel_param *param)
{
    switch ( param->type )
    {
    case PARAM_BOOL:
    case PARAM_UINT:
    case PARAM_SINT:
    case PARAM_SIZE:
        return int_size_ok(param->len);
    case PARAM_STRING:
        return param->len > 0;
    case PARAM_CUSTOM:
        return param->par.func != NULL;
    }
    return false;
}

/* Apply "name" (val == NULL) or "name=val" to one entry. */
static bool apply_param(const struct kernel_param *param, const char *val)
{
    if ( !val && param->type != PARAM_BOOL && param->type != PARAM_CUSTOM )
    {
        printk(XENLOG_WARNING "Boot option '%s' needs a value; ignored\n",
               param->name);
        return false;
    }

    switch ( param->type )
    {
    case PARAM_BOOL:
    {
        int b = val ? parse_bool(val, -1) : 1;

        if ( b < 0 )
            return warn_invalid(param, val);
        store_uint(param->par.var, param->len, b);
        return true;
    }
    case PARAM_UINT:
        return parse_uint(param, val);
    case PARAM_SINT:
        return parse_sint(param, val);
    case PARAM_SIZE:
        return parse_size(param, val);
    case PARAM_STRING:
        return parse_string(param, val);
    case PARAM_CUSTOM:
        return call_custom(param, val ?: "");
    }

    ASSERT_UNREACHABLE();
    return false;
}

/* Apply "no-name" (with_val false) or "no-name=..." to one entry. */
static bool negate_param(const struct kernel_param *param, const char *word,
                         bool with_val)
{
    char arg[WORD_MAX];
    size_t n = strlen(param->name);

    if ( with_val )
    {
        printk(XENLOG_WARNING
               "Negated boot option '%s' takes no value; ignored\n", word);
        return false;
    }

    switch ( param->type )
    {
    case PARAM_BOOL:
        store_uint(param->par.var, param->len, 0);
        return true;

    case PARAM_CUSTOM:
        if ( n + 4 > sizeof(arg) )
            break;
        memcpy(arg, "no-", 3);
        memcpy(arg + 3, param->name, n + 1);
        return call_custom(param, arg);

    default:
        break;
    }

    printk(XENLOG_WARNING "Boot option '%s' cannot be negated; '%s' ignored\n",
           param->name, word);
    return false;
}

/*
 * Apply every entry of [start, end) named key[0..klen). negate selects
 * negate_param() over apply_param(). Sets *found if anything matched;
 * returns false if any application warned.
 */
static bool apply_matching(const char *word, const char *key, size_t klen,
                           const char *val, bool negate, bool *found,
                           const struct kernel_param *start,
                           const struct kernel_param *end)
{
    const struct kernel_param *param;
    bool ok = true;

    for ( param = start; param < end; param++ )
    {
        if ( !name_matches(param->name, key, klen) )
            continue;

        *found = true;
        if ( !param_ok(param) )
        {
            printk(XENLOG_WARNING
                   "Boot option '%s' is registered wrongly "
                   "(type %d, size %u)\n",
                   param->name, param->type, param->len);
            ASSERT_UNREACHABLE();
            ok = false;
        }
        else if ( negate ? !negate_param(param, word, val != NULL)
                         : !apply_param(param, val) )
            ok = false;
    }

    return ok;
}

/* Parse one unquoted word. Returns false if it was warned about. */
static bool parse_word(const char *word, const struct kernel_param *start,
                       const struct kernel_param *end)
{
    const char *val = strchr(word, '=');
    size_t klen = val ? (size_t)(val - word) : strlen(word);
    bool found = false, ok;

    if ( !*word )
        return true; /* "" on the command line: nothing to do. */
    if ( val )
        val++;

    ok = apply_matching(word, word, klen, val, false, &found, start, end);
    if ( !found && is_negation(word, klen) )
        ok = apply_matching(word, word + 3, klen - 3, val, true, &found,
                            start, end);
    if ( found )
        return ok;

    printk(XENLOG_WARNING "Unknown boot option '%s' ignored\n", word);
    return false;
}

static void warn_too_long(char *buf, size_t len)
{
    /* buf holds the word's first WORD_MAX - 1 characters. */
    buf[WORD_QUOTE] = '\0';
    printk(XENLOG_WARNING "Boot option '%s...' is too long "
           "(%u characters, at most %u); ignored\n",
           buf, (unsigned int)len, WORD_MAX - 1);
}

unsigned int parse_params(const char *cmdline,
                          const struct kernel_param *start,
                          const struct kernel_param *end)
{
    char buf[WORD_MAX];
    const char *p = cmdline ?: "";
    struct cmdline_word w;
    unsigned int warned = 0;

    BUILD_BUG_ON(WORD_QUOTE >= WORD_MAX);

    while ( next_word(&p, &w, buf, sizeof(buf)) )
    {
        if ( is_separator(&w) )
            break;

        if ( w.len >= sizeof(buf) )
        {
            warn_too_long(buf, w.len);
            warned++;
        }
        else if ( !parse_word(buf, start, end) )
            warned++;
    }

    return warned;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
