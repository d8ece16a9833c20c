/*
 * test_elf.c: the PV kernel loader (common/libelf.c, common/libelf_notes.c)
 * on well-formed and malformed ELF64 images.
 *
 * Images come from the builder in tools/tests/fuzz/elf/elf_image.c (shared
 * with the fuzz harness's corpus generator): ei_linux() mimics Linux 6.1's
 * notes and segments, ei_generic() is a minimal non-Linux kernel. A case
 * builds one, perhaps breaks a field, then runs the loader on a read-only
 * copy placed right after one inaccessible page and again right before
 * another: a read outside the image, or any write to it, faults, and the
 * fault is caught and fails the case. elf_load() writes into a fake guest
 * (guest_mem) that checks every chunk it is asked for.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>

#include "elf_image.h"
#include "harness.h"

#define FAULTED 0x7fff      /* an rc no loader function returns */

static struct elf_image im;
static struct elf_binary elf;
static struct elf_dom_parms parms;

/* --- Running the loader between guard pages. --- */

#define DATA_PAGES (EI_IMG_MAX / 4096 + 1)

static uint8_t *region;             /* guard, DATA_PAGES, guard */
static long page;
static sigjmp_buf fault_jmp;
static struct sigaction old_segv, old_bus;

static void on_fault(int sig)
{
    siglongjmp(fault_jmp, 1);
}

static uint8_t *region_data(void)
{
    if ( !region )
    {
        page = sysconf(_SC_PAGESIZE);
        region = mmap(NULL, (DATA_PAGES + 2) * page, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ( region == MAP_FAILED )
        {
            perror("test_elf: mmap");
            abort();
        }
    }
    return region + page;
}

static void catch_faults(void)
{
    struct sigaction sa = { .sa_handler = on_fault };

    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
}

static void release_faults(void)
{
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
}

/* Run expr with faults caught: FAULTED if it touched a guard page. */
#define GUARDED(expr) ({                                    \
    volatile int rc_ = FAULTED;                             \
    catch_faults();                                         \
    if ( sigsetjmp(fault_jmp, 1) == 0 )                     \
        rc_ = (expr);                                       \
    release_faults();                                       \
    rc_; })

/* Copy the first len bytes of im.buf to data + at, read-only. */
static const uint8_t *place(size_t at, size_t len)
{
    uint8_t *data = region_data();

    mprotect(data, DATA_PAGES * page, PROT_READ | PROT_WRITE);
    memset(data, 0xee, DATA_PAGES * page);
    memcpy(data + at, im.buf, len);
    mprotect(data, DATA_PAGES * page, PROT_READ);
    return data + at;
}

/*
 * elf_init() on the first len bytes of the image: first right after the
 * leading guard page, then ending (to within 7 bytes) at the trailing one,
 * where it stays for parse() and load(). Both must agree.
 */
static int init_len(size_t len)
{
    size_t tail;
    int rc1, rc2;

    region_data();                      /* sets page */
    tail = (DATA_PAGES * page - len) & ~(size_t)7;

    rc1 = GUARDED(elf_init(&elf, place(0, len), len));
    harness_log_clear();
    rc2 = GUARDED(elf_init(&elf, place(tail, len), len));
    CHECK(rc1 != FAULTED && rc2 != FAULTED);
    CHECK_EQ(rc1, rc2);
    return rc2;
}

static int init(void)
{
    ei_build(&im);
    return init_len(im.len);
}

/* Re-run elf_init() on the bytes of im.buf as they are now. */
static int reinit(void)
{
    return init_len(im.len);
}

static int parse(void)
{
    int rc = GUARDED(elf_xen_parse(&elf, &parms));

    CHECK(rc != FAULTED);
    return rc;
}

static int init_parse(void)
{
    int rc = init();

    return rc ? rc : parse();
}

/* --- A fake guest for elf_load(). --- */

#define GUEST_PAGES 16

static struct guest {
    uint8_t mem[GUEST_PAGES * 4096];
    uint64_t base;              /* virtual address of mem[0] */
    unsigned int calls;
    unsigned int bad;           /* chunks empty, crossing a page, outside */
    uint64_t fail_at;           /* dest() returns NULL for this address */
} guest;

static void *dest(void *ctx, uint64_t va, size_t len)
{
    struct guest *g = ctx;

    g->calls++;
    if ( len == 0 || (va & 4095) + len > 4096 || va < g->base ||
         va - g->base > sizeof(g->mem) || len > sizeof(g->mem) - (va - g->base) )
    {
        g->bad++;
        return NULL;
    }
    if ( va == g->fail_at )
        return NULL;
    return g->mem + (va - g->base);
}

static int load(void)
{
    int rc;

    memset(guest.mem, 0xaa, sizeof(guest.mem));
    guest.base = parms.virt_kstart & ~4095ull;
    guest.calls = guest.bad = 0;
    rc = GUARDED(elf_load(&elf, &parms, dest, &guest));
    CHECK(rc != FAULTED);
    CHECK_EQ(guest.bad, 0);
    return rc;
}

