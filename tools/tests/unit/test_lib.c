/*
 * test_lib.c: the number, size and boolean parsers of xen/common/lib.c.
 *
 * Each check states the value and where *endp must be left, since callers
 * (the boot option parser above all) rely on *endp to detect junk and
 * overflow.
 */
#include <xen/lib.h>

#include "harness.h"

#define ULL_MAX 18446744073709551615ULL
#define L_MAX   9223372036854775807L
#define L_MIN   (-L_MAX - 1)

/* Parse s with fn and base; check the value and how many chars were read. */
#define CHECK_PARSE(fn, s, base, val, used) do {                            \
    const char *s_ = (s), *e_ = NULL;                                       \
    CHECK_EQ(fn(s_, &e_, (base)), (val));                                   \
    CHECK_EQ(e_ - s_, (used));                                              \
} while ( 0 )

#define CHECK_SIZE(s, val, used) do {                                       \
    const char *s_ = (s), *e_ = NULL;                                       \
    CHECK_EQ(parse_size_and_unit(s_, &e_), (val));                          \
    CHECK_EQ(e_ - s_, (used));                                              \
} while ( 0 )

TEST(strtoul_decimal)
{
    CHECK_PARSE(simple_strtoul, "0", 10, 0, 1);
    CHECK_PARSE(simple_strtoul, "42", 10, 42, 2);
    CHECK_PARSE(simple_strtoul, "42abc", 10, 42, 2);
    CHECK_PARSE(simple_strtoul, "007", 10, 7, 3);
    CHECK_PARSE(simple_strtoul, "123,456", 0, 123, 3);
}

TEST(strtoul_base0_detects_prefix)
{
    CHECK_PARSE(simple_strtoul, "0x1f", 0, 0x1f, 4);
    CHECK_PARSE(simple_strtoul, "0X1F", 0, 0x1f, 4);
    CHECK_PARSE(simple_strtoul, "0xDeadBeef", 0, 0xdeadbeef, 10);
    CHECK_PARSE(simple_strtoul, "010", 0, 8, 3);
    CHECK_PARSE(simple_strtoul, "0777", 0, 0777, 4);
    CHECK_PARSE(simple_strtoul, "0", 0, 0, 1);
    CHECK_PARSE(simple_strtoul, "10", 0, 10, 2);
    /* Octal stops at a non-octal digit. */
    CHECK_PARSE(simple_strtoul, "08", 0, 0, 1);
    CHECK_PARSE(simple_strtoul, "0178", 0, 017, 3);
    /* "0x" without a hex digit after it is the number 0, then junk. */
    CHECK_PARSE(simple_strtoul, "0x", 0, 0, 1);
    CHECK_PARSE(simple_strtoul, "0xg", 0, 0, 1);
}

TEST(strtoul_base16_optional_prefix)
{
    CHECK_PARSE(simple_strtoul, "ff", 16, 0xff, 2);
    CHECK_PARSE(simple_strtoul, "0xff", 16, 0xff, 4);
    CHECK_PARSE(simple_strtoul, "0XFF", 16, 0xff, 4);
    CHECK_PARSE(simple_strtoul, "10", 16, 0x10, 2);
    CHECK_PARSE(simple_strtoul, "0x", 16, 0, 1);
    CHECK_PARSE(simple_strtoul, "fg", 16, 0xf, 1);
}

TEST(strtoul_other_bases)
{
    CHECK_PARSE(simple_strtoul, "1011", 2, 11, 4);
    CHECK_PARSE(simple_strtoul, "1012", 2, 5, 3);
    CHECK_PARSE(simple_strtoul, "777", 8, 0777, 3);
    CHECK_PARSE(simple_strtoul, "zz", 36, 36 * 36 - 1, 2);
    CHECK_PARSE(simple_strtoul, "ZZ", 36, 36 * 36 - 1, 2);
    /* Base 10 does not take a 0x prefix. */
    CHECK_PARSE(simple_strtoul, "0x10", 10, 0, 1);
    /* Nonsense bases read nothing. */
    CHECK_PARSE(simple_strtoul, "11", 1, 0, 0);
    CHECK_PARSE(simple_strtoul, "11", 37, 0, 0);
}

