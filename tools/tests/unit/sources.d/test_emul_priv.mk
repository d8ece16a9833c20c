# The PV privileged-instruction emulator and what it shares: CPUID policy,
# debug registers, the port filter, physdev_op. emul_priv_fake.c supplies
# the hardware (pv/emul-hw.h), guest memory, current and the FPU/XSAVE
# hooks; test_emul_priv_io covers port I/O on the same machine.
EMUL_PRIV_SRCS := $(addprefix $(XEN)/arch/x86/pv/,emul-priv-op.c cpuid.c \
                  debugreg.c ioport.c physdev.c) emul_priv_fake.c
EMUL_PRIV_DEPS := emul_priv_fake.h $(XEN)/arch/x86/pv/emul-hw.h \
                  $(XEN)/arch/x86/include/asm/pv/emulate.h
SRCS-test_emul_priv := $(EMUL_PRIV_SRCS)
CFLAGS-test_emul_priv := -I$(XEN)/arch/x86/pv
test_emul_priv: $(EMUL_PRIV_DEPS)
SRCS-test_emul_priv_io := $(EMUL_PRIV_SRCS)
CFLAGS-test_emul_priv_io := -I$(XEN)/arch/x86/pv
test_emul_priv_io: $(EMUL_PRIV_DEPS)
