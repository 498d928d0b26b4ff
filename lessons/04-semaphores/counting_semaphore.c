/* counting_semaphore.c - a counting semaphore from a mutex and a condition variable
 * (counting_semaphore.h).
 *
 * This is a file you edit: exercise 1 is semaphore_wait, semaphore_post and semaphore_trywait
 * below, each marked TODO(exercise 1). README.md says what to do, and `make hint EX=1`
 * helps when you are stuck. semaphore_init and semaphore_destroy come finished;
 * counting_semaphore.h is the contract the tests hold you to.
 */
#include "counting_semaphore.h"

#include "sync.h"
#include "trace.h"

void semaphore_init(struct semaphore *s, long initial)
{
    mutex_init(&s->lock);
    cond_init(&s->available);
    s->count = initial;
    s->waiting = 0;
}

void semaphore_destroy(struct semaphore *s)
{
    cond_destroy(&s->available);
    mutex_destroy(&s->lock);
}

/* The semaphore records its own events with trace_event, so that the tracer draws an arrow
 * from each post to the wait it released: leave those lines where they are, and write your code
 * between them. Use the untraced wrappers of sync.h (mutex_lock_untraced, cond_wait_untraced,
 * ...) for s->lock and s->available: they check errors like mutex_lock and cond_wait, but keep
 * the traffic inside the semaphore off the diagrams. */

void semaphore_wait(struct semaphore *s)
{
    trace_event(TRACE_SEM_WAIT, s, 0);
    /* TODO(exercise 1): with s->lock held (mutex_lock_untraced / mutex_unlock_untraced),
     * count yourself in s->waiting, wait on s->available (cond_wait_untraced) for as long as
     * s->count is 0, then count yourself out of s->waiting and take one unit from s->count. */
    trace_event(TRACE_SEM_TAKEN, s, 0);
}

void semaphore_post(struct semaphore *s)
{
    trace_event(TRACE_SEM_POST, s, 0);
    /* TODO(exercise 1): with s->lock held, add one unit to s->count and wake one thread that
     * waits for it (cond_signal_untraced on s->available). */
    (void)s;
}

bool semaphore_trywait(struct semaphore *s)
{
    /* TODO(exercise 1): with s->lock held, take one unit if s->count is above 0 and return
     * true; otherwise return false without waiting and without changing s->count. If you take
     * a unit, record trace_event(TRACE_SEM_TAKEN, s, 0) after unlocking. */
    (void)s;
    return false;
}
