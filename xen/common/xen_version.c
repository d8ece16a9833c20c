/*
 * xen_version.c: the xen_version hypercall (17) and vm_assist (21).
 *
 * xen_version tells a guest which interface it talks to. The version
 * number is the Xen interface level this hypervisor implements (4.17:
 * guests gate features on it), not our own release number, which is in
 * XENVER_extraversion. XENVER_get_features reports what a 64-bit PV guest
 * gets on Xen: the bits Linux insists on (mmu_pt_update_preserve_ad,
 * gnttab_map_avail_bits), highmem_assist, memory_op_vnode_supported,
 * direct_mapped (a PV guest sees machine frames), dom0 for the hardware
 * domain, and pae_pgdir_above_4gb
 * once the guest enabled VMASST_TYPE_pae_extended_cr3. A NULL argument
 * with XENVER_version is also the cheap "deliver my pending events" call
 * Linux makes: the return path does that for every hypercall anyway.
 *
 * vm_assist(cmd, type) turns the optional behaviours of the PV interface
 * on and off; the accepted types are those Xen accepts for a 64-bit PV
 * guest.
 *
 * Locking: none. d->vm_assist is changed with atomic bit operations.
 */
#include <asm/bootinfo.h>
#include <asm/config.h>
#include <asm/pv/hypercall.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/version.h>
#include <public/version.h>

#define XEN_ABI_MAJOR 4
#define XEN_ABI_MINOR 17

/* The VMASST types a 64-bit PV guest may enable. */
#define PV_VMASST_MASK ((1ul << VMASST_TYPE_4gb_segments) |           \
                        (1ul << VMASST_TYPE_4gb_segments_notify) |    \
                        (1ul << VMASST_TYPE_writable_pagetables) |    \
                        (1ul << VMASST_TYPE_pae_extended_cr3) |       \
                        (1ul << VMASST_TYPE_architectural_iopl) |     \
                        (1ul << VMASST_TYPE_runstate_update_flag) |   \
                        (1ul << VMASST_TYPE_m2p_strict))

static uint32_t features_submap0(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1u << XENFEAT_highmem_assist) |
                 (1u << XENFEAT_gnttab_map_avail_bits) |
                 (1u << XENFEAT_memory_op_vnode_supported) |
                 (1u << XENFEAT_direct_mapped);

    if ( d == hardware_domain )
        f |= 1u << XENFEAT_dom0;
    if ( test_bit(VMASST_TYPE_pae_extended_cr3, &d->vm_assist) )
        f |= 1u << XENFEAT_pae_pgdir_above_4gb;
    return f;
}

/* Copy a string into a fixed-size guest buffer, NUL padded. */
static long copy_string(XEN_GUEST_HANDLE_PARAM(void) arg, const char *s,
                        size_t size)
{
    char buf[1024];

    ASSERT(size <= sizeof(buf));
    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return raw_copy_to_guest(arg.p, buf, size) ? -EFAULT : 0;
}

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;

    switch ( cmd )
    {
    case XENVER_version:
        return (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;

    case XENVER_extraversion:
    {
        char ev[sizeof(xen_extraversion_t)];

        /* Xen's form: the rest of "major.minor.micro...", from the dot. */
        snprintf(ev, sizeof(ev), ".0-%s", xen_version_string());
        return copy_string(arg, ev, sizeof(ev));
    }

    case XENVER_compile_info:
    {
        struct xen_compile_info info;

        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, xen_compiler(), sizeof(info.compiler));
        strlcpy(info.compile_by, "builder", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "localdomain", sizeof(info.compile_domain));
        strlcpy(info.compile_date, xen_build_date(), sizeof(info.compile_date));
        return raw_copy_to_guest(arg.p, &info, sizeof(info)) ? -EFAULT : 0;
    }

    case XENVER_capabilities:
        return copy_string(arg, "xen-3.0-x86_64 ", sizeof(xen_capabilities_info_t));

    case XENVER_changeset:
        return copy_string(arg, xen_version_string(), sizeof(xen_changeset_info_t));

    case XENVER_platform_parameters:
    {
        struct xen_platform_parameters p = { .virt_start = HYPERVISOR_VIRT_START };

        return raw_copy_to_guest(arg.p, &p, sizeof(p)) ? -EFAULT : 0;
    }

    case XENVER_get_features:
    {
        struct xen_feature_info fi;

        if ( raw_copy_from_guest(&fi, arg.p, sizeof(fi)) )
            return -EFAULT;
        if ( fi.submap_idx >= XENFEAT_NR_SUBMAPS )
            return -EINVAL;
        fi.submap = features_submap0(d);
        return raw_copy_to_guest(arg.p, &fi, sizeof(fi)) ? -EFAULT : 0;
    }

    case XENVER_pagesize:
        return PAGE_SIZE;

    case XENVER_guest_handle:
    {
        xen_domain_handle_t h;

        memset(h, 0, sizeof(h));
        return raw_copy_to_guest(arg.p, h, sizeof(h)) ? -EFAULT : 0;
    }

    case XENVER_commandline:
        if ( !d->is_privileged )
            return -EPERM;
        return copy_string(arg, boot_info.cmdline ? boot_info.cmdline : "",
                           sizeof(xen_commandline_t));

    case XENVER_build_id:
        return -ENODATA;

    default:
        return -ENOSYS;
    }
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;

    if ( type >= BITS_PER_LONG || !(PV_VMASST_MASK & (1ul << type)) )
        return -EINVAL;
    switch ( cmd )
    {
    case VMASST_CMD_enable:
        set_bit(type, &d->vm_assist);
        return 0;
    case VMASST_CMD_disable:
        clear_bit(type, &d->vm_assist);
        return 0;
    default:
        return -ENOSYS;
    }
}
