/*
 * version.c: version strings shown in the banner and fault reports.
 */
#include <xen/config.h>
#include <xen/lib.h>
#include <xen/version.h>

#define VERSION_STRING __stringify(XEN_VERSION_MAJOR) "." \
                       __stringify(XEN_VERSION_MINOR) XEN_EXTRAVERSION

const char *xen_banner_version(void)
{
    return XEN_PRODUCT " " VERSION_STRING;
}

const char *xen_version_string(void)
{
    return VERSION_STRING;
}

const char *xen_compiler(void)
{
    return "gcc " __VERSION__;
}

const char *xen_build_date(void)
{
    return __DATE__ " " __TIME__;
}
