/*
 * test_symbols.c: the embedded symbol table, both halves.
 *
 * symbols_lookup() (xen/common/symbols.c) reads five arrays that the
 * hypervisor gets from generated assembly. Here they are writable arrays
 * defined below: load_table() fills them from a list of entries, so each
 * case sets up exactly the table it needs (including an empty one).
 *
 * The generator (xen/tools/symbols.c) is #included with its main() renamed.
 * Its symbols_run() takes its streams as parameters: run_tool() feeds it
 * nm-style text from a temporary file and captures stdout and stderr in
 * memory. load_generated() parses a generated table back into the arrays,
 * so the lookup is also tested on the generator's real output.
 */
#define main symbols_tool_main
#include "../../../xen/tools/symbols.c"
#undef main

#include <unistd.h>

#include <xen/compiler.h>
#include <xen/symbols.h>

#include "harness.h"

#define B 0xffff82d040200000UL      /* where the image's text starts */

#define MAX_ENTRIES 4096
#define STRINGS_SIZE (MAX_ENTRIES * 64)

unsigned long symbols_num;
unsigned long symbols_addresses[MAX_ENTRIES];
unsigned long symbols_sizes[MAX_ENTRIES];
unsigned int symbols_names[MAX_ENTRIES];
char symbols_strings[STRINGS_SIZE];

struct entry {
    unsigned long addr, size;
    const char *name;
};

static void load_table(const struct entry *e, unsigned int n)
{
    size_t off = 0;
    unsigned int i;

    for ( i = 0; i < n; i++ )
    {
        symbols_addresses[i] = e[i].addr;
        symbols_sizes[i] = e[i].size;
        symbols_names[i] = off;
        strcpy(symbols_strings + off, e[i].name);
        off += strlen(e[i].name) + 1;
    }
    symbols_num = n;
}

/* addr resolves to name+off, and the reported size is sz. */
#define CHECK_SYM(addr, name, off, sz) do {                                 \
    unsigned long size_ = ~0UL, off_ = ~0UL;                                \
                                                                            \
    CHECK_STREQ(symbols_lookup(addr, &size_, &off_), name);                 \
    CHECK_EQ(off_, off);                                                    \
    CHECK_EQ(size_, sz);                                                    \
} while ( 0 )

#define CHECK_NOSYM(addr) do {                                              \
    unsigned long size_ = 0x5a5a, off_ = 0x5a5a;                            \
                                                                            \
    CHECK(symbols_lookup(addr, &size_, &off_) == NULL);                     \
    CHECK_EQ(size_, 0x5a5a);                                                \
    CHECK_EQ(off_, 0x5a5a);                                                 \
} while ( 0 )

/*
 * A hand-made table covering each shape: sized, aliases (preferred name
 * last), size 0 in the middle and at the end.
 */
static const struct entry basic[] = {
    { B + 0x000, 0x40, "start" },
    { B + 0x100, 0x20, "local_alias" },
    { B + 0x100, 0x20, "do_foo" },
    { B + 0x200, 0,    "asm_entry" },
    { B + 0x280, 0x10, "do_bar" },
    { B + 0x300, 0,    "last_label" },
};

TEST(lookup_exact_hits)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_SYM(B, "start", 0, 0x40);
    CHECK_SYM(B + 0x280, "do_bar", 0, 0x10);
    CHECK_SYM(B + 0x200, "asm_entry", 0, 0x80);
}

TEST(lookup_offsets)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_SYM(B + 0x1, "start", 0x1, 0x40);
    CHECK_SYM(B + 0x3f, "start", 0x3f, 0x40);
    CHECK_SYM(B + 0x28f, "do_bar", 0xf, 0x10);
}

TEST(lookup_before_first)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_NOSYM(B - 1);
    CHECK_NOSYM(0);
    CHECK_NOSYM(0x1000);
}

TEST(lookup_gap_after_sized_symbol)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_NOSYM(B + 0x40);
    CHECK_NOSYM(B + 0xff);
    CHECK_NOSYM(B + 0x290);
    CHECK_NOSYM(B + 0x2ff);
}

TEST(lookup_zero_size_runs_to_next)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_SYM(B + 0x27f, "asm_entry", 0x7f, 0x80);
    CHECK_SYM(B + 0x280, "do_bar", 0, 0x10);
}

