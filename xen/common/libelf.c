/*
 * libelf.c: validation of a guest kernel's ELF64 headers, and loading of
 * its segments into guest memory.
 *
 * Theory of operation
 * -------------------
 * The image is untrusted, read-only input of `size` bytes. elf_init() is
 * the only place that looks at raw header fields; it proves every property
 * the later steps rely on, then records the result in struct elf_binary:
 *
 *  - the image is at least an ELF header long and 8-byte aligned, so the
 *    headers can be read in place;
 *  - ELF64, little endian, version 1, ET_EXEC, EM_X86_64, and e_ehsize and
 *    e_phentsize are the ELF64 sizes (section headers are never read);
 *  - 1 to ELF_MAX_PHDRS program headers, their table 8-byte aligned and
 *    inside the image;
 *  - every PT_LOAD: p_filesz <= p_memsz, file bytes inside the image,
 *    p_paddr + p_memsz does not pass 2^64, p_align 0 or a power of two;
 *  - every PT_NOTE: 4-byte aligned and inside the image (the notes in it are
 *    checked one by one by libelf_notes.c);
 *  - at least one loaded segment (elf_phdr_loaded(): PT_LOAD with an R, W
 *    or X permission and p_memsz != 0, the segments Xen's loader copies);
 *    loaded segments do not overlap in p_paddr; all of them lie within
 *    ELF_MAX_LOAD_SPAN bytes, which bounds the work of elf_load().
 *
 * Sums of two 64-bit fields are never formed before it is known they cannot
 * wrap: "a + b <= limit" is always written "a <= limit && b <= limit - a".
 * Other program header types (PT_GNU_STACK, PT_PHDR, ...) are ignored.
 *
 * Like Xen, the loader places segments by p_paddr, not p_vaddr: a segment
 * appears at guest virtual address virt_base + p_paddr - elf_paddr_offset
 * (struct elf_dom_parms, from the notes). p_vaddr is never used, nor
 * checked: an x86-64 vmlinux's per-CPU segment has p_vaddr 0. elf_load() hands every segment to
 * the caller's dest() callback in chunks that never cross a 4 KiB boundary,
 * so the dom0 builder can back the guest with scattered frames.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/string.h>

#define ELF_ERR XENLOG_ERR "ELF: "

static bool is_pow2_or_zero(uint64_t x)
{
    return x == 0 || (x & (x - 1)) == 0;
}

/* [off, off + len) lies inside an image of size bytes. */
static bool in_image(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

static int elf_check_ehdr(const void *image, size_t size)
{
    const Elf64_Ehdr *eh = image;
    const uint8_t *id;

    if ( !image || size < sizeof(*eh) )
    {
        printk(ELF_ERR "image of %zu bytes is smaller than an ELF header\n",
               image ? size : 0);
        return -EINVAL;
    }
    if ( !IS_ALIGNED((uintptr_t)image, 8) )
    {
        printk(ELF_ERR "image at %p is not 8-byte aligned\n", image);
        return -EINVAL;
    }

    id = eh->e_ident;
    if ( id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 ||
         id[EI_MAG2] != ELFMAG2 || id[EI_MAG3] != ELFMAG3 )
    {
        printk(ELF_ERR "no ELF magic (image starts %02x %02x %02x %02x)\n",
               id[0], id[1], id[2], id[3]);
        return -EINVAL;
    }
    if ( id[EI_CLASS] != ELFCLASS64 )
    {
        printk(ELF_ERR "class %u is not ELFCLASS64\n", id[EI_CLASS]);
        return -EINVAL;
    }
    if ( id[EI_DATA] != ELFDATA2LSB )
    {
        printk(ELF_ERR "data encoding %u is not little endian\n", id[EI_DATA]);
        return -EINVAL;
    }
    if ( id[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT )
    {
        printk(ELF_ERR "ELF version %u/%u is not 1\n", id[EI_VERSION],
               eh->e_version);
        return -EINVAL;
    }
    if ( eh->e_type != ET_EXEC )
    {
        printk(ELF_ERR "type %u is not ET_EXEC\n", eh->e_type);
        return -EINVAL;
    }
    if ( eh->e_machine != EM_X86_64 )
    {
        printk(ELF_ERR "machine %u is not EM_X86_64\n", eh->e_machine);
        return -EINVAL;
    }
    if ( eh->e_ehsize != sizeof(Elf64_Ehdr) )
    {
        printk(ELF_ERR "e_ehsize %u is not %zu\n", eh->e_ehsize,
               sizeof(Elf64_Ehdr));
        return -EINVAL;
    }

    return 0;
}

static int elf_check_phdr_table(const Elf64_Ehdr *eh, size_t size)
{
    if ( eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS )
    {
        printk(ELF_ERR "%u program headers (1 to %u accepted)\n",
               eh->e_phnum, ELF_MAX_PHDRS);
        return -EINVAL;
    }
    if ( eh->e_phentsize != sizeof(Elf64_Phdr) )
    {
        printk(ELF_ERR "e_phentsize %u is not %zu\n", eh->e_phentsize,
               sizeof(Elf64_Phdr));
        return -EINVAL;
    }
    if ( !IS_ALIGNED(eh->e_phoff, 8) ||
         !in_image(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
                   size) )
    {
        printk(ELF_ERR "program header table at %#lx (%u entries) is "
               "misaligned or outside the %zu-byte image\n",
               (unsigned long)eh->e_phoff, eh->e_phnum, size);
        return -EINVAL;
    }

    return 0;
}

static int elf_check_load(unsigned int i, const Elf64_Phdr *ph, size_t size)
{
    if ( ph->p_filesz > ph->p_memsz )
    {
        printk(ELF_ERR "segment %u: p_filesz %#lx exceeds p_memsz %#lx\n", i,
               (unsigned long)ph->p_filesz, (unsigned long)ph->p_memsz);
        return -EINVAL;
    }
    if ( !in_image(ph->p_offset, ph->p_filesz, size) )
    {
        printk(ELF_ERR "segment %u: file bytes [%#lx, +%#lx) outside the "
               "%zu-byte image\n", i, (unsigned long)ph->p_offset,
               (unsigned long)ph->p_filesz, size);
        return -EINVAL;
    }
    if ( ph->p_memsz > ~0ull - ph->p_paddr )
    {
        printk(ELF_ERR "segment %u: p_paddr %#lx + p_memsz %#lx wraps\n", i,
               (unsigned long)ph->p_paddr, (unsigned long)ph->p_memsz);
        return -EINVAL;
    }
    if ( !is_pow2_or_zero(ph->p_align) )
    {
        printk(ELF_ERR "segment %u: p_align %#lx is not a power of two\n", i,
               (unsigned long)ph->p_align);
        return -EINVAL;
    }

    return 0;
}

static int elf_check_note(unsigned int i, const Elf64_Phdr *ph, size_t size)
{
    if ( !IS_ALIGNED(ph->p_offset, ELF_NOTE_ALIGN) ||
         !in_image(ph->p_offset, ph->p_filesz, size) )
    {
        printk(ELF_ERR "note segment %u: [%#lx, +%#lx) misaligned or "
               "outside the %zu-byte image\n", i, (unsigned long)ph->p_offset,
               (unsigned long)ph->p_filesz, size);
        return -EINVAL;
    }

    return 0;
}

/* Loaded segments i and j share at least one byte of p_paddr space. */
static bool elf_overlap(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
    /* Both ends are known not to wrap (elf_check_load()). */
    return a->p_paddr < b->p_paddr + b->p_memsz &&
           b->p_paddr < a->p_paddr + a->p_memsz;
}

static int elf_check_layout(const Elf64_Phdr *phdr, unsigned int phnum,
                            uint64_t *pstart, uint64_t *pend)
{
    unsigned int i, j, nr = 0;
    uint64_t lo = ~0ull, hi = 0;

    for ( i = 0; i < phnum; i++ )
    {
        if ( !elf_phdr_loaded(&phdr[i]) )
            continue;
        nr++;
        lo = min(lo, phdr[i].p_paddr);
        hi = max(hi, phdr[i].p_paddr + phdr[i].p_memsz);
        for ( j = 0; j < i; j++ )
            if ( elf_phdr_loaded(&phdr[j]) && elf_overlap(&phdr[i], &phdr[j]) )
            {
                printk(ELF_ERR "segments %u and %u overlap at p_paddr %#lx\n",
                       j, i, (unsigned long)max(phdr[i].p_paddr,
                                                phdr[j].p_paddr));
                return -EINVAL;
            }
    }
    if ( nr == 0 )
    {
        printk(ELF_ERR "no loadable segment\n");
        return -EINVAL;
    }
    if ( hi - lo > ELF_MAX_LOAD_SPAN )
    {
        printk(ELF_ERR "segments span [%#lx, %#lx), more than %#llx bytes\n",
               (unsigned long)lo, (unsigned long)hi, ELF_MAX_LOAD_SPAN);
        return -EINVAL;
    }

    *pstart = lo;
    *pend = hi;
    return nr;
}

int elf_init(struct elf_binary *elf, const void *image, size_t size)
{
    const Elf64_Ehdr *eh = image;
    const Elf64_Phdr *phdr;
    uint64_t pstart = 0, pend = 0;
    unsigned int i;
    int rc;

    BUILD_BUG_ON(sizeof(Elf64_Ehdr) != 64);
    BUILD_BUG_ON(sizeof(Elf64_Phdr) != 56);
    BUILD_BUG_ON(sizeof(Elf64_Nhdr) != 12);
    BUILD_BUG_ON(offsetof(Elf64_Ehdr, e_phoff) != 32);
    BUILD_BUG_ON(offsetof(Elf64_Ehdr, e_phnum) != 56);
    BUILD_BUG_ON(offsetof(Elf64_Phdr, p_paddr) != 24);
    BUILD_BUG_ON(offsetof(Elf64_Phdr, p_align) != 48);

    memset(elf, 0, sizeof(*elf));

    rc = elf_check_ehdr(image, size);
    if ( !rc )
        rc = elf_check_phdr_table(eh, size);
    if ( rc )
        return rc;

    phdr = (const Elf64_Phdr *)((const uint8_t *)image + eh->e_phoff);
    for ( i = 0; i < eh->e_phnum; i++ )
    {
        if ( phdr[i].p_type == PT_LOAD )
            rc = elf_check_load(i, &phdr[i], size);
        else if ( phdr[i].p_type == PT_NOTE )
            rc = elf_check_note(i, &phdr[i], size);
        if ( rc )
            return rc;
    }

    rc = elf_check_layout(phdr, eh->e_phnum, &pstart, &pend);
    if ( rc < 0 )
        return rc;

    elf->image = image;
    elf->size = size;
    elf->ehdr = eh;
    elf->phdr = phdr;
    elf->phnum = eh->e_phnum;
    elf->nr_load = rc;
    elf->pstart = pstart;
    elf->pend = pend;
    return 0;
}

/* Copy one segment, bytes [0, p_memsz) to guest addresses from vaddr. */
static int elf_load_segment(const struct elf_binary *elf, unsigned int i,
                            uint64_t vaddr,
                            void *(*dest)(void *, uint64_t, size_t), void *ctx)
{
    const Elf64_Phdr *ph = &elf->phdr[i];
    const uint8_t *src = elf->image + ph->p_offset;
    uint64_t done = 0;

    while ( done < ph->p_memsz )
    {
        uint64_t va = vaddr + done;
        size_t len = min_t(uint64_t, ph->p_memsz - done,
                           ELF_LOAD_CHUNK - (va & (ELF_LOAD_CHUNK - 1)));
        size_t from_file = done < ph->p_filesz ?
                           min_t(uint64_t, len, ph->p_filesz - done) : 0;
        uint8_t *p = dest(ctx, va, len);

        if ( !p )
        {
            printk(ELF_ERR "segment %u: no guest memory at %#lx\n", i,
                   (unsigned long)va);
            return -EFAULT;
        }
        memcpy(p, src + done, from_file);
        memset(p + from_file, 0, len - from_file);
        done += len;
    }

    return 0;
}

/*
 * The guest address of a loaded segment. elf_xen_parse() has checked this
 * for the parms it produced; checked again so that mismatched arguments
 * cannot make the address wrap.
 */
static int elf_segment_vaddr(const struct elf_dom_parms *parms,
                             const Elf64_Phdr *ph, uint64_t *vaddr)
{
    uint64_t rel;

    if ( ph->p_paddr < parms->elf_paddr_offset )
        return -EINVAL;
    rel = ph->p_paddr - parms->elf_paddr_offset;
    if ( rel > ~0ull - parms->virt_base ||
         ph->p_memsz > ~0ull - (parms->virt_base + rel) )
        return -EINVAL;
    *vaddr = parms->virt_base + rel;
    return 0;
}

int elf_load(const struct elf_binary *elf, const struct elf_dom_parms *parms,
             void *(*dest)(void *ctx, uint64_t vaddr, size_t len), void *ctx)
{
    unsigned int i;
    uint64_t vaddr;
    int rc;

    ASSERT(elf->ehdr && elf->nr_load);

    for ( i = 0; i < elf->phnum; i++ )
    {
        if ( !elf_phdr_loaded(&elf->phdr[i]) )
            continue;
        if ( elf_segment_vaddr(parms, &elf->phdr[i], &vaddr) )
        {
            printk(ELF_ERR "segment %u: p_paddr %#lx does not fit VIRT_BASE "
                   "%#lx and PADDR_OFFSET %#lx\n", i,
                   (unsigned long)elf->phdr[i].p_paddr,
                   (unsigned long)parms->virt_base,
                   (unsigned long)parms->elf_paddr_offset);
            return -EINVAL;
        }
        rc = elf_load_segment(elf, i, vaddr, dest, ctx);
        if ( rc )
            return rc;
    }

    return 0;
}