/* Guest bytes of segment seg: file bytes, then zeros up to memsz. */
static bool segment_loaded(unsigned int seg, uint64_t va)
{
    const Elf64_Phdr *ph = &im.ph[seg];
    const uint8_t *p = guest.mem + (va - guest.base);
    uint64_t i;

    for ( i = 0; i < ph->p_memsz; i++ )
        if ( p[i] != (i < ph->p_filesz ? ei_byte(seg, i) : 0) )
            return false;
    return true;
}

static bool guest_untouched(uint64_t va, uint64_t len)
{
    const uint8_t *p = guest.mem + (va - guest.base);

    while ( len-- )
        if ( *p++ != 0xaa )
            return false;
    return true;
}

static bool bytes_zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    while ( n-- )
        if ( *b++ )
            return false;
    return true;
}

/* --- Well-formed images. --- */

TEST(linux_image_headers)
{
    ei_linux(&im);
    CHECK_EQ(init(), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(elf.size, im.len);
    CHECK(elf.ehdr == (const void *)elf.image);
    CHECK_EQ(elf.phnum, 5);
    CHECK_EQ(elf.nr_load, 3);
    CHECK_EQ(elf.pstart, EI_LINUX_PSTART);
    CHECK_EQ(elf.pend, EI_LINUX_PEND);
}

TEST(linux_image_notes)
{
    ei_linux(&im);
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(parms.virt_base, EI_LINUX_VIRT_BASE);
    CHECK_EQ(parms.elf_paddr_offset, 0);
    CHECK_EQ(parms.virt_entry, EI_LINUX_ENTRY);
    CHECK_EQ(parms.virt_hypercall, ELF_UNSET_ADDR);
    CHECK_EQ(parms.virt_hv_start_low, EI_LINUX_HV_START);
    CHECK_EQ(parms.p2m_base, EI_LINUX_P2M);
    CHECK_EQ(parms.virt_kstart, 0xffffffff81000000ull);
    CHECK_EQ(parms.virt_kend, 0xffffffff81005100ull);
    CHECK(parms.mod_start_pfn);
    CHECK(parms.pae_yes);
    CHECK_STREQ(parms.pae_mode, "yes");
    CHECK_STREQ(parms.guest_os, "linux");
    CHECK_STREQ(parms.guest_ver, "2.6");
    CHECK_STREQ(parms.xen_ver, "xen-3.0");
    CHECK_STREQ(parms.loader, "generic");
    CHECK(parms.f_supported_note);
    /* SUPPORTED_FEATURES 0, 11, 15 plus the names in FEATURES. */
    CHECK_EQ(parms.f_supported[0],
             (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_dom0) |
             (1u << XENFEAT_linux_rsdp_unrestricted) |
             (1u << XENFEAT_pae_pgdir_above_4gb));
    CHECK_EQ(parms.f_required[0], 1u << XENFEAT_writable_page_tables);
}

TEST(linux_image_loads)
{
    uint64_t kstart = 0xffffffff81000000ull;

    ei_linux(&im);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(load(), 0);
    CHECK(segment_loaded(0, kstart));
    CHECK(segment_loaded(1, kstart + 0x2000));
    CHECK(segment_loaded(2, kstart + 0x3000));
    /* The gaps between segments are not written. */
    CHECK(guest_untouched(kstart + 0x1345, 0x2000 - 0x1345));
    CHECK(guest_untouched(kstart + 0x5100, 0x10000 - 0x5100));
    /* One call per page touched: 2 + 1 + 3 (0x2100 bytes from 0x3000). */
    CHECK_EQ(guest.calls, 6);
    CHECK_STREQ(harness_log(), "");
}

TEST(generic_image_defaults)
{
    ei_generic(&im);
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(parms.virt_base, EI_GENERIC_VIRT_BASE);
    /* PADDR_OFFSET defaults to 0, not to VIRT_BASE, for note-based images. */
    CHECK_EQ(parms.elf_paddr_offset, 0);
    CHECK_EQ(parms.virt_kstart, EI_GENERIC_VIRT_BASE);
    CHECK_EQ(parms.virt_kend, EI_GENERIC_VIRT_BASE + 0x3000);
    CHECK_EQ(parms.virt_entry, EI_GENERIC_ENTRY);       /* e_entry */
    CHECK_EQ(parms.virt_hypercall, ELF_UNSET_ADDR);
    CHECK_EQ(parms.virt_hv_start_low, ELF_UNSET_ADDR);
    CHECK_EQ(parms.p2m_base, ELF_UNSET_ADDR);
    CHECK(!parms.mod_start_pfn);
    CHECK(!parms.pae_yes);
    CHECK(!parms.f_supported_note);
    CHECK_EQ(parms.f_supported[0], 0);
    CHECK_EQ(parms.f_required[0], 0);
    CHECK_STREQ(parms.guest_os, "");
}

TEST(segments_land_by_paddr_not_vaddr)
{
    ei_generic(&im);
    im.ph[0].p_vaddr = 0xdead000;
    im.ph[0].p_paddr = 0x2000;
    im.eh.e_entry = EI_GENERIC_VIRT_BASE + 0x2000;
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.virt_kstart, EI_GENERIC_VIRT_BASE + 0x2000);
    CHECK_EQ(load(), 0);
    CHECK(segment_loaded(0, EI_GENERIC_VIRT_BASE + 0x2000));
}

