# The FADT's fixed hardware and the DSDT's \_S5_ package, in fake memory.
SRCS-test_acpi_fadt := $(XEN)/drivers/acpi/tables.c $(XEN)/drivers/acpi/fadt.c \
                       acpi_fake.c
test_acpi_fadt: acpi_fake.h