TEST(lookup_last_symbol)
{
    static const struct entry sized_last[] = {
        { B,        0x10, "first" },
        { B + 0x10, 0x10, "final" },
    };

    /* Size 0 at the end: unknown extent, so no upper bound. */
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_SYM(B + 0x300, "last_label", 0, 0);
    CHECK_SYM(B + 0x12345, "last_label", 0x12045, 0);
    CHECK_SYM(~0UL, "last_label", ~0UL - (B + 0x300), 0);

    load_table(sized_last, ARRAY_SIZE(sized_last));
    CHECK_SYM(B + 0x1f, "final", 0xf, 0x10);
    CHECK_NOSYM(B + 0x20);
    CHECK_NOSYM(~0UL);
}

TEST(lookup_aliases_return_last)
{
    load_table(basic, ARRAY_SIZE(basic));
    CHECK_SYM(B + 0x100, "do_foo", 0, 0x20);
    CHECK_SYM(B + 0x11f, "do_foo", 0x1f, 0x20);
    CHECK_NOSYM(B + 0x120);
}

TEST(lookup_empty_table)
{
    load_table(NULL, 0);
    CHECK_NOSYM(0);
    CHECK_NOSYM(B);
    CHECK_NOSYM(~0UL);
}

TEST(lookup_single_entry_and_null_outputs)
{
    static const struct entry one[] = { { B, 0x8, "only" } };
    unsigned long size = 0;

    load_table(one, 1);
    CHECK_STREQ(symbols_lookup(B + 7, NULL, NULL), "only");
    CHECK_STREQ(symbols_lookup(B + 7, &size, NULL), "only");
    CHECK_EQ(size, 8);
    CHECK(symbols_lookup(B + 8, NULL, NULL) == NULL);
    CHECK(symbols_lookup(B - 1, NULL, NULL) == NULL);
}

/* Binary search vs. a linear scan over a large pseudo-random table. */
static const char *reference_lookup(unsigned long addr, unsigned long *off)
{
    unsigned long i, found = symbols_num, extent;

    for ( i = 0; i < symbols_num; i++ )
        if ( symbols_addresses[i] <= addr )
            found = i;
    if ( found == symbols_num )
        return NULL;
    extent = symbols_sizes[found];
    if ( !extent && found + 1 < symbols_num )
        extent = symbols_addresses[found + 1] - symbols_addresses[found];
    *off = addr - symbols_addresses[found];
    if ( extent && *off >= extent )
        return NULL;
    return symbols_strings + symbols_names[found];
}

TEST(lookup_matches_linear_scan)
{
    static struct entry big[1000];
    static char names[1000][8];
    unsigned long addr = B, seed = 12345, probe, ref_off = 0, off, size;
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(big); i++ )
    {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        addr += (seed >> 33) % 4 == 0 ? 0 : (seed >> 40) % 0x100;
        snprintf(names[i], sizeof(names[i]), "f%u", i);
        big[i].addr = addr;
        big[i].size = (seed >> 20) % 3 == 0 ? 0 : (seed >> 50) % 0x80 + 1;
        big[i].name = names[i];
    }
    load_table(big, ARRAY_SIZE(big));

    for ( i = 0; i < ARRAY_SIZE(big); i++ )
    {
        const unsigned long probes[] = {
            big[i].addr - 1, big[i].addr, big[i].addr + 1,
            big[i].addr + big[i].size - 1, big[i].addr + big[i].size,
        };

        for ( j = 0; j < ARRAY_SIZE(probes); j++ )
        {
            const char *want, *got;

            probe = probes[j];
            want = reference_lookup(probe, &ref_off);
            got = symbols_lookup(probe, &size, &off);
            if ( !CHECK(want == got) )
                return;
            if ( got && !CHECK_EQ(off, ref_off) )
                return;
        }
    }
}

/* --- The generator --- */

struct tool_result {
    int rc;
    char *out, *err;
    size_t out_len, err_len;
};

