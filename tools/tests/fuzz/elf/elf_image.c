/*
 * elf_image.c: the in-memory ELF64 image builder (see elf_image.h).
 * Misuse (too many notes, an image over EI_IMG_MAX) aborts: it is a bug in
 * the test, not a case to test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/elfnote.h>
#include <public/features.h>

#include "elf_image.h"

#define PT_GNU_STACK 0x6474e551

static void ei_die(const char *what)
{
    fprintf(stderr, "elf_image: %s\n", what);
    abort();
}

void ei_init(struct elf_image *im)
{
    memset(im, 0, sizeof(*im));
    im->eh.e_ident[EI_MAG0] = ELFMAG0;
    im->eh.e_ident[EI_MAG1] = ELFMAG1;
    im->eh.e_ident[EI_MAG2] = ELFMAG2;
    im->eh.e_ident[EI_MAG3] = ELFMAG3;
    im->eh.e_ident[EI_CLASS] = ELFCLASS64;
    im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh.e_ident[EI_VERSION] = EV_CURRENT;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = EM_X86_64;
    im->eh.e_version = EV_CURRENT;
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_phentsize = sizeof(Elf64_Phdr);
}

void ei_note_named(struct elf_image *im, const char *name, uint32_t namesz,
                   uint32_t type, const void *desc, uint32_t descsz)
{
    struct ei_note *n;

    if ( im->nr_notes == EI_MAX_NOTES || descsz > EI_DESC_MAX ||
         namesz > sizeof(n->name) )
        ei_die("note too large or too many notes");
    n = &im->notes[im->nr_notes++];
    memcpy(n->name, name, namesz);
    n->namesz = namesz;
    n->type = type;
    n->descsz = descsz;
    memcpy(n->desc, desc, descsz);
}

void ei_note(struct elf_image *im, uint32_t type, const void *desc,
             uint32_t descsz)
{
    ei_note_named(im, "Xen", 4, type, desc, descsz);
}

void ei_note_str(struct elf_image *im, uint32_t type, const char *s)
{
    ei_note(im, type, s, strlen(s) + 1);
}

void ei_note_ascii(struct elf_image *im, uint32_t type, const char *s)
{
    ei_note(im, type, s, strlen(s));
}

void ei_note_num(struct elf_image *im, uint32_t type, uint64_t val,
                 unsigned int size)
{
    uint8_t le[8];
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        le[i] = val >> (8 * i);
    ei_note(im, type, le, size);
}

unsigned int ei_phdr_raw(struct elf_image *im, const Elf64_Phdr *ph)
{
    if ( im->nr_ph == EI_MAX_SEGS )
        ei_die("too many program headers");
    im->ph[im->nr_ph] = *ph;
    return im->nr_ph++;
}

unsigned int ei_load(struct elf_image *im, uint64_t paddr, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz)
{
    Elf64_Phdr ph = {
        .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
        .p_vaddr = vaddr, .p_paddr = paddr,
        .p_filesz = filesz, .p_memsz = memsz, .p_align = 0x1000,
    };

    return ei_phdr_raw(im, &ph);
}

uint8_t ei_byte(unsigned int seg, uint64_t i)
{
    return 1 + (seg * 37 + i * 7) % 255;
}

static size_t ei_align(size_t off, size_t a)
{
    return (off + a - 1) & ~(a - 1);
}

static void ei_put(struct elf_image *im, size_t off, const void *p, size_t n)
{
    if ( off > EI_IMG_MAX || n > EI_IMG_MAX - off )
        ei_die("image larger than EI_IMG_MAX");
    memcpy(im->buf + off, p, n);
}

/* The notes, each padded to 4 bytes, from offset off; returns the end. */
static size_t ei_put_notes(struct elf_image *im, size_t off)
{
    static const uint8_t zero[4];
    unsigned int i;

    im->notes_off = off;
    for ( i = 0; i < im->nr_notes; i++ )
    {
        const struct ei_note *n = &im->notes[i];
        Elf64_Nhdr nh = { n->namesz, n->descsz, n->type };

        ei_put(im, off, &nh, sizeof(nh));
        off += sizeof(nh);
        ei_put(im, off, n->name, n->namesz);
        ei_put(im, off + n->namesz, zero, ei_align(n->namesz, 4) - n->namesz);
        off += ei_align(n->namesz, 4);
        ei_put(im, off, n->desc, n->descsz);
        ei_put(im, off + n->descsz, zero, ei_align(n->descsz, 4) - n->descsz);
        off += ei_align(n->descsz, 4);
    }
    im->notes_len = off - im->notes_off;
    return off;
}

