# The debug-key registry. test_keyhandler.c #includes the module (to reset
# the key table between cases), so it is a prerequisite, not a source.
SRCS-test_keyhandler :=
test_keyhandler: $(XEN)/common/keyhandler.c
