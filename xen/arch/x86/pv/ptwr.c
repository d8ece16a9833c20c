/*
 * pv/ptwr.c: writable page tables, the emulation of a guest kernel's
 * direct write to an entry of one of its own (read-only, validated) L1
 * page tables.
 *
 * Theory of operation. A PV guest's page tables are mapped read-only to
 * it, yet Linux writes L1 entries of live tables in place: native_set_pte
 * is a plain mov, ptep_get_and_clear an xchg, ptep_set_wrprotect a locked
 * "andb", ptep_test_and_clear_young a locked btr. Each such write raises
 * #PF (present, write) and the #PF handler, once it has found that the
 * target is a validated L1 of the faulting domain, calls ptwr_emulate().
 * The emulator then
 *
 *   1. fetches the instruction at rip (fetch() callback) and decodes it
 *      completely: prefixes, opcode, ModRM, SIB, displacement, immediate;
 *      anything outside the short list below is refused before any state
 *      is looked at;
 *   2. computes the effective address from the guest's registers and
 *      checks that the operand lies, naturally aligned, inside the 8-byte
 *      entry holding CR2. The instruction's own operand is the authority:
 *      bytes may have changed since the fault (another vCPU rewriting
 *      code), so nothing is assumed from CR2 beyond which entry it names;
 *   3. reads the entry (read_pte()), computes the operand's new value as
 *      the CPU would, merges it into the other bytes of the entry, and
 *      offers old and new to cmpxchg_pte(), which validates new exactly
 *      as an mmu_update would and stores it only if the entry still holds
 *      old. That compare-and-exchange is the instruction's one atomic
 *      step, so every form is emulated atomically, locked or not;
 *   4. on -EAGAIN (the entry changed: another vCPU, or the CPU setting A
 *      or D through another mapping) recomputes from the value returned
 *      and tries again, at most PTWR_MAX_TRIES times in all; after that
 *      it returns without touching the registers and the guest simply
 *      re-executes the instruction, which faults again;
 *   5. on success writes back what the instruction defines: rip past the
 *      instruction, RF cleared, the register results (xchg's old value,
 *      cmpxchg's accumulator on a mismatch) and the arithmetic flags.
 *
 * An operation that leaves the entry unchanged (a cmpxchg that does not
 * match, an "or" of bits already set) completes with no store at all: the
 * read in step 3 is then its atomic step. A refused new entry leaves the
 * registers and the entry as they were (X86EMUL_EXCEPTION) and the caller
 * delivers the #PF to the guest, as a write to a read-only page.
 *
 * Instructions, in 64-bit mode, with a memory destination only:
 *   mov  88 /r, 89 /r, C6 /0 ib, C7 /0 id (sign-extended to 64 bits)
 *   xchg 86 /r, 87 /r                   (locked whether or not F0 is there)
 *   cmpxchg 0F B0 /r, 0F B1 /r          (compare with al/eax/rax)
 *   and, or, xor: 20/08/30 /r, 21/09/31 /r, 80 /4 /1 /6 ib, 81 ... id,
 *        83 ... ib (sign-extended)
 *   bts, btr, btc: 0F AB/B3/BB /r (bit offset in a register: signed, it
 *        may move the operand to another word), 0F BA /5 /6 /7 ib
 * Operand sizes 1 (byte opcodes), 4 (no REX.W) and 8 (REX.W); a 4-byte
 * operand is one half of the entry and a byte any one of its bytes, the
 * rest of the entry taken from its current value. Prefixes: F0 (lock, not
 * allowed with mov, as on the CPU), REX (ignored when a legacy prefix
 * follows it, as on the CPU), the null segment overrides 26/2E/36/3E.
 * Refused as X86EMUL_UNHANDLEABLE: 66 (a 16-bit operand: Linux never
 * writes a PTE that way), 67 (32-bit addressing), F2/F3 (rep, or the
 * xacquire/xrelease hints), FS/GS overrides (a kernel writes its PTEs
 * through the direct map, never relative to a segment base: refusing
 * keeps the segment bases out of this file), register destinations,
 * every other opcode (add, xadd, cmpxchg8b/16b, ...). RIP-relative and
 * SIB addressing are decoded in full.
 *
 * Flags. and/or/xor set CF = OF = 0 and SF, ZF, PF from the result; AF is
 * architecturally undefined and cleared here. bts/btr/btc set CF to the
 * old bit and leave every other flag alone (SF, OF, AF, PF are undefined
 * after them). cmpxchg sets all six as "cmp accumulator, operand" does.
 * mov and xchg leave the flags alone.
 *
 * Registers. A 4-byte result written to a register zero-extends it to 64
 * bits; a byte result replaces one byte (ah, ch, dh, bh for registers 4-7
 * without a REX prefix, as on the CPU). cmpxchg writes the accumulator
 * only on a mismatch, as the CPU does.
 *
 * Locking: none here; the entry is only changed by cmpxchg_pte(), and
 * whatever serialises it against mmu_update belongs to the callback.
 */