TEST(strtoul_no_digits)
{
    CHECK_PARSE(simple_strtoul, "", 0, 0, 0);
    CHECK_PARSE(simple_strtoul, "abc", 10, 0, 0);
    CHECK_PARSE(simple_strtoul, " 1", 10, 0, 0);
    /* Unsigned parsers take no sign. */
    CHECK_PARSE(simple_strtoul, "-1", 0, 0, 0);
    CHECK_PARSE(simple_strtoul, "+1", 0, 0, 0);
    CHECK_PARSE(simple_strtoull, "-1", 0, 0, 0);
}

TEST(strtoul_endp_may_be_null)
{
    CHECK_EQ(simple_strtoul("123", NULL, 0), 123);
    CHECK_EQ(simple_strtoull("0x123", NULL, 0), 0x123);
    CHECK_EQ(simple_strtol("-123", NULL, 0), -123);
    CHECK_EQ(simple_strtoul("x", NULL, 0), 0);
    CHECK_EQ(parse_size_and_unit("2k", NULL), 2048);
}

TEST(strtoull_limits)
{
    CHECK_PARSE(simple_strtoull, "18446744073709551615", 0, ULL_MAX, 20);
    CHECK_PARSE(simple_strtoull, "0xffffffffffffffff", 0, ULL_MAX, 18);
    CHECK_PARSE(simple_strtoull, "01777777777777777777777", 0, ULL_MAX, 23);
    CHECK_PARSE(simple_strtoul, "18446744073709551615", 10, ULL_MAX, 20);
}

TEST(strtoull_stops_before_overflow)
{
    /* The digit that would overflow is left for the caller to see. */
    CHECK_PARSE(simple_strtoull, "18446744073709551616", 0,
                1844674407370955161ULL, 19);
    CHECK_PARSE(simple_strtoull, "99999999999999999999", 0,
                9999999999999999999ULL, 19);
    CHECK_PARSE(simple_strtoull, "0x10000000000000000", 0,
                0x1000000000000000ULL, 18);
    CHECK_PARSE(simple_strtoul, "184467440737095516150", 10, ULL_MAX, 20);
}

TEST(strtol_signs)
{
    CHECK_PARSE(simple_strtol, "5", 0, 5, 1);
    CHECK_PARSE(simple_strtol, "+5", 0, 5, 2);
    CHECK_PARSE(simple_strtol, "-5", 0, -5, 2);
    CHECK_PARSE(simple_strtol, "-0x10", 0, -16, 5);
    CHECK_PARSE(simple_strtol, "+0x10", 0, 16, 5);
    CHECK_PARSE(simple_strtol, "-010", 0, -8, 4);
    CHECK_PARSE(simple_strtol, "-ff", 16, -255, 3);
    CHECK_PARSE(simple_strtol, "-0", 0, 0, 2);
    CHECK_PARSE(simple_strtol, "-12,", 10, -12, 3);
}

TEST(strtol_lone_sign_is_not_a_number)
{
    CHECK_PARSE(simple_strtol, "-", 0, 0, 0);
    CHECK_PARSE(simple_strtol, "+", 0, 0, 0);
    CHECK_PARSE(simple_strtol, "-x", 0, 0, 0);
    CHECK_PARSE(simple_strtol, "--5", 0, 0, 0);
    CHECK_PARSE(simple_strtol, "+-5", 0, 0, 0);
    CHECK_PARSE(simple_strtol, "", 0, 0, 0);
}

TEST(strtol_limits)
{
    CHECK_PARSE(simple_strtol, "9223372036854775807", 0, L_MAX, 19);
    CHECK_PARSE(simple_strtol, "-9223372036854775808", 0, L_MIN, 20);
    CHECK_PARSE(simple_strtol, "0x7fffffffffffffff", 0, L_MAX, 18);
    CHECK_PARSE(simple_strtol, "-0x8000000000000000", 0, L_MIN, 19);
    /* One past either end stops before the last digit. */
    CHECK_PARSE(simple_strtol, "9223372036854775808", 0,
                922337203685477580L, 18);
    CHECK_PARSE(simple_strtol, "-9223372036854775809", 0,
                -922337203685477580L, 19);
}

TEST(size_plain_bytes)
{
    CHECK_SIZE("0", 0, 1);
    CHECK_SIZE("4096", 4096, 4);
    CHECK_SIZE("4096B", 4096, 5);
    CHECK_SIZE("4096b", 4096, 5);
    CHECK_SIZE("0x1000", 4096, 6);
    CHECK_SIZE("010", 8, 3);
    CHECK_SIZE("18446744073709551615", ULL_MAX, 20);
}

