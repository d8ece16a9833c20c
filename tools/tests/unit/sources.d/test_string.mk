# The hypervisor's string functions, renamed to xen_* so that they do not
# replace the C library's. The harness, built with the same flags, uses the
# xen_* versions too.
SRCS-test_string := $(XEN)/common/string.c
CFLAGS-test_string := -Dmemcpy=xen_memcpy -Dmemmove=xen_memmove \
                      -Dmemset=xen_memset -Dmemcmp=xen_memcmp \
                      -Dmemchr=xen_memchr -Dstrlen=xen_strlen \
                      -Dstrnlen=xen_strnlen -Dstrcmp=xen_strcmp \
                      -Dstrncmp=xen_strncmp -Dstrchr=xen_strchr \
                      -Dstrrchr=xen_strrchr -Dstrstr=xen_strstr \
                      -Dstrlcpy=xen_strlcpy -Dstrlcat=xen_strlcat
