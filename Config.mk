# Config.mk: toolchain and flags shared by every part of the tree.
#
# Included by the top-level Makefile, xen/Rules.mk and tools/. Override any
# variable on the command line, e.g. `make debug=n` or `make CC=gcc-12`.

# Build flavour. debug=y (the default while the project is young) enables
# ASSERT(), lock checking, memory poisoning and the debug-only boot options.
debug ?= y

CC      ?= gcc
LD      ?= ld
NM      ?= nm
OBJCOPY ?= objcopy
HOSTCC  ?= gcc
PYTHON  ?= /usr/bin/python3

# Warnings are errors everywhere in the tree.
WARN_CFLAGS := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
               -Wno-unused-parameter -Wpointer-arith -Wdeclaration-after-statement

# Hypervisor: freestanding C11 (GNU dialect), no libc headers (only the
# compiler's own stddef/stdint/stdarg/stdbool), no SSE/MMX/x87 so that guest
# FPU state is never clobbered behind the guest's back, no red zone (interrupts
# and exceptions push onto the current stack), frame pointers for stack traces.
# The image is linked at 0xffff82d040200000, outside the top 2 GiB that
# -mcmodel=kernel needs, so code is position-independent (-fpie) with every
# symbol hidden (xen/config.h): all references are then RIP-relative, which
# is enough since the image lives in one 1 GiB window.
XEN_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
              -isystem $(shell $(CC) -print-file-name=include) \
              -m64 -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-3dnow \
              -mno-avx -msoft-float -fpie \
              -fno-stack-protector -fno-asynchronous-unwind-tables \
              -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-strict-aliasing -fno-common \
              -fcf-protection=none -mindirect-branch-register \
              $(WARN_CFLAGS)
XEN_AFLAGS := -D__ASSEMBLY__ -m64 -nostdinc -fno-pic -fno-pie -g -Wa,--noexecstack
XEN_LDFLAGS := -m elf_x86_64 -z max-page-size=0x1000 --no-warn-rwx-segments

ifeq ($(debug),y)
XEN_CFLAGS += -DCONFIG_DEBUG=1
XEN_AFLAGS += -DCONFIG_DEBUG=1
endif

# Host programs (build tools, unit tests, the toolstack until it is
# cross-compiled for dom0): ordinary hosted C11.
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN_CFLAGS)
