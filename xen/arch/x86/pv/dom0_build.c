/*
 * dom0_build.c: building dom0, a 64-bit PV domain, from the boot modules.
 *
 * Theory of operation. The guest kernel expects exactly the state Xen's
 * dom0 builder leaves (pv-abi.md 1.1-1.5), so we follow it step by step,
 * checking everything about the image before anything is allocated:
 *
 *   1. the image: an ELF64 x86-64 kernel (a bzImage is unpacked first,
 *      common/bzimage.c, before dom0's size is worked out), its Xen
 *      notes, the features it requires against those a 64-bit PV guest
 *      is offered, and XENFEAT_dom0 if it lists what it supports;
 *   2. the size: dom0_mem= resolved against the host's RAM, clamped to
 *      what the heap has; d->max_pages is set to it;
 *   3. the layout (dom0_layout.c): boot area, p2m, page-table frames;
 *   4. memory: all of it at once, in the largest blocks the heap gives,
 *      each assign_pages()'d to d. pfns are handed out in allocation order
 *      (a table of runs maps pfn -> mfn);
 *   5. the initial page tables (dom0_layout.c), then the reference and
 *      type counts that the PV MM rules (pv-abi.md 3) require of them:
 *        - each page mapped writable in the boot area or the INIT_P2M
 *          area: PGC_allocated + 1 for the mapping, type writable|1;
 *        - each page table: + 1 and an Ln type reference for the entry
 *          (or, for the L4, vCPU 0's guest_table) that links it, + 1 for
 *          its read-only mapping in the boot area (not for INIT_P2M
 *          tables, which are not mapped), validated by construction;
 *        - the L4 is also pinned: + 1 and an L4 type reference;
 *        - every other page: PGC_allocated + 0, type none;
 *      Xen's builder leaves the same counts (alloc|3 for a boot table,
 *      alloc|4 with type count 2 for the L4);
 *   6. the contents: the kernel's segments (libelf), the initrd (copied:
 *      its module is given back to the heap afterwards), the p2m and the
 *      M2P entry of every page, start_info with dom0's console
 *      information, the hypercall page if the kernel has that note;
 *   7. vCPU 0: registers as pv-abi.md 1.4 says, kernel mode, CR3 = the L4;
 *      every vcpu_info's upcall mask set; vCPU 0 up, the others down.
 * Every failure before the domain runs is a boot failure: create_dom0()
 * panics with the reason, which names what is wrong with the image.
 *
 * For tests with several domains, two boot options build unprivileged PV
 * domains the same way right after dom0 (flags 0, no xenstore or console
 * ring, one vCPU, the module's command line, XENFEAT_dom0 not offered):
 *
 *   domu_modules=<n>   the last n boot modules are domU kernels, built in
 *                      order as domains 1, 2, ... (default 0). dom0's
 *                      initrd is module 1 only if it is not one of them.
 *   domu_mem=<size>    each domU's memory (default 64M).
 *
 * A domU that cannot be built is reported and destroyed; boot goes on.
 *
 * Deviations from Xen, none visible to a guest beyond numbers: the
 * initrd is copied into dom0's memory instead of handing over the
 * module's frames (its pfns are Xen's all the same); memory need not be
 * contiguous, even the boot allocation; the INIT_P2M area uses 4 KiB
 * pages only.
 */
#include <asm/bootinfo.h>
#include <asm/dom0_build.h>
#include <asm/domain.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/processor-flags.h>
#include <xen/bitops.h>
#include <xen/bzimage.h>
#include <xen/cpumask.h>
#include <xen/dom0_opts.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <public/features.h>
#include <public/xen.h>

static unsigned int opt_domu_modules;
integer_param("domu_modules", opt_domu_modules);
static uint64_t opt_domu_mem = 64ull << 20;
size_param("domu_mem", opt_domu_mem);

/* Pages the hypervisor keeps free whatever dom0_mem= says: 4 MiB + 1/64. */
#define HYPERVISOR_KEEP_PAGES(avail) (1024ul + (avail) / 64)

