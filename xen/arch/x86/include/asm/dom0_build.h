/*
 * asm/dom0_build.h: building 64-bit PV domains from boot modules.
 *
 * pv/dom0_build.c builds dom0 (create_dom0()) the way Xen's dom0 builder
 * does; pv/dom0_layout.c holds the parts that are pure arithmetic and
 * page-table writing, so that host unit tests can run them: where each
 * region of the boot area goes (pv_layout_compute()) and the initial page
 * tables (pv_build_page_tables()). pv-abi.md 1.2 describes the layout.
 */
#ifndef ASM_X86_DOM0_BUILD_H
#define ASM_X86_DOM0_BUILD_H

#include <asm/page.h>
#include <xen/types.h>

struct boot_info;
struct boot_module;
struct domain;

/* --- The layout (pv/dom0_layout.c). --- */

#define PV_NO_ADDR (~0ul)

/* PTE bit 52, "guest kernel page", set in the builder's L1 entries. */
#define _PAGE_GUEST_KERNEL (1ul << 52)

/* The L4 slots the hypervisor owns in every guest L4 (256-271). */
#define PV_XEN_FIRST_SLOT 256
#define PV_XEN_NR_SLOTS   16

/* What the layout depends on. */
struct pv_layout_in {
    unsigned long virt_base;        /* VIRT_BASE: the boot area's start */
    unsigned long kern_start;       /* where the loaded segments land */
    unsigned long kern_end;
    unsigned long initrd_len;       /* bytes, 0 if none */
    bool initrd_unmapped;           /* MOD_START_PFN: initrd by pfn only */
    unsigned long p2m_base;         /* INIT_P2M, or PV_NO_ADDR */
    unsigned long nr_pages;         /* all the domain's memory */
};

/*
 * The result. Virtual regions are [start, end) as Xen prints them (ends
 * not rounded); each start is page aligned. pfns [0, boot_pages) are the
 * boot area, mapped linearly: v_start + (pfn << PAGE_SHIFT); they are the
 * start of Xen's boot allocation, [0, boot_alloc_pages) (a power of two,
 * plus a mapped initrd's pages). Then come the initrd's pfns if it is not
 * mapped, then the INIT_P2M frames (p2m pages and the tables mapping
 * them, in the order they are taken), then the rest of the memory.
 */
struct pv_layout {
    unsigned long v_start, v_end;
    unsigned long kern_start, kern_end;
    unsigned long initrd_start, initrd_end;    /* 0, 0: none or unmapped */
    unsigned long p2m_start, p2m_end;          /* start_info.mfn_list */
    unsigned long si_start, si_end;            /* start_info + console info */
    unsigned long pt_start, pt_end;            /* start_info.pt_base */
    unsigned long stack_start, stack_end;
    unsigned long nr_pt_frames;

    unsigned long nr_pages;
    unsigned long boot_pages;
    unsigned long boot_alloc_pages;
    unsigned long initrd_pfn, initrd_pages;    /* initrd_pages 0: none */
    bool init_p2m;                             /* p2m outside the boot area */
    unsigned long first_p2m_pfn, nr_p2m_frames;
    unsigned long min_pages;                   /* the least nr_pages can be */
    bool beyond_one_l2;         /* the boot area is not inside one L2 */
};

/*
 * Compute the layout. 0, or -EINVAL (the image asks for something
 * impossible) / -ENOMEM (nr_pages < min_pages), with *why saying what.
 */
int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *l,
                      const char **why);

static inline unsigned long pv_layout_va_to_pfn(const struct pv_layout *l,
                                                unsigned long va)
{
    return (va - l->v_start) >> PAGE_SHIFT;
}

/* How the page-table writer reaches the domain's memory. */
struct pv_pt_ops {
    void *ctx;
    /* The machine frame of the domain's pfn. */
    unsigned long (*pfn_to_mfn)(void *ctx, unsigned long pfn);
    /* A writable hypervisor mapping of a whole machine frame. */
    void *(*map_mfn)(void *ctx, unsigned long mfn);
    /* The frame of pfn has just become an L<level> table (level 1-4). */
    void (*new_table)(void *ctx, unsigned long pfn, unsigned int level);
};

/*
 * Write the initial page tables: the L4 (its hypervisor slots from
 * xen_slots[0..15], slot LINEAR_PT_VIRT_START mapping the L4 itself), the
 * boot area with 4 KiB pages, the boot tables taken from the frames at
 * pt_start in Xen's order (L4, then per new L1: L1, its L2 if new, its L3
 * if new), page-table frames mapped read-only; with INIT_P2M the p2m
 * frames at first_p2m_pfn (tables as needed, then each data page, in
 * address order). Returns the L4's machine frame via *l4_mfn; 0, or
 * -ERANGE if the layout's frame counts were wrong (a bug).
 */
int pv_build_page_tables(const struct pv_layout *l, const intpte_t *xen_slots,
                         const struct pv_pt_ops *ops, unsigned long *l4_mfn);

/* The machine frame va maps to through the L4 at l4_mfn, or ~0ul. */
unsigned long pv_lookup_mfn(const struct pv_pt_ops *ops, unsigned long l4_mfn,
                            unsigned long va);

/* Entry flags the builder uses (Xen's). */
#define PV_L1_PROT    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
                       _PAGE_USER | _PAGE_GUEST_KERNEL)
#define PV_TABLE_PROT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
                       _PAGE_USER | _PAGE_DIRTY)
/* The hypervisor's linear map of the guest's tables: not for the guest. */
#define PV_LINEAR_PROT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
                        _PAGE_DIRTY | _PAGE_NX)

/* --- Building (pv/dom0_build.c). --- */

/*
 * Build d (created, vCPUs created, paused) from the kernel module (and the
 * initrd module, or NULL) as dom0: memory, boot area, start_info, vCPU 0's
 * state. 0, or -errno after printing what is wrong with the image or the
 * configuration.
 */
int construct_dom0(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, const char *cmdline);

/* Create, build and start dom0 from bi's modules 0 (kernel) and 1 (initrd);
 * give the modules' memory back to the heap. Panics on failure. */
void create_dom0(const struct boot_info *bi);
/* How many of bi's modules are dom0's (kernel, initrd): those before the
 * last domu_modules= ones. */
unsigned int dom0_nr_modules(const struct boot_info *bi);

#endif /* ASM_X86_DOM0_BUILD_H */
