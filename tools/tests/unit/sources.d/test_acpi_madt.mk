# The MADT parser, on tables built in fake physical memory.
SRCS-test_acpi_madt := $(XEN)/drivers/acpi/tables.c $(XEN)/drivers/acpi/madt.c \
                       acpi_fake.c
test_acpi_madt: acpi_fake.h
