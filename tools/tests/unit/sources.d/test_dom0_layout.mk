# The PV boot-area layout and initial page tables: pure, run on a
# simulated machine (machine frames in one MAP_NORESERVE mapping).
SRCS-test_dom0_layout := $(XEN)/arch/x86/pv/dom0_layout.c
test_dom0_layout: $(XEN)/arch/x86/include/asm/dom0_build.h
