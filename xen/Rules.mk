# xen/Rules.mk: how one directory of the hypervisor is built.
#
# Every directory under xen/ that holds code has a Makefile listing its
# objects and subdirectories:
#
#     obj-y    += foo.o bar.o
#     subdir-y += baz
#
# This file is run in that directory (make -f $(BASEDIR)/Rules.mk -C dir) and
# links everything it lists into built_in.o with `ld -r`. Objects named in
# obj-$(debug) are built in debug builds only.

BASEDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
XEN_ROOT := $(abspath $(BASEDIR)/..)
include $(XEN_ROOT)/Config.mk

obj-y :=
subdir-y :=
include Makefile
obj-y += $(obj-debug-$(debug))

INCLUDES := -I$(BASEDIR)/include -I$(BASEDIR)/arch/x86/include \
            -include $(BASEDIR)/include/xen/config.h
CFLAGS := $(XEN_CFLAGS) $(INCLUDES)
AFLAGS := $(XEN_AFLAGS) $(INCLUDES)

ifeq ($(V),1)
Q :=
echo-cmd = @:
else
Q := @
echo-cmd = @echo "  $(1)  $(subst $(BASEDIR)/,,$(CURDIR))/$(2)"
endif

subdir-objs := $(addsuffix /built_in.o,$(subdir-y))

built_in.o: $(obj-y) $(subdir-objs)
	$(Q)$(LD) $(XEN_LDFLAGS) -r -o $@ $(obj-y) $(subdir-objs)

$(subdir-objs): FORCE
	$(Q)$(MAKE) --no-print-directory -f $(BASEDIR)/Rules.mk -C $(dir $@) built_in.o

%.o: %.c
	$(call echo-cmd,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

%.o: %.S
	$(call echo-cmd,AS,$@)
	$(Q)$(CC) $(AFLAGS) -MMD -MP -c $< -o $@

# Preprocessed linker scripts.
%.lds: %.lds.S
	$(CC) $(AFLAGS) -P -E -MMD -MP -MT $@ -x assembler-with-cpp $< -o $@

.PHONY: FORCE
FORCE:

-include $(obj-y:.o=.d)
