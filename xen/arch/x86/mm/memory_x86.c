/*
 * memory_x86.c: the x86 sub-ops of memory_op (arch_memory_op(), called by
 * common/memory.c for every op it does not know): where the read-only M2P
 * is and which frames hold it, and the memory maps.
 *
 * Theory of operation.
 *
 * The M2P. Guests read the table at RO_MPT_VIRT_START (the ABI's
 * MACH2PHYS_VIRT_START); machphys_mapping says where, and up to which mfn
 * it is meaningful: the hardware domain is told max_page - 1, any other
 * domain the table's full size (Xen 4.17 without memory hotplug).
 * machphys_mfn_list lists, for each 2 MiB of the table up to max_page, the
 * machine frame that starts it (m2p.c allocates each 2 MiB piece in one
 * block); a piece with no table (no RAM there) repeats the frame before
 * it, as Xen does.
 *
 * The memory maps, as e820 entries (20 bytes: addr, size, type).
 *   - memory_map: the caller's own pseudo-physical map. A domU's is one RAM
 *     entry from 0 to its maximum reservation (what Xen's toolstack sets
 *     for a PV guest); the hardware domain has none: -ENOSYS, as on Xen,
 *     and it uses machine_memory_map instead.
 *   - machine_memory_map (privileged): the host's map (the boot loader's,
 *     sorted, adjacent entries of one type merged), plus, as Xen reports
 *     it, a reserved entry for each stretch of a hole between entries that
 *     dom0 may not map (the hypervisor's MMIO: IO-APIC, the local APIC /
 *     MSI window, AMD's HyperTransport range) when dom0 may map something
 *     after it. Xen's quirks are kept: the buffer must have room for one
 *     entry more than it gets, and a fault writing a host entry is ignored
 *     (one writing an inserted entry is -EFAULT).
 *
 * Locking: none; everything read here is fixed after boot, except the
 * domain's sizes, read once.
 */
#include <asm/bootinfo.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/memory.h>

/* The ABI's e820 entry (public/memory.h's comment): packed, 20 bytes. */
struct e820_abi_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

#define M2P_CHUNK_BYTES (1ul << L2_PAGETABLE_SHIFT)
#define M2P_NR_ENTRIES  ((__MACH2PHYS_VIRT_END - __MACH2PHYS_VIRT_START) / \
                         sizeof(unsigned long))

/* Frames dom0 may not map (inclusive ranges, sorted). */
#define MSI_WINDOW_FIRST  0xfee00ul         /* LAPIC and MSI: 0xfee00000.. */
#define MSI_WINDOW_LAST   0xfeefful
/*
 * io_apic.c does not export where its IO-APICs are yet; every machine
 * this runs on has its first at the standard address.
 */
#define IOAPIC_STD_FRAME  0xfec00ul

struct frame_range {
    unsigned long first, last;
};

/* ---- The M2P ---- */

static long machphys_mapping(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_machphys_mapping m = {
        .v_start = __MACH2PHYS_VIRT_START,
        .v_end = __MACH2PHYS_VIRT_END,
        .max_mfn = M2P_NR_ENTRIES - 1,
    };

    BUILD_BUG_ON(RO_MPT_VIRT_START != __MACH2PHYS_VIRT_START);
    if ( current->domain == hardware_domain )
        m.max_mfn = max_page - 1;
    return copy_to_guest(arg, &m, 1) ? -EFAULT : 0;
}

static long machphys_mfn_list(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_machphys_mfn_list l;
    XEN_GUEST_HANDLE(xen_pfn_t) out;
    unsigned long va, end = RDWR_MPT_VIRT_START + max_page * sizeof(long);
    xen_pfn_t mfn, last = 0;
    unsigned int i;

    BUILD_BUG_ON(RDWR_MPT_VIRT_START & (M2P_CHUNK_BYTES - 1));
    if ( copy_from_guest(&l, arg, 1) )
        return -EFAULT;
    out = l.extent_start;
    for ( i = 0, va = RDWR_MPT_VIRT_START; i != l.max_extents && va < end;
          i++, va += M2P_CHUNK_BYTES )
    {
        mfn_t m = xen_va_to_mfn(va);

        mfn = mfn_eq(m, INVALID_MFN) ? last : mfn_x(m);
        if ( copy_to_guest_offset(out, i, &mfn, 1) )
            return -EFAULT;
        last = mfn;
    }
    l.nr_extents = i;
    return copy_to_guest(arg, &l, 1) ? -EFAULT : 0;
}

