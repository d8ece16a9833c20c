/*
 * traps: the exception frames Xen bounces to a 64-bit PV kernel
 * (pv-abi.md 1.7, 1.8).
 *
 * Each case runs one faulting instruction from kernel mode with known rcx,
 * r11, rsp and rflags, and compares the frame word for word:
 *     rcx, r11, [error code], rip, cs, rflags, rsp, ss
 * where cs = FLAT_KERNEL_CS with RPL 0 (0xe030) | saved upcall mask << 32,
 * rflags = the flags at the fault with IF = !saved mask, rsp = the rsp at
 * the fault, and the frame sits right below rsp rounded down to 16 bytes.
 * Cases: #PF (read/write not-present, write to a read-only page table,
 * instruction fetch from the NX M2P; cr2 in vcpu_info), #GP (non-canonical
 * access with error code 0, `int $13` through a DPL-0 gate with error code
 * 13 << 3 | 2), #UD (ud2), int3 and `int $3` (rip after the instruction),
 * #DE; then the upcall mask: trap gates leave it alone, interrupt gates
 * (trap_info flag 4) set it, and the iret hypercall restores it.
 */
#include "guest.h"

const char test_title[] = "traps: exception bounce frames (#PF #GP #UD #BP #DE)";

#define RCX_MAGIC 0x1c1c1c1c2c2c2c2cUL
#define R11_MAGIC 0x3b3b3b3b4b4b4b4bUL
#define X86_EFLAGS_IF 0x200UL

struct site {
    uint64_t rflags, rsp, rip;
};

/*
 * Run `insn` at label 1 with rcx/r11 = the magics; a fault there resumes at
 * label 2 (exception table).  Records flags, rsp and the address of insn.
 */
#define FAULT_SITE(s, insn, ...)                                            \
    asm volatile ( "pushfq\n\t"                                             \
                   "popq %[fl]\n\t"                                         \
                   "lea 1f(%%rip), %[ip]\n\t"                               \
                   "mov %%rsp, %[sp]\n\t"                                   \
                   "mov %[vc], %%rcx\n\t"                                   \
                   "mov %[vr], %%r11\n\t"                                   \
                   "1: " insn "\n\t"                                        \
                   "2:\n\t"                                                 \
                   ASM_EXTABLE(1b, 2b)                                      \
                   : [fl] "=&r" ((s).rflags), [ip] "=&r" ((s).rip),         \
                     [sp] "=&r" ((s).rsp)                                   \
                   : [vc] "r" (RCX_MAGIC), [vr] "r" (R11_MAGIC), ##__VA_ARGS__ \
                   : "rcx", "r11", "memory", "cc" )

static unsigned int traps_before;

static void start_case(void)
{
    traps_before = nr_traps;
}

/* Compare last_trap with what the ABI says for a fault at s. */
static void check_frame(const char *name, const struct site *s, unsigned int vector,
                        bool has_err, uint64_t err, uint64_t rip_delta, unsigned int mask)
{
    const struct trap_frame *f = &last_trap;
    uint64_t want_cs = (FLAT_KERNEL_CS & ~3UL) | ((uint64_t)mask << 32);
    uint64_t want_fl = (s->rflags & ~(X86_EFLAGS_IF | 0x3000UL)) | (mask ? 0 : X86_EFLAGS_IF);
    uint64_t want[8], frame_va;
    unsigned int i = 0, n;

    if ( nr_traps != traps_before + 1 )
    {
        fail("%s: %u traps, expected 1", name, nr_traps - traps_before);
        return;
    }
    if ( f->vector != vector || f->has_error_code != has_err )
    {
        fail("%s: vector %u (error code %d), expected %u", name, f->vector,
             f->has_error_code, vector);
        return;
    }
    want[i++] = RCX_MAGIC;
    want[i++] = R11_MAGIC;
    if ( has_err )
        want[i++] = err;
    want[i++] = s->rip + rip_delta;
    want[i++] = want_cs;
    want[i++] = want_fl;
    want[i++] = s->rsp;
    want[i++] = FLAT_KERNEL_SS;
    n = i;
    for ( i = 0; i < n; i++ )
    {
        static const char *const noerr[] = { "rcx", "r11", "rip", "cs", "rflags", "rsp", "ss" };
        static const char *const witherr[] = { "rcx", "r11", "error code", "rip", "cs",
                                               "rflags", "rsp", "ss" };

        if ( f->raw[i] != want[i] )
            fail("%s: frame %s is %#lx, expected %#lx", name,
                 has_err ? witherr[i] : noerr[i], f->raw[i], want[i]);
    }
    frame_va = (s->rsp & ~15UL) - n * 8;
    if ( f->frame_va != frame_va )
        fail("%s: frame at %#lx, expected %#lx (rsp %#lx)", name, f->frame_va, frame_va, s->rsp);
}

