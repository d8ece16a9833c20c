/*
 * test_ptwr.c: the writable page-table emulator (pv/ptwr.c), checked
 * against the CPU it emulates.
 *
 * The oracle. Each generated instruction is placed in an executable page
 * of this process, with its memory operand addressing a real 8-byte cell
 * in the next page, and then
 *   - run on the host CPU: ptwr_host_run() loads all sixteen registers
 *     and the arithmetic flags from a table, jumps to the instruction,
 *     and saves the registers and flags it leaves;
 *   - given to ptwr_emulate() with the same registers, rip at the same
 *     bytes, CR2 in the same cell, and callbacks (struct fake) that hold
 *     a copy of the entry.
 * The emulator must then leave exactly what the CPU left: every register,
 * rip just past the instruction, the flags the architecture defines for
 * that instruction, and the entry. Instructions are drawn at random from
 * every form ptwr.c emulates, with every addressing mode (SIB with and
 * without base or index, RIP-relative, absolute disp32, rsp/rbp/r12/r13
 * bases), operand sizes 1, 4 and 8 at every aligned offset in the entry,
 * byte registers with and without REX (ah..bh vs spl..dil), bit offsets
 * in registers that move the operand to another word, and redundant
 * prefixes (lock, null segment overrides, a REX cancelled by a later
 * legacy prefix).
 *
 * The same generator drives the races (the fake changes the entry once
 * before the first compare-and-exchange: the result must then be the
 * CPU's on the changed entry) and the validator refusing (the result must
 * be X86EMUL_EXCEPTION with nothing changed exactly when the CPU's run
 * stores a different entry). Directed cases cover the encodings Linux 6.1
 * uses and the ones that must be refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <asm/pv/ptwr.h>
#include <asm/pv/traps.h>
#include <xen/errno.h>

#include "harness.h"

#define FL_CF   0x001ull
#define FL_PF   0x004ull
#define FL_AF   0x010ull
#define FL_ZF   0x040ull
#define FL_SF   0x080ull
#define FL_OF   0x800ull
#define FL_RF   0x10000ull
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13,
       R14, R15 };

/* ---- The host CPU as oracle ---- */

/* Layout known to the assembly below: gpr[n] at 8 * n, rflags at 128. */
struct host_state {
    uint64_t gpr[16];
    uint64_t rflags;
};

struct host_state ptwr_host_in, ptwr_host_out;
uint64_t ptwr_host_saved_rsp;
void *ptwr_host_code;
void ptwr_host_run(void);
extern char ptwr_host_back[];

#define LOAD(n, r)  "mov ptwr_host_in+" #n "(%rip), %" #r "\n\t"
#define SAVE(n, r)  "mov %" #r ", ptwr_host_out+" #n "(%rip)\n\t"

asm (
    ".text\n\t"
    ".globl ptwr_host_run\n\t"
    ".type ptwr_host_run, @function\n"
    "ptwr_host_run:\n\t"
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\t"
    "push %r13\n\tpush %r14\n\tpush %r15\n\t"
    "mov %rsp, ptwr_host_saved_rsp(%rip)\n\t"
    "pushq ptwr_host_in+128(%rip)\n\t"
    "popfq\n\t"
    LOAD(0, rax) LOAD(8, rcx) LOAD(16, rdx) LOAD(24, rbx)
    LOAD(40, rbp) LOAD(48, rsi) LOAD(56, rdi) LOAD(64, r8)
    LOAD(72, r9) LOAD(80, r10) LOAD(88, r11) LOAD(96, r12)
    LOAD(104, r13) LOAD(112, r14) LOAD(120, r15) LOAD(32, rsp)
    "jmp *ptwr_host_code(%rip)\n\t"
    ".globl ptwr_host_back\n"
    "ptwr_host_back:\n\t"
    SAVE(0, rax) SAVE(8, rcx) SAVE(16, rdx) SAVE(24, rbx)
    SAVE(32, rsp) SAVE(40, rbp) SAVE(48, rsi) SAVE(56, rdi)
    SAVE(64, r8) SAVE(72, r9) SAVE(80, r10) SAVE(88, r11)
    SAVE(96, r12) SAVE(104, r13) SAVE(112, r14) SAVE(120, r15)
    "mov ptwr_host_saved_rsp(%rip), %rsp\n\t"
    "pushfq\n\t"
    "popq ptwr_host_out+128(%rip)\n\t"
    "pop %r15\n\tpop %r14\n\tpop %r13\n\t"
    "pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
    "ret\n\t"
    ".size ptwr_host_run, . - ptwr_host_run\n"
);

/*
 * Two pages below 2 GiB (so that an absolute disp32 can reach them): the
 * instruction in the first, the entry in the second.
 */
static uint8_t *area;
#define CODE_PAGE   (area)
#define DATA_PAGE   (area + 4096)

static void area_init(void)
{
    if ( area )
        return;
    area = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if ( area == MAP_FAILED )
    {
        perror("test_ptwr: mmap");
        exit(2);
    }
}

/* Copy the instruction to code, followed by "jmp *0(%rip)" back. */
static void place_code(uint8_t *code, const uint8_t *insn, unsigned int len)
{
    static const uint8_t jmp[6] = { 0xff, 0x25, 0, 0, 0, 0 };
    uint64_t back = (uint64_t)(uintptr_t)ptwr_host_back;

    memcpy(code, insn, len);
    memcpy(code + len, jmp, sizeof(jmp));
    memcpy(code + len + sizeof(jmp), &back, sizeof(back));
}