#include <asm/processor-flags.h>
#include <asm/pv/ptwr.h>
#include <asm/pv/traps.h>
#include <xen/errno.h>
#include <xen/lib.h>

#ifndef X86_EFLAGS_PF
#define X86_EFLAGS_PF   0x00000004
#endif
#ifndef X86_EFLAGS_AF
#define X86_EFLAGS_AF   0x00000010
#endif
#ifndef X86_EFLAGS_ZF
#define X86_EFLAGS_ZF   0x00000040
#endif
#ifndef X86_EFLAGS_SF
#define X86_EFLAGS_SF   0x00000080
#endif
#ifndef X86_EFLAGS_OF
#define X86_EFLAGS_OF   0x00000800
#endif

#define ARITH_FLAGS (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
                     X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

#define REX_B   0x1
#define REX_X   0x2
#define REX_R   0x4
#define REX_W   0x8

#define PTE_BYTES 8

enum ptwr_op {
    OP_MOV, OP_XCHG, OP_CMPXCHG, OP_AND, OP_OR, OP_XOR, OP_BTS, OP_BTR,
    OP_BTC,
};

/* Where an instruction's source operand comes from. */
enum ptwr_src {
    SRC_REG,        /* the register in ModRM.reg */
    SRC_IMM8,       /* imm8, sign-extended to the operand size */
    SRC_IMM32,      /* imm32, sign-extended to the operand size */
    SRC_BITNUM,     /* imm8 bit number (0F BA) */
};

/* One instruction as decoded. */
struct ptwr_insn {
    /* The bytes fetched at rip; avail of them are valid. */
    uint8_t bytes[PTWR_MAX_INSN_LEN];
    unsigned int avail;
    unsigned int len;               /* bytes consumed so far */

    uint8_t rex;
    bool lock;
    unsigned int opcode;            /* 0x0fXX for the two-byte map */
    uint8_t modrm;
    unsigned int reg;               /* ModRM.reg with REX.R */

    enum ptwr_op op;
    enum ptwr_src src_kind;
    unsigned int width;             /* operand size: 1, 4 or 8 */

    bool rip_relative;
    unsigned long ea;               /* the operand's linear address */
    uint64_t imm;                   /* sign-extended immediate */
    uint64_t src;                   /* source value, width bits */
    unsigned int bit;               /* bts/btr/btc: bit in the operand */
};

/* What the instruction does, computed from the operand's value. */
struct ptwr_result {
    bool store;                     /* value replaces the operand */
    uint64_t value;
    bool write_reg;                 /* reg_value goes to register reg_nr */
    unsigned int reg_nr;
    uint64_t reg_value;
    unsigned long flags_mask;       /* rflags bits the instruction sets */
    unsigned long flags;
};

/* ---- Registers ---- */

