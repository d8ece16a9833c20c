# Layouts against Debian's libxen-dev headers (a test-only dependency,
# scripts/deps.sh installs it): abi_libxen_side.c sees only /usr/include.
SRCS-test_abi_libxen := abi_libxen_side.o
test_abi_libxen: abi_fields.h abi_libxen.h

abi_libxen_side.o: abi_libxen_side.c abi_fields.h abi_libxen.h
	$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -c -o $@ $<
