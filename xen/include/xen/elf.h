/*
 * xen/elf.h: the parts of the ELF64 format the guest kernel loader uses
 * (file header, program headers, notes), as the System V gABI and the
 * x86-64 psABI define them. Field names are the standard ones so that any
 * ELF documentation applies directly.
 */
#ifndef XEN_ELF_H
#define XEN_ELF_H

#include <xen/types.h>

typedef uint64_t Elf64_Addr;
typedef uint64_t Elf64_Off;
typedef uint16_t Elf64_Half;
typedef uint32_t Elf64_Word;
typedef uint64_t Elf64_Xword;

/* e_ident[]: indices and values. */
#define EI_MAG0         0
#define EI_MAG1         1
#define EI_MAG2         2
#define EI_MAG3         3
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define EI_OSABI        7
#define EI_NIDENT       16

#define ELFMAG0         0x7f
#define ELFMAG1         'E'
#define ELFMAG2         'L'
#define ELFMAG3         'F'

#define ELFCLASS32      1
#define ELFCLASS64      2

#define ELFDATA2LSB     1       /* little endian */
#define ELFDATA2MSB     2       /* big endian */

#define EV_CURRENT      1       /* e_ident[EI_VERSION] and e_version */

/* e_type */
#define ET_REL          1
#define ET_EXEC         2
#define ET_DYN          3

/* e_machine */
#define EM_386          3
#define EM_X86_64       62

/* e_phnum value meaning "the real count is in section header 0". */
#define PN_XNUM         0xffff

typedef struct {
    uint8_t     e_ident[EI_NIDENT];
    Elf64_Half  e_type;
    Elf64_Half  e_machine;
    Elf64_Word  e_version;
    Elf64_Addr  e_entry;
    Elf64_Off   e_phoff;        /* program header table, file offset */
    Elf64_Off   e_shoff;        /* section header table, file offset */
    Elf64_Word  e_flags;
    Elf64_Half  e_ehsize;       /* size of this header */
    Elf64_Half  e_phentsize;    /* size of one program header */
    Elf64_Half  e_phnum;
    Elf64_Half  e_shentsize;
    Elf64_Half  e_shnum;
    Elf64_Half  e_shstrndx;
} Elf64_Ehdr;

/* p_type */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_SHLIB        5
#define PT_PHDR         6
#define PT_TLS          7

/* p_flags */
#define PF_X            0x1
#define PF_W            0x2
#define PF_R            0x4

typedef struct {
    Elf64_Word  p_type;
    Elf64_Word  p_flags;
    Elf64_Off   p_offset;       /* file offset of the segment's bytes */
    Elf64_Addr  p_vaddr;
    Elf64_Addr  p_paddr;
    Elf64_Xword p_filesz;       /* bytes present in the file */
    Elf64_Xword p_memsz;        /* bytes in memory; the rest is zeroed */
    Elf64_Xword p_align;
} Elf64_Phdr;

/*
 * A note: this header, then n_namesz bytes of name and n_descsz bytes of
 * descriptor, each padded to a 4-byte boundary.
 */
typedef struct {
    Elf64_Word  n_namesz;
    Elf64_Word  n_descsz;
    Elf64_Word  n_type;
} Elf64_Nhdr;

#define ELF_NOTE_ALIGN  4

#endif /* XEN_ELF_H */
