# Table discovery and validation, against fake physical memory.
SRCS-test_acpi := $(XEN)/drivers/acpi/tables.c $(XEN)/drivers/acpi/fadt.c \
                  acpi_fake.c
test_acpi: acpi_fake.h
