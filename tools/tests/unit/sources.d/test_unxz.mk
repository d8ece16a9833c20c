# The bzImage unpacker and the XZ decoder (gzip's own test is test_gunzip).
# The test runs the host's xz(1) to make most of its vectors (skipping those
# cases without it); unpack_util.c holds what the two tests share.
SRCS-test_unxz := $(XEN)/common/bzimage.c $(XEN)/common/gunzip.c \
                  $(wildcard $(XEN)/common/xz/*.c) unpack_util.c
CFLAGS-test_unxz := -I$(XEN)/common
test_unxz: $(wildcard $(XEN)/common/xz/*.h) $(XEN)/common/gunzip.h \
           unpack_util.h
