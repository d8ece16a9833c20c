/*
 * pv/descriptor.c: a PV guest's GDT (set_gdt), its descriptor updates
 * (update_descriptor), and the check that makes a page a descriptor page
 * (for the GDT here, for the LDT in pv/ldt.c).
 *
 * Theory of operation. A guest's GDT is up to 14 of its own pages, shown
 * to the CPU in the running pCPU's GDT window (desc.c) below the
 * hypervisor's descriptors. What the CPU may load from them must not give
 * the guest more than ring 3 can have, so every descriptor of such a page
 * is checked (check_descriptor) before the page becomes a descriptor page,
 * and a descriptor page can have no writable mapping: the frame takes the
 * PGT_seg_desc_page type, which excludes the writable type. From then on
 * the guest changes descriptors only with update_descriptor, checked the
 * same way. LDT pages become descriptor pages the same way, one at a
 * time as the CPU first reads them (pv/ldt.c). The rules (pv-abi.md
 * §1.6): code and data descriptors get DPL 3 (the guest kernel runs in
 * ring 3 too); not-present descriptors and the null type are harmless;
 * call gates to the guest's own code selectors are stored with DPL 0
 * (their DPL in the target's RPL), as Xen stores them; every other
 * system descriptor is refused. Using a stored
 * gate faults; emulating the far call through it is not provided yet, so
 * the guest gets that #GP.
 *
 * Locking: none. Descriptors are written with one 8-byte store; page
 * references and types are atomic.
 */
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/ldt.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define DESC_P        (1u << 15)        /* in the high word */
#define DESC_S        (1u << 12)        /* code/data, not system */
#define DESC_DPL_MASK (3u << 13)
#define DESC_TYPE(b)  (((b) >> 8) & 0xf)

/* May a call gate name this code selector? */
static bool gate_selector_ok(unsigned int sel)
{
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY ||   /* the guest's GDT */
           (sel & ~3u) == (FLAT_KERNEL_CS & ~3u) ||    /* the flat kernel CS */
           (sel & 4);                                  /* its LDT */
}

/*
 * Check one descriptor (as two 32-bit words) and make it safe: false if
 * it must be refused. A call gate is stored with DPL 0, so that using it
 * faults (#GP with the gate's selector) and can be emulated; its real DPL
 * travels in the RPL of its target selector, as Xen stores it.
 */
static bool check_descriptor(uint32_t *a, uint32_t *b)
{
    unsigned int dpl = 3, cs;                   /* DPLs below 3: raised */

    if ( !(*b & DESC_P) )
        return true;                            /* cannot be loaded */
    *b = (*b & ~DESC_DPL_MASK) | (dpl << 13);
    if ( *b & DESC_S )
        return true;                            /* code and data: DPL 3 */
    if ( DESC_TYPE(*b) == 0 )
        return true;                            /* the null type (a gate's top half) */
    if ( DESC_TYPE(*b) != 0xc )
        return false;                           /* system: only call gates */
    cs = *a >> 16;
    if ( !gate_selector_ok(cs) || (*b & 0xff) )
        return false;                           /* bad target, reserved bits */
    *b &= ~DESC_DPL_MASK;
    cs = (cs & ~3u) | dpl;
    *a = (*a & 0xffffu) | (cs << 16);
    return true;
}

static bool check_desc64(uint64_t *d)
{
    uint32_t a = (uint32_t)*d, b = (uint32_t)(*d >> 32);

    if ( !check_descriptor(&a, &b) )
        return false;
    *d = ((uint64_t)b << 32) | a;
    return true;
}

/* Check every descriptor of a page that is to become a descriptor page. */
static bool validate_desc_page(struct page_info *pg)
{
    uint64_t *d = page_to_virt(pg);
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE / 8; i++ )
    {
        uint64_t e = d[i];

        if ( !check_desc64(&e) )
            return false;
        if ( e != d[i] )
            __atomic_store_n(&d[i], e, __ATOMIC_RELAXED);
    }
    return true;
}

int pv_get_desc_page(unsigned long mfn, struct domain *d)
{
    struct page_info *pg;

    if ( !mfn_valid(_mfn(mfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(mfn));
    if ( !get_page_and_type(pg, d, PGT_seg_desc_page) )
        return -EINVAL;
    if ( !(pg->u.inuse.type_info & PGT_validated) )
    {
        if ( !validate_desc_page(pg) )
        {
            put_page_and_type(pg);
            return -EINVAL;
        }
        page_type_set_validated(pg);
    }
    return 0;
}

static void put_gdt_frames(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->arch.pv;
    unsigned int i, nr = DIV_ROUND_UP(pv->gdt_ents, 512);

    for ( i = 0; i < nr; i++ )
        put_page_and_type(mfn_to_page(_mfn(pv->gdt_frames[i])));
    pv->gdt_ents = 0;
}

/*
 * Give v the GDT frames[0..DIV_ROUND_UP(entries, 512)), checking and
 * typing every frame first; v's old GDT is released only once all are.
 */
int pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned int entries)
{
    struct domain *d = v->domain;
    struct pv_vcpu *pv = &v->arch.pv;
    unsigned int nr = DIV_ROUND_UP(entries, 512), i;
    int rc;

    if ( entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    for ( i = 0; i < nr; i++ )
    {
        rc = pv_get_desc_page(frames[i], d);
        if ( rc )
        {
            while ( i-- )
                put_page_and_type(mfn_to_page(_mfn(frames[i])));
            return rc;
        }
    }

    /* Everything checked: switch over. */
    put_gdt_frames(v);
    for ( i = 0; i < nr; i++ )
        pv->gdt_frames[i] = frames[i];
    pv->gdt_ents = entries;
    if ( v == current )
        gdt_window_set_frames(pv->gdt_frames, nr);
    return 0;
}

long do_set_gdt(XEN_GUEST_HANDLE_PARAM(void) frame_list, unsigned int entries)
{
    unsigned long frames[FIRST_RESERVED_GDT_PAGE];
    unsigned int nr = DIV_ROUND_UP(entries, 512);

    if ( entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    if ( raw_copy_from_guest(frames, frame_list.p, nr * sizeof(frames[0])) )
        return -EFAULT;
    return pv_set_gdt(current, frames, entries);
}

/* Drop a vCPU's GDT (vCPU teardown, VCPUOP_initialise). */
void pv_destroy_gdt(struct vcpu *v)
{
    put_gdt_frames(v);
    if ( v == current )
        gdt_window_set_frames(NULL, 0);
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct domain *d = current->domain;
    unsigned long mfn = maddr >> PAGE_SHIFT;
    struct page_info *pg;
    uint64_t *slot;

    if ( (maddr & 7) || !mfn_valid(_mfn(mfn)) )
        return -EINVAL;
    if ( !check_desc64(&desc) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(mfn));
    /*
     * A live descriptor page keeps its type; any other page must be able
     * to take the writable type (so it is no page table), as on Xen.
     */
    if ( (pg->u.inuse.type_info & PGT_type_mask) == PGT_seg_desc_page )
    {
        if ( !get_page_and_type(pg, d, PGT_seg_desc_page) )
            return -EINVAL;
    }
    else if ( !get_page_and_type(pg, d, PGT_writable_page) )
        return -EINVAL;
    slot = (uint64_t *)page_to_virt(pg) + ((maddr & ~PAGE_MASK) >> 3);
    __atomic_store_n(slot, desc, __ATOMIC_RELAXED);
    put_page_and_type(pg);
    return 0;
}