static struct tool_result run_tool(const void *input, size_t len,
                                   const char *const *args)
{
    struct tool_result r = { .rc = -1 };
    char *argv[8];
    int argc = 0;
    FILE *in = tmpfile();
    FILE *out = open_memstream(&r.out, &r.out_len);
    FILE *err = open_memstream(&r.err, &r.err_len);

    if ( !in || !out || !err )
    {
        perror("test_symbols: run_tool");
        exit(2);
    }
    argv[argc++] = "symbols";
    while ( *args && argc < 7 )
        argv[argc++] = (char *)*args++;
    argv[argc] = NULL;

    fwrite(input, 1, len, in);
    rewind(in);
    r.rc = symbols_run(argc, argv, in, out, err);
    fclose(in);
    fclose(out);
    fclose(err);
    return r;
}

#define RUN(input) \
    run_tool(input, strlen(input), (const char *const []){ NULL })
#define RUN_ARGS(input, ...) \
    run_tool(input, strlen(input), (const char *const []){ __VA_ARGS__, NULL })

static void result_free(struct tool_result *r)
{
    free(r->out);
    free(r->err);
}

static unsigned int count_substr(const char *s, const char *needle)
{
    unsigned int n = 0;

    while ( (s = strstr(s, needle)) != NULL )
    {
        n++;
        s += strlen(needle);
    }
    return n;
}

/* Parse one .asciz string (after its opening quote) into dst. */
static int parse_asciz(const char *p, char *dst, size_t room)
{
    size_t n = 0;

    for ( ; *p && *p != '"'; p++ )
    {
        if ( *p == '\\' && *++p == '\0' )
            return -1;
        if ( n + 1 >= room )
            return -1;
        dst[n++] = *p;
    }
    if ( *p != '"' )
        return -1;
    dst[n] = '\0';
    return n;
}

/* One line of a generated table, under label. Returns 0 or -1. */
static int load_line(const char *label, const char *p, unsigned long *num,
                     size_t *nr, size_t *strings_len)
{
    if ( !strncmp(p, ".quad ", 6) )
    {
        unsigned long v = strtoul(p + 6, NULL, 0);

        if ( !strcmp(label, "symbols_num") )
            *num = v;
        else if ( !strcmp(label, "symbols_addresses") && nr[0] < MAX_ENTRIES )
            symbols_addresses[nr[0]++] = v;
        else if ( !strcmp(label, "symbols_sizes") && nr[1] < MAX_ENTRIES )
            symbols_sizes[nr[1]++] = v;
        else
            return -1;
    }
    else if ( !strncmp(p, ".long ", 6) )
    {
        if ( strcmp(label, "symbols_names") || nr[2] >= MAX_ENTRIES )
            return -1;
        symbols_names[nr[2]++] = strtoul(p + 6, NULL, 0);
    }
    else if ( !strncmp(p, ".asciz \"", 8) )
    {
        int n = parse_asciz(p + 8, symbols_strings + *strings_len,
                            STRINGS_SIZE - *strings_len);

        if ( strcmp(label, "symbols_strings") || n < 0 ||
             symbols_names[nr[3]] != *strings_len )
            return -1;
        *strings_len += n + 1;
        nr[3]++;
    }
    return 0;
}

/*
 * Load the arrays from a generated table, as the assembler and linker
 * would. Returns the number of entries, or -1 if the text is inconsistent.
 */
static long load_generated(const char *text)
{
    char label[64] = "", line[1024];
    unsigned long num = ~0UL;
    size_t nr[4] = { 0 }, strings_len = 0;
    const char *p = text;

    while ( *p )
    {
        size_t len = strcspn(p, "\n");
        const char *s = line;

        if ( len >= sizeof(line) )
            return -1;
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (p[len] == '\n');

        while ( *s == ' ' )
            s++;
        if ( len && line[len - 1] == ':' && len < sizeof(label) )
            snprintf(label, sizeof(label), "%.*s", (int)len - 1, line);
        else if ( load_line(label, s, &num, nr, &strings_len) )
            return -1;
    }

    if ( num == ~0UL || nr[0] != num || nr[1] != num || nr[2] != num ||
         nr[3] != num )
        return -1;
    symbols_num = num;
    return num;
}

static const char *entry_name(unsigned int i)
{
    return symbols_strings + symbols_names[i];
}

static const char golden_input[] =
    "ffff82d040200100 0000000000000020 T do_foo\n"
    "ffff82d040200000 T _start\n"
    "ffff82d040201000 0000000000000008 D some_data\n"
    "ffff82d040200180 t helper\n";

