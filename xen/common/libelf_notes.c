/*
 * libelf_notes.c: the Xen ELF notes of a PV guest kernel, read into
 * struct elf_dom_parms, and the kernel's feature requirements.
 *
 * Theory of operation
 * -------------------
 * elf_init() has proved that each PT_NOTE segment is 4-byte aligned and
 * inside the image. Here the notes in it are walked one by one: each header
 * must fit, then the name and the descriptor (names and descriptors are
 * padded to 4 bytes; the last descriptor's padding may be cut off by the end
 * of the segment). A note that does not fit makes the whole image invalid,
 * since nothing after it can be trusted. Notes not named exactly "Xen"
 * (namesz 4), such as Linux's "GNU" build id, are skipped, as are Xen notes
 * of types this loader does not use. A repeated note overrides the earlier
 * one, except the feature notes, which add up.
 *
 * Descriptors are read byte by byte, so no alignment beyond 4 is assumed:
 *  - numbers are little endian, 1, 2, 4 or 8 bytes; another size is refused;
 *  - strings end at their first NUL or at the end of the descriptor (Linux
 *    emits FEATURES with .ascii, without a NUL) and are stored truncated
 *    to the 31 characters struct elf_dom_parms holds;
 *  - FEATURES is split at '|' in place, never copied, so it has no length
 *    limit; SUPPORTED_FEATURES is an array of 32-bit words.
 *
 * After the walk, Xen's rules decide (xen/common/libelf/libelf-dominfo.c
 * behaviour, for images with notes):
 *  - at least one Xen note; XEN_VERSION starts with "xen-3.0";
 *  - LOADER starts with "generic" or GUEST_OS with "linux";
 *  - PADDR_OFFSET without VIRT_BASE is refused; VIRT_BASE defaults to 0
 *    (warned about) and PADDR_OFFSET to 0 (only the old "__xen_guest"
 *    string interface, not supported here, defaulted it to VIRT_BASE);
 *    ENTRY defaults to e_entry;
 *  - [virt_kstart, virt_kend) = [pstart, pend) - PADDR_OFFSET + VIRT_BASE
 *    must not wrap (so it lies above VIRT_BASE); the entry point must lie
 *    inside it; INIT_P2M must not;
 *  - our addition: HYPERCALL_PAGE, when present, must be a page-aligned
 *    page inside the image, since the builder writes a whole page there.
 * An unknown feature name is ignored with a warning unless it is required.
 * A SUPPORTED_FEATURES note without XENFEAT_dom0 is the dom0 builder's
 * business (f_supported_note tells it the note was there).
 *
 * Everything is collected in a private copy and only copied to the
 * caller's struct elf_dom_parms once all checks have passed.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/string.h>

#define ELF_ERR  XENLOG_ERR "ELF: "
#define ELF_WARN XENLOG_WARNING "ELF: "

/* Longest piece of untrusted text quoted in a message. */
#define QUOTE_MAX 40

enum note_kind {
    NOTE_SKIP,      /* known, but nothing a PV loader needs */
    NOTE_NUM,       /* one little-endian number */
    NOTE_STR,       /* a string */
    NOTE_WORDS,     /* an array of 32-bit words */
};

