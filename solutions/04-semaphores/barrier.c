/* barrier.c - a reusable barrier from two semaphore turnstiles (barrier.h).
 *
 * The reference solution of exercise 3: barrier_wait.
 */
#include "barrier.h"

#include "counting_semaphore.h"
#include "sync.h"

void barrier_init(struct barrier *b, int threads)
{
    b->threads = threads;
    mutex_init(&b->lock);
    b->arrived = 0;
    semaphore_init(&b->first_turnstile, 0);
    semaphore_init(&b->second_turnstile, 0);
}

void barrier_destroy(struct barrier *b)
{
    semaphore_destroy(&b->second_turnstile);
    semaphore_destroy(&b->first_turnstile);
    mutex_destroy(&b->lock);
}

/* Posts `times` units: opens the turnstile for exactly that many threads. */
static void open_turnstile(struct semaphore *turnstile, int times)
{
    for (int i = 0; i < times; i++)
        semaphore_post(turnstile);
}

void barrier_wait(struct barrier *b)
{
    /* Phase 1: nobody passes the first turnstile before the last thread has arrived. The
     * count and the test on it are one step under the lock, so exactly one thread sees
     * b->threads and opens the gate. */
    mutex_lock(&b->lock);
    if (++b->arrived == b->threads)
        open_turnstile(&b->first_turnstile, b->threads);
    mutex_unlock(&b->lock);
    semaphore_wait(&b->first_turnstile);   /* never while holding the lock: others must count */

    /* Phase 2: nobody passes the second turnstile before every thread is through the first.
     * Until then the first turnstile still holds units meant for the slow threads; a fast
     * thread that went straight on to the next round could take one of them and slip through
     * the next barrier early. The second gate keeps it here until those units are gone. */
    mutex_lock(&b->lock);
    if (--b->arrived == 0)
        open_turnstile(&b->second_turnstile, b->threads);
    mutex_unlock(&b->lock);
    semaphore_wait(&b->second_turnstile);
}
