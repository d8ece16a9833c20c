/*
 * fuzz_elf.c: libFuzzer harness of the PV kernel loader (xen/common/libelf.c
 * and libelf_notes.c, compiled for the host unchanged).
 *
 * Each input is treated as a kernel image: elf_init(), then elf_xen_parse(),
 * elf_xen_check_features() and elf_load() into a bounded fake guest, as far
 * as each step succeeds. The input is copied into a heap block of exactly its
 * size, so AddressSanitizer reports any read outside the image. Besides the
 * sanitizers, the harness aborts when a result breaks a promise of
 * xen/libelf.h (see check_*() and fake_dest()).
 *
 * Built two ways (see Makefile):
 *  - with clang -fsanitize=fuzzer,...: libFuzzer provides main();
 *  - with -DFUZZ_ELF_REPLAY and any host compiler: main() below runs every
 *    file named on the command line (directories are read one level deep)
 *    once, prints counts, and fails if nothing at all was loaded. This is
 *    the regression run of the corpus for `make test`.
 *
 * FUZZ_ELF_VERBOSE=1 in the environment echoes the loader's messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/libelf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void printk(const char *fmt, ...);
void panic(const char *fmt, ...);
void __bug(const char *file, int line);
void __assert_failed(const char *expr, const char *file, int line);

/* --- The hypervisor runtime the loader uses. --- */

static int verbose = -1;

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);    /* format every message */
    va_end(args);
    if ( verbose < 0 )
        verbose = getenv("FUZZ_ELF_VERBOSE") != NULL;
    if ( verbose )
        fputs(buf, stderr);
}

void panic(const char *fmt, ...)
{
    fprintf(stderr, "fuzz_elf: panic: %s\n", fmt);
    abort();
}

void __bug(const char *file, int line)
{
    fprintf(stderr, "fuzz_elf: BUG at %s:%d\n", file, line);
    abort();
}

void __assert_failed(const char *expr, const char *file, int line)
{
    fprintf(stderr, "fuzz_elf: assertion '%s' failed at %s:%d\n", expr, file,
            line);
    abort();
}

#define PROMISE(cond) do {                                                  \
    if ( !(cond) )                                                          \
    {                                                                       \
        fprintf(stderr, "fuzz_elf: broken promise: %s (line %d)\n", #cond,  \
                __LINE__);                                                  \
        abort();                                                            \
    }                                                                       \
} while ( 0 )

/* --- A bounded fake guest. --- */

#define GUEST_PAGES 64

static struct fake_guest {
    uint8_t mem[GUEST_PAGES * ELF_LOAD_CHUNK];
    uint64_t base;                  /* guest address of mem[0] */
    uint64_t kstart, kend;          /* what elf_xen_parse() said */
    uint64_t last_end;              /* end of the previous chunk */
} guest;

static void *fake_dest(void *ctx, uint64_t va, size_t len)
{
    struct fake_guest *g = ctx;

    PROMISE(g == &guest);
    PROMISE(len != 0 && len <= ELF_LOAD_CHUNK);
    PROMISE((va & (ELF_LOAD_CHUNK - 1)) + len <= ELF_LOAD_CHUNK);
    PROMISE(va >= g->kstart && va < g->kend && len <= g->kend - va);
    g->last_end = va + len;

    if ( va < g->base || va - g->base >= sizeof(g->mem) ||
         len > sizeof(g->mem) - (va - g->base) )
        return NULL;                /* beyond the fake guest: -EFAULT */
    return g->mem + (va - g->base);
}

/* --- The promises of xen/libelf.h. --- */

static void check_binary(const struct elf_binary *elf, const uint8_t *img,
                         size_t size)
{
    unsigned int i;

    PROMISE(elf->image == img && elf->size == size);
    PROMISE(elf->nr_load >= 1 && elf->nr_load <= elf->phnum);
    PROMISE(elf->phnum <= ELF_MAX_PHDRS);
    PROMISE(elf->pstart < elf->pend);
    PROMISE(elf->pend - elf->pstart <= ELF_MAX_LOAD_SPAN);
    PROMISE((const uint8_t *)elf->phdr >= img &&
            (const uint8_t *)(elf->phdr + elf->phnum) <= img + size);
    for ( i = 0; i < elf->phnum; i++ )
    {
        const Elf64_Phdr *ph = &elf->phdr[i];

        if ( !elf_phdr_loaded(ph) )
            continue;
        PROMISE(ph->p_filesz <= ph->p_memsz);
        PROMISE(ph->p_offset <= size && ph->p_filesz <= size - ph->p_offset);
        PROMISE(ph->p_paddr >= elf->pstart &&
                ph->p_memsz <= elf->pend - ph->p_paddr);
    }
}

