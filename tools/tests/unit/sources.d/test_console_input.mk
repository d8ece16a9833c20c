# The serial input switch. test_console_input.c #includes the module (to
# reset its state between cases), so it is a prerequisite, not a source;
# kernel.c parses conswitch= through the module's registry entry. The ring
# is exercised by reader threads.
SRCS-test_console_input := $(XEN)/common/kernel.c $(XEN)/common/lib.c
CFLAGS-test_console_input := -pthread
test_console_input: $(XEN)/drivers/char/console_input.c
