/* ring.c - the single-producer single-consumer ring of ring.h. */
#include "ring.h"

#include <errno.h>
#include <stdlib.h>

#include "sync.h"

void ring_init(struct ring *ring, size_t capacity)
{
    if (capacity == 0 || (capacity & (capacity - 1)) != 0)
        die_with_error("ring_init (capacity must be a power of two)", EINVAL);
    ring->slots = calloc(capacity, sizeof *ring->slots);
    if (ring->slots == NULL)
        die_with_error("ring_init", ENOMEM);
    ring->mask = capacity - 1;
    atomic_init(&ring->head, 0);
    atomic_init(&ring->tail, 0);
}

void ring_destroy(struct ring *ring)
{
    free(ring->slots);
}

bool ring_push(struct ring *ring, long item)
{
    /* Our own counter: only this thread writes it, so relaxed reads it correctly. */
    size_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    /* Acquire: pairs with the consumer's release of head, so its read of the slot we are
     * about to reuse is finished before we write it. */
    size_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
    if (tail - head > ring->mask)   /* capacity items in flight: full (unsigned wrap is fine) */
        return false;
    ring->slots[tail & ring->mask] = item;
    /* Release: the write of the slot above becomes visible no later than the new tail. */
    atomic_store_explicit(&ring->tail, tail + 1, memory_order_release);
    return true;
}

bool ring_pop(struct ring *ring, long *item)
{
    size_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    /* Acquire: pairs with the producer's release of tail, so the slot's new contents are
     * visible once we see the tail that counts them. */
    size_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
    if (tail == head)
        return false;
    *item = ring->slots[head & ring->mask];
    /* Release: our read of the slot is done before the producer can see the slot is free. */
    atomic_store_explicit(&ring->head, head + 1, memory_order_release);
    return true;
}
