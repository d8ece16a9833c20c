/*
 * elf_image.h: builds ELF64 guest kernel images in memory, for the libelf
 * unit test (tools/tests/unit/test_elf.c), the seed corpus generator and
 * the fuzz harness.
 *
 * Describe an image (ei_init(), then notes and segments), lay it out with
 * ei_build(), then, to make it malformed, edit the bytes in im->buf through
 * ei_ehdr()/ei_phdr() or directly. Layout produced by ei_build():
 *
 *   ELF header | program headers | notes (one PT_NOTE) | segment bytes
 *
 * The PT_NOTE header, if there are notes, comes after the segments' headers.
 * Segment file bytes start 16-byte aligned and hold ei_byte(seg, i), never 0,
 * so a loaded copy can be told from the zeroed tail (bss).
 */
#ifndef TOOLS_TESTS_FUZZ_ELF_IMAGE_H
#define TOOLS_TESTS_FUZZ_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <xen/elf.h>

#define EI_IMG_MAX    (64 * 1024)
#define EI_MAX_SEGS   16
#define EI_MAX_NOTES  32
#define EI_DESC_MAX   256

struct ei_note {
    char name[16];
    uint32_t namesz;
    uint32_t type;
    uint32_t descsz;
    uint8_t desc[EI_DESC_MAX];
};

struct elf_image {
    Elf64_Ehdr eh;                  /* template: edit before ei_build() */
    Elf64_Phdr ph[EI_MAX_SEGS];     /* p_offset of PT_LOAD set by ei_build() */
    unsigned int nr_ph;
    struct ei_note notes[EI_MAX_NOTES];
    unsigned int nr_notes;
    /* The result of ei_build(). */
    uint8_t buf[EI_IMG_MAX] __attribute__((aligned(16)));
    size_t len;
    size_t notes_off, notes_len;    /* where the notes landed in buf */
};

/* An image with a valid ELF header and nothing else. */
void ei_init(struct elf_image *im);

/* Notes, in the order given; "Xen" unless ei_note_named(). */
void ei_note_named(struct elf_image *im, const char *name, uint32_t namesz,
                   uint32_t type, const void *desc, uint32_t descsz);
void ei_note(struct elf_image *im, uint32_t type, const void *desc,
             uint32_t descsz);
void ei_note_str(struct elf_image *im, uint32_t type, const char *s);
void ei_note_ascii(struct elf_image *im, uint32_t type, const char *s);
void ei_note_num(struct elf_image *im, uint32_t type, uint64_t val,
                 unsigned int size);

/* A PT_LOAD (R+X, 4 KiB alignment); returns its program header index. */
unsigned int ei_load(struct elf_image *im, uint64_t paddr, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz);
/* Any program header, kept exactly as given. */
unsigned int ei_phdr_raw(struct elf_image *im, const Elf64_Phdr *ph);

/* Lay the image out in im->buf; returns im->len (a multiple of 8). */
size_t ei_build(struct elf_image *im);

/* After ei_build(): the headers inside im->buf. */
Elf64_Ehdr *ei_ehdr(struct elf_image *im);
Elf64_Phdr *ei_phdr(struct elf_image *im, unsigned int i);

/* The byte at offset i of segment seg's file bytes. */
uint8_t ei_byte(unsigned int seg, uint64_t i);

/*
 * Images. ei_linux(): the notes of Linux 6.1's arch/x86/xen/xen-head.S in
 * its order and encodings (FEATURES without a NUL), a "GNU" and a "Linux"
 * note, three loaded segments at p_paddr 0x1000000 (the third with bss),
 * a PT_GNU_STACK. ei_generic(): the fewest notes a non-Linux kernel needs.
 * Neither calls ei_build().
 */
#define EI_LINUX_VIRT_BASE  0xffffffff80000000ull
#define EI_LINUX_ENTRY      0xffffffff81000040ull
#define EI_LINUX_P2M        0x8000000000ull
#define EI_LINUX_HV_START   0xffff800000000000ull
#define EI_LINUX_PSTART     0x1000000ull
#define EI_LINUX_PEND       0x1005100ull
#define EI_LINUX_FEATURES   "!writable_page_tables|pae_pgdir_above_4gb"
void ei_linux(struct elf_image *im);

#define EI_GENERIC_VIRT_BASE 0x400000ull
#define EI_GENERIC_ENTRY     0x401000ull
void ei_generic(struct elf_image *im);

#endif /* TOOLS_TESTS_FUZZ_ELF_IMAGE_H */
