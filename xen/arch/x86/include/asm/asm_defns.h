/*
 * asm/asm_defns.h: helpers for assembly files.
 */
#ifndef ASM_X86_ASM_DEFNS_H
#define ASM_X86_ASM_DEFNS_H

#ifdef __ASSEMBLY__
#define ENTRY(name)   \
    .globl name;      \
    .type name, @function; \
name:

#define GLOBAL(name)  \
    .globl name;      \
name:

#define END(name) .size name, . - name
#endif

#endif /* ASM_X86_ASM_DEFNS_H */