#define P2M_PER_PAGE (PAGE_SIZE / sizeof(unsigned long))

/* A run of the domain's memory: pfns from pfn are machine frames from mfn,
 * up to the next run's pfn (the last: up to nr_pages). */
struct mem_run {
    unsigned long pfn, mfn;
};

struct pv_build {
    struct domain *d;
    bool is_dom0;
    const struct boot_module *kernel, *initrd;
    const char *cmdline;
    struct elf_binary elf;
    struct elf_dom_parms parms;
    struct pv_layout l;
    struct pv_pt_ops ops;
    struct mem_run *runs;
    unsigned int nr_runs, max_runs;
    unsigned long l4_mfn;
    const uint8_t *image;           /* the ELF: the module or unpacked */
    size_t image_size;
    void *unpacked;                 /* a bzImage's ELF, freed after */
    size_t unpacked_size;
};

/* Why the last build failed: recorded by fail(), printed by the caller. */
static char build_error[200];

static int __printf(2, 3) fail(int rc, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(build_error, sizeof(build_error), fmt, args);
    va_end(args);
    return rc;
}

/* --- 1. The image. --- */

/*
 * The features a kernel may require of a 64-bit PV domain: what Xen
 * reports to one (pv-abi.md 0 item 3, and memory_op_vnode_supported as
 * Xen 4.17 does), plus writable_page_tables, the ptwr emulation that
 * every PV guest has and Linux requires. Never auto_translated_physmap or
 * supervisor_mode_kernel, which Xen refuses for PV too.
 */
static uint32_t offered_features(bool is_dom0)
{
    return (1u << XENFEAT_writable_page_tables) |
           (1u << XENFEAT_pae_pgdir_above_4gb) |
           (1u << XENFEAT_mmu_pt_update_preserve_ad) |
           (1u << XENFEAT_highmem_assist) |
           (1u << XENFEAT_gnttab_map_avail_bits) |
           (1u << XENFEAT_memory_op_vnode_supported) |
           (1u << XENFEAT_direct_mapped) |
           (is_dom0 ? 1u << XENFEAT_dom0 : 0);
}

/*
 * A bzImage is unpacked first, before dom0's memory is sized: its buffer
 * is heap memory that dom0 cannot have until the ELF is loaded.
 */
static int unpack_kernel(struct pv_build *b)
{
    int rc;

    b->image = __va(b->kernel->start);
    b->image_size = b->kernel->size;
    if ( !bzimage_is(b->image, b->image_size) )
        return 0;
    rc = bzimage_unpack(b->image, b->image_size, &b->unpacked,
                        &b->unpacked_size);
    if ( rc )
        return fail(rc, "the bzImage kernel could not be unpacked (see the "
                    "bzImage: and XZ: messages above)");
    b->image = b->unpacked;
    b->image_size = b->unpacked_size;
    return 0;
}

static int check_image(struct pv_build *b)
{
    const uint8_t *img = b->image;
    size_t size = b->image_size;
    uint32_t offered[XENFEAT_NR_SUBMAPS] = { offered_features(b->is_dom0) };

    BUILD_BUG_ON(XENFEAT_NR_SUBMAPS != 1);

    if ( elf_init(&b->elf, img, size) )
        return fail(-EINVAL, "the kernel module is not a usable ELF64 x86-64 "
                    "image (see the ELF: message above)");
    if ( elf_xen_parse(&b->elf, &b->parms) )
        return fail(-EINVAL, "the kernel's Xen ELF notes are unusable (see the "
                    "ELF: message above)");
    if ( elf_xen_check_features(&b->parms, offered) )
        return fail(-EOPNOTSUPP, "the kernel requires a feature this "
                    "hypervisor does not offer (named above)");
    if ( b->is_dom0 && b->parms.f_supported_note &&
         !(b->parms.f_supported[0] & (1u << XENFEAT_dom0)) )
        return fail(-EINVAL, "the kernel cannot run as dom0: its "
                    "SUPPORTED_FEATURES note lacks XENFEAT_dom0");
    return 0;
}

/* --- 2., 3. Size and layout. --- */