TEST(legacy_paddr_offset_equal_to_virt_base)
{
    /* Old kernels: p_paddr holds the virtual address, offset = base. */
    ei_generic(&im);
    im.ph[0].p_paddr = EI_GENERIC_VIRT_BASE;
    ei_note_num(&im, XEN_ELFNOTE_PADDR_OFFSET, EI_GENERIC_VIRT_BASE, 8);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.elf_paddr_offset, EI_GENERIC_VIRT_BASE);
    CHECK_EQ(parms.virt_kstart, EI_GENERIC_VIRT_BASE);
}

TEST(virt_base_absent_defaults_to_zero)
{
    ei_init(&im);
    im.eh.e_entry = 0x100000;
    ei_load(&im, 0x100000, 0x100000, 0x10, 0x1000);
    ei_note_str(&im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    ei_note_str(&im, XEN_ELFNOTE_GUEST_OS, "linux");
    CHECK_EQ(init_parse(), 0);
    CHECK_LOG("ELF: no VIRT_BASE note; using 0");
    CHECK_EQ(parms.virt_base, 0);
    CHECK_EQ(parms.virt_kstart, 0x100000);
}

TEST(load_unaligned_segment_and_file_boundary)
{
    ei_generic(&im);
    im.ph[0].p_paddr = 0xff0;           /* 16 bytes before a page boundary */
    im.ph[0].p_filesz = 0x1018;         /* file bytes end mid-page */
    im.ph[0].p_memsz = 0x2020;
    im.eh.e_entry = EI_GENERIC_VIRT_BASE + 0x1000;
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(load(), 0);
    CHECK(segment_loaded(0, EI_GENERIC_VIRT_BASE + 0xff0));
    /* 0x10, 0x1000, 0x1000, 0x10 */
    CHECK_EQ(guest.calls, 4);
    CHECK(guest_untouched(EI_GENERIC_VIRT_BASE, 0xff0));
}

TEST(load_bss_only_segment)
{
    ei_generic(&im);
    ei_load(&im, 0x3000, 0, 0, 0x1800);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(elf.nr_load, 2);
    CHECK_EQ(load(), 0);
    CHECK(segment_loaded(0, EI_GENERIC_VIRT_BASE));
    CHECK(segment_loaded(1, EI_GENERIC_VIRT_BASE + 0x3000));
}

TEST(load_fails_without_guest_memory)
{
    ei_linux(&im);
    CHECK_EQ(init_parse(), 0);
    guest.fail_at = 0xffffffff81004000ull;
    CHECK_EQ(load(), -EFAULT);
    guest.fail_at = 0;
    CHECK_LOG("ELF: segment 2: no guest memory at 0xffffffff81004000");
}

TEST(load_refuses_mismatched_parms)
{
    ei_linux(&im);
    CHECK_EQ(init_parse(), 0);
    parms.elf_paddr_offset = EI_LINUX_PSTART + 1;
    CHECK_EQ(load(), -EINVAL);
    CHECK_EQ(guest.calls, 0);
    parms.elf_paddr_offset = 0;
    parms.virt_base = ~0ull - 0x1000000;
    CHECK_EQ(load(), -EINVAL);
    CHECK_LOG("does not fit VIRT_BASE");
}

TEST(segments_without_permissions_or_size_are_not_loaded)
{
    ei_linux(&im);
    im.ph[1].p_flags = 0;               /* Xen's rule: not loaded */
    im.ph[3].p_type = PT_LOAD;          /* the PT_GNU_STACK: memsz 0 */
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(elf.nr_load, 2);
    CHECK_EQ(load(), 0);
    CHECK(guest_untouched(0xffffffff81002000ull, 0x200));
    CHECK(segment_loaded(2, 0xffffffff81003000ull));
}

/* --- ELF header refusals. --- */

TEST(refuse_short_or_missing_image)
{
    ei_linux(&im);
    ei_build(&im);
    CHECK_EQ(init_len(63), -EINVAL);
    CHECK_LOG("ELF: image of 63 bytes is smaller than an ELF header");
    CHECK_EQ(init_len(0), -EINVAL);
    CHECK_EQ(elf_init(&elf, NULL, 4096), -EINVAL);
    CHECK(bytes_zero(&elf, sizeof(elf)));
}

TEST(refuse_misaligned_image)
{
    ei_linux(&im);
    ei_build(&im);
    memmove(im.buf + 4, im.buf, im.len);
    CHECK_EQ(elf_init(&elf, im.buf + 4, im.len), -EINVAL);
    CHECK_LOG("is not 8-byte aligned");
}

TEST(refuse_bad_identification)
{
    ei_linux(&im);
    init();

    ei_ehdr(&im)->e_ident[EI_MAG1] = 'e';
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: no ELF magic (image starts 7f 65 4c 46)");
    ei_ehdr(&im)->e_ident[EI_MAG1] = 'E';

    ei_ehdr(&im)->e_ident[EI_CLASS] = ELFCLASS32;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: class 1 is not ELFCLASS64");
    ei_ehdr(&im)->e_ident[EI_CLASS] = ELFCLASS64;

    ei_ehdr(&im)->e_ident[EI_DATA] = ELFDATA2MSB;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: data encoding 2 is not little endian");
    ei_ehdr(&im)->e_ident[EI_DATA] = ELFDATA2LSB;

    ei_ehdr(&im)->e_version = 2;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: ELF version 1/2 is not 1");
    ei_ehdr(&im)->e_version = EV_CURRENT;

    CHECK_EQ(reinit(), 0);
}

TEST(refuse_wrong_type_machine_or_header_size)
{
    ei_linux(&im);
    init();

    ei_ehdr(&im)->e_type = ET_DYN;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: type 3 is not ET_EXEC");
    ei_ehdr(&im)->e_type = ET_EXEC;

    ei_ehdr(&im)->e_machine = EM_386;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: machine 3 is not EM_X86_64");
    ei_ehdr(&im)->e_machine = EM_X86_64;

    ei_ehdr(&im)->e_ehsize = 52;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: e_ehsize 52 is not 64");
}

/* --- Program header table refusals. --- */

TEST(refuse_program_header_count)
{
    ei_linux(&im);
    init();

    ei_ehdr(&im)->e_phnum = 0;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: 0 program headers (1 to 64 accepted)");

    ei_ehdr(&im)->e_phnum = ELF_MAX_PHDRS + 1;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: 65 program headers");

    ei_ehdr(&im)->e_phnum = PN_XNUM;
    CHECK_EQ(reinit(), -EINVAL);
}

TEST(refuse_program_header_entry_size)
{
    ei_linux(&im);
    init();
    ei_ehdr(&im)->e_phentsize = 32;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: e_phentsize 32 is not 56");
}

TEST(refuse_program_header_table_placement)
{
    ei_linux(&im);
    init();

    ei_ehdr(&im)->e_phoff = 68;         /* misaligned */
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: program header table at 0x44 (5 entries) is misaligned "
              "or outside the");

    ei_ehdr(&im)->e_phoff = im.len - 4 * sizeof(Elf64_Phdr);
    CHECK_EQ(reinit(), -EINVAL);        /* the fifth entry is cut off */

    ei_ehdr(&im)->e_phoff = im.len;
    CHECK_EQ(reinit(), -EINVAL);

    ei_ehdr(&im)->e_phoff = ~0ull - 7;  /* offset + table wraps */
    CHECK_EQ(reinit(), -EINVAL);

    ei_ehdr(&im)->e_phoff = sizeof(Elf64_Ehdr);
    CHECK_EQ(reinit(), 0);
}

