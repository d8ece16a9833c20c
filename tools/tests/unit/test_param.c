/*
 * test_param.c: the boot command line parser (xen/common/kernel.c).
 *
 * The tests own a registry (params[]) with one entry per type and size,
 * reset every variable before each case, and check both the variables
 * and the exact warnings printk() emitted, since those warnings are what
 * a user sees on the console when a boot option is mistyped.
 */
#include <stdio.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>

#include "harness.h"

static bool opt_flag, opt_noreboot, opt_thing, opt_no_thing, opt_dashed;
static u8 opt_u8;
static u16 opt_u16;
static u32 opt_u32, opt_shared;
static u64 opt_u64;
static s8 opt_s8;
static s16 opt_s16;
static s32 opt_s32;
static s64 opt_s64;
static u64 opt_size;
static u32 opt_size32;
static char opt_str[8];

static char custom_seen[512];
static unsigned int custom_calls, shared_calls;
static int custom_rc;

static int parse_custom(const char *s)
{
    snprintf(custom_seen, sizeof(custom_seen), "%s", s);
    custom_calls++;
    return custom_rc;
}

static int parse_shared(const char *s)
{
    shared_calls++;
    return 0;
}

#define P_BOOL(n, v) \
    { .name = (n), .type = PARAM_BOOL, .len = sizeof(v), .par.var = &(v) }
#define P_UINT(n, v) \
    { .name = (n), .type = PARAM_UINT, .len = sizeof(v), .par.var = &(v) }
#define P_SINT(n, v) \
    { .name = (n), .type = PARAM_SINT, .len = sizeof(v), .par.var = &(v) }
#define P_SIZE(n, v) \
    { .name = (n), .type = PARAM_SIZE, .len = sizeof(v), .par.var = &(v) }
#define P_STR(n, v) \
    { .name = (n), .type = PARAM_STRING, .len = sizeof(v), .par.var = (v) }
#define P_CUSTOM(n, f) \
    { .name = (n), .type = PARAM_CUSTOM, .par.func = (f) }

static const struct kernel_param params[] = {
    P_BOOL("flag", opt_flag),
    P_BOOL("noreboot", opt_noreboot),
    P_BOOL("thing", opt_thing),
    P_BOOL("no-thing", opt_no_thing),
    P_BOOL("dash_under-name", opt_dashed),
    P_UINT("u8", opt_u8),
    P_UINT("u16", opt_u16),
    P_UINT("u32", opt_u32),
    P_UINT("u64", opt_u64),
    P_SINT("s8", opt_s8),
    P_SINT("s16", opt_s16),
    P_SINT("s32", opt_s32),
    P_SINT("s64", opt_s64),
    P_SIZE("size", opt_size),
    P_SIZE("size32", opt_size32),
    P_STR("str", opt_str),
    P_CUSTOM("custom", parse_custom),
    P_UINT("shared", opt_shared),
    P_CUSTOM("shared", parse_shared),
};

static void reset(void)
{
    opt_flag = opt_noreboot = opt_thing = opt_no_thing = opt_dashed = false;
    opt_u8 = 0x11;
    opt_u16 = 0x1111;
    opt_u32 = opt_shared = 0x11111111;
    opt_u64 = 0x1111111111111111ULL;
    opt_s8 = 0x11;
    opt_s16 = 0x1111;
    opt_s32 = 0x11111111;
    opt_s64 = 0x1111111111111111LL;
    opt_size = 0x1111;
    opt_size32 = 0x1111;
    strcpy(opt_str, "init");
    custom_seen[0] = '\0';
    custom_calls = shared_calls = 0;
    custom_rc = 0;
    harness_log_clear();
}

static unsigned int parse(const char *cmdline)
{
    return parse_params(cmdline, params, params + ARRAY_SIZE(params));
}

/* Reset, parse, and expect the given number of warned words. */
#define PARSE(s, nr_warned) do {                                            \
    reset();                                                                \
    CHECK_EQ(parse(s), (nr_warned));                                        \
} while ( 0 )

/* Nothing at all was printed. */
#define CHECK_QUIET() CHECK_STREQ(harness_log(), "")