static const char golden_output[] =
    "/* Generated by xen/tools/symbols from nm output: do not edit. */\n"
    "/* 3 text symbols. */\n"
    "\n"
    "    .section .rodata.symbols, \"a\", @progbits\n"
    "\n"
    "    .balign 8\n"
    "    .globl symbols_num\n"
    "    .type symbols_num, @object\n"
    "symbols_num:\n"
    "    .quad 3\n"
    "    .size symbols_num, . - symbols_num\n"
    "\n"
    "    .balign 8\n"
    "    .globl symbols_addresses\n"
    "    .type symbols_addresses, @object\n"
    "symbols_addresses:\n"
    "    .quad 0xffff82d040200000    # _start\n"
    "    .quad 0xffff82d040200100    # do_foo\n"
    "    .quad 0xffff82d040200180    # helper\n"
    "    .size symbols_addresses, . - symbols_addresses\n"
    "\n"
    "    .balign 8\n"
    "    .globl symbols_sizes\n"
    "    .type symbols_sizes, @object\n"
    "symbols_sizes:\n"
    "    .quad 0x100\n"
    "    .quad 0x20\n"
    "    .quad 0x0\n"
    "    .size symbols_sizes, . - symbols_sizes\n"
    "\n"
    "    .balign 4\n"
    "    .globl symbols_names\n"
    "    .type symbols_names, @object\n"
    "symbols_names:\n"
    "    .long 0\n"
    "    .long 7\n"
    "    .long 14\n"
    "    .size symbols_names, . - symbols_names\n"
    "\n"
    "    .balign 1\n"
    "    .globl symbols_strings\n"
    "    .type symbols_strings, @object\n"
    "symbols_strings:\n"
    "    .asciz \"_start\"\n"
    "    .asciz \"do_foo\"\n"
    "    .asciz \"helper\"\n"
    "    .size symbols_strings, . - symbols_strings\n"
    "\n"
    "    .section .note.GNU-stack, \"\", @progbits\n";

TEST(tool_golden_output)
{
    struct tool_result r = RUN(golden_input);

    CHECK_EQ(r.rc, 0);
    CHECK_STREQ(r.out, golden_output);
    CHECK_STREQ(r.err, "");
    result_free(&r);
}

TEST(tool_output_drives_lookup)
{
    struct tool_result r = RUN(golden_input);

    CHECK_EQ(load_generated(r.out), 3);
    CHECK_SYM(B, "_start", 0, 0x100);
    CHECK_SYM(B + 0xff, "_start", 0xff, 0x100);
    CHECK_SYM(B + 0x11f, "do_foo", 0x1f, 0x20);
    CHECK_NOSYM(B + 0x120);
    CHECK_SYM(B + 0x180, "helper", 0, 0);
    CHECK_NOSYM(B - 1);
    result_free(&r);
}

TEST(tool_sizes)
{
    struct tool_result r = RUN(
        "ffff82d040200000 0000000000000000 T zero_from_nm\n"
        "ffff82d040200010 0000000000000004 T sized\n"
        "ffff82d040200040 t unsized_alias\n"
        "ffff82d040200040 T unsized\n"
        "ffff82d040200100 0000000000000010 T sized_last\n"
        "ffff82d040200100 t unsized_last_alias\n");

    CHECK_EQ(r.rc, 0);
    CHECK_EQ(load_generated(r.out), 6);
    CHECK_STREQ(entry_name(0), "zero_from_nm");
    CHECK_EQ(symbols_sizes[0], 0x10);       /* nm's 0 counts as none */
    CHECK_EQ(symbols_sizes[1], 4);
    CHECK_STREQ(entry_name(2), "unsized_alias");
    CHECK_EQ(symbols_sizes[2], 0xc0);       /* to the next address ... */
    CHECK_STREQ(entry_name(3), "unsized");
    CHECK_EQ(symbols_sizes[3], 0xc0);       /* ... not the next alias */
    CHECK_STREQ(entry_name(4), "unsized_last_alias");
    CHECK_EQ(symbols_sizes[4], 0);          /* nothing follows */
    CHECK_STREQ(entry_name(5), "sized_last");
    CHECK_EQ(symbols_sizes[5], 0x10);
    result_free(&r);
}