static bool resume_handler(struct trap_frame *f)
{
    return true;                    /* int3: rip already points past it */
}

static void pf_cases(void)
{
    struct site s;
    uint64_t v = 0;
    volatile uint64_t *unmapped = (volatile uint64_t *)0x1000UL;
    volatile uint64_t *l4 = (volatile uint64_t *)start_info->pt_base;

    start_case();
    FAULT_SITE(s, "mov (%[p]), %[v]", [p] "r" (unmapped), [v] "r" (v));
    check_frame("#PF read", &s, X86_EXC_PF, true, 0, 0, 1);
    CHECK_EQ(vcpu0()->arch.cr2, 0x1000);
    CHECK_EQ(last_trap.cr2, 0x1000);

    start_case();
    FAULT_SITE(s, "movq %[v], 8(%[p])", [p] "r" (unmapped), [v] "r" (v));
    check_frame("#PF write", &s, X86_EXC_PF, true, 2, 0, 1);
    CHECK_EQ(vcpu0()->arch.cr2, 0x1008);

    /* The L4 is mapped read-only; write back the value it has. */
    v = l4[0];
    start_case();
    FAULT_SITE(s, "movq %[v], (%[p])", [p] "r" (l4), [v] "r" (v));
    check_frame("#PF write to L4", &s, X86_EXC_PF, true, 3, 0, 1);
    CHECK_EQ(vcpu0()->arch.cr2, (uint64_t)l4);
}

/* Instruction fetch from the (NX) M2P: return to the caller. */
static bool nx_handler(struct trap_frame *f)
{
    if ( f->rip != M2P_VA )
        return false;
    f->rip = *(uint64_t *)f->rsp;
    f->rsp += 8;
    return true;
}

static void nx_case(void)
{
    uint64_t fl, sp;

    set_trap_handler(X86_EXC_PF, nx_handler);
    start_case();
    asm volatile ( "pushfq\n\t"
                   "popq %[fl]\n\t"
                   "mov %%rsp, %[sp]\n\t"
                   "call *%[t]\n\t"
                   : [fl] "=&r" (fl), [sp] "=&r" (sp)
                   : [t] "r" (M2P_VA)
                   : "rcx", "r11", "memory", "cc" );
    set_trap_handler(X86_EXC_PF, NULL);
    if ( nr_traps != traps_before + 1 || last_trap.vector != X86_EXC_PF )
    {
        fail("fetch from NX: no #PF");
        return;
    }
    /* present (the M2P is mapped) | instruction fetch */
    CHECK_EQ(last_trap.error_code, 0x11);
    CHECK_EQ(last_trap.rip, M2P_VA);
    CHECK_EQ(last_trap.rsp, sp - 8);
    CHECK_EQ(vcpu0()->arch.cr2, M2P_VA);
}

