/*
 * test_string.c: the hypervisor's string and memory functions
 * (common/string.c).
 *
 * sources.d/test_string.mk renames the hypervisor's functions to xen_*, so
 * every call written here as memcpy(), strlen(), ... reaches the hypervisor's
 * version (the harness uses them too). The host C library's versions are
 * still reachable as __builtin_memcmp() and friends, which compile to calls
 * to the real symbols or are evaluated by the compiler; the randomised tests
 * use them as the reference.
 *
 * Buffers are filled with a sentinel around the area a function may touch,
 * so that every test also checks that nothing outside it is written.
 */
#include <stdint.h>
#include <stdlib.h>

#include <xen/lib.h>
#include <xen/string.h>

#include "harness.h"

#define SENTINEL 0xa5

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* True if buf[from, to) all hold the sentinel. */
static bool untouched(const unsigned char *buf, size_t from, size_t to)
{
    for ( ; from < to; from++ )
        if ( buf[from] != SENTINEL )
            return false;
    return true;
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* --- memcpy, memmove, memset --- */

TEST(memcpy_copies_exactly_n_bytes)
{
    unsigned char dst[32];
    const char src[] = "0123456789abcdef";
    size_t n;

    for ( n = 0; n <= 16; n++ )
    {
        __builtin_memset(dst, SENTINEL, sizeof(dst));
        CHECK(memcpy(dst + 4, src, n) == dst + 4);
        CHECK(!__builtin_memcmp(dst + 4, src, n));
        CHECK(untouched(dst, 0, 4));
        CHECK(untouched(dst, 4 + n, sizeof(dst)));
    }

    /* n == 0 does not touch either pointer. */
    CHECK(memcpy(NULL, NULL, 0) == NULL);
}

/* memmove() checked against a copy made through a separate buffer. */
static bool memmove_matches(size_t dst_off, size_t src_off, size_t n)
{
    unsigned char buf[64], want[64], tmp[64];
    size_t i;

    for ( i = 0; i < sizeof(buf); i++ )
        buf[i] = want[i] = (unsigned char)(i * 7 + 1);
    __builtin_memcpy(tmp, want + src_off, n);
    __builtin_memcpy(want + dst_off, tmp, n);

    if ( memmove(buf + dst_off, buf + src_off, n) != buf + dst_off )
        return false;
    return !__builtin_memcmp(buf, want, sizeof(buf));
}

TEST(memmove_every_overlap)
{
    size_t d, s, n;
    unsigned int bad = 0;

    /* Every pair of offsets and length within a 64-byte buffer: dst
     * before src, after src, equal, overlapping by any amount or not. */
    for ( d = 0; d < 24; d++ )
        for ( s = 0; s < 24; s++ )
            for ( n = 0; n <= 40; n++ )
                bad += !memmove_matches(d, s, n);

    CHECK_EQ(bad, 0);
}

TEST(memmove_overlap_examples)
{
    char fwd[] = "abcdefgh";
    char back[] = "abcdefgh";

    /* dst after src: must copy from the end. */
    memmove(fwd + 2, fwd, 5);
    CHECK_STREQ(fwd, "ababcdeh");

    /* dst before src: must copy from the start. */
    memmove(back, back + 2, 5);
    CHECK_STREQ(back, "cdefgfgh");

    /* Same pointer. */
    CHECK(memmove(back, back, 8) == back);
    CHECK_STREQ(back, "cdefgfgh");
}

TEST(memset_fills_with_low_byte)
{
    unsigned char buf[32];
    size_t n, i;
    bool ok;

    for ( n = 0; n <= 20; n++ )
    {
        __builtin_memset(buf, SENTINEL, sizeof(buf));
        CHECK(memset(buf + 3, 0x1ff, n) == buf + 3);
        for ( i = 0, ok = true; i < n; i++ )
            ok &= buf[3 + i] == 0xff;
        CHECK(ok);
        CHECK(untouched(buf, 0, 3));
        CHECK(untouched(buf, 3 + n, sizeof(buf)));
    }

    memset(buf, 0, sizeof(buf));
    CHECK(buf[0] == 0 && buf[31] == 0);
    memset(buf, -1, 4);
    CHECK(buf[0] == 0xff && buf[3] == 0xff && buf[4] == 0);
}

/* --- memcmp, memchr --- */

TEST(memcmp_sign_and_length)
{
    CHECK_EQ(memcmp("abc", "abc", 3), 0);
    CHECK_EQ(memcmp("abc", "abd", 0), 0);
    CHECK_EQ(memcmp("abcX", "abcY", 3), 0);
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("a", "b", 1) < 0);

    /* Bytes compare as unsigned char. */
    CHECK(memcmp("\x80", "\x01", 1) > 0);
    CHECK(memcmp("\x01", "\xff", 1) < 0);
    CHECK(memcmp("a\xff", "a\x7f", 2) > 0);

    /* Embedded NULs are ordinary bytes. */
    CHECK(memcmp("a\0b", "a\0c", 3) < 0);
    CHECK_EQ(memcmp("a\0b", "a\0b", 3), 0);
}