/* want pages, or as many as the heap can spare. */
static unsigned long clamp_to_free(unsigned long want, domid_t domid)
{
    unsigned long avail = total_free_pages();
    unsigned long keep = HYPERVISOR_KEEP_PAGES(avail);
    unsigned long can = avail > keep ? avail - keep : 0;

    if ( want > can )
    {
        printk(XENLOG_WARNING "d%u memory: %lu MiB asked for, only %lu MiB "
               "free: using %lu MiB\n", domid, want >> (20 - PAGE_SHIFT),
               avail >> (20 - PAGE_SHIFT), can >> (20 - PAGE_SHIFT));
        want = can;
    }
    return want;
}

static unsigned long dom0_nr_pages(void)
{
    uint64_t host = e820_total_ram(&boot_info);

    return clamp_to_free(dom0_mem_resolve(&dom0_mem, host) >> PAGE_SHIFT, 0);
}

static int compute_layout(struct pv_build *b, unsigned long nr_pages)
{
    const struct elf_dom_parms *p = &b->parms;
    struct pv_layout_in in = {
        .virt_base = p->virt_base,
        .kern_start = p->virt_kstart,
        .kern_end = p->virt_kend,
        .initrd_len = b->initrd ? b->initrd->size : 0,
        .initrd_unmapped = p->mod_start_pfn,
        .p2m_base = p->p2m_base == ELF_UNSET_ADDR ? PV_NO_ADDR : p->p2m_base,
        .nr_pages = nr_pages,
    };
    const char *why;
    int rc = pv_layout_compute(&in, &b->l, &why);

    if ( rc == -ENOMEM )
        return fail(rc, "%s: %lu pages (%lu MiB) given, %lu needed; raise "
                    "%s", why, nr_pages, nr_pages >> (20 - PAGE_SHIFT),
                    b->l.min_pages, b->is_dom0 ? "dom0_mem=" : "domu_mem=");
    if ( rc )
        return fail(rc, "the kernel's layout is impossible: %s (VIRT_BASE "
                    "%#lx, kernel %#lx-%#lx)", why, in.virt_base,
                    in.kern_start, in.kern_end);
    if ( p->virt_hypercall != ELF_UNSET_ADDR &&
         (p->virt_hypercall < b->l.v_start ||
          p->virt_hypercall >= b->l.v_end) )
        return fail(-EINVAL, "HYPERCALL_PAGE %#lx is outside the boot area",
                    (unsigned long)p->virt_hypercall);
    if ( b->l.beyond_one_l2 )
        printk(XENLOG_WARNING "Dom0 boot area %#lx-%#lx spans more than one "
               "1 GiB L2: Linux would not boot\n", b->l.v_start, b->l.v_end);
    return 0;
}

/* --- 4. Memory. --- */

static int add_run(struct pv_build *b, unsigned long pfn, unsigned long mfn)
{
    struct mem_run *last = b->nr_runs ? &b->runs[b->nr_runs - 1] : NULL;

    if ( last && last->mfn + (pfn - last->pfn) == mfn )
        return 0;                       /* continues the last run */
    if ( b->nr_runs == b->max_runs )
    {
        unsigned int n = b->max_runs ? 2 * b->max_runs : 64;
        struct mem_run *r = _xrealloc(b->runs, n * sizeof(*r),
                                      __alignof__(*r));

        if ( !r )
            return -ENOMEM;
        b->runs = r;
        b->max_runs = n;
    }
    b->runs[b->nr_runs++] = (struct mem_run){ .pfn = pfn, .mfn = mfn };
    return 0;
}

static unsigned long pfn_to_mfn(const struct pv_build *b, unsigned long pfn)
{
    unsigned int lo = 0, hi = b->nr_runs;

    ASSERT(pfn < b->l.nr_pages);
    while ( hi - lo > 1 )               /* the last run starting <= pfn */
    {
        unsigned int mid = (lo + hi) / 2;

        if ( b->runs[mid].pfn <= pfn )
            lo = mid;
        else
            hi = mid;
    }
    return b->runs[lo].mfn + (pfn - b->runs[lo].pfn);
}