/* Run the instruction at code with *in on the CPU; the cell is memory. */
static void host_run(uint8_t *code, const struct host_state *in,
                     struct host_state *out)
{
    ptwr_host_in = *in;
    ptwr_host_code = code;
    ptwr_host_run();
    *out = ptwr_host_out;
}

/* ---- The fake entry and guest ---- */

struct fake {
    uint64_t entry;
    const uint8_t *code_end;        /* bytes from here cannot be fetched */
    unsigned int races;             /* change the entry before a cmpxchg */
    uint64_t race_xor;
    bool raced;
    bool refuse;                    /* validation fails */
    uint64_t adjust;                /* bits the "validator" adds */
    unsigned int fetches, reads, cmpxchgs;
};

static unsigned long fake_fetch(void *ctx, unsigned long va, void *buf,
                                unsigned int len)
{
    struct fake *f = ctx;
    const uint8_t *p = (const uint8_t *)(uintptr_t)va;
    unsigned int n = 0;

    f->fetches++;
    if ( p < f->code_end )
        n = (unsigned long)(f->code_end - p) < len ? f->code_end - p : len;
    memcpy(buf, p, n);
    return len - n;
}

static uint64_t fake_read(void *ctx)
{
    struct fake *f = ctx;

    f->reads++;
    return f->entry;
}

static int fake_cmpxchg(void *ctx, uint64_t old, uint64_t new, uint64_t *cur)
{
    struct fake *f = ctx;

    f->cmpxchgs++;
    if ( f->races )
    {
        f->races--;
        f->entry ^= f->race_xor;
        f->raced = true;
    }
    if ( f->entry != old )
    {
        *cur = f->entry;
        return -EAGAIN;
    }
    if ( f->refuse )
        return -EINVAL;
    f->entry = new | f->adjust;
    return 0;
}

static const struct ptwr_ops fake_ops = {
    .fetch = fake_fetch,
    .read_pte = fake_read,
    .cmpxchg_pte = fake_cmpxchg,
};

static uint64_t *regs_gpr(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
        &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
        &r->r14, &r->r15,
    };

    return map[n];
}

/* ---- Random instructions ---- */

/* What the random cases exercised, so that a test cannot pass vacuously. */
static struct {
    unsigned long rip_relative, absolute, index_only, high_byte, bit_moved;
    unsigned long no_store, stored, refused, raced, mismatch;
} seen;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned int rndn(unsigned int n)
{
    return rnd() % n;
}

#define F_BYTE      0x01    /* byte operation */
#define F_MOV       0x02    /* lock not allowed */
#define F_CMPXCHG   0x04
#define F_BITREG    0x08    /* bit offset in ModRM.reg */
#define F_LOGIC     0x10    /* and/or/xor: AF undefined */
#define F_BITOP     0x20    /* bts/btr/btc: only CF defined */

struct form {
    const char *name;
    uint8_t opc[2];
    unsigned int opc_len;
    int ext;                        /* ModRM.reg fixed, or -1 */
    unsigned int imm;               /* immediate bytes */
    unsigned int flags;
};

static const struct form forms[] = {
    { "mov r8",       { 0x88 }, 1, -1, 0, F_BYTE | F_MOV },
    { "mov r",        { 0x89 }, 1, -1, 0, F_MOV },
    { "mov imm8",     { 0xc6 }, 1, 0, 1, F_BYTE | F_MOV },
    { "mov imm32",    { 0xc7 }, 1, 0, 4, F_MOV },
    { "xchg r8",      { 0x86 }, 1, -1, 0, F_BYTE },
    { "xchg r",       { 0x87 }, 1, -1, 0, 0 },
    { "cmpxchg r8",   { 0x0f, 0xb0 }, 2, -1, 0, F_BYTE | F_CMPXCHG },
    { "cmpxchg r",    { 0x0f, 0xb1 }, 2, -1, 0, F_CMPXCHG },
    { "or r8",        { 0x08 }, 1, -1, 0, F_BYTE | F_LOGIC },
    { "or r",         { 0x09 }, 1, -1, 0, F_LOGIC },
    { "and r8",       { 0x20 }, 1, -1, 0, F_BYTE | F_LOGIC },
    { "and r",        { 0x21 }, 1, -1, 0, F_LOGIC },
    { "xor r8",       { 0x30 }, 1, -1, 0, F_BYTE | F_LOGIC },
    { "xor r",        { 0x31 }, 1, -1, 0, F_LOGIC },
    { "or imm8 (80)", { 0x80 }, 1, 1, 1, F_BYTE | F_LOGIC },
    { "and imm8 (80)", { 0x80 }, 1, 4, 1, F_BYTE | F_LOGIC },
    { "xor imm8 (80)", { 0x80 }, 1, 6, 1, F_BYTE | F_LOGIC },
    { "or imm32",     { 0x81 }, 1, 1, 4, F_LOGIC },
    { "and imm32",    { 0x81 }, 1, 4, 4, F_LOGIC },
    { "xor imm32",    { 0x81 }, 1, 6, 4, F_LOGIC },
    { "or imm8 (83)", { 0x83 }, 1, 1, 1, F_LOGIC },
    { "and imm8 (83)", { 0x83 }, 1, 4, 1, F_LOGIC },
    { "xor imm8 (83)", { 0x83 }, 1, 6, 1, F_LOGIC },
    { "bts r",        { 0x0f, 0xab }, 2, -1, 0, F_BITREG | F_BITOP },
    { "btr r",        { 0x0f, 0xb3 }, 2, -1, 0, F_BITREG | F_BITOP },
    { "btc r",        { 0x0f, 0xbb }, 2, -1, 0, F_BITREG | F_BITOP },
    { "bts imm8",     { 0x0f, 0xba }, 2, 5, 1, F_BITOP },
    { "btr imm8",     { 0x0f, 0xba }, 2, 6, 1, F_BITOP },
    { "btc imm8",     { 0x0f, 0xba }, 2, 7, 1, F_BITOP },
};