/* --- Segment refusals. --- */

TEST(refuse_filesz_above_memsz)
{
    ei_linux(&im);
    im.ph[2].p_filesz = 0x2101;
    ei_build(&im);
    im.len = EI_IMG_MAX;                /* the bytes are there */
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: segment 2: p_filesz 0x2101 exceeds p_memsz 0x2100");
}

TEST(refuse_segment_outside_image)
{
    ei_linux(&im);
    init();

    ei_phdr(&im, 0)->p_offset = im.len - 0x1000;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: segment 0: file bytes [");

    ei_phdr(&im, 0)->p_offset = ~0ull - 0xff;   /* offset + filesz wraps */
    CHECK_EQ(reinit(), -EINVAL);

    ei_phdr(&im, 0)->p_offset = im.len;         /* empty at the very end: ok */
    ei_phdr(&im, 0)->p_filesz = 0;
    CHECK_EQ(reinit(), 0);
}

TEST(refuse_paddr_wrap)
{
    ei_linux(&im);
    init();
    ei_phdr(&im, 2)->p_paddr = ~0ull - 0x1000;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: segment 2: p_paddr 0xffffffffffffefff + p_memsz 0x2100 "
              "wraps");
    ei_phdr(&im, 2)->p_paddr = ~0ull - 0x2100;  /* ends at the last byte */
    CHECK_EQ(reinit(), -EINVAL);                /* but spans too much */
    CHECK_LOG("more than 0x40000000 bytes");
}