static struct page_info *pfn_to_page(const struct pv_build *b,
                                     unsigned long pfn)
{
    return mfn_to_page(_mfn(pfn_to_mfn(b, pfn)));
}

static void *pfn_to_virt(const struct pv_build *b, unsigned long pfn)
{
    return mfn_to_virt(_mfn(pfn_to_mfn(b, pfn)));
}

/*
 * The pages the builder fills: the boot area, an unmapped initrd, the
 * INIT_P2M frames. They are cleared even when the rest is not (below).
 */
static unsigned long built_pages(const struct pv_layout *l)
{
    unsigned long end = l->boot_pages;

    if ( l->initrd_pages )
        end = max(end, l->initrd_pfn + l->initrd_pages);
    if ( l->init_p2m )
        end = max(end, l->first_p2m_pfn + l->nr_p2m_frames);
    return min(end, l->nr_pages);
}

/*
 * Memory comes from the heap scrubbed, except the hardware domain's: at
 * boot nothing but firmware and boot-loader leftovers can be in it, and
 * clearing gigabytes first would make boot crawl (and dom0 may read all
 * machine memory anyway). Only the pages the builder fills are cleared.
 */
static unsigned int alloc_flags(const struct pv_build *b)
{
    return b->d->is_privileged ? MEMF_no_scrub : 0;
}

static void clear_built_pages(const struct pv_build *b)
{
    unsigned long pfn, end = built_pages(&b->l);

    if ( !alloc_flags(b) )
        return;
    for ( pfn = 0; pfn < end; pfn++ )
        memset(pfn_to_virt(b, pfn), 0, PAGE_SIZE);
}

static int allocate_memory(struct pv_build *b)
{
    unsigned long done = 0, nr = b->l.nr_pages;
    unsigned int order = MAX_ORDER;

    b->d->max_pages = nr;
    while ( done < nr )
    {
        unsigned int want = min(order, flsl(nr - done) - 1);
        struct page_info *pg = alloc_domain_pages(b->d, want, alloc_flags(b));

        if ( !pg && want )
        {
            order = want - 1;           /* smaller blocks from now on */
            continue;
        }
        if ( !pg || add_run(b, done, mfn_x(page_to_mfn(pg))) )
            return fail(-ENOMEM, "out of memory after %lu of %lu pages",
                        done, nr);
        order = want;
        done += 1ul << want;
        process_pending_softirqs();
    }
    clear_built_pages(b);
    return 0;
}

/* --- 5. Page tables and their counts. --- */

static unsigned long ops_pfn_to_mfn(void *ctx, unsigned long pfn)
{
    return pfn_to_mfn(ctx, pfn);
}

static void *ops_map_mfn(void *ctx, unsigned long mfn)
{
    (void)ctx;
    return mfn_to_virt(_mfn(mfn));
}

/* The table is linked by one entry (the L4: by guest_table). */
static void ops_new_table(void *ctx, unsigned long pfn, unsigned int level)
{
    static const unsigned long type[] = {
        [1] = PGT_l1_page_table, [2] = PGT_l2_page_table,
        [3] = PGT_l3_page_table, [4] = PGT_l4_page_table,
    };
    struct page_info *pg = pfn_to_page(ctx, pfn);

    ASSERT(pg->count_info == (PGC_allocated | 1));
    ASSERT(!pg->u.inuse.type_info);
    pg->count_info += 1;
    pg->count_info |= PGC_page_table;
    pg->u.inuse.type_info = type[level] | PGT_validated | 1;
}

/* A writable mapping of pfn: a general and a writable type reference. */
static void account_rw_mapping(const struct pv_build *b, unsigned long pfn)
{
    BUG_ON(!get_page_and_type(pfn_to_page(b, pfn), b->d, PGT_writable_page));
}

