# The PV kernel loader, with the in-memory image builder it shares with the
# fuzz harness in tools/tests/fuzz/elf.
SRCS-test_elf := $(XEN)/common/libelf.c $(XEN)/common/libelf_notes.c \
                 $(XEN_ROOT)/tools/tests/fuzz/elf/elf_image.c
CFLAGS-test_elf := -I$(XEN_ROOT)/tools/tests/fuzz/elf
test_elf: $(XEN_ROOT)/tools/tests/fuzz/elf/elf_image.h
