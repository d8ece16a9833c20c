/*
 * fuzz_ptwr.h: the input format of fuzz_ptwr (shared with gen_corpus.c).
 *
 * An input is up to FP_SIZE bytes; a shorter one reads as if padded with
 * zeroes, so a bare instruction is a complete input (entry at address 0,
 * every register 0: "(%rax)" addresses the entry). Little-endian fields:
 */
#ifndef FUZZ_PTWR_H
#define FUZZ_PTWR_H

#define FP_CONTROL      0   /* u8, FPC_* below */
#define FP_CR2_OFF      1   /* u8: low 3 bits, CR2's byte in the entry */
#define FP_INSN         2   /* 15 instruction bytes at rip */
#define FP_ENTRY        17  /* u64: the entry's value */
#define FP_RACE_XOR     25  /* u64: what a race flips in the entry */
#define FP_ENTRY_VA     33  /* u64: the entry's address (aligned down) */
#define FP_RIP          41  /* u64 */
#define FP_RFLAGS       49  /* u64 */
#define FP_GPRS         57  /* 16 x u64: rax, rcx, ..., r15 */
#define FP_SIZE         (FP_GPRS + 16 * 8)

#define FPC_MISSING     0x0f    /* instruction bytes fetch() cannot read */
#define FPC_REFUSE      0x10    /* the validator refuses every entry */
#define FPC_RACES       0x60    /* changes before cmpxchgs (3: always) */
#define FPC_RACES_SHIFT 5
#define FPC_ADJUST      0x80    /* the validator adds bits 2 and 52 */

#endif /* FUZZ_PTWR_H */
