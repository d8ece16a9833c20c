/*
 * xen/list.h: circular doubly linked lists with a sentinel head.
 *
 * A struct list_head is embedded in each element; an empty list is a head
 * whose next and prev point at itself. An element that is on no list is
 * kept "unhooked" (INIT_LIST_HEAD on itself) by list_del_init(), so
 * list_empty(&elem) says whether it is queued. Nothing here locks: the
 * owner of a list says which lock protects it.
 */
#ifndef XEN_LIST_H
#define XEN_LIST_H

#include <xen/compiler.h>
#include <xen/types.h>

struct list_head {
    struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
    h->next = h;
    h->prev = h;
}

static inline void __list_link(struct list_head *n, struct list_head *prev,
                               struct list_head *next)
{
    next->prev = n;
    n->next = next;
    n->prev = prev;
    prev->next = n;
}

/* Insert n right after h (at the front when h is the head). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
    __list_link(n, h, h->next);
}

/* Insert n right before h (at the back when h is the head). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
    __list_link(n, h->prev, h);
}

/* Unlink e and leave it unhooked (list_empty(e) is true afterwards). */
static inline void list_del_init(struct list_head *e)
{
    e->next->prev = e->prev;
    e->prev->next = e->next;
    INIT_LIST_HEAD(e);
}

static inline bool list_empty(const struct list_head *h)
{
    return h->next == h;
}

static inline bool list_is_singular(const struct list_head *h)
{
    return !list_empty(h) && h->next == h->prev;
}

/* Move e (on some list) to the back of h. */
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
    list_del_init(e);
    list_add_tail(e, h);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)

#define list_for_each(pos, h) \
    for ( (pos) = (h)->next; (pos) != (h); (pos) = (pos)->next )

/* Safe against removal of pos (n holds the next element). */
#define list_for_each_safe(pos, n, h)                                   \
    for ( (pos) = (h)->next, (n) = (pos)->next; (pos) != (h);           \
          (pos) = (n), (n) = (pos)->next )

#define list_for_each_entry(pos, h, member)                             \
    for ( (pos) = list_entry((h)->next, __typeof__(*(pos)), member);    \
          &(pos)->member != (h);                                        \
          (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member) )

#define list_for_each_entry_safe(pos, n, h, member)                     \
    for ( (pos) = list_entry((h)->next, __typeof__(*(pos)), member),    \
          (n) = list_entry((pos)->member.next, __typeof__(*(pos)), member); \
          &(pos)->member != (h);                                        \
          (pos) = (n),                                                  \
          (n) = list_entry((n)->member.next, __typeof__(*(n)), member) )

#endif /* XEN_LIST_H */