/* One generated case: the instruction, the registers, the entry. */
struct gen {
    const struct form *form;
    uint8_t bytes[32];
    unsigned int len;
    unsigned int width;
    struct host_state regs;
    uint8_t *code;
    uint64_t *cell;
    uint64_t entry;
    /* Which interesting paths the encoding takes. */
    bool rip_relative, absolute, index_only, high_byte, bit_moved;
};

/* A random register value, sometimes small or extreme. */
static uint64_t rnd_value(void)
{
    switch ( rndn(6) )
    {
    case 0: return rndn(256);
    case 1: return -(uint64_t)rndn(256);
    case 2: return 1ull << rndn(64);
    default: return rnd();
    }
}

/* The encoding being built: ModRM, SIB and which registers they name. */
struct enc {
    unsigned int mod, rm, reg, scale;
    unsigned int base, index;       /* 16: none */
    bool has_sib, rip_rel;
    uint8_t sib, rex;
    unsigned int off;               /* the operand's byte in the entry */
    unsigned int disp_len, disp_at;
};

#define NO_REG 16

/* Pick ModRM (and SIB) at random, biased towards the rarer SIB forms. */
static void gen_modrm(struct enc *e, const struct form *f)
{
    unsigned int s_index, s_base;

    e->reg = f->ext >= 0 ? (unsigned int)f->ext : rndn(16);
    e->mod = rndn(3);
    e->rm = rndn(8);
    e->base = e->index = NO_REG;
    if ( e->reg & 8 )
        e->rex |= 0x44;

    if ( e->rm == 4 )
    {
        e->has_sib = true;
        s_index = rndn(4) == 0 ? 4 : rndn(16);
        s_base = rndn(16);
        if ( rndn(4) == 0 )
        {
            s_base = (s_base & 8) | 5;      /* with mod 0: no base */
            e->mod = 0;
        }
        e->scale = rndn(4);
        e->sib = (e->scale << 6) | ((s_index & 7) << 3) | (s_base & 7);
        if ( s_index & 8 )
            e->rex |= 0x42;
        if ( s_base & 8 )
            e->rex |= 0x41;
        if ( s_index != 4 )
            e->index = s_index;
        if ( !(e->mod == 0 && (s_base & 7) == 5) )
            e->base = s_base;
    }
    else if ( e->mod == 0 && e->rm == 5 )
        e->rip_rel = true;
    else
    {
        e->base = e->rm | (rndn(2) ? 8 : 0);
        if ( e->base & 8 )
            e->rex |= 0x41;
    }
    e->disp_len = e->mod == 1 ? 1 :
                  (e->mod == 2 || e->rip_rel || e->base == NO_REG) ? 4 : 0;
}

/* Lay out the bytes, displacement left as zeroes; false if too long. */
static bool gen_bytes(struct gen *g, struct enc *e)
{
    static const uint8_t nullseg[] = { 0x26, 0x2e, 0x36, 0x3e };
    const struct form *f = g->form;
    unsigned int i, n = 0, prefixes = rndn(4);

    /* lock, null segment overrides, each maybe after a REX it cancels. */
    for ( i = 0; i < prefixes; i++ )
    {
        if ( rndn(4) == 0 )
            g->bytes[n++] = 0x40 | rndn(16);
        if ( !(f->flags & F_MOV) && rndn(2) )
            g->bytes[n++] = 0xf0;
        else
            g->bytes[n++] = nullseg[rndn(4)];
    }
    if ( e->rex )
        g->bytes[n++] = e->rex;
    for ( i = 0; i < f->opc_len; i++ )
        g->bytes[n++] = f->opc[i];
    g->bytes[n++] = (e->mod << 6) | ((e->reg & 7) << 3) | e->rm;
    if ( e->has_sib )
        g->bytes[n++] = e->sib;
    e->disp_at = n;
    n += e->disp_len;
    for ( i = 0; i < f->imm; i++ )
        g->bytes[n++] = rnd();
    g->len = n;
    return n <= PTWR_MAX_INSN_LEN;
}

/*
 * bts/btr/btc with a register: a random bit offset, which moves the
 * operand; returns the address the ModRM operand must then have.
 */
