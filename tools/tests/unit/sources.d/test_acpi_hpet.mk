# The HPET table parser, on tables built in fake physical memory.
SRCS-test_acpi_hpet := $(XEN)/drivers/acpi/tables.c $(XEN)/drivers/acpi/hpet.c \
                       acpi_fake.c
test_acpi_hpet: acpi_fake.h
