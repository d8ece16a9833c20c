/*
 * failsafe: the failsafe callback (pv-abi.md 1.7) and a second vCPU.
 *
 * vCPU 0 installs a GDT page (set_gdt) with a flat DPL-3 data descriptor at
 * entry 2, loads %fs with it, then zeroes the descriptor (update_descriptor)
 * while %fs still holds the selector.  vCPU 1, started with
 * VCPUOP_initialise + VCPUOP_up on the same pCPU, loops on SCHEDOP_yield,
 * so vCPU 0's yield switches away and back; reloading %fs then fails and
 * Xen enters the failsafe callback instead of returning from the
 * hypercall.  Checked: the 11-word frame {rcx, r11, ds, es, fs, gs, rip, cs,
 * rflags, rsp, ss} with fs = the bad selector, rip just after the
 * hypercall (= rcx, as its syscall left it), cs 0xe030 with saved mask 1,
 * events masked in the callback (mask_events); after it %fs is the null
 * selector and further yields are quiet.
 */
#include "guest.h"

const char test_title[] = "failsafe: bad %fs on a context switch, VCPUOP_initialise/up";

#define FS_SEL ((2 << 3) | 3)

static uint8_t vcpu1_stack[2 * 4096] __attribute__((aligned(16)));
static volatile unsigned long vcpu1_loops;
static volatile unsigned int nr_failsafe;
static struct trap_frame failsafe_frame;
static uint8_t mask_in_failsafe;

static noreturn void vcpu1_main(void)
{
    for ( ;; )
    {
        vcpu1_loops++;
        hypervisor_sched_op(SCHEDOP_yield, NULL);
    }
}

static bool failsafe_handler(struct trap_frame *f)
{
    failsafe_frame = *f;
    failsafe_frame.gprs = NULL;
    mask_in_failsafe = vcpu0()->evtchn_upcall_mask;
    nr_failsafe++;
    return true;                    /* resume at rip (after the yield) */
}

static void start_vcpu1(void)
{
    static struct vcpu_guest_context ctx;
    long rc;

    CHECK_EQ(sizeof(ctx), 5168);
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (uint64_t)vcpu1_main;
    ctx.user_regs.rsp = (uint64_t)vcpu1_stack + sizeof(vcpu1_stack) - 8;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.user_regs.rflags = 0x200;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    ctx.event_callback_eip = (uint64_t)event_entry;
    ctx.failsafe_callback_eip = (uint64_t)failsafe_entry;

    rc = hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx);
    if ( rc == -ENOENT )
        test_result(SKIP, "no vCPU 1 (boot with dom0_max_vcpus=2)");
    CHECK_EQ(rc, 0);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    /* initialising a vCPU that is up is refused */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
}

static void install_gdt(uint64_t *mfn_out)
{
    uint64_t *gdt = alloc_page();
    unsigned long frames[1];
    long rc;

    gdt[2] = 0x00cff3000000ffffUL;      /* flat data, DPL 3, present */
    frames[0] = virt_to_mfn(gdt);
    /* No writable mapping may exist of a descriptor-table frame. */
    ASSERT(hypervisor_update_va_mapping((unsigned long)gdt,
                                        (frames[0] << PAGE_SHIFT) | _PAGE_PRESENT |
                                        _PAGE_ACCESSED, UVMF_INVLPG) == 0);
    rc = hypercall2(__HYPERVISOR_set_gdt, frames, 16);
    if ( rc )
        panic("set_gdt: %ld", rc);
    *mfn_out = frames[0];
}

static uint16_t read_fs_sel(void)
{
    uint16_t sel;

    asm volatile ( "mov %%fs, %0" : "=r" (sel) );
    return sel;
}

int main(void)
{
    uint64_t gdt_mfn;
    unsigned long loops;
    unsigned int early;
    long rc;

    set_trap_handler(KIND_FAILSAFE, failsafe_handler);
    install_gdt(&gdt_mfn);
    start_vcpu1();

    asm volatile ( "mov %0, %%fs" :: "r" (FS_SEL) );
    CHECK_EQ(read_fs_sel(), FS_SEL);
    rc = hypercall2(__HYPERVISOR_update_descriptor, (gdt_mfn << PAGE_SHIFT) + 2 * 8, 0);
    CHECK_EQ(rc, 0);
    /*
     * A loaded selector is not re-checked: %fs keeps 0x13 until the next
     * context switch. If vCPU 1 happened to take the pCPU right after the
     * hypercall, that switch already reloaded %fs (null) and ran the
     * failsafe callback, which is the behaviour under test below.
     */
    {
        uint16_t sel = read_fs_sel();

        if ( !nr_failsafe )
            CHECK_EQ(sel, FS_SEL);
    }

    loops = vcpu1_loops;
    early = nr_failsafe;            /* the switch may already have happened */
    while ( !nr_failsafe && vcpu1_loops < loops + 1000 )
        hypervisor_sched_op(SCHEDOP_yield, NULL);
    printk("vCPU 1 ran %lu loops, %u failsafe callbacks\n", vcpu1_loops - loops, nr_failsafe);
    CHECK(early || vcpu1_loops > loops);
    if ( !nr_failsafe )
        test_result(FAILURE, "no failsafe callback after %lu yields of vCPU 1",
                    vcpu1_loops - loops);

    {
        const struct trap_frame *f = &failsafe_frame;
        unsigned int i;

        printk("failsafe frame:");
        for ( i = 0; i < f->nr_raw; i++ )
            printk(" %#lx", f->raw[i]);
        printk("\n");
        CHECK_EQ(f->fs, FS_SEL);
        CHECK_EQ(f->ds, 0);
        CHECK_EQ(f->gs, 0);
        /* entered on the way out of the yield hypercall: rcx/r11 are what
         * its syscall left, the saved mask (bits 32-39 of cs) is 1 */
        CHECK_EQ(f->rcx, f->rip);
        CHECK_EQ(f->cs, (FLAT_KERNEL_CS & ~3UL) | (1UL << 32));
        CHECK_EQ(f->rflags & 0x200, 0);
        CHECK_EQ(f->ss, FLAT_KERNEL_SS);
        CHECK_EQ(mask_in_failsafe, 1);
    }
    CHECK_EQ(read_fs_sel(), 0);
    loops = nr_failsafe;
    hypervisor_sched_op(SCHEDOP_yield, NULL);
    hypervisor_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ(nr_failsafe, loops);
    test_done();
}