TEST(memcmp_matches_host_libc)
{
    unsigned char a[16], b[16];
    unsigned int i, j, bad = 0;

    for ( i = 0; i < 20000; i++ )
    {
        size_t n = rng() % sizeof(a);

        for ( j = 0; j < sizeof(a); j++ )
            a[j] = b[j] = rng();
        /* Usually make them differ at one random position. */
        if ( rng() % 4 )
            b[rng() % sizeof(b)] = rng();

        bad += sign(memcmp(a, b, n)) != sign(__builtin_memcmp(a, b, n));
    }

    CHECK_EQ(bad, 0);
}

TEST(memchr_finds_first_within_n)
{
    const char s[] = "hello\0world";

    CHECK(memchr(s, 'l', 5) == s + 2);
    CHECK(memchr(s, 'o', sizeof(s)) == s + 4);
    CHECK(memchr(s, 'w', 5) == NULL);
    CHECK(memchr(s, 'w', sizeof(s)) == s + 6);
    CHECK(memchr(s, '\0', sizeof(s)) == s + 5);
    CHECK(memchr(s, 'h', 0) == NULL);
    CHECK(memchr(s, 'z', sizeof(s)) == NULL);

    /* c is converted to unsigned char. */
    CHECK(memchr(s, 'h' + 0x100, 5) == s);
    CHECK(memchr("\xe9t\xe9", 0xe9, 3) != NULL);
    CHECK(memchr("ab\xff", -1, 3) != NULL);
}

/* --- strlen, strnlen --- */

TEST(strlen_and_strnlen)
{
    const char unterminated[4] = { 'a', 'b', 'c', 'd' };

    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("a"), 1);
    CHECK_EQ(strlen("hello world"), 11);
    CHECK_EQ(strlen("\xff\x80"), 2);
    CHECK_EQ(strlen("ab\0cd"), 2);

    CHECK_EQ(strnlen("hello", 10), 5);
    CHECK_EQ(strnlen("hello", 5), 5);
    CHECK_EQ(strnlen("hello", 3), 3);
    CHECK_EQ(strnlen("hello", 0), 0);
    CHECK_EQ(strnlen("", 4), 0);
    /* Never reads past max. */
    CHECK_EQ(strnlen(unterminated, sizeof(unterminated)), 4);
    CHECK_EQ(strnlen(unterminated, 2), 2);
}

/* --- strcmp, strncmp --- */

