# The page allocator is #included by the test itself (to reset and inspect
# its state between cases), so it is a prerequisite but not a source. The
# locks are single-threaded stand-ins.
# xen/bitops.h's ffsl() returns unsigned int: not the host's builtin
# (so the test takes memset() and friends from xen/string.h, not <string.h>).
SRCS-test_page_alloc := stub_spinlock.c
CFLAGS-test_page_alloc := -fno-builtin-ffsl
test_page_alloc: $(XEN)/common/page_alloc.c $(XEN)/arch/x86/include/asm/mm.h