static unsigned int log_lines(void)
{
    const char *p;
    unsigned int n = 0;

    for ( p = harness_log(); *p; p++ )
        n += *p == '\n';
    return n;
}

/* Every warning is one XENLOG_WARNING line: count them. */
static unsigned int warning_lines(void)
{
    const char *p = harness_log();
    unsigned int n = 0;

    while ( (p = strstr(p, XENLOG_WARNING)) != NULL )
    {
        n++;
        p++;
    }
    return n;
}

/* --- Empty input --- */

TEST(empty_lines_are_fine)
{
    PARSE("", 0);
    PARSE("   ", 0);
    PARSE(" \t \t ", 0);
    PARSE(NULL, 0);
    PARSE("\"\"", 0);
    CHECK_QUIET();
    reset();
    CHECK_EQ(parse_params("", NULL, NULL), 0);
    CHECK_QUIET();
    /* With an empty registry every option is unknown. */
    CHECK_EQ(parse_params("flag", params, params), 1);
}

/* --- Booleans --- */

TEST(bool_bare_name_is_true)
{
    PARSE("flag", 0);
    CHECK(opt_flag);
    CHECK(!opt_noreboot);
    CHECK_QUIET();
}

TEST(bool_words)
{
    static const char *const yes[] = {
        "flag=1", "flag=yes", "flag=true", "flag=on", "flag=enable",
    };
    static const char *const no[] = {
        "flag=0", "flag=no", "flag=false", "flag=off", "flag=disable",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(yes); i++ )
    {
        PARSE(yes[i], 0);
        CHECK(opt_flag);
    }
    for ( i = 0; i < ARRAY_SIZE(no); i++ )
    {
        PARSE(no[i], 0);
        opt_flag = true;
        CHECK_EQ(parse(no[i]), 0);
        CHECK(!opt_flag);
    }
    CHECK_QUIET();
}

TEST(bool_bad_value_is_warned_and_ignored)
{
    PARSE("flag=maybe", 1);
    CHECK(!opt_flag);
    CHECK_LOG(XENLOG_WARNING
              "Invalid value 'maybe' for boot option 'flag' ignored\n");

    reset();
    opt_flag = true;
    CHECK_EQ(parse("flag=YES flag=2 flag="), 3);
    CHECK(opt_flag);
    CHECK_LOG("Invalid value 'YES' for boot option 'flag' ignored\n");
    CHECK_LOG("Invalid value '' for boot option 'flag' ignored\n");
}

TEST(bool_no_prefix)
{
    reset();
    opt_flag = opt_noreboot = true;
    CHECK_EQ(parse("no-flag"), 0);
    CHECK(!opt_flag);
    CHECK(opt_noreboot);

    opt_flag = true;
    CHECK_EQ(parse("no_flag"), 0);
    CHECK(!opt_flag);
    CHECK_QUIET();

    /* "nofoo" is not a negation: only "no-" / "no_" are. */
    PARSE("noflag", 1);
    CHECK_LOG("Unknown boot option 'noflag' ignored\n");
    PARSE("no-", 1);
    PARSE("no-bogus", 1);
    CHECK_LOG("Unknown boot option 'no-bogus' ignored\n");
}

TEST(bool_no_prefix_takes_no_value)
{
    reset();
    opt_flag = true;
    CHECK_EQ(parse("no-flag=1"), 1);
    CHECK(opt_flag);
    CHECK_LOG(XENLOG_WARNING
              "Negated boot option 'no-flag=1' takes no value; ignored\n");
}

TEST(exact_name_beats_negation)
{
    PARSE("no-thing", 0);
    CHECK(opt_no_thing);
    CHECK(!opt_thing);

    /* Dash/underscore equivalence applies to the whole name. */
    PARSE("no_thing", 0);
    CHECK(opt_no_thing);

    PARSE("noreboot", 0);
    CHECK(opt_noreboot);
}

TEST(dash_and_underscore_are_equivalent)
{
    PARSE("dash_under-name", 0);
    CHECK(opt_dashed);
    PARSE("dash-under-name", 0);
    CHECK(opt_dashed);
    PARSE("dash_under_name=1", 0);
    CHECK(opt_dashed);
    PARSE("dash-under_name", 0);
    CHECK(opt_dashed);

    reset();
    opt_dashed = true;
    CHECK_EQ(parse("no_dash-under-name"), 0);
    CHECK(!opt_dashed);
    CHECK_QUIET();
}

