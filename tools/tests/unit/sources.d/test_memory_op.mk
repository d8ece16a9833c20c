# memory_op (common/memory.c and the x86 sub-ops of mm/memory_x86.c) on
# test_domain_page's simulated machine: the real heap and domain memory
# code; the test supplies current, domain lookups, guest memory, the M2P,
# continuations and the boot memory map.
SRCS-test_memory_op := $(XEN)/common/memory.c $(XEN)/arch/x86/mm/memory_x86.c \
                       $(XEN)/common/domain_page.c $(XEN)/common/page_alloc.c \
                       stub_spinlock.c
CFLAGS-test_memory_op := -fno-builtin-ffsl
test_memory_op: $(XEN)/arch/x86/include/asm/mm.h $(XEN)/arch/x86/include/asm/m2p.h
