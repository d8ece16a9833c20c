/* SPDX-License-Identifier: MIT */
/*
 * public/event_channel.h: event_channel_op (__HYPERVISOR_event_channel_op,
 * 32). An event channel is a port in a domain that, when signalled, sets a
 * pending bit the guest sees in shared memory and makes the bound vCPU take
 * an upcall. Ports are bound to another domain's port (interdomain), to a
 * virtual IRQ (VIRQ_*), to a physical IRQ, or to a vCPU of the same domain
 * (IPI). Two ABIs report pending ports: the 2-level bitmaps in shared_info
 * (the default, 4096 ports) and the FIFO queues (EVTCHNOP_init_control).
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
#define __XEN_PUBLIC_EVENT_CHANNEL_H__

#include "xen.h"

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13
#define EVTCHNOP_reset_cont       14  /* hypervisor-internal continuation */

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* A port in dom that remote_dom may bind to later. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;        /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;             /* IN */
    uint16_t pad;
    evtchn_port_t remote_port;      /* IN */
    evtchn_port_t local_port;       /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
    uint32_t virq;                  /* IN: VIRQ_* */
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

struct evtchn_bind_pirq {
    uint32_t pirq;                  /* IN */
#define BIND_PIRQ__WILL_SHARE 1
    uint32_t flags;                 /* IN: BIND_PIRQ__* */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

struct evtchn_bind_ipi {
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_send evtchn_send_t;

struct evtchn_status {
    domid_t dom;                    /* IN */
    uint16_t pad;
    evtchn_port_t port;             /* IN */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5
    uint32_t status;                /* OUT */
    uint32_t vcpu;                  /* OUT: the vCPU it notifies */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;                            /* OUT */
};
typedef struct evtchn_status evtchn_status_t;

/* Notify another vCPU (interdomain, unbound and PIRQ ports only). */
struct evtchn_bind_vcpu {
    evtchn_port_t port;             /* IN */
    uint32_t vcpu;                  /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

struct evtchn_unmask {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom (the toolstack, or a kexec'ing guest). */
struct evtchn_reset {
    domid_t dom;                    /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;

/* FIFO: register vcpu's control block (switches the domain to FIFO). */
struct evtchn_init_control {
    uint64_t control_gfn;           /* IN */
    uint32_t offset;                /* IN: of the block within the page */
    uint32_t vcpu;                  /* IN */
    uint8_t link_bits;              /* OUT: EVTCHN_FIFO_LINK_BITS */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* FIFO: add one page of event words. */
struct evtchn_expand_array {
    uint64_t array_gfn;             /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;             /* IN */
    uint32_t priority;              /* IN: 0 (highest) .. 15 */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* The argument of the old event_channel_op_compat (16). */
struct evtchn_op {
    uint32_t cmd;                   /* EVTCHNOP_* */
    union {                         /* at offset 4: 4-byte aligned */
        evtchn_alloc_unbound_t alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t bind_virq;
        evtchn_bind_pirq_t bind_pirq;
        evtchn_bind_ipi_t bind_ipi;
        evtchn_close_t close;
        evtchn_send_t send;
        evtchn_status_t status;
        evtchn_bind_vcpu_t bind_vcpu;
        evtchn_unmask_t unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;

/* 2-level ABI: one bit per port in shared_info's two 64x64-bit maps. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI. */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* One word per port: flags on top, the next port of its queue below. */
typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/* Per-vCPU: which queues have events (ready) and each queue's head. */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* __XEN_PUBLIC_EVENT_CHANNEL_H__ */
