/* barrier.h - a reusable barrier built from semaphores: two turnstiles.
 *
 * A barrier makes a group of threads wait for each other: no thread leaves barrier_wait until
 * every thread of the group has arrived. Threads that work in rounds (simulate one time step,
 * then the next) call it at the end of every round, so no thread starts round r + 1 while
 * another is still in round r.
 *
 * The trouble is the reuse. A thread let out of round r may run straight back into the
 * barrier for round r + 1 while slower threads are still on their way out of round r. So the
 * barrier has two gates, one behind the other, like the turnstiles of a metro station: the
 * first opens when everyone has arrived, the second when everyone has gone through the first.
 * A thread cannot get back to the first gate until the whole group has passed the second.
 *
 * POSIX has pthread_barrier_t, but macOS does not; this one works everywhere, and shows how.
 */
#ifndef BARRIER_H
#define BARRIER_H

#include <pthread.h>

#include "counting_semaphore.h"

struct barrier {
    int threads;                      /* how many threads meet at the barrier */
    pthread_mutex_t lock;             /* guards arrived */
    int arrived;                      /* threads between the first gate's counting and the
                                       * second's: 0 when the barrier is idle */
    struct semaphore first_turnstile; /* at 0: opened (posted `threads` times) by the last
                                       * thread to arrive */
    struct semaphore second_turnstile;/* at 0: opened by the last thread through the first */
};

/* Given: a barrier for `threads` threads (threads >= 1). */
void barrier_init(struct barrier *b, int threads);

/* Given: frees what barrier_init set up. No thread may be inside barrier_wait. */
void barrier_destroy(struct barrier *b);

/* Exercise 3. Returns once all b->threads threads have called it; reusable for any number of
 * rounds, by the same threads. */
void barrier_wait(struct barrier *b);

#endif
