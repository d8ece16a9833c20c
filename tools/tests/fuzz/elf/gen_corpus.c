/*
 * gen_corpus.c: writes the seed corpus of fuzz_elf into the directory given
 * as argv[1] (`make corpus`): the builder's good images and variants that
 * reach each group of checks, a few KiB each. Output is deterministic, so
 * regenerating it leaves the committed files unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/elfnote.h>

#include "elf_image.h"

static struct elf_image im;
static const char *outdir;

static void emit(const char *name)
{
    char path[4096];
    FILE *f;

    ei_build(&im);
    snprintf(path, sizeof(path), "%s/seed-%s", outdir, name);
    f = fopen(path, "wb");
    if ( !f || fwrite(im.buf, 1, im.len, f) != im.len || fclose(f) )
    {
        perror(path);
        exit(1);
    }
}

/* Variants of the good images, each with one feature the others lack. */
static void generic_variants(void)
{
    const Elf64_Phdr empty_note = { .p_type = PT_NOTE };
    static const uint32_t two_words[2] = { 0x801, 0x1 };

    ei_generic(&im);
    emit("generic");

    ei_generic(&im);
    im.ph[0].p_paddr = 0x400000;        /* old style: paddr == vaddr */
    ei_note_num(&im, XEN_ELFNOTE_PADDR_OFFSET, EI_GENERIC_VIRT_BASE, 8);
    ei_note_num(&im, XEN_ELFNOTE_HYPERCALL_PAGE, EI_GENERIC_VIRT_BASE + 0x2000,
                8);
    ei_note_num(&im, XEN_ELFNOTE_ENTRY, EI_GENERIC_ENTRY, 4);
    emit("legacy-hypercall");

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES,
                "!writable_page_tables|dom0||hvm_pirqs|unknown_one");
    ei_note(&im, XEN_ELFNOTE_SUPPORTED_FEATURES, two_words, 8);
    ei_note_str(&im, XEN_ELFNOTE_PAE_MODE, "yes[extended-cr3]");
    ei_note_str(&im, XEN_ELFNOTE_BSD_SYMTAB, "yes");
    emit("features");

    ei_generic(&im);
    ei_phdr_raw(&im, &empty_note);
    ei_load(&im, 0x3000, 0, 0, 0x1800);             /* bss only */
    ei_load(&im, 0x5ff0, 0, 0x30, 0x40);            /* crosses a page */
    emit("segments");

    ei_generic(&im);
    ei_note_num(&im, XEN_ELFNOTE_INIT_P2M, 0x8000000000ull, 8);
    ei_note_num(&im, XEN_ELFNOTE_MOD_START_PFN, 1, 1);
    ei_note_num(&im, XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ull, 8);
    ei_note(&im, XEN_ELFNOTE_PHYS32_RELOC, "\0\0\x20\0", 4);
    ei_note(&im, 0x12345, "", 0);
    emit("more-notes");
}

int main(int argc, char **argv)
{
    if ( argc != 2 )
    {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];

    ei_linux(&im);
    emit("linux");
    generic_variants();

    /* Refused images, as starting points near the checks. */
    ei_linux(&im);
    im.ph[2].p_paddr = 0x1002100;
    emit("bad-overlap");

    ei_generic(&im);
    im.notes[0].type = XEN_ELFNOTE_GUEST_VERSION;
    emit("bad-no-xen-version");

    ei_generic(&im);
    ei_note_str(&im, XEN_ELFNOTE_FEATURES, "!time_travel");
    emit("bad-required-feature");
    return 0;
}