static void check_string(const char *s, size_t n)
{
    PROMISE(memchr(s, 0, n) != NULL);
}

static void check_parms(const struct elf_dom_parms *p)
{
    unsigned int i;

    PROMISE(p->virt_kstart >= p->virt_base);
    PROMISE(p->virt_kstart < p->virt_kend);
    PROMISE(p->virt_entry >= p->virt_kstart && p->virt_entry < p->virt_kend);
    PROMISE(p->virt_hypercall == ELF_UNSET_ADDR ||
            (p->virt_hypercall >= p->virt_kstart &&
             p->virt_hypercall % ELF_LOAD_CHUNK == 0 &&
             p->virt_kend - p->virt_hypercall >= ELF_LOAD_CHUNK));
    PROMISE(p->p2m_base == ELF_UNSET_ADDR || p->p2m_base < p->virt_kstart ||
            p->p2m_base >= p->virt_kend);
    check_string(p->guest_os, sizeof(p->guest_os));
    check_string(p->guest_ver, sizeof(p->guest_ver));
    check_string(p->xen_ver, sizeof(p->xen_ver));
    check_string(p->loader, sizeof(p->loader));
    check_string(p->pae_mode, sizeof(p->pae_mode));
    PROMISE(!strncmp(p->xen_ver, "xen-3.0", 7));
    for ( i = 0; i < XENFEAT_NR_SUBMAPS; i++ )
        PROMISE((p->f_required[i] & ~p->f_supported[i]) == 0);
}

static void check_features(const struct elf_dom_parms *p)
{
    uint32_t none[XENFEAT_NR_SUBMAPS] = { 0 }, all[XENFEAT_NR_SUBMAPS];
    bool required = false;
    unsigned int i;

    memset(all, 0xff, sizeof(all));
    for ( i = 0; i < XENFEAT_NR_SUBMAPS; i++ )
        required |= p->f_required[i] != 0;
    PROMISE(elf_xen_check_features(p, all) == 0);
    PROMISE(elf_xen_check_features(p, none) == (required ? -EOPNOTSUPP : 0));
}

/* --- One input. --- */

static struct { unsigned long inputs, inits, parses, loads; } stats;

static void run(const uint8_t *img, size_t size)
{
    struct elf_binary elf;
    struct elf_dom_parms parms;

    if ( elf_init(&elf, img, size) )
        return;
    stats.inits++;
    check_binary(&elf, img, size);

    if ( elf_xen_parse(&elf, &parms) )
        return;
    stats.parses++;
    check_parms(&parms);
    check_features(&parms);

    guest.base = parms.virt_kstart & ~(uint64_t)(ELF_LOAD_CHUNK - 1);
    guest.kstart = parms.virt_kstart;
    guest.kend = parms.virt_kend;
    if ( elf_load(&elf, &parms, fake_dest, &guest) == 0 )
        stats.loads++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly size bytes (malloc aligns to 16), so overreads are caught. */
    uint8_t *img = malloc(size ? size : 1);

    if ( !img )
        abort();
    memcpy(img, data, size);
    stats.inputs++;
    run(img, size);
    free(img);
    return 0;
}

#ifdef FUZZ_ELF_REPLAY

#include "../replay.h"

int main(int argc, char **argv)
{
    int rc = fuzz_replay(argc, argv);

    printf("fuzz_elf_replay: %lu inputs: %lu passed elf_init, %lu "
           "elf_xen_parse, %lu loaded\n", stats.inputs, stats.inits,
           stats.parses, stats.loads);
    if ( !stats.loads )
    {
        printf("fuzz_elf_replay: FAILED: no input loaded\n");
        return 1;
    }
    return rc ? 1 : 0;
}

#endif /* FUZZ_ELF_REPLAY */
