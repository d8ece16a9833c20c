/*
 * xen/page_list.h: doubly linked lists of frames, linked through the frame
 * table.
 *
 * A page is on at most one list at a time, through the `list` member of
 * its struct page_info. The links are frame numbers, not pointers, which
 * keeps struct page_info small: PAGE_LIST_NULL (~0u) ends a list in both
 * directions, and a frame number must therefore fit in 32 bits and differ
 * from ~0u. page_alloc.c refuses memory above that limit (it is above the
 * end of the direct map anyway).
 *
 * The heap keeps its free blocks on these lists (one page, the head, per
 * block); domains will keep the pages they own on them.
 *
 * The lists do no locking: whoever owns the list head serialises access.
 */
#ifndef XEN_PAGE_LIST_H
#define XEN_PAGE_LIST_H

#include <asm/mm.h>
#include <xen/lib.h>
#include <xen/types.h>

#define PAGE_LIST_NULL (~0u)

struct page_list_head {
    uint32_t head, tail;        /* frame numbers, PAGE_LIST_NULL if empty */
};

#define PAGE_LIST_HEAD_INIT { .head = PAGE_LIST_NULL, .tail = PAGE_LIST_NULL }
#define PAGE_LIST_HEAD(name) struct page_list_head name = PAGE_LIST_HEAD_INIT

static inline void INIT_PAGE_LIST_HEAD(struct page_list_head *list)
{
    list->head = list->tail = PAGE_LIST_NULL;
}

/* The link value that names pg, and the page a link names (NULL: end). */
static inline uint32_t page_list_link(const struct page_info *pg)
{
    unsigned long mfn = mfn_x(page_to_mfn(pg));

    ASSERT(mfn < PAGE_LIST_NULL);
    return (uint32_t)mfn;
}

static inline struct page_info *page_list_page(uint32_t link)
{
    return link == PAGE_LIST_NULL ? NULL : mfn_to_page(_mfn(link));
}

static inline bool page_list_empty(const struct page_list_head *list)
{
    return list->head == PAGE_LIST_NULL;
}

static inline struct page_info *
page_list_first(const struct page_list_head *list)
{
    return page_list_page(list->head);
}

static inline struct page_info *
page_list_last(const struct page_list_head *list)
{
    return page_list_page(list->tail);
}

static inline struct page_info *page_list_next(const struct page_info *pg)
{
    return page_list_page(pg->list.next);
}

static inline struct page_info *page_list_prev(const struct page_info *pg)
{
    return page_list_page(pg->list.prev);
}

/* Insert pg at the front of list. */
static inline void page_list_add(struct page_info *pg,
                                 struct page_list_head *list)
{
    uint32_t link = page_list_link(pg);

    pg->list.prev = PAGE_LIST_NULL;
    pg->list.next = list->head;
    if ( list->head == PAGE_LIST_NULL )
        list->tail = link;
    else
        page_list_first(list)->list.prev = link;
    list->head = link;
}

/* Insert pg at the back of list. */
static inline void page_list_add_tail(struct page_info *pg,
                                      struct page_list_head *list)
{
    uint32_t link = page_list_link(pg);

    pg->list.next = PAGE_LIST_NULL;
    pg->list.prev = list->tail;
    if ( list->tail == PAGE_LIST_NULL )
        list->head = link;
    else
        page_list_last(list)->list.next = link;
    list->tail = link;
}

/*
 * Take pg off list, which must be the list it is on (the head is needed
 * when pg is first or last). The links of pg are left as NULL.
 */
static inline void page_list_del(struct page_info *pg,
                                 struct page_list_head *list)
{
    uint32_t link = page_list_link(pg);

    if ( pg->list.prev == PAGE_LIST_NULL )
    {
        ASSERT(list->head == link);
        list->head = pg->list.next;
    }
    else
        page_list_prev(pg)->list.next = pg->list.next;

    if ( pg->list.next == PAGE_LIST_NULL )
    {
        ASSERT(list->tail == link);
        list->tail = pg->list.prev;
    }
    else
        page_list_next(pg)->list.prev = pg->list.prev;

    pg->list.next = pg->list.prev = PAGE_LIST_NULL;
}

/* Take the first page off list; NULL if it is empty. */
static inline struct page_info *
page_list_remove_head(struct page_list_head *list)
{
    struct page_info *pg = page_list_first(list);

    if ( pg )
        page_list_del(pg, list);
    return pg;
}

#define page_list_for_each(pg, list)                                    \
    for ( (pg) = page_list_first(list); (pg); (pg) = page_list_next(pg) )

/* As page_list_for_each(), but pg may be taken off the list in the body. */
#define page_list_for_each_safe(pg, tmp, list)                          \
    for ( (pg) = page_list_first(list);                                 \
          (pg) && ((tmp) = page_list_next(pg), 1);                      \
          (pg) = (tmp) )

#endif /* XEN_PAGE_LIST_H */
