SRCS-test_acpi := $(XEN)/drivers/acpi/tables.c