static const struct {
    const char *name;
    enum note_kind kind;
} note_types[XEN_ELFNOTE_MAX + 1] = {
    [XEN_ELFNOTE_INFO]               = { "INFO",               NOTE_SKIP },
    [XEN_ELFNOTE_ENTRY]              = { "ENTRY",              NOTE_NUM },
    [XEN_ELFNOTE_HYPERCALL_PAGE]     = { "HYPERCALL_PAGE",     NOTE_NUM },
    [XEN_ELFNOTE_VIRT_BASE]          = { "VIRT_BASE",          NOTE_NUM },
    [XEN_ELFNOTE_PADDR_OFFSET]       = { "PADDR_OFFSET",       NOTE_NUM },
    [XEN_ELFNOTE_XEN_VERSION]        = { "XEN_VERSION",        NOTE_STR },
    [XEN_ELFNOTE_GUEST_OS]           = { "GUEST_OS",           NOTE_STR },
    [XEN_ELFNOTE_GUEST_VERSION]      = { "GUEST_VERSION",      NOTE_STR },
    [XEN_ELFNOTE_LOADER]             = { "LOADER",             NOTE_STR },
    [XEN_ELFNOTE_PAE_MODE]           = { "PAE_MODE",           NOTE_STR },
    [XEN_ELFNOTE_FEATURES]           = { "FEATURES",           NOTE_STR },
    [XEN_ELFNOTE_BSD_SYMTAB]         = { "BSD_SYMTAB",         NOTE_STR },
    [XEN_ELFNOTE_HV_START_LOW]       = { "HV_START_LOW",       NOTE_NUM },
    [XEN_ELFNOTE_L1_MFN_VALID]       = { "L1_MFN_VALID",       NOTE_SKIP },
    [XEN_ELFNOTE_SUSPEND_CANCEL]     = { "SUSPEND_CANCEL",     NOTE_SKIP },
    [XEN_ELFNOTE_INIT_P2M]           = { "INIT_P2M",           NOTE_NUM },
    [XEN_ELFNOTE_MOD_START_PFN]      = { "MOD_START_PFN",      NOTE_NUM },
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = { "SUPPORTED_FEATURES", NOTE_WORDS },
    [XEN_ELFNOTE_PHYS32_ENTRY]       = { "PHYS32_ENTRY",       NOTE_SKIP },
    [XEN_ELFNOTE_PHYS32_RELOC]       = { "PHYS32_RELOC",       NOTE_SKIP },
};

#define FEATURE(n) [XENFEAT_ ## n] = #n
static const char *const feature_names[] = {
    FEATURE(writable_page_tables),
    FEATURE(writable_descriptor_tables),
    FEATURE(auto_translated_physmap),
    FEATURE(supervisor_mode_kernel),
    FEATURE(pae_pgdir_above_4gb),
    FEATURE(mmu_pt_update_preserve_ad),
    FEATURE(highmem_assist),
    FEATURE(gnttab_map_avail_bits),
    FEATURE(hvm_callback_vector),
    FEATURE(hvm_safe_pvclock),
    FEATURE(hvm_pirqs),
    FEATURE(dom0),
    FEATURE(grant_map_identity),
    FEATURE(memory_op_vnode_supported),
    FEATURE(ARM_SMCCC_supported),
    FEATURE(linux_rsdp_unrestricted),
    FEATURE(not_direct_mapped),
    FEATURE(direct_mapped),
};
#undef FEATURE

/* The parse in progress: the result, and which notes have been seen. */
struct note_state {
    struct elf_dom_parms p;
    bool found;                 /* any note named "Xen" */
    bool has_base, has_offset, has_entry;
};

/* One note's descriptor, inside the image. */
struct note_desc {
    unsigned int type;
    const uint8_t *data;
    uint32_t size;
};

const char *elf_xen_feature_name(unsigned int bit)
{
    return bit < ARRAY_SIZE(feature_names) ? feature_names[bit] : NULL;
}

static void set_bit32(uint32_t *map, unsigned int bit)
{
    map[bit / 32] |= 1u << (bit % 32);
}

/* Length of the string in a descriptor: up to its first NUL, if any. */
static size_t desc_strlen(const struct note_desc *d)
{
    const uint8_t *nul = memchr(d->data, 0, d->size);

    return nul ? (size_t)(nul - d->data) : d->size;
}

static int desc_number(const struct note_desc *d, uint64_t *val)
{
    unsigned int i;

    if ( d->size != 1 && d->size != 2 && d->size != 4 && d->size != 8 )
    {
        printk(ELF_ERR "note %s: numeric descriptor of %u bytes (1, 2, 4 "
               "or 8 accepted)\n", note_types[d->type].name, d->size);
        return -EINVAL;
    }
    *val = 0;
    for ( i = d->size; i > 0; i-- )
        *val = (*val << 8) | d->data[i - 1];
    return 0;
}

static void desc_string(const struct note_desc *d, char *dst, size_t dst_size)
{
    size_t len = desc_strlen(d);

    if ( len >= dst_size )
    {
        printk(ELF_WARN "note %s: string of %zu bytes truncated to %zu\n",
               note_types[d->type].name, len, dst_size - 1);
        len = dst_size - 1;
    }
    memcpy(dst, d->data, len);
    dst[len] = '\0';
}