/* ---- The caller's pseudo-physical map ---- */

static long memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    const struct domain *d = current->domain;
    struct xen_memory_map map;
    struct e820_abi_entry ram = {
        .addr = 0,
        .size = (uint64_t)ACCESS_ONCE(d->max_pages) << PAGE_SHIFT,
        .type = E820_RAM,
    };
    XEN_GUEST_HANDLE(void) buf;

    BUILD_BUG_ON(sizeof(struct e820_abi_entry) != 20);
    if ( copy_from_guest(&map, arg, 1) )
        return -EFAULT;
    if ( d == hardware_domain )
        return -ENOSYS;                 /* no map set: the host's is dom0's */
    buf = map.buffer;
    map.nr_entries = min(map.nr_entries, 1u);
    if ( (map.nr_entries && copy_to_guest(buf, &ram, 1)) ||
         copy_to_guest(arg, &map, 1) )
        return -EFAULT;
    return 0;
}

/* ---- The host's map ---- */

/* The index of the boot map entry after pos (-1: the first) in (addr,
 * index) order; -1 after the last. */
static int boot_e820_after(int pos)
{
    const struct boot_memmap_entry *m = boot_info.memmap;
    int i, best = -1;

    for ( i = 0; i < (int)boot_info.nr_memmap; i++ )
    {
        bool after = pos < 0 || m[i].addr > m[pos].addr ||
                     (m[i].addr == m[pos].addr && i > pos);

        if ( after && (best < 0 || m[i].addr < m[best].addr) )
            best = i;
    }
    return best;
}

/*
 * The host map entry after *pos (-1: the first): the next boot entry,
 * merged with those after it of the same type that touch it. false at the
 * end. *pos becomes the last boot entry used.
 */
static bool host_e820_next(int *pos, struct e820_abi_entry *out)
{
    const struct boot_memmap_entry *m = boot_info.memmap;
    int i = boot_e820_after(*pos), next;

    if ( i < 0 )
        return false;
    out->addr = m[i].addr;
    out->size = m[i].size;
    out->type = m[i].type;
    for ( ; (next = boot_e820_after(i)) >= 0; i = next )
    {
        uint64_t end = out->addr + out->size;

        if ( m[next].type != out->type || m[next].addr > end )
            break;
        if ( m[next].addr + m[next].size > end )
            out->size = m[next].addr + m[next].size - out->addr;
    }
    *pos = i;
    return true;
}

static unsigned int host_e820_entries(void)
{
    struct e820_abi_entry e;
    unsigned int n = 0;
    int pos = -1;

    while ( host_e820_next(&pos, &e) )
        n++;
    return n;
}

/* Does the CPU have AMD's HyperTransport hole below 2^*top_bits? */
static bool cpu_ht_hole(unsigned int *top_bits)
{
    struct cpuid_leaf v, f;
    unsigned int family;

    cpuid(0, &v);
    if ( v.b != 0x68747541 /* "Auth" */ && v.b != 0x6f677948 /* "Hygo" */ )
        return false;
    cpuid(1, &f);
    family = (f.a >> 8) & 0xf;
    if ( family == 0xf )
        family += (f.a >> 20) & 0xff;
    *top_bits = family < 0x17 ? 40 : paddr_bits;
    return true;
}

/*
 * The frames dom0 may not map, as Xen 4.17 denies them (sorted by first
 * frame; they may overlap): the IO-APIC, the local APIC / MSI window, the
 * HyperTransport hole, and everything from 2^paddr_bits on. Returns the
 * number of ranges.
 */
static unsigned int dom0_denied_frames(struct frame_range r[4])
{
    unsigned int n = 0, i, j, top;
    struct frame_range t;

    r[n++] = (struct frame_range){ IOAPIC_STD_FRAME, IOAPIC_STD_FRAME };
    r[n++] = (struct frame_range){ MSI_WINDOW_FIRST, MSI_WINDOW_LAST };
    if ( cpu_ht_hole(&top) )
        r[n++] = (struct frame_range){
            ((1ul << top) - (3ul << 32)) >> PAGE_SHIFT,
            ((1ul << top) >> PAGE_SHIFT) - 1 };
    r[n++] = (struct frame_range){ 1ul << (paddr_bits - PAGE_SHIFT), ~0ul };

    for ( i = 1; i < n; i++ )
        for ( j = i; j && r[j - 1].first > r[j].first; j-- )
        {
            t = r[j];
            r[j] = r[j - 1];
            r[j - 1] = t;
        }
    return n;
}

