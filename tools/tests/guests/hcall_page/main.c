/*
 * hcall_page: the hypercall page of older kernels (pv-abi.md 0 item 1,
 * 1.1 note 2).
 *
 * This guest adds an XEN_ELFNOTE_HYPERCALL_PAGE note (its own, below; the
 * other guests have none) naming a page-aligned page of its image, which
 * it fills with 0xa5 bytes.  The dom0 builder must fill it with 128 stubs
 * of 32 bytes:
 * - stub n (n != 23): push %rcx; push %r11; mov $n,%eax; syscall;
 *   pop %r11; pop %rcx; ret (14 bytes: 51 41 53 b8 n32 0f 05 41 5b 59 c3);
 * - stub 23 (iret): push %rcx; push %r11; push %rax; mov $23,%eax;
 *   syscall (11 bytes: 51 41 53 50 b8 17 00 00 00 0f 05);
 * - the rest of the page: int3 (0xcc) filler.
 * Through the stubs: xen_version (0 and extraversion) gives what the bare
 * syscall gives; console_io write prints a line and returns what the bare
 * call returns; rcx and r11 survive a stub call (the stub saves them); a
 * jump to the iret stub with {flags, rip, cs, rflags, rsp, ss} on the
 * stack (cs 0xe030: RPL 0 stays in kernel mode; 0xe033 would mean "to user
 * mode") resumes at rip in CS 0xe033 with rax, r11 and rcx as they were at
 * the jump, rsp as given, the arithmetic flags as given, IF set, and the upcall
 * mask = !IF of the given rflags (1, then 0 in a second round).
 */
#include "guest.h"
#include <public/elfnote.h>

const char test_title[] = "hcall_page: XEN_ELFNOTE_HYPERCALL_PAGE stubs";

_Static_assert(XEN_ELFNOTE_HYPERCALL_PAGE == 2, "note number used below");

asm ( ".pushsection .note.Xen, \"a\", @note\n\t"
      ".balign 4\n\t"
      ".long 4, 8, 2\n\t"            /* namesz, descsz, XEN_ELFNOTE_HYPERCALL_PAGE */
      ".asciz \"Xen\"\n\t"
      ".balign 4\n\t"
      ".quad hypercall_page\n\t"
      ".balign 4\n\t"
      ".popsection\n\t"
      ".pushsection .text.hcall, \"ax\", @progbits\n\t"
      ".balign 4096\n\t"
      ".globl hypercall_page\n"
      "hypercall_page:\n\t"
      ".fill 4096, 1, 0xa5\n\t"
      ".popsection" );

extern const uint8_t hypercall_page[PAGE_SIZE];

#define NR_STUBS (PAGE_SIZE / 32)

/* Call stub nr with up to three arguments; rcx/r11 hold canaries. */
static long stub_call(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
                      uint64_t *rcx_after, uint64_t *r11_after)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    register uint64_t r11 asm("r11") = 0x1111222233334444UL;
    register uint64_t rcx asm("rcx") = 0x5555666677778888UL;
    long ret;

    asm volatile ( "call *%[f]"
                   : "=a" (ret), "+r" (rdi), "+r" (rsi), "+r" (rdx), "+r" (r11), "+r" (rcx)
                   : [f] "r" (hypercall_page + nr * 32)
                   : "r8", "r9", "r10", "memory" );
    *rcx_after = rcx;
    *r11_after = r11;
    return ret;
}

static void dump_stub(unsigned int nr)
{
    const uint8_t *p = hypercall_page + nr * 32;
    unsigned int i;

    printk("stub %3u:", nr);
    for ( i = 0; i < 32; i++ )
        printk(" %02x", p[i]);
    printk("\n");
}

static void check_bytes(void)
{
    static const uint8_t iret_stub[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };
    unsigned int n, i, bad = 0;

    dump_stub(0);
    dump_stub(17);
    dump_stub(23);
    for ( n = 0; n < NR_STUBS; n++ )
    {
        const uint8_t *p = hypercall_page + n * 32;
        uint8_t want[32];

        memset(want, 0xcc, sizeof(want));
        if ( n == __HYPERVISOR_iret )
        {
            memcpy(want, iret_stub, sizeof(iret_stub));
        }
        else
        {
            const uint8_t head[] = { 0x51, 0x41, 0x53, 0xb8, n, 0, 0, 0, 0x0f, 0x05,
                                     0x41, 0x5b, 0x59, 0xc3 };

            memcpy(want, head, sizeof(head));
        }
        for ( i = 0; i < 32; i++ )
            if ( p[i] != want[i] && bad++ < 8 )
                fail("stub %u byte %u: %#x, expected %#x", n, i, p[i], want[i]);
    }
    CHECK_EQ(bad, 0);
}