static uint64_t gen_bit_offset(struct gen *g, const struct enc *e,
                               uint64_t target)
{
    unsigned int shift = g->width == 8 ? 6 : 5;
    int64_t bitoff;

    switch ( rndn(3) )
    {
    case 0: bitoff = rndn(8 * g->width); break;
    case 1: bitoff = (int64_t)rndn(4096) - 2048; break;
    default: bitoff = (int64_t)rnd(); break;
    }
    if ( g->width == 4 )
    {
        bitoff = (int32_t)bitoff;   /* the upper half is ignored */
        g->regs.gpr[e->reg] = (rnd() << 32) | (uint32_t)bitoff;
    }
    else
        g->regs.gpr[e->reg] = bitoff;
    g->bit_moved = (bitoff >> shift) != 0;
    return target - (uint64_t)(bitoff >> shift) * g->width;
}

/* Choose the displacement and base/index values so the operand is target. */
static bool gen_solve(struct gen *g, const struct enc *e, uint64_t target)
{
    int64_t disp = 0;
    unsigned int i;

    if ( e->disp_len == 1 )
        disp = (int8_t)rnd();
    else if ( e->disp_len == 4 )
        disp = (int32_t)rnd();

    if ( e->rip_rel )
    {
        disp = (int64_t)(target - ((uint64_t)(uintptr_t)g->code + g->len));
        g->rip_relative = true;
    }
    else if ( e->base != NO_REG )
    {
        uint64_t idx = e->index != NO_REG ?
                       g->regs.gpr[e->index] << e->scale : 0;

        g->regs.gpr[e->base] = target - idx - (uint64_t)disp;
    }
    else if ( e->index != NO_REG )
    {
        /* index << scale + disp: any high bits of index shift out. */
        disp = (int32_t)((rnd() & ~7ull) | (target & 7));
        g->regs.gpr[e->index] = ((target - (uint64_t)disp) >> e->scale) |
                                (e->scale ? rnd() << (64 - e->scale) : 0);
        g->index_only = true;
    }
    else
    {
        disp = (int64_t)target;     /* absolute: the area is below 2 GiB */
        g->absolute = true;
    }

    if ( (e->disp_len == 1 && disp != (int8_t)disp) ||
         (e->disp_len == 4 && disp != (int32_t)disp) )
        return false;
    for ( i = 0; i < e->disp_len; i++ )
        g->bytes[e->disp_at + i] = (uint64_t)disp >> (8 * i);
    return true;
}

/* Make the accumulator match (cmpxchg) or the source equal the operand. */
static void gen_matches(struct gen *g, const struct enc *e)
{
    uint64_t mask = g->width == 8 ? ~0ull : (1ull << (8 * g->width)) - 1;
    uint64_t field = (g->entry >> (8 * e->off)) & mask;
    bool addr_reg_rax = e->base == RAX || e->index == RAX;
    bool high_byte = g->width == 1 && !e->rex && e->reg >= 4 && e->reg < 8;

    if ( (g->form->flags & F_CMPXCHG) && !addr_reg_rax && rndn(2) )
        g->regs.gpr[RAX] = (g->regs.gpr[RAX] & ~mask) | field;

    /* Sometimes store what is already there: no store at all. */
    if ( g->form->ext < 0 && !(g->form->flags & F_BITREG) && !high_byte &&
         e->reg != e->base && e->reg != e->index && rndn(8) == 0 )
        g->regs.gpr[e->reg] = (g->regs.gpr[e->reg] & ~mask) | field;
    g->high_byte = high_byte && g->form->ext < 0;
}

/*
 * Build a random instruction of form f addressing the cell; false if the
 * choices cannot be solved for (the caller draws again).
 */
static bool gen_one(struct gen *g, const struct form *f)
{
    struct enc e = { .rex = 0 };
    uint64_t target;
    unsigned int i;

    memset(g, 0, sizeof(*g));
    g->form = f;
    g->code = CODE_PAGE + rndn(4096 - 64);
    g->cell = (uint64_t *)(DATA_PAGE + 8 * rndn(512));
    g->entry = rnd_value();
    for ( i = 0; i < 16; i++ )
        g->regs.gpr[i] = rnd_value();
    g->regs.rflags = 0x202 | (rnd() & FL_ARITH);

    /* Operand size and where the operand sits in the entry. */
    g->width = (f->flags & F_BYTE) ? 1 : rndn(2) ? 8 : 4;
    e.off = g->width == 8 ? 0 : g->width == 4 ? 4 * rndn(2) : rndn(8);
    if ( g->width == 8 )
        e.rex |= 0x48;

    gen_modrm(&e, f);
    /* A REX with no bits: a byte operation on spl..dil, not ah..bh. */
    if ( !e.rex && g->width == 1 && rndn(2) )
        e.rex = 0x40;
    if ( e.base != NO_REG && e.base == e.index )
        return false;
    if ( (f->flags & F_BITREG) && (e.reg == e.base || e.reg == e.index) )
        return false;
    if ( !gen_bytes(g, &e) )
        return false;

    target = (uint64_t)(uintptr_t)g->cell + e.off;
    if ( f->flags & F_BITREG )
        target = gen_bit_offset(g, &e, target);
    if ( !gen_solve(g, &e, target) )
        return false;
    gen_matches(g, &e);
    return true;
}

static void gen_random(struct gen *g)
{
    while ( !gen_one(g, &forms[rndn(sizeof(forms) / sizeof(forms[0]))]) )
        continue;
}

/* ---- Running a case both ways ---- */

static unsigned int reported;

