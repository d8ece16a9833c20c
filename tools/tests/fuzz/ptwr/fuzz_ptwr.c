/*
 * fuzz_ptwr.c: libFuzzer harness of the writable page-table emulator
 * (xen/arch/x86/pv/ptwr.c, compiled for the host unchanged).
 *
 * Each input (format in fuzz_ptwr.h) gives the instruction bytes, the
 * registers, the entry and its address, and how the callbacks behave:
 * how many instruction bytes can be fetched, whether the validator
 * refuses or adjusts, how often the entry changes under the emulator.
 * Besides the sanitizers, the harness aborts when ptwr_emulate() breaks a
 * promise of asm/pv/ptwr.h or of ptwr.c's theory of operation:
 *  - it fetches once, at rip, and looks at the entry only after decoding:
 *    UNHANDLEABLE means no read_pte() and no cmpxchg_pte() at all;
 *  - every cmpxchg_pte() passes as old the value the callbacks last
 *    handed out, never a no-op store, and at most PTWR_MAX_TRIES of them;
 *  - UNHANDLEABLE and EXCEPTION leave every register as it was, and
 *    EXCEPTION follows a refusal;
 *  - OKAY either leaves every register as it was (only after
 *    PTWR_MAX_TRIES lost races) or advances rip by at most the bytes that
 *    could be fetched, clears RF, changes no flag other than the six
 *    arithmetic ones, changes at most one general register, and has
 *    either stored (what it stored is in the entry) or needed no store.
 * Whether the results are the CPU's is tools/tests/unit/test_ptwr.c's
 * business (it runs the same instructions on the host): a fuzzer cannot
 * run arbitrary bytes on the host.
 *
 * Built two ways (see Makefile): with clang -fsanitize=fuzzer,... where
 * libFuzzer provides main(); with -DFUZZ_PTWR_REPLAY and any compiler,
 * where main() below runs every file named (directories one level deep)
 * once and fails if no input was emulated at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/pv/ptwr.h>
#include <asm/pv/traps.h>
#include <xen/errno.h>

#include "fuzz_ptwr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __bug(const char *file, int line);
void __assert_failed(const char *expr, const char *file, int line);

/* ---- The hypervisor runtime ptwr.c uses. ---- */

void __bug(const char *file, int line)
{
    fprintf(stderr, "fuzz_ptwr: BUG at %s:%d\n", file, line);
    abort();
}

void __assert_failed(const char *expr, const char *file, int line)
{
    fprintf(stderr, "fuzz_ptwr: assertion '%s' failed at %s:%d\n", expr,
            file, line);
    abort();
}

#define PROMISE(cond) do {                                                  \
    if ( !(cond) )                                                          \
    {                                                                       \
        fprintf(stderr, "fuzz_ptwr: broken promise: %s (line %d)\n", #cond, \
                __LINE__);                                                  \
        abort();                                                            \
    }                                                                       \
} while ( 0 )

#define FL_ARITH 0x8d5ull       /* CF PF AF ZF SF OF */
#define FL_RF    0x10000ull

/* ---- The callbacks, keeping track of what the emulator was told. ---- */

static struct fake {
    uint8_t insn[PTWR_MAX_INSN_LEN];
    unsigned int avail;             /* fetchable instruction bytes */
    unsigned long rip;
    uint64_t entry;
    uint64_t handed_out;            /* the value the emulator last saw */
    bool seen_entry;
    unsigned int races;             /* ~0u: always */
    uint64_t race_xor;
    bool refuse;
    uint64_t adjust;
    unsigned int fetches, reads, cmpxchgs, lost;
    bool refused, stored;
    uint64_t last_new;
} fake;

static unsigned long fake_fetch(void *ctx, unsigned long va, void *buf,
                                unsigned int len)
{
    struct fake *f = ctx;

    PROMISE(f == &fake);
    PROMISE(va == f->rip && len == PTWR_MAX_INSN_LEN);
    PROMISE(f->reads == 0 && f->cmpxchgs == 0);
    f->fetches++;
    memcpy(buf, f->insn, f->avail);
    return len - f->avail;
}

static uint64_t fake_read(void *ctx)
{
    struct fake *f = ctx;

    PROMISE(f->fetches == 1);
    f->reads++;
    f->handed_out = f->entry;
    f->seen_entry = true;
    return f->entry;
}

static int fake_cmpxchg(void *ctx, uint64_t old, uint64_t new, uint64_t *cur)
{
    struct fake *f = ctx;

    PROMISE(f->seen_entry && old == f->handed_out);
    PROMISE(new != old);
    PROMISE(++f->cmpxchgs <= PTWR_MAX_TRIES);
    if ( f->races )
    {
        if ( f->races != ~0u )
            f->races--;
        f->entry ^= f->race_xor;
    }
    if ( f->entry != old )
    {
        f->lost++;
        *cur = f->handed_out = f->entry;
        return -EAGAIN;
    }
    if ( f->refuse )
    {
        f->refused = true;
        return -EINVAL;
    }
    f->entry = new | f->adjust;
    f->stored = true;
    f->last_new = new;
    return 0;
}