TEST(refuse_bad_alignment_value)
{
    ei_linux(&im);
    init();
    ei_phdr(&im, 1)->p_align = 0x3000;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: segment 1: p_align 0x3000 is not a power of two");
    ei_phdr(&im, 1)->p_align = 0;
    CHECK_EQ(reinit(), 0);
    ei_phdr(&im, 1)->p_align = 1;
    CHECK_EQ(reinit(), 0);
}

TEST(refuse_without_loadable_segment)
{
    ei_generic(&im);
    im.ph[0].p_type = PT_NULL;
    CHECK_EQ(init(), -EINVAL);
    CHECK_LOG("ELF: no loadable segment");

    ei_generic(&im);
    im.ph[0].p_flags = 0;
    CHECK_EQ(init(), -EINVAL);
    CHECK_LOG("ELF: no loadable segment");
}

TEST(refuse_overlapping_segments)
{
    ei_linux(&im);
    im.ph[2].p_paddr = 0x1002100;       /* into segment 1 (0x1002000+0x200) */
    CHECK_EQ(init(), -EINVAL);
    CHECK_LOG("ELF: segments 1 and 2 overlap at p_paddr 0x1002100");

    ei_linux(&im);
    im.ph[0].p_paddr = 0x1003800;       /* inside segment 2 */
    CHECK_EQ(init(), -EINVAL);
    CHECK_LOG("ELF: segments 0 and 2 overlap");

    ei_linux(&im);
    im.ph[2].p_paddr = 0x1002200;       /* adjacent to segment 1: fine */
    CHECK_EQ(init(), 0);
}

TEST(refuse_span_over_limit)
{
    ei_generic(&im);
    ei_load(&im, ELF_MAX_LOAD_SPAN - 0x1000, 0, 0, 0x1000);
    CHECK_EQ(init(), 0);                /* exactly ELF_MAX_LOAD_SPAN */
    im.ph[1].p_memsz = 0x1001;
    CHECK_EQ(init(), -EINVAL);
    CHECK_LOG("ELF: segments span [0, 0x40000001), more than 0x40000000");
}

TEST(refuse_note_segment_placement)
{
    ei_linux(&im);
    init();
    ei_phdr(&im, 4)->p_offset += 2;
    CHECK_EQ(reinit(), -EINVAL);
    CHECK_LOG("ELF: note segment 4: [");
    ei_phdr(&im, 4)->p_offset = im.len - 4;
    CHECK_EQ(reinit(), -EINVAL);
}

TEST(every_truncation_is_refused)
{
    size_t len;
    unsigned int bad = 0;

    ei_linux(&im);
    init();
    for ( len = 0; len < im.len; len += 8 )
        if ( init_len(len) != -EINVAL )
            bad++;
    CHECK_EQ(bad, 0);
}

/* --- Note framing. --- */

/* The i-th note's header in im.buf (after ei_build()). */
static Elf64_Nhdr *note_hdr(unsigned int i)
{
    size_t off = im.notes_off;

    while ( i-- )
    {
        Elf64_Nhdr *nh = (Elf64_Nhdr *)(im.buf + off);

        off += sizeof(*nh) + ROUNDUP(nh->n_namesz, 4) +
               ROUNDUP(nh->n_descsz, 4);
    }
    return (Elf64_Nhdr *)(im.buf + off);
}

TEST(refuse_note_overrunning_segment)
{
    ei_linux(&im);
    init();

    note_hdr(5)->n_descsz = 0xffffffff;
    CHECK_EQ(reinit(), 0);              /* elf_init() reads no notes */
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("descsz 4294967295) overruns the segment's");
    CHECK(bytes_zero(&parms, sizeof(parms)));

    init();
    note_hdr(5)->n_namesz = 0xfffffffd;
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("namesz 4294967293");

    init();
    ei_phdr(&im, 4)->p_filesz -= 4;     /* the last note's descriptor */
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("overruns");
}

TEST(refuse_stray_bytes_after_notes)
{
    ei_linux(&im);
    init();
    ei_phdr(&im, 4)->p_filesz += 8;
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("ELF: note segment 4: 8 stray bytes at offset");
}

TEST(last_note_padding_may_be_missing)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_GUEST_VERSION, "1");  /* 2 bytes + 2 pad */
    init();
    ei_phdr(&im, 1)->p_filesz -= 2;
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), 0);
    CHECK_STREQ(parms.guest_ver, "1");
}

TEST(notes_of_other_owners_are_skipped)
{
    static const char fake_version[] = "xen-9.9";

    ei_generic(&im);
    ei_note_named(&im, "Xe", 3, XEN_ELFNOTE_XEN_VERSION, fake_version,
                  sizeof(fake_version));
    ei_note_named(&im, "XenX", 5, XEN_ELFNOTE_XEN_VERSION, fake_version,
                  sizeof(fake_version));
    ei_note_named(&im, "Xen\0", 4, XEN_ELFNOTE_GUEST_OS, "ok", 3);
    ei_note_named(&im, "xen", 4, XEN_ELFNOTE_XEN_VERSION, fake_version,
                  sizeof(fake_version));
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(parms.xen_ver, "xen-3.0");
    CHECK_STREQ(parms.guest_os, "ok");
}