static int feature_lookup(const char *name, size_t len)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(feature_names); i++ )
        if ( feature_names[i] && strlen(feature_names[i]) == len &&
             !memcmp(feature_names[i], name, len) )
            return i;
    return -1;
}

/* One '|'-separated word of FEATURES: "name", "!name" or empty. */
static int parse_feature(const char *word, size_t len, struct note_state *st)
{
    bool required = len && word[0] == '!';
    int bit;

    if ( required )
    {
        word++;
        len--;
    }
    if ( !len )
    {
        if ( required )
            printk(ELF_ERR "note FEATURES: '!' without a feature name\n");
        return required ? -EINVAL : 0;
    }

    bit = feature_lookup(word, len);
    if ( bit < 0 )
    {
        printk("%snote FEATURES: %s feature '%.*s' is unknown%s\n",
               required ? ELF_ERR : ELF_WARN,
               required ? "required" : "optional",
               (int)min_t(size_t, len, QUOTE_MAX), word,
               required ? "" : "; ignored");
        return required ? -EINVAL : 0;
    }

    set_bit32(st->p.f_supported, bit);
    if ( required )
        set_bit32(st->p.f_required, bit);
    return 0;
}

static int parse_features(const struct note_desc *d, struct note_state *st)
{
    const char *s = (const char *)d->data;
    size_t len = desc_strlen(d), start, end;
    int rc;

    for ( start = 0; start <= len; start = end + 1 )
    {
        for ( end = start; end < len && s[end] != '|'; end++ )
            ;
        rc = parse_feature(s + start, end - start, st);
        if ( rc )
            return rc;
    }
    return 0;
}

static int parse_supported(const struct note_desc *d, struct note_state *st)
{
    unsigned int i;

    if ( d->size == 0 || d->size % 4 )
    {
        printk(ELF_ERR "note SUPPORTED_FEATURES: descriptor of %u bytes is "
               "not a whole number of 32-bit words\n", d->size);
        return -EINVAL;
    }
    /* Words for submaps this hypervisor does not have are ignored. */
    for ( i = 0; i < XENFEAT_NR_SUBMAPS && i < d->size / 4; i++ )
        st->p.f_supported[i] |= (uint32_t)d->data[4 * i] |
                                (uint32_t)d->data[4 * i + 1] << 8 |
                                (uint32_t)d->data[4 * i + 2] << 16 |
                                (uint32_t)d->data[4 * i + 3] << 24;
    st->p.f_supported_note = true;
    return 0;
}

static void parse_string_note(const struct note_desc *d, struct note_state *st)
{
    struct elf_dom_parms *p = &st->p;
    char yes[4];

    switch ( d->type )
    {
    case XEN_ELFNOTE_XEN_VERSION:
        desc_string(d, p->xen_ver, sizeof(p->xen_ver));
        break;
    case XEN_ELFNOTE_GUEST_OS:
        desc_string(d, p->guest_os, sizeof(p->guest_os));
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        desc_string(d, p->guest_ver, sizeof(p->guest_ver));
        break;
    case XEN_ELFNOTE_LOADER:
        desc_string(d, p->loader, sizeof(p->loader));
        break;
    case XEN_ELFNOTE_PAE_MODE:
        desc_string(d, p->pae_mode, sizeof(p->pae_mode));
        p->pae_yes = !strncmp(p->pae_mode, "yes", 3) ||
                     strstr(p->pae_mode, "bimodal");
        break;
    case XEN_ELFNOTE_BSD_SYMTAB:
        desc_string(d, yes, sizeof(yes));
        if ( !strcmp(yes, "yes") )
            printk(ELF_WARN "note BSD_SYMTAB: loading the symbol table is "
                   "not supported; ignored\n");
        break;
    default:
        ASSERT_UNREACHABLE();
    }
}

static void parse_number_note(unsigned int type, uint64_t val,
                              struct note_state *st)
{
    struct elf_dom_parms *p = &st->p;