/* machine_memory_map in progress (Xen's memory_map_context). */
struct host_map {
    XEN_GUEST_HANDLE(void) buf;     /* NULL: count only */
    unsigned int room;              /* entries the guest has room for */
    unsigned int n;                 /* entries so far */
    unsigned long next;             /* first frame not yet accounted for */
    struct frame_range denied[4];
    unsigned int nr_denied;
};

/* Entry n of the guest's buffer. */
static unsigned long put_entry(struct host_map *h, unsigned int n,
                               const struct e820_abi_entry *e)
{
    return raw_copy_to_guest((char *)h->buf.p + (unsigned long)n * sizeof(*e),
                             e, sizeof(*e));
}

/*
 * dom0 may map [first, last]: what lies between h->next and first is the
 * hypervisor's, a reserved entry (if below 2^paddr_bits). Xen's
 * handle_iomem_range().
 */
static int dom0_mappable(struct host_map *h, unsigned long first,
                         unsigned long last)
{
    if ( first > h->next && !(first >> (paddr_bits - PAGE_SHIFT)) )
    {
        if ( !guest_handle_is_null(h->buf) )
        {
            struct e820_abi_entry e = {
                .addr = (uint64_t)h->next << PAGE_SHIFT,
                .size = (uint64_t)(first - h->next) << PAGE_SHIFT,
                .type = E820_RESERVED,
            };

            if ( h->n + 1 >= h->room )
                return -EINVAL;
            if ( put_entry(h, h->n, &e) )
                return -EFAULT;
        }
        h->n++;
    }
    h->next = last + 1;
    return 0;
}

/* dom0_mappable() for each stretch of [first, last] dom0 may map. */
static int each_mappable(struct host_map *h, unsigned long first,
                         unsigned long last)
{
    unsigned long p = first;
    unsigned int i;
    int rc;

    for ( i = 0; i < h->nr_denied; i++ )
    {
        const struct frame_range *d = &h->denied[i];

        if ( d->last < p )
            continue;
        if ( d->first > last )
            break;
        if ( d->first > p )
        {
            rc = dom0_mappable(h, p, d->first - 1);
            if ( rc )
                return rc;
        }
        if ( d->last >= last )
            return 0;
        p = d->last + 1;
    }
    return dom0_mappable(h, p, last);
}

static long machine_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map map;
    struct host_map h = { .n = 0, .next = 0 };
    struct e820_abi_entry e;
    unsigned int nr = host_e820_entries(), i;
    int pos = -1, rc;

    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest(&map, arg, 1) )
        return -EFAULT;
    h.buf = map.buffer;
    h.room = map.nr_entries;
    if ( !guest_handle_is_null(h.buf) )
    {
        if ( h.room < nr + 1 )
            return -EINVAL;
        /* Xen's guest_handle_okay(): the start (room is a u32: no overflow). */
        if ( !guest_range_ok((unsigned long)h.buf.p, 1) )
            return -EFAULT;
    }
    h.nr_denied = dom0_denied_frames(h.denied);

    for ( i = 0; host_e820_next(&pos, &e); i++, h.n++ )
    {
        unsigned long first = e.addr >> PAGE_SHIFT;

        if ( first > h.next )
        {
            rc = each_mappable(&h, h.next, first - 1);
            if ( !rc )
                rc = dom0_mappable(&h, first, first);
            if ( rc )
                return rc;
        }
        if ( !guest_handle_is_null(h.buf) )
        {
            if ( h.room <= h.n + (nr - i) )
                return -EINVAL;
            put_entry(&h, h.n, &e);     /* a fault here is ignored (Xen) */
        }
        h.next = (e.addr + e.size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    }
    if ( h.next )
    {
        rc = each_mappable(&h, h.next, ~0ul);
        if ( rc )
            return rc;
    }

    map.nr_entries = h.n;
    return copy_to_guest(arg, &map, 1) ? -EFAULT : 0;
}

/* ---- The x86 sub-ops ---- */

long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case XENMEM_machphys_mapping:
        return machphys_mapping(arg);
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_machphys_compat_mfn_list:
        return -EOPNOTSUPP;             /* a 32-bit guest's; ours are 64 */
    case XENMEM_memory_map:
        return memory_map(arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    default:
        return -ENOSYS;
    }
}