TEST(refuse_image_without_xen_notes)
{
    ei_generic(&im);
    im.nr_notes = 0;
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: no Xen notes: not a Xen PV kernel");

    ei_generic(&im);
    im.nr_notes = 0;
    ei_note_named(&im, "GNU", 4, 3, "abcd", 4);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: no Xen notes");
}

TEST(notes_in_several_segments)
{
    const Elf64_Phdr empty_note = { .p_type = PT_NOTE };
    Elf64_Phdr *first, *rest;
    size_t note0 = sizeof(Elf64_Nhdr) + 4 + sizeof("xen-3.0");

    ei_generic(&im);                    /* XEN_VERSION, LOADER, VIRT_BASE */
    ei_phdr_raw(&im, &empty_note);      /* header 1; the builder's is 2 */
    CHECK_EQ(init_parse(), 0);          /* an empty PT_NOTE is fine */

    rest = ei_phdr(&im, 1);
    first = ei_phdr(&im, 2);
    *rest = *first;
    first->p_filesz = note0;
    rest->p_offset += note0;
    rest->p_filesz -= note0;
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(parms.virt_base, EI_GENERIC_VIRT_BASE);

    rest->p_type = PT_NULL;             /* only XEN_VERSION is left */
    CHECK_EQ(reinit(), 0);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("ELF: neither LOADER");
}

/* --- Note contents. --- */

TEST(numeric_notes_of_every_size)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        ei_generic(&im);
        ei_note_num(&im, XEN_ELFNOTE_INIT_P2M, 0x8877665544332211ull,
                    sizes[i]);
        CHECK_EQ(init_parse(), 0);
        CHECK_EQ(parms.p2m_base, 0x8877665544332211ull &
                                 (~0ull >> (64 - 8 * sizes[i])));
    }

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_ENTRY, 3);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: note ENTRY: numeric descriptor of 3 bytes");

    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_VIRT_BASE, "", 0);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: note VIRT_BASE: numeric descriptor of 0 bytes");
}

TEST(ignored_and_unknown_note_types)
{
    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_L1_MFN_VALID, "abc", 3);      /* odd size: unread */
    ei_note(&im, XEN_ELFNOTE_PHYS32_ENTRY, "a", 1);
    ei_note(&im, XEN_ELFNOTE_PHYS32_RELOC, "", 0);
    ei_note(&im, XEN_ELFNOTE_INFO, "x=y", 3);
    ei_note(&im, 20, "?", 1);
    ei_note(&im, 0xffffffff, "?", 1);
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(harness_log(), "");
}

TEST(later_notes_override_earlier_ones)
{
    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_VIRT_BASE + 0x10, 8);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_VIRT_BASE + 0x20, 8);
    ei_note_str(&im, XEN_ELFNOTE_GUEST_OS, "first");
    ei_note_str(&im, XEN_ELFNOTE_GUEST_OS, "second");
    ei_note_num(&im, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    ei_note_num(&im, XEN_ELFNOTE_MOD_START_PFN, 0, 4);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.virt_entry, EI_GENERIC_VIRT_BASE + 0x20);
    CHECK_STREQ(parms.guest_os, "second");
    CHECK(!parms.mod_start_pfn);
}

TEST(strings_end_at_nul_or_descriptor_and_are_truncated)
{
    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_GUEST_VERSION, "6.1\0junk", 8);
    ei_note_ascii(&im, XEN_ELFNOTE_GUEST_OS, "Linux-ish");
    ei_note_str(&im, XEN_ELFNOTE_LOADER,
                "generic-loader-with-a-name-longer-than-31");
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(parms.guest_ver, "6.1");
    CHECK_STREQ(parms.guest_os, "Linux-ish");
    CHECK_STREQ(parms.loader, "generic-loader-with-a-name-long");
    CHECK_LOG("ELF: note LOADER: string of 41 bytes truncated to 31");
}

TEST(pae_mode_values)
{
    static const struct { const char *s; bool yes; } cases[] = {
        { "yes", true }, { "yes[extended-cr3]", true }, { "bimodal", true },
        { "yes,bimodal", true }, { "no", false }, { "", false },
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        ei_generic(&im);
        ei_note_str(&im, XEN_ELFNOTE_PAE_MODE, cases[i].s);
        CHECK_EQ(init_parse(), 0);
        CHECK_EQ(parms.pae_yes, cases[i].yes);
        CHECK_STREQ(parms.pae_mode, cases[i].s);
    }
}

TEST(bsd_symtab_is_warned_about)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_BSD_SYMTAB, "yes");
    CHECK_EQ(init_parse(), 0);
    CHECK_LOG("ELF: note BSD_SYMTAB: loading the symbol table is not "
              "supported; ignored");
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_BSD_SYMTAB, "no");
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(harness_log(), "");
}

