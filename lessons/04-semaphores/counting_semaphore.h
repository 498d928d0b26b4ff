/* counting_semaphore.h - a counting semaphore, built from a mutex and a condition variable.
 *
 * A semaphore holds a count of free units. wait takes one unit, first waiting for one to be
 * free if the count is 0; post gives one back and wakes a thread that waits for it. Dijkstra
 * called the two operations P and V (from Dutch words for "try to take" and "raise").
 *
 * Started at 1, a semaphore can serve as a lock, but one with no owner: any thread may post
 * it, and one post too many lets two threads in. Started at K, it lets at most K threads past
 * at once; started at 0, it is a signal that one thread sends and another waits for. POSIX has
 * semaphores too (sem_t, <semaphore.h>), but macOS does not implement the unnamed ones
 * (sem_init fails there), so this lesson builds its own from the pieces every system has.
 */
#ifndef COUNTING_SEMAPHORE_H
#define COUNTING_SEMAPHORE_H

#include <pthread.h>
#include <stdbool.h>

struct semaphore {
    pthread_mutex_t lock;     /* guards count and waiting */
    pthread_cond_t available; /* signalled when a unit is posted */
    long count;               /* units free now; never below 0 */
    long waiting;             /* threads inside semaphore_wait that have not taken a unit yet
                               * (read it under lock: the tests and the demo do) */
};

/* Given: starts the semaphore with `initial` free units (initial >= 0). */
void semaphore_init(struct semaphore *s, long initial);

/* Given: frees what semaphore_init set up. No thread may be waiting on it. */
void semaphore_destroy(struct semaphore *s);

/* Exercise 1. P: takes one unit; if none is free, blocks until a post makes one free. */
void semaphore_wait(struct semaphore *s);

/* Exercise 1. V: gives one unit back and wakes one thread blocked in semaphore_wait, if any. */
void semaphore_post(struct semaphore *s);

/* Exercise 1. Takes one unit and returns true if one is free now; otherwise returns false at
 * once, without blocking and without changing the count. */
bool semaphore_trywait(struct semaphore *s);

#endif
