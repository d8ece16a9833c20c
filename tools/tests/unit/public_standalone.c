/* Compiled as C99 and as C++ by sources.d/test_public_abi.mk. */
#include <public/xen.h>