TEST(strcmp_orders_as_unsigned_char)
{
    CHECK_EQ(strcmp("", ""), 0);
    CHECK_EQ(strcmp("abc", "abc"), 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abd", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK(strcmp("", "a") < 0);
    CHECK(strcmp("a", "") > 0);
    CHECK(strcmp("\xff", "a") > 0);
    CHECK(strcmp("a", "\x80") < 0);
}

TEST(strncmp_stops_at_n_and_nul)
{
    CHECK_EQ(strncmp("abc", "abd", 0), 0);
    CHECK_EQ(strncmp("abc", "abd", 2), 0);
    CHECK(strncmp("abc", "abd", 3) < 0);
    CHECK(strncmp("abc", "abd", 100) < 0);
    CHECK_EQ(strncmp("abc", "abc", 100), 0);
    /* Nothing after a common NUL is compared. */
    CHECK_EQ(strncmp("ab\0x", "ab\0y", 4), 0);
    CHECK(strncmp("ab", "abc", 3) < 0);
    CHECK(strncmp("abc", "ab", 3) > 0);
    CHECK(strncmp("\xff", "a", 1) > 0);
    CHECK(strncmp("x\x01", "x\xfe", 2) < 0);
}

TEST(strcmp_matches_host_libc)
{
    char a[8], b[8];
    unsigned int i, j, bad = 0;

    for ( i = 0; i < 20000; i++ )
    {
        size_t n = rng() % 10;

        /* A small alphabet (with high bytes) so strings often share
         * prefixes; random lengths through random NUL positions. */
        for ( j = 0; j < sizeof(a) - 1; j++ )
        {
            a[j] = "ab\xff\x80"[rng() % 4];
            b[j] = rng() % 3 ? a[j] : "ab\xff\x80"[rng() % 4];
        }
        a[rng() % sizeof(a)] = '\0';
        b[rng() % sizeof(b)] = '\0';
        a[sizeof(a) - 1] = b[sizeof(b) - 1] = '\0';

        bad += sign(strcmp(a, b)) != sign(__builtin_strcmp(a, b));
        bad += sign(strncmp(a, b, n)) != sign(__builtin_strncmp(a, b, n));
    }

    CHECK_EQ(bad, 0);
}

/* --- strchr, strrchr, strstr --- */

TEST(strchr_and_strrchr)
{
    const char s[] = "hello world";

    CHECK(strchr(s, 'o') == s + 4);
    CHECK(strrchr(s, 'o') == s + 7);
    CHECK(strchr(s, 'h') == s);
    CHECK(strrchr(s, 'h') == s);
    CHECK(strchr(s, 'd') == s + 10);
    CHECK(strrchr(s, 'd') == s + 10);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strrchr(s, 'z') == NULL);

    /* The terminator can be searched for. */
    CHECK(strchr(s, '\0') == s + 11);
    CHECK(strrchr(s, '\0') == s + 11);
    CHECK(strchr("", '\0') != NULL);
    CHECK(strchr("", 'a') == NULL);
    CHECK(strrchr("", 'a') == NULL);

    /* c is converted to char. */
    CHECK(strchr(s, 'w' + 0x100) == s + 6);
    CHECK(strchr("caf\xe9", 0xe9) != NULL);
    CHECK(strrchr("\xe9t\xe9", 0xe9) != NULL);
}

TEST(strstr_edge_cases)
{
    const char *h = "hello world";

    CHECK(strstr(h, "") == h);
    CHECK(strstr("", "") != NULL);
    CHECK(strstr("", "a") == NULL);
    CHECK(strstr(h, "hello") == h);
    CHECK(strstr(h, "world") == h + 6);
    CHECK(strstr(h, "d") == h + 10);
    CHECK(strstr(h, "o") == h + 4);
    CHECK(strstr(h, "hello world") == h);
    CHECK(strstr(h, "hello world!") == NULL);
    CHECK(strstr(h, "worlds") == NULL);
    CHECK(strstr(h, "xyz") == NULL);
    /* A false start right before the match. */
    CHECK(strstr("aaab", "aab") != NULL && *strstr("aaab", "aab") == 'a');
    CHECK_STREQ(strstr("aaab", "aab"), "aab");
    CHECK_STREQ(strstr("abababc", "ababc"), "ababc");
    CHECK(strstr("ab", "abc") == NULL);
}

TEST(strstr_matches_host_libc)
{
    char h[12], n[5];
    unsigned int i, j, bad = 0;

    for ( i = 0; i < 20000; i++ )
    {
        for ( j = 0; j < sizeof(h) - 1; j++ )
            h[j] = "ab"[rng() % 2];
        for ( j = 0; j < sizeof(n) - 1; j++ )
            n[j] = "ab"[rng() % 2];
        h[rng() % sizeof(h)] = '\0';
        n[rng() % sizeof(n)] = '\0';
        h[sizeof(h) - 1] = n[sizeof(n) - 1] = '\0';

        bad += strstr(h, n) != __builtin_strstr(h, n);
    }

    CHECK_EQ(bad, 0);
}

