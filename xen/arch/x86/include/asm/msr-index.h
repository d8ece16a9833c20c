/*
 * asm/msr-index.h: model-specific register numbers and bits.
 */
#ifndef ASM_X86_MSR_INDEX_H
#define ASM_X86_MSR_INDEX_H

#define MSR_EFER            0xc0000080
#define  EFER_SCE           (1u << 0)
#define  EFER_LME           (1u << 8)
#define  EFER_LMA           (1u << 10)
#define  EFER_NXE           (1u << 11)
#define MSR_IA32_SYSENTER_CS  0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_FMASK           0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_SHADOW_GS_BASE  0xc0000102

#define MSR_APIC_BASE       0x0000001b
#define  APIC_BASE_BSP      (1u << 8)
#define  APIC_BASE_EXTD     (1u << 10)
#define  APIC_BASE_ENABLE   (1u << 11)
#define  APIC_BASE_ADDR_MASK 0x000ffffffffff000ul
#define MSR_TSC_DEADLINE    0x000006e0
#define MSR_X2APIC_FIRST    0x00000800

#endif /* ASM_X86_MSR_INDEX_H */
