/* queue.c - a bounded blocking queue: a mutex, two condition variables, and a ring of items.
 *
 * The reference solution of exercise 1: queue_put(), queue_get() and queue_close().
 */
#include "queue.h"

#include <errno.h>
#include <stdlib.h>

#include "sync.h"
#include "trace.h"

void queue_init(struct queue *queue, size_t capacity)
{
    queue->items = calloc(capacity, sizeof *queue->items);
    if (queue->items == NULL)
        die_with_error("queue_init", ENOMEM);
    queue->capacity = capacity;
    queue->head = 0;
    queue->count = 0;
    queue->closed = false;
    mutex_init(&queue->lock);
    cond_init(&queue->not_full);
    cond_init(&queue->not_empty);
}

void queue_destroy(struct queue *queue)
{
    cond_destroy(&queue->not_empty);
    cond_destroy(&queue->not_full);
    mutex_destroy(&queue->lock);
    free(queue->items);
}

void queue_append_locked(struct queue *queue, long item)
{
    queue->items[(queue->head + queue->count) % queue->capacity] = item;
    queue->count++;
    /* Recorded under the lock, so it is earlier than the get that takes the item: the
     * happens-before diagram draws an arrow from this put to that get. */
    trace_event(TRACE_PUT, queue, item);
}

long queue_take_locked(struct queue *queue)
{
    long item = queue->items[queue->head];
    queue->head = (queue->head + 1) % queue->capacity;
    queue->count--;
    trace_event(TRACE_GET, queue, item);
    return item;
}

bool queue_put(struct queue *queue, long item)
{
    mutex_lock(&queue->lock);
    /* `while`, not `if`: waking up means "look again", not "there is room now". Another
     * producer may have filled the slot first, and a wait may also end for no reason at all
     * (a spurious wake-up, which POSIX allows). */
    while (queue->count == queue->capacity && !queue->closed)
        cond_wait(&queue->not_full, &queue->lock);
    bool open = !queue->closed;
    if (open) {
        queue_append_locked(queue, item);
        /* One new item lets exactly one getter go on, and every thread waiting on not_empty
         * waits for the same thing: waking one is enough. */
        cond_signal(&queue->not_empty);
    }
    mutex_unlock(&queue->lock);
    return open;
}

bool queue_get(struct queue *queue, long *item)
{
    mutex_lock(&queue->lock);
    while (queue->count == 0 && !queue->closed)
        cond_wait(&queue->not_empty, &queue->lock);
    /* Items put before the close are still handed out; only a closed, empty queue says no. */
    bool got = queue->count > 0;
    if (got) {
        *item = queue_take_locked(queue);
        cond_signal(&queue->not_full);   /* one free slot: one putter can go on */
    }
    mutex_unlock(&queue->lock);
    return got;
}

void queue_close(struct queue *queue)
{
    mutex_lock(&queue->lock);
    queue->closed = true;
    /* Broadcast, not signal: the close concerns every waiter, on both sides. A signal would
     * wake one of them and leave the others asleep for ever. */
    cond_broadcast(&queue->not_empty);
    cond_broadcast(&queue->not_full);
    mutex_unlock(&queue->lock);
}
