/*
 * xen/tools/symbols.c: build the hypervisor's embedded symbol table.
 *
 * Theory of operation
 * -------------------
 * The hypervisor symbolizes its own stack traces, so it carries a table of
 * its text symbols. This host program makes that table. It reads the output
 * of `nm -n -S <image>` on stdin, one symbol per line:
 *
 *     <addr> <size> <type> <name>     when nm knows the symbol's size
 *     <addr> <type> <name>            when it does not
 *     <type> <name>                   undefined symbols (no address)
 *
 * and writes GNU as source on stdout defining, in section .rodata.symbols:
 *
 *     symbols_num         .quad  number of entries
 *     symbols_addresses   .quad  start address of each entry, ascending
 *     symbols_sizes       .quad  extent of each entry (see below)
 *     symbols_names       .long  offset of each entry's name in ...
 *     symbols_strings     .asciz the names, in entry order
 *
 * xen/common/symbols.c binary-searches symbols_addresses at run time.
 *
 * Which symbols: text symbols only (nm types T, t, W, w) that have an
 * address. Dropped silently: the table's own five symbols, assembler-local
 * labels (".L..."), mapping symbols ("$..."). Dropped with a warning on
 * stderr: lines that do not parse, names longer than MAX_NAME_LEN, names with
 * bytes outside printable ASCII. A bad line never stops the run.
 *
 * Sizes: nm's size when it printed a nonzero one; otherwise the distance to
 * the next higher address in the table; 0 for a trailing symbol that has
 * neither (the lookup then treats its extent as unknown).
 *
 * Aliases (several names at one address) are all kept, ordered so that the
 * preferred name comes LAST in its group, because the lookup returns the
 * last entry whose address is <= the one looked up. Preference, strongest
 * first: a name nm gave a size (a function with a known extent) over a bare
 * label, so that a linker-script marker such as _stext never hides the
 * function it coincides with; then global (T) over weak global (W) over
 * local (t) over weak local (w); then the alphabetically smaller name. The
 * order is total, so the output never depends on the order of the input.
 *
 * The image embeds the table it was built from, so it is linked repeatedly
 * until the table stops changing (see xen/Makefile). `--check FILE` rebuilds
 * the table in memory from stdin and compares it, line by line, with the one
 * previously written to FILE: exit 0 if identical, 1 if stale, 2 on errors.
 * `--empty` writes a valid table with no entries and does not read stdin.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME_LEN   255      /* longest symbol name we keep */
#define MAX_LINE_LEN   1024     /* longer input lines are skipped */
#define MAX_WARNINGS   20       /* per run; then only a count */
#define MAX_CHECK_FILE (256UL << 20)

#define EXIT_STALE 1
#define EXIT_ERROR 2

struct sym {
    uint64_t addr;
    uint64_t size;              /* 0 until nm's or the computed size */
    bool nm_sized;              /* nm printed a nonzero size */
    char type;
    char *name;
};

struct symtab {
    struct sym *syms;
    size_t nr, cap;
};

/* A growable text buffer: the output is built in memory, then written. */
struct outbuf {
    char *buf;
    size_t len, cap;
    bool oom;
};

struct ctx {
    FILE *err;
    const char *input_name;
    unsigned long lineno;
    unsigned long warnings;
};

static const char *const table_names[] = {
    "symbols_num", "symbols_addresses", "symbols_sizes", "symbols_names",
    "symbols_strings",
};

static void __attribute__((format(printf, 2, 3)))
warn(struct ctx *c, const char *fmt, ...)
{
    va_list ap;

    if ( ++c->warnings > MAX_WARNINGS )
        return;
    fprintf(c->err, "symbols: %s:%lu: warning: ", c->input_name, c->lineno);
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
}

/* --- Output buffer --- */

