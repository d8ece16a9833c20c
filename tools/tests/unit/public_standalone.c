/* Compiled as C99 and as C++ by sources.d/test_public_abi.mk. */
#include <public/elfnote.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/sched_params.h>
#include <public/vcpu.h>
#include <public/features.h>
#include <public/version.h>
#include <public/callback.h>
#include <public/physdev.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/grant_table.h>