static void dump_case(const struct gen *g, const char *why)
{
    unsigned int i;

    if ( reported++ >= 5 )
        return;
    printf("  case %s (width %u) %s: bytes", g->form->name, g->width, why);
    for ( i = 0; i < g->len; i++ )
        printf(" %02x", g->bytes[i]);
    printf("; entry %#llx\n", (unsigned long long)g->entry);
}

static void regs_from_host(struct cpu_user_regs *r, const struct host_state *h)
{
    unsigned int i;

    for ( i = 0; i < 16; i++ )
        *regs_gpr(r, i) = h->gpr[i];
    r->rflags = h->rflags;
}

/* The flags the architecture leaves undefined after the instruction. */
static uint64_t undefined_flags(const struct form *f)
{
    if ( f->flags & F_LOGIC )
        return FL_AF;
    if ( f->flags & F_BITOP )
        return FL_PF | FL_AF | FL_SF | FL_OF;
    return 0;
}

/* What the CPU does to the case on entry value start. */
static void host_expect(const struct gen *g, uint64_t start,
                        struct host_state *out, uint64_t *cell_after)
{
    place_code(g->code, g->bytes, g->len);
    *g->cell = start;
    host_run(g->code, &g->regs, out);
    *cell_after = *g->cell;
}

enum mode { PLAIN, RACE, REFUSE };

/* Run g through the emulator in the given mode and compare with the CPU. */
static bool run_case(const struct gen *g, enum mode mode)
{
    struct cpu_user_regs in = { .cs = 0xe033, .ss = 0xe02b }, r;
    struct host_state out;
    struct fake f = { .entry = g->entry };
    uint64_t undef = undefined_flags(g->form), cell_after;
    unsigned long cr2 = (unsigned long)(uintptr_t)g->cell + rndn(8);
    int rc;

    place_code(g->code, g->bytes, g->len);
    regs_from_host(&in, &g->regs);
    in.rip = (unsigned long)(uintptr_t)g->code;
    in.rflags |= FL_RF;
    r = in;
    f.code_end = g->code + g->len + rndn(24);
    if ( mode == RACE )
    {
        f.races = 1;
        f.race_xor = rndn(2) ? rnd() : 1ull << rndn(64);
    }
    f.refuse = mode == REFUSE;

    rc = ptwr_emulate(&r, cr2, &fake_ops, &f);
    seen.rip_relative += g->rip_relative;
    seen.absolute += g->absolute;
    seen.index_only += g->index_only;
    seen.high_byte += g->high_byte;
    seen.bit_moved += g->bit_moved;
    seen.raced += f.raced;
    seen.refused += rc == X86EMUL_EXCEPTION;
    if ( rc == X86EMUL_OKAY )
    {
        if ( f.entry == g->entry && !f.raced )
            seen.no_store++;
        else
            seen.stored++;
    }
    if ( (g->form->flags & F_CMPXCHG) && rc == X86EMUL_OKAY &&
         !(r.rflags & FL_ZF) )
        seen.mismatch++;

    host_expect(g, f.raced ? g->entry ^ f.race_xor : g->entry, &out,
                &cell_after);
    if ( mode == REFUSE && cell_after != g->entry )
    {
        /* Refused: nothing may change. */
        if ( !CHECK_EQ(rc, X86EMUL_EXCEPTION) ||
             !CHECK(!memcmp(&r, &in, sizeof(r))) ||
             !CHECK_EQ(f.entry, g->entry) )
        {
            dump_case(g, "refused");
            return false;
        }
        return true;
    }

    {
        struct cpu_user_regs want = in;

        regs_from_host(&want, &out);
        want.rip = in.rip + g->len;
        want.rflags &= ~undef;
        r.rflags &= ~undef;
        if ( !CHECK_EQ(rc, X86EMUL_OKAY) ||
             !CHECK_EQ(f.entry, cell_after) ||
             !CHECK_EQ(r.rip, want.rip) ||
             !CHECK_EQ(r.rflags, want.rflags) ||
             !CHECK(!memcmp(&r, &want, sizeof(r))) ||
             !CHECK_EQ(f.fetches, 1) ||
             !CHECK(f.cmpxchgs <= 2) )
        {
            dump_case(g, mode == RACE ? "race" : "plain");
            return false;
        }
    }
    return true;
}

#define RANDOM_CASES 100000

TEST(random_forms_match_the_cpu)
{
    struct gen g;
    unsigned int i, per_form[sizeof(forms) / sizeof(forms[0])] = { 0 };

    area_init();
    for ( i = 0; i < RANDOM_CASES; i++ )
    {
        gen_random(&g);
        per_form[g.form - forms]++;
        if ( !run_case(&g, PLAIN) )
            break;
    }
    /* Every form and path was drawn often enough to mean something. */
    for ( i = 0; i < sizeof(forms) / sizeof(forms[0]); i++ )
        CHECK(per_form[i] > RANDOM_CASES / 100);
    CHECK(seen.rip_relative > 100);
    CHECK(seen.absolute > 100);
    CHECK(seen.index_only > 100);
    CHECK(seen.high_byte > 100);
    CHECK(seen.bit_moved > 100);
    CHECK(seen.no_store > RANDOM_CASES / 50);
    CHECK(seen.stored > RANDOM_CASES / 2);
    CHECK(seen.mismatch > 100);
    if ( getenv("TEST_PTWR_STATS") )
        printf("  rip-rel %lu abs %lu index-only %lu high-byte %lu "
               "bit-moved %lu no-store %lu stored %lu cmpxchg-mismatch %lu\n",
               seen.rip_relative, seen.absolute, seen.index_only,
               seen.high_byte, seen.bit_moved, seen.no_store, seen.stored,
               seen.mismatch);
}