TEST(tool_alias_order_is_deterministic)
{
    static const char *const orders[] = {
        "ffff82d040200000 t loc\nffff82d040200000 W weak\n"
        "ffff82d040200000 T glob\nffff82d040200000 w weakloc\n",
        "ffff82d040200000 T glob\nffff82d040200000 w weakloc\n"
        "ffff82d040200000 W weak\nffff82d040200000 t loc\n",
        "ffff82d040200000 w weakloc\nffff82d040200000 T glob\n"
        "ffff82d040200000 t loc\nffff82d040200000 W weak\n",
    };
    struct tool_result first = RUN(orders[0]), r;
    unsigned int i;

    for ( i = 1; i < ARRAY_SIZE(orders); i++ )
    {
        r = RUN(orders[i]);
        CHECK_STREQ(r.out, first.out);
        result_free(&r);
    }

    CHECK_EQ(load_generated(first.out), 4);
    CHECK_STREQ(entry_name(0), "weakloc");
    CHECK_STREQ(entry_name(1), "loc");
    CHECK_STREQ(entry_name(2), "weak");
    CHECK_STREQ(entry_name(3), "glob");
    CHECK_SYM(B + 4, "glob", 4, 0);
    result_free(&first);
}

TEST(tool_alias_tie_breaks)
{
    /*
     * A sized symbol beats a bare label even if the label is global (a
     * linker-script marker); among sized ones global still wins; then the
     * smaller name wins.
     */
    struct tool_result r = RUN(
        "ffff82d040200000 T _stext\n"
        "ffff82d040200000 0000000000000010 t first_fn\n"
        "ffff82d040200040 0000000000000010 t local_fn\n"
        "ffff82d040200040 0000000000000010 T global_fn\n"
        "ffff82d040200100 T b_name\n"
        "ffff82d040200100 T a_name\n"
        "ffff82d040200100 T a_name\n");

    CHECK_EQ(load_generated(r.out), 6);     /* the duplicate is dropped */
    CHECK_STREQ(entry_name(0), "_stext");
    CHECK_SYM(B + 4, "first_fn", 4, 0x10);
    CHECK_NOSYM(B + 0x10);
    CHECK_SYM(B + 0x40, "global_fn", 0, 0x10);
    CHECK_SYM(B + 0x100, "a_name", 0, 0);
    CHECK_STREQ(entry_name(4), "b_name");
    result_free(&r);
}

TEST(tool_filters_symbols)
{
    struct tool_result r = RUN(
        "                 U undefined\n"
        "                 w weak_undefined\n"
        "ffff82d040200000 T _start\n"
        "ffff82d040200010 t .Ltmp0\n"
        "ffff82d040200010 t $x\n"
        "ffff82d040200020 T symbols_lookup\n"
        "ffff82d040200040 t do_foo.cold\n"
        "ffff82d040300000 0000000000000008 R symbols_num\n"
        "ffff82d040300008 T symbols_addresses\n"
        "ffff82d040300010 r symbols_sizes\n"
        "ffff82d040300020 R symbols_names\n"
        "ffff82d040300030 R symbols_strings\n"
        "ffff82d040400000 D data\n"
        "ffff82d040400000 d ldata\n"
        "ffff82d040500000 B bss\n"
        "ffff82d040500000 b lbss\n"
        "0000000000001000 A absolute\n"
        "ffff82d040600000 N debug\n");

    CHECK_EQ(r.rc, 0);
    CHECK_STREQ(r.err, "");
    CHECK_EQ(load_generated(r.out), 3);
    CHECK_STREQ(entry_name(0), "_start");
    CHECK_STREQ(entry_name(1), "symbols_lookup");
    CHECK_STREQ(entry_name(2), "do_foo.cold");
    result_free(&r);
}

TEST(tool_escapes_names)
{
    struct tool_result r = RUN("ffff82d040200000 T we\"ird\\name\n");

    CHECK(strstr(r.out, ".asciz \"we\\\"ird\\\\name\"\n") != NULL);
    CHECK_EQ(load_generated(r.out), 1);
    CHECK_STREQ(entry_name(0), "we\"ird\\name");
    result_free(&r);
}