/* --- Identity rules. --- */

TEST(refuse_missing_or_wrong_xen_version)
{
    ei_generic(&im);
    im.notes[0].type = XEN_ELFNOTE_GUEST_VERSION;
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: XEN_VERSION '' is not 'xen-3.0'");

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_XEN_VERSION, "xen-3.1");
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: XEN_VERSION 'xen-3.1' is not 'xen-3.0'");

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_XEN_VERSION, "xen-3");
    CHECK_EQ(init_parse(), -EINVAL);

    /* Xen compares the first seven characters only. */
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0-unstable");
    CHECK_EQ(init_parse(), 0);
}

TEST(refuse_unknown_loader_and_os)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_LOADER, "elf");
    ei_note_str(&im, XEN_ELFNOTE_GUEST_OS, "Plan9");
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: neither LOADER 'generic' nor GUEST_OS 'linux' (LOADER "
              "'elf', GUEST_OS 'Plan9')");

    ei_generic(&im);
    im.notes[1].type = XEN_ELFNOTE_GUEST_VERSION;       /* no LOADER */
    CHECK_EQ(init_parse(), -EINVAL);
    ei_note_str(&im, XEN_ELFNOTE_GUEST_OS, "linux");
    CHECK_EQ(init_parse(), 0);
}

/* --- Features. --- */

TEST(features_string_parsing)
{
    ei_generic(&im);
    ei_note_ascii(&im, XEN_ELFNOTE_FEATURES,
                  "|writable_descriptor_tables||!dom0|hvm_pirqs|");
    CHECK_EQ(init_parse(), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(parms.f_supported[0], (1u << XENFEAT_writable_descriptor_tables) |
                                   (1u << XENFEAT_dom0) |
                                   (1u << XENFEAT_hvm_pirqs));
    CHECK_EQ(parms.f_required[0], 1u << XENFEAT_dom0);
}

TEST(features_notes_add_up)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "!writable_page_tables");
    ei_note_num(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 20, 4);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "!pae_pgdir_above_4gb");
    ei_note_num(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 21, 4);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.f_required[0], (1u << XENFEAT_writable_page_tables) |
                                  (1u << XENFEAT_pae_pgdir_above_4gb));
    CHECK_EQ(parms.f_supported[0], parms.f_required[0] | (1u << 20) |
                                   (1u << 21));
}

TEST(unknown_optional_feature_is_ignored)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "dom0|time_travel|Dom0");
    CHECK_EQ(init_parse(), 0);
    CHECK_LOG("ELF: note FEATURES: optional feature 'time_travel' is unknown; "
              "ignored");
    CHECK_LOG("optional feature 'Dom0' is unknown");
    CHECK_EQ(parms.f_supported[0], 1u << XENFEAT_dom0);
}

TEST(refuse_unknown_required_feature)
{
    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "dom0|!time_travel");
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: note FEATURES: required feature 'time_travel' is unknown\n");
    CHECK(bytes_zero(&parms, sizeof(parms)));

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "dom0|!");
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: note FEATURES: '!' without a feature name");

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "!!dom0");
    CHECK_EQ(init_parse(), -EINVAL);
}

TEST(supported_features_note_sizes)
{
    static const uint32_t two_words[2] = { 1u << 3, 0xffffffff };

    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, two_words, 8);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.f_supported[0], 1u << 3);    /* word 1: no such submap */

    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, two_words, 6);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: note SUPPORTED_FEATURES: descriptor of 6 bytes");

    ei_generic(&im);
    ei_note(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, two_words, 0);
    CHECK_EQ(init_parse(), -EINVAL);
}

TEST(check_features_against_offer)
{
    uint32_t offered[XENFEAT_NR_SUBMAPS] = { 0 };

    ei_linux(&im);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(elf_xen_check_features(&parms, offered), -EOPNOTSUPP);
    CHECK_LOG("ELF: the kernel requires feature writable_page_tables (0), "
              "which is not offered");

    offered[0] = 1u << XENFEAT_writable_page_tables;
    CHECK_EQ(elf_xen_check_features(&parms, offered), 0);

    parms.f_required[0] |= 1u << XENFEAT_dom0;
    CHECK_EQ(elf_xen_check_features(&parms, offered), -EOPNOTSUPP);
    CHECK_LOG("requires feature dom0 (11)");
}

TEST(feature_names)
{
    CHECK_STREQ(elf_xen_feature_name(XENFEAT_writable_page_tables),
                "writable_page_tables");
    CHECK_STREQ(elf_xen_feature_name(XENFEAT_direct_mapped), "direct_mapped");
    CHECK(elf_xen_feature_name(XENFEAT_direct_mapped + 1) == NULL);
    CHECK(elf_xen_feature_name(~0u) == NULL);
}

/* --- Address rules. --- */

