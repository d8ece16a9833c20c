/*
 * xen/typesafe.h: distinct integer types for distinct kinds of number.
 *
 * A machine frame number and a guest frame number are both "unsigned
 * long", and mixing them up is a classic source of security bugs. In debug
 * builds TYPE_SAFE() wraps the number in a one-member struct so that the
 * compiler rejects passing one where the other is expected; in release
 * builds it is a plain typedef, so there is no cost. Either way the value
 * is made with _name() and read with name_x().
 */
#ifndef XEN_TYPESAFE_H
#define XEN_TYPESAFE_H

#if CONFIG_DEBUG
#define TYPE_SAFE(_type, _name)                                             \
    typedef struct { _type _name; } _name##_t;                              \
    static inline _name##_t _##_name(_type n) { return (_name##_t){ n }; } \
    static inline _type _name##_x(_name##_t n) { return n._name; }
#else
#define TYPE_SAFE(_type, _name)                                             \
    typedef _type _name##_t;                                                \
    static inline _name##_t _##_name(_type n) { return n; }                \
    static inline _type _name##_x(_name##_t n) { return n; }
#endif

#endif /* XEN_TYPESAFE_H */
