/* priority_queue.h - a thread-safe priority queue: the most urgent item comes out first.
 *
 * A binary heap in an array under one mutex. Any number of threads put items with a
 * priority; a get waits while the queue is empty and takes the item with the highest
 * priority. Among items of equal priority the one put first comes out first, so urgent work
 * jumps the line but work of the same urgency keeps its order.
 *
 * The heap: entry i's children are entries 2i+1 and 2i+2, and no child comes before its
 * parent (pq_comes_first), so entry 0 comes before every other. A put adds the entry at the
 * end and swaps it up past every parent it comes before; a get takes entry 0, moves the last
 * entry to the top, and swaps it down with whichever child comes first until neither does.
 * Both are O(log n) steps.
 */
#ifndef PRIORITY_QUEUE_H
#define PRIORITY_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct pq_entry {
    long priority;          /* higher comes out first */
    unsigned long order;    /* the put's number: breaks ties, first put first out */
    long item;
};

struct priority_queue {
    pthread_mutex_t lock;     /* guards every field below */
    pthread_cond_t not_empty; /* a get waits here while the queue is empty */
    struct pq_entry *heap;    /* heap[0 .. count-1], heap[0] first */
    size_t capacity;
    size_t count;
    unsigned long puts;       /* puts so far: the next entry's order */
    bool closed;
};

/* Given. An empty, open priority queue with room for `capacity` items (>= 1). Exits if out
 * of memory. */
void pq_init(struct priority_queue *pq, size_t capacity);

/* Given. Frees it; no thread may be using it. */
void pq_destroy(struct priority_queue *pq);

/* Given. True if a must come out before b: a higher priority, or the same priority and put
 * earlier. */
bool pq_comes_first(const struct pq_entry *a, const struct pq_entry *b);

/* Exercise 3. Adds an item with a priority. Never waits: returns false, changing nothing, if
 * the queue is full or closed; true once the item is in. */
bool pq_put(struct priority_queue *pq, long priority, long item);

/* Exercise 3. Takes out the entry that comes first (pq_comes_first), waiting while the queue
 * is empty and open, and stores its priority and item. Returns false once the queue is closed
 * and empty. */
bool pq_get(struct priority_queue *pq, long *priority, long *item);

/* Exercise 3. Closes the queue and wakes every thread waiting in pq_get. */
void pq_close(struct priority_queue *pq);

#endif