static void check_calls(void)
{
    xen_extraversion_t direct, via;
    static const char msg[] = "hello through the hypercall page\n";
    uint64_t rcx, r11;
    long v, rc;

    v = stub_call(__HYPERVISOR_xen_version, XENVER_version, 0, 0, &rcx, &r11);
    printk("xen_version via stub 17: %#lx\n", v);
    CHECK_EQ(v, hypervisor_xen_version(XENVER_version, NULL));
    CHECK(v > 0);
    CHECK_EQ(rcx, 0x5555666677778888UL);
    CHECK_EQ(r11, 0x1111222233334444UL);

    memset(direct, 0, sizeof(direct));
    memset(via, 0x5a, sizeof(via));
    CHECK_EQ(hypervisor_xen_version(XENVER_extraversion, direct), 0);
    CHECK_EQ(stub_call(__HYPERVISOR_xen_version, XENVER_extraversion, (unsigned long)via, 0,
                       &rcx, &r11), 0);
    CHECK_EQ(memcmp(direct, via, sizeof(direct)), 0);

    rc = stub_call(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg,
                   &rcx, &r11);
    CHECK_EQ(rc, hypervisor_console_io(CONSOLEIO_write, 0, msg));
    CHECK_EQ(rcx, 0x5555666677778888UL);
    CHECK_EQ(r11, 0x1111222233334444UL);
}

/* Jump to the iret stub with a frame for label 1; what came back. */
struct iret_result {
    uint64_t rax, r11, rcx, rsp_diff, rflags;
    uint16_t cs;
};

static void iret_via_stub(uint64_t rflags_in, struct iret_result *r)
{
    register uint64_t r11 asm("r11");
    uint64_t rax, rcx, diff, fl;
    uint16_t cs;

    asm volatile ( "movq %%rsp, %%r9\n\t"
                   "pushq %[ss]\n\t"
                   "pushq %%r9\n\t"            /* rsp to resume with */
                   "pushq %[fl]\n\t"
                   "pushq %[cs]\n\t"           /* RPL 0: stay in kernel mode */
                   "leaq 1f(%%rip), %%rax\n\t"
                   "pushq %%rax\n\t"
                   "pushq $0\n\t"              /* flags: not VGCF_in_syscall */
                   "movabsq $0x0123456789abcdef, %%rax\n\t"
                   "movabsq $0x1133557799bbddff, %%r11\n\t"
                   "movabsq $0x02468ace13579bdf, %%rcx\n\t"
                   "jmp *%[stub]\n"
                   "1:\n\t"
                   "pushfq\n\t"
                   "popq %[rfl]\n\t"
                   "movq %%rsp, %[diff]\n\t"
                   "subq %%r9, %[diff]\n\t"
                   "mov %%cs, %[cs_out]\n\t"
                   : "=&a" (rax), "=&r" (r11), "=&c" (rcx), [diff] "=&r" (diff), [rfl] "=&r" (fl),
                     [cs_out] "=&r" (cs)
                   : [stub] "r" (hypercall_page + __HYPERVISOR_iret * 32),
                     [ss] "i" (FLAT_KERNEL_SS), [cs] "i" (FLAT_KERNEL_CS & ~3), [fl] "r" (rflags_in)
                   : "r9", "memory", "cc" );
    r->rax = rax;
    r->r11 = r11;
    r->rcx = rcx;
    r->rsp_diff = diff;
    r->rflags = fl;
    r->cs = cs;
}

static void check_iret(void)
{
    struct iret_result r;

    /* IF clear: the upcall mask stays 1 */
    events_mask();
    iret_via_stub(0xd7, &r);
    CHECK_EQ(r.rax, 0x0123456789abcdefUL);
    CHECK_EQ(r.r11, 0x1133557799bbddffUL);
    CHECK_EQ(r.rcx, 0x02468ace13579bdfUL);
    CHECK_EQ(r.rsp_diff, 0);
    CHECK_EQ(r.cs, FLAT_KERNEL_CS);
    CHECK_EQ(r.rflags & 0xff, 0xd7);
    CHECK(r.rflags & 0x200);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 1);

    /* IF set: the upcall mask becomes 0 (nothing is bound, nothing comes) */
    iret_via_stub(0x246, &r);
    CHECK_EQ(r.rax, 0x0123456789abcdefUL);
    CHECK_EQ(r.rsp_diff, 0);
    CHECK_EQ(r.rflags & 0xff, 0x46);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 0);
    events_mask();
}

int main(void)
{
    CHECK_EQ((unsigned long)hypercall_page & ~PAGE_MASK, 0);
    check_bytes();
    check_calls();
    check_iret();
    test_done();
}
