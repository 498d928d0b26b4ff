/* priority_queue.c - a binary heap under a mutex, with a blocking get.
 *
 * This is a file you edit: exercise 3 is pq_put(), pq_get() and pq_close() below. You may add
 * helper functions (sift up, sift down) next to them; priority_queue.h is the contract.
 */
#include "priority_queue.h"

#include <errno.h>
#include <stdlib.h>

#include "sync.h"
#include "trace.h"

void pq_init(struct priority_queue *pq, size_t capacity)
{
    pq->heap = calloc(capacity, sizeof *pq->heap);
    if (pq->heap == NULL)
        die_with_error("pq_init", ENOMEM);
    pq->capacity = capacity;
    pq->count = 0;
    pq->puts = 0;
    pq->closed = false;
    mutex_init(&pq->lock);
    cond_init(&pq->not_empty);
}

void pq_destroy(struct priority_queue *pq)
{
    cond_destroy(&pq->not_empty);
    mutex_destroy(&pq->lock);
    free(pq->heap);
}

bool pq_comes_first(const struct pq_entry *a, const struct pq_entry *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return a->order < b->order;
}

bool pq_put(struct priority_queue *pq, long priority, long item)
{
    /* TODO(exercise 3): under pq->lock, if the queue is open and not full, store
     * { priority, pq->puts++, item } at heap[count], move it up past every parent it comes
     * before (pq_comes_first; the parent of i is (i - 1) / 2), count it, record
     * trace_event(TRACE_PUT, pq, item), and wake a getter. Return whether it went in. */
    (void)pq;
    (void)priority;
    (void)item;
    return false;
}

bool pq_get(struct priority_queue *pq, long *priority, long *item)
{
    /* TODO(exercise 3): under pq->lock, wait on pq->not_empty while the queue is empty and
     * open. If there is an entry, hand out heap[0], move the last entry to the top and down
     * past every child that comes before it (children of i: 2i+1 and 2i+2; swap with the one
     * that comes first), and record trace_event(TRACE_GET, pq, *item). Return whether you
     * handed one out. */
    (void)pq;
    (void)priority;
    (void)item;
    return false;
}

void pq_close(struct priority_queue *pq)
{
    /* TODO(exercise 3): mark the queue closed under the lock and wake every waiting getter. */
    (void)pq;
}