static void account_mappings(const struct pv_build *b)
{
    const struct pv_layout *l = &b->l;
    unsigned long pt_first = pv_layout_va_to_pfn(l, l->pt_start), pfn;
    struct page_info *l4 = pfn_to_page(b, pt_first);

    for ( pfn = 0; pfn < l->boot_pages; pfn++ )
    {
        if ( pfn >= pt_first && pfn < pt_first + l->nr_pt_frames )
            pfn_to_page(b, pfn)->count_info += 1;   /* read-only mapping */
        else
            account_rw_mapping(b, pfn);
    }
    for ( pfn = l->first_p2m_pfn; pfn < l->first_p2m_pfn + l->nr_p2m_frames;
          pfn++ )
        if ( !(pfn_to_page(b, pfn)->u.inuse.type_info & PGT_type_mask) )
            account_rw_mapping(b, pfn);

    /* The pin. */
    l4->count_info += 1;
    l4->u.inuse.type_info += 1 | PGT_pinned;
}

static int build_page_tables(struct pv_build *b)
{
    intpte_t slots[PV_XEN_NR_SLOTS];

    memcpy(slots, &idle_pg_table[PV_XEN_FIRST_SLOT], sizeof(slots));
    b->ops = (struct pv_pt_ops){
        .ctx = b, .pfn_to_mfn = ops_pfn_to_mfn, .map_mfn = ops_map_mfn,
        .new_table = ops_new_table,
    };
    if ( pv_build_page_tables(&b->l, slots, &b->ops, &b->l4_mfn) )
        return fail(-EINVAL, "internal error: the page-table frame count "
                    "of the layout is wrong");
    account_mappings(b);
    return 0;
}

/* --- 6. Contents. --- */

/* A hypervisor pointer to the boot area at va (inside one page). */
static void *boot_va(const struct pv_build *b, unsigned long va)
{
    return (char *)pfn_to_virt(b, pv_layout_va_to_pfn(&b->l, va)) +
           (va & ~PAGE_MASK);
}

static void *elf_dest(void *ctx, uint64_t va, size_t len)
{
    const struct pv_build *b = ctx;

    if ( va < b->l.v_start || va >= b->l.v_end || len > b->l.v_end - va )
        return NULL;
    return boot_va(b, va);
}

static void copy_initrd(const struct pv_build *b)
{
    const uint8_t *src = __va(b->initrd->start);
    unsigned long i, left = b->initrd->size;

    for ( i = 0; i < b->l.initrd_pages; i++ )
    {
        unsigned long n = min(left, PAGE_SIZE);

        memcpy(pfn_to_virt(b, b->l.initrd_pfn + i), src + i * PAGE_SIZE, n);
        left -= n;
    }
}

/* p2m[pfn] = mfn through the guest's own mapping, and the M2P entry. */
static void write_p2m_and_m2p(const struct pv_build *b)
{
    unsigned long *p2m = NULL, page = ~0ul, pfn, mfn;
    unsigned int r;

    for ( r = 0; r < b->nr_runs; r++ )
    {
        unsigned long end = r + 1 < b->nr_runs ? b->runs[r + 1].pfn
                                               : b->l.nr_pages;

        for ( pfn = b->runs[r].pfn, mfn = b->runs[r].mfn; pfn < end;
              pfn++, mfn++ )
        {
            if ( pfn / P2M_PER_PAGE != page )
            {
                page = pfn / P2M_PER_PAGE;
                p2m = mfn_to_virt(_mfn(pv_lookup_mfn(
                          &b->ops, b->l4_mfn,
                          b->l.p2m_start + page * PAGE_SIZE)));
            }
            p2m[pfn % P2M_PER_PAGE] = mfn;
            set_gpfn_from_mfn(_mfn(mfn), pfn);
        }
    }
}