static const struct ptwr_ops fake_ops = {
    .fetch = fake_fetch,
    .read_pte = fake_read,
    .cmpxchg_pte = fake_cmpxchg,
};

/* ---- One input. ---- */

static struct {
    unsigned long inputs, okay, unhandleable, exception, restarted;
} stats;

static uint64_t get64(const uint8_t *in, unsigned int off)
{
    uint64_t v = 0;
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        v |= (uint64_t)in[off + i] << (8 * i);
    return v;
}

static uint64_t *gpr(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
        &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
        &r->r14, &r->r15,
    };

    return map[n];
}

static void setup(const uint8_t *in, struct cpu_user_regs *regs,
                  unsigned long *cr2)
{
    uint8_t control = in[FP_CONTROL];
    unsigned int i, races = (control & FPC_RACES) >> FPC_RACES_SHIFT;

    memset(&fake, 0, sizeof(fake));
    memcpy(fake.insn, in + FP_INSN, PTWR_MAX_INSN_LEN);
    fake.avail = PTWR_MAX_INSN_LEN - (control & FPC_MISSING);
    fake.entry = get64(in, FP_ENTRY);
    fake.race_xor = get64(in, FP_RACE_XOR);
    fake.races = races == 3 ? ~0u : races;
    fake.refuse = control & FPC_REFUSE;
    fake.adjust = (control & FPC_ADJUST) ? (1ull << 52) | 4 : 0;

    memset(regs, 0, sizeof(*regs));
    for ( i = 0; i < 16; i++ )
        *gpr(regs, i) = get64(in, FP_GPRS + 8 * i);
    regs->rip = fake.rip = get64(in, FP_RIP);
    regs->rflags = get64(in, FP_RFLAGS);
    regs->cs = 0xe033;
    regs->ss = 0xe02b;
    *cr2 = (get64(in, FP_ENTRY_VA) & ~7ull) | (in[FP_CR2_OFF] & 7);
}

static void check_okay(const struct cpu_user_regs *before,
                       const struct cpu_user_regs *after)
{
    struct cpu_user_regs a = *after, b = *before;
    unsigned int i, changed = 0;

    if ( !memcmp(after, before, sizeof(*after)) && !fake.stored &&
         fake.cmpxchgs == PTWR_MAX_TRIES )
    {
        PROMISE(fake.lost == PTWR_MAX_TRIES);
        stats.restarted++;
        return;
    }
    PROMISE(after->rip - before->rip >= 1 &&
            after->rip - before->rip <= fake.avail);
    PROMISE(!(after->rflags & FL_RF));
    PROMISE(((after->rflags ^ before->rflags) & ~(FL_ARITH | FL_RF)) == 0);
    if ( fake.stored )
        PROMISE(fake.entry == (fake.last_new | fake.adjust));
    else    /* completed on a value read, not after losing every race */
        PROMISE(fake.cmpxchgs < PTWR_MAX_TRIES);
    for ( i = 0; i < 16; i++ )
        changed += *gpr(&a, i) != *gpr(&b, i);
    PROMISE(changed <= 1);

    /* Nothing else in the frame moved. */
    for ( i = 0; i < 16; i++ )
        *gpr(&a, i) = *gpr(&b, i);
    a.rip = b.rip;
    a.rflags = b.rflags;
    PROMISE(!memcmp(&a, &b, sizeof(a)));
}

static void run(const uint8_t *in)
{
    struct cpu_user_regs regs, before;
    unsigned long cr2;
    int rc;

    setup(in, &regs, &cr2);
    before = regs;
    rc = ptwr_emulate(&regs, cr2, &fake_ops, &fake);
    PROMISE(fake.fetches == 1);

    switch ( rc )
    {
    case X86EMUL_UNHANDLEABLE:
        stats.unhandleable++;
        PROMISE(fake.reads == 0 && fake.cmpxchgs == 0);
        PROMISE(!memcmp(&regs, &before, sizeof(regs)));
        break;
    case X86EMUL_EXCEPTION:
        stats.exception++;
        PROMISE(fake.refused && !fake.stored);
        PROMISE(!memcmp(&regs, &before, sizeof(regs)));
        break;
    case X86EMUL_OKAY:
        stats.okay++;
        PROMISE(!fake.refused);
        check_okay(&before, &regs);
        break;
    default:
        PROMISE(!"a return value of asm/pv/ptwr.h");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[FP_SIZE] = { 0 };

    memcpy(in, data, size < FP_SIZE ? size : FP_SIZE);
    stats.inputs++;
    run(in);
    return 0;
}

#ifdef FUZZ_PTWR_REPLAY

#include "../replay.h"

int main(int argc, char **argv)
{
    int rc = fuzz_replay(argc, argv);

    printf("fuzz_ptwr_replay: %lu inputs: %lu emulated (%lu restarted), "
           "%lu refused by the validator, %lu unhandleable\n", stats.inputs,
           stats.okay, stats.restarted, stats.exception, stats.unhandleable);
    if ( !stats.okay )
    {
        printf("fuzz_ptwr_replay: FAILED: no input was emulated\n");
        return 1;
    }
    return rc ? 1 : 0;
}

#endif /* FUZZ_PTWR_REPLAY */
