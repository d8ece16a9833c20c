/* Compiled as C99 and as C++ by sources.d/test_public_abi.mk. */
#include <public/xen.h>
#include <public/sched.h>
#include <public/sched_params.h>
#include <public/vcpu.h>