TEST(tool_malformed_lines)
{
    static const char input[] =
        "zzzzzzzz T bad_addr\n"                             /* 1 */
        "ffff82d0402000000 T seventeen_digits\n"            /* 2 */
        "ffff82d040200000 0000000000000010 T a b\n"         /* 3 */
        "ffff82d040200000 0010\n"                           /* 4 */
        "ffff82d040200000 TT two_char_type\n"               /* 5 */
        "ffff82d040200000 xyz T bad_size\n"                 /* 6 */
        "ffff82d040200000 T caf\xc3\xa9\n"                  /* 7 */
        "ffff82d040200000 T nul\0name\n"                    /* 8 */
        "ffff82d040200000\n"                                /* 9 */
        "\n"                                                /* 10 */
        "   \t \n"                                          /* 11 */
        "ffff82d040200010 T good1\n"                        /* 12 */
        "ffff82d040200020 T good2";                         /* 13, no \n */
    struct tool_result r = run_tool(input, sizeof(input) - 1,
                                    (const char *const []){ NULL });

    CHECK_EQ(r.rc, 0);
    CHECK_EQ(count_substr(r.err, "warning:"), 9);
    CHECK(strstr(r.err, "<stdin>:1: warning: malformed line skipped "
                 "(bad address \"zzzzzzzz\")") != NULL);
    CHECK(strstr(r.err, "<stdin>:2: warning:") != NULL);
    CHECK(strstr(r.err, "<stdin>:8: warning: line longer") != NULL);
    CHECK(strstr(r.err, "<stdin>:9: warning:") != NULL);
    CHECK(strstr(r.err, "<stdin>:10:") == NULL);
    CHECK(strstr(r.err, "<stdin>:11:") == NULL);
    CHECK_EQ(load_generated(r.out), 2);
    CHECK_STREQ(entry_name(0), "good1");
    CHECK_STREQ(entry_name(1), "good2");
    result_free(&r);
}

TEST(tool_bounds_names_and_lines)
{
    static char input[8192];
    char name[300];
    struct tool_result r;
    size_t n = 0;

    /* Names of exactly MAX_NAME_LEN are kept, one more is not. */
    memset(name, 'n', MAX_NAME_LEN);
    name[MAX_NAME_LEN] = '\0';
    n += snprintf(input + n, sizeof(input) - n, "ffff82d040200000 T %s\n",
                  name);
    n += snprintf(input + n, sizeof(input) - n, "ffff82d040200010 T %sX\n",
                  name);
    /* A line of exactly MAX_LINE_LEN is read, one more byte is not. */
    n += snprintf(input + n, sizeof(input) - n, "ffff82d040200020 %*s\n",
                  MAX_LINE_LEN - 17, "T fits");
    n += snprintf(input + n, sizeof(input) - n, "ffff82d040200030 %*s\n",
                  MAX_LINE_LEN - 16, "T too_long");
    r = RUN(input);

    CHECK_EQ(r.rc, 0);
    CHECK_EQ(count_substr(r.err, "warning:"), 2);
    CHECK(strstr(r.err, "<stdin>:2: warning: symbol \"nnn") != NULL);
    CHECK(strstr(r.err, "<stdin>:4: warning: line longer") != NULL);
    CHECK_EQ(load_generated(r.out), 2);
    CHECK_STREQ(entry_name(0), name);
    CHECK_STREQ(entry_name(1), "fits");
    result_free(&r);
}

TEST(tool_caps_warnings)
{
    static char input[4096];
    struct tool_result r;
    size_t n = 0;
    unsigned int i;

    for ( i = 0; i < MAX_WARNINGS + 5; i++ )
        n += snprintf(input + n, sizeof(input) - n, "garbage line %u\n", i);
    snprintf(input + n, sizeof(input) - n, "ffff82d040200000 T ok\n");
    r = RUN(input);

    CHECK_EQ(r.rc, 0);
    CHECK_EQ(count_substr(r.err, "warning:"), MAX_WARNINGS);
    CHECK(strstr(r.err, "symbols: 5 further warnings suppressed\n") != NULL);
    CHECK_EQ(load_generated(r.out), 1);
    result_free(&r);
}