TEST(size_every_suffix)
{
    CHECK_SIZE("1k", 1ULL << 10, 2);
    CHECK_SIZE("1K", 1ULL << 10, 2);
    CHECK_SIZE("512k", 512ULL << 10, 4);
    CHECK_SIZE("16m", 16ULL << 20, 3);
    CHECK_SIZE("16M", 16ULL << 20, 3);
    CHECK_SIZE("4g", 4ULL << 30, 2);
    CHECK_SIZE("4G", 4ULL << 30, 2);
    CHECK_SIZE("1t", 1ULL << 40, 2);
    CHECK_SIZE("1T", 1ULL << 40, 2);
    CHECK_SIZE("0x10M", 16ULL << 20, 5);
}

TEST(size_suffix_with_b)
{
    CHECK_SIZE("1kB", 1ULL << 10, 3);
    CHECK_SIZE("1KB", 1ULL << 10, 3);
    CHECK_SIZE("1kb", 1ULL << 10, 3);
    CHECK_SIZE("16MB", 16ULL << 20, 4);
    CHECK_SIZE("16mb", 16ULL << 20, 4);
    CHECK_SIZE("2GB", 2ULL << 30, 3);
    CHECK_SIZE("3TB", 3ULL << 40, 3);
}

TEST(size_endp_after_unit)
{
    CHECK_SIZE("512M,max:1G", 512ULL << 20, 4);
    CHECK_SIZE("1G-2G", 1ULL << 30, 2);
    CHECK_SIZE("16MiB", 16ULL << 20, 3);
    CHECK_SIZE("16X", 16, 2);
    CHECK_SIZE("1Bk", 1, 2);
    CHECK_SIZE("1 M", 1, 1);
}

TEST(size_no_number)
{
    CHECK_SIZE("", 0, 0);
    CHECK_SIZE("M", 0, 0);
    CHECK_SIZE("abc", 0, 0);
    CHECK_SIZE("-1M", 0, 0);
}

TEST(size_overflow_leaves_unit)
{
    CHECK_SIZE("16777215T", 16777215ULL << 40, 9);
    CHECK_SIZE("16777216T", 16777216ULL, 8);
    CHECK_SIZE("17179869183G", 17179869183ULL << 30, 12);
    CHECK_SIZE("17179869184G", 17179869184ULL, 11);
    CHECK_SIZE("18446744073709551616", 1844674407370955161ULL, 19);
}

TEST(bool_words)
{
    CHECK_EQ(parse_bool("1", -1), 1);
    CHECK_EQ(parse_bool("yes", -1), 1);
    CHECK_EQ(parse_bool("true", -1), 1);
    CHECK_EQ(parse_bool("on", -1), 1);
    CHECK_EQ(parse_bool("enable", -1), 1);
    CHECK_EQ(parse_bool("0", -1), 0);
    CHECK_EQ(parse_bool("no", -1), 0);
    CHECK_EQ(parse_bool("false", -1), 0);
    CHECK_EQ(parse_bool("off", -1), 0);
    CHECK_EQ(parse_bool("disable", -1), 0);
}

TEST(bool_rejects_others)
{
    CHECK_EQ(parse_bool("", -1), -1);
    CHECK_EQ(parse_bool("2", -1), -1);
    CHECK_EQ(parse_bool("of", -1), -1);
    CHECK_EQ(parse_bool("yess", -1), -1);
    CHECK_EQ(parse_bool("YES", -1), -1);
    CHECK_EQ(parse_bool("On", -1), -1);
    CHECK_EQ(parse_bool("enabled", -1), -1);
    CHECK_EQ(parse_bool(" yes", -1), -1);
    CHECK_EQ(parse_bool(NULL, -1), -1);
}

TEST(bool_with_length)
{
    /* Only s[0..len) is looked at; s need not end there. */
    CHECK_EQ(parse_bool("yesterday", 3), 1);
    CHECK_EQ(parse_bool("nothing", 2), 0);
    CHECK_EQ(parse_bool("on,off", 2), 1);
    CHECK_EQ(parse_bool("off,on", 3), 0);
    CHECK_EQ(parse_bool("enable", 5), -1);
    CHECK_EQ(parse_bool("yes", 0), -1);
    CHECK_EQ(parse_bool("1x", 1), 1);
}
