/*
 * xen/version.h: the hypervisor's own version and build information.
 */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#define XEN_PRODUCT "Xen-ABI hypervisor"

/* "Xen-ABI hypervisor 0.1.0-dev": for banners and fault reports. */
const char *xen_banner_version(void);
/* "0.1.0-dev" */
const char *xen_version_string(void);
/* "gcc (Debian 12.2.0-14) 12.2.0" and the build date. */
const char *xen_compiler(void);
const char *xen_build_date(void);

#endif /* XEN_VERSION_H */
