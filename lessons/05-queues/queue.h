/* queue.h - a bounded blocking queue that many threads put into and get from at once.
 *
 * Producers put items in, consumers get them out, oldest first. The queue holds at most
 * `capacity` items: a put waits while it is full, a get waits while it is empty. That waiting
 * is what makes it the standard way to hand work from one thread to another: a fast producer
 * is slowed to the consumers' pace instead of filling memory, and an idle consumer sleeps
 * instead of spinning.
 *
 * Closing says "no more items will come": every put after it fails at once, and gets take
 * what is left, then report that the queue is closed. Every thread waiting in either is woken.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct queue {
    pthread_mutex_t lock;      /* guards every field below */
    pthread_cond_t not_full;   /* a put waits here while the queue is full */
    pthread_cond_t not_empty;  /* a get waits here while the queue is empty */
    long *items;               /* a ring of `capacity` slots */
    size_t capacity;
    size_t head;               /* the slot of the oldest item */
    size_t count;              /* how many items are in the queue */
    bool closed;
};

/* Given. An empty, open queue of `capacity` slots (capacity >= 1). Exits if out of memory. */
void queue_init(struct queue *queue, size_t capacity);

/* Given. Frees the queue; no thread may be using it. */
void queue_destroy(struct queue *queue);

/* Given, for code that holds queue->lock: adds an item after the newest (the queue must not be
 * full), or takes the oldest out (it must not be empty). They keep the ring's bookkeeping and
 * record the put or get for the tracer; they do not wait, wake anyone or lock anything. */
void queue_append_locked(struct queue *queue, long item);
long queue_take_locked(struct queue *queue);

/* Exercise 1. Puts an item in, waiting while the queue is full. Returns true once it is in;
 * returns false, leaving the queue alone, if the queue is closed (before or while it waited). */
bool queue_put(struct queue *queue, long item);

/* Exercise 1. Takes the oldest item out into *item, waiting while the queue is empty and open.
 * Returns true with an item; returns false once the queue is closed and empty. */
bool queue_get(struct queue *queue, long *item);

/* Exercise 1. Closes the queue and wakes every thread waiting in queue_put or queue_get.
 * Closing a closed queue does nothing more. */
void queue_close(struct queue *queue);

#endif