static void write_start_info(const struct pv_build *b)
{
    const struct pv_layout *l = &b->l;
    struct start_info *si = boot_va(b, l->si_start);

    BUILD_BUG_ON(sizeof(struct start_info) != 1168);
    BUILD_BUG_ON(sizeof(struct dom0_vga_console_info) != 40);
    BUILD_BUG_ON(sizeof(struct start_info) +
                 sizeof(struct dom0_vga_console_info) > PAGE_SIZE);

    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = l->nr_pages;
    si->shared_info = __pa(b->d->shared_info);
    si->flags = b->is_dom0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m_start;
    if ( l->initrd_pages )
    {
        if ( !l->initrd_start )
            si->flags |= SIF_MOD_START_PFN;
        si->mod_start = l->initrd_start ?: l->initrd_pfn;
        si->mod_len = b->initrd->size;
    }
    strlcpy((char *)si->cmd_line, b->cmdline, sizeof(si->cmd_line));
    si->first_p2m_pfn = l->first_p2m_pfn;
    si->nr_p2m_frames = l->nr_p2m_frames;
    if ( b->is_dom0 )
    {
        /* No video console to describe: video_type 0 (it is zeroed). */
        si->console.dom0.info_off = sizeof(struct start_info);
        si->console.dom0.info_size = sizeof(struct dom0_vga_console_info);
    }
}

/*
 * pv-abi.md 0 item 1: 32-byte stubs that make hypercall n a syscall with
 * rcx and r11 preserved; iret's keeps rax on the stack and never returns.
 */
static void write_hypercall_page(uint8_t *p)
{
    static const uint8_t stub[] = {
        0x51, 0x41, 0x53,               /* push %rcx; push %r11 */
        0xb8, 0, 0, 0, 0,               /* mov $n, %eax */
        0x0f, 0x05,                     /* syscall */
        0x41, 0x5b, 0x59, 0xc3,         /* pop %r11; pop %rcx; ret */
    };
    static const uint8_t iret_stub[] = {
        0x51, 0x41, 0x53, 0x50,         /* push %rcx; push %r11; push %rax */
        0xb8, __HYPERVISOR_iret, 0, 0, 0,
        0x0f, 0x05,
    };
    unsigned int n;

    memset(p, 0xcc, PAGE_SIZE);         /* int3 between the stubs */
    for ( n = 0; n < PAGE_SIZE / 32; n++ )
    {
        uint8_t *s = p + n * 32;

        if ( n == __HYPERVISOR_iret )
        {
            memcpy(s, iret_stub, sizeof(iret_stub));
            continue;
        }
        memcpy(s, stub, sizeof(stub));
        s[4] = n;
    }
}

static int load_contents(struct pv_build *b)
{
    if ( elf_load(&b->elf, &b->parms, elf_dest, b) )
        return fail(-EINVAL, "the kernel's segments could not be loaded (see "
                    "the ELF: message above)");
    if ( b->l.initrd_pages )
        copy_initrd(b);
    write_p2m_and_m2p(b);
    write_start_info(b);
    if ( b->parms.virt_hypercall != ELF_UNSET_ADDR )
        write_hypercall_page(boot_va(b, b->parms.virt_hypercall));
    return 0;
}

/* --- 7. vCPUs. --- */

