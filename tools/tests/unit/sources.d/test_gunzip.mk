# gzip/DEFLATE (xen/common/gunzip.c) and bzImages with a gzip payload, with
# the helpers test_unxz uses too (unpack_util.c). bzimage.c needs the XZ
# decoder as well.
SRCS-test_gunzip := $(XEN)/common/bzimage.c $(XEN)/common/gunzip.c \
                    $(wildcard $(XEN)/common/xz/*.c) unpack_util.c
CFLAGS-test_gunzip := -I$(XEN)/common
test_gunzip: $(wildcard $(XEN)/common/xz/*.h) $(XEN)/common/gunzip.h \
             unpack_util.h
