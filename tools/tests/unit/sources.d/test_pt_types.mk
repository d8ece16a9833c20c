# PV page-table types and validation: the type machine (domain_page.c) and
# the entry rules (pv/pt_validate.c) on test_domain_page's simulated
# machine and real heap; the test supplies the M2P, mfn_valid(),
# idle_pg_table, preemption and the TLB-flush hook. dom0_layout.c: the
# dom0 builder's tables are checked against the same rules.
SRCS-test_pt_types := $(XEN)/common/domain_page.c $(XEN)/common/page_alloc.c \
                      $(XEN)/arch/x86/pv/pt_validate.c $(XEN)/arch/x86/iomem.c \
                      $(XEN)/arch/x86/pv/dom0_layout.c stub_spinlock.c
CFLAGS-test_pt_types := -fno-builtin-ffsl
test_pt_types: $(XEN)/arch/x86/include/asm/mm.h $(XEN)/arch/x86/include/asm/pv/mm.h