TEST(tool_empty)
{
    struct tool_result e = RUN_ARGS("this is not read\n", "--empty");
    struct tool_result r = RUN("");

    CHECK_EQ(e.rc, 0);
    CHECK_STREQ(e.err, "");
    CHECK(strstr(e.out, "symbols_num:\n    .quad 0\n") != NULL);
    CHECK_EQ(load_generated(e.out), 0);
    CHECK_NOSYM(B);

    /* Empty input gives the same table, with a warning. */
    CHECK_EQ(r.rc, 0);
    CHECK_STREQ(r.out, e.out);
    CHECK(strstr(r.err, "warning: no text symbols") != NULL);
    result_free(&e);
    result_free(&r);
}

/* Write text to a fresh temporary file; the caller unlinks path. */
static void write_temp(char path[32], const char *text)
{
    int fd;

    strcpy(path, "/tmp/test_symbols.XXXXXX");
    fd = mkstemp(path);
    if ( fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) )
    {
        perror("test_symbols: write_temp");
        exit(2);
    }
    close(fd);
}

TEST(tool_check_equal)
{
    struct tool_result gen = RUN(golden_input), r;
    char path[32];

    write_temp(path, gen.out);
    r = RUN_ARGS(golden_input, "--check", path);
    CHECK_EQ(r.rc, 0);
    CHECK_STREQ(r.out, "");
    CHECK_STREQ(r.err, "");
    result_free(&r);
    result_free(&gen);

    gen = RUN_ARGS("", "--empty");
    write_temp(path + 0, gen.out);
    r = RUN_ARGS("", "--empty", "--check", path);
    CHECK_EQ(r.rc, 0);
    unlink(path);
    result_free(&r);
    result_free(&gen);
}

TEST(tool_check_stale)
{
    struct tool_result gen = RUN(golden_input), r;
    char path[32], want[128];

    write_temp(path, gen.out);

    /* One address moved: one line differs. */
    r = RUN_ARGS("ffff82d040200100 0000000000000020 T do_foo\n"
                 "ffff82d040200000 T _start\n"
                 "ffff82d040200190 t helper\n", "--check", path);
    CHECK_EQ(r.rc, 1);
    CHECK_STREQ(r.out, "");
    snprintf(want, sizeof(want), "symbols: table in %s is stale: "
             "1 difference, first at line 19: ", path);
    CHECK(strstr(r.err, want) != NULL);
    CHECK(strstr(r.err, "file has \"    .quad 0xffff82d040200180    # helper"
                 "\", regenerated \"    .quad 0xffff82d040200190    # "
                 "helper\"") != NULL);
    result_free(&r);

    /* A symbol more: counts, offsets and lengths all differ. */
    r = RUN_ARGS("ffff82d040200200 T extra\n" "ffff82d040200100 "
                 "0000000000000020 T do_foo\nffff82d040200000 T _start\n"
                 "ffff82d040200180 t helper\n", "--check", path);
    CHECK_EQ(r.rc, 1);
    CHECK(strstr(r.err, "differences, first at line 2: ") != NULL);
    result_free(&r);

    r = RUN_ARGS("", "--empty", "--check", path);
    CHECK_EQ(r.rc, 1);
    result_free(&r);

    unlink(path);
    result_free(&gen);
}

TEST(tool_check_truncated_and_missing_file)
{
    struct tool_result gen = RUN(golden_input), r;
    char path[32];

    /* Cut after a line in the middle: the file ends early. */
    strchr(gen.out + gen.out_len / 2, '\n')[1] = '\0';
    write_temp(path, gen.out);
    r = RUN_ARGS(golden_input, "--check", path);
    CHECK_EQ(r.rc, 1);
    CHECK(strstr(r.err, "file has \"(EOF)\", regenerated \"") != NULL);
    unlink(path);
    result_free(&r);

    r = RUN_ARGS(golden_input, "--check", path);
    CHECK_EQ(r.rc, 2);
    CHECK(strstr(r.err, "symbols: cannot open ") != NULL);
    result_free(&r);
    result_free(&gen);
}

TEST(tool_bad_arguments)
{
    struct tool_result r = RUN_ARGS("", "--bogus");

    CHECK_EQ(r.rc, 2);
    CHECK(strstr(r.err, "bad argument \"--bogus\"") != NULL);
    CHECK(strstr(r.err, "usage:") != NULL);
    CHECK_STREQ(r.out, "");
    result_free(&r);

    r = RUN_ARGS("", "--check");
    CHECK_EQ(r.rc, 2);
    result_free(&r);
}
