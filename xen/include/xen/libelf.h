/*
 * xen/libelf.h: the loader of 64-bit PV guest kernels (ELF64, x86-64).
 *
 * Use, in this order:
 *   elf_init()               validate the ELF and program headers;
 *   elf_xen_parse()          read the Xen notes into struct elf_dom_parms;
 *   elf_xen_check_features() compare required features with those offered;
 *   elf_load()               copy the segments into the guest, page by page.
 *
 * Every function is pure (no hypervisor state, no allocation) and reads
 * nothing outside [image, image + size). Messages go to printk() with the
 * prefix "ELF: "; errors are -errno. common/libelf.c explains the rules.
 */
#ifndef XEN_LIBELF_H
#define XEN_LIBELF_H

#include <xen/elf.h>
#include <xen/types.h>

#include <public/elfnote.h>
#include <public/features.h>

/* Program headers accepted; Linux has about six. Bounds pairwise checks. */
#define ELF_MAX_PHDRS       64
/*
 * Largest distance from the lowest to the highest loaded byte. A 64-bit PV
 * boot area must fit in the 1 GiB one L2 table maps (Linux copies that one
 * table), so a larger kernel could never start; the bound also caps the
 * work elf_load() does.
 */
#define ELF_MAX_LOAD_SPAN   (1ull << 30)
/* elf_load() asks for guest memory in chunks that never cross this. */
#define ELF_LOAD_CHUNK      4096

#define ELF_UNSET_ADDR      (~0ull)

/* A validated image: a read-only view, filled in by elf_init(). */
struct elf_binary {
    const uint8_t *image;
    size_t size;
    const Elf64_Ehdr *ehdr;
    const Elf64_Phdr *phdr;     /* the program header table, ehdr->e_phnum */
    unsigned int phnum;
    unsigned int nr_load;       /* loaded segments (see elf_phdr_loaded()) */
    uint64_t pstart, pend;      /* lowest p_paddr, highest p_paddr + p_memsz
                                   of the loaded segments */
};

/* What the Xen notes say, with the defaults filled in by elf_xen_parse(). */
struct elf_dom_parms {
    uint64_t virt_base;         /* VIRT_BASE; absent: 0 (Xen's default) */
    uint64_t elf_paddr_offset;  /* PADDR_OFFSET; absent: 0 (Xen's default) */
    uint64_t virt_entry;        /* ENTRY; absent: e_entry */
    uint64_t virt_hypercall;    /* HYPERCALL_PAGE or ELF_UNSET_ADDR */
    uint64_t virt_hv_start_low; /* HV_START_LOW or ELF_UNSET_ADDR */
    uint64_t p2m_base;          /* INIT_P2M or ELF_UNSET_ADDR */
    /* Where the loaded segments land: [virt_kstart, virt_kend). */
    uint64_t virt_kstart, virt_kend;
    bool mod_start_pfn;         /* MOD_START_PFN present and nonzero */
    bool pae_yes;               /* PAE_MODE "yes..." or "...bimodal..." */
    bool f_supported_note;      /* a SUPPORTED_FEATURES note was present */
    char guest_os[32], guest_ver[32], xen_ver[32], loader[32];
    char pae_mode[32];          /* PAE_MODE as written (may be "") */
    /* FEATURES names and SUPPORTED_FEATURES bits; required ones included. */
    uint32_t f_supported[XENFEAT_NR_SUBMAPS];
    uint32_t f_required[XENFEAT_NR_SUBMAPS];    /* "!name" in FEATURES */
};

/*
 * Validate the ELF header and the program headers; see libelf.c for the
 * full list of rules. On success fill *elf and return 0; otherwise print
 * the reason, zero *elf and return -EINVAL. image must stay mapped, and
 * unchanged, for as long as *elf is used.
 */
int elf_init(struct elf_binary *elf, const void *image, size_t size);

/*
 * Read the Xen notes of the PT_NOTE segments into *parms, apply Xen's
 * defaults and check the result (libelf_notes.c). 0 or -EINVAL with a
 * message; *parms is zeroed on failure.
 */
int elf_xen_parse(const struct elf_binary *elf, struct elf_dom_parms *parms);

/*
 * -EOPNOTSUPP (naming the first missing feature) if the kernel requires a
 * feature not set in offered[XENFEAT_NR_SUBMAPS]; else 0.
 */
int elf_xen_check_features(const struct elf_dom_parms *parms,
                           const uint32_t *offered);

/* "writable_page_tables" for XENFEAT_writable_page_tables; NULL if unknown. */
const char *elf_xen_feature_name(unsigned int bit);

/*
 * Copy every loaded segment's file bytes to the guest and zero the rest of
 * its p_memsz. A segment lands at virt_base + p_paddr - elf_paddr_offset.
 * dest(ctx, vaddr, len) must return a hypervisor pointer to len writable
 * bytes backing guest virtual address vaddr, or NULL (-> -EFAULT). It is
 * called once per chunk, in ascending order within a segment; a chunk is
 * never empty and never crosses an ELF_LOAD_CHUNK boundary. On failure the
 * guest memory may have been partly written.
 */
int elf_load(const struct elf_binary *elf, const struct elf_dom_parms *parms,
             void *(*dest)(void *ctx, uint64_t vaddr, size_t len), void *ctx);

/*
 * The segments elf_load() copies: PT_LOAD with some access permission (as
 * Xen's loader rules) and a nonzero size in memory.
 */
static inline bool elf_phdr_loaded(const Elf64_Phdr *ph)
{
    return ph->p_type == PT_LOAD && (ph->p_flags & (PF_R | PF_W | PF_X)) &&
           ph->p_memsz != 0;
}

#endif /* XEN_LIBELF_H */
