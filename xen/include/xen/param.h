/*
 * xen/param.h: the boot-parameter registry.
 *
 * A boot option is declared next to the code that uses it:
 *
 *     static bool opt_noreboot;
 *     boolean_param("noreboot", opt_noreboot);
 *
 *     static unsigned int opt_loglvl;
 *     custom_param("loglvl", parse_loglvl);
 *
 * Each declaration places a struct kernel_param in the .data.param section;
 * the linker script gathers them between __param_start and __param_end, and
 * parse_params() walks that array for every word of the command line.
 *
 * Syntax accepted (as Xen users write it):
 *   name                 boolean true (bool) / custom parser called with ""
 *   no-name              boolean false; custom parser called with "no-name"
 *   name=value           bool: 1/0/yes/no/true/false/on/off/enable/disable
 *                        int:  decimal, 0x hex or 0 octal, optional sign
 *                        size: number with optional K/M/G/T suffix
 *                        string: copied, truncated to the buffer with a warning
 *                        custom: the parser gets "value"
 * Words are separated by spaces; '-' and '_' are equivalent in names; a word
 * may be quoted with "..." to contain spaces. The first " -- " ends the
 * hypervisor's options: the rest belongs to dom0 (see cmdline_split()).
 *
 * Unknown options and bad values are warned about, never fatal.
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/compiler.h>
#include <xen/types.h>

enum param_type {
    PARAM_BOOL,   /* bool */
    PARAM_UINT,   /* unsigned integer of size len (1, 2, 4 or 8) */
    PARAM_SINT,   /* signed integer of size len */
    PARAM_SIZE,   /* unsigned 64-bit byte count, K/M/G/T suffixes */
    PARAM_STRING, /* char array of size len */
    PARAM_CUSTOM, /* int fn(const char *value): 0 or -errno */
};

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;
    union {
        void *var;
        int (*func)(const char *);
    } par;
};

#define __param_entry(ident) \
    static const struct kernel_param __used __section(".data.param") \
        __aligned(sizeof(void *)) ident

#define boolean_param(_name, _var)                                          \
    __param_entry(__kparam_##_var) = {                                      \
        .name = (_name), .type = PARAM_BOOL, .len = sizeof(_var),           \
        .par.var = &(_var) }
#define integer_param(_name, _var)                                          \
    __param_entry(__kparam_##_var) = {                                      \
        .name = (_name),                                                    \
        .type = ((__typeof__(_var))-1 > 0) ? PARAM_UINT : PARAM_SINT,       \
        .len = sizeof(_var), .par.var = &(_var) }
#define size_param(_name, _var)                                             \
    __param_entry(__kparam_##_var) = {                                      \
        .name = (_name), .type = PARAM_SIZE, .len = sizeof(_var),           \
        .par.var = &(_var) }
#define string_param(_name, _var)                                           \
    __param_entry(__kparam_##_var) = {                                      \
        .name = (_name), .type = PARAM_STRING, .len = sizeof(_var),         \
        .par.var = (_var) }
#define custom_param(_name, _fn)                                            \
    __param_entry(__kparam_##_fn) = {                                       \
        .name = (_name), .type = PARAM_CUSTOM, .len = 0,                    \
        .par.func = (_fn) }

/*
 * Parse a hypervisor command line (the part before " -- ") against the
 * parameters in [start, end). Returns the number of words that were warned
 * about (unknown options and bad values); 0 means all were accepted.
 */
unsigned int parse_params(const char *cmdline,
                          const struct kernel_param *start,
                          const struct kernel_param *end);

/*
 * Split a full command line at the first " -- " (or a leading "-- ").
 * Returns a pointer to the text after the separator (the dom0 extra options,
 * possibly ""), or NULL if there is no separator. *xen_len receives the
 * length of the hypervisor's part.
 */
const char *cmdline_split(const char *cmdline, size_t *xen_len);

/* The registry as linked into the hypervisor (see xen.lds.S). */
extern const struct kernel_param __param_start[], __param_end[];

#endif /* XEN_PARAM_H */