TEST(refuse_paddr_offset_without_virt_base)
{
    ei_generic(&im);
    im.notes[2].type = XEN_ELFNOTE_PADDR_OFFSET;
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: PADDR_OFFSET 0x400000 given without VIRT_BASE");
}

TEST(refuse_paddr_below_offset)
{
    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_PADDR_OFFSET, 1, 8);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: p_paddr range [0, 0x3000) - PADDR_OFFSET 0x1 + VIRT_BASE "
              "0x400000 is outside the address space");
}

/* Rewrite the value of ei_linux()'s note i (an 8-byte number). */
static void set_note(unsigned int i, uint64_t val)
{
    memcpy(im.notes[i].desc, &val, 8);
}

#define LINUX_NOTE_VIRT_BASE 5
#define LINUX_NOTE_ENTRY     7

TEST(refuse_kernel_end_wrap)
{
    /* The image may end at the last byte of the address space, no further. */
    uint64_t vb = ~0ull - EI_LINUX_PEND + 1;

    ei_linux(&im);
    set_note(LINUX_NOTE_VIRT_BASE, vb);
    set_note(LINUX_NOTE_ENTRY, vb + EI_LINUX_PSTART);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("VIRT_BASE 0xfffffffffeffaf00 is outside the address space");

    ei_linux(&im);
    set_note(LINUX_NOTE_VIRT_BASE, vb - 1);
    set_note(LINUX_NOTE_ENTRY, vb - 1 + EI_LINUX_PSTART);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.virt_kend, ~0ull);
}

TEST(refuse_entry_outside_image)
{
    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_VIRT_BASE + 0x3000, 8);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: entry 0x403000 is outside the image [0x400000, 0x403000)");

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_VIRT_BASE - 1, 8);
    CHECK_EQ(init_parse(), -EINVAL);

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_VIRT_BASE + 0x2fff, 8);
    CHECK_EQ(init_parse(), 0);

    ei_generic(&im);
    im.eh.e_entry = 0;                  /* the default: e_entry */
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: entry 0 is outside");
}

TEST(hypercall_page_rules)
{
    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_HYPERCALL_PAGE, EI_GENERIC_VIRT_BASE + 0x2000,
                8);
    CHECK_EQ(init_parse(), 0);
    CHECK_EQ(parms.virt_hypercall, EI_GENERIC_VIRT_BASE + 0x2000);

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_HYPERCALL_PAGE, EI_GENERIC_VIRT_BASE + 0x2800,
                8);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: HYPERCALL_PAGE 0x402800 is not a whole page inside the "
              "image [0x400000, 0x403000)");

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_HYPERCALL_PAGE, EI_GENERIC_VIRT_BASE + 0x3000,
                8);
    CHECK_EQ(init_parse(), -EINVAL);

    ei_generic(&im);                    /* image ends mid-page */
    im.ph[0].p_memsz = 0x2800;
    ei_note_num(&im, XEN_ELFNOTE_HYPERCALL_PAGE, EI_GENERIC_VIRT_BASE + 0x2000,
                8);
    CHECK_EQ(init_parse(), -EINVAL);
}

TEST(refuse_p2m_inside_image)
{
    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_INIT_P2M, EI_GENERIC_VIRT_BASE + 0x1000, 8);
    CHECK_EQ(init_parse(), -EINVAL);
    CHECK_LOG("ELF: INIT_P2M 0x401000 is inside the image");

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_INIT_P2M, EI_GENERIC_VIRT_BASE + 0x3000, 8);
    CHECK_EQ(init_parse(), 0);
}

/* --- Robustness: random corruption of a good image. --- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(random_corruption_never_escapes_the_image)
{
    static const uint64_t magic[] = { 0, 1, 0xff, 0xfff, 0x1000, 0x7fffffff,
                                      0xffffffff, ~0ull, ~0ull - 7 };
    struct elf_image good;
    unsigned int iter, n, inits = 0, parses = 0, loads = 0;

    ei_linux(&good);
    ei_build(&good);
    for ( iter = 0; iter < 4000; iter++ )
    {
        size_t headers = good.notes_off + good.notes_len;

        memcpy(&im, &good, sizeof(im));
        for ( n = 1 + rng() % 4; n; n-- )
        {
            size_t at = rng() % headers;

            if ( rng() % 2 )
                im.buf[at] = rng();
            else
            {
                uint64_t v = magic[rng() % ARRAY_SIZE(magic)];

                memcpy(im.buf + (at & ~7ul), &v,
                       min_t(size_t, 8, im.len - (at & ~7ul)));
            }
        }
        if ( reinit() )
            continue;
        inits++;
        if ( parse() )
            continue;
        parses++;
        if ( parms.virt_kend - parms.virt_kstart > sizeof(guest.mem) - 4096 )
            continue;
        loads += load() == 0;
        harness_log_clear();
    }
    CHECK(inits > 100 && parses > 50 && loads > 50);
}