TEST(names_match_whole_and_case_sensitively)
{
    PARSE("fla", 1);
    PARSE("flags", 1);
    PARSE("FLAG", 1);
    PARSE("flag.", 1);
    CHECK(!opt_flag);
    CHECK_LOG("Unknown boot option 'flag.' ignored\n");
    PARSE("=1", 1);
    CHECK_LOG("Unknown boot option '=1' ignored\n");
}

/* --- Integers --- */

TEST(uint_values)
{
    PARSE("u32=42", 0);
    CHECK_EQ(opt_u32, 42);
    PARSE("u32=0x2a", 0);
    CHECK_EQ(opt_u32, 42);
    PARSE("u32=0X2A", 0);
    CHECK_EQ(opt_u32, 42);
    PARSE("u32=052", 0);
    CHECK_EQ(opt_u32, 42);
    PARSE("u32=+42", 0);
    CHECK_EQ(opt_u32, 42);
    PARSE("u32=0", 0);
    CHECK_EQ(opt_u32, 0);
    CHECK_QUIET();
}

TEST(uint_bad_values_leave_variable)
{
    static const char *const bad[] = {
        "u32=", "u32=-1", "u32=-0", "u32=12abc", "u32=abc", "u32=08",
        "u32=0x", "u32=1.5", "u32=+", "u32=+-1", "u32=1k",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        PARSE(bad[i], 1);
        CHECK_EQ(opt_u32, 0x11111111);
        CHECK_EQ(warning_lines(), 1);
    }
    PARSE("u32=12abc", 1);
    CHECK_LOG(XENLOG_WARNING
              "Invalid value '12abc' for boot option 'u32' ignored\n");
}

TEST(uint_needs_a_value)
{
    PARSE("u32", 1);
    CHECK_EQ(opt_u32, 0x11111111);
    CHECK_LOG(XENLOG_WARNING "Boot option 'u32' needs a value; ignored\n");
}

TEST(uint_range_per_size)
{
    PARSE("u8=255", 0);
    CHECK_EQ(opt_u8, 255);
    PARSE("u8=0xff", 0);
    CHECK_EQ(opt_u8, 255);
    PARSE("u8=256", 1);
    CHECK_EQ(opt_u8, 0x11);
    CHECK_LOG("Invalid value '256' for boot option 'u8' ignored\n");

    PARSE("u16=65535", 0);
    CHECK_EQ(opt_u16, 65535);
    PARSE("u16=65536", 1);
    CHECK_EQ(opt_u16, 0x1111);

    PARSE("u32=4294967295", 0);
    CHECK_EQ(opt_u32, 4294967295U);
    PARSE("u32=4294967296", 1);
    CHECK_EQ(opt_u32, 0x11111111);

    PARSE("u64=18446744073709551615", 0);
    CHECK(opt_u64 == 18446744073709551615ULL);
    PARSE("u64=0xffffffffffffffff", 0);
    CHECK(opt_u64 == 18446744073709551615ULL);
    PARSE("u64=18446744073709551616", 1);
    CHECK_EQ(opt_u64, 0x1111111111111111ULL);
    PARSE("u64=0x10000000000000000", 1);
    CHECK_EQ(opt_u64, 0x1111111111111111ULL);
}

TEST(sint_values)
{
    PARSE("s32=-42", 0);
    CHECK_EQ(opt_s32, -42);
    PARSE("s32=+42", 0);
    CHECK_EQ(opt_s32, 42);
    PARSE("s32=-0x10", 0);
    CHECK_EQ(opt_s32, -16);
    PARSE("s32=-010", 0);
    CHECK_EQ(opt_s32, -8);
    CHECK_QUIET();

    PARSE("s32=-", 1);
    PARSE("s32=--1", 1);
    PARSE("s32=1-", 1);
    PARSE("s32", 1);
    CHECK_EQ(opt_s32, 0x11111111);
}