static uint64_t *gpr(struct cpu_user_regs *regs, unsigned int n)
{
    switch ( n )
    {
    case 0:  return &regs->rax;
    case 1:  return &regs->rcx;
    case 2:  return &regs->rdx;
    case 3:  return &regs->rbx;
    case 4:  return &regs->rsp;
    case 5:  return &regs->rbp;
    case 6:  return &regs->rsi;
    case 7:  return &regs->rdi;
    case 8:  return &regs->r8;
    case 9:  return &regs->r9;
    case 10: return &regs->r10;
    case 11: return &regs->r11;
    case 12: return &regs->r12;
    case 13: return &regs->r13;
    case 14: return &regs->r14;
    default:
        ASSERT(n == 15);
        return &regs->r15;
    }
}

static uint64_t width_mask(unsigned int width)
{
    return width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/* Without REX, byte registers 4-7 are ah, ch, dh, bh: bits 8-15 of 0-3. */
static bool is_high_byte_reg(const struct ptwr_insn *in, unsigned int n)
{
    return in->width == 1 && !in->rex && n >= 4 && n < 8;
}

static uint64_t read_reg(const struct ptwr_insn *in,
                         struct cpu_user_regs *regs, unsigned int n)
{
    if ( is_high_byte_reg(in, n) )
        return (*gpr(regs, n - 4) >> 8) & 0xff;
    return *gpr(regs, n) & width_mask(in->width);
}

static void write_reg(const struct ptwr_insn *in, struct cpu_user_regs *regs,
                      unsigned int n, uint64_t val)
{
    uint64_t *r;

    if ( is_high_byte_reg(in, n) )
    {
        r = gpr(regs, n - 4);
        *r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
        return;
    }
    r = gpr(regs, n);
    switch ( in->width )
    {
    case 1:
        *r = (*r & ~0xffull) | (val & 0xff);
        break;
    case 4:
        *r = (uint32_t)val;         /* a 32-bit write zero-extends */
        break;
    default:
        *r = val;
        break;
    }
}

/* ---- Decoding ---- */

static bool next_byte(struct ptwr_insn *in, uint8_t *b)
{
    if ( in->len >= in->avail )
        return false;
    *b = in->bytes[in->len++];
    return true;
}

/* Little-endian immediate or displacement of n bytes, sign-extended. */
static bool next_signed(struct ptwr_insn *in, unsigned int n, int64_t *val)
{
    uint64_t v = 0;
    unsigned int i;
    uint8_t b;

    for ( i = 0; i < n; i++ )
    {
        if ( !next_byte(in, &b) )
            return false;
        v |= (uint64_t)b << (8 * i);
    }
    *val = n == 1 ? (int8_t)v : (int32_t)v;
    return true;
}

/* Consume the prefixes and the opcode. */
static bool decode_prefixes(struct ptwr_insn *in)
{
    uint8_t b;

    for ( ;; )
    {
        if ( !next_byte(in, &b) )
            return false;

        if ( (b & 0xf0) == 0x40 )
        {
            in->rex = b;
            continue;
        }

        switch ( b )
        {
        case 0xf0:
            in->lock = true;
            break;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            break;                  /* no effect in 64-bit mode */
        case 0x64: case 0x65:       /* FS/GS-relative: see the top */
        case 0x66: case 0x67:
        case 0xf2: case 0xf3:
            return false;
        default:
            in->opcode = b;
            return true;
        }
        in->rex = 0;                /* REX counts only before the opcode */
    }
}

static bool decode_opcode(struct ptwr_insn *in)
{
    uint8_t b;

    if ( !decode_prefixes(in) )
        return false;
    if ( in->opcode == 0x0f )
    {
        if ( !next_byte(in, &b) )
            return false;
        in->opcode = 0x0f00 | b;
    }
    if ( !next_byte(in, &in->modrm) )
        return false;
    in->reg = ((in->modrm >> 3) & 7) | ((in->rex & REX_R) ? 8 : 0);
    return true;
}

/* The operation an ALU group opcode (80, 81, 83) selects with ModRM.reg. */
static bool group1_op(unsigned int ext, enum ptwr_op *op)
{
    switch ( ext )
    {
    case 1: *op = OP_OR;  return true;
    case 4: *op = OP_AND; return true;
    case 6: *op = OP_XOR; return true;
    default: return false;          /* add, adc, sbb, sub, cmp */
    }
}

/* The operation, its source and whether it is a byte operation. */
static bool classify(struct ptwr_insn *in, bool *byte_op)
{
    unsigned int ext = (in->modrm >> 3) & 7;

    *byte_op = false;
    in->src_kind = SRC_REG;
    switch ( in->opcode )
    {
    case 0x08: *byte_op = true; /* fall through */
    case 0x09: in->op = OP_OR; return true;
    case 0x20: *byte_op = true; /* fall through */
    case 0x21: in->op = OP_AND; return true;
    case 0x30: *byte_op = true; /* fall through */
    case 0x31: in->op = OP_XOR; return true;
    case 0x86: *byte_op = true; /* fall through */
    case 0x87: in->op = OP_XCHG; return true;
    case 0x88: *byte_op = true; /* fall through */
    case 0x89: in->op = OP_MOV; return true;
    case 0x0fb0: *byte_op = true; /* fall through */
    case 0x0fb1: in->op = OP_CMPXCHG; return true;
    case 0x0fab: in->op = OP_BTS; return true;
    case 0x0fb3: in->op = OP_BTR; return true;
    case 0x0fbb: in->op = OP_BTC; return true;

    case 0x80:
        *byte_op = true;
        in->src_kind = SRC_IMM8;
        return group1_op(ext, &in->op);
    case 0x81:
        in->src_kind = SRC_IMM32;
        return group1_op(ext, &in->op);
    case 0x83:
        in->src_kind = SRC_IMM8;
        return group1_op(ext, &in->op);

    case 0xc6:
        *byte_op = true;
        in->src_kind = SRC_IMM8;
        in->op = OP_MOV;
        return ext == 0;
    case 0xc7:
        in->src_kind = SRC_IMM32;
        in->op = OP_MOV;
        return ext == 0;

    case 0x0fba:
        in->src_kind = SRC_BITNUM;
        switch ( ext )
        {
        case 5: in->op = OP_BTS; return true;
        case 6: in->op = OP_BTR; return true;
        case 7: in->op = OP_BTC; return true;
        default: return false;      /* bt reads; 0-3 are undefined */
        }

    default:
        return false;
    }
}

/* ModRM r/m, SIB and displacement: the address, less rip if relative. */
static bool decode_address(struct ptwr_insn *in, struct cpu_user_regs *regs)
{
    unsigned int mod = in->modrm >> 6, rm = in->modrm & 7;
    unsigned int base_nr = rm | ((in->rex & REX_B) ? 8 : 0);
    bool has_base = true;
    unsigned long ea = 0;
    int64_t disp = 0;
    uint8_t sib;

    if ( mod == 3 )
        return false;               /* a register: this is no PTE write */

    if ( rm == 4 )
    {
        unsigned int index;

        if ( !next_byte(in, &sib) )
            return false;
        index = ((sib >> 3) & 7) | ((in->rex & REX_X) ? 8 : 0);
        if ( index != 4 )           /* 4 without REX.X: no index */
            ea += *gpr(regs, index) << (sib >> 6);
        base_nr = (sib & 7) | ((in->rex & REX_B) ? 8 : 0);
        if ( (sib & 7) == 5 && mod == 0 )
        {
            has_base = false;       /* disp32 instead of a base */
            mod = 2;
        }
    }
    else if ( rm == 5 && mod == 0 )
    {
        has_base = false;
        in->rip_relative = true;
        mod = 2;
    }

    if ( has_base )
        ea += *gpr(regs, base_nr);
    if ( mod == 1 && !next_signed(in, 1, &disp) )
        return false;
    if ( mod == 2 && !next_signed(in, 4, &disp) )
        return false;
    in->ea = ea + (unsigned long)disp;
    return true;
}

static bool decode_immediate(struct ptwr_insn *in)
{
    int64_t imm = 0;

    switch ( in->src_kind )
    {
    case SRC_IMM8:
    case SRC_BITNUM:
        if ( !next_signed(in, 1, &imm) )
            return false;
        break;
    case SRC_IMM32:
        if ( !next_signed(in, 4, &imm) )
            return false;
        break;
    case SRC_REG:
        break;
    }
    in->imm = imm;
    return true;
}

/*
 * The source value and, for bts/btr/btc, the bit. A bit offset in a
 * register is signed and selects the operand-sized word at ea + (offset /
 * bits) * width, rounding down, and the bit offset % bits in it.
 */
static void decode_source(struct ptwr_insn *in, struct cpu_user_regs *regs)
{
    unsigned int bits = 8 * in->width;
    bool bit_op = in->op == OP_BTS || in->op == OP_BTR || in->op == OP_BTC;
    int64_t offset;

    if ( in->src_kind != SRC_REG )
    {
        in->src = in->imm & width_mask(in->width);
        in->bit = in->imm & (bits - 1);
        return;
    }

    in->src = read_reg(in, regs, in->reg);
    if ( !bit_op )
        return;
    ASSERT(in->width == 4 || in->width == 8);
    offset = in->width == 8 ? (int64_t)in->src : (int64_t)(int32_t)in->src;
    /* >> on a negative value is arithmetic with GCC: a floor division. */
    in->ea += (unsigned long)(offset >> (in->width == 8 ? 6 : 5)) * in->width;
    in->bit = (uint64_t)offset & (bits - 1);
}

/*
 * Decode the instruction at regs->rip completely. False if it is not one
 * we emulate or does not write inside the entry holding addr.
 */
static bool decode(struct ptwr_insn *in, struct cpu_user_regs *regs,
                   unsigned long addr, const struct ptwr_ops *ops, void *ctx)
{
    unsigned long missing;
    bool byte_op;

    missing = ops->fetch(ctx, regs->rip, in->bytes, sizeof(in->bytes));
    if ( missing > sizeof(in->bytes) )
        return false;
    in->avail = sizeof(in->bytes) - missing;

    if ( !decode_opcode(in) || !classify(in, &byte_op) )
        return false;
    if ( in->lock && in->op == OP_MOV )
        return false;               /* #UD on the CPU */
    in->width = byte_op ? 1 : (in->rex & REX_W) ? 8 : 4;

    if ( !decode_address(in, regs) || !decode_immediate(in) )
        return false;
    if ( in->rip_relative )
        in->ea += regs->rip + in->len;
    decode_source(in, regs);

    /* Naturally aligned, inside the faulting entry. */
    return (in->ea & ~(unsigned long)(PTE_BYTES - 1)) ==
           (addr & ~(unsigned long)(PTE_BYTES - 1)) &&
           !(in->ea & (in->width - 1));
}

/* ---- Execution ---- */

/* PF: set when the low byte of r has an even number of ones. */
static unsigned long parity_flag(uint64_t r)
{
    uint8_t b = r;

    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return (b & 1) ? 0 : X86_EFLAGS_PF;
}

static unsigned long sign_bit(uint64_t v, unsigned int width)
{
    return (v >> (8 * width - 1)) & 1;
}

/* ZF, SF, PF of a result; CF, OF and AF clear. */
static unsigned long logic_flags(uint64_t r, unsigned int width)
{
    return (r ? 0 : X86_EFLAGS_ZF) |
           (sign_bit(r, width) ? X86_EFLAGS_SF : 0) |
           parity_flag(r);
}

/* The flags of a - b, as cmp sets them. */
static unsigned long sub_flags(uint64_t a, uint64_t b, unsigned int width)
{
    uint64_t r = (a - b) & width_mask(width);

    return logic_flags(r, width) |
           (a < b ? X86_EFLAGS_CF : 0) |
           (((a ^ b ^ r) & 0x10) ? X86_EFLAGS_AF : 0) |
           (sign_bit((a ^ b) & (a ^ r), width) ? X86_EFLAGS_OF : 0);
}

static void bit_test_op(const struct ptwr_insn *in, uint64_t val,
                   struct ptwr_result *res)
{
    uint64_t m = 1ull << in->bit;

    res->store = true;
    res->value = in->op == OP_BTS ? val | m :
                 in->op == OP_BTR ? val & ~m : val ^ m;
    res->flags_mask = X86_EFLAGS_CF;
    res->flags = (val & m) ? X86_EFLAGS_CF : 0;
}

/* What the instruction does to an operand that holds val. */
static void compute(const struct ptwr_insn *in, struct cpu_user_regs *regs,
                    uint64_t val, struct ptwr_result *res)
{
    uint64_t acc;

    *res = (struct ptwr_result){ .store = true, .value = in->src };

    switch ( in->op )
    {
    case OP_MOV:
        break;
    case OP_XCHG:
        res->write_reg = true;
        res->reg_nr = in->reg;
        res->reg_value = val;
        break;
    case OP_CMPXCHG:
        acc = read_reg(in, regs, 0);
        res->flags_mask = ARITH_FLAGS;
        res->flags = sub_flags(acc, val, in->width);
        if ( acc != val )
        {
            res->store = false;
            res->write_reg = true;
            res->reg_nr = 0;
            res->reg_value = val;
        }
        break;
    case OP_AND:
    case OP_OR:
    case OP_XOR:
        res->value = in->op == OP_AND ? val & in->src :
                     in->op == OP_OR ? val | in->src : val ^ in->src;
        res->flags_mask = ARITH_FLAGS;
        res->flags = logic_flags(res->value, in->width);
        break;
    case OP_BTS:
    case OP_BTR:
    case OP_BTC:
        bit_test_op(in, val, res);
        break;
    }
}

/* The operation is done: write its results back. Cannot fail. */
static void retire(const struct ptwr_insn *in, struct cpu_user_regs *regs,
                   const struct ptwr_result *res)
{
    if ( res->write_reg )
        write_reg(in, regs, res->reg_nr, res->reg_value);
    regs->rflags = (regs->rflags & ~res->flags_mask) | res->flags;
    regs->rflags &= ~X86_EFLAGS_RF;
    regs->rip += in->len;
}

static int execute(const struct ptwr_insn *in, struct cpu_user_regs *regs,
                   const struct ptwr_ops *ops, void *ctx)
{
    unsigned int shift = 8 * (in->ea & (PTE_BYTES - 1));
    uint64_t mask = width_mask(in->width) << shift;
    uint64_t old = ops->read_pte(ctx), new, cur;
    struct ptwr_result res;
    unsigned int tries;
    int rc;

    for ( tries = 0; tries < PTWR_MAX_TRIES; tries++ )
    {
        compute(in, regs, (old & mask) >> shift, &res);
        new = (old & ~mask) | ((res.value << shift) & mask);
        if ( !res.store || new == old )
            break;                  /* no store: the read was atomic */

        rc = ops->cmpxchg_pte(ctx, old, new, &cur);
        if ( rc == 0 )
            break;
        if ( rc != -EAGAIN )
            return X86EMUL_EXCEPTION;
        old = cur;
    }

    if ( tries == PTWR_MAX_TRIES )
        return X86EMUL_OKAY;        /* kept losing: restart the insn */
    retire(in, regs, &res);
    return X86EMUL_OKAY;
}

int ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr,
                 const struct ptwr_ops *ops, void *ctx)
{
    struct ptwr_insn in = { .len = 0 };

    if ( !decode(&in, regs, addr, ops, ctx) )
        return X86EMUL_UNHANDLEABLE;
    return execute(&in, regs, ops, ctx);
}
