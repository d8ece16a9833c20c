# Top-level Makefile.
#
#   make            build the hypervisor (xen/xen, xen/xen.gz), the tools and
#                   the PV test guests (build/guests/)
#   make run        install what is missing, build, boot it in QEMU under GRUB2
#   make test       install what is missing, build, run every test
#   make test T=x   only the tests whose name contains x (unit and QEMU)
#   make test-ref   the PV test guests on the reference, Debian's Xen 4.17
#                   (downloaded with apt-get on first use); T=x selects
#   make bench      benchmarks: scheduler simulator figures; PV micro-benchmarks
#                   on ours and on Xen 4.17 in one run, as ratios
#   make clean
#
# Variables: debug=y|n (Config.mk), XEN_OPTS (hypervisor options for `make
# run`), DOM0 (the dom0 kernel module for `make run`), QEMU_MEM, QEMU_SMP.

XEN_ROOT := $(CURDIR)
include Config.mk

BUILD := $(XEN_ROOT)/build
XEN_OPTS ?= console=com1,vga com1=115200,8n1 loglvl=all
DOM0 ?= $(BUILD)/guests/_idle

.PHONY: all build xen tools guests deps run iso test test-ref test-unit test-qemu bench clean

all build: xen tools guests

xen:
	$(MAKE) -C xen

tools:
	$(MAKE) -C tools/tests/unit

guests:
	$(MAKE) -C tools/tests/guests

deps:
	@sh scripts/deps.sh

# Until Linux runs as dom0, `make run` boots the idle test guest as dom0.
$(BUILD)/guests/_idle: guests

iso: xen $(DOM0)
	bash scripts/mkiso.sh -o $(BUILD)/run.iso -x xen/xen.gz -c "$(XEN_OPTS)" -m $(DOM0) ""

run: deps
	$(MAKE) iso
	sh scripts/qemu.sh $(BUILD)/run.iso

test: deps
	$(MAKE) build
	bash scripts/test.sh $(T)

test-ref: deps guests
	XEN_REF=1 $(PYTHON) -m pytest -q tools/tests/qemu/test_guests.py $(if $(T),-k "$(T)")

test-unit: deps
	$(MAKE) -C tools/tests/unit run T=$(T)

test-qemu: deps
	$(MAKE) xen
	$(PYTHON) -m pytest -q tools/tests/qemu $(if $(T),-k "$(T)")

bench: deps xen
	$(MAKE) -C tools/tests/unit bench
	$(PYTHON) tools/tests/guests/bench.py

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tools/tests/unit clean
	$(MAKE) -C tools/tests/guests clean
	rm -rf $(BUILD)
