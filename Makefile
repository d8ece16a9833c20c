# Top-level Makefile.
#
#   make            build the hypervisor (xen/xen, xen/xen.gz) and the tools
#   make run        install what is missing, build, boot it in QEMU under GRUB2
#   make test       install what is missing, build, run every test
#   make test T=x   only the tests whose name contains x (unit and QEMU)
#   make bench      benchmarks (scheduler simulator figures)
#   make clean
#
# Variables: debug=y|n (Config.mk), XEN_OPTS (hypervisor options for `make
# run`), DOM0 (the dom0 kernel module for `make run`), QEMU_MEM, QEMU_SMP.

XEN_ROOT := $(CURDIR)
include Config.mk

BUILD := $(XEN_ROOT)/build
XEN_OPTS ?= console=com1,vga com1=115200,8n1 loglvl=all
DOM0 ?= $(BUILD)/placeholder-dom0

.PHONY: all build xen tools deps run iso test test-unit test-qemu bench clean

all build: xen tools

xen:
	$(MAKE) -C xen

tools:
	$(MAKE) -C tools/tests/unit

deps:
	@sh scripts/deps.sh

# Until dom0 can be built, the hypervisor is given a placeholder module so
# that it boots to the end instead of stopping at "No dom0 kernel".
$(BUILD)/placeholder-dom0:
	@mkdir -p $(BUILD)
	printf 'placeholder dom0 module: the hypervisor does not build dom0 yet\n' > $@

iso: xen $(DOM0)
	bash scripts/mkiso.sh -o $(BUILD)/run.iso -x xen/xen.gz -c "$(XEN_OPTS)" -m $(DOM0) ""

run: deps
	$(MAKE) iso
	sh scripts/qemu.sh $(BUILD)/run.iso

test: deps
	$(MAKE) build
	bash scripts/test.sh $(T)

test-unit: deps
	$(MAKE) -C tools/tests/unit run T=$(T)

test-qemu: deps
	$(MAKE) xen
	$(PYTHON) -m pytest -q tools/tests/qemu $(if $(T),-k "$(T)")

bench: deps
	$(MAKE) -C tools/tests/unit bench

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tools/tests/unit clean
	rm -rf $(BUILD)
