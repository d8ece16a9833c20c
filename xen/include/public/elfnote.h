/* SPDX-License-Identifier: MIT */
/*
 * public/elfnote.h: the ELF notes with which a guest kernel describes
 * itself to the domain builder (the hypervisor's for dom0, the toolstack's
 * for other domains). Same permissive licence and rules as public/xen.h.
 *
 * The notes sit in PT_NOTE segments. Each is a standard ELF note whose name
 * is "Xen" (namesz 4, NUL included) and whose type is one of the numbers
 * below. Its descriptor is either
 *  - numeric: an unsigned little-endian integer of 1, 2, 4 or 8 bytes, or
 *  - a string: ASCII, ending at its first NUL or at the end of the
 *    descriptor, whichever comes first.
 * Note headers, names and descriptors are padded to 4-byte boundaries.
 */
#ifndef __XEN_PUBLIC_ELFNOTE_H__
#define __XEN_PUBLIC_ELFNOTE_H__

/* String, "NAME=VALUE": free-form information; loaders ignore it. */
#define XEN_ELFNOTE_INFO               0

/* Numeric: virtual address of the PV entry point. Default: e_entry. */
#define XEN_ELFNOTE_ENTRY              1

/*
 * Numeric: virtual address of a page inside the image that the builder
 * fills with hypercall stubs. Absent: the kernel needs no such page.
 */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2

/* Numeric: virtual address the image is mapped relative to. Default 0. */
#define XEN_ELFNOTE_VIRT_BASE          3

/*
 * Numeric: subtracted from each segment's p_paddr to get the
 * pseudo-physical load address; the segment then appears at
 * VIRT_BASE + p_paddr - PADDR_OFFSET. Default 0 when the notes are used
 * (only the pre-notes "__xen_guest" interface defaulted it to VIRT_BASE).
 */
#define XEN_ELFNOTE_PADDR_OFFSET       4

/* String: the hypervisor interface the kernel speaks; must be "xen-3.0". */
#define XEN_ELFNOTE_XEN_VERSION        5

/* String: the guest operating system's name, e.g. "linux". */
#define XEN_ELFNOTE_GUEST_OS           6

/* String: the guest operating system's version. */
#define XEN_ELFNOTE_GUEST_VERSION      7

/* String: the loader convention; "generic" for ordinary kernels. */
#define XEN_ELFNOTE_LOADER             8

/*
 * String: PAE support of a 32-bit kernel: "yes" (optionally with
 * "[extended-cr3]"), "no" or "bimodal" (also written "yes,bimodal").
 */
#define XEN_ELFNOTE_PAE_MODE           9

/*
 * String: XENFEAT_* names (public/features.h, without the prefix),
 * separated by '|'. A name preceded by '!' is required: the kernel cannot
 * run without the feature; the others are merely supported.
 */
#define XEN_ELFNOTE_FEATURES          10

/* String, "yes" or "no": the kernel wants its symbol table loaded too. */
#define XEN_ELFNOTE_BSD_SYMTAB        11

/*
 * Numeric: the lowest address at which the hypervisor's hole may start
 * (32-bit guests); its presence says the kernel copes with a movable hole.
 */
#define XEN_ELFNOTE_HV_START_LOW      12

/*
 * Numeric array: pairs of (mask, value), each the size of a machine
 * address, recognising non-present L1 entries that still hold an MFN.
 */
#define XEN_ELFNOTE_L1_MFN_VALID      13

/* Numeric: nonzero if the kernel supports cancelling a suspend. */
#define XEN_ELFNOTE_SUSPEND_CANCEL    14

/*
 * Numeric: virtual address at which the builder maps the initial p2m list
 * (x86-64 only), instead of putting it into the initial boot mapping. The
 * mapping may use large pages and its page tables need not be reachable
 * from the initial mapping.
 */
#define XEN_ELFNOTE_INIT_P2M          15

/*
 * Numeric: nonzero if the kernel accepts an initial ramdisk that is not
 * mapped by the boot page tables and is given by its first pfn instead
 * (start_info.flags SIF_MOD_START_PFN).
 */
#define XEN_ELFNOTE_MOD_START_PFN     16

/*
 * Numeric array of 32-bit words: bitmap of the XENFEAT_* features the
 * kernel supports, word i covering features 32*i to 32*i+31. It adds to
 * the names listed in XEN_ELFNOTE_FEATURES and can name features that an
 * older builder has no name for.
 */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17

/*
 * Numeric: 32-bit physical entry point, used when the kernel is started in
 * an HVM container (PVH) in 32-bit protected mode without paging. Ignored
 * for PV guests.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY      18

/*
 * Numeric array of up to three 32-bit words (PVH only): present if the
 * kernel can be loaded at another physical address; the words give the
 * required alignment (default 2 MiB), the lowest start address (default 0)
 * and the highest address of the image's last byte (default 0xffffffff).
 */
#define XEN_ELFNOTE_PHYS32_RELOC      19

/* The highest note type defined above. */
#define XEN_ELFNOTE_MAX               XEN_ELFNOTE_PHYS32_RELOC

#endif /* __XEN_PUBLIC_ELFNOTE_H__ */
