# A domain's pages and their counts, on the real heap (page_alloc.c) over
# a simulated machine; single-threaded lock stand-ins; the M2P and
# mfn_valid() are the test's. Page tables are validated by the real
# pt_validate.c (test_pt_types.c tests it).
SRCS-test_domain_page := $(XEN)/common/domain_page.c $(XEN)/common/page_alloc.c \
                         $(XEN)/arch/x86/pv/pt_validate.c $(XEN)/arch/x86/iomem.c stub_spinlock.c
CFLAGS-test_domain_page := -fno-builtin-ffsl
test_domain_page: $(XEN)/arch/x86/include/asm/mm.h $(XEN)/arch/x86/include/asm/m2p.h