static void gp_cases(void)
{
    struct site s;
    uint64_t v = 0;

    start_case();
    FAULT_SITE(s, "mov (%[p]), %[v]", [p] "r" (0x8000000000000000UL), [v] "r" (v));
    check_frame("#GP non-canonical", &s, X86_EXC_GP, true, 0, 0, 1);

    /*
     * Vector 13's gate has DPL 0: `int $13` faults with an IDT error code.
     * The SDM says (13 << 3) | 2; QEMU's TCG gives (13 << 4) | 2 (it scales
     * by the 16-byte long-mode gate size) and Xen passes the hardware's
     * value through, so accept both.
     */
    start_case();
    FAULT_SITE(s, "int $13");
    if ( last_trap.error_code == ((13 << 4) | 2) )
        check_frame("#GP int $13", &s, X86_EXC_GP, true, (13 << 4) | 2, 0, 1);
    else
        check_frame("#GP int $13", &s, X86_EXC_GP, true, (13 << 3) | 2, 0, 1);
}

static void misc_cases(void)
{
    struct site s;

    start_case();
    FAULT_SITE(s, "ud2");
    check_frame("#UD", &s, X86_EXC_UD, false, 0, 0, 1);

    set_trap_handler(X86_EXC_BP, resume_handler);
    start_case();
    FAULT_SITE(s, "int3");
    check_frame("int3", &s, X86_EXC_BP, false, 0, 1, 1);
    start_case();
    FAULT_SITE(s, ".byte 0xcd, 0x03");     /* gas turns `int $3` into int3 */
    check_frame("int $3", &s, X86_EXC_BP, false, 0, 2, 1);
    set_trap_handler(X86_EXC_BP, NULL);
}

static void de_case(void)
{
    struct site s;
    uint64_t zero = 0, a = 1, d = 0;

    start_case();
    asm volatile ( "pushfq\n\t"
                   "popq %[fl]\n\t"
                   "lea 1f(%%rip), %[ip]\n\t"
                   "mov %%rsp, %[sp]\n\t"
                   "mov %[vc], %%rcx\n\t"
                   "mov %[vr], %%r11\n\t"
                   "1: divq %[z]\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : [fl] "=&r" (s.rflags), [ip] "=&r" (s.rip), [sp] "=&r" (s.rsp),
                     "+a" (a), "+d" (d)
                   : [vc] "r" (RCX_MAGIC), [vr] "r" (R11_MAGIC), [z] "r" (zero)
                   : "rcx", "r11", "memory", "cc" );
    check_frame("#DE", &s, X86_EXC_DE, false, 0, 0, 1);
}

/* ---- the upcall mask ---- */

static uint8_t mask_in_handler;

static bool ud_mask_handler(struct trap_frame *f)
{
    mask_in_handler = vcpu0()->evtchn_upcall_mask;
    f->rip += 2;                    /* skip the ud2 */
    return true;
}

static void mask_cases(void)
{
    struct site s;

    set_trap_handler(X86_EXC_UD, ud_mask_handler);

    /* Trap gate with events unmasked: the handler runs unmasked. */
    events_unmask();
    mask_in_handler = 0xff;
    start_case();
    FAULT_SITE(s, "ud2");
    check_frame("#UD unmasked, trap gate", &s, X86_EXC_UD, false, 0, 0, 0);
    CHECK_EQ(mask_in_handler, 0);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 0);

    /* Interrupt gate: masked in the handler, restored by iret. */
    set_trap_gate_flags(X86_EXC_UD, 4);
    install_trap_table();
    mask_in_handler = 0xff;
    start_case();
    FAULT_SITE(s, "ud2");
    check_frame("#UD unmasked, interrupt gate", &s, X86_EXC_UD, false, 0, 0, 0);
    CHECK_EQ(mask_in_handler, 1);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 0);

    /* Masked before: the frame says so and it stays masked. */
    events_mask();
    mask_in_handler = 0xff;
    start_case();
    FAULT_SITE(s, "ud2");
    check_frame("#UD masked, interrupt gate", &s, X86_EXC_UD, false, 0, 0, 1);
    CHECK_EQ(mask_in_handler, 1);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 1);

    set_trap_gate_flags(X86_EXC_UD, 0);
    install_trap_table();
    set_trap_handler(X86_EXC_UD, NULL);
}

int main(void)
{
    pf_cases();
    nx_case();
    gp_cases();
    misc_cases();
    de_case();
    mask_cases();
    test_done();
}