size_t ei_build(struct elf_image *im)
{
    unsigned int i, nr = im->nr_ph + (im->nr_notes ? 1 : 0);
    Elf64_Phdr ph[EI_MAX_SEGS + 1];
    size_t off;
    uint64_t j;

    memset(im->buf, 0, sizeof(im->buf));
    memcpy(ph, im->ph, im->nr_ph * sizeof(ph[0]));
    im->eh.e_phoff = sizeof(Elf64_Ehdr);
    im->eh.e_phnum = nr;

    off = ei_put_notes(im, sizeof(Elf64_Ehdr) + nr * sizeof(Elf64_Phdr));
    if ( im->nr_notes )
        ph[im->nr_ph] = (Elf64_Phdr){
            .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = im->notes_off,
            .p_filesz = im->notes_len, .p_align = 4,
        };

    for ( i = 0; i < im->nr_ph; i++ )
    {
        if ( ph[i].p_type != PT_LOAD )
            continue;
        off = ei_align(off, 16);
        if ( ph[i].p_filesz > EI_IMG_MAX - off )
            ei_die("segment larger than EI_IMG_MAX");
        ph[i].p_offset = im->ph[i].p_offset = off;
        for ( j = 0; j < ph[i].p_filesz; j++ )
            im->buf[off++] = ei_byte(i, j);
    }

    ei_put(im, 0, &im->eh, sizeof(im->eh));
    ei_put(im, sizeof(Elf64_Ehdr), ph, nr * sizeof(ph[0]));
    im->len = ei_align(off, 8);
    return im->len;
}

Elf64_Ehdr *ei_ehdr(struct elf_image *im)
{
    return (Elf64_Ehdr *)im->buf;
}

Elf64_Phdr *ei_phdr(struct elf_image *im, unsigned int i)
{
    return (Elf64_Phdr *)(im->buf + sizeof(Elf64_Ehdr)) + i;
}

void ei_linux(struct elf_image *im)
{
    static const uint8_t build_id[20] = { 0x5a, 0x17, 0xe1, 0xf0 };
    static const uint8_t linux_ver[4] = { 0x00, 0x06, 0x01, 0x00 };
    static const uint64_t l1_mfn_valid[2] = { 1, 1 };
    const Elf64_Phdr stack = { .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W,
                               .p_align = 16 };
    const uint64_t vb = EI_LINUX_VIRT_BASE;

    ei_init(im);
    im->eh.e_entry = EI_LINUX_PSTART;       /* vmlinux: physical startup_64 */
    ei_load(im, 0x1000000, vb + 0x1000000, 0x1345, 0x1345);
    ei_load(im, 0x1002000, vb + 0x1002000, 0x200, 0x200);
    ei_load(im, 0x1003000, vb + 0x1003000, 0x234, 0x2100);
    im->ph[1].p_flags = PF_R;
    im->ph[2].p_flags = PF_R | PF_W;
    ei_phdr_raw(im, &stack);

    ei_note_named(im, "GNU", 4, 3, build_id, sizeof(build_id));
    ei_note_named(im, "Linux", 6, 0x100, linux_ver, sizeof(linux_ver));
    ei_note_str(im, XEN_ELFNOTE_GUEST_OS, "linux");
    ei_note_str(im, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    ei_note_str(im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    ei_note_num(im, XEN_ELFNOTE_VIRT_BASE, vb, 8);
    ei_note_num(im, XEN_ELFNOTE_INIT_P2M, EI_LINUX_P2M, 8);
    ei_note_num(im, XEN_ELFNOTE_ENTRY, EI_LINUX_ENTRY, 8);
    ei_note_ascii(im, XEN_ELFNOTE_FEATURES, EI_LINUX_FEATURES);
    ei_note_num(im, XEN_ELFNOTE_SUPPORTED_FEATURES,
                (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_dom0) |
                (1u << XENFEAT_linux_rsdp_unrestricted), 4);
    ei_note_str(im, XEN_ELFNOTE_PAE_MODE, "yes");
    ei_note_str(im, XEN_ELFNOTE_LOADER, "generic");
    ei_note(im, XEN_ELFNOTE_L1_MFN_VALID, l1_mfn_valid, sizeof(l1_mfn_valid));
    ei_note_num(im, XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
    ei_note_num(im, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    ei_note_num(im, XEN_ELFNOTE_HV_START_LOW, EI_LINUX_HV_START, 8);
    ei_note_num(im, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
}

void ei_generic(struct elf_image *im)
{
    ei_init(im);
    im->eh.e_entry = EI_GENERIC_ENTRY;
    ei_load(im, 0, EI_GENERIC_VIRT_BASE, 0x1100, 0x3000);
    ei_note_str(im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    ei_note_str(im, XEN_ELFNOTE_LOADER, "generic");
    ei_note_num(im, XEN_ELFNOTE_VIRT_BASE, EI_GENERIC_VIRT_BASE, 8);
}
