/*
 * event_fifo.c: the FIFO event channel ABI (EVTCHNOP_init_control,
 * expand_array, set_priority).
 *
 * Theory of operation
 * -------------------
 * Every port has a 32-bit event word in guest memory, in pages the guest
 * adds one at a time with EVTCHNOP_expand_array (1024 words a page):
 *
 *     bit 31 PENDING  bit 30 MASKED  bit 29 LINKED  bit 28 BUSY
 *     bits 0-16 LINK: the next port in the queue, 0 at the end
 *
 * Each vCPU has a control block (EVTCHNOP_init_control): a READY bitmap of
 * its 16 queues and each queue's HEAD port. A queue is a singly linked
 * list through the LINK fields; we remember each queue's TAIL here. Queue
 * 0 has the highest priority; ports start at priority 7.
 *
 * Raising port p (set_pending):
 *   1. set PENDING; if p is MASKED, stop (the guest unmasks it with
 *      EVTCHNOP_unmask, which raises it again if it is pending);
 *   2. set LINKED; if it was set, stop: p is in a queue and the guest will
 *      reach it;
 *   3. append p to the queue of its vCPU and priority: link the tail's
 *      word to p, or, if there is no linked tail (the guest consumed it:
 *      the queue is empty), make p the queue's HEAD;
 *   4. for an empty queue, set the queue's READY bit and, if that was
 *      newly set, mark the vCPU's upcall pending.
 * The guest consumes a queue from HEAD: for each port it atomically clears
 * LINKED and LINK (reading the next port), then handles it if PENDING and
 * not MASKED. A port raised again after the guest unlinked it is linked
 * again (step 2 finds LINKED clear), even if it is still PENDING.
 *
 * Linking races with the guest. Linking the tail's word writes its LINK
 * only while the word is LINKED, with a cmpxchg, because the guest may be
 * unlinking it at that moment (then the queue is empty and p becomes
 * HEAD). A guest that keeps changing the word (unmasking it, say) could
 * make the cmpxchg fail for ever, so after the first failure we set BUSY,
 * which tells the guest not to unmask the word until we clear it (the
 * successful link clears it in the same cmpxchg), and try a few times
 * more. A guest that ignores BUSY only loses its own events.
 *
 * A port moving queues (new priority, or bound to another vCPU) keeps its
 * old queue until the guest has unlinked it: the channel remembers the
 * queue it was last linked on (last_vcpu_id, last_priority), and the
 * next link, done under that queue's lock, forgets it as that queue's
 * tail, so that the old queue's next append does not link through a word
 * that now belongs to another queue.
 *
 * Ports without a word yet (beyond the pages added so far) remember a
 * raise in the channel (fifo_pending); adding the page raises them. The
 * switch from 2-level carries each port's 2-level pending bit over the
 * same way, and gives every port the default priority.
 *
 * Locking: d->event_lock for init_control, expand_array and destroy
 * (callers take it); each queue's lock (IRQ-safe, taken inside a channel
 * lock, never two at once) guards its tail and the links made to it, and
 * last_vcpu_id / last_priority of the channels linked on it. The event
 * array and control blocks only appear while the domain runs (published
 * after they are set up); they go away only in evtchn_fifo_destroy, when
 * nothing can raise a port.
 */
#include <xen/event.h>
#include <xen/event_ops.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/mm.h>
#include <asm/page.h>

#define WORDS_PER_PAGE   (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES  (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define LINK_TRIES       4          /* with BUSY set, after one plain try */

struct evtchn_fifo_queue {
    uint32_t *head;                 /* HEAD in the control block */
    evtchn_port_t tail;             /* last port linked; 0: none known */
    uint8_t priority;
    spinlock_t lock;
};

struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *control_block; /* NULL: none yet */
    struct page_info *cb_page;
    struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo_domain {
    unsigned int nr_words;          /* ports with an event word */
    event_word_t *array[MAX_ARRAY_PAGES];
    struct page_info *array_page[MAX_ARRAY_PAGES];
};

/* --- Event words: guest memory, changed by the guest at any time. --- */

static bool word_test(const event_word_t *w, unsigned int bit)
{
    return read_atomic(w) & (1u << bit);
}

static bool word_test_and_set(event_word_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST) & (1u << bit);
}

static void word_clear(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~(1u << bit), __ATOMIC_SEQ_CST);
}