static void init_vcpus(const struct pv_build *b)
{
    struct domain *d = b->d;
    struct vcpu *v = d->vcpu[0];
    struct cpu_user_regs *regs = &v->arch.pv.user_regs;
    unsigned int i;

    for ( i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    for_each_vcpu ( d, v )
        if ( v->vcpu_info )
            v->vcpu_info->evtchn_upcall_mask = 1;

    v = d->vcpu[0];
    memset(regs, 0, sizeof(*regs));
    regs->rip = b->parms.virt_entry;
    regs->rsp = b->l.stack_end;
    regs->rsi = b->l.si_start;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;

    v->arch.pv.guest_table = b->l4_mfn;
    v->arch.pv.kernel_mode = true;
    v->arch.cr3 = b->l4_mfn << PAGE_SHIFT;
    v->arch.pv.initialised = true;
    vcpu_up(v);
}

static void print_layout(const struct pv_build *b)
{
    const struct pv_layout *l = &b->l;
    domid_t id = b->d->domain_id;

    printk("%s%u memory: %lu pages (%lu MiB) in %u runs, first mfn %#lx\n",
           id ? "d" : "Dom", id, l->nr_pages, l->nr_pages >> (20 - PAGE_SHIFT),
           b->nr_runs, b->runs[0].mfn);
    printk("%s%u layout: kernel %016lx-%016lx\n", id ? "d" : "Dom", id,
           l->kern_start, l->kern_end);
    if ( l->initrd_pages )
        printk("             initrd %s %#lx, %lu bytes\n",
               l->initrd_start ? "at" : "unmapped, pfn", l->initrd_start ?:
               l->initrd_pfn, (unsigned long)b->initrd->size);
    printk("             p2m %016lx-%016lx%s\n", l->p2m_start, l->p2m_end,
           l->init_p2m ? " (INIT_P2M)" : "");
    printk("             start info %016lx-%016lx\n", l->si_start, l->si_end);
    printk("             page tables %016lx-%016lx (%lu frames)\n",
           l->pt_start, l->pt_end, l->nr_pt_frames);
    printk("             boot stack %016lx-%016lx\n", l->stack_start,
           l->stack_end);
    printk("             total %016lx-%016lx, entry %016lx\n", l->v_start,
           l->v_end, (unsigned long)b->parms.virt_entry);
    if ( l->init_p2m )
        printk("             p2m frames: pfn %#lx, %lu frames\n",
               l->first_p2m_pfn, l->nr_p2m_frames);
}

static int build_pv_domain(struct pv_build *b, unsigned long nr_pages)
{
    int rc;

    if ( !b->d->shared_info || !b->d->vcpu[0] )
        return fail(-EINVAL, "internal error: d%u has no shared_info or no "
                    "vCPU 0", b->d->domain_id);

    rc = check_image(b);
    if ( !rc )
        rc = compute_layout(b, nr_pages);
    if ( !rc )
        rc = allocate_memory(b);
    if ( rc )
        return rc;
    print_layout(b);
    rc = build_page_tables(b);
    if ( !rc )
        rc = load_contents(b);
    if ( rc )
        return rc;
    ASSERT(b->d->arch.is_pv);
    b->d->arch.nr_pages = nr_pages;
    init_vcpus(b);
    return 0;
}

int construct_dom0(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, const char *cmdline)
{
    struct pv_build b = {
        .d = d, .is_dom0 = true, .kernel = kernel, .initrd = initrd,
        .cmdline = cmdline ?: "",
    };
    int rc;

    printk("Building dom0 from a %lu-byte kernel%s\n",
           (unsigned long)kernel->size, initrd ? " and an initrd" : "");
    rc = unpack_kernel(&b);
    if ( !rc )
        rc = build_pv_domain(&b, dom0_nr_pages());
    if ( !rc )
    {
        d->arch.ioport_all = true;
        d->arch.iomem_all = true;
    }
    else
        printk(XENLOG_ERR "Dom0 build failed: %s\n", build_error);
    xfree(b.runs);
    bzimage_free(b.unpacked, b.unpacked_size);
    return rc;
}

/* --- Creating dom0. --- */

/* Give a module's whole pages back to the heap (partial pages may share a
 * frame with something still in use, and stay reserved). */
static void free_boot_module(const struct boot_module *m)
{
    paddr_t s = ROUNDUP(m->start, PAGE_SIZE);
    paddr_t e = ROUNDDOWN(m->start + m->size, PAGE_SIZE);

    if ( e > s )
    {
        init_heap_pages(mfn_to_page(maddr_to_mfn(s)), (e - s) >> PAGE_SHIFT);
        printk(XENLOG_DEBUG "Boot module freed: %lu pages\n",
               (unsigned long)((e - s) >> PAGE_SHIFT));
    }
}

/* A domain with nr_vcpus vCPUs (down), spread over the online pCPUs. */
static int create_domain_vcpus(domid_t domid, bool privileged,
                               unsigned int nr_vcpus, struct domain **out)
{
    struct domain_create_args args = {
        .max_vcpus = nr_vcpus, .cpupool_id = 0, .privileged = privileged,
        .pv_guest = true,
    };
    struct domain *d;
    unsigned int i, cpu = cpumask_first(&cpu_online_map);
    int rc = domain_create(domid, &args, &d);

    if ( rc )
        return fail(rc, "domain_create(%u) failed: %d", domid, rc);
    for ( i = 0; i < nr_vcpus; i++ )
    {
        struct vcpu *v;

        rc = vcpu_create(d, i, cpu, &v);
        if ( rc )
        {
            domain_kill(d);
            put_domain(d);
            return fail(rc, "vCPU %u of d%u could not be created: %d", i,
                        domid, rc);
        }
        cpu = cpumask_next(cpu, &cpu_online_map);
        if ( cpu >= nr_cpu_ids )
            cpu = cpumask_first(&cpu_online_map);
    }
    *out = d;
    return 0;
}

static int construct_domu(struct domain *d, const struct boot_module *kernel)
{
    struct pv_build b = {
        .d = d, .kernel = kernel, .cmdline = kernel->cmdline,
    };
    int rc;

    printk("Building d%u from a %lu-byte kernel\n", d->domain_id,
           (unsigned long)kernel->size);
    rc = unpack_kernel(&b);
    if ( !rc )
        rc = build_pv_domain(&b, clamp_to_free(opt_domu_mem >> PAGE_SHIFT,
                                               d->domain_id));
    xfree(b.runs);
    bzimage_free(b.unpacked, b.unpacked_size);
    return rc;
}

/* Build, start and forget (the domain list keeps it) one domU. */
static void create_domu(const struct boot_module *kernel)
{
    struct domain *d;
    domid_t domid;

    if ( domid_alloc(&domid) )
    {
        printk(XENLOG_ERR "A domU could not be created: no free domain id\n");
        return;
    }
    if ( create_domain_vcpus(domid, false, 1, &d) )
    {
        printk(XENLOG_ERR "A domU could not be created: %s\n", build_error);
        return;
    }
    if ( construct_domu(d, kernel) )
    {
        printk(XENLOG_ERR "Could not construct d%u: %s\n", domid, build_error);
        domain_kill(d);
    }
    else
    {
        printk("d%u built: %lu MiB\n", domid,
               d->tot_pages >> (20 - PAGE_SHIFT));
        domain_unpause_by_controller(d);
    }
    put_domain(d);
}

unsigned int dom0_nr_modules(const struct boot_info *bi)
{
    return bi->nr_modules - min(opt_domu_modules,
                                bi->nr_modules ? bi->nr_modules - 1 : 0u);
}

void create_dom0(const struct boot_info *bi)
{
    unsigned int nr_dom0 = dom0_nr_modules(bi);
    unsigned int nr_domu = bi->nr_modules - nr_dom0, i;
    const struct boot_module *initrd = nr_dom0 > 1 ? &bi->modules[1] : NULL;
    unsigned int nr_vcpus = dom0_vcpus_resolve(&dom0_vcpus, num_online_cpus());
    struct domain *d;

    if ( !bi->nr_modules )
        panic("Could not construct domain 0: no kernel module\n");
    if ( nr_dom0 > 2 )
        printk(XENLOG_WARNING
               "Boot modules 2-%u are not used (domu_modules=%u)\n",
               nr_dom0 - 1, opt_domu_modules);

    nr_vcpus = min(nr_vcpus, (unsigned int)MAX_VIRT_CPUS);
    if ( create_domain_vcpus(0, true, nr_vcpus, &d) )
        panic("Could not construct domain 0: %s\n", build_error);
    hardware_domain = d;
    if ( construct_dom0(d, &bi->modules[0], initrd, bi->modules[0].cmdline) )
        panic("Could not construct domain 0: %s\n", build_error);
    printk("Dom0 built: %u vCPUs, %lu MiB\n", d->max_vcpus,
           d->tot_pages >> (20 - PAGE_SHIFT));

    for ( i = 0; i < nr_domu; i++ )
        create_domu(&bi->modules[nr_dom0 + i]);

    free_boot_module(&bi->modules[0]);
    if ( initrd )
        free_boot_module(initrd);
    for ( i = 0; i < nr_domu; i++ )
        free_boot_module(&bi->modules[nr_dom0 + i]);

    domain_unpause_by_controller(d);
}