/* --- strlcpy, strlcat --- */

TEST(strlcpy_fits)
{
    char buf[16];

    __builtin_memset(buf, SENTINEL, sizeof(buf));
    CHECK_EQ(strlcpy(buf, "hello", sizeof(buf)), 5);
    CHECK_STREQ(buf, "hello");
    CHECK(untouched((unsigned char *)buf, 6, sizeof(buf)));

    /* Exactly fits: length size - 1. */
    CHECK_EQ(strlcpy(buf, "0123456789abcde", sizeof(buf)), 15);
    CHECK_STREQ(buf, "0123456789abcde");

    CHECK_EQ(strlcpy(buf, "", sizeof(buf)), 0);
    CHECK_STREQ(buf, "");
}

TEST(strlcpy_truncates)
{
    const char *src = "0123456789";
    char buf[16];
    size_t size;

    for ( size = 1; size <= 11; size++ )
    {
        __builtin_memset(buf, SENTINEL, sizeof(buf));
        CHECK_EQ(strlcpy(buf, src, size), 10);
        CHECK_EQ(__builtin_strlen(buf), size - 1);
        CHECK(!__builtin_memcmp(buf, src, size - 1));
        CHECK(untouched((unsigned char *)buf, size, sizeof(buf)));
    }

    /* size 0 writes nothing, not even a NUL; the buffer may be NULL. */
    __builtin_memset(buf, SENTINEL, sizeof(buf));
    CHECK_EQ(strlcpy(buf, src, 0), 10);
    CHECK(untouched((unsigned char *)buf, 0, sizeof(buf)));
    CHECK_EQ(strlcpy(NULL, src, 0), 10);

    /* Truncation is detected as ret >= size. */
    CHECK(strlcpy(buf, "too long for it", 8) >= 8);
}

TEST(strlcat_appends)
{
    char buf[16];

    __builtin_memset(buf, SENTINEL, sizeof(buf));
    buf[0] = '\0';
    CHECK_EQ(strlcat(buf, "hello", sizeof(buf)), 5);
    CHECK_EQ(strlcat(buf, ", ", sizeof(buf)), 7);
    CHECK_EQ(strlcat(buf, "world", sizeof(buf)), 12);
    CHECK_STREQ(buf, "hello, world");
    CHECK(untouched((unsigned char *)buf, 13, sizeof(buf)));
    CHECK_EQ(strlcat(buf, "", sizeof(buf)), 12);
    CHECK_STREQ(buf, "hello, world");
}

TEST(strlcat_truncates)
{
    char buf[16];
    size_t size;

    for ( size = 4; size <= 12; size++ )
    {
        __builtin_memset(buf, SENTINEL, sizeof(buf));
        __builtin_strcpy(buf, "abc");
        /* Tries to make "abc0123456789", 13 characters. */
        CHECK_EQ(strlcat(buf, "0123456789", size), 13);
        CHECK_EQ(__builtin_strlen(buf), size - 1);
        CHECK(!__builtin_memcmp(buf, "abc0123456789", size - 1));
        CHECK(untouched((unsigned char *)buf, size, sizeof(buf)));
    }

    /* No room past the existing string: nothing appended. */
    __builtin_strcpy(buf, "abc");
    CHECK_EQ(strlcat(buf, "xyz", 4), 6);
    CHECK_STREQ(buf, "abc");
}

TEST(strlcat_without_nul_in_size)
{
    char buf[8];

    /* dst holds no NUL within size: returns size + strlen(src), writes
     * nothing. */
    __builtin_memset(buf, 'x', sizeof(buf));
    CHECK_EQ(strlcat(buf, "abc", 5), 5 + 3);
    CHECK(buf[4] == 'x' && buf[5] == 'x');

    __builtin_memset(buf, SENTINEL, sizeof(buf));
    CHECK_EQ(strlcat(buf, "abc", 0), 3);
    CHECK(untouched((unsigned char *)buf, 0, sizeof(buf)));
}