TEST(sint_range_per_size)
{
    PARSE("s8=127", 0);
    CHECK_EQ(opt_s8, 127);
    PARSE("s8=-128", 0);
    CHECK_EQ(opt_s8, -128);
    PARSE("s8=128", 1);
    CHECK_EQ(opt_s8, 0x11);
    PARSE("s8=-129", 1);
    CHECK_EQ(opt_s8, 0x11);
    CHECK_LOG("Invalid value '-129' for boot option 's8' ignored\n");
    PARSE("s8=0xff", 1);
    CHECK_EQ(opt_s8, 0x11);

    PARSE("s16=32767", 0);
    CHECK_EQ(opt_s16, 32767);
    PARSE("s16=-32768", 0);
    CHECK_EQ(opt_s16, -32768);
    PARSE("s16=32768", 1);
    PARSE("s16=-32769", 1);
    CHECK_EQ(opt_s16, 0x1111);

    PARSE("s32=2147483647", 0);
    CHECK_EQ(opt_s32, 2147483647);
    PARSE("s32=-2147483648", 0);
    CHECK_EQ(opt_s32, -2147483647 - 1);
    PARSE("s32=2147483648", 1);
    PARSE("s32=-2147483649", 1);
    CHECK_EQ(opt_s32, 0x11111111);

    PARSE("s64=9223372036854775807", 0);
    CHECK_EQ(opt_s64, 9223372036854775807LL);
    PARSE("s64=-9223372036854775808", 0);
    CHECK_EQ(opt_s64, -9223372036854775807LL - 1);
    PARSE("s64=9223372036854775808", 1);
    PARSE("s64=-9223372036854775809", 1);
    CHECK_EQ(opt_s64, 0x1111111111111111LL);
}

TEST(int_cannot_be_negated)
{
    PARSE("no-u8", 1);
    CHECK_EQ(opt_u8, 0x11);
    CHECK_LOG(XENLOG_WARNING
              "Boot option 'u8' cannot be negated; 'no-u8' ignored\n");
    PARSE("no-s8", 1);
    PARSE("no-size", 1);
    PARSE("no-str", 1);
    CHECK_STREQ(opt_str, "init");
}

/* --- Sizes --- */

TEST(size_every_suffix)
{
    static const struct { const char *word; u64 val; } cases[] = {
        { "size=4096", 4096 },
        { "size=4096B", 4096 },
        { "size=4096b", 4096 },
        { "size=0x1000", 4096 },
        { "size=1k", 1ULL << 10 },
        { "size=1K", 1ULL << 10 },
        { "size=1kB", 1ULL << 10 },
        { "size=16m", 16ULL << 20 },
        { "size=16M", 16ULL << 20 },
        { "size=16MB", 16ULL << 20 },
        { "size=4g", 4ULL << 30 },
        { "size=4G", 4ULL << 30 },
        { "size=4gb", 4ULL << 30 },
        { "size=2t", 2ULL << 40 },
        { "size=2T", 2ULL << 40 },
        { "size=2TB", 2ULL << 40 },
        { "size=0", 0 },
        { "size=16777215T", 16777215ULL << 40 },
        { "size=18446744073709551615", 18446744073709551615ULL },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        PARSE(cases[i].word, 0);
        CHECK(opt_size == cases[i].val);
    }
    CHECK_QUIET();
}

TEST(size_bad_values)
{
    static const char *const bad[] = {
        "size=", "size=abc", "size=M", "size=16MiB", "size=16X", "size=1.5M",
        "size=-1", "size=16777216T", "size=18446744073709551616",
        "size=1kk",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        PARSE(bad[i], 1);
        CHECK_EQ(opt_size, 0x1111);
    }
    PARSE("size=16MiB", 1);
    CHECK_LOG(XENLOG_WARNING
              "Invalid value '16MiB' for boot option 'size' ignored\n");
    PARSE("size", 1);
    CHECK_LOG("Boot option 'size' needs a value; ignored\n");
}

TEST(size_range_per_variable)
{
    PARSE("size32=4095M", 0);
    CHECK_EQ(opt_size32, 4095U << 20);
    PARSE("size32=4294967295", 0);
    CHECK_EQ(opt_size32, 4294967295U);
    PARSE("size32=4G", 1);
    CHECK_EQ(opt_size32, 0x1111);
    CHECK_LOG("Invalid value '4G' for boot option 'size32' ignored\n");
}