/* port's event word, or NULL if its page was not added (yet). */
static event_word_t *word_from_port(const struct domain *d,
                                    evtchn_port_t port)
{
    const struct evtchn_fifo_domain *fd = d->evtchn->fifo;

    if ( !fd || port >= read_atomic(&fd->nr_words) )
        return NULL;
    smp_rmb();      /* the page pointer was written before nr_words */
    return &fd->array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

/*
 * One attempt to make tail's LINK point at port, from what we last saw of
 * the word (*seen, updated): 1 done, 0 tail is not LINKED (the guest
 * consumed it: the queue is empty), -EAGAIN the guest changed the word.
 * A successful link also clears BUSY.
 */
static int try_link(event_word_t *tail, event_word_t *seen,
                    evtchn_port_t port)
{
    event_word_t old = *seen, new;

    if ( !(old & (1u << EVTCHN_FIFO_LINKED)) )
        return 0;
    new = (old & ~((1u << EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
    *seen = cmpxchg(tail, old, new);
    return *seen == old ? 1 : -EAGAIN;
}

/* Append port after tail: true if linked, false if the queue is empty. */
static bool link_after(const struct domain *d, event_word_t *tail,
                       evtchn_port_t port)
{
    event_word_t seen = read_atomic(tail);
    unsigned int i;
    int rc = try_link(tail, &seen, port);

    if ( rc >= 0 )
        return rc;

    /* The guest is changing the word: hold off its unmasking, retry. */
    word_test_and_set(tail, EVTCHN_FIFO_BUSY);
    seen = read_atomic(tail);
    for ( i = 0; i < LINK_TRIES; i++ )
    {
        rc = try_link(tail, &seen, port);
        if ( rc > 0 )
            return true;
        if ( rc == 0 )
            break;
    }
    word_clear(tail, EVTCHN_FIFO_BUSY);
    if ( rc == 0 )
        return false;
    printk(XENLOG_WARNING "d%u: event port %u not linked: the guest keeps "
           "changing the tail's word\n", d->domain_id, port);
    return true;    /* lost: as if linked, so the queue itself stays sound */
}

/* --- Queues. --- */

static struct evtchn_fifo_queue *queue_of(const struct domain *d,
                                          uint32_t vcpu_id,
                                          unsigned int priority)
{
    struct vcpu *v = vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;

    if ( !v || !v->evtchn_fifo )
        return NULL;
    return &v->evtchn_fifo->queue[priority];
}

/*
 * Lock the queue chn was last linked on. Another raise of chn (from its
 * other end) may move it meanwhile, so check after locking.
 */
static struct evtchn_fifo_queue *lock_last_queue(const struct domain *d,
                                                 struct evtchn *chn,
                                                 unsigned long *flags)
{
    struct evtchn_fifo_queue *q;
    unsigned int i;

    for ( i = 0; i < 3; i++ )
    {
        q = queue_of(d, read_atomic(&chn->last_vcpu_id),
                     read_atomic(&chn->last_priority));
        if ( !q )
            return NULL;
        spin_lock_irqsave(&q->lock, *flags);
        if ( q == queue_of(d, chn->last_vcpu_id, chn->last_priority) )
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
    return NULL;
}

/* Steps 2-4 of a raise: link chn (whose word is word) for vCPU v. */
static void fifo_link(struct domain *d, struct vcpu *v, struct evtchn *chn,
                      event_word_t *word)
{
    struct evtchn_fifo_queue *old_q, *q;
    struct evtchn_fifo_control_block *cb = v->evtchn_fifo->control_block;
    evtchn_port_t port = chn->port;
    event_word_t *tail;
    unsigned long flags;
    bool appended = false;

    old_q = lock_last_queue(d, chn, &flags);
    if ( !old_q )
    {
        printk(XENLOG_WARNING "d%u: event port %u lost (queue changes)\n",
               d->domain_id, port);
        return;
    }
    if ( word_test_and_set(word, EVTCHN_FIFO_LINKED) )
    {
        spin_unlock_irqrestore(&old_q->lock, flags);
        return;
    }
    /* The guest unlinked it from old_q: it is not old_q's tail any more. */
    if ( old_q->tail == port )
        old_q->tail = 0;

    q = &v->evtchn_fifo->queue[read_atomic(&chn->priority)];
    if ( q != old_q )
    {
        write_atomic(&chn->last_vcpu_id, v->vcpu_id);
        write_atomic(&chn->last_priority, q->priority);
        spin_unlock_irqrestore(&old_q->lock, flags);
        spin_lock_irqsave(&q->lock, flags);
    }

    if ( q->tail && (tail = word_from_port(d, q->tail)) != NULL )
        appended = link_after(d, tail, port);
    if ( !appended )
        write_atomic(q->head, port);
    q->tail = port;
    spin_unlock_irqrestore(&q->lock, flags);

    if ( !appended &&
         !(__atomic_fetch_or(&cb->ready, 1u << q->priority,
                             __ATOMIC_SEQ_CST) & (1u << q->priority)) )
        vcpu_mark_events_pending(v);
}

/* --- The port ops. --- */

static bool fifo_set_pending(struct domain *d, struct evtchn *chn)
{
    event_word_t *word = word_from_port(d, chn->port);
    struct vcpu *v;
    bool newly;

    if ( !word )
    {
        newly = !chn->fifo_pending;
        chn->fifo_pending = true;
        return newly;
    }
    newly = !word_test_and_set(word, EVTCHN_FIFO_PENDING);
    if ( word_test(word, EVTCHN_FIFO_MASKED) )
        return newly;
    /* A vCPU without a control block yet cannot have unmasked anything. */
    v = evtchn_notify_vcpu(d, chn);
    if ( v && read_atomic(&v->evtchn_fifo) &&
         read_atomic(&v->evtchn_fifo->control_block) )
        fifo_link(d, v, chn, word);
    return newly;
}

static void fifo_clear_pending(struct domain *d, struct evtchn *chn)
{
    event_word_t *word = word_from_port(d, chn->port);

    chn->fifo_pending = false;
    if ( word )
        word_clear(word, EVTCHN_FIFO_PENDING);
}

static void fifo_unmask(struct domain *d, struct evtchn *chn)
{
    event_word_t *word = word_from_port(d, chn->port);

    if ( !word )
        return;
    /*
     * EVTCHNOP_unmask clears MASKED for the guest (a guest may also clear
     * it itself and call unmask only if the port is pending); a pending
     * port is then linked onto its queue, as on Xen.
     */
    word_clear(word, EVTCHN_FIFO_MASKED);
    if ( word_test(word, EVTCHN_FIFO_PENDING) )
        fifo_set_pending(d, chn);
}

static bool fifo_is_pending(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_from_port(d, chn->port);

    return word ? word_test(word, EVTCHN_FIFO_PENDING) : chn->fifo_pending;
}

static bool fifo_is_masked(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_from_port(d, chn->port);

    return !word || word_test(word, EVTCHN_FIFO_MASKED);
}

static bool fifo_is_linked(const struct domain *d, const struct evtchn *chn)
{
    const event_word_t *word = word_from_port(d, chn->port);

    return word && word_test(word, EVTCHN_FIFO_LINKED);
}

static void fifo_init(struct domain *d, struct evtchn *chn)
{
    chn->fifo_pending = false;
}

static int fifo_set_priority(struct domain *d, struct evtchn *chn,
                             unsigned int priority)
{
    if ( priority > EVTCHN_FIFO_PRIORITY_MIN )
        return -EINVAL;
    /* Takes effect at the next link; a linked port stays where it is. */
    write_atomic(&chn->priority, priority);
    return 0;
}

const struct evtchn_port_ops evtchn_port_ops_fifo = {
    .name          = "FIFO",
    .init          = fifo_init,
    .set_pending   = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask        = fifo_unmask,
    .is_pending    = fifo_is_pending,
    .is_masked     = fifo_is_masked,
    .set_priority  = fifo_set_priority,
    .is_linked     = fifo_is_linked,
};

/* --- Setting up: control blocks, the event array, the switch. --- */

static struct evtchn_fifo_vcpu *alloc_fifo_vcpu(void)
{
    struct evtchn_fifo_vcpu *fv = xzalloc(struct evtchn_fifo_vcpu);
    unsigned int i;

    if ( !fv )
        return NULL;
    for ( i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++ )
    {
        fv->queue[i].priority = i;
        spin_lock_init(&fv->queue[i].lock);
    }
    return fv;
}

/* Give every vCPU of d without one a (blockless) FIFO state. */
static int alloc_fifo_vcpus(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu ( d, v )
        if ( !v->evtchn_fifo )
        {
            struct evtchn_fifo_vcpu *fv = alloc_fifo_vcpu();

            if ( !fv )
                return -ENOMEM;
            smp_wmb();
            write_atomic(&v->evtchn_fifo, fv);
        }
    return 0;
}

static void free_fifo_vcpus(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu ( d, v )
    {
        if ( !v->evtchn_fifo )
            continue;
        if ( v->evtchn_fifo->cb_page )
            put_guest_page_rw(v->evtchn_fifo->cb_page);
        XFREE(v->evtchn_fifo);
    }
}

/* Commit v's control block (page pg, offset checked). Cannot fail. */
static void map_control_block(struct vcpu *v, struct page_info *pg,
                              unsigned int offset)
{
    struct evtchn_fifo_vcpu *fv = v->evtchn_fifo;
    unsigned int i;

    struct evtchn_fifo_control_block *cb =
        (void *)((char *)page_to_virt(pg) + offset);

    BUILD_BUG_ON(sizeof(struct evtchn_fifo_control_block) != 72);
    fv->cb_page = pg;
    for ( i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++ )
        fv->queue[i].head = &cb->head[i];
    smp_wmb();      /* raisers see the block only with its queues set */
    write_atomic(&fv->control_block, cb);
}

/*
 * d switches to FIFO: carry each bound port's 2-level pending state over
 * (raised again when its event word appears), default priorities.
 */
static void carry_ports_over(struct domain *d,
                             const struct evtchn_port_ops *old_ops)
{
    unsigned int port, n = read_atomic(&d->evtchn->valid_ports);
    struct evtchn *chn;
    unsigned long flags;

    for ( port = 1; port < n && port < EVTCHN_2L_NR_CHANNELS; port++ )
    {
        chn = evtchn_from_port(d, port);
        spin_lock_irqsave(&chn->lock, flags);
        chn->priority = chn->last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->last_vcpu_id = 0;
        /* Only ever set here: a raise may already have come through. */
        if ( chn->state != ECS_FREE && old_ops->is_pending(d, chn) )
            chn->fifo_pending = true;
        spin_unlock_irqrestore(&chn->lock, flags);
    }
}

static int switch_to_fifo(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    const struct evtchn_port_ops *old_ops = d->evtchn_port_ops;
    int rc = alloc_fifo_vcpus(d);

    if ( !rc && !(ed->fifo = xzalloc(struct evtchn_fifo_domain)) )
        rc = -ENOMEM;
    if ( rc )
    {
        free_fifo_vcpus(d);
        return rc;
    }
    smp_wmb();      /* the FIFO state before the ops that use it */
    write_atomic(&d->evtchn_port_ops, &evtchn_port_ops_fifo);
    write_atomic(&ed->max_ports, EVTCHN_FIFO_NR_CHANNELS);
    carry_ports_over(d, old_ops);
    return 0;
}

int evtchn_fifo_init_control(struct domain *d,
                             struct evtchn_init_control *init)
{
    unsigned int offset = init->offset;
    struct page_info *pg;
    struct vcpu *v;
    int rc;

    ASSERT(spin_is_locked(&d->event_lock));
    init->link_bits = EVTCHN_FIFO_LINK_BITS;
    if ( init->vcpu >= d->max_vcpus || !(v = d->vcpu[init->vcpu]) )
        return -ENOENT;
    if ( offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
         (offset & 7) )
        return -EINVAL;
    if ( v->evtchn_fifo && v->evtchn_fifo->control_block )
        return -EINVAL;                 /* once per vCPU */
    pg = get_guest_page_rw(d, init->control_gfn);
    if ( !pg )
        return -EINVAL;

    if ( !d->evtchn->fifo )
        rc = switch_to_fifo(d);
    else
        rc = v->evtchn_fifo ? 0 : alloc_fifo_vcpus(d);
    if ( rc )
    {
        put_guest_page_rw(pg);
        return rc;
    }
    map_control_block(v, pg, offset);
    return 0;
}

/* The page just added covers [first, nr_words): raise what waited. */
static void raise_waiting_ports(struct domain *d, evtchn_port_t first)
{
    unsigned int port, end = d->evtchn->fifo->nr_words;
    struct evtchn *chn;
    unsigned long flags;

    for ( port = first; port < end && evtchn_port_valid(d, port); port++ )
    {
        chn = evtchn_from_port(d, port);
        spin_lock_irqsave(&chn->lock, flags);
        if ( chn->fifo_pending && chn->state != ECS_FREE &&
             chn->state != ECS_RESERVED )
        {
            chn->fifo_pending = false;
            if ( fifo_set_pending(d, chn) )
                evtchn_check_pollers(d, port);
        }
        spin_unlock_irqrestore(&chn->lock, flags);
    }
}

int evtchn_fifo_expand_array(struct domain *d,
                             const struct evtchn_expand_array *expand)
{
    struct evtchn_fifo_domain *fd = d->evtchn->fifo;
    unsigned int slot, first;
    struct page_info *pg;

    ASSERT(spin_is_locked(&d->event_lock));
    if ( !fd )
        return -EOPNOTSUPP;
    first = fd->nr_words;
    slot = first / WORDS_PER_PAGE;
    if ( slot >= MAX_ARRAY_PAGES )
        return -ENOSPC;
    pg = get_guest_page_rw(d, expand->array_gfn);
    if ( !pg )
        return -EINVAL;

    fd->array_page[slot] = pg;
    fd->array[slot] = page_to_virt(pg);
    smp_wmb();      /* the page before the words it holds become valid */
    write_atomic(&fd->nr_words, first + WORDS_PER_PAGE);
    raise_waiting_ports(d, first);
    return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo_domain *fd = d->evtchn->fifo;
    unsigned int i;

    if ( !fd )
        return;
    free_fifo_vcpus(d);
    for ( i = 0; i < fd->nr_words / WORDS_PER_PAGE; i++ )
        put_guest_page_rw(fd->array_page[i]);
    d->evtchn->fifo = NULL;
    xfree(fd);
}