/* Append n bytes; on allocation failure set ob->oom and drop the data. */
static void outbuf_append(struct outbuf *ob, const char *data, size_t n)
{
    if ( ob->oom )
        return;
    if ( ob->cap - ob->len <= n )
    {
        size_t cap = ob->cap ? ob->cap : 4096;
        char *p;

        while ( cap - ob->len <= n )
        {
            if ( cap > SIZE_MAX / 2 )
            {
                ob->oom = true;
                return;
            }
            cap *= 2;
        }
        p = realloc(ob->buf, cap);
        if ( !p )
        {
            ob->oom = true;
            return;
        }
        ob->buf = p;
        ob->cap = cap;
    }
    memcpy(ob->buf + ob->len, data, n);
    ob->len += n;
    ob->buf[ob->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
emit(struct outbuf *ob, const char *fmt, ...)
{
    char small[512], *big = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if ( n < 0 )
    {
        ob->oom = true;
        return;
    }
    if ( (size_t)n < sizeof(small) )
    {
        outbuf_append(ob, small, n);
        return;
    }

    big = malloc((size_t)n + 1);
    if ( !big )
    {
        ob->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    outbuf_append(ob, big, n);
    free(big);
}

static void outbuf_free(struct outbuf *ob)
{
    free(ob->buf);
    memset(ob, 0, sizeof(*ob));
}

/* --- Parsing nm output --- */

static bool parse_hex(const char *s, uint64_t *val)
{
    uint64_t v = 0;
    size_t i, len = strlen(s);

    if ( len == 0 || len > 16 )
        return false;
    for ( i = 0; i < len; i++ )
    {
        unsigned int d;

        if ( s[i] >= '0' && s[i] <= '9' )
            d = s[i] - '0';
        else if ( s[i] >= 'a' && s[i] <= 'f' )
            d = s[i] - 'a' + 10;
        else if ( s[i] >= 'A' && s[i] <= 'F' )
            d = s[i] - 'A' + 10;
        else
            return false;
        v = (v << 4) | d;
    }
    *val = v;
    return true;
}

static bool is_text_type(char type)
{
    return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

/* Names that are valid but carry nothing useful for a stack trace. */
static bool is_ignored_name(const char *name)
{
    size_t i;

    if ( !strncmp(name, ".L", 2) || name[0] == '$' )
        return true;
    for ( i = 0; i < sizeof(table_names) / sizeof(table_names[0]); i++ )
        if ( !strcmp(name, table_names[i]) )
            return true;
    return false;
}

static bool is_printable_name(const char *name)
{
    for ( ; *name; name++ )
        if ( (unsigned char)*name <= ' ' || (unsigned char)*name > '~' )
            return false;
    return true;
}

static int symtab_add(struct symtab *t, const struct sym *s)
{
    if ( t->nr == t->cap )
    {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct sym *p;

        if ( cap > SIZE_MAX / sizeof(*p) )
            return -ENOMEM;
        p = realloc(t->syms, cap * sizeof(*p));
        if ( !p )
            return -ENOMEM;
        t->syms = p;
        t->cap = cap;
    }
    t->syms[t->nr] = *s;
    t->syms[t->nr].name = strdup(s->name);
    if ( !t->syms[t->nr].name )
        return -ENOMEM;
    t->nr++;
    return 0;
}

static void symtab_free(struct symtab *t)
{
    size_t i;

    for ( i = 0; i < t->nr; i++ )
        free(t->syms[i].name);
    free(t->syms);
    memset(t, 0, sizeof(*t));
}

/*
 * Split line into at most max whitespace-separated fields. Returns the
 * number of fields, or max + 1 if there are more.
 */
static unsigned int split_fields(char *line, char **field, unsigned int max)
{
    unsigned int n = 0;
    char *p = line;

    for ( ;; )
    {
        while ( *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' )
            *p++ = '\0';
        if ( !*p )
            return n;
        if ( n == max )
            return max + 1;
        field[n++] = p;
        while ( *p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' )
            p++;
    }
}

/*
 * Parse one line of nm output into *s. Returns 1 if it is a symbol to keep,
 * 0 if it is to be skipped silently, -EINVAL (after a warning) if malformed.
 */
static int parse_line(struct ctx *c, char *line, struct sym *s)
{
    char *f[4];
    const char *addr, *size = NULL, *type, *name;
    unsigned int n = split_fields(line, f, 4);

    memset(s, 0, sizeof(*s));
    switch ( n )
    {
    case 0:
        return 0;
    case 2:
        if ( strlen(f[0]) == 1 )
            return 0;           /* undefined: "U name", "w name" */
        warn(c, "malformed line skipped (expected \"addr [size] type name\")");
        return -EINVAL;
    case 3:
        addr = f[0];
        type = f[1];
        name = f[2];
        break;
    case 4:
        addr = f[0];
        size = f[1];
        type = f[2];
        name = f[3];
        break;
    default:
        warn(c, "malformed line skipped (%u fields)", n);
        return -EINVAL;
    }

    if ( strlen(type) != 1 )
    {
        warn(c, "malformed line skipped (bad type \"%.16s\")", type);
        return -EINVAL;
    }
    if ( !parse_hex(addr, &s->addr) )
    {
        warn(c, "malformed line skipped (bad address \"%.24s\")", addr);
        return -EINVAL;
    }
    if ( size && !parse_hex(size, &s->size) )
    {
        warn(c, "malformed line skipped (bad size \"%.24s\")", size);
        return -EINVAL;
    }
    if ( !is_text_type(type[0]) || is_ignored_name(name) )
        return 0;
    if ( strlen(name) > MAX_NAME_LEN )
    {
        warn(c, "symbol \"%.32s...\" skipped (name longer than %d)", name,
             MAX_NAME_LEN);
        return -EINVAL;
    }
    if ( !is_printable_name(name) )
    {
        warn(c, "symbol skipped (name has non-printable bytes)");
        return -EINVAL;
    }

    s->type = type[0];
    s->nm_sized = s->size != 0;
    s->name = (char *)name;
    return 1;
}

/*
 * Read one line (without its newline) into buf. Returns false at end of
 * input. *bad is set when the line was longer than MAX_LINE_LEN or held a
 * NUL byte; the rest of such a line is consumed and discarded.
 */
static bool read_line(FILE *in, char buf[MAX_LINE_LEN + 1], bool *bad)
{
    size_t len = 0;
    int ch;

    *bad = false;
    while ( (ch = getc(in)) != EOF && ch != '\n' )
    {
        if ( ch == '\0' || len == MAX_LINE_LEN )
            *bad = true;
        else
            buf[len++] = ch;
    }
    buf[len] = '\0';
    return ch != EOF || len > 0 || *bad;
}

/* Read the whole input. Returns 0 or -errno (on allocation/read failure). */
static int read_symbols(struct ctx *c, FILE *in, struct symtab *t)
{
    char line[MAX_LINE_LEN + 1];
    struct sym s;
    bool bad;
    int rc;

    while ( read_line(in, line, &bad) )
    {
        c->lineno++;
        if ( bad )
        {
            warn(c, "line longer than %d bytes or with NUL bytes skipped",
                 MAX_LINE_LEN);
            continue;
        }
        rc = parse_line(c, line, &s);
        if ( rc <= 0 )
            continue;
        rc = symtab_add(t, &s);
        if ( rc )
            return rc;
    }
    return ferror(in) ? -EIO : 0;
}

/* --- Ordering and sizes --- */

/* Higher is preferred: it sorts later in its alias group. */
static int type_rank(char type)
{
    switch ( type )
    {
    case 'T': return 3;
    case 'W': return 2;
    case 't': return 1;
    default:  return 0;
    }
}

#define CMP(a, b) do {                          \
    if ( (a) != (b) )                           \
        return (a) < (b) ? -1 : 1;              \
} while ( 0 )

static int sym_cmp(const void *pa, const void *pb)
{
    const struct sym *a = pa, *b = pb;
    int rc;

    CMP(a->addr, b->addr);
    CMP(a->nm_sized, b->nm_sized);
    CMP(type_rank(a->type), type_rank(b->type));
    rc = strcmp(a->name, b->name);
    if ( rc )
        return -rc;             /* the smaller name sorts last: preferred */
    CMP(a->size, b->size);
    return 0;
}

#undef CMP

static bool sym_identical(const struct sym *a, const struct sym *b)
{
    return a->addr == b->addr && a->size == b->size && a->type == b->type &&
           !strcmp(a->name, b->name);
}

/* Sort, drop exact duplicates and fill in the sizes nm did not give. */
static void finish_table(struct symtab *t)
{
    size_t i, j, next;

    if ( t->nr == 0 )
        return;

    qsort(t->syms, t->nr, sizeof(*t->syms), sym_cmp);

    for ( i = 1, j = 1; i < t->nr; i++ )
    {
        if ( sym_identical(&t->syms[i], &t->syms[j - 1]) )
            free(t->syms[i].name);
        else
            t->syms[j++] = t->syms[i];
    }
    t->nr = j;

    /* next: index of the first entry with a higher address, or nr. */
    next = t->nr;
    for ( i = t->nr; i-- > 0; )
    {
        if ( i + 1 < t->nr && t->syms[i + 1].addr != t->syms[i].addr )
            next = i + 1;
        if ( !t->syms[i].nm_sized )
            t->syms[i].size = next < t->nr
                              ? t->syms[next].addr - t->syms[i].addr : 0;
    }
}

/* --- Emitting assembly --- */

static void emit_label(struct outbuf *ob, const char *name, unsigned int align)
{
    emit(ob, "\n    .balign %u\n", align);
    emit(ob, "    .globl %s\n", name);
    emit(ob, "    .type %s, @object\n", name);
    emit(ob, "%s:\n", name);
}

static void emit_end(struct outbuf *ob, const char *name)
{
    emit(ob, "    .size %s, . - %s\n", name, name);
}

static void emit_string(struct outbuf *ob, const char *s)
{
    emit(ob, "    .asciz \"");
    for ( ; *s; s++ )
    {
        if ( *s == '"' || *s == '\\' )
            emit(ob, "\\%c", *s);
        else
            emit(ob, "%c", *s);
    }
    emit(ob, "\"\n");
}

/* Returns 0, or -E2BIG if the names do not fit 32-bit offsets. */
static int emit_table(const struct symtab *t, struct outbuf *ob)
{
    uint64_t off = 0;
    size_t i;

    emit(ob, "/* Generated by xen/tools/symbols from nm output: do not edit."
         " */\n");
    emit(ob, "/* %zu text symbols. */\n\n", t->nr);
    emit(ob, "    .section .rodata.symbols, \"a\", @progbits\n");

    emit_label(ob, "symbols_num", 8);
    emit(ob, "    .quad %zu\n", t->nr);
    emit_end(ob, "symbols_num");

    emit_label(ob, "symbols_addresses", 8);
    for ( i = 0; i < t->nr; i++ )
        emit(ob, "    .quad 0x%016llx    # %s\n",
             (unsigned long long)t->syms[i].addr, t->syms[i].name);
    emit_end(ob, "symbols_addresses");

    emit_label(ob, "symbols_sizes", 8);
    for ( i = 0; i < t->nr; i++ )
        emit(ob, "    .quad 0x%llx\n", (unsigned long long)t->syms[i].size);
    emit_end(ob, "symbols_sizes");

    emit_label(ob, "symbols_names", 4);
    for ( i = 0; i < t->nr; i++ )
    {
        if ( off > UINT32_MAX )
            return -E2BIG;
        emit(ob, "    .long %llu\n", (unsigned long long)off);
        off += strlen(t->syms[i].name) + 1;
    }
    emit_end(ob, "symbols_names");

    emit_label(ob, "symbols_strings", 1);
    for ( i = 0; i < t->nr; i++ )
        emit_string(ob, t->syms[i].name);
    emit_end(ob, "symbols_strings");

    /* No executable stack wanted: keeps ld from warning about one. */
    emit(ob, "\n    .section .note.GNU-stack, \"\", @progbits\n");

    return 0;
}

/* --- --check --- */

static int read_file(const char *path, struct outbuf *ob, FILE *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int rc = 0;

    if ( !f )
    {
        fprintf(err, "symbols: cannot open %s: %s\n", path, strerror(errno));
        return -ENOENT;
    }
    while ( !rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0 )
    {
        if ( ob->len + n > MAX_CHECK_FILE )
        {
            fprintf(err, "symbols: %s is too large to be a symbol table\n",
                    path);
            rc = -EFBIG;
        }
        outbuf_append(ob, chunk, n);
    }
    if ( !rc && ferror(f) )
    {
        fprintf(err, "symbols: error reading %s\n", path);
        rc = -EIO;
    }
    if ( !rc && ob->oom )
    {
        fprintf(err, "symbols: out of memory reading %s\n", path);
        rc = -ENOMEM;
    }
    fclose(f);
    return rc;
}

/* The line starting at *pos in buf (without its newline); advances *pos. */
static const char *next_line(const struct outbuf *ob, size_t *pos, int *len)
{
    const char *start, *nl;
    size_t rest;

    if ( *pos >= ob->len )
    {
        *len = 0;
        return NULL;
    }
    start = ob->buf + *pos;
    rest = ob->len - *pos;
    nl = memchr(start, '\n', rest);
    *len = nl ? nl - start : (int)rest;
    *pos += nl ? (size_t)(nl - start) + 1 : rest;
    return start;
}

/*
 * Compare the regenerated table with the file's, line by line. A line
 * present on one side only counts as a difference. Returns the number of
 * differing lines and describes the first one in first[].
 */
static unsigned long compare_tables(const struct outbuf *want,
                                    const struct outbuf *have,
                                    char *first, size_t first_size)
{
    size_t pw = 0, ph = 0;
    unsigned long line, diffs = 0;

    for ( line = 1; pw < want->len || ph < have->len; line++ )
    {
        int lw, lh;
        const char *w = next_line(want, &pw, &lw);
        const char *h = next_line(have, &ph, &lh);

        if ( w && h && lw == lh && !memcmp(w, h, lw) )
            continue;
        if ( diffs++ == 0 )
            snprintf(first, first_size,
                     "line %lu: file has \"%.*s\", regenerated \"%.*s\"",
                     line, h ? (lh > 80 ? 80 : lh) : 5, h ? h : "(EOF)",
                     w ? (lw > 80 ? 80 : lw) : 5, w ? w : "(EOF)");
    }
    return diffs;
}

static int check_table(const struct outbuf *want, const char *path, FILE *err)
{
    struct outbuf have = { 0 };
    char first[256] = "";
    unsigned long diffs;

    if ( read_file(path, &have, err) )
    {
        outbuf_free(&have);
        return EXIT_ERROR;
    }
    diffs = compare_tables(want, &have, first, sizeof(first));
    outbuf_free(&have);

    if ( diffs )
    {
        fprintf(err, "symbols: table in %s is stale: %lu difference%s, "
                "first at %s\n", path, diffs, diffs == 1 ? "" : "s", first);
        fprintf(err, "symbols: (if %s is linked into the image, the image's "
                "symbols moved after it was generated: the link did not "
                "reach a fixed point)\n", path);
        return EXIT_STALE;
    }
    return 0;
}

/* --- Driver --- */

static void usage(FILE *err)
{
    fprintf(err,
            "usage: nm -n -S IMAGE | symbols [--check FILE]\n"
            "       symbols --empty [--check FILE]\n"
            "Writes the hypervisor's symbol table as assembly on stdout.\n"
            "  --empty       write a table with no entries; do not read stdin\n"
            "  --check FILE  compare with FILE instead of writing; exit 1 if"
            " it differs\n");
}

/* Build the table text for the given input (NULL: empty table). */
static int generate(struct ctx *c, FILE *in, struct outbuf *ob)
{
    struct symtab t = { 0 };
    int rc = 0;

    if ( in )
    {
        rc = read_symbols(c, in, &t);
        if ( rc )
        {
            fprintf(c->err, "symbols: reading %s: %s\n", c->input_name,
                    strerror(-rc));
            goto out;
        }
        if ( c->warnings > MAX_WARNINGS )
            fprintf(c->err, "symbols: %lu further warnings suppressed\n",
                    c->warnings - MAX_WARNINGS);
        finish_table(&t);
        if ( t.nr == 0 )
            fprintf(c->err, "symbols: warning: no text symbols in %s\n",
                    c->input_name);
    }

    rc = emit_table(&t, ob);
    if ( rc )
        fprintf(c->err, "symbols: symbol names exceed 4 GiB\n");
    else if ( ob->oom )
    {
        fprintf(c->err, "symbols: out of memory\n");
        rc = -ENOMEM;
    }

 out:
    symtab_free(&t);
    return rc;
}

/* The whole program, with its streams as parameters so it can be tested. */
static int symbols_run(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    struct ctx c = { .err = err, .input_name = "<stdin>" };
    struct outbuf ob = { 0 };
    const char *check = NULL;
    bool empty = false;
    int i, rc;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--empty") )
            empty = true;
        else if ( !strcmp(argv[i], "--check") && i + 1 < argc )
            check = argv[++i];
        else if ( !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") )
        {
            usage(out);
            return 0;
        }
        else
        {
            fprintf(err, "symbols: bad argument \"%s\"\n", argv[i]);
            usage(err);
            return EXIT_ERROR;
        }
    }

    if ( generate(&c, empty ? NULL : in, &ob) )
        rc = EXIT_ERROR;
    else if ( check )
        rc = check_table(&ob, check, err);
    else if ( fwrite(ob.buf, 1, ob.len, out) != ob.len || fflush(out) )
    {
        fprintf(err, "symbols: writing output: %s\n", strerror(errno));
        rc = EXIT_ERROR;
    }
    else
        rc = 0;

    outbuf_free(&ob);
    return rc;
}

int main(int argc, char **argv)
{
    return symbols_run(argc, argv, stdin, stdout, stderr);
}