TEST(races_use_the_changed_entry)
{
    struct gen g;
    unsigned int i;

    area_init();
    seen.raced = 0;
    for ( i = 0; i < RANDOM_CASES; i++ )
    {
        gen_random(&g);
        if ( !run_case(&g, RACE) )
            break;
    }
    CHECK(seen.raced > RANDOM_CASES / 2);
}

TEST(refused_entries_change_nothing)
{
    struct gen g;
    unsigned int i;

    area_init();
    seen.refused = 0;
    for ( i = 0; i < RANDOM_CASES; i++ )
    {
        gen_random(&g);
        if ( !run_case(&g, REFUSE) )
            break;
    }
    CHECK(seen.refused > RANDOM_CASES / 2);
}

/* ---- Directed cases ---- */

/* A fixed instruction with rdi at the entry; regs in/out in *r. */
struct directed {
    struct cpu_user_regs r;
    struct fake f;
    uint64_t *cell;
    uint8_t *code;
};

static int run_directed(struct directed *d, const uint8_t *insn,
                        unsigned int len)
{
    area_init();
    d->code = CODE_PAGE + 0x100;
    d->cell = (uint64_t *)(DATA_PAGE + 0x800);
    memcpy(d->code, insn, len);
    d->r.rip = (unsigned long)(uintptr_t)d->code;
    if ( !d->r.rdi )
        d->r.rdi = (unsigned long)(uintptr_t)d->cell;
    if ( !d->f.code_end )
        d->f.code_end = d->code + len;
    return ptwr_emulate(&d->r, (unsigned long)(uintptr_t)d->cell, &fake_ops,
                        &d->f);
}

#define RUN_D(d, ...) ({                                                   \
    static const uint8_t insn_[] = { __VA_ARGS__ };                         \
    run_directed(d, insn_, sizeof(insn_));                                  \
})

TEST(linux_pte_idioms)
{
    struct directed d;

    /* ptep_set_wrprotect: clear_bit(1) is "lock andb $0xfd,(%rdi)". */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x8000000012345067ull;
    d.r.rflags = 0x202 | FL_CF | FL_OF | FL_ZF;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x80, 0x27, 0xfd), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x8000000012345065ull);
    CHECK_EQ(d.r.rip - (unsigned long)(uintptr_t)d.code, 4);
    CHECK_EQ(d.r.rflags & FL_ARITH, FL_PF);   /* 0x65: 4 ones, even */
    CHECK_EQ(d.f.cmpxchgs, 1);

    /* ptep_test_and_clear_young: "lock btrq $5,(%rdi)", CF = old A. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x8000000012345067ull;
    d.r.rflags = 0x202 | FL_ZF;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x8000000012345047ull);
    CHECK_EQ(d.r.rflags & (FL_CF | FL_ZF), FL_CF | FL_ZF);
    /* Again: the bit is clear now, no store, CF = 0. */
    d.r.rip = (unsigned long)(uintptr_t)d.code;
    d.f.cmpxchgs = 0;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05), X86EMUL_OKAY);
    CHECK_EQ(d.r.rflags & FL_CF, 0);
    CHECK_EQ(d.f.cmpxchgs, 0);

    /* ptep_get_and_clear: "xchg %rax,(%rdi)" with rax = 0. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x8000000012345067ull;
    CHECK_EQ(RUN_D(&d, 0x48, 0x87, 0x07), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0);
    CHECK_EQ(d.r.rax, 0x8000000012345067ull);

    /* native_set_pte: "mov %rsi,(%rdi)". */
    memset(&d, 0, sizeof(d));
    d.r.rsi = 0x12345067;
    CHECK_EQ(RUN_D(&d, 0x48, 0x89, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x12345067);
    CHECK_EQ(d.f.cmpxchgs, 1);

    /* "lock cmpxchg %rsi,(%rdi)": mismatch loads rax, no store. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x1067;
    d.r.rax = 0x2067;
    d.r.rsi = 0x3067;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xb1, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x1067);
    CHECK_EQ(d.r.rax, 0x1067);
    CHECK_EQ(d.r.rflags & FL_ZF, 0);
    CHECK_EQ(d.f.cmpxchgs, 0);
    d.r.rip = (unsigned long)(uintptr_t)d.code;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xb1, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x3067);
    CHECK_EQ(d.r.rax, 0x1067);
    CHECK_EQ(d.r.rflags & FL_ZF, FL_ZF);

    /* The high half alone: "movl $0x80000000,4(%rdi)" (NX). */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x12345067;
    CHECK_EQ(RUN_D(&d, 0xc7, 0x47, 0x04, 0x00, 0x00, 0x00, 0x80),
             X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x8000000012345067ull);
}

