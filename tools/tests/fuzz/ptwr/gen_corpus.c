/*
 * gen_corpus.c: writes the seed corpus of fuzz_ptwr into the directory
 * given as argv[1] (`make corpus`): the PTE writes Linux 6.1 makes, each
 * addressing mode, the callbacks' races and refusals, and a few refused
 * encodings as starting points near the checks. Deterministic output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ptwr.h"

#define ENTRY_VA    0xffff888001234560ull
#define RIP         0xffffffff81012340ull

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13,
       R14, R15 };

struct seed {
    const char *name;
    uint8_t control;
    uint8_t insn[15];
    unsigned int len;
    uint64_t entry;
    int addr_reg;                   /* register holding ENTRY_VA, or -1 */
    int reg2;                       /* another register set, or -1 */
    uint64_t reg2_val;
    int64_t delta;                  /* addr_reg = ENTRY_VA + delta */
};

#define I(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

static const struct seed seeds[] = {
    { "wrprotect-lock-andb", 0, I(0xf0, 0x80, 0x27, 0xfd),
      0x8000000012345067ull, RDI, -1, 0, 0 },
    { "young-lock-btrq", 0, I(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05),
      0x8000000012345067ull, RDI, -1, 0, 0 },
    { "get-and-clear-xchg", 0, I(0x48, 0x87, 0x07), 0x12345067, RDI, RAX,
      0, 0 },
    { "set-pte-mov", 0, I(0x48, 0x89, 0x37), 0, RDI, RSI, 0x12345067, 0 },
    { "cmpxchg-match", 0, I(0xf0, 0x48, 0x0f, 0xb1, 0x37), 0x1067, RDI, RAX,
      0x1067, 0 },
    { "cmpxchg-mismatch", 0, I(0xf0, 0x48, 0x0f, 0xb1, 0x37), 0x1067, RDI,
      RAX, 0x2067, 0 },
    { "movl-high-half", 0, I(0xc7, 0x47, 0x04, 0x00, 0x00, 0x00, 0x80),
      0x12345067, RDI, -1, 0, 0 },
    { "mov-imm32-sib", 0, I(0x48, 0xc7, 0x44, 0x8b, 0x08, 0x67, 0x50, 0, 0),
      0, RBX, RCX, -2, 0 },
    { "or-r8-high-byte", 0, I(0x08, 0x27), 0x1065, RDI, RAX, 0x0200, 0 },
    { "bts-reg-r12", 0, I(0xf0, 0x49, 0x0f, 0xab, 0x04, 0x24), 0x1000,
      R12, RAX, 70, -8 },             /* bit 6 of the next word */
    { "xor-imm8-83", 0, I(0xf0, 0x48, 0x83, 0x77, 0x00, 0x01), 0x1067, RDI,
      -1, 0, 0 },
    { "race-once", 1 << FPC_RACES_SHIFT, I(0x48, 0x87, 0x07), 0x1067, RDI,
      -1, 0, 0 },
    { "race-always", FPC_RACES, I(0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x05),
      0x1047, RDI, -1, 0, 0 },
    { "refused", FPC_REFUSE, I(0x48, 0x89, 0x37), 0, RDI, RSI, 0x12345067, 0 },
    { "adjusted", FPC_ADJUST, I(0x48, 0x89, 0x37), 0, RDI, RSI, 0x12345063, 0 },
    { "short-fetch", 9, I(0x48, 0xc7, 0x07, 0x67, 0x50, 0x00, 0x00), 0, RDI,
      -1, 0, 0 },
    { "bad-opsize", 0, I(0x66, 0x89, 0x07), 0, RDI, -1, 0, 0 },
    { "bad-gs", 0, I(0x65, 0x48, 0x89, 0x07), 0, RDI, -1, 0, 0 },
    { "bad-cmpxchg8b", 0, I(0xf0, 0x0f, 0xc7, 0x0f), 0, RDI, -1, 0, 0 },
};

static void put64(uint8_t *p, uint64_t v)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        p[i] = v >> (8 * i);
}

static void emit(const char *dir, const char *name, const uint8_t *buf,
                 size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
    f = fopen(path, "wb");
    if ( !f || fwrite(buf, 1, len, f) != len || fclose(f) )
    {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    uint8_t buf[FP_SIZE];
    unsigned int i;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }

    for ( i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++ )
    {
        const struct seed *s = &seeds[i];

        memset(buf, 0, sizeof(buf));
        buf[FP_CONTROL] = s->control;
        memcpy(buf + FP_INSN, s->insn, s->len);
        put64(buf + FP_ENTRY, s->entry);
        put64(buf + FP_RACE_XOR, 1);
        put64(buf + FP_ENTRY_VA, ENTRY_VA);
        put64(buf + FP_RIP, RIP);
        put64(buf + FP_RFLAGS, 0x10202);        /* IF, RF */
        if ( s->addr_reg >= 0 )
            put64(buf + FP_GPRS + 8 * s->addr_reg, ENTRY_VA + s->delta);
        if ( s->reg2 >= 0 )
            put64(buf + FP_GPRS + 8 * s->reg2, s->reg2_val);
        emit(argv[1], s->name, buf, sizeof(buf));
    }

    /* A bare instruction: everything else zero, the entry at address 0. */
    memset(buf, 0, sizeof(buf));
    buf[FP_INSN] = 0x48;
    buf[FP_INSN + 1] = 0x87;
    buf[FP_INSN + 2] = 0x00;                    /* xchg %rax,(%rax) */
    emit(argv[1], "bare-xchg", buf, FP_INSN + 3);
    return 0;
}
