/* ring.h - a lock-free ring buffer for exactly one producer thread and one consumer thread.
 *
 * The advanced step, finished for you to read: no mutex, no condition variable, only two
 * C11 atomic counters. `tail` counts the items ever pushed and is written only by the
 * producer; `head` counts the items ever popped and is written only by the consumer. Each
 * thread reads the other's counter to see whether the ring is full or empty, and never waits:
 * push and pop return false instead, and the caller decides what to do (try again, yield).
 *
 * Why it needs acquire and release: the producer writes an item into its slot and then
 * publishes it by advancing `tail`. The consumer must not see the new `tail` and still read
 * the slot's old contents. A release store of `tail` paired with an acquire load of it makes
 * every write the producer made before the store visible to the consumer after the load. The
 * same pair on `head` keeps the producer from overwriting a slot the consumer is still reading.
 * With memory_order_relaxed on either pair the code compiles and is a data race that
 * ThreadSanitizer reports: relaxing the `tail` pair lets the consumer read a slot before the
 * item is in it, relaxing the `head` pair lets the producer overwrite a slot still being read.
 * It may seem to work on x86, whose processor keeps these accesses in order, but relaxed orders
 * let the compiler reorder them on x86 too, and a weakly ordered processor (ARM) reorders them
 * itself.
 *
 * Only for one producer and one consumer: two producers could both see the same free slot.
 */
#ifndef RING_H
#define RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* The counters sit on separate cache lines: each is written by a different core, and sharing
 * a line would make the two cores take the line from each other on every push and pop. */
#define RING_CACHE_LINE 64

struct ring {
    _Alignas(RING_CACHE_LINE) atomic_size_t head;   /* items popped so far (consumer writes) */
    _Alignas(RING_CACHE_LINE) atomic_size_t tail;   /* items pushed so far (producer writes) */
    _Alignas(RING_CACHE_LINE) size_t mask;          /* capacity - 1 */
    long *slots;                                    /* item n lives in slots[n & mask] */
};

/* An empty ring; capacity must be a power of two (so n & mask is n % capacity), at least 1.
 * Exits if out of memory. */
void ring_init(struct ring *ring, size_t capacity);
void ring_destroy(struct ring *ring);

/* Producer only: adds an item and returns true, or returns false at once if the ring is full. */
bool ring_push(struct ring *ring, long item);

/* Consumer only: takes the oldest item and returns true, or returns false at once if empty. */
bool ring_pop(struct ring *ring, long *item);

#endif