/* --- Strings --- */

TEST(string_values)
{
    PARSE("str=abc", 0);
    CHECK_STREQ(opt_str, "abc");
    PARSE("str=", 0);
    CHECK_STREQ(opt_str, "");
    PARSE("str=a=b,c", 0);
    CHECK_STREQ(opt_str, "a=b,c");
    /* Exactly fills the 8-byte buffer. */
    PARSE("str=1234567", 0);
    CHECK_STREQ(opt_str, "1234567");
    CHECK_QUIET();
    PARSE("str", 1);
    CHECK_STREQ(opt_str, "init");
}

TEST(string_truncated_with_warning)
{
    PARSE("str=12345678", 1);
    CHECK_STREQ(opt_str, "1234567");
    CHECK_LOG(XENLOG_WARNING
              "Boot option 'str' truncated to 7 characters: '1234567'\n");
    CHECK_EQ(log_lines(), 1);

    PARSE("str=com1,vga,115200", 1);
    CHECK_STREQ(opt_str, "com1,vg");
}

/* --- Custom parsers --- */

TEST(custom_gets_the_value)
{
    PARSE("custom=hello", 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_STREQ(custom_seen, "hello");
    PARSE("custom=a=b,c:d", 0);
    CHECK_STREQ(custom_seen, "a=b,c:d");
    PARSE("custom=", 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_STREQ(custom_seen, "");
    PARSE("custom=\"two words\"", 0);
    CHECK_STREQ(custom_seen, "two words");
    CHECK_QUIET();
}

TEST(custom_bare_name_gets_empty_string)
{
    PARSE("custom", 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_STREQ(custom_seen, "");
}

TEST(custom_negation_gets_no_name)
{
    PARSE("no-custom", 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_STREQ(custom_seen, "no-custom");
    PARSE("no_custom", 0);
    CHECK_STREQ(custom_seen, "no-custom");

    PARSE("no-custom=1", 1);
    CHECK_EQ(custom_calls, 0);
    CHECK_LOG("Negated boot option 'no-custom=1' takes no value; ignored\n");
}

TEST(custom_error_is_reported)
{
    reset();
    custom_rc = -EINVAL;
    CHECK_EQ(parse("custom=bad"), 1);
    CHECK_EQ(custom_calls, 1);
    CHECK_LOG(XENLOG_WARNING
              "Invalid value 'bad' for boot option 'custom' (error -22)\n");

    harness_log_clear();
    custom_rc = -ERANGE;
    CHECK_EQ(parse("no-custom custom"), 2);
    CHECK_LOG("Invalid value 'no-custom' for boot option 'custom' "
              "(error -34)\n");
    CHECK_LOG("Invalid value '' for boot option 'custom' (error -34)\n");

    /* Positive returns are not errors. */
    reset();
    custom_rc = 1;
    CHECK_EQ(parse("custom=x"), 0);
    CHECK_QUIET();
}

TEST(shared_name_applies_every_entry)
{
    PARSE("shared=5", 0);
    CHECK_EQ(opt_shared, 5);
    CHECK_EQ(shared_calls, 1);

    /* One bad entry makes one warned word, not two. */
    PARSE("shared=x", 1);
    CHECK_EQ(opt_shared, 0x11111111);
    CHECK_EQ(shared_calls, 1);
}

/* --- Unknown options and the warned-word count --- */

TEST(unknown_options_are_counted)
{
    PARSE("bogus flag another=1 u8=7", 2);
    CHECK(opt_flag);
    CHECK_EQ(opt_u8, 7);
    CHECK_LOG(XENLOG_WARNING "Unknown boot option 'bogus' ignored\n");
    CHECK_LOG(XENLOG_WARNING "Unknown boot option 'another=1' ignored\n");
    CHECK_EQ(log_lines(), 2);
}

TEST(count_is_one_per_warned_word)
{
    PARSE("x u8=300 no-u8 str=123456789 flag=2 no-flag=0 u8 custom=ok y", 8);
    CHECK_EQ(warning_lines(), 8);
    CHECK_EQ(log_lines(), 8);
    CHECK_STREQ(custom_seen, "ok");
}

/* --- Word splitting and quoting --- */

TEST(runs_of_spaces_and_tabs)
{
    PARSE("  flag\t\tu8=3   u16=4 \t ", 0);
    CHECK(opt_flag);
    CHECK_EQ(opt_u8, 3);
    CHECK_EQ(opt_u16, 4);
    PARSE("flag\nu8=5\r\n", 0);
    CHECK(opt_flag);
    CHECK_EQ(opt_u8, 5);
    CHECK_QUIET();
}

TEST(quoted_values_keep_spaces)
{
    PARSE("custom=\"a b  c\" flag", 0);
    CHECK_STREQ(custom_seen, "a b  c");
    CHECK(opt_flag);

    PARSE("\"custom=x y\"", 0);
    CHECK_STREQ(custom_seen, "x y");

    PARSE("custom=a\" \"b", 0);
    CHECK_STREQ(custom_seen, "a b");

    PARSE("custom=\"\"", 0);
    CHECK_EQ(custom_calls, 1);
    CHECK_STREQ(custom_seen, "");

    PARSE("str=\"a\tb\"", 0);
    CHECK_STREQ(opt_str, "a\tb");
    CHECK_QUIET();
}

TEST(unterminated_quote_runs_to_end)
{
    PARSE("flag custom=\"x -- u8=1", 0);
    CHECK(opt_flag);
    CHECK_STREQ(custom_seen, "x -- u8=1");
    CHECK_EQ(opt_u8, 0x11);
}

TEST(input_is_not_modified)
{
    static const char orig[] =
        "custom=\"a b\" no-flag u8=3 str=toolongvalue bogus -- dom0 \"x\"";
    char line[sizeof(orig)];

    memcpy(line, orig, sizeof(orig));
    reset();
    CHECK_EQ(parse(line), 2);
    CHECK(!memcmp(line, orig, sizeof(orig)));
    CHECK_STREQ(custom_seen, "a b");
}

TEST(overlong_word_is_skipped)
{
    char line[600];
    size_t n;

    /* 255 characters is the longest word handled. */
    strcpy(line, "custom=");
    n = strlen(line);
    memset(line + n, 'x', 255 - n);
    line[255] = '\0';
    PARSE(line, 0);
    CHECK_EQ(strlen(custom_seen), 248);

    /* 256 is too long: warned, skipped, and parsing carries on. */
    memset(line, 'y', 256);
    memcpy(line, "custom=", 7);
    strcpy(line + 256, " flag");
    PARSE(line, 1);
    CHECK_EQ(custom_calls, 0);
    CHECK(opt_flag);
    CHECK_LOG(XENLOG_WARNING
              "Boot option 'custom=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...' "
              "is too long (256 characters, at most 255); ignored\n");
    CHECK_EQ(log_lines(), 1);

    /* Quotes do not count towards the length, spaces inside them do. */
    memset(line, ' ', 500);
    memcpy(line, "u8=1 \"str=", 10);
    memcpy(line + 498, "\"x", 2);
    line[500] = '\0';
    PARSE(line, 1);
    CHECK_EQ(opt_u8, 1);
    CHECK_STREQ(opt_str, "init");
    CHECK_LOG("is too long (493 characters, at most 255); ignored\n");
}

/* --- The " -- " separator --- */

TEST(parse_stops_at_separator)
{
    PARSE("u8=1 -- u8=2 flag bogus", 0);
    CHECK_EQ(opt_u8, 1);
    CHECK(!opt_flag);

    PARSE("u8=1\t--\tflag", 0);
    CHECK(!opt_flag);

    PARSE("-- flag", 0);
    CHECK(!opt_flag);

    PARSE("--", 0);
    PARSE("flag --", 0);
    CHECK(opt_flag);
    CHECK_QUIET();
}

TEST(dashes_inside_words_do_not_separate)
{
    PARSE("--flag flag", 1);
    CHECK(opt_flag);
    CHECK_LOG("Unknown boot option '--flag' ignored\n");

    PARSE("custom=a--b flag", 0);
    CHECK_STREQ(custom_seen, "a--b");
    CHECK(opt_flag);

    PARSE("custom=\"a -- b\" flag", 0);
    CHECK_STREQ(custom_seen, "a -- b");
    CHECK(opt_flag);

    /* A quoted "--" is a word, not the separator. */
    PARSE("\"--\" flag", 1);
    CHECK(opt_flag);
    CHECK_LOG("Unknown boot option '--' ignored\n");

    PARSE("---", 1);
}

#define CHECK_SPLIT(line, dom0, xlen) do {                                  \
    size_t len_ = 12345;                                                    \
    const char *d_ = cmdline_split((line), &len_);                          \
    if ( (dom0) == NULL )                                                   \
        CHECK(d_ == NULL);                                                  \
    else                                                                    \
        CHECK_STREQ(d_, (dom0));                                            \
    CHECK_EQ(len_, (xlen));                                                 \
} while ( 0 )

TEST(split_returns_dom0_part)
{
    CHECK_SPLIT("a b -- c d", "c d", 3);
    CHECK_SPLIT("a b   --   c d  ", "c d  ", 3);
    CHECK_SPLIT("a\t--\tc", "c", 1);
    CHECK_SPLIT("a -- b -- c", "b -- c", 1);
    CHECK_SPLIT("x=\"a -- b\" -- c", "c", 10);
    CHECK_SPLIT("  a -- c", "c", 3);
}

TEST(split_leading_and_trailing_separator)
{
    CHECK_SPLIT("-- root=/dev/ram0", "root=/dev/ram0", 0);
    CHECK_SPLIT("  -- root=/dev/ram0", "root=/dev/ram0", 0);
    CHECK_SPLIT("--", "", 0);
    CHECK_SPLIT("a --", "", 1);
    CHECK_SPLIT("a -- ", "", 1);
}

TEST(split_without_separator)
{
    CHECK_SPLIT("", NULL, 0);
    CHECK_SPLIT("   ", NULL, 0);
    CHECK_SPLIT("a b", NULL, 3);
    CHECK_SPLIT("a b  ", NULL, 3);
    CHECK_SPLIT("a --b", NULL, 5);
    CHECK_SPLIT("a-- b", NULL, 5);
    CHECK_SPLIT("a \"--\" b", NULL, 8);
    CHECK_SPLIT(NULL, NULL, 0);
    CHECK(cmdline_split("a -- b", NULL) != NULL);
    CHECK_STREQ(cmdline_split("a -- b", NULL), "b");
}

TEST(split_and_parse_agree)
{
    static const char line[] = "u8=1 custom=\"p -- q\" -- u8=2";
    size_t len;
    const char *dom0 = cmdline_split(line, &len);

    CHECK_STREQ(dom0, "u8=2");
    CHECK_EQ(len, 20);
    PARSE(line, 0);
    CHECK_EQ(opt_u8, 1);
    CHECK_STREQ(custom_seen, "p -- q");
}

/* --- Duplicates --- */

TEST(last_duplicate_wins)
{
    PARSE("u8=1 u8=2", 0);
    CHECK_EQ(opt_u8, 2);
    PARSE("flag no-flag", 0);
    CHECK(!opt_flag);
    PARSE("no-flag flag", 0);
    CHECK(opt_flag);
    PARSE("str=one str=two", 0);
    CHECK_STREQ(opt_str, "two");

    /* A bad later value does not undo a good earlier one. */
    PARSE("u8=1 u8=300", 1);
    CHECK_EQ(opt_u8, 1);
}

/* --- Registry mistakes are programming errors --- */

static u32 bad_var;
static const struct kernel_param bad_params[] = {
    { .name = "odd", .type = PARAM_UINT, .len = 3, .par.var = &bad_var },
};

static void parse_bad_registry(void)
{
    parse_params("odd=1", bad_params, bad_params + 1);
}

TEST(bad_registration_asserts)
{
    CHECK(harness_panics(parse_bad_registry));
    CHECK(strstr(harness_last_panic(), "unreachable") != NULL);
    CHECK_LOG("Boot option 'odd' is registered wrongly (type 1, size 3)\n");
}

/* --- A realistic Xen command line --- */

static char x_console[32], x_com1[64], x_sched[16];
static bool x_noreboot;
static unsigned int x_loglvl;
static u64 x_dom0_mem, x_dom0_mem_max;
static unsigned long x_vcpus_min, x_vcpus_max;

static int parse_loglvl(const char *s)
{
    if ( !strcmp(s, "all") )
        x_loglvl = LOGLVL_DEBUG;
    else if ( !strcmp(s, "warning") )
        x_loglvl = LOGLVL_WARNING;
    else
        return -EINVAL;
    return 0;
}

/* dom0_mem=<size>[,max:<size>] */
static int parse_dom0_mem(const char *s)
{
    const char *end;
    u64 mem = parse_size_and_unit(s, &end), max = 0;

    if ( end == s )
        return -EINVAL;
    if ( !strncmp(end, ",max:", 5) )
    {
        s = end + 5;
        max = parse_size_and_unit(s, &end);
        if ( end == s )
            return -EINVAL;
    }
    if ( *end )
        return -EINVAL;
    x_dom0_mem = mem;
    x_dom0_mem_max = max;
    return 0;
}

/* dom0_max_vcpus=<min>-<max> or <n> */
static int parse_dom0_max_vcpus(const char *s)
{
    const char *end;
    unsigned long lo = simple_strtoul(s, &end, 0), hi = lo;

    if ( end == s )
        return -EINVAL;
    if ( *end == '-' )
    {
        s = end + 1;
        hi = simple_strtoul(s, &end, 0);
        if ( end == s )
            return -EINVAL;
    }
    if ( *end || lo > hi )
        return -EINVAL;
    x_vcpus_min = lo;
    x_vcpus_max = hi;
    return 0;
}

static const struct kernel_param xen_params[] = {
    P_STR("console", x_console),
    P_STR("com1", x_com1),
    P_CUSTOM("loglvl", parse_loglvl),
    P_BOOL("noreboot", x_noreboot),
    P_CUSTOM("dom0_mem", parse_dom0_mem),
    P_CUSTOM("dom0_max_vcpus", parse_dom0_max_vcpus),
    P_STR("sched", x_sched),
};

static unsigned int parse_xen(const char *cmdline)
{
    return parse_params(cmdline, xen_params,
                        xen_params + ARRAY_SIZE(xen_params));
}

TEST(realistic_xen_command_line)
{
    static const char line[] =
        "console=com1,vga com1=115200,8n1 loglvl=all noreboot "
        "dom0_mem=512M,max:1G dom0_max_vcpus=1-2 sched=credit2 "
        "-- root=/dev/ram0 quiet";
    size_t len;

    CHECK_EQ(parse_xen(line), 0);
    CHECK_QUIET();
    CHECK_STREQ(x_console, "com1,vga");
    CHECK_STREQ(x_com1, "115200,8n1");
    CHECK_EQ(x_loglvl, LOGLVL_DEBUG);
    CHECK(x_noreboot);
    CHECK_EQ(x_dom0_mem, 512ULL << 20);
    CHECK_EQ(x_dom0_mem_max, 1ULL << 30);
    CHECK_EQ(x_vcpus_min, 1);
    CHECK_EQ(x_vcpus_max, 2);
    CHECK_STREQ(x_sched, "credit2");

    CHECK_STREQ(cmdline_split(line, &len), "root=/dev/ram0 quiet");
    CHECK_EQ(len, strlen(line) - strlen(" -- root=/dev/ram0 quiet"));
}

TEST(realistic_xen_command_line_with_mistakes)
{
    CHECK_EQ(parse_xen("console=com1 loglvl=everything dom0-mem=1G,max:2X "
                       "dom0_max_vcpus=4-2 no-reboot noreboot=off "
                       "sched=\"credit2\" -- quiet"), 4);
    CHECK_STREQ(x_console, "com1");
    CHECK_STREQ(x_sched, "credit2");
    CHECK(!x_noreboot);
    CHECK_LOG(XENLOG_WARNING "Invalid value 'everything' "
              "for boot option 'loglvl' (error -22)\n");
    CHECK_LOG("Invalid value '1G,max:2X' for boot option 'dom0_mem' "
              "(error -22)\n");
    CHECK_LOG("Invalid value '4-2' for boot option 'dom0_max_vcpus' "
              "(error -22)\n");
    CHECK_LOG("Unknown boot option 'no-reboot' ignored\n");
    CHECK_EQ(log_lines(), 4);
}
