# test_symbols: the run-time lookup (xen/common/symbols.c) and the table
# generator (xen/tools/symbols.c). The generator is #included by the test
# itself, with its main() renamed, so it is a prerequisite but not a source.
SRCS-test_symbols := $(XEN)/common/symbols.c
test_symbols: $(XEN)/tools/symbols.c
