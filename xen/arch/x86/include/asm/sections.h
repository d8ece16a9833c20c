/*
 * asm/sections.h: boundaries of the image's sections (xen.lds.S).
 */
#ifndef ASM_X86_SECTIONS_H
#define ASM_X86_SECTIONS_H

extern char _start[], _stext[], _etext[], _srodata[], _erodata[];
extern char _sdata[], _edata[], __bss_start[], __bss_end[], _end[];
extern char __per_cpu_start[], __per_cpu_data_end[];
extern char __init_begin[], __init_end[];
extern char trampoline_start[], trampoline_end[];

#endif /* ASM_X86_SECTIONS_H */