    switch ( type )
    {
    case XEN_ELFNOTE_ENTRY:
        p->virt_entry = val;
        st->has_entry = true;
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        p->virt_hypercall = val;
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        p->virt_base = val;
        st->has_base = true;
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        p->elf_paddr_offset = val;
        st->has_offset = true;
        break;
    case XEN_ELFNOTE_HV_START_LOW:
        p->virt_hv_start_low = val;
        break;
    case XEN_ELFNOTE_INIT_P2M:
        p->p2m_base = val;
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        p->mod_start_pfn = val != 0;
        break;
    default:
        ASSERT_UNREACHABLE();
    }
}

static int parse_xen_note(const struct note_desc *d, struct note_state *st)
{
    uint64_t val;
    int rc;

    st->found = true;
    if ( d->type > XEN_ELFNOTE_MAX )
        return 0;

    switch ( note_types[d->type].kind )
    {
    case NOTE_NUM:
        rc = desc_number(d, &val);
        if ( !rc )
            parse_number_note(d->type, val, st);
        return rc;
    case NOTE_STR:
        if ( d->type == XEN_ELFNOTE_FEATURES )
            return parse_features(d, st);
        parse_string_note(d, st);
        return 0;
    case NOTE_WORDS:
        return parse_supported(d, st);
    case NOTE_SKIP:
        return 0;
    }
    ASSERT_UNREACHABLE();
    return -EINVAL;
}

/* Walk the notes of PT_NOTE segment seg. */
static int walk_notes(const struct elf_binary *elf, unsigned int seg,
                      struct note_state *st)
{
    const Elf64_Phdr *ph = &elf->phdr[seg];
    const uint8_t *base = elf->image + ph->p_offset;
    uint64_t len = ph->p_filesz, off, name_at, desc_at, name_room;
    const Elf64_Nhdr *nh;
    struct note_desc d;
    int rc;

    for ( off = 0; off < len; off = desc_at + ROUNDUP((uint64_t)d.size, 4) )
    {
        if ( len - off < sizeof(*nh) )
        {
            printk(ELF_ERR "note segment %u: %lu stray bytes at offset %#lx\n",
                   seg, (unsigned long)(len - off), (unsigned long)off);
            return -EINVAL;
        }
        nh = (const Elf64_Nhdr *)(base + off);
        name_at = off + sizeof(*nh);
        name_room = ROUNDUP((uint64_t)nh->n_namesz, 4);
        if ( name_room > len - name_at ||
             nh->n_descsz > len - name_at - name_room )
        {
            printk(ELF_ERR "note segment %u: note at offset %#lx (namesz %u, "
                   "descsz %u) overruns the segment's %#lx bytes\n", seg,
                   (unsigned long)off, nh->n_namesz, nh->n_descsz,
                   (unsigned long)len);
            return -EINVAL;
        }
        desc_at = name_at + name_room;
        d.type = nh->n_type;
        d.data = base + desc_at;
        d.size = nh->n_descsz;

        if ( nh->n_namesz != 4 || memcmp(base + name_at, "Xen", 4) )
            continue;
        rc = parse_xen_note(&d, st);
        if ( rc )
            return rc;
    }
    return 0;
}

/* Xen's rules on which kernels a PV builder accepts. */
static int check_identity(const struct elf_dom_parms *p)
{
    if ( strncmp(p->xen_ver, "xen-3.0", 7) )
    {
        printk(ELF_ERR "XEN_VERSION '%s' is not 'xen-3.0'\n", p->xen_ver);
        return -EINVAL;
    }
    if ( strncmp(p->loader, "generic", 7) && strncmp(p->guest_os, "linux", 5) )
    {
        printk(ELF_ERR "neither LOADER 'generic' nor GUEST_OS 'linux' (LOADER "
               "'%s', GUEST_OS '%s')\n", p->loader, p->guest_os);
        return -EINVAL;
    }
    return 0;
}

/* Defaults for absent notes. */
static int apply_defaults(const struct elf_binary *elf, struct note_state *st)
{
    if ( st->has_offset && !st->has_base )
    {
        printk(ELF_ERR "PADDR_OFFSET %#lx given without VIRT_BASE\n",
               (unsigned long)st->p.elf_paddr_offset);
        return -EINVAL;
    }
    if ( !st->has_base )
        printk(ELF_WARN "no VIRT_BASE note; using 0\n");
    if ( !st->has_entry )
        st->p.virt_entry = elf->ehdr->e_entry;
    return 0;
}

