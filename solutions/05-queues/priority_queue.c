/* priority_queue.c - a binary heap under a mutex, with a blocking get.
 *
 * The reference solution of exercise 3: pq_put(), pq_get() and pq_close().
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

static void swap_entries(struct pq_entry *a, struct pq_entry *b)
{
    struct pq_entry saved = *a;
    *a = *b;
    *b = saved;
}

/* Moves heap[i] up past every parent it comes before. */
static void sift_up(struct pq_entry *heap, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!pq_comes_first(&heap[i], &heap[parent]))
            break;
        swap_entries(&heap[i], &heap[parent]);
        i = parent;
    }
}

/* Moves heap[i] down, swapping it with whichever child comes first, while a child does. */
static void sift_down(struct pq_entry *heap, size_t count, size_t i)
{
    for (;;) {
        size_t left = 2 * i + 1, right = left + 1, first = i;
        if (left < count && pq_comes_first(&heap[left], &heap[first]))
            first = left;
        if (right < count && pq_comes_first(&heap[right], &heap[first]))
            first = right;
        if (first == i)
            return;
        swap_entries(&heap[i], &heap[first]);
        i = first;
    }
}

bool pq_put(struct priority_queue *pq, long priority, long item)
{
    mutex_lock(&pq->lock);
    bool room = !pq->closed && pq->count < pq->capacity;
    if (room) {
        pq->heap[pq->count] = (struct pq_entry){ priority, pq->puts++, item };
        sift_up(pq->heap, pq->count);
        pq->count++;
        trace_event(TRACE_PUT, pq, item);
        cond_signal(&pq->not_empty);   /* one item: one getter can go on */
    }
    mutex_unlock(&pq->lock);
    return room;
}

bool pq_get(struct priority_queue *pq, long *priority, long *item)
{
    mutex_lock(&pq->lock);
    while (pq->count == 0 && !pq->closed)   /* while: look again after every wake-up */
        cond_wait(&pq->not_empty, &pq->lock);
    bool got = pq->count > 0;
    if (got) {
        *priority = pq->heap[0].priority;
        *item = pq->heap[0].item;
        pq->count--;
        pq->heap[0] = pq->heap[pq->count];
        sift_down(pq->heap, pq->count, 0);
        trace_event(TRACE_GET, pq, *item);
    }
    mutex_unlock(&pq->lock);
    return got;
}

void pq_close(struct priority_queue *pq)
{
    mutex_lock(&pq->lock);
    pq->closed = true;
    cond_broadcast(&pq->not_empty);   /* every getter must hear it, not just one */
    mutex_unlock(&pq->lock);
}