TEST(rf_cleared_other_state_kept)
{
    struct directed d;
    struct cpu_user_regs before;

    memset(&d, 0, sizeof(d));
    d.r.rflags = 0x202 | FL_RF | 0x100 /* TF */ | FL_ARITH;
    d.r.cs = 0xe033;
    d.r.rax = 0x1234;
    before = d.r;
    CHECK_EQ(RUN_D(&d, 0x48, 0x89, 0x07), X86EMUL_OKAY);
    CHECK_EQ(d.r.rflags, 0x202 | 0x100 | FL_ARITH);
    CHECK_EQ(d.r.cs, 0xe033);
    CHECK_EQ(d.r.rax, before.rax);
}

/* Expect UNHANDLEABLE with nothing read, written or changed. */
static void check_refused(struct directed *d, const uint8_t *insn,
                          unsigned int len, const char *what)
{
    struct cpu_user_regs before;
    int rc;

    d->f.entry = 0x1067;
    area_init();
    d->r.rip = (unsigned long)(uintptr_t)(CODE_PAGE + 0x100);
    if ( !d->r.rdi )
        d->r.rdi = (unsigned long)(uintptr_t)(DATA_PAGE + 0x800);
    before = d->r;
    before.rip = (unsigned long)(uintptr_t)(CODE_PAGE + 0x100);
    rc = run_directed(d, insn, len);
    if ( !CHECK_EQ(rc, X86EMUL_UNHANDLEABLE) ||
         !CHECK(!memcmp(&d->r, &before, sizeof(before))) ||
         !CHECK_EQ(d->f.reads + d->f.cmpxchgs, 0) ||
         !CHECK_EQ(d->f.entry, 0x1067) )
        printf("  refused case: %s\n", what);
}

#define REFUSED(what, ...) do {                                             \
    static const uint8_t insn_[] = { __VA_ARGS__ };                         \
    struct directed d_;                                                     \
    memset(&d_, 0, sizeof(d_));                                             \
    check_refused(&d_, insn_, sizeof(insn_), what);                         \
} while ( 0 )

#define REFUSED_RDI(what, delta, ...) do {                                    \
    static const uint8_t insn_[] = { __VA_ARGS__ };                         \
    struct directed d_;                                                     \
    memset(&d_, 0, sizeof(d_));                                             \
    area_init();                                                            \
    d_.r.rdi = (unsigned long)(uintptr_t)(DATA_PAGE + 0x800) + (delta);     \
    check_refused(&d_, insn_, sizeof(insn_), what);                         \
} while ( 0 )

TEST(unsupported_encodings_are_refused)
{
    REFUSED("66: 16-bit operand", 0x66, 0x89, 0x07);
    REFUSED("67: 32-bit address", 0x67, 0x48, 0x89, 0x07);
    REFUSED("fs override", 0x64, 0x48, 0x89, 0x07);
    REFUSED("gs override", 0x65, 0x48, 0x89, 0x07);
    REFUSED("rep", 0xf3, 0x48, 0x89, 0x07);
    REFUSED("xacquire", 0xf2, 0xf0, 0x48, 0x87, 0x07);
    REFUSED("lock mov (#UD)", 0xf0, 0x48, 0x89, 0x07);
    REFUSED("lock mov imm (#UD)", 0xf0, 0xc6, 0x07, 0x01);
    REFUSED("register destination", 0x48, 0x89, 0xc7);
    REFUSED("register destination, xchg", 0x48, 0x87, 0xc7);
    REFUSED("add", 0x48, 0x01, 0x07);
    REFUSED("add imm8 (83 /0)", 0x48, 0x83, 0x07, 0x01);
    REFUSED("sub imm32 (81 /5)", 0x48, 0x81, 0x2f, 1, 0, 0, 0);
    REFUSED("adc imm8 (80 /2)", 0x80, 0x17, 0x01);
    REFUSED("82 (invalid in 64-bit)", 0x82, 0x0f, 0x01);
    REFUSED("c7 /1", 0x48, 0xc7, 0x0f, 0, 0, 0, 0);
    REFUSED("c6 /7 (xabort-like)", 0xc6, 0x3f, 0x00);
    REFUSED("bt imm (0f ba /4)", 0x48, 0x0f, 0xba, 0x27, 0x05);
    REFUSED("bt reg (0f a3)", 0x48, 0x0f, 0xa3, 0x07);
    REFUSED("cmpxchg8b", 0x0f, 0xc7, 0x0f);
    REFUSED("cmpxchg16b", 0xf0, 0x48, 0x0f, 0xc7, 0x0f);
    REFUSED("xadd", 0xf0, 0x48, 0x0f, 0xc1, 0x07);
    REFUSED("inc", 0xf0, 0x48, 0xff, 0x07);
    REFUSED("not", 0xf0, 0x48, 0xf7, 0x17);
    REFUSED("mov to rip-relative elsewhere", 0x48, 0x89, 0x05, 0, 0, 0, 0);
    REFUSED("17 bytes", 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
            0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x89, 0x07);
    REFUSED("16 bytes", 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
            0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x89, 0x07);
    REFUSED("opcode only", 0x48, 0x89);
    REFUSED("0f only", 0x0f);
    REFUSED("missing disp32", 0x48, 0x89, 0x87, 0, 0);
    REFUSED("missing imm32", 0x48, 0xc7, 0x07, 0, 0, 0);
    REFUSED("missing sib", 0x48, 0x89, 0x04);

    REFUSED_RDI("next entry", 8, 0x48, 0x89, 0x07);
    REFUSED_RDI("previous entry", -8, 0x48, 0x89, 0x07);
    REFUSED_RDI("8 bytes at offset 4", 4, 0x48, 0x89, 0x07);
    REFUSED_RDI("4 bytes at offset 2", 2, 0x89, 0x07);
    REFUSED_RDI("4 bytes at offset 6", 6, 0x89, 0x07);
    REFUSED_RDI("far away", 1ull << 40, 0x48, 0x89, 0x07);
}