/* Where the image lands, and the addresses that must (not) be inside. */
static int check_addresses(const struct elf_binary *elf,
                           struct elf_dom_parms *p)
{
    uint64_t off = p->elf_paddr_offset, vb = p->virt_base;

    if ( elf->pstart < off || elf->pend - off > ~0ull - vb )
    {
        printk(ELF_ERR "p_paddr range [%#lx, %#lx) - PADDR_OFFSET %#lx + "
               "VIRT_BASE %#lx is outside the address space\n",
               (unsigned long)elf->pstart, (unsigned long)elf->pend,
               (unsigned long)off, (unsigned long)vb);
        return -EINVAL;
    }
    p->virt_kstart = vb + (elf->pstart - off);
    p->virt_kend = vb + (elf->pend - off);
    ASSERT(p->virt_kstart >= vb && p->virt_kstart < p->virt_kend);

    if ( p->virt_entry < p->virt_kstart || p->virt_entry >= p->virt_kend )
    {
        printk(ELF_ERR "entry %#lx is outside the image [%#lx, %#lx)\n",
               (unsigned long)p->virt_entry, (unsigned long)p->virt_kstart,
               (unsigned long)p->virt_kend);
        return -EINVAL;
    }
    if ( p->virt_hypercall != ELF_UNSET_ADDR &&
         (!IS_ALIGNED(p->virt_hypercall, ELF_LOAD_CHUNK) ||
          p->virt_hypercall < p->virt_kstart ||
          p->virt_hypercall >= p->virt_kend ||
          p->virt_kend - p->virt_hypercall < ELF_LOAD_CHUNK) )
    {
        printk(ELF_ERR "HYPERCALL_PAGE %#lx is not a whole page inside the "
               "image [%#lx, %#lx)\n", (unsigned long)p->virt_hypercall,
               (unsigned long)p->virt_kstart, (unsigned long)p->virt_kend);
        return -EINVAL;
    }
    if ( p->p2m_base != ELF_UNSET_ADDR && p->p2m_base >= p->virt_kstart &&
         p->p2m_base < p->virt_kend )
    {
        printk(ELF_ERR "INIT_P2M %#lx is inside the image [%#lx, %#lx)\n",
               (unsigned long)p->p2m_base, (unsigned long)p->virt_kstart,
               (unsigned long)p->virt_kend);
        return -EINVAL;
    }
    return 0;
}

int elf_xen_parse(const struct elf_binary *elf, struct elf_dom_parms *parms)
{
    struct note_state st = {
        .p.virt_hypercall = ELF_UNSET_ADDR,
        .p.virt_hv_start_low = ELF_UNSET_ADDR,
        .p.p2m_base = ELF_UNSET_ADDR,
    };
    unsigned int i;
    int rc = 0;

    ASSERT(elf->ehdr && elf->nr_load);
    memset(parms, 0, sizeof(*parms));

    for ( i = 0; i < elf->phnum && !rc; i++ )
        if ( elf->phdr[i].p_type == PT_NOTE )
            rc = walk_notes(elf, i, &st);
    if ( rc )
        return rc;

    if ( !st.found )
    {
        printk(ELF_ERR "no Xen notes: not a Xen PV kernel\n");
        return -EINVAL;
    }
    rc = check_identity(&st.p);
    if ( !rc )
        rc = apply_defaults(elf, &st);
    if ( !rc )
        rc = check_addresses(elf, &st.p);
    if ( rc )
        return rc;

    *parms = st.p;
    return 0;
}

int elf_xen_check_features(const struct elf_dom_parms *parms,
                           const uint32_t *offered)
{
    unsigned int i, bit;
    uint32_t missing;

    for ( i = 0; i < XENFEAT_NR_SUBMAPS; i++ )
    {
        missing = parms->f_required[i] & ~offered[i];
        if ( !missing )
            continue;
        bit = 32 * i + __builtin_ctz(missing);
        printk(ELF_ERR "the kernel requires feature %s (%u), which is not "
               "offered\n", elf_xen_feature_name(bit) ?: "?", bit);
        return -EOPNOTSUPP;
    }
    return 0;
}
