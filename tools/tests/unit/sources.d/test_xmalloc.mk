# The heap; the page allocator and the lock are stand-ins in the test.
# test_xmalloc.c #includes the module (to check the heap's internal
# invariants), so it is a prerequisite, not a source.
SRCS-test_xmalloc :=
test_xmalloc: $(XEN)/common/xmalloc.c