TEST(fifteen_bytes_is_the_limit)
{
    struct directed d;

    memset(&d, 0, sizeof(d));
    d.r.rax = 0x5067;
    CHECK_EQ(RUN_D(&d, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
                   0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x89, 0x07), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x5067);
    CHECK_EQ(d.r.rip - (unsigned long)(uintptr_t)d.code, 15);
}

TEST(fetch_short_of_the_instruction)
{
    struct directed d;

    /* All bytes but the last are readable: refused, nothing touched. */
    memset(&d, 0, sizeof(d));
    d.f.code_end = CODE_PAGE + 0x100 + 6;
    CHECK_EQ(RUN_D(&d, 0x48, 0xc7, 0x07, 0x67, 0x50, 0x00, 0x00),
             X86EMUL_UNHANDLEABLE);
    CHECK_EQ(d.f.reads, 0);

    /* Exactly the instruction is readable: fine. */
    memset(&d, 0, sizeof(d));
    CHECK_EQ(RUN_D(&d, 0x48, 0xc7, 0x07, 0x67, 0x50, 0x00, 0x00),
             X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x5067);

    /* Nothing readable. */
    memset(&d, 0, sizeof(d));
    d.f.code_end = CODE_PAGE;
    CHECK_EQ(RUN_D(&d, 0x48, 0x89, 0x07), X86EMUL_UNHANDLEABLE);
}

TEST(bit_offset_register_moves_the_operand)
{
    struct directed d;

    /* bts %rax,(%rdi) with rax = 64 + 3: bit 3 of the next entry. */
    memset(&d, 0, sizeof(d));
    area_init();
    d.r.rax = 67;
    d.r.rdi = (unsigned long)(uintptr_t)(DATA_PAGE + 0x800) - 8;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xab, 0x07), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 8);

    /* rax = -1: bit 63 of the previous entry, which is not ours. */
    memset(&d, 0, sizeof(d));
    d.r.rax = -1ull;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xab, 0x07), X86EMUL_UNHANDLEABLE);

    /* 32-bit: eax = -1 (upper half ignored) is bit 31 of the dword below. */
    memset(&d, 0, sizeof(d));
    d.r.rax = 0x00000001ffffffffull;
    d.r.rdi = (unsigned long)(uintptr_t)(DATA_PAGE + 0x800) + 8;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x0f, 0xab, 0x07), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x8000000000000000ull);
}

TEST(validator_adjustment_is_kept)
{
    struct directed d;

    memset(&d, 0, sizeof(d));
    d.f.adjust = 1ull << 52 | 4;
    d.r.rsi = 0x12345063;
    CHECK_EQ(RUN_D(&d, 0x48, 0x87, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.entry, 0x0010000012345067ull);
    CHECK_EQ(d.r.rsi, 0);
}

TEST(endless_races_restart_the_instruction)
{
    struct directed d;
    struct cpu_user_regs before;

    /* lock bts $5: the entry keeps changing (bit 0), A stays clear. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x1047;
    d.f.races = ~0u;
    d.f.race_xor = 1;
    d.r.rflags = 0x202;
    area_init();
    d.r.rdi = (unsigned long)(uintptr_t)(DATA_PAGE + 0x800);
    d.r.rip = (unsigned long)(uintptr_t)(CODE_PAGE + 0x100);
    before = d.r;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x05), X86EMUL_OKAY);
    CHECK_EQ(d.f.cmpxchgs, PTWR_MAX_TRIES);
    CHECK(!memcmp(&d.r, &before, sizeof(before)));   /* rip not advanced */
    CHECK_EQ(d.f.entry & 0x20, 0);

    /* A 64-bit cmpxchg does not retry: a change is a mismatch. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x1047;
    d.f.races = ~0u;
    d.f.race_xor = 1;
    d.r.rax = 0x1047;
    d.r.rsi = 0x2047;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x48, 0x0f, 0xb1, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.cmpxchgs, 1);
    CHECK_EQ(d.r.rax, 0x1046);
    CHECK_EQ(d.r.rflags & FL_ZF, 0);
    CHECK_EQ(d.f.entry, 0x1046);

    /* A 32-bit cmpxchg whose half did not change tries again. */
    memset(&d, 0, sizeof(d));
    d.f.entry = 0x1047;
    d.f.races = 1;
    d.f.race_xor = 1ull << 63;
    d.r.rax = 0xffffffff00001047ull;
    d.r.rsi = 0x2047;
    CHECK_EQ(RUN_D(&d, 0xf0, 0x0f, 0xb1, 0x37), X86EMUL_OKAY);
    CHECK_EQ(d.f.cmpxchgs, 2);
    CHECK_EQ(d.f.entry, 0x8000000000002047ull);
    CHECK_EQ(d.r.rax, 0xffffffff00001047ull);
    CHECK_EQ(d.r.rflags & FL_ZF, FL_ZF);
}
